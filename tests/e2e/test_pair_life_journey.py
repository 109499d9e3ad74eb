"""A pair's later life in a real browser: introduce, mark active, follow up in Arabic, see it flagged."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

from flask import Flask
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import FollowUp, Match, MatchStatus, now_utc
from tests.factories import (
    make_coordinator,
    make_newcomer,
    make_organisation,
    make_pair,
    make_volunteer,
)
from tests.signin import sign_in_browser
from web import db
from web.pairs.followups import send_due


def outbox_mail(outbox: Path) -> list:
    files = sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
    return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in files]


def test_a_pair_is_introduced_activated_and_followed_up_in_each_language(
    page: Page, browser: Browser, app: Flask, live_server: str, session: Session, tmp_path: Path
) -> None:
    nykoping = make_organisation(session, "Nyköpings kommun", municipalities=("Nyköping",))
    kalmar = make_organisation(session, "Kalmar kommun", municipalities=("Kalmar",))
    make_coordinator(session, nykoping, email="eva@nykoping.example.org")
    make_coordinator(session, kalmar, email="lena@kalmar.example.org")
    newcomer = make_newcomer(session, name="Amal Hassan", email="amal@example.org", phone="+46701234567",
                             share=("phone",), contact_language="ar")
    volunteer = make_volunteer(session, name="Karin Johansson", email="karin@example.org", phone="+46709876543",
                               share=("email",), ui_language="sv")
    pair = make_pair(session, newcomer, volunteer)
    outbox = tmp_path / "outbox"

    # 1. Introduce the approved pair by message; both messages are previewed, then go in their languages.
    sign_in_browser(page, live_server, "eva@nykoping.example.org", session, lang="en")
    page.goto(f"{live_server}/coordinator/matches/{pair.id}")
    page.check("input[name=method][value=message]")
    page.get_by_role("button", name="See the messages").click()
    expect(page.locator("#body_newcomer")).to_contain_text("karin@example.org")
    expect(page.locator("#body_volunteer")).to_contain_text("+46701234567")
    page.get_by_role("button", name="Send and mark the pair introduced").click()
    expect(page).to_have_url(f"{live_server}/coordinator/matches/{pair.id}")
    mails = {m["To"]: m for m in outbox_mail(outbox)}
    assert mails["amal@example.org"]["Content-Language"] == "ar"
    assert mails["karin@example.org"]["Content-Language"] == "sv"
    to_newcomer = mails["amal@example.org"].get_body(("plain",)).get_content()
    assert "karin@example.org" in to_newcomer and "+46709876543" not in to_newcomer
    assert re.search("[\u0600-\u06ff]", to_newcomer)
    expect(page.locator("details.message")).to_have_count(2)

    # 2. They have met: the coordinator marks the pair active.
    page.get_by_role("button", name="They have met: mark the pair active").click()
    expect(page.locator(".notice-success")).to_contain_text("active")
    assert session.scalar(select(Match.status).where(Match.id == pair.id)) == MatchStatus.ACTIVE

    # 3. Four weeks on, the follow-ups go out; the newcomer opens theirs and answers it in Arabic.
    with app.app_context():
        assert send_due(db.session(), now_utc() + timedelta(weeks=4, hours=1)) == 2
    follow_up = next(m for m in outbox_mail(outbox)
                     if m["To"] == "amal@example.org" and "/followup/" in m.get_body(("plain",)).get_content())
    path = re.search(r"https?://[^/\s]+(/followup/\S+)", follow_up.get_body(("plain",)).get_content())
    assert path and "lang=ar" in path.group(1)
    answering = browser.new_page()
    answering.goto(live_server + path.group(1))
    expect(answering.locator("html")).to_have_attribute("dir", "rtl")
    answering.check("input[name=met][value=yes]")
    answering.check("input[name=often][value=monthly]")
    answering.check("input[name=going][value='2']")
    answering.check("input[name=go_on][value=yes]")
    answering.fill("#note", "نلتقي قليلاً")
    answering.locator("main button[type=submit]").click()
    expect(answering).to_have_url(f"{live_server}/followup/thanks")
    answering.close()
    answered = session.scalar(select(FollowUp).where(FollowUp.match_id == pair.id, FollowUp.side == "newcomer",
                                                     FollowUp.weeks == 4))
    assert answered is not None and answered.answers["going"] == 2

    # 4. The answer shows on the pair's page, and the dashboard flags it.
    page.goto(f"{live_server}/coordinator/matches/{pair.id}")
    expect(page.locator("tr.flagged")).to_contain_text("نلتقي قليلاً")
    page.goto(f"{live_server}/coordinator/")
    expect(page.locator(".attention-list")).to_contain_text("says it goes badly")
    expect(page.locator(".bar-chart")).to_be_visible()
    page.screenshot(path=tmp_path / "dashboard.png", full_page=True)
    assert (tmp_path / "dashboard.png").stat().st_size > 10_000

    # 5. A coordinator of another organisation finds none of it.
    other = browser.new_page()
    sign_in_browser(other, live_server, "lena@kalmar.example.org", session, lang="en")
    other.goto(f"{live_server}/coordinator/")
    expect(other.locator("main")).not_to_contain_text("Amal")
    token = other.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    assert other.goto(f"{live_server}/coordinator/matches/{pair.id}").status == 404  # type: ignore[union-attr]
    for action in ("introduce", "activate", "end"):
        response = other.request.post(f"{live_server}/coordinator/matches/{pair.id}/{action}",
                                      form={"csrf_token": token, "step": "send", "reason": "other", "note": "x"})
        assert response.status == 404, action
    for kind, person_id in (("newcomers", newcomer.id), ("volunteers", volunteer.id)):
        assert other.goto(f"{live_server}/coordinator/{kind}/{person_id}").status == 404  # type: ignore[union-attr]
    other.close()
