"""Erasing a person: nothing of them is left in any table or the outbox, and their pairs still count."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import JSON, Engine, String, Text, func, select, text
from sqlalchemy.orm import Session

from models import AuditEvent, Base, ContactNote, Match, MatchStatus, Newcomer, PairStatistic, Volunteer, now_utc
from tests.factories import make_coordinator, make_newcomer, make_organisation, make_pair, make_volunteer
from tests.signin import sign_in
from tests.web.helpers import mails, submit
from tests.web.test_followups import answer, follow_up_of, introduce_pair, send_due
from web.matching.queries import match_counts
from web.pairs import followups
from web.privacy.erasure import erase

NEWCOMER = {"name": "Zahra Qasemi", "email": "zahra.qasemi@example.org", "phone": "+46701112233"}
VOLUNTEER = {"name": "Birgitta Lindqvist", "email": "birgitta.lindqvist@example.org", "phone": "+46709998877"}


def traces(engine: Engine, outbox: Path, *needles: str) -> list[str]:
    """Return where any needle is still found: a text or JSON column of any table, or an outbox file."""
    found = []
    wanted = [n.casefold() for n in needles]
    with engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
            for row in conn.execute(select(*columns)) if columns else []:
                for column, value in zip(columns, row, strict=True):
                    if value is not None and any(n in str(value).casefold() for n in wanted):
                        found.append(f"{table.name}.{column.name}")
    for path in (p for p in outbox.rglob("*") if p.is_file()) if outbox.exists() else []:
        if any(n in path.read_bytes().decode("utf-8", "replace").casefold() for n in wanted):
            found.append(str(path.relative_to(outbox)))
    return found


def a_pair_with_a_history(app: Flask, session: Session) -> tuple[Match, Volunteer, Newcomer]:
    """An introduced pair with messages, answered follow-ups and contact notes, the Arabic newcomer by SMS."""
    organisation = make_organisation(session)
    coordinator = make_coordinator(session, organisation)
    newcomer = make_newcomer(session, **NEWCOMER, share=("phone", "email"))
    volunteer = make_volunteer(session, **VOLUNTEER, ui_language="en")
    newcomer.notes = f"Ring {VOLUNTEER['name']} först"
    match = make_pair(session, newcomer, volunteer)
    introduce_pair(app, session, match, coordinator)
    session.add_all([ContactNote(organisation_id=organisation.id, newcomer_id=newcomer.id, author_id=coordinator.id,
                                 text=f"Called {NEWCOMER['name']}"),
                     ContactNote(organisation_id=organisation.id, match_id=match.id, author_id=coordinator.id,
                                 text="They met at the library")])
    session.commit()
    with time_machine.travel(now_utc() + timedelta(weeks=4, days=1), tick=False):
        assert send_due(app, session) == 2
        answer(app, session, follow_up_of(session, match, "newcomer"),
               followups.Answers(met=True, often="weekly", going=5, go_on=True, note=f"{VOLUNTEER['name']} är snäll"))
    return match, volunteer, newcomer


def test_a_coordinator_erases_both_and_nothing_of_them_is_left(
    app: Flask, client: FlaskClient, session: Session, engine: Engine, outbox: Path
) -> None:
    match, volunteer, newcomer = a_pair_with_a_history(app, session)
    organisation_id = match.organisation_id
    needles = [*NEWCOMER.values(), *VOLUNTEER.values(), "Zahra", "Birgitta"]
    assert traces(engine, outbox, *needles), "the history names them before the erasure"
    sign_in(client, "samordnare@example.org")
    page = client.get(f"/coordinator/newcomers/{newcomer.id}/erase")
    assert page.status_code == 200
    assert submit(client, f"/coordinator/newcomers/{newcomer.id}/erase", {}).status_code == 303
    assert submit(client, f"/coordinator/volunteers/{volunteer.id}/erase", {}).status_code == 303
    assert traces(engine, outbox, *needles) == []
    assert session.scalar(select(func.count()).select_from(Newcomer)) == 0
    # The pair is still counted, as an ended pair approved this month.
    statistics = list(session.scalars(select(PairStatistic)))
    assert [(s.status, s.end_reason) for s in statistics] == [("ended", "participant_left")]
    assert match_counts(session, organisation_id)["ended"] == 1
    dashboard = client.get("/coordinator/?lang=en").text
    assert "1 pair" in dashboard or ">1<" in dashboard
    erased = session.scalars(select(AuditEvent).where(AuditEvent.action == "erased")).all()
    assert {e.subject_type for e in erased} == {"newcomer", "volunteer"}
    assert client.get(f"/coordinator/newcomers/{newcomer.id}").status_code == 404


def test_the_kompis_left_in_an_open_pair_is_told_in_their_language_without_a_name(
    app: Flask, session: Session, engine: Engine, outbox: Path
) -> None:
    match, volunteer, newcomer = a_pair_with_a_history(app, session)
    with app.test_request_context():
        done = erase(session, newcomer, None)
    assert (done.pairs_ended, done.pairs_counted) == (1, 1)
    told = mails(outbox)  # the earlier messages named the newcomer: they are gone from the outbox
    to_kompis = [m for m in told if m["To"] == VOLUNTEER["email"]]
    assert len(to_kompis) == 1 and "Your kompis has left Kompis" in to_kompis[0]["Subject"]
    assert "Zahra" not in to_kompis[0].get_content()
    assert [m["To"] for m in told if m["To"] != VOLUNTEER["email"]] == ["samordnare@example.org"]
    # The volunteer is free again, and their own data is all still there.
    session.refresh(volunteer)
    assert (volunteer.open_matches, volunteer.status.value) == (0, "active")
    assert volunteer.email == VOLUNTEER["email"]
    assert session.scalar(select(func.count()).select_from(Match)) == 0


def test_an_erased_newcomer_proposed_in_a_run_leaves_no_proposal_behind(
    app: Flask, session: Session, engine: Engine
) -> None:
    make_organisation(session)
    newcomer = make_newcomer(session, **NEWCOMER)
    volunteer = make_volunteer(session, **VOLUNTEER)
    make_pair(session, newcomer, volunteer, status=MatchStatus.PROPOSED)
    with app.test_request_context():
        done = erase(session, newcomer, None)
    assert done.pairs_counted == 0, "a proposal nobody took up was never a pair"
    assert session.scalar(select(func.count()).select_from(Match)) == 0
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM newcomer_languages")).scalar() == 0
