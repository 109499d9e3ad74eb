"""Matching runs on the RQ queue, executed by a real `kompis worker` process.

The web app only queues a run; a separate `kompis worker` (an RQ SimpleWorker
holding the app) executes it. These tests start that worker as a subprocess on
the test's own database and a dedicated database of the local Redis, and kill
it in the middle of a run to see the run noticed as dead and a new one succeed.
Redis must answer: these tests fail, never skip, without it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from rq.job import Job, JobStatus
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from models import Coordinator, Match, MatchRun, MatchStatus, Organisation, RunStatus, UnmatchedNewcomer
from tests.factories import bulk_people, make_coordinator, make_newcomer, make_organisation, make_volunteer
from web.config import DEFAULTS
from web.db import make_engine
from web.jobs import QUEUE_NAME
from web.matching.dispatch import start_matching
from web.matching.runs import WORKER_STOPPED

# A Redis database of these tests' own, flushed before and after each.
REDIS_URL = "redis://127.0.0.1:6379/13"
KOMPIS = Path(sys.executable).with_name("kompis")
SECRET_KEY = "test-secret-key"
# Stages a run writes, in order (the blocked method: "candidates" comes before "scoring").
STAGES = ("load", "encode", "candidates", "scoring", "selection", "stable", "optimal", "explain", "totals",
          "store")
# Big enough for the blocked method (over 4,000,000 active pairs) and a scoring stage of about
# 1.2 s on an idle laptop; filling it takes ~1 s on SQLite and ~5 s on PostgreSQL.
POOL_SIZE = 8_000


@pytest.fixture
def redis_db() -> Iterator[Redis]:
    """Return the tests' own Redis database, empty; fail (never skip) when Redis does not answer."""
    connection = Redis.from_url(REDIS_URL, socket_connect_timeout=3, socket_timeout=10)
    try:
        connection.ping()
    except RedisError as error:
        connection.close()
        pytest.fail(f"Redis does not answer on {REDIS_URL} ({error}); start it, e.g. "
                    "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 (.ci/run does)")
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()


@pytest.fixture
def make_app(database_url: str, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Return a factory of apps like the `app` fixture's, queueing runs on the tests' Redis."""
    from web import create_app

    apps: list[Flask] = []

    def build(**config: Any) -> Flask:
        app = create_app({
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET_KEY,
            "MAIL_OUTBOX": str(tmp_path / "outbox"),
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": "kompis.test",
            "REDIS_URL": REDIS_URL,
            **config,
        })
        apps.append(app)
        return app

    yield build
    for app in apps:
        app.extensions["kompis.engine"].dispose()


@pytest.fixture
def reader(database_url: str) -> Iterator[Engine]:
    """Return an engine of the test's own, apart from the app's, to read what the worker wrote."""
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def worker_environment(database_url: str, **extra: str) -> dict[str, str]:
    """Return the worker's environment: this one without any Kompis setting, then the test's."""
    environment = {key: value for key, value in os.environ.items()
                   if key not in DEFAULTS and key.removeprefix("KOMPIS_") not in DEFAULTS}
    environment.update(DATABASE_URL=database_url, REDIS_URL=REDIS_URL, SECRET_KEY=SECRET_KEY,
                       KOMPIS_DEVELOPMENT="1", PYTHONUNBUFFERED="1", **extra)
    return environment


@contextmanager
def kompis_worker(database_url: str, log: Path, *args: str, **environment: str) -> Iterator[subprocess.Popen[bytes]]:
    """Run `kompis worker *args` in a process of its own; kill it (if still alive) on the way out."""
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603
            [str(KOMPIS), "worker", *args], env=worker_environment(database_url, **environment),
            cwd=log.parent, stdout=output, stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


def wait_for_exit(process: subprocess.Popen[bytes], log: Path, seconds: float = 120) -> None:
    """Wait for a `--burst` worker to stop; fail with its output unless it stopped cleanly."""
    try:
        code = process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the worker did not stop within {seconds} s:\n{tail(log)}")
    assert code == 0, f"the worker stopped with exit code {code}:\n{tail(log)}"


def tail(log: Path, lines: int = 60) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def run_row(reader: Engine, run_id: int) -> Any:
    """Return the run's row as the database holds it now (a connection of its own, nothing cached)."""
    with reader.connect() as conn:
        row = conn.execute(select(MatchRun.__table__).where(MatchRun.id == run_id)).one()
    return row


def proposals_of(reader: Engine, run_id: int) -> list[Any]:
    """Return the Match rows a run stored."""
    with reader.connect() as conn:
        return list(conn.execute(select(Match.__table__).where(Match.run_id == run_id)))


def unmatched_count(reader: Engine, run_id: int) -> int:
    with reader.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(UnmatchedNewcomer)
                               .where(UnmatchedNewcomer.run_id == run_id)) or 0)


def test_a_queued_run_is_executed_by_kompis_worker(make_app: Callable[..., Flask], redis_db: Redis,
                                                   reader: Engine, database_url: str, tmp_path: Path) -> None:
    app = make_app()
    session: Session = app.extensions["kompis.sessionmaker"]()
    try:
        organisation = make_organisation(session, "Nyköpings kommun", municipalities=("Nyköping",))
        coordinator = make_coordinator(session, organisation)
        # All in Nyköping, sharing Arabic at level 3 (newcomers 4): every pair is acceptable.
        volunteers = [make_volunteer(session, name=f"Volontär {n}", languages=(("sv", 4), ("ar", 3)))
                      for n in range(3)]
        newcomers = [make_newcomer(session, name=f"Nyanländ {n}", phone=f"+4670123450{n}") for n in range(3)]

        run = start_matching(app, session, organisation, started_by=coordinator, mode="stable")
        run_id = run.id

        assert run.status == RunStatus.QUEUED
        assert run.job_id == f"kompis-run-{run_id}"
        assert not app.extensions.get("kompis.run_threads"), "with REDIS_URL a run must not start in-process"
        assert Queue(QUEUE_NAME, connection=redis_db).job_ids == [run.job_id]
        time.sleep(0.5)  # an in-process run would have started by now
        queued = run_row(reader, run_id)
        assert queued.status == RunStatus.QUEUED and queued.started_at is None and queued.stage == ""
        assert proposals_of(reader, run_id) == []

        log = tmp_path / "worker.log"
        with kompis_worker(database_url, log, "--burst") as worker:
            wait_for_exit(worker, log)

        done = run_row(reader, run_id)
        assert done.status == RunStatus.FINISHED, f"{done.status}: {done.error}\n{tail(log)}"
        assert done.error == "" and done.stage == ""
        assert done.started_at is not None and done.finished_at is not None and done.heartbeat_at is not None
        proposals = proposals_of(reader, run_id)
        assert len(proposals) == done.counts["proposals"] == 3
        assert all(p.status == MatchStatus.PROPOSED for p in proposals)
        assert {p.newcomer_id for p in proposals} == {n.id for n in newcomers}
        assert {p.volunteer_id for p in proposals} == {v.id for v in volunteers}
        assert Job.fetch(run.job_id, connection=redis_db).get_status() == JobStatus.FINISHED
        assert Queue(QUEUE_NAME, connection=redis_db).job_ids == []
    finally:
        session.close()


@pytest.mark.slow
def test_a_killed_worker_leaves_no_proposals_and_its_run_is_noticed_dead(
        make_app: Callable[..., Flask], redis_db: Redis, reader: Engine, database_url: str,
        tmp_path: Path) -> None:
    app = make_app(RUN_STALE_SECONDS=2)
    session: Session = app.extensions["kompis.sessionmaker"]()
    try:
        organisation = make_organisation(session, "Nyköpings kommun", municipalities=("Nyköping",))
        coordinator = make_coordinator(session, organisation)
        bulk_people(session, organisation, volunteers=POOL_SIZE, newcomers=POOL_SIZE)

        first_log = tmp_path / "worker-killed.log"
        with kompis_worker(database_url, first_log, KOMPIS_RUN_HEARTBEAT_SECONDS="1") as worker:
            dead = start_matching(app, session, organisation, started_by=coordinator, mode="stable")
            assert dead.status == RunStatus.QUEUED
            # Kill the worker while the run is scoring. Scoring is the run's longest stage here (~1.2 s
            # of the ~3 s run, idle); should a fast machine pass it between two looks, a later stage that
            # is still before "store" is as good: the run is mid-way and has written no proposal.
            seen: list[str] = []
            deadline = time.monotonic() + 90
            while True:
                row = run_row(reader, dead.id)
                if not seen or seen[-1] != row.stage:
                    seen.append(row.stage)
                if row.status == RunStatus.RUNNING and row.stage in STAGES[STAGES.index("scoring"):-1]:
                    break
                assert row.status in (RunStatus.QUEUED, RunStatus.RUNNING), \
                    f"the run ended ({row.status}, {row.error!r}) before it could be killed; stages seen {seen}"
                assert worker.poll() is None, f"the worker stopped by itself:\n{tail(first_log)}"
                assert time.monotonic() < deadline, f"the run never reached scoring; stages seen {seen}"
                time.sleep(0.05)
            killed_in = row.stage
            os.kill(worker.pid, signal.SIGKILL)
            assert worker.wait(timeout=10) == -signal.SIGKILL
        killed_at = time.monotonic()

        assert proposals_of(reader, dead.id) == [], f"killed in {killed_in!r}; stages seen {seen}"
        assert unmatched_count(reader, dead.id) == 0
        stuck = run_row(reader, dead.id)
        assert stuck.status == RunStatus.RUNNING and stuck.finished_at is None
        assert stuck.heartbeat_at is not None

        time.sleep(max(0.0, 3.0 - (time.monotonic() - killed_at)))  # past RUN_STALE_SECONDS = 2
        # A new request, as the coordinator's next press of the button: a session of its own. (The
        # first one still holds the dead run as it was when queued, and its identity map would hand
        # that stale copy to notice_dead_runs.)
        with app.extensions["kompis.sessionmaker"]() as request_session:
            second = start_matching(app, request_session, request_session.get(Organisation, organisation.id),
                                    started_by=request_session.get(Coordinator, coordinator.id), mode="stable")
        assert second.id != dead.id
        assert second.status == RunStatus.QUEUED
        failed = run_row(reader, dead.id)
        assert failed.status == RunStatus.FAILED
        assert failed.error == WORKER_STOPPED
        assert failed.finished_at is not None and failed.stage == ""

        second_log = tmp_path / "worker-burst.log"
        with kompis_worker(database_url, second_log, "--burst", KOMPIS_RUN_HEARTBEAT_SECONDS="1") as burst:
            wait_for_exit(burst, second_log)

        done = run_row(reader, second.id)
        assert done.status == RunStatus.FINISHED, f"{done.status}: {done.error}\n{tail(second_log)}"
        proposals = proposals_of(reader, second.id)
        assert len(proposals) == done.counts["proposals"] > POOL_SIZE // 2
        assert all(p.status == MatchStatus.PROPOSED for p in proposals)
        assert proposals_of(reader, dead.id) == []
        still = run_row(reader, dead.id)
        assert still.status == RunStatus.FAILED and still.error == WORKER_STOPPED
    finally:
        session.close()
