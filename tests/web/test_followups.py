"""Pairs over time: follow-ups go out once when due, are answered once, and nothing rots."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    Coordinator,
    EndReason,
    FollowUp,
    Match,
    MatchEvent,
    MatchStatus,
    Message,
    MessagePurpose,
    Organisation,
    PersonStatus,
    Side,
    Volunteer,
    now_utc,
)
from tests.conftest import csrf_token
from tests.factories import make_coordinator, make_newcomer, make_organisation, make_pair, make_volunteer
from tests.web.helpers import error_summary, page, reread
from web import delivery, links
from web.pairs import attention, followups, housekeeping
from web.pairs.introductions import Method, draft, introduce, people
from web.pairs.lifecycle import end_match
from web.pairs.reach import channels

KOMPIS = str(Path(sys.executable).with_name("kompis"))
WEEK_4 = timedelta(weeks=4)
WEEK_13 = timedelta(weeks=13)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
GOOD = followups.Answers(met=True, often="weekly", going=4, go_on=True, note="")
LINK_RE = re.compile(r"https?://[^/\s]+(/followup/([^?\s]+)\?lang=([\w-]+))")


# --- building pairs -------------------------------------------------------------------------------------------------


@pytest.fixture
def organisation(session: Session) -> Organisation:
    return make_organisation(session, "Nyköpings kommun", municipalities=("Nyköping",))


@pytest.fixture
def coordinator(session: Session, organisation: Organisation) -> Coordinator:
    return make_coordinator(session, organisation)


def pair_of(session: Session, n: int = 0, *, newcomer_email: bool = True) -> Match:
    """Create an approved pair: a newcomer who reads Arabic, a volunteer who reads English."""
    newcomer = make_newcomer(session, name=f"Amal{n} Hassan", phone=f"+4670123456{n}",
                             email=f"amal{n}@example.org" if newcomer_email else None, share=("phone",))
    volunteer = make_volunteer(session, name=f"Anna{n} Svensson", ui_language="en")
    return make_pair(session, newcomer, volunteer)


def introduce_pair(app: Flask, session: Session, match: Match, coordinator: Coordinator) -> None:
    """Introduce an approved pair by message, as the coordinator's page does; this schedules its follow-ups."""
    with app.test_request_context():
        drafts = [draft(session, match, side, channels(person)[0], coordinator, Method.MESSAGE, None)
                  for side, (person, _kompis) in people(match).items()]
        introduce(session, match, coordinator, Method.MESSAGE, None, drafts)


def introduced(app: Flask, session: Session, coordinator: Coordinator, count: int = 1,
               **kwargs: Any) -> list[Match]:
    """Create and introduce `count` pairs now (the clock as it stands)."""
    pairs = [pair_of(session, n, **kwargs) for n in range(count)]
    for match in pairs:
        introduce_pair(app, session, match, coordinator)
    return pairs


def send_due(app: Flask, session: Session) -> int:
    with app.app_context():
        return followups.send_due(session)


def run_housekeeping(app: Flask, session: Session) -> housekeeping.Report:
    with app.app_context():
        return housekeeping.run(session)


def messages(session: Session, purpose: MessagePurpose) -> list[Message]:
    return list(session.scalars(select(Message).where(Message.purpose == purpose).order_by(Message.id)))


def mail_of(outbox: Path, message: Message) -> EmailMessage:
    """Return the e-mail a stored message became in the outbox."""
    path = outbox / f"message-{message.id}_kompis.eml"
    assert path.exists(), f"message {message.id} was not delivered"
    return message_from_bytes(path.read_bytes(), policy=policy.default)  # type: ignore[return-value]


def followup_link(body: str) -> tuple[str, str, str]:
    """Return (path with query, token, lang) of the follow-up link in a message."""
    found = LINK_RE.search(body)
    assert found, body
    return found.group(1), found.group(2), found.group(3)


def follow_up_named(app: Flask, message: Message, token: str) -> int:
    """Return the id of the follow-up a link's token names, read when the message was sent."""
    with time_machine.travel(message.created_at, tick=False), app.app_context():
        return int(str(links.unsign(followups.PURPOSE, token, 60)["id"]))


def follow_up_of(session: Session, match: Match, side: Side, weeks: int = 4) -> FollowUp:
    found = session.scalar(select(FollowUp).where(FollowUp.match_id == match.id, FollowUp.side == side,
                                                  FollowUp.weeks == weeks))
    assert found is not None
    return found


def answer(app: Flask, session: Session, follow_up: FollowUp, answers: followups.Answers) -> None:
    with app.app_context():
        followups.record_answers(session, follow_up, answers)


def events(session: Session, match: Match, action: str) -> list[MatchEvent]:
    return list(session.scalars(select(MatchEvent).where(MatchEvent.match_id == match.id,
                                                         MatchEvent.action == action)))


@pytest.fixture
def deliveries(caplog: pytest.LogCaptureFixture) -> Callable[[], list[str]]:
    """Return a function listing every delivery to the outbox so far, one entry per write (repeats included).

    The outbox file of a message is named after it, so a second delivery would
    overwrite the first; the log line of each write shows every one.
    """
    caplog.set_level(logging.INFO, logger="web.mail")
    caplog.set_level(logging.INFO, logger="web.sms")

    def written() -> list[str]:
        return [r.getMessage().rsplit("/", 1)[-1] for r in caplog.records
                if r.getMessage().startswith(("mail to the outbox", "sms to the outbox"))]
    return written


def in_threads(app: Flask, work: Callable[[Session], Any], count: int = 2) -> list[Any]:
    """Run `work` in `count` threads at the same moment, each with its own session and app context."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def one(index: int) -> None:
        with app.app_context():
            own = app.extensions["kompis.sessionmaker"]()
            try:
                barrier.wait(timeout=10)
                results[index] = work(own)
            except BaseException as exc:  # noqa: BLE001 - reported to the test below
                errors.append(exc)
            finally:
                own.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


# --- 1. time ---------------------------------------------------------------------------------------------------------


def test_follow_ups_go_out_at_four_and_thirteen_weeks_once_each_in_each_language(
        app: Flask, session: Session, coordinator: Coordinator, outbox: Path) -> None:
    start = now_utc()
    with time_machine.travel(start, tick=False):
        (match,) = introduced(app, session, coordinator)
    with time_machine.travel(start + WEEK_4 - HOUR, tick=False):
        assert send_due(app, session) == 0
    with time_machine.travel(start + WEEK_4 + HOUR, tick=False):
        assert send_due(app, session) == 2
        assert send_due(app, session) == 0
    first = messages(session, MessagePurpose.FOLLOW_UP)
    assert {m.side for m in first} == {Side.NEWCOMER, Side.VOLUNTEER}
    with time_machine.travel(start + WEEK_13 - HOUR, tick=False):
        assert send_due(app, session) == 0
    with time_machine.travel(start + WEEK_13 + HOUR, tick=False):
        assert send_due(app, session) == 2
        assert send_due(app, session) == 0

    sent = messages(session, MessagePurpose.FOLLOW_UP)
    assert len(sent) == 4 and all(m.sent_at is not None and m.match_id == match.id for m in sent)
    expected = {Side.NEWCOMER: ("ar", "amal0@example.org"), Side.VOLUNTEER: ("en", None)}
    named = []
    for message in sent:
        mail = mail_of(outbox, message)
        language, address = expected[message.side]
        assert mail["Content-Language"] == language
        if address:
            assert mail["To"] == address
        path, token, lang = followup_link(mail.get_content())
        assert lang == language, path
        named.append(follow_up_named(app, message, token))
    rounds = session.scalars(select(FollowUp).where(FollowUp.match_id == match.id)).all()
    assert sorted(named) == sorted(f.id for f in rounds)  # each follow-up has one message, none has two
    assert {(f.side, f.weeks) for f in rounds} == {(s, w) for s in Side for w in (4, 13)}
    assert all(f.sent_at is not None for f in rounds)


# --- 2. twice at once ------------------------------------------------------------------------------------------------


def test_two_senders_at_once_send_each_follow_up_once(app: Flask, session: Session, coordinator: Coordinator,
                                                      deliveries: Callable[[], list[str]]) -> None:
    start = now_utc()
    with time_machine.travel(start, tick=False):
        (match,) = introduced(app, session, coordinator)
    before = len(deliveries())
    with time_machine.travel(start + WEEK_4 + HOUR):
        counts = in_threads(app, followups.send_due)
    assert sum(counts) == 2, counts
    sent = messages(session, MessagePurpose.FOLLOW_UP)
    assert len(sent) == 2 and {m.side for m in sent} == set(Side)
    assert all(m.sent_at is not None for m in sent)
    files = deliveries()[before:]
    assert sorted(files) == sorted(f"message-{m.id}_kompis.eml" for m in sent)  # each delivered once


def test_two_housekeeping_rounds_at_once_nudge_once(app: Flask, session: Session, coordinator: Coordinator,
                                                    deliveries: Callable[[], list[str]]) -> None:
    start = now_utc()
    with time_machine.travel(start, tick=False):
        idle = make_volunteer(session, name="Bertil Idle")
        pairs = introduced(app, session, coordinator, count=3)
    with time_machine.travel(start + WEEK_4 + HOUR, tick=False):
        assert send_due(app, session) == 6
    before = len(deliveries())
    with time_machine.travel(start + timedelta(days=183)):
        reports = in_threads(app, housekeeping.run)
    assert sum(r.nudged_pairs for r in reports) == 3
    assert sum(r.asked_volunteers for r in reports) == 1
    nudges = messages(session, MessagePurpose.NUDGE)
    asks = messages(session, MessagePurpose.STILL_AVAILABLE)
    assert len(nudges) == 6 and all({m.side for m in nudges if m.match_id == p.id} == set(Side) for p in pairs)
    assert [m.volunteer_id for m in asks] == [idle.id]  # the volunteers of open pairs are not asked
    assert all(len(events(session, match, "nudged")) == 1 for match in pairs)
    files = deliveries()[before:]
    assert sorted(files) == sorted(f"message-{m.id}_kompis.eml" for m in nudges + asks)


@pytest.mark.parametrize("step", ["ask", "pause"])
def test_two_housekeeping_rounds_at_once_ask_and_pause_once(app: Flask, session: Session,
                                                            organisation: Organisation,
                                                            deliveries: Callable[[], list[str]], step: str) -> None:
    start = now_utc()
    with time_machine.travel(start, tick=False):
        idle = [make_volunteer(session, name=f"Idle{n} Berg") for n in range(4)]
    if step == "pause":
        with time_machine.travel(start + 183 * DAY, tick=False):
            assert run_housekeeping(app, session).asked_volunteers == 4
    purpose = MessagePurpose.STILL_AVAILABLE if step == "ask" else MessagePurpose.PAUSED
    before = len(deliveries())
    with time_machine.travel(start + (183 if step == "ask" else 214) * DAY):
        reports = in_threads(app, housekeeping.run)
    counted = [r.asked_volunteers if step == "ask" else r.paused_volunteers for r in reports]
    assert sum(counted) == 4, reports
    told_now = messages(session, purpose)
    assert sorted(m.volunteer_id for m in told_now) == sorted(v.id for v in idle)  # each once
    assert sorted(deliveries()[before:]) == sorted(f"message-{m.id}_kompis.eml" for m in told_now)


# --- 3. after a crash ------------------------------------------------------------------------------------------------


def claim_without_delivering(app: Flask, session: Session, expected: int = 2) -> list[Message]:
    """Claim every due follow-up and store its message, then stop as a crash would: nothing delivered."""
    with app.app_context():
        due = session.scalars(select(FollowUp.id).where(FollowUp.sent_at.is_(None),
                                                        FollowUp.due_at <= now_utc())).all()
        for follow_up_id in due:
            followups._claim(session, follow_up_id, now_utc())
    stored = messages(session, MessagePurpose.FOLLOW_UP)
    assert len(stored) == expected and all(m.delivering_at is None and m.sent_at is None for m in stored)
    return stored


def test_two_deliverers_at_once_after_a_crash_deliver_each_message_once(
        app: Flask, session: Session, coordinator: Coordinator, deliveries: Callable[[], list[str]]) -> None:
    start = now_utc()
    with time_machine.travel(start, tick=False):
        introduced(app, session, coordinator, count=3)
    with time_machine.travel(start + WEEK_4 + HOUR):
        stored = claim_without_delivering(app, session, expected=6)
        before = len(deliveries())
        counts = in_threads(app, delivery.deliver_waiting)
    assert sum(counts) == 6, counts
    assert sorted(deliveries()[before:]) == sorted(f"message-{m.id}_kompis.eml" for m in stored)


@pytest.mark.parametrize("how", ["deliver_waiting", "command"])
def test_a_message_stored_before_a_crash_is_delivered_once_later(
        app: Flask, session: Session, coordinator: Coordinator, outbox: Path,
        deliveries: Callable[[], list[str]], how: str) -> None:
    start = now_utc()
    with time_machine.travel(start, tick=False):
        introduced(app, session, coordinator)
    with time_machine.travel(start + WEEK_4 + HOUR):
        stored = claim_without_delivering(app, session)
        before = len(deliveries())
        assert not any((outbox / f"message-{m.id}_kompis.eml").exists() for m in stored)
        for attempt in range(2):
            if how == "command":
                result = app.test_cli_runner().invoke(args=["send-followups"])
                assert result.exit_code == 0, result.output
                said = "0 follow-ups sent; 2 earlier messages delivered." if attempt == 0 else "0 follow-ups sent."
                assert said in result.output
            else:
                with app.app_context():
                    assert delivery.deliver_waiting(session) == (2 if attempt == 0 else 0)
                    assert followups.send_due(session) == 0  # already claimed: never a second message
    assert all(m.sent_at is not None for m in messages(session, MessagePurpose.FOLLOW_UP))
    assert len(messages(session, MessagePurpose.FOLLOW_UP)) == 2
    assert sorted(deliveries()[before:]) == sorted(f"message-{m.id}_kompis.eml" for m in stored)
    for message in stored:
        assert followup_link(mail_of(outbox, message).get_content())


# --- 4. the questionnaire --------------------------------------------------------------------------------------------


@pytest.fixture
def sent_follow_ups(app: Flask, session: Session, coordinator: Coordinator,
                    outbox: Path) -> Iterator[tuple[Match, dict[Side, str], datetime]]:
    """An introduced pair whose 4-week follow-ups have gone out; yields the pair, each side's link and when sent.

    The clock stays at the moment of sending, ticking.
    """
    start = now_utc()
    with time_machine.travel(start, tick=False):
        (match,) = introduced(app, session, coordinator)
    sent_at = start + WEEK_4 + HOUR
    with time_machine.travel(sent_at):
        assert send_due(app, session) == 2
        paths = {m.side: followup_link(mail_of(outbox, m).get_content())[0]
                 for m in messages(session, MessagePurpose.FOLLOW_UP)}
        yield match, paths, sent_at


FILLED = {"met": "yes", "often": "weekly", "going": "4", "go_on": "yes", "note": "Vi fikar på biblioteket."}


def open_form(client: FlaskClient, path: str) -> tuple[Any, str]:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    html = response.get_data(as_text=True)
    return page(html), csrf_token(html)


def state(session: Session) -> tuple[Any, ...]:
    """What a page could have written: follow-ups' answers, the pair's history and status, messages."""
    return (tuple(session.execute(select(FollowUp.id, FollowUp.answered_at, FollowUp.answers).order_by(FollowUp.id))),
            session.scalar(select(func.count()).select_from(MatchEvent)),
            tuple(session.scalars(select(Match.status).order_by(Match.id))),
            session.scalar(select(func.count()).select_from(Message)))


def test_the_newcomer_answers_in_arabic_once(client: FlaskClient, session: Session, sent_follow_ups) -> None:
    match, paths, _ = sent_follow_ups
    path = paths[Side.NEWCOMER]
    assert path.endswith("?lang=ar")
    before = state(session)
    soup, token = open_form(client, path)
    root = soup.find("html")
    assert root["lang"] == "ar" and root["dir"] == "rtl"
    assert len(soup.find_all("h1")) == 1
    assert {i["name"] for i in soup.select("form input, form textarea")} >= {"met", "often", "going", "go_on", "note"}
    assert state(session) == before  # opening the link changes nothing

    response = client.post(path.split("?")[0], data={**FILLED, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/followup/thanks")
    follow_up = follow_up_of(session, match, Side.NEWCOMER)
    assert follow_up.answered_at is not None
    assert follow_up.answers == {"met": True, "often": "weekly", "going": 4, "go_on": True,
                                 "note": "Vi fikar på biblioteket."}
    kept = state(session)

    again = client.post(path.split("?")[0] + "?lang=en", data={**FILLED, "going": "1", "go_on": "no",
                                                                "csrf_token": token})
    assert again.status_code == 200
    assert "You have already answered" in page(again.data).get_text(" ", strip=True)
    assert state(session) == kept
    reopened = client.get(path.split("?")[0] + "?lang=en")
    assert "You have already answered" in page(reopened.data).get_text(" ", strip=True)
    assert state(session) == kept


def test_missing_answers_are_named_and_nothing_is_kept(client: FlaskClient, session: Session,
                                                       sent_follow_ups) -> None:
    _match, paths, _ = sent_follow_ups
    path = paths[Side.VOLUNTEER].split("?")[0] + "?lang=en"
    _soup, token = open_form(client, path)
    before = state(session)
    response = client.post(path, data={"csrf_token": token, "note": "Hej"})
    assert response.status_code == 400
    soup = page(response.data)
    summary = error_summary(soup)
    targets = [href for _text, href in summary]
    assert targets == ["#met", "#going", "#go_on"], summary
    for _text, href in summary:
        assert soup.find(id=href[1:]) is not None  # each entry links to its field
    assert soup.find("textarea", attrs={"name": "note"}).get_text().strip() == "Hej"  # typed text kept
    # Met, but not said how often.
    response = client.post(path, data={**FILLED, "often": "", "csrf_token": token})
    assert response.status_code == 400
    assert [href for _t, href in error_summary(page(response.data))] == ["#often"]
    assert state(session) == before


@pytest.mark.parametrize("problem", ["tampered", "other_purpose", "unknown_id"])
def test_a_bad_link_answers_410(app: Flask, client: FlaskClient, session: Session, sent_follow_ups,
                                problem: str) -> None:
    match, paths, _ = sent_follow_ups
    token = paths[Side.NEWCOMER].split("/followup/")[1].split("?")[0]
    follow_up = follow_up_of(session, match, Side.NEWCOMER)
    with app.app_context():
        bad = {"tampered": token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"),
               "other_purpose": links.sign("volunteer-confirm", {"id": follow_up.id}),
               "unknown_id": links.sign(followups.PURPOSE, {"id": follow_up.id + 1000})}[problem]
    before = state(session)
    response = client.get(f"/followup/{bad}?lang=en")
    assert response.status_code == 410
    assert "This link cannot be used" in page(response.data).find("h1").get_text()
    posted = client.post(f"/followup/{bad}", data=FILLED)
    assert posted.status_code == 410
    assert state(session) == before


def test_a_link_older_than_thirty_days_answers_410(client: FlaskClient, session: Session, sent_follow_ups) -> None:
    _match, paths, sent_at = sent_follow_ups
    path = paths[Side.NEWCOMER].split("?")[0] + "?lang=en"
    with time_machine.travel(sent_at + timedelta(days=29)):
        assert client.get(path).status_code == 200
    with time_machine.travel(sent_at + timedelta(days=30, hours=1)):
        before = state(session)
        response = client.get(path)
        assert response.status_code == 410
        assert "too old" in page(response.data).get_text(" ", strip=True)
        assert state(session) == before


def test_both_saying_they_have_met_makes_the_pair_active(client: FlaskClient, session: Session,
                                                         sent_follow_ups) -> None:
    match, paths, _ = sent_follow_ups
    for side in (Side.NEWCOMER, Side.VOLUNTEER):
        assert reread(session, Match, match.id).status == MatchStatus.INTRODUCED
        _soup, token = open_form(client, paths[side])
        assert client.post(paths[side], data={**FILLED, "csrf_token": token}).status_code == 302
    assert reread(session, Match, match.id).status == MatchStatus.ACTIVE
    (activated,) = events(session, match, "activated")
    assert activated.actor_id is None and activated.detail == {"because": "follow_up"}


def test_one_side_not_met_keeps_the_pair_introduced(client: FlaskClient, session: Session,
                                                    sent_follow_ups) -> None:
    match, paths, _ = sent_follow_ups
    for side, met in ((Side.NEWCOMER, "yes"), (Side.VOLUNTEER, "no")):
        _soup, token = open_form(client, paths[side])
        answers = {**FILLED, "met": met, "often": "weekly" if met == "yes" else "", "csrf_token": token}
        assert client.post(paths[side], data=answers).status_code == 302
    assert reread(session, Match, match.id).status == MatchStatus.INTRODUCED
    assert events(session, match, "activated") == []
    assert follow_up_of(session, match, Side.VOLUNTEER).answers["often"] == ""


# --- 5. flags --------------------------------------------------------------------------------------------------------


def test_worrying_answers_and_silence_are_flagged(app: Flask, session: Session, coordinator: Coordinator,
                                                  organisation: Organisation) -> None:
    start = now_utc()
    with time_machine.travel(start, tick=False):
        not_met, stop, low, silent, good = introduced(app, session, coordinator, count=5)
    sent = start + WEEK_4 + HOUR
    with time_machine.travel(sent, tick=False):
        assert send_due(app, session) == 10
    given = {not_met.id: followups.Answers(met=False, often="", going=3, go_on=True, note=""),
             stop.id: followups.Answers(met=True, often="monthly", going=3, go_on=False, note=""),
             low.id: followups.Answers(met=True, often="rarely", going=2, go_on=True, note=""),
             good.id: GOOD}
    with time_machine.travel(sent + DAY, tick=False):
        for match_id, answers in given.items():
            for side in Side:
                answer(app, session, follow_up_of(session, reread(session, Match, match_id), side), answers)

    def flagged(at: datetime) -> dict[int, set[str]]:
        found: dict[int, set[str]] = {}
        for concern in attention.follow_up_concerns(session, organisation.id, at):
            found.setdefault(concern.follow_up.match_id, set()).update(concern.why)
        return found

    assert flagged(sent + 13 * DAY) == {not_met.id: {"not_met"}, stop.id: {"wants_to_stop"},
                                        low.id: {"low_score"}}
    assert flagged(sent + 14 * DAY + HOUR) == {not_met.id: {"not_met"}, stop.id: {"wants_to_stop"},
                                               low.id: {"low_score"}, silent.id: {"no_answer"}}
    reasons = {(c.follow_up.match_id, c.follow_up.side) for c in
               attention.follow_up_concerns(session, organisation.id, sent + 14 * DAY + HOUR)}
    assert {(silent.id, Side.NEWCOMER), (silent.id, Side.VOLUNTEER)} <= reasons  # each silent person


def test_proposals_older_than_the_organisations_setting_are_stale(session: Session,
                                                                   organisation: Organisation) -> None:
    start = now_utc()
    with time_machine.travel(start, tick=False):
        old = pair_of_status(session, 0, MatchStatus.PROPOSED)
    with time_machine.travel(start + 5 * DAY, tick=False):
        young = pair_of_status(session, 1, MatchStatus.PROPOSED)
    assert organisation.proposal_days == 7
    at = start + 8 * DAY
    assert [m.id for m in attention.stale_proposals(session, organisation.id, at)] == [old.id]
    organisation.proposal_days = 10
    session.commit()
    assert attention.stale_proposals(session, organisation.id, at) == []
    organisation.proposal_days = 2
    session.commit()
    assert [m.id for m in attention.stale_proposals(session, organisation.id, at)] == [old.id, young.id]


def pair_of_status(session: Session, n: int, status: MatchStatus) -> Match:
    newcomer = make_newcomer(session, name=f"Nour{n} Ali", phone=f"+4670222333{n}")
    volunteer = make_volunteer(session, name=f"Karin{n} Berg")
    return make_pair(session, newcomer, volunteer, status=status)


# --- 6. nudges -------------------------------------------------------------------------------------------------------


def test_a_pair_not_known_to_have_met_is_nudged_once(app: Flask, session: Session, coordinator: Coordinator,
                                                     organisation: Organisation, outbox: Path) -> None:
    start = now_utc()
    with time_machine.travel(start, tick=False):
        quiet, met, said_not_met = introduced(app, session, coordinator, count=3)
    sent = start + WEEK_4 + HOUR
    with time_machine.travel(sent, tick=False):
        assert send_due(app, session) == 6
    with time_machine.travel(sent + DAY, tick=False):
        for side in Side:
            answer(app, session, follow_up_of(session, met, side), GOOD)
        answer(app, session, follow_up_of(session, said_not_met, Side.NEWCOMER),
               followups.Answers(met=False, often="", going=3, go_on=True, note=""))
        assert reread(session, Match, met.id).status == MatchStatus.ACTIVE
        # Saying "not met" is reason enough; the quiet pair waits a week.
        assert run_housekeeping(app, session).nudged_pairs == 1
        assert reread(session, Match, said_not_met.id).nudged_at is not None
    with time_machine.travel(sent + 7 * DAY - HOUR, tick=False):
        assert run_housekeeping(app, session).nudged_pairs == 0
    nudge_time = sent + 7 * DAY + HOUR
    with time_machine.travel(nudge_time, tick=False):
        assert run_housekeeping(app, session).nudged_pairs == 1
        assert run_housekeeping(app, session).nudged_pairs == 0
    with time_machine.travel(sent + 40 * DAY, tick=False):
        assert run_housekeeping(app, session).nudged_pairs == 0

    quiet = reread(session, Match, quiet.id)
    assert quiet.nudged_at == nudge_time
    assert len(events(session, quiet, "nudged")) == 1
    assert reread(session, Match, met.id).nudged_at is None and events(session, met, "nudged") == []
    nudges = [m for m in messages(session, MessagePurpose.NUDGE) if m.match_id == quiet.id]
    assert len(nudges) == 2 and {m.side for m in nudges} == set(Side)
    assert len(messages(session, MessagePurpose.NUDGE)) == 4  # two pairs, two people each
    to_newcomer = next(m for m in nudges if m.side == Side.NEWCOMER)
    assert mail_of(outbox, to_newcomer)["Content-Language"] == "ar"
    to_volunteer = next(m for m in nudges if m.side == Side.VOLUNTEER)
    assert quiet.volunteer.email in to_newcomer.body  # each gets what the other agreed to share
    assert quiet.newcomer.phone in to_volunteer.body and quiet.newcomer.email not in to_volunteer.body
    assert {m.id for m in attention.unmet_pairs(session, organisation.id)} == {quiet.id, said_not_met.id}

    assert not attention.may_end_unmet(quiet, nudge_time + 13 * DAY)
    assert attention.may_end_unmet(quiet, nudge_time + 14 * DAY + HOUR)
    assert not attention.may_end_unmet(reread(session, Match, met.id), nudge_time + 30 * DAY)


def test_a_pair_one_of_whom_says_they_have_met_is_not_told_they_have_not(
        app: Flask, session: Session, coordinator: Coordinator, organisation: Organisation) -> None:
    start = now_utc()
    with time_machine.travel(start, tick=False):
        (match,) = introduced(app, session, coordinator)
    sent = start + WEEK_4 + HOUR
    with time_machine.travel(sent, tick=False):
        assert send_due(app, session) == 2
    with time_machine.travel(sent + DAY, tick=False):
        answer(app, session, follow_up_of(session, match, Side.NEWCOMER), GOOD)
    with time_machine.travel(sent + 8 * DAY, tick=False):
        assert run_housekeeping(app, session).nudged_pairs == 0
    assert messages(session, MessagePurpose.NUDGE) == []
    # Not active (only one side said so), so the coordinator still sees it, and the silence.
    assert reread(session, Match, match.id).status == MatchStatus.INTRODUCED
    assert [m.id for m in attention.unmet_pairs(session, organisation.id)] == [match.id]
    (concern,) = attention.follow_up_concerns(session, organisation.id, sent + 15 * DAY)
    assert concern.follow_up.side == Side.VOLUNTEER and concern.why == ("no_answer",)


# --- 7. idle volunteers ----------------------------------------------------------------------------------------------


def still_available_path(outbox: Path, message: Message) -> str:
    found = re.search(r"https?://[^/\s]+(/volunteer/available/[^?\s]+\?lang=[\w-]+)", mail_of(outbox, message)
                      .get_content())
    assert found, message.body
    return found.group(1)


def told(session: Session, volunteer: Volunteer, purpose: MessagePurpose) -> list[Message]:
    return [m for m in messages(session, purpose) if m.volunteer_id == volunteer.id]


def test_a_volunteer_idle_for_half_a_year_is_asked_once_then_paused(app: Flask, session: Session,
                                                                    organisation: Organisation,
                                                                    outbox: Path) -> None:
    start = now_utc()
    with time_machine.travel(start, tick=False):
        idle = make_volunteer(session, name="Bertil Idle", ui_language="en")
        busy = make_volunteer(session, name="Cecilia Busy", capacity=2)
        make_pair(session, make_newcomer(session, name="Nour Ali"), busy, status=MatchStatus.INTRODUCED)
    assert reread(session, Volunteer, busy.id).status == PersonStatus.ACTIVE  # a free seat, but a pair open
    with time_machine.travel(start + 182 * DAY - HOUR, tick=False):
        assert run_housekeeping(app, session).asked_volunteers == 0
    asked_at = start + 182 * DAY + HOUR
    with time_machine.travel(asked_at, tick=False):
        assert run_housekeeping(app, session).asked_volunteers == 1
        assert run_housekeeping(app, session).asked_volunteers == 0
    (ask,) = told(session, idle, MessagePurpose.STILL_AVAILABLE)
    assert mail_of(outbox, ask)["Content-Language"] == "en"
    assert still_available_path(outbox, ask).endswith("?lang=en")
    with time_machine.travel(asked_at + 30 * DAY - HOUR, tick=False):
        assert run_housekeeping(app, session).paused_volunteers == 0
    with time_machine.travel(asked_at + 30 * DAY + HOUR, tick=False):
        assert run_housekeeping(app, session).paused_volunteers == 1
        assert run_housekeeping(app, session) == housekeeping.Report(0, 0, 0, 0)
    assert reread(session, Volunteer, idle.id).status == PersonStatus.PAUSED
    (come_back,) = told(session, idle, MessagePurpose.PAUSED)
    assert still_available_path(outbox, come_back)
    with time_machine.travel(start + 800 * DAY, tick=False):
        assert run_housekeeping(app, session) == housekeeping.Report(0, 0, 0, 0)
    assert told(session, busy, MessagePurpose.STILL_AVAILABLE) == []
    assert reread(session, Volunteer, busy.id).status == PersonStatus.ACTIVE


def test_a_volunteer_asked_then_matched_is_asked_again_when_idle_again(
        app: Flask, session: Session, organisation: Organisation, coordinator: Coordinator) -> None:
    start = now_utc()
    with time_machine.travel(start, tick=False):
        volunteer = make_volunteer(session, name="Bertil Idle", ui_language="en")
    with time_machine.travel(start + 183 * DAY, tick=False):
        assert run_housekeeping(app, session).asked_volunteers == 1
    # Before answering, the coordinator pairs them; the pair ends a while later.
    with time_machine.travel(start + 190 * DAY, tick=False):
        match = make_pair(session, make_newcomer(session, name="Nour Ali"), reread(session, Volunteer, volunteer.id))
    ended = start + 250 * DAY
    with time_machine.travel(ended, tick=False), app.test_request_context():
        end_match(session, reread(session, Match, match.id), coordinator, reason=EndReason.MOVED, note="")
    assert reread(session, Volunteer, volunteer.id).idle_since == ended
    with time_machine.travel(ended + 183 * DAY, tick=False):
        report = run_housekeeping(app, session)
    # Asked afresh, never paused for not answering a question of long ago.
    assert (report.asked_volunteers, report.paused_volunteers) == (1, 0)
    assert reread(session, Volunteer, volunteer.id).status == PersonStatus.ACTIVE
    assert len(told(session, volunteer, MessagePurpose.STILL_AVAILABLE)) == 2
    with time_machine.travel(ended + 183 * DAY + 31 * DAY, tick=False):
        assert run_housekeeping(app, session).paused_volunteers == 1


@pytest.fixture
def asked(app: Flask, session: Session, organisation: Organisation, outbox: Path) -> Iterator[tuple[Volunteer, str]]:
    """A volunteer idle for half a year who has just been asked; yields them and their link. The clock ticks on."""
    start = now_utc()
    with time_machine.travel(start, tick=False):
        volunteer = make_volunteer(session, name="Bertil Idle", ui_language="en")
    asked_at = start + 183 * DAY
    with time_machine.travel(asked_at):
        assert run_housekeeping(app, session).asked_volunteers == 1
        (ask,) = told(session, volunteer, MessagePurpose.STILL_AVAILABLE)
        yield volunteer, still_available_path(outbox, ask)


def answer_available(client: FlaskClient, path: str, value: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200
    return client.post(path, data={"answer": value, "csrf_token": csrf_token(response.get_data(as_text=True))})


def test_yes_keeps_the_volunteer_and_restarts_the_wait(app: Flask, client: FlaskClient, session: Session,
                                                       asked) -> None:
    volunteer, path = asked
    before = state(session), reread(session, Volunteer, volunteer.id).link_nonce
    assert client.get(path).status_code == 200
    assert (state(session), reread(session, Volunteer, volunteer.id).link_nonce) == before  # a GET changes nothing
    response = answer_available(client, path, "yes")
    assert response.status_code == 200
    assert "You are still signed up" in page(response.data).get_text(" ", strip=True)
    kept = reread(session, Volunteer, volunteer.id)
    assert kept.status == PersonStatus.ACTIVE and kept.still_available_asked_at is None
    assert now_utc() - kept.idle_since < timedelta(minutes=5)
    used = client.post(path, data={"answer": "no"})
    assert used.status_code == 410
    assert client.get(path).status_code == 410
    assert reread(session, Volunteer, volunteer.id).status == PersonStatus.ACTIVE
    with time_machine.travel(now_utc() + 31 * DAY, tick=False):
        assert run_housekeeping(app, session) == housekeeping.Report(0, 0, 0, 0)


def test_no_pauses_the_volunteer_and_sends_a_way_back(app: Flask, client: FlaskClient, session: Session,
                                                      asked, outbox: Path) -> None:
    volunteer, path = asked
    response = answer_available(client, path, "no")
    assert response.status_code == 200
    assert reread(session, Volunteer, volunteer.id).status == PersonStatus.PAUSED
    (come_back,) = told(session, volunteer, MessagePurpose.PAUSED)
    assert come_back.sent_at is not None
    assert client.get(path).status_code == 410  # the link worked once
    assert client.post(path, data={"answer": "yes"}).status_code == 410
    back = still_available_path(outbox, come_back)
    assert back != path
    assert answer_available(client, back, "yes").status_code == 200
    kept = reread(session, Volunteer, volunteer.id)
    assert kept.status == PersonStatus.ACTIVE and now_utc() - kept.idle_since < timedelta(minutes=5)


def test_a_volunteer_paused_for_silence_comes_back_through_the_link(app: Flask, client: FlaskClient,
                                                                    session: Session, asked, outbox: Path) -> None:
    volunteer, _path = asked
    with time_machine.travel(now_utc() + 31 * DAY):
        assert run_housekeeping(app, session).paused_volunteers == 1
        (come_back,) = told(session, volunteer, MessagePurpose.PAUSED)
        back = still_available_path(outbox, come_back)
        assert answer_available(client, back, "yes").status_code == 200
        kept = reread(session, Volunteer, volunteer.id)
        assert kept.status == PersonStatus.ACTIVE and now_utc() - kept.idle_since < timedelta(minutes=5)


# --- 8. the commands from outside ------------------------------------------------------------------------------------


def command_env(database_url: str, outbox: Path) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("KOMPIS_", "DATABASE_URL"))}
    return {**environment, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key",
            "MAIL_OUTBOX": str(outbox), "KOMPIS_DEVELOPMENT": "1"}


def run_twice_at_once(command: str, environment: dict[str, str], cwd: Path) -> list[subprocess.CompletedProcess]:
    started = [subprocess.Popen([KOMPIS, command], env=environment, cwd=cwd, stdout=subprocess.PIPE,  # noqa: S603
                                stderr=subprocess.STDOUT, text=True) for _ in range(2)]
    done = []
    for process in started:
        output, _ = process.communicate(timeout=120)
        done.append(subprocess.CompletedProcess(process.args, process.returncode, output))
    return done


def test_the_commands_twice_at_once_send_each_message_once(app: Flask, session: Session, coordinator: Coordinator,
                                                           database_url: str, tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    real_now = now_utc()
    # Introduced five weeks ago (with the app's own clock), so the 4-week follow-ups are due now.
    with time_machine.travel(real_now - WEEK_4 - 7 * DAY - HOUR, tick=False):
        idle = make_volunteer(session, name="Bertil Idle")
        reread(session, Volunteer, idle.id).idle_since = real_now - 200 * DAY
        session.commit()
        pairs = introduced(app, session, coordinator, count=2)
    environment = command_env(database_url, outbox)

    for result in run_twice_at_once("send-followups", environment, tmp_path):
        assert result.returncode == 0, result.stdout
    sent = messages(session, MessagePurpose.FOLLOW_UP)
    assert len(sent) == 4 and all(m.sent_at is not None for m in sent)
    files = [p.name for p in outbox.glob("*.eml")]
    assert all(f"message-{m.id}_kompis.eml" in files for m in sent)
    names = [follow_up_named(app, m, followup_link(mail_of(outbox, m).get_content())[1]) for m in sent]
    assert len(set(names)) == 4
    rerun = subprocess.run([KOMPIS, "send-followups"], env=environment, cwd=tmp_path, capture_output=True,  # noqa: S603
                           text=True, timeout=120, check=False)
    assert rerun.returncode == 0 and "0 follow-ups sent." in rerun.stdout

    # The follow-ups went out "now"; a week on, housekeeping nudges the pairs. Simulate the week by moving
    # the sending back, as the subprocess runs on the real clock.
    for follow_up in session.scalars(select(FollowUp).where(FollowUp.sent_at.is_not(None))):
        follow_up.sent_at = real_now - 8 * DAY
    session.commit()
    results = run_twice_at_once("housekeeping", environment, tmp_path)
    for result in results:
        assert result.returncode == 0, result.stdout
    assert len(messages(session, MessagePurpose.NUDGE)) == 4
    assert len(messages(session, MessagePurpose.STILL_AVAILABLE)) == 1
    assert all(len(events(session, match, "nudged")) == 1 for match in pairs)
    assert all(m.sent_at is not None for m in messages(session, MessagePurpose.NUDGE))


@pytest.mark.parametrize("command", ["send-followups", "housekeeping"])
def test_the_commands_on_a_database_not_migrated_say_what_to_do(tmp_path: Path, command: str) -> None:
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    result = subprocess.run([KOMPIS, command], env=command_env(f"sqlite:///{empty}", tmp_path / "outbox"),  # noqa: S603
                            cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode != 0
    said = result.stdout + result.stderr
    assert "kompis db upgrade" in said, said
    assert "Traceback" not in said


# --- 9. SMS ----------------------------------------------------------------------------------------------------------


def test_a_newcomer_with_only_a_phone_gets_the_follow_up_by_sms_in_the_outbox(
        app: Flask, session: Session, coordinator: Coordinator, outbox: Path) -> None:
    start = now_utc()
    with time_machine.travel(start, tick=False):
        introduced(app, session, coordinator, newcomer_email=False)
    with time_machine.travel(start + WEEK_4 + HOUR, tick=False):
        assert send_due(app, session) == 2
    (by_sms,) = [m for m in messages(session, MessagePurpose.FOLLOW_UP) if m.side == Side.NEWCOMER]
    assert by_sms.channel.value == "sms" and by_sms.sent_at is not None
    written = json.loads((outbox / "sms" / f"message-{by_sms.id}.json").read_text(encoding="utf-8"))
    assert written["to"] == "+46701234560"
    assert followup_link(written["message"])[2] == "ar"


class Gateway(BaseHTTPRequestHandler):
    """An SMS gateway that keeps what it was sent and answers with the server's `status`."""

    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((self.path, dict(self.headers), json.loads(body)))  # type: ignore[attr-defined]
        self.send_response(self.server.status)  # type: ignore[attr-defined]
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's name
        pass


@pytest.fixture
def gateway(app: Flask) -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    server.received = []  # type: ignore[attr-defined]
    server.status = 200  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(SMS_GATEWAY_URL=f"http://127.0.0.1:{server.server_port}/send", SMS_GATEWAY_TOKEN="sesam")
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def test_an_sms_gateway_receives_the_follow_up(app: Flask, session: Session, coordinator: Coordinator,
                                               gateway: ThreadingHTTPServer, outbox: Path) -> None:
    start = now_utc()
    with time_machine.travel(start, tick=False):
        introduced(app, session, coordinator, newcomer_email=False)
    received = gateway.received  # type: ignore[attr-defined]
    assert len(received) == 1  # the introduction
    with time_machine.travel(start + WEEK_4 + HOUR, tick=False):
        assert send_due(app, session) == 2
        assert send_due(app, session) == 0
    assert len(received) == 2
    path, headers, body = received[1]
    assert path == "/send" and headers["Authorization"] == "Bearer sesam"
    assert body["to"] == "+46701234560" and body["from"] == "Kompis"
    assert followup_link(body["message"])[2] == "ar"
    assert not (outbox / "sms").exists()
    (by_sms,) = [m for m in messages(session, MessagePurpose.FOLLOW_UP) if m.side == Side.NEWCOMER]
    assert by_sms.sent_at is not None and by_sms.error == ""


def test_a_refusing_sms_gateway_is_kept_as_an_error_not_sent_twice(app: Flask, session: Session,
                                                                   coordinator: Coordinator,
                                                                   gateway: ThreadingHTTPServer) -> None:
    start = now_utc()
    with time_machine.travel(start, tick=False):
        introduced(app, session, coordinator, newcomer_email=False)
    gateway.status = 503  # type: ignore[attr-defined]
    with time_machine.travel(start + WEEK_4 + HOUR, tick=False):
        assert send_due(app, session) == 2
        with app.app_context():
            assert delivery.deliver_waiting(session) == 0
    (by_sms,) = [m for m in messages(session, MessagePurpose.FOLLOW_UP) if m.side == Side.NEWCOMER]
    assert by_sms.sent_at is None and "503" in by_sms.error
    assert len(gateway.received) == 2  # type: ignore[attr-defined]
