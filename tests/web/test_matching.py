"""A coordinator runs matching, reads why each pair was proposed, approves and rejects; the database holds the rules."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from models import AuditEvent, Match, MatchRun, MatchStatus, Newcomer, PersonStatus, RunStatus, Volunteer, now_utc
from tests.factories import make_coordinator, make_newcomer, make_organisation, make_volunteer
from tests.signin import sign_in
from tests.web.helpers import count_queries, get_form, page, submit
from web.jobs import wait_for_runs
from web.matching.runs import create_run, execute_run


@pytest.fixture
def nykoping(session: Session):
    return make_organisation(session, "Nyköpings kommun", municipalities=("Nyköping",))


@pytest.fixture
def kalmar(session: Session):
    return make_organisation(session, "Kalmar kommun – Integra", municipalities=("Kalmar",))


@pytest.fixture
def coordinator(client: FlaskClient, session: Session, nykoping):
    account = make_coordinator(session, nykoping)
    sign_in(client, account.email)
    return account


def arabic_pool(session: Session, newcomers: int = 3, volunteers: int = 2, capacity: int = 1) -> None:
    """Newcomers and volunteers in Nyköping who all speak Arabic."""
    for n in range(volunteers):
        make_volunteer(session, name=f"Volontär{n} Svensson", languages=(("sv", 4), ("ar", 3)), capacity=capacity)
    for n in range(newcomers):
        make_newcomer(session, name=f"Nykomling{n} Hassan", phone=f"+4670174060{n}")


def run_now(client: FlaskClient, app: Flask, **form: str) -> str:
    """Start a run through the page and wait for it; return its address."""
    response = submit(client, "/coordinator/runs", {"mode": "stable", "max_distance_km": "", **form})
    assert response.status_code == 303, response.get_data(as_text=True)
    wait_for_runs(app)
    return response.headers["Location"]


def proposals(session: Session) -> list[Match]:
    return list(session.scalars(select(Match).where(Match.status == MatchStatus.PROPOSED).order_by(Match.id)))


def test_a_run_proposes_pairs_with_reasons_in_words(app: Flask, client: FlaskClient, session: Session,
                                                    coordinator) -> None:
    arabic_pool(session)
    report = client.get(run_now(client, app) + "?lang=en")
    assert report.status_code == 200
    text = page(report.data).get_text(" ", strip=True)
    assert "Newcomers waiting 3" in text and "Free seats 2" in text and "Proposals 2" in text
    assert "Newcomers without a proposal" in text
    run = session.scalar(select(MatchRun))
    assert run.status == RunStatus.FINISHED and run.counts["proposals"] == 2
    assert set(run.totals) == {"stable", "optimal"} and run.totals["stable"]["blocking_pairs"] == 0
    assert {"load", "scoring", "stable", "store", "total"} <= set(run.timings)

    listing = page(client.get("/coordinator/proposals?lang=en").data)
    reasons = [li.get_text(" ", strip=True) for li in listing.select(".reasons li")]
    assert any("Arabic" in r for r in reasons)
    assert any("apart" in r for r in reasons)
    # Key facts, no contact details before introduction.
    assert "+46" not in listing.get_text() and "@example.org" not in listing.get_text()


def test_run_page_refreshes_itself_while_running(client: FlaskClient, session: Session, coordinator, nykoping) -> None:
    run = MatchRun(organisation_id=nykoping.id, status=RunStatus.RUNNING, stage="scoring",
                   parameters={"mode": "stable"},
                   started_at=now_utc(), heartbeat_at=now_utc())
    session.add(run)
    session.commit()
    soup = page(client.get(f"/coordinator/runs/{run.id}?lang=en").data)
    assert soup.find("meta", attrs={"http-equiv": "refresh"})
    assert "Running: Scoring the pairs." in soup.get_text()


def test_a_run_with_nobody_to_match_says_so(app: Flask, client: FlaskClient, session: Session, coordinator) -> None:
    make_volunteer(session)
    text = page(client.get(run_now(client, app) + "?lang=en").data).get_text(" ", strip=True)
    assert "Nobody to match: no active newcomer is waiting for a kompis." in text
    assert session.scalar(select(MatchRun.status)) == RunStatus.FINISHED


def test_a_run_that_fails_leaves_no_proposals_and_says_why(app: Flask, client: FlaskClient, session: Session,
                                                           coordinator, nykoping) -> None:
    arabic_pool(session)
    nykoping.weights = {name: 0.0 for name in nykoping.weights}  # the matcher refuses weights that weigh nothing
    session.commit()
    text = page(client.get(run_now(client, app) + "?lang=en").data).get_text(" ", strip=True)
    assert "The run failed." in text and "nothing was saved" in text
    assert session.scalar(select(MatchRun.status)) == RunStatus.FAILED
    assert session.scalar(select(func.count()).select_from(Match)) == 0


def test_a_second_run_supersedes_undecided_proposals(app: Flask, client: FlaskClient, session: Session,
                                                     coordinator) -> None:
    arabic_pool(session)
    run_now(client, app)
    first = {m.id for m in proposals(session)}
    run_now(client, app)
    assert first and not first & {m.id for m in proposals(session)}
    assert {m.status for m in session.scalars(select(Match).where(Match.id.in_(first)))} == {MatchStatus.SUPERSEDED}


def test_only_one_unfinished_run_per_organisation(client: FlaskClient, session: Session, coordinator,
                                                  nykoping) -> None:
    session.add(MatchRun(organisation_id=nykoping.id, status=RunStatus.QUEUED, parameters={}, job_id="x"))
    session.commit()
    refused = client.post("/coordinator/runs?lang=en", data={"mode": "stable", "csrf_token": get_token(client)})
    assert refused.status_code == 409
    assert "Wait until it has finished" in page(refused.data).select_one(".notice-error").get_text()
    session.add(MatchRun(organisation_id=nykoping.id, status=RunStatus.RUNNING, parameters={}))
    with pytest.raises(IntegrityError):  # held by the database, not only by Python
        session.commit()


def test_a_run_whose_worker_died_is_failed_so_a_new_one_can_start(app: Flask, client: FlaskClient,
                                                                   session: Session, coordinator, nykoping) -> None:
    arabic_pool(session)
    old = now_utc() - timedelta(minutes=10)
    dead = MatchRun(organisation_id=nykoping.id, status=RunStatus.RUNNING, parameters={"mode": "stable"},
                    started_at=old, heartbeat_at=old, created_at=old)
    session.add(dead)
    session.commit()
    assert "stopped answering" in client.get(f"/coordinator/runs/{dead.id}?lang=en").get_data(as_text=True)
    run_now(client, app)
    session.refresh(dead)
    assert dead.status == RunStatus.FAILED and dead.error == "worker_stopped"
    assert len(proposals(session)) == 2


def test_approve_and_reject(app: Flask, client: FlaskClient, session: Session, coordinator) -> None:
    arabic_pool(session)
    run_now(client, app)
    first, second = proposals(session)
    response = _post(client, first.id, "approve", {})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/coordinator/matches/{first.id}")
    assert _post(client, first.id, "approve", {}).status_code == 303  # twice is harmless
    session.expire_all()
    match = session.get(Match, first.id)
    assert match.status == MatchStatus.APPROVED and match.decided_by_id == coordinator.id
    assert match.newcomer.status == PersonStatus.MATCHED and match.volunteer.status == PersonStatus.MATCHED
    assert match.volunteer.open_matches == 1

    assert _post(client, second.id, "reject", {}).status_code == 400  # a reason is needed
    assert _post(client, second.id, "reject", {"reason": "distance", "note": "Bor på var sin sida ån"}
                 ).status_code == 303
    session.expire_all()
    rejected = session.get(Match, second.id)
    assert (rejected.status, rejected.reason, rejected.reason_note) == (MatchStatus.REJECTED, "distance",
                                                                         "Bor på var sin sida ån")
    history = page(client.get(f"/coordinator/matches/{second.id}?lang=en").data).select(".history li")
    assert "Rejected" in history[-1].get_text()
    actions = set(session.scalars(select(AuditEvent.action).where(AuditEvent.subject_type.in_(("match", "run")))))
    assert {"run_started", "approved", "rejected"} <= actions


def _post(client: FlaskClient, match_id: int, action: str, data: dict[str, str]):
    """Press a button on the pair's page."""
    return client.post(f"/coordinator/matches/{match_id}/{action}",
                       data={**data, "csrf_token": _token(client, match_id)})


def test_refused_approvals_answer_409_with_what_happened(app: Flask, client: FlaskClient, session: Session,
                                                         coordinator, nykoping) -> None:
    volunteer = make_volunteer(session, name="Karin Svensson", languages=(("ar", 3),), capacity=1)
    other = make_volunteer(session, name="Olle Svensson", languages=(("ar", 3),), capacity=1)
    amal = make_newcomer(session, name="Amal Hassan", phone="+46701740601")
    omar = make_newcomer(session, name="Omar Ali", phone="+46701740602")
    pairs = [Match(organisation_id=nykoping.id, newcomer_id=n.id, volunteer_id=v.id, score=0.5)
             for n, v in ((amal, volunteer), (omar, volunteer), (amal, other))]
    session.add_all(pairs)
    session.commit()
    assert _post(client, pairs[0].id, "approve", {}).status_code == 303
    full = _post(client, pairs[1].id, "approve", {})
    assert full.status_code == 409
    assert "Karin" in page(full.data).select_one(".notice-error").get_text()
    taken = client.post(f"/coordinator/matches/{pairs[2].id}/approve?lang=en",
                        data={"csrf_token": _token(client, pairs[2].id)})
    assert taken.status_code == 409 and "Amal already has a kompis." in taken.get_data(as_text=True)
    assert session.scalar(select(Volunteer.open_matches).where(Volunteer.id == volunteer.id)) == 1


def _token(client: FlaskClient, match_id: int) -> str:
    return get_form(client, f"/coordinator/matches/{match_id}")[1]


def test_a_rejected_pair_is_never_proposed_again(app: Flask, client: FlaskClient, session: Session,
                                                 coordinator) -> None:
    arabic_pool(session, newcomers=1, volunteers=1)
    run_now(client, app)
    (only,) = proposals(session)
    _post(client, only.id, "reject", {"reason": "acquainted"})
    run_now(client, app)
    assert proposals(session) == []
    # Manual matching does not offer the pair either.
    text = page(client.get(f"/coordinator/newcomers/{only.newcomer_id}/candidates?lang=en").data).get_text(" ")
    assert "Nobody can be proposed now." in text and "rejected before" in text


def test_the_database_refuses_to_store_a_rejected_pair_again(session: Session, nykoping) -> None:
    volunteer, newcomer = make_volunteer(session), make_newcomer(session)
    row = {"organisation_id": nykoping.id, "newcomer_id": newcomer.id, "volunteer_id": volunteer.id, "score": 0.5,
           "newcomer_score": 0.5, "volunteer_score": 0.5, "rank": 1, "components": {}, "reasons": [], "reason": "",
           "reason_note": "", "created_at": now_utc(), "updated_at": now_utc()}
    session.execute(insert(Match), [{**row, "status": MatchStatus.REJECTED}])
    session.commit()
    with pytest.raises(IntegrityError):
        session.execute(insert(Match), [{**row, "status": MatchStatus.PROPOSED}])
        session.commit()
    session.rollback()
    # An ended or superseded pair leaves no such mark: the run's exclusions handle those.
    session.execute(insert(Match), [{**row, "status": MatchStatus.SUPERSEDED}])
    session.commit()


def test_bulk_decisions_report_each_pair(app: Flask, client: FlaskClient, session: Session, coordinator) -> None:
    arabic_pool(session, newcomers=2, volunteers=2)
    run_now(client, app)
    ids = [m.id for m in proposals(session)]
    _, token = get_form(client, "/coordinator/proposals")
    response = client.post("/coordinator/proposals?lang=en", data={"csrf_token": token, "pairs": ids,
                                                                   "decision": "approve"})
    assert response.status_code == 303
    notices = page(client.get("/coordinator/proposals?lang=en").data).select(".notice")
    assert any(n.get_text().startswith("Approved:") for n in notices)
    again = client.post("/coordinator/proposals?lang=en", data={"csrf_token": token, "pairs": ids,
                                                                "decision": "reject"})
    assert again.status_code == 400  # no longer proposed: not among the choices, and a reason is missing


def test_manual_matching_proposes_one_of_the_best(client: FlaskClient, session: Session, coordinator) -> None:
    arabic_pool(session, newcomers=1, volunteers=3)
    newcomer = session.scalar(select(Newcomer))
    soup = page(client.get(f"/coordinator/newcomers/{newcomer.id}/candidates?lang=en").data)
    buttons = soup.select("ol.candidates form")
    assert len(buttons) == 3
    assert "Arabic" in soup.select_one(".reasons li").get_text()
    _, token = get_form(client, f"/coordinator/newcomers/{newcomer.id}/candidates")
    response = client.post(buttons[0]["action"], data={"csrf_token": token})
    assert response.status_code == 303
    match = session.scalar(select(Match))
    assert match.status == MatchStatus.PROPOSED and match.run_id is None and match.reasons


def test_another_organisations_runs_and_pairs_answer_404(app: Flask, client: FlaskClient, session: Session,
                                                        coordinator, kalmar) -> None:
    arabic_pool(session)
    run = run_now(client, app)
    match = proposals(session)[0]
    make_coordinator(session, kalmar, email="kalmar@example.org")
    other = app.test_client()
    sign_in(other, "kalmar@example.org")
    for url in (run, f"/coordinator/matches/{match.id}", f"/coordinator/newcomers/{match.newcomer_id}/candidates"):
        assert other.get(url).status_code == 404, url
    token = get_token(other)
    for action in ("approve", "reject"):
        assert other.post(f"/coordinator/matches/{match.id}/{action}", data={"csrf_token": token}).status_code == 404
    assert session.get(Match, match.id).status == MatchStatus.PROPOSED


def get_token(client: FlaskClient) -> str:
    return get_form(client, "/coordinator/runs")[1]


def test_pages_issue_no_more_queries_as_rows_grow(app: Flask, client: FlaskClient, session: Session, engine: Engine,
                                                  coordinator) -> None:
    arabic_pool(session, newcomers=2, volunteers=2)
    run_now(client, app)
    few = count_queries(engine, client, "/coordinator/proposals")
    pair = proposals(session)[0].id
    few_pair = count_queries(engine, client, f"/coordinator/matches/{pair}")
    arabic_pool(session, newcomers=10, volunteers=10)
    run_now(client, app)
    assert len(proposals(session)) >= 10
    assert count_queries(engine, client, "/coordinator/proposals") == few
    assert count_queries(engine, client, f"/coordinator/matches/{proposals(session)[0].id}") == few_pair


def test_kompis_match_runs_from_the_command_line(app: Flask, session: Session, nykoping) -> None:
    arabic_pool(session)
    result = app.test_cli_runner().invoke(args=["match", "Nyköpings kommun", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["status"] == "finished" and report["counts"]["proposals"] == 2
    unknown = app.test_cli_runner().invoke(args=["match", "Nowhere"])
    assert unknown.exit_code != 0 and "Nyköpings kommun" in unknown.output


def test_execute_run_twice_does_nothing_the_second_time(app: Flask, session: Session, nykoping) -> None:
    arabic_pool(session)
    run = create_run(session, nykoping, started_by=None)
    execute_run(session, run.id)
    execute_run(session, run.id)  # a job delivered twice
    assert len(proposals(session)) == 2
