"""Browser tests: the app served on a real port, driven in Debian's Chromium by Playwright.

Chromium comes from the system (`make test` installs Debian's `chromium`), never from
a download by the test tool. The flags keep it from reaching for the network.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Playwright, sync_playwright
from werkzeug.serving import make_server

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """Return the system Chromium, or fail saying how to install it."""
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("Chromium is not installed: run `make test`, which installs Debian's chromium")
    return found


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """Return the app for serving on 127.0.0.1 (no SERVER_NAME), mail to a folder."""
    from web import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "browser-test-secret-key",
            "MAIL_OUTBOX": str(tmp_path / "outbox"),
            "RATELIMIT_ENABLED": False,
        }
    )
    yield app
    app.extensions["kompis.engine"].dispose()


def closing_responses(app: WSGIApplication) -> WSGIApplication:
    """Wrap `app` so each response is closed even when the browser hangs up halfway.

    Werkzeug's server skips closing a response whose client went away (a page left while
    its favicon loads): the static file stays open until collected, and the warning fails
    whichever test is running then.
    """
    def serve(environ: WSGIEnvironment, start_response: StartResponse) -> Iterator[bytes]:
        body = app(environ, start_response)
        try:
            yield from body
        finally:
            if hasattr(body, "close"):
                body.close()

    return serve


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the app on a free port in a thread; return its base URL."""
    server = make_server("127.0.0.1", 0, closing_responses(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1024, "height": 900}, locale="sv-SE")
    yield context
    context.close()


def _is_problem(message: ConsoleMessage) -> bool:
    # A 404 a test asks for on purpose is logged too; script errors and CSP refusals are not.
    return message.type == "error" and not message.text.startswith("Failed to load resource")


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """Return a fresh browser tab; script errors and refused content fail the test."""
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda message: errors.append(message.text) if _is_problem(message) else None)
    yield tab
    assert not errors, errors
