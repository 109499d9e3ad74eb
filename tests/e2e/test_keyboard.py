"""The newcomer's request, finished by keyboard alone, in Dari and in Tigrinya."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Newcomer
from tests.factories import make_organisation


def tab_to(page: Page, selector: str, limit: int = 120) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    target = page.locator(selector).first
    for _ in range(limit):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def press_next(page: Page) -> None:
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")


@pytest.mark.parametrize(("language", "name"), [("fa_AF", "مریم احمدی"), ("ti", "ሰላም ተስፋይ")])
def test_the_request_by_keyboard_alone(page: Page, live_server: str, session: Session, language: str,
                                       name: str) -> None:
    make_organisation(session, "Kalmar kommun – Integra", municipalities=("Kalmar",))
    page.goto(f"{live_server}/newcomer/request?lang={language}")
    tab_to(page, "#name")
    page.keyboard.type(name)
    tab_to(page, "#phone")
    page.keyboard.type("0701740607")
    tab_to(page, "#share-1")  # share the phone number with the kompis
    page.keyboard.press("Space")
    tab_to(page, "#contact_language")
    page.keyboard.press("ArrowDown")  # the first language offered
    tab_to(page, "#birth_year")
    page.keyboard.type("1988")
    press_next(page)

    expect(page.locator("#place")).to_be_visible()
    tab_to(page, "#place")
    page.keyboard.press("ArrowDown")
    press_next(page)

    tab_to(page, "input[name=swedish_level]")
    page.keyboard.press("ArrowDown")  # radio buttons move with the arrow keys; the choice follows
    press_next(page)

    tab_to(page, "input[name=goals]")
    page.keyboard.press("Space")
    press_next(page)

    tab_to(page, "input[name=availability]")
    page.keyboard.press("Space")
    press_next(page)

    press_next(page)  # no wishes: every question here is optional

    tab_to(page, "input[name=consent]")
    page.keyboard.press("Space")
    press_next(page)

    expect(page).to_have_url(f"{live_server}/newcomer/request/sent")
    newcomer = session.scalar(select(Newcomer).where(Newcomer.name == name))
    assert newcomer is not None and newcomer.ui_language == language
