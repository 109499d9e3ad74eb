"""Take the README's screenshots: the app with a demo pool, in Debian's Chromium.

Run with `make screenshots`; writes PNG files beside this script.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright
from werkzeug.serving import make_server

from models.migrate import upgrade
from web import create_app, db
from web.demo import DEMO_PASSWORD, demo_coordinator_email, seed_demo
from web.demo_pairs import seed_demo_pairs
from web.reference_data import load_reference_data

HERE = Path(__file__).resolve().parent
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
RUN_TIMEOUT_MS = 120_000  # how long a run of the demo pool may take


def demo_app(folder: Path):  # type: ignore[no-untyped-def]
    """Return the app on a fresh SQLite database holding a small demo pool."""
    app = create_app({"TESTING": True, "SECRET_KEY": "screenshots", "RATELIMIT_ENABLED": False,
                      "DATABASE_URL": f"sqlite:///{folder / 'kompis.sqlite3'}", "MAIL_OUTBOX": str(folder)})
    with app.app_context():
        with db.engine().begin() as connection:
            upgrade(connection)
        load_reference_data(db.session())
        seed_demo(db.session(), per_area=40, seed=2026)
        seed_demo_pairs(db.session())
    return app


def shoot(page: Page, base: str) -> None:
    """Save the sign-up form, the request in Arabic and on a phone in Tigrinya, the dashboard, a list, a run's
    report and proposals."""
    page.goto(f"{base}/volunteer/signup?lang=sv")
    page.screenshot(path=HERE / "signup.png")
    page.goto(f"{base}/newcomer/request?lang=ar")
    page.screenshot(path=HERE / "request-ar.png")
    # The request on a phone, in Tigrinya: one short step at a time.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/newcomer/request?step=languages&lang=ti")
    page.screenshot(path=HERE / "request-ti.png")
    page.set_viewport_size({"width": 1100, "height": 900})
    page.goto(f"{base}/?lang=sv")
    page.goto(f"{base}/coordinator/login?lang=sv")
    page.fill("#email", demo_coordinator_email("linkoping"))
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.screenshot(path=HERE / "dashboard.png", full_page=True)
    page.goto(f"{base}/coordinator/newcomers")
    page.screenshot(path=HERE / "newcomers.png")
    page.goto(f"{base}/coordinator/runs")
    page.check("input[name=mode][value=stable]")
    page.click("main form[method=post] button[type=submit]")
    # The run works in a thread of the server; its page reloads itself until the report shows.
    expect(page.locator("table.counts").first).to_be_visible(timeout=RUN_TIMEOUT_MS)
    # Tall enough to show the comparison of stable and maximum total too.
    page.screenshot(path=HERE / "run-report.png", full_page=True, clip={"x": 0, "y": 0, "width": 1100, "height": 1300})
    page.goto(f"{base}/coordinator/proposals")
    page.screenshot(path=HERE / "proposals.png")


def main() -> None:
    """Serve a demo app on a free port and photograph it."""
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not chromium:
        sys.exit("Chromium is not installed (Debian: apt-get install chromium fonts-noto-core)")
    with tempfile.TemporaryDirectory() as folder:
        server = make_server("127.0.0.1", 0, demo_app(Path(folder)), threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=chromium, args=FLAGS)
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            shoot(page, f"http://127.0.0.1:{server.server_port}")
            browser.close()
        server.shutdown()
    print(f"Screenshots written to {HERE}")


if __name__ == "__main__":
    main()
