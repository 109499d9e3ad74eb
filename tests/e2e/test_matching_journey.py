"""The matching journey in a real browser: run, read reasons, decide, run again, and stay in one's organisation."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Match, MatchRun, MatchStatus, RunStatus
from tests.signin import sign_in_browser
from web.demo import DEMO_PASSWORD, demo_coordinator_email, demo_logins, seed_demo

RUN_TIMEOUT_MS = 90_000  # a run executes in a thread of the live server; the page refreshes every 3 s


def start_run_and_wait(page: Page, base: str) -> int:
    """Start a stable run from the Matching page, wait for its report, and return its id."""
    page.get_by_role("navigation", name="Staff menu").get_by_role("link", name="Matching").click()
    expect(page).to_have_url(f"{base}/coordinator/runs")
    page.check("input[name=mode][value=stable]")
    page.get_by_role("button", name="Start matching").click()
    expect(page).to_have_url(re.compile(r"/coordinator/runs/\d+$"))
    run_id = int(page.url.rsplit("/", 1)[1])
    # The page reloads itself until the run is done; then the report shows.
    expect(page.get_by_role("heading", name="Who took part")).to_be_visible(timeout=RUN_TIMEOUT_MS)
    expect(page.locator(".notice-info")).to_contain_text("Finished")
    return run_id


def pair_ids(page: Page) -> list[int]:
    """Return the ids of the proposals listed on the page, in order."""
    return [int(value) for value in page.locator("article.proposal input[name=pairs]").evaluate_all(
        "boxes => boxes.map(box => box.value)")]


def a_run_with_one_pair_rejected(page: Page, base: str, session: Session) -> tuple[int, int, int]:
    """Seed the demo pool, run matching as Linköping's coordinator and reject one pair.

    Return the run's id, a pair still proposed, and the rejected pair.
    """
    seed_demo(session, per_area=20, seed=2026)
    sign_in_browser(page, base, demo_coordinator_email("linkoping"), session, password=DEMO_PASSWORD, lang="en")
    run_id = start_run_and_wait(page, base)
    page.goto(f"{base}/coordinator/proposals")
    proposed, rejected = pair_ids(page)[:2]
    page.goto(f"{base}/coordinator/matches/{rejected}")
    page.check("input[name=reason][value=other]")
    page.click("form[action$='/reject'] button[type=submit]")
    return run_id, proposed, rejected


def test_coordinator_runs_decides_and_runs_again_within_their_organisation(
    page: Page, browser: Browser, live_server: str, session: Session
) -> None:
    seed_demo(session, per_area=20, seed=2026)
    logins = [email for _, email, _ in demo_logins(session)]
    coordinator, outsider = demo_coordinator_email("linkoping"), demo_coordinator_email("kalmar")
    assert coordinator in logins and outsider in logins

    # 1. Run, then read the reasons of the proposals.
    sign_in_browser(page, live_server, coordinator, session, password=DEMO_PASSWORD, lang="en")
    first_run = start_run_and_wait(page, live_server)
    assert session.scalar(select(MatchRun.status).where(MatchRun.id == first_run)) == RunStatus.FINISHED
    page.goto(f"{live_server}/coordinator/proposals")
    expect(page.locator("article.proposal").first).to_be_visible()
    expect(page.locator(".reasons li").first).to_be_visible()
    ids = pair_ids(page)
    assert len(ids) >= 3, "the demo pool should give at least three proposals"
    approved_by_page, approved_in_bulk, rejected_id = ids[:3]

    # 2. Approve one pair on its page, one with the bulk form, and reject one with a reason.
    page.goto(f"{live_server}/coordinator/matches/{approved_by_page}")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page).to_have_url(f"{live_server}/coordinator/matches/{approved_by_page}")
    expect(page.locator(".notice-success")).to_contain_text("approved")

    page.goto(f"{live_server}/coordinator/proposals")
    page.check(f"#pair-{approved_in_bulk}")
    page.check("input[name=decision][value=approve]")
    page.get_by_role("button", name="Decide on the chosen pairs").click()
    expect(page).to_have_url(f"{live_server}/coordinator/proposals")
    expect(page.locator(".notice-success")).to_contain_text("Approved")

    page.goto(f"{live_server}/coordinator/matches/{rejected_id}")
    page.check("input[name=reason][value=times]")
    page.fill("#note", "Hon arbetar kvällar")
    page.get_by_role("button", name="Reject", exact=True).click()
    expect(page).to_have_url(f"{live_server}/coordinator/matches/{rejected_id}")
    expect(page.locator(".notice-success")).to_contain_text("rejected")
    expect(page.locator(".history li")).to_have_count(2)

    approved = list(session.scalars(select(Match).where(Match.id.in_([approved_by_page, approved_in_bulk]))))
    assert [m.status for m in approved] == [MatchStatus.APPROVED, MatchStatus.APPROVED]
    approved_newcomers = [m.newcomer_id for m in approved]
    rejected = session.get(Match, rejected_id)
    assert rejected is not None and rejected.status == MatchStatus.REJECTED and rejected.reason == "times"
    newcomer_id, volunteer_id = rejected.newcomer_id, rejected.volunteer_id

    # 3. A second run never proposes the rejected pair again, nor the approved newcomers.
    second_run = start_run_and_wait(page, live_server)
    assert second_run != first_run
    assert session.scalar(select(MatchRun.status).where(MatchRun.id == second_run)) == RunStatus.FINISHED
    assert session.scalars(select(Match).where(
        Match.newcomer_id == newcomer_id, Match.volunteer_id == volunteer_id,
        Match.status == MatchStatus.PROPOSED)).all() == []
    assert session.scalar(select(Match.status).where(Match.id == rejected_id)) == MatchStatus.REJECTED
    assert session.scalars(select(Match).where(
        Match.newcomer_id.in_(approved_newcomers), Match.status == MatchStatus.PROPOSED)).all() == []
    page.goto(f"{live_server}/coordinator/proposals")
    expect(page.locator("article.proposal").first).to_be_visible()
    assert rejected_id not in pair_ids(page)

    # 4. A coordinator of another organisation sees none of it.
    other = browser.new_context(viewport={"width": 1024, "height": 900}, locale="sv-SE")
    try:
        stranger = other.new_page()
        sign_in_browser(stranger, live_server, outsider, session, password=DEMO_PASSWORD, lang="en")
        for path in [f"/coordinator/runs/{first_run}", f"/coordinator/runs/{second_run}",
                     *(f"/coordinator/matches/{i}" for i in (approved_by_page, approved_in_bulk, rejected_id)),
                     f"/coordinator/newcomers/{newcomer_id}/candidates"]:
            response = stranger.goto(f"{live_server}{path}")
            assert response is not None and response.status == 404, path
    finally:
        other.close()
