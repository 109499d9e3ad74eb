"""The sign-in steps and the admin's pages: axe finds no WCAG 2.1 AA violation, and each fits 320 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.e2e.test_accessibility import STAFF_LANGUAGES, violations
from tests.e2e.test_small_screens import NARROW, overflow
from tests.factories import PASSWORD, make_coordinator, make_organisation
from tests.signin import sign_in_browser
from web.auth import create_coordinator

ADMIN = "admin@nykoping.example.org"


def check(page: Page, where: str) -> list[str]:
    """Return what is wrong with the page: axe's violations, or overflow at 320 px."""
    problems = [f"{where}: {v}" for v in violations(page)]
    page.set_viewport_size(NARROW)
    problems += [p for p in [overflow(page, where)] if p]
    page.set_viewport_size({"width": 1024, "height": 900})
    return problems


@pytest.mark.parametrize("language", STAFF_LANGUAGES)
def test_the_sign_in_steps(page: Page, live_server: str, session: Session, language: str) -> None:
    organisation = make_organisation(session)
    make_coordinator(session, organisation, email="eva@nykoping.example.org")
    create_coordinator(session, "ny@nykoping.example.org", "en ny och lång lösenfras", organisation=organisation)
    session.commit()
    problems: list[str] = []
    page.goto(f"{live_server}/coordinator/login?lang={language}")
    page.fill("#email", "eva@nykoping.example.org")
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.locator("#code")).to_be_visible()
    problems += check(page, "the code")
    page.fill("#code", "000000")
    page.click("main button[type=submit]")
    expect(page.locator(".error-summary")).to_be_visible()
    problems += check(page, "a wrong code")
    page.goto(f"{live_server}/coordinator/login")
    page.fill("#email", "ny@nykoping.example.org")
    page.fill("#password", "en ny och lång lösenfras")
    page.click("main button[type=submit]")
    expect(page.locator("svg.segno")).to_be_visible()
    problems += check(page, "setting up the second factor")
    for path in ["/coordinator/password-reset"]:
        page.goto(f"{live_server}{path}")
        problems += check(page, path)
    page.fill("#email", "eva@nykoping.example.org")
    page.click("main button[type=submit]")
    problems += check(page, "reset link sent")
    assert problems == []


@pytest.mark.parametrize("language", STAFF_LANGUAGES)
def test_the_admin_pages(page: Page, live_server: str, session: Session, language: str) -> None:
    organisation = make_organisation(session)
    coordinator = make_coordinator(session, organisation, email="eva@nykoping.example.org")
    make_coordinator(session, None, email=ADMIN, admin=True)
    sign_in_browser(page, live_server, ADMIN, session, lang=language, home="/admin/")
    problems: list[str] = []
    for path in ["/admin/", "/admin/organisations", "/admin/organisations/new",
                 f"/admin/organisations/{organisation.id}", f"/admin/organisations/{organisation.id}/wording",
                 f"/admin/organisations/{organisation.id}/disposal",
                 f"/admin/organisations/{organisation.id}/wording/introduction/ar", "/admin/staff",
                 "/admin/staff/invite", f"/admin/staff/{coordinator.id}", "/admin/audit", "/admin/interests",
                 "/admin/interests/fika", "/coordinator/account"]:
        page.goto(f"{live_server}{path}")
        problems += check(page, path)
    page.goto(f"{live_server}/admin/staff/invite")
    page.click("main button[type=submit]")
    expect(page.locator(".error-summary")).to_be_visible()
    problems += check(page, "a refused invitation")
    assert problems == []
