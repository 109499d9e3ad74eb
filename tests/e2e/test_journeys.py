"""The intake journeys in a real browser: sign up, confirm, request in Arabic, staff see them."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.factories import make_coordinator, make_organisation
from tests.signin import sign_in_browser
from tests.web.helpers import link_in, mails


def next_step(page: Page) -> None:
    """Press the first button of a step of the request: Next, or Send on the last."""
    page.click("main form button[type=submit] >> nth=0")


def log_out(page: Page) -> None:
    page.click(".staff-menu button[type=submit]")


def fill_volunteer_signup(page: Page, base: str) -> None:
    page.goto(f"{base}/volunteer/signup")
    page.fill("#name", "Karin Johansson")
    page.fill("#email", "karin.johansson@example.org")
    page.fill("#phone", "070-123 45 67")
    page.check("input[name=share][value=email]")
    page.fill("#birth_year", "1968")
    page.select_option("#place", label="Nyköping")
    page.select_option("select[name='languages-sv']", "4")
    page.check("input[name=help_offered][value=swedish]")
    page.check("input[name=interests][value=cooking]")
    page.check("input[name=availability][value=mon-evening]")
    page.check("input[name=consent]")


def test_volunteer_signs_up_confirms_and_only_their_coordinator_sees_them(
    page: Page, live_server: str, session: Session, outbox: Path
) -> None:
    nykoping = make_organisation(session, "Nyköpings kommun", municipalities=("Nyköping",))
    kalmar = make_organisation(session, "Kalmar kommun", municipalities=("Kalmar",))
    make_coordinator(session, nykoping, email="eva@nykoping.example.org")
    make_coordinator(session, kalmar, email="olle@kalmar.example.org")

    fill_volunteer_signup(page, live_server)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server}/volunteer/signup/check-email")

    [message] = mails(outbox)
    page.goto(live_server + link_in(message))
    page.click("form button[type=submit]")
    expect(page).to_have_url(f"{live_server}/volunteer/confirmed")

    sign_in_browser(page, live_server, "eva@nykoping.example.org", session)
    page.goto(f"{live_server}/coordinator/volunteers?status=active")
    row = page.locator("table.people tbody tr", has_text="Karin Johansson")
    expect(row).to_have_count(1)
    row.get_by_role("link").click()
    expect(page.locator("h1")).to_have_text("Karin Johansson")
    detail = page.url
    log_out(page)

    sign_in_browser(page, live_server, "olle@kalmar.example.org", session)
    page.goto(f"{live_server}/coordinator/volunteers")
    expect(page.locator("table.people tbody tr", has_text="Karin Johansson")).to_have_count(0)
    assert page.goto(detail).status == 404


def test_newcomer_asks_in_arabic_right_to_left(page: Page, live_server: str, session: Session) -> None:
    nykoping = make_organisation(session, "Nyköpings kommun", municipalities=("Nyköping",))
    make_coordinator(session, nykoping, email="eva@nykoping.example.org")

    page.goto(f"{live_server}/newcomer/request?lang=ar")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    # The layout mirrors: headings and labels start at the right edge of the column.
    heading, column = page.locator("h1").bounding_box(), page.locator("main").bounding_box()
    assert heading and column
    assert abs((heading["x"] + heading["width"]) - (column["x"] + column["width"])) < 40

    page.fill("#name", "أمل حسن")
    page.fill("#phone", "070-765 43 21")
    page.check("input[name=share][value=phone]")
    page.fill("#birth_year", "1990")
    page.select_option("#contact_language", "ar")
    next_step(page)
    page.select_option("#place", label="Nyköping")
    next_step(page)
    page.check("input[name=swedish_level][value=sfi_b]")
    page.select_option("select[name='languages-ar']", "4")
    next_step(page)
    page.check("input[name=goals][value=swedish]")
    next_step(page)
    page.check("input[name=availability][value=sat-morning]")
    next_step(page)
    next_step(page)
    page.check("input[name=consent]")
    next_step(page)
    expect(page).to_have_url(f"{live_server}/newcomer/request/sent")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")

    # The language stays chosen on the next page, without ?lang=.
    page.goto(f"{live_server}/")
    expect(page.locator("html")).to_have_attribute("lang", "ar")

    page.goto(f"{live_server}/?lang=sv")
    sign_in_browser(page, live_server, "eva@nykoping.example.org", session)
    page.goto(f"{live_server}/coordinator/newcomers")
    expect(page.locator("table.people tbody tr", has_text="أمل حسن")).to_have_count(1)


def test_refused_form_focuses_the_error_summary_and_its_links_focus_fields(
    page: Page, live_server: str, session: Session
) -> None:
    make_organisation(session, "Nyköpings kommun", municipalities=("Nyköping",))
    page.goto(f"{live_server}/volunteer/signup")
    page.fill("#name", "Karin Johansson")
    page.click("button[type=submit]")

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(page.locator("#name")).to_have_value("Karin Johansson")
    summary.locator("a[href='#email']").click()
    expect(page.locator("#email")).to_be_focused()


def test_keyboard_reaches_the_skip_link_first(page: Page, live_server: str, session: Session) -> None:
    page.goto(f"{live_server}/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
