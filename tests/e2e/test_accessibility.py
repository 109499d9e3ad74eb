"""WCAG 2.1 AA, as far as axe-core can check it, on every page in a left-to-right and a right-to-left language."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page
from sqlalchemy.orm import Session

from tests.e2e.test_journeys import log_in
from tests.factories import make_coordinator, make_newcomer, make_organisation, make_volunteer

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PUBLIC_PAGES = ["/", "/volunteer/signup", "/newcomer/request", "/coordinator/login", "/privacy", "/accessibility",
                "/no-such-page"]


def violations(page: Page) -> list[str]:
    """Return each WCAG violation axe finds on the page, with the elements it concerns."""
    results = Axe().run(page, options=WCAG_21_AA)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in results.response["violations"]
    ]


@pytest.mark.parametrize("language", ["sv", "ar"])
def test_public_pages(page: Page, live_server: str, session: Session, language: str) -> None:
    make_organisation(session)
    for path in PUBLIC_PAGES:
        page.goto(f"{live_server}{path}?lang={language}")
        assert violations(page) == [], path


@pytest.mark.parametrize("language", ["sv", "ar"])
def test_refused_forms(page: Page, live_server: str, session: Session, language: str) -> None:
    make_organisation(session)
    for path in ["/volunteer/signup", "/newcomer/request", "/coordinator/login"]:
        page.goto(f"{live_server}{path}?lang={language}")
        page.click("main button[type=submit]")
        assert page.locator(".error-summary").count() == 1, path
        assert violations(page) == [], path


def test_staff_pages(page: Page, live_server: str, session: Session) -> None:
    organisation = make_organisation(session)
    make_coordinator(session, organisation, email="eva@nykoping.example.org")
    volunteer = make_volunteer(session)
    newcomer = make_newcomer(session)
    log_in(page, live_server, "eva@nykoping.example.org")
    for path in ["/coordinator/", "/coordinator/volunteers", "/coordinator/newcomers",
                 f"/coordinator/volunteers/{volunteer.id}", f"/coordinator/newcomers/{newcomer.id}",
                 "/coordinator/newcomers/new"]:
        page.goto(f"{live_server}{path}")
        assert violations(page) == [], path
