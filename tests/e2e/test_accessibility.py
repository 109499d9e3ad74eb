"""WCAG 2.1 AA, as far as axe-core can check it: public pages in all seven languages, staff pages in three."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Match
from tests.e2e.test_matching_journey import a_run_with_one_pair_rejected
from tests.factories import make_coordinator, make_newcomer, make_organisation, make_volunteer
from tests.signin import sign_in_browser

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


# Every public page in all seven languages; staff pages in Swedish and Arabic.
SEVEN = ["sv", "en", "ar", "fa_AF", "so", "ti", "uk"]
STAFF_LANGUAGES = ["sv", "en", "ar"]
REQUEST_STEPS = ["about", "where", "languages", "kompis", "times", "wishes", "send"]


@pytest.mark.parametrize("language", SEVEN)
def test_public_pages(page: Page, live_server: str, session: Session, language: str) -> None:
    make_organisation(session)
    for path in PUBLIC_PAGES:
        page.goto(f"{live_server}{path}?lang={language}")
        assert violations(page) == [], path


@pytest.mark.parametrize("language", SEVEN)
def test_refused_forms(page: Page, live_server: str, session: Session, language: str) -> None:
    make_organisation(session)
    for path in ["/volunteer/signup", "/newcomer/request", "/coordinator/login"]:
        page.goto(f"{live_server}{path}?lang={language}")
        page.click("main button[type=submit]")
        assert page.locator(".error-summary").count() == 1, path
        assert violations(page) == [], path


@pytest.mark.parametrize("language", SEVEN)
def test_every_step_of_the_request_and_the_pages_after_sending(page: Page, live_server: str, session: Session,
                                                               language: str) -> None:
    make_organisation(session)
    for step in REQUEST_STEPS:
        page.goto(f"{live_server}/newcomer/request?step={step}&lang={language}")
        assert violations(page) == [], step
    for path in ["/newcomer/request/sent", "/volunteer/signup/check-email"]:
        page.goto(f"{live_server}{path}")
        assert violations(page) == [], path


@pytest.mark.parametrize("language", STAFF_LANGUAGES)
def test_staff_pages(page: Page, live_server: str, session: Session, language: str) -> None:
    organisation = make_organisation(session)
    make_coordinator(session, organisation, email="eva@nykoping.example.org")
    volunteer = make_volunteer(session)
    newcomer = make_newcomer(session)
    sign_in_browser(page, live_server, "eva@nykoping.example.org", session)
    page.goto(f"{live_server}/coordinator/?lang={language}")
    for path in ["/coordinator/", "/coordinator/volunteers", "/coordinator/newcomers",
                 f"/coordinator/volunteers/{volunteer.id}", f"/coordinator/newcomers/{newcomer.id}",
                 "/coordinator/newcomers/new"]:
        page.goto(f"{live_server}{path}")
        assert violations(page) == [], path


@pytest.mark.parametrize("language", STAFF_LANGUAGES)
def test_matching_pages(page: Page, live_server: str, session: Session, language: str) -> None:
    run_id, proposed, rejected = a_run_with_one_pair_rejected(page, live_server, session)
    newcomer_id = session.scalar(select(Match.newcomer_id).where(Match.id == rejected))

    page.goto(f"{live_server}/coordinator/?lang={language}")
    for path in ["/coordinator/runs", f"/coordinator/runs/{run_id}", "/coordinator/proposals",
                 f"/coordinator/matches/{proposed}", f"/coordinator/matches/{rejected}", "/coordinator/matches",
                 "/coordinator/matches?status=rejected", f"/coordinator/newcomers/{newcomer_id}/candidates",
                 "/coordinator/weights"]:
        page.goto(f"{live_server}{path}")
        assert violations(page) == [], path
    # The page a refused decision shows, and the weights tried out.
    page.goto(f"{live_server}/coordinator/proposals")
    page.click("main form[method=post] button[type=submit]")
    assert page.locator(".error-summary").count() == 1
    assert violations(page) == [], "refused bulk decision"
    page.click(".error-summary a[href='#pairs']")
    expect(page.locator("#pairs")).to_be_focused()  # the top of the list, not the middle of a long fieldset
    page.goto(f"{live_server}/coordinator/weights")
    page.click("button[value=preview]")
    assert violations(page) == [], "weights tried"
