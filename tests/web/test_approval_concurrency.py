"""Approving under load: many coordinators at once never overfill a volunteer nor give a newcomer two kompisar.

Each scenario releases every approval together with a barrier, from threads with
database sessions of their own, then through gunicorn with several workers.
The database's rules must hold, and every loser must hear why in words, never a 500.
"""

from __future__ import annotations

import html
import http.client
import itertools
import os
import re
import subprocess
import sys
import threading
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Coordinator, Match, MatchStatus, Newcomer, Organisation, PersonStatus, Volunteer
from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_coordinator, make_newcomer, make_organisation, make_volunteer
from tests.signin import fresh_code
from tests.test_cli import free_port, wait_for_json
from web.matching.decisions import DecisionRefused, approve_match

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 10
CROWD = 50  # proposals sharing one volunteer
VOLUNTEER_CAPACITY = 2
RIVALS = 20  # proposals sharing one newcomer
APPROVED = "approved"
FULL = "already has 2 newcomers, the most they can take."
TAKEN = "already has a kompis."
_serial = itertools.count(1)


# --- data ------------------------------------------------------------------


def _proposal(session: Session, newcomer: Newcomer, volunteer: Volunteer) -> Match:
    match = Match(organisation_id=newcomer.organisation_id, newcomer_id=newcomer.id, volunteer_id=volunteer.id,
                  status=MatchStatus.PROPOSED, score=0.5, components={}, reasons=[])
    session.add(match)
    return match


def crowd_on_one_volunteer(session: Session) -> tuple[Volunteer, list[int]]:
    """Return a volunteer of capacity 2 and CROWD proposals of different newcomers with them."""
    n = next(_serial)
    volunteer = make_volunteer(session, name=f"Vera{n} Berg", capacity=VOLUNTEER_CAPACITY)
    matches = [
        _proposal(session, make_newcomer(session, name=f"Nour{n}x{i} Ali", phone=f"+4670{n:03d}{i:04d}"), volunteer)
        for i in range(CROWD)
    ]
    session.commit()
    return volunteer, [m.id for m in matches]


def rivals_for_one_newcomer(session: Session) -> tuple[Newcomer, list[int]]:
    """Return a newcomer and RIVALS proposals of them with different volunteers of capacity 1."""
    n = next(_serial)
    newcomer = make_newcomer(session, name=f"Samir{n} Omar", phone=f"+4673{n:07d}")
    matches = [_proposal(session, newcomer, make_volunteer(session, name=f"Lena{n}x{i} Ek", capacity=1))
               for i in range(RIVALS)]
    session.commit()
    return newcomer, [m.id for m in matches]


def first_name(person: Newcomer | Volunteer) -> str:
    return person.name.split()[0]


# --- releasing threads together ---------------------------------------------


def together(jobs: list[Callable[[], str]]) -> list[str]:
    """Run each job in a thread of its own, released together; return what each said, or its traceback."""
    barrier = threading.Barrier(len(jobs))
    results: list[str] = ["did not finish"] * len(jobs)

    def run(index: int, job: Callable[[], str]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = job()
        except BaseException:  # noqa: BLE001 - reported by the assertions
            results[index] = "unexpected: " + traceback.format_exc()

    threads = [threading.Thread(target=run, args=(i, job), daemon=True) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return results


def unexpected(results: list[str], expected: set[str]) -> list[str]:
    return [r for r in results if r not in expected]


# --- service level -----------------------------------------------------------


def approve_in_own_session(app: Flask, match_id: int, actor_id: int) -> Callable[[], str]:
    """Approve one pair as a coordinator's request would: its own context and database session."""

    def job() -> str:
        with app.test_request_context("/?lang=en"):  # the refusals in English, whatever Swedish says
            db_session = app.extensions["kompis.sessionmaker"]()
            try:
                match = db_session.get(Match, match_id)
                actor = db_session.get(Coordinator, actor_id)
                assert match is not None and actor is not None
                approve_match(db_session, match, actor)
                return APPROVED
            except DecisionRefused as refusal:
                return refusal.message
            finally:
                db_session.close()

    return job


@pytest.fixture
def coordinator(session: Session) -> Coordinator:
    organisation: Organisation = make_organisation(session)
    return make_coordinator(session, organisation)


def assert_volunteer_holds_two(session: Session, volunteer: Volunteer) -> None:
    stored = session.get(Volunteer, volunteer.id, populate_existing=True)
    assert stored is not None
    assert stored.open_matches == VOLUNTEER_CAPACITY
    assert stored.status == PersonStatus.MATCHED
    approved = session.scalars(select(Match).where(Match.volunteer_id == volunteer.id,
                                                   Match.status == MatchStatus.APPROVED)).all()
    assert len(approved) == VOLUNTEER_CAPACITY
    assert session.scalar(select(func.count()).select_from(Match).where(
        Match.volunteer_id == volunteer.id, Match.status == MatchStatus.PROPOSED)) == CROWD - VOLUNTEER_CAPACITY
    matched = session.scalars(select(Newcomer.status).where(
        Newcomer.id.in_([m.newcomer_id for m in approved]))).all()
    assert matched == [PersonStatus.MATCHED] * VOLUNTEER_CAPACITY


def assert_newcomer_holds_one(session: Session, newcomer: Newcomer, match_ids: list[int]) -> None:
    open_matches = session.scalars(select(Match).where(Match.newcomer_id == newcomer.id,
                                                       Match.status == MatchStatus.APPROVED)).all()
    assert len(open_matches) == 1
    volunteer_ids = select(Match.volunteer_id).where(Match.id.in_(match_ids))
    seats = dict(session.execute(select(Volunteer.id, Volunteer.open_matches)
                                 .where(Volunteer.id.in_(volunteer_ids))).all())
    assert seats == {v: int(v == open_matches[0].volunteer_id) for v in seats}
    stored = session.get(Newcomer, newcomer.id, populate_existing=True)
    assert stored is not None and stored.status == PersonStatus.MATCHED


@pytest.mark.parametrize("round_number", range(1, ROUNDS + 1))
def test_fifty_approvals_at_once_fill_a_volunteer_of_two_and_no_more(
    app: Flask, session: Session, coordinator: Coordinator, round_number: int
) -> None:
    volunteer, match_ids = crowd_on_one_volunteer(session)
    results = together([approve_in_own_session(app, m, coordinator.id) for m in match_ids])
    full = f"{first_name(volunteer)} {FULL}"
    assert unexpected(results, {APPROVED, full}) == []
    assert Counter(results) == {APPROVED: VOLUNTEER_CAPACITY, full: CROWD - VOLUNTEER_CAPACITY}
    assert_volunteer_holds_two(session, volunteer)


@pytest.mark.parametrize("round_number", range(1, ROUNDS + 1))
def test_twenty_approvals_of_one_newcomer_at_once_give_them_one_kompis(
    app: Flask, session: Session, coordinator: Coordinator, round_number: int
) -> None:
    newcomer, match_ids = rivals_for_one_newcomer(session)
    results = together([approve_in_own_session(app, m, coordinator.id) for m in match_ids])
    taken = f"{first_name(newcomer)} {TAKEN}"
    assert unexpected(results, {APPROVED, taken}) == []
    assert Counter(results) == {APPROVED: 1, taken: RIVALS - 1}
    assert_newcomer_holds_one(session, newcomer, match_ids)


# --- through gunicorn ------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    port: int
    log: Path


@pytest.fixture
def gunicorn(database_url: str, tmp_path: Path) -> Iterator[Server]:
    """Start gunicorn with four workers on loopback, on the test's database; stop it after the test."""
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "s" * 64,
                   "PUBLIC_URL": "https://kompis.example.se", "PORT": str(port), "BIND": f"127.0.0.1:{port}",
                   "WEB_CONCURRENCY": "4", "KOMPIS_MAIL_OUTBOX": str(tmp_path / "outbox"),
                   "KOMPIS_SESSION_COOKIE_SECURE": "0", "KOMPIS_RATELIMIT_ENABLED": "0"}
    for name in ("KOMPIS_DEVELOPMENT", "DEVELOPMENT", "KOMPIS_DATABASE_URL", "KOMPIS_SECRET_KEY",
                 "KOMPIS_PUBLIC_URL", "GUNICORN_THREADS"):
        environment.pop(name, None)
    log_path = tmp_path / "gunicorn.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603
            [str(Path(sys.executable).with_name("gunicorn")), "-c", str(ROOT / "gunicorn.conf.py"),
             "web:create_app()"],
            env=environment, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, text=True,
        )
    try:
        assert wait_for_json(f"http://127.0.0.1:{port}/healthz", seconds=30) == {"status": "ok", "database": "ok"}
        yield Server(port, log_path)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        # Shown by pytest when the test fails: the workers' tracebacks, if any.
        print(log_path.read_text(errors="replace")[-20000:])  # noqa: T201
    text = log_path.read_text(errors="replace")
    assert "Traceback" not in text, "gunicorn logged a traceback"
    assert '" 500 ' not in text, "gunicorn answered 500"


@dataclass(frozen=True)
class Answer:
    status: int
    location: str
    body: str
    cookies: SimpleCookie


class Browser:
    """A coordinator's browser: one session cookie, sent with every request, stdlib only."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {"kompis_lang": "en"}  # the refusals in English

    def send(self, method: str, path: str, form: dict[str, str] | None = None) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
            body = None
            if form is not None:
                body = urlencode(form)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            cookies: SimpleCookie = SimpleCookie()
            for header in response.headers.get_all("Set-Cookie") or []:
                cookies.load(header)
            return Answer(response.status, response.getheader("Location", ""), text, cookies)
        finally:
            connection.close()

    def keep(self, answer: Answer) -> Answer:
        for name, morsel in answer.cookies.items():
            self.cookies[name] = morsel.value
        return answer

    def log_in(self, email: str, session: Session) -> str:
        """Sign in with the password, then a code; return the CSRF token the session's forms carry."""
        page = self.keep(self.send("GET", "/coordinator/login"))
        assert page.status == 200, page.status
        token = csrf_token(page.body)
        answer = self.keep(self.send("POST", "/coordinator/login",
                                     {"email": email, "password": PASSWORD, "csrf_token": token}))
        assert answer.status == 302, (answer.status, answer.body[:2000])
        step = urlsplit(answer.location)
        assert step.path == "/coordinator/login/code", answer.location
        code_url = f"{step.path}?{step.query}" if step.query else step.path
        page = self.keep(self.send("GET", code_url))
        assert page.status == 200, page.status
        answer = self.keep(self.send("POST", code_url,
                                     {"code": fresh_code(session, email), "csrf_token": csrf_token(page.body)}))
        assert answer.status == 302, (answer.status, answer.body[:2000])
        dashboard = self.keep(self.send("GET", "/coordinator/"))
        assert dashboard.status == 200, dashboard.status
        return csrf_token(dashboard.body) if "csrf_token" in dashboard.body else token


REFUSAL_RE = re.compile(r'class="notice notice-error" role="alert"><p>(.*?)</p>', re.DOTALL)


def approve_over_http(browser: Browser, token: str, match_id: int) -> Callable[[], str]:
    """Press Approve on one pair's page: APPROVED for 303 to the pair's page, else the refusal shown."""

    def job() -> str:
        answer = browser.send("POST", f"/coordinator/matches/{match_id}/approve", {"csrf_token": token})
        if answer.status == 303 and answer.location.endswith(f"/coordinator/matches/{match_id}"):
            return APPROVED
        refusal = REFUSAL_RE.search(answer.body)
        if answer.status == 409 and refusal:
            return html.unescape(refusal.group(1).strip())
        return f"{answer.status} {answer.location}: {answer.body[:3000]}"

    return job


@pytest.fixture
def logged_in(gunicorn: Server, session: Session) -> tuple[Browser, str]:
    coordinator = make_coordinator(session, make_organisation(session))
    browser = Browser(gunicorn.port)
    return browser, browser.log_in(coordinator.email, session)


def test_fifty_approvals_over_http_fill_a_volunteer_of_two_and_no_more(
    logged_in: tuple[Browser, str], session: Session
) -> None:
    browser, token = logged_in
    for round_number in range(1, ROUNDS + 1):
        volunteer, match_ids = crowd_on_one_volunteer(session)
        results = together([approve_over_http(browser, token, m) for m in match_ids])
        full = f"{first_name(volunteer)} {FULL}"
        assert unexpected(results, {APPROVED, full}) == [], f"round {round_number}"
        assert Counter(results) == {APPROVED: VOLUNTEER_CAPACITY, full: CROWD - VOLUNTEER_CAPACITY}
        assert_volunteer_holds_two(session, volunteer)


def test_twenty_approvals_of_one_newcomer_over_http_give_them_one_kompis(
    logged_in: tuple[Browser, str], session: Session
) -> None:
    browser, token = logged_in
    for round_number in range(1, ROUNDS + 1):
        newcomer, match_ids = rivals_for_one_newcomer(session)
        results = together([approve_over_http(browser, token, m) for m in match_ids])
        taken = f"{first_name(newcomer)} {TAKEN}"
        assert unexpected(results, {APPROVED, taken}) == [], f"round {round_number}"
        assert Counter(results) == {APPROVED: 1, taken: RIVALS - 1}
        assert_newcomer_holds_one(session, newcomer, match_ids)
