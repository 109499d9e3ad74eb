"""A person's own pages (`/me`), in all seven languages: axe finds no WCAG 2.1 AA violation, and each fits 320 px.

The person agreed to an older privacy notice, so the changed notice comes first.
"""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.e2e.test_accessibility import SEVEN
from tests.e2e.test_accessibility_admin import check
from tests.factories import make_newcomer, make_organisation, make_pair, make_volunteer
from web.me.access import link_token


@pytest.mark.parametrize("language", SEVEN)
def test_a_persons_own_pages(page: Page, app: Flask, live_server: str, session: Session, language: str) -> None:
    make_organisation(session)
    newcomer = make_newcomer(session, name="Zahra Qasemi", email="zahra@example.org")
    newcomer.consent_version = "2026-11"
    session.commit()
    make_pair(session, newcomer, make_volunteer(session))
    with app.test_request_context():
        token = link_token(newcomer)
    problems: list[str] = []
    page.goto(f"{live_server}/me?lang={language}")
    problems += check(page, "/me")
    page.click("main button[type=submit]")
    expect(page.locator(".error-summary")).to_be_visible()
    problems += check(page, "/me refused")
    page.fill("#contact", "nobody@example.org")
    page.click("main button[type=submit]")
    problems += check(page, "/me sent")
    page.goto(f"{live_server}/me/newcomer/{token}")
    problems += check(page, "/me open")
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{live_server}/me/notice")
    problems += check(page, "/me/notice, changed")
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{live_server}/me/data")
    problems += check(page, "/me/data")
    page.goto(f"{live_server}/me/edit")
    problems += check(page, "/me/edit")
    page.fill("#name", "")
    page.press("#name", "Enter")  # sends the form as Enter does; a click may wait long for the long form to settle
    expect(page.locator(".error-summary")).to_be_visible()
    problems += check(page, "/me/edit refused")
    page.goto(f"{live_server}/me/sharing")
    problems += check(page, "/me/sharing")
    for box in page.locator("input[name=share]").all():
        box.uncheck()
    page.click("main form button[type=submit]")
    expect(page.locator(".error-summary")).to_be_visible()
    problems += check(page, "/me/sharing refused")
    page.goto(f"{live_server}/me/notice")
    problems += check(page, "/me/notice, read")
    page.goto(f"{live_server}/me/erase")
    problems += check(page, "/me/erase")
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{live_server}/me/erased")
    problems += check(page, "/me/erased")
    page.goto(f"{live_server}/me/newcomer/{token}")
    problems += check(page, "a used link")
    assert problems == []
