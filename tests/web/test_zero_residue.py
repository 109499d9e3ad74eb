"""Zero residue: two people go the whole way through Kompis, erase themselves at /me, and nothing of them is left.

Everything goes through the forms a person and a coordinator use: sign-up,
confirmation, request, matching, approval, introduction, a follow-up answered
from its link, and the erasure itself. Then every text and JSON column of every
table, the outbox folder and everything the application logged are searched for
their names, addresses and numbers.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from models import Match, MatchStatus, Newcomer, PairStatistic, Volunteer, now_utc
from tests.conftest import csrf_token
from tests.factories import make_coordinator, make_organisation
from tests.signin import sign_in
from tests.web import test_newcomer_request as request_form
from tests.web import test_volunteer_signup as signup_form
from tests.web.helpers import link_in, mails, submit
from tests.web.test_erasure import traces
from tests.web.test_followups import FILLED, LINK_RE, open_form, send_due
from tests.web.test_introductions import introduce
from tests.web.test_matching import run_now
from tests.web.test_me import ask_link, open_page
from web.matching.queries import match_counts

VOLUNTEER = {"name": "Karin Johansson", "email": "karin.johansson@example.org", "phone": "070-123 45 67"}
NEWCOMER = {"name": "أمل حسن", "email": "amal.hassan@example.org", "phone": "0701740605"}
# As stored: numbers in international form.
NEEDLES = [VOLUNTEER["name"], VOLUNTEER["email"], "+46701234567", "Johansson",
           NEWCOMER["name"], NEWCOMER["email"], "+46701740605", "حسن"]


def sign_up_and_confirm(person: FlaskClient, outbox: Path) -> None:
    """A volunteer signs up through the form and confirms by the link in the e-mail."""
    answers = signup_form.answers(person, **VOLUNTEER, notes=f"Ring mig, {VOLUNTEER['name']}, efter fem.")
    assert submit(person, signup_form.URL, answers).status_code == 302
    [confirmation] = [m for m in mails(outbox) if m["To"] == VOLUNTEER["email"]]
    link = link_in(confirmation)
    assert person.post(link, data={"csrf_token": csrf_token(person.get(link).text)}).status_code == 302


def ask_for_a_kompis(person: FlaskClient) -> None:
    """A newcomer asks for a kompis in Arabic, with an e-mail address and a phone number."""
    person.get("/?lang=ar")
    answers = request_form.answers(person, **NEWCOMER, share=["phone", "email"], **{"languages-en": "3"},
                                   availability=["mon-evening"])
    answers["place"] = signup_form.answers(person)["place"]  # Nyköping, where the volunteer lives
    assert submit(person, request_form.URL, answers).status_code == 302


def press(staff: FlaskClient, page: str, action: str):
    """Press a button on a coordinator's page."""
    return staff.post(f"{page}/{action}", data={"csrf_token": csrf_token(staff.get(page).text)})


def match_and_introduce(app: Flask, staff: FlaskClient, session: Session) -> Match:
    """The coordinator activates the newcomer, runs matching, approves the pair and introduces the two."""
    newcomer = session.scalar(select(Newcomer))
    assert newcomer is not None
    assert press(staff, f"/coordinator/newcomers/{newcomer.id}", "activate").status_code == 302
    run_now(staff, app)
    [proposal] = session.scalars(select(Match).where(Match.status == MatchStatus.PROPOSED)).all()
    assert press(staff, f"/coordinator/matches/{proposal.id}", "approve").status_code == 303
    introduce(staff, proposal.id)
    session.refresh(proposal)
    assert proposal.status == MatchStatus.INTRODUCED
    return proposal


def answer_the_follow_up(app: Flask, person: FlaskClient, session: Session, outbox: Path) -> None:
    """Four weeks on, the newcomer answers their follow-up from the link in the e-mail, naming the kompis."""
    with time_machine.travel(now_utc() + timedelta(weeks=4, days=1), tick=False):
        assert send_due(app, session) == 2
        [mail] = [m for m in mails(outbox) if m["To"] == NEWCOMER["email"] and "/followup/" in m.get_content()]
        found = LINK_RE.search(mail.get_content())
        assert found
        _soup, token = open_form(person, found.group(1))
        answered = person.post(found.group(1).split("?")[0],
                               data={**FILLED, "note": f"{VOLUNTEER['name']} هي لطيفة", "csrf_token": token})
        assert answered.status_code == 302


def erase_at_me(person: FlaskClient, outbox: Path, contact: str) -> None:
    """The person asks for their link, opens it, reads what erasure does, and erases."""
    open_page(person, ask_link(person, outbox, contact))
    assert person.get("/me/erase").status_code == 200
    erased = person.post("/me/erase", data={"csrf_token": csrf_token(person.get("/me/data").text)})
    assert erased.status_code == 303 and erased.headers["Location"].endswith("/me/erased")


def test_two_people_erased_at_me_leave_nothing_anywhere_and_their_pair_still_counts(
    app: Flask, session: Session, engine: Engine, outbox: Path, caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    # It serves Kalmar too only because the request form's answers are those of a newcomer there.
    organisation = make_organisation(session, "Nyköpings kommun", municipalities=("Nyköping", "Kalmar"))
    coordinator = make_coordinator(session, organisation)
    staff, volunteer_client, newcomer_client = app.test_client(), app.test_client(), app.test_client()
    sign_in(staff, coordinator.email)

    sign_up_and_confirm(volunteer_client, outbox)
    ask_for_a_kompis(newcomer_client)
    match_and_introduce(app, staff, session)
    answer_the_follow_up(app, newcomer_client, session, outbox)
    assert traces(engine, outbox, *NEEDLES), "before the erasure their names are in the pair's history"

    erase_at_me(newcomer_client, outbox, NEWCOMER["email"])
    erase_at_me(volunteer_client, outbox, VOLUNTEER["email"])

    assert session.scalar(select(func.count()).select_from(Volunteer)) == 0
    assert session.scalar(select(func.count()).select_from(Newcomer)) == 0
    assert traces(engine, outbox, *NEEDLES) == []
    captured = capfd.readouterr()
    logged = "\n".join([caplog.text, captured.out, captured.err]).casefold()
    assert [needle for needle in NEEDLES if needle.casefold() in logged] == []
    # The organisation's numbers still hold the pair, as one that ended when its people left.
    assert [(s.status, s.end_reason) for s in session.scalars(select(PairStatistic))] == [
        ("ended", "participant_left")]
    assert match_counts(session, organisation.id)["ended"] == 1
