"""WCAG 2.1 AA on the pages of a pair's later life: the follow-up in all seven languages, staff pages in three."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import Page
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import FollowUp, Match, MatchStatus, now_utc
from tests.e2e.test_accessibility import SEVEN, STAFF_LANGUAGES, violations
from tests.factories import make_coordinator, make_newcomer, make_organisation, make_pair, make_volunteer
from tests.signin import sign_in_browser
from web.links import make_link_token
from web.pairs.followups import token_for
from web.pairs.housekeeping import STILL_AVAILABLE


def _introduced_pair(session: Session) -> Match:
    organisation = make_organisation(session)
    make_coordinator(session, organisation, email="eva@nykoping.example.org")
    newcomer = make_newcomer(session, email="amal@example.org")
    volunteer = make_volunteer(session, phone="+46709876543", share=("email", "phone"))
    pair = make_pair(session, newcomer, volunteer, status=MatchStatus.INTRODUCED)
    session.add_all(FollowUp(match_id=pair.id, side=side, weeks=4, due_at=now_utc(), sent_at=now_utc())
                    for side in ("newcomer", "volunteer"))
    session.commit()
    return pair


@pytest.mark.parametrize("language", SEVEN)
def test_the_follow_up_and_still_available_pages(page: Page, app: Flask, live_server: str, session: Session,
                                                 language: str) -> None:
    pair = _introduced_pair(session)
    follow_up = session.scalar(select(FollowUp).where(FollowUp.match_id == pair.id, FollowUp.side == "newcomer"))
    assert follow_up is not None
    with app.test_request_context():
        follow_up_path = f"/followup/{token_for(follow_up)}"
        available_path = f"/volunteer/available/{make_link_token(STILL_AVAILABLE, pair.volunteer)}"
    for path in (follow_up_path, available_path, "/followup/not-a-token", "/volunteer/available/not-a-token"):
        page.goto(f"{live_server}{path}?lang={language}")
        assert violations(page) == [], path
    page.goto(f"{live_server}{follow_up_path}?lang={language}")
    page.click("main button[type=submit]")
    assert page.locator(".error-summary").count() == 1
    assert violations(page) == [], "refused follow-up"
    page.goto(f"{live_server}/followup/thanks?lang={language}")
    assert violations(page) == [], "thanks"


@pytest.mark.parametrize("language", STAFF_LANGUAGES)
def test_the_pair_pages(page: Page, live_server: str, session: Session, language: str) -> None:
    pair = _introduced_pair(session)
    approved = make_pair(session, make_newcomer(session, name="Hodan Ali", phone="+46701111111"),
                         make_volunteer(session, name="Lars Berg"))
    session.execute(update(FollowUp).where(FollowUp.match_id == pair.id, FollowUp.side == "newcomer")
                    .values(answered_at=now_utc(), answers={"met": False, "often": "", "going": 2, "go_on": False,
                                                            "note": "Vi har inte hittat en tid"}))
    session.commit()
    sign_in_browser(page, live_server, "eva@nykoping.example.org", session)
    page.goto(f"{live_server}/coordinator/?lang={language}")
    for path in ["/coordinator/", f"/coordinator/matches/{pair.id}", f"/coordinator/matches/{approved.id}",
                 "/coordinator/wording", "/coordinator/wording/introduction/ar", "/coordinator/reports"]:
        page.goto(f"{live_server}{path}")
        assert violations(page) == [], path
    # The preview of both introductions, and the pair page refusing an end without a reason.
    page.goto(f"{live_server}/coordinator/matches/{approved.id}")
    page.click("form[action$='/introduce'] button[type=submit]")
    assert page.locator("#body_newcomer").count() == 1
    assert violations(page) == [], "introduction preview"
    page.goto(f"{live_server}/coordinator/matches/{pair.id}")
    page.click("form[action$='/end'] button[type=submit]")
    assert page.locator(".error-summary").count() == 1
    assert violations(page) == [], "refused end"
