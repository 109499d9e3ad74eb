"""Helpers for page tests: parse HTML, fill in forms, read the outbox."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, TypeVar

from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from tests.conftest import csrf_token


def page(html: str | bytes) -> BeautifulSoup:
    """Parse a page."""
    return BeautifulSoup(html, "html.parser")


def get_form(client: FlaskClient, url: str) -> tuple[BeautifulSoup, str]:
    """Open a form page; return it parsed and its CSRF token."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    return page(html), csrf_token(html)


def submit(client: FlaskClient, url: str, data: dict[str, Any], **kwargs: Any):
    """Open a form page and post `data` with the page's CSRF token."""
    _, token = get_form(client, url)
    return client.post(url, data={**data, "csrf_token": token}, **kwargs)


def place_id(soup: BeautifulSoup, name: str) -> str:
    """Return the value of the place option called `name`."""
    option = soup.find("option", string=name)
    assert option is not None, f"no place called {name} on the form"
    return str(option["value"])


def mails(outbox: Path) -> list[EmailMessage]:
    """Return the messages written to the outbox, oldest first."""
    if not outbox.exists():
        return []
    files = sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in files]  # type: ignore[misc]


def link_in(message: EmailMessage) -> str:
    """Return the path of the first link in an e-mail body."""
    body = message.get_content()
    match = re.search(r"https?://[^/\s]+(/\S+)", body)
    assert match, body
    return match.group(1)


def error_summary(soup: BeautifulSoup) -> list[tuple[str, str]]:
    """Return the (text, link target) of each entry in the error summary."""
    summary = soup.find(class_="error-summary")
    if summary is None:
        return []
    return [(a.get_text(strip=True), a["href"]) for a in summary.find_all("a")]


def count_queries(engine: Engine, client: FlaskClient, url: str) -> int:
    """Return how many SQL statements a GET of `url` sends (which must answer 200)."""
    seen: list[str] = []

    def count(*_args: object) -> None:
        seen.append("q")

    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


Row = TypeVar("Row")


def reread(session: Session, model: type[Row], ident: object) -> Row | None:
    """Return a row as the database holds it now: a request's own session may have changed it."""
    return session.get(model, ident, populate_existing=True)
