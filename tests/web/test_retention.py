"""Retention: `kompis purge-expired` with the clock moved forward erases, lists and anonymises the right rows."""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from flask import Flask
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from models import (
    AuditEvent,
    Base,
    ContactNote,
    DisposalDecision,
    EndReason,
    ErasurePolicy,
    FollowUp,
    Match,
    MatchStatus,
    Message,
    Newcomer,
    Organisation,
    PairStatistic,
    PersonStatus,
    Volunteer,
    now_utc,
)
from tests.factories import make_coordinator, make_newcomer, make_organisation, make_pair, make_volunteer
from tests.signin import sign_in
from tests.web.helpers import error_summary, get_form, page, reread, submit
from tests.web.test_followups import introduce_pair
from web import db
from web.matching.queries import match_counts
from web.pairs.lifecycle import end_match
from web.privacy import retention
from web.privacy.retention import months_before, record_decision

LATER = timedelta(days=25 * 31)  # past the default retention of 24 months


def purge(app: Flask) -> list[str]:
    """Run `kompis purge-expired` as cron does; return the lines it printed."""
    result = app.test_cli_runner().invoke(args=["purge-expired"])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def snapshot(engine: Engine) -> dict[str, list[tuple[str, ...]]]:
    """Return every row of every table, as text, so two moments can be compared."""
    with engine.connect() as conn:
        return {table.name: sorted(tuple(map(repr, row)) for row in conn.execute(select(table)))
                for table in Base.metadata.sorted_tables}


def purged_twice(app: Flask, engine: Engine) -> list[str]:
    """Run the purge, then again, and prove the second run changed no row; return the first run's lines."""
    first = purge(app)
    before = snapshot(engine)
    second = purge(app)
    assert snapshot(engine) == before, "the second run changed a row"
    assert "Nothing was due." in second or all("waiting for a disposal decision" in line for line in second), second
    return first


def count(session: Session, model: type[Base]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def ended_pair(app: Flask, session: Session, newcomer: Newcomer, volunteer: Volunteer) -> Match:
    """Approve a pair and end it now."""
    match = make_pair(session, newcomer, volunteer)
    with app.app_context():
        end_match(session, match, None, reason=EndReason.RAN_ITS_COURSE, note="")
    return match


def touch(session: Session, person: Volunteer | Newcomer) -> None:
    """Change a person's answers now, as an edit on their page would."""
    person.notes = "Asked to be called in the evening"
    session.commit()


def travel(to: timedelta) -> time_machine.travel:
    return time_machine.travel(now_utc() + to, tick=False)


@pytest.mark.parametrize(("moment", "months", "expected"), [
    (datetime(2026, 12, 2, 17, 0, tzinfo=UTC), 24, datetime(2024, 12, 2, 17, 0, tzinfo=UTC)),
    (datetime(2026, 3, 31, 8, 0, tzinfo=UTC), 1, datetime(2026, 2, 28, 8, 0, tzinfo=UTC)),
    (datetime(2028, 3, 31, 8, 0, tzinfo=UTC), 1, datetime(2028, 2, 29, 8, 0, tzinfo=UTC)),
    (datetime(2026, 1, 15, tzinfo=UTC), 13, datetime(2024, 12, 15, tzinfo=UTC)),
])
def test_the_retention_period_counts_calendar_months(moment: datetime, months: int, expected: datetime) -> None:
    assert months_before(moment, months) == expected


def test_an_ngo_erases_the_inactive_and_keeps_the_active_and_the_recent(
    app: Flask, session: Session, engine: Engine
) -> None:
    organisation = make_organisation(session, "Kompis Kalmar", municipalities=("Nyköping",))
    idle = make_volunteer(session, name="Ingrid Idle")
    gone_newcomer, gone_volunteer = make_newcomer(session, name="Omar Ended"), make_volunteer(session, name="Eva Ended")
    ended = ended_pair(app, session, gone_newcomer, gone_volunteer)
    confirmed_pending = make_volunteer(session, name="Per Pending", status=PersonStatus.PENDING)
    confirmed_pending.email_confirmed_at = now_utc()
    session.commit()
    paired = make_pair(session, make_newcomer(session, name="Nadia Paired"),
                       make_volunteer(session, name="Olle Paired"))
    recent = make_newcomer(session, name="Rasha Recent", phone="+46701111111")
    with travel(LATER - timedelta(days=60)):
        touch(session, recent)
    with travel(LATER):
        lines = purged_twice(app, engine)
    assert "Kompis Kalmar: volunteers erased, inactive for over 24 months: 3." in lines
    assert "Kompis Kalmar: newcomers erased, inactive for over 24 months: 1." in lines
    left = {p.name for p in session.scalars(select(Volunteer))} | {p.name for p in session.scalars(select(Newcomer))}
    assert left == {"Nadia Paired", "Olle Paired", "Rasha Recent"}
    assert {idle.id, gone_volunteer.id, confirmed_pending.id}.isdisjoint(session.scalars(select(Volunteer.id)))
    # The ended pair is still counted, as an anonymous statistic; the open one goes on.
    assert reread(session, Match, ended.id) is None and reread(session, Match, paired.id) is not None
    assert [(s.status, s.end_reason) for s in session.scalars(select(PairStatistic))] == [("ended", "ran_its_course")]
    assert match_counts(session, organisation.id)["ended"] == 1
    recorded = session.scalars(select(AuditEvent).where(AuditEvent.action == "purge_expired")).one()
    assert recorded.organisation_id == organisation.id and recorded.actor_id is None
    assert recorded.detail["volunteers_erased"] == 3 and recorded.detail["newcomers_erased"] == 1
    assert all(isinstance(value, int) for value in recorded.detail.values()), "counts only"


def test_before_the_period_ends_nothing_is_due(app: Flask, session: Session, engine: Engine) -> None:
    make_organisation(session)
    make_volunteer(session)
    ended_pair(app, session, make_newcomer(session), make_volunteer(session, name="Eva Ended"))
    before = snapshot(engine)
    with travel(timedelta(days=23 * 31)):
        assert purge(app) == ["Nothing was due."]
    assert snapshot(engine) == before


def test_an_ended_pair_past_the_period_is_kept_only_as_a_count(
    app: Flask, session: Session, engine: Engine, outbox: Path
) -> None:
    """Both people are still here (they changed something lately); the pair's own rows go."""
    organisation = make_organisation(session)
    coordinator = make_coordinator(session, organisation)
    newcomer = make_newcomer(session, name="Zahra Qasemi", email="zahra@example.org", share=("phone", "email"))
    volunteer = make_volunteer(session, name="Birgitta Lindqvist")
    match = make_pair(session, newcomer, volunteer)
    introduce_pair(app, session, match, coordinator)
    session.add(ContactNote(organisation_id=organisation.id, match_id=match.id, author_id=coordinator.id,
                            text="They met at the library"))
    session.commit()
    with app.app_context():
        end_match(session, match, coordinator, reason=EndReason.MOVED, note="Zahra moved to Umeå")
    rejected = make_pair(session, make_newcomer(session, name="Rania Rejected"), volunteer, status=MatchStatus.REJECTED)
    assert count(session, Message) and count(session, FollowUp) + count(session, ContactNote)
    with travel(LATER - timedelta(days=30)):
        for person in (newcomer, volunteer, reread(session, Newcomer, rejected.newcomer_id)):
            touch(session, person)
    with travel(LATER):
        lines = purged_twice(app, engine)
    assert "Nyköpings kommun: pairs ended over 24 months ago, now kept only as counts: 1." in lines
    assert "Nyköpings kommun: rejected or superseded proposals deleted, older than 24 months: 1." in lines
    assert reread(session, Newcomer, newcomer.id) is not None and reread(session, Volunteer, volunteer.id) is not None
    assert reread(session, Match, match.id) is None and reread(session, Match, rejected.id) is None
    assert (count(session, Message), count(session, FollowUp), count(session, ContactNote)) == (0, 0, 0)
    assert [(s.status, s.end_reason) for s in session.scalars(select(PairStatistic))] == [("ended", "moved")]
    assert match_counts(session, organisation.id)["ended"] == 1
    assert not any("message-" in p.name for p in outbox.rglob("*")), "the pair's messages left the outbox"


def test_two_runs_at_once_erase_and_count_each_pair_once(app: Flask, session: Session) -> None:
    """Cron started late and a person started it by hand: each claims what it erases, so nothing is done twice."""
    make_organisation(session)
    for n in range(6):
        ended_pair(app, session, make_newcomer(session, name=f"Newcomer {n}", phone=f"+4670100000{n}"),
                   make_volunteer(session, name=f"Volunteer {n}"))
    start, done, failed = threading.Barrier(2), [], []

    def run() -> None:
        with app.app_context():
            start.wait()
            try:
                done.append(retention.purge_expired(db.session()))
            except Exception as problem:  # noqa: BLE001 - reported below, in the test's own thread
                failed.append(problem)

    with travel(LATER):
        runs = [threading.Thread(target=run) for _ in range(2)]
        for thread in runs:
            thread.start()
        for thread in runs:
            thread.join(timeout=60)
    assert failed == [] and len(done) == 2
    erased = [o.volunteers_erased + o.newcomers_erased for purge in done for o in purge.organisations]
    assert sum(erased) == 12
    assert (count(session, Volunteer), count(session, Newcomer), count(session, PairStatistic)) == (0, 0, 6)


@pytest.mark.parametrize("policy", [ErasurePolicy.ERASE, ErasurePolicy.DISPOSAL_DECISION])
def test_unconfirmed_sign_ups_go_after_30_days_whatever_the_policy(
    app: Flask, session: Session, engine: Engine, policy: ErasurePolicy
) -> None:
    organisation = make_organisation(session)
    organisation.erasure_policy = policy
    session.commit()
    staff = make_coordinator(session, organisation)
    unconfirmed = make_volunteer(session, name="Ulla Unconfirmed", status=PersonStatus.PENDING)
    # A newcomer never confirms an address: one asking on the public form waits for staff to call.
    asked = make_newcomer(session, name="Hodan Asked", email="hodan@example.org", status=PersonStatus.PENDING)
    by_staff = make_newcomer(session, name="Yonas Phone", phone="+46702222222")
    by_staff.registered_by_id = staff.id
    session.commit()
    with travel(timedelta(days=29, hours=23)):
        assert purge(app) == ["Nothing was due."]
    assert reread(session, Volunteer, unconfirmed.id) is not None
    with travel(timedelta(days=30, hours=1)):
        lines = purged_twice(app, engine)
    assert lines == ["Nyköpings kommun: volunteers erased who never confirmed their address within 30 days: 1."]
    assert reread(session, Volunteer, unconfirmed.id) is None
    assert {n.id for n in session.scalars(select(Newcomer))} == {asked.id, by_staff.id}


def test_old_outbox_files_go_and_recent_ones_stay(app: Flask, session: Session, outbox: Path) -> None:
    (outbox / "sms").mkdir(parents=True, exist_ok=True)
    old_mail, old_sms, recent = outbox / "old.eml", outbox / "sms" / "message-1.json", outbox / "recent.eml"
    for path, days in ((old_mail, 31), (old_sms, 40), (recent, 29)):
        path.write_text("To: someone@example.org\n\nHej")
        moment = time.time() - days * 86400
        os.utime(path, (moment, moment))
    assert purge(app) == ["Outbox files removed, older than 30 days: 2."]
    assert [p.name for p in outbox.rglob("*") if p.is_file()] == ["recent.eml"]
    app.config["OUTBOX_RETENTION_DAYS"] = 7
    assert purge(app) == ["Outbox files removed, older than 7 days: 1."]
    assert purge(app) == ["Nothing was due."]


# --- a municipality: a recorded decision first ----------------------------------------------------------------------


@pytest.fixture
def municipality(session: Session) -> Organisation:
    organisation = make_organisation(session, "Haninge kommun", municipalities=("Haninge",))
    organisation.erasure_policy = ErasurePolicy.DISPOSAL_DECISION
    organisation.retention_months = 12
    session.commit()
    return organisation


def test_a_municipalitys_due_records_wait_for_a_recorded_decision_then_go(
    app: Flask, session: Session, engine: Engine, municipality: Organisation
) -> None:
    due_volunteer = make_volunteer(session, name="Karin Due", place="Haninge")
    due_newcomer, kompis = make_newcomer(session, name="Amal Due", place="Haninge"), make_volunteer(
        session, name="Sven Due", place="Haninge")
    ended_pair(app, session, due_newcomer, kompis)
    returning = make_volunteer(session, name="Rut Returning", place="Haninge")
    admin = make_coordinator(session, None, email="admin@example.org", admin=True)
    names = ("Karin Due", "Amal Due", "Sven Due", "Rut Returning")
    waiting = ("Haninge kommun: people inactive for over 12 months waiting for a disposal decision: 4; an admin "
               f"records it at http://kompis.test/admin/organisations/{municipality.id}/disposal")
    with travel(timedelta(days=13 * 31)):
        # Their ended pair is kept as a count whatever the policy; the people wait for the decision.
        assert purge(app) == ["Haninge kommun: pairs ended over 12 months ago, now kept only as counts: 1.", waiting]
        before = snapshot(engine)
        assert purge(app) == [waiting]
        assert snapshot(engine) == before, "nothing is erased before a decision"
        assert count(session, Volunteer) + count(session, Newcomer) == 4
        client = app.test_client()
        sign_in(client, admin.email)
        listed, token = get_form(client, f"/admin/organisations/{municipality.id}/disposal?lang=ar")
        rows = [[cell.get_text(strip=True) for cell in row.find_all("td")] for row in listed.select("tbody tr")]
        assert sorted(row[1] for row in rows) == sorted(str(p.id) for p in (due_volunteer, kompis, returning,
                                                                             due_newcomer))
        assert not any(name in listed.get_text() for name in names), "the list names nobody"
        touch(session, returning)  # came back after the page was read: the decision leaves them out
        answer = client.post(f"/admin/organisations/{municipality.id}/disposal?lang=en", data={
            "csrf_token": token, "reference": "KS 2027/42",
            "volunteer_ids": listed.find(id="volunteer_ids")["value"],
            "newcomer_ids": listed.find(id="newcomer_ids")["value"]})
        assert answer.status_code == 303
        decision = session.scalars(select(DisposalDecision)).one()
        assert (decision.reference, decision.decided_by_id, decision.volunteers, decision.newcomers) == (
            "KS 2027/42", admin.id, 2, 1)
        assert decision.carried_out_at is None
        assert reread(session, Volunteer, returning.id).disposal_decision_id is None
        recorded = session.scalars(select(AuditEvent).where(AuditEvent.action == "disposal_decided")).one()
        assert recorded.detail == {"reference": "KS 2027/42", "volunteers": 2, "newcomers": 1}
        again = client.post(f"/admin/organisations/{municipality.id}/disposal?lang=en", data={
            "csrf_token": token, "reference": "KS 2027/42",
            "volunteer_ids": listed.find(id="volunteer_ids")["value"]})
        assert again.status_code == 303 and count(session, DisposalDecision) == 1, "posted twice, recorded once"
        lines = purged_twice(app, engine)
    assert lines == ["Haninge kommun: people erased under a recorded disposal decision: 3.",
                     "Haninge kommun: disposal decisions carried out: 1."]
    assert [v.name for v in session.scalars(select(Volunteer))] == ["Rut Returning"]
    assert count(session, Newcomer) == 0
    assert reread(session, DisposalDecision, decision.id).carried_out_at is not None
    assert match_counts(session, municipality.id)["ended"] == 1


def test_someone_who_came_back_after_the_decision_is_kept(
    app: Flask, session: Session, engine: Engine, municipality: Organisation
) -> None:
    volunteer = make_volunteer(session, name="Karin Back", place="Haninge")
    admin = make_coordinator(session, None, email="admin@example.org", admin=True)
    with travel(timedelta(days=13 * 31)):
        decision = record_decision(session, municipality, admin, "KS 2027/7", [volunteer.id], [])
        assert decision is not None and decision.volunteers == 1
        touch(session, volunteer)
        lines = purged_twice(app, engine)
    assert lines == ["Haninge kommun: people a disposal decision covered, kept because they have been active since: 1.",
                     "Haninge kommun: disposal decisions carried out: 1."]
    assert reread(session, Volunteer, volunteer.id).disposal_decision_id is None


@pytest.mark.parametrize(("reference", "message"), [
    ("", "Enter the decision's reference"),
    ("KS " + "1" * 118, "Write at most 120 characters"),
])
def test_a_decision_without_a_proper_reference_is_refused_with_a_message(
    app: Flask, session: Session, municipality: Organisation, reference: str, message: str
) -> None:
    volunteer = make_volunteer(session, place="Haninge")
    make_coordinator(session, None, email="admin@example.org", admin=True)
    with travel(timedelta(days=13 * 31)):
        client = app.test_client()
        sign_in(client, "admin@example.org")
        url = f"/admin/organisations/{municipality.id}/disposal?lang=en"
        refused = submit(client, url, {"reference": reference, "volunteer_ids": str(volunteer.id)})
    assert refused.status_code == 400
    assert error_summary(page(refused.text)) == [(message, "#reference")]
    assert count(session, DisposalDecision) == 0
    assert reread(session, Volunteer, volunteer.id).disposal_decision_id is None


def test_the_organisation_page_leads_to_its_disposal_decisions(
    app: Flask, session: Session, municipality: Organisation
) -> None:
    make_coordinator(session, None, email="admin@example.org", admin=True)
    client = app.test_client()
    sign_in(client, "admin@example.org")
    organisation_page = page(client.get(f"/admin/organisations/{municipality.id}?lang=en").text)
    link = organisation_page.find("a", string="Disposal decisions")
    assert link is not None and link["href"] == f"/admin/organisations/{municipality.id}/disposal"
    disposal = page(client.get(link["href"] + "?lang=en").text)
    assert disposal.h1.get_text(strip=True) == "Disposal decisions"
    assert "Nobody is waiting for a disposal decision." in disposal.get_text()
    assert client.get("/admin/organisations/999999/disposal").status_code == 404


def test_on_a_database_not_set_up_it_says_what_to_do(tmp_path: Path) -> None:
    from web import create_app

    empty = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
                        "SECRET_KEY": "test-secret-key", "MAIL_OUTBOX": str(tmp_path / "outbox")})
    try:
        result = empty.test_cli_runner().invoke(args=["purge-expired"])
    finally:
        empty.extensions["kompis.engine"].dispose()
    assert result.exit_code != 0 and "kompis db upgrade" in result.output
