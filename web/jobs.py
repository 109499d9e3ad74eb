"""Background work on the RQ queue, run by `kompis worker`; in-process without Redis."""

from __future__ import annotations

import threading
from collections.abc import Iterable

import click
from flask import Flask, current_app, has_app_context
from redis import Redis

QUEUE_NAME = "kompis"
# A national run takes a few minutes; a run past this is stopped by RQ and shows as failed.
RUN_TIMEOUT_SECONDS = 3600


def _redis(url: str) -> Redis:
    return Redis.from_url(url)


def queue_url(app: Flask) -> str | None:
    """Return the Redis URL runs are queued on, or None to run them in-process."""
    return app.config.get("REDIS_URL") or None


def job_id(run_id: int) -> str:
    """Return the RQ job id of a run."""
    return f"kompis-run-{run_id}"


def enqueue_run(app: Flask, run_id: int) -> str:
    """Put a run on the RQ queue; return the job's id."""
    from rq import Queue

    url = queue_url(app)
    assert url, "enqueue_run needs REDIS_URL"
    queue = Queue(QUEUE_NAME, connection=_redis(url))
    job = queue.enqueue(execute_run_job, run_id, job_id=job_id(run_id),
                        job_timeout=RUN_TIMEOUT_SECONDS, result_ttl=3600, failure_ttl=7 * 24 * 3600)
    return str(job.id)


def lost_jobs(app: Flask, job_ids: Iterable[str]) -> frozenset[str]:
    """Return the jobs among ``job_ids`` that RQ no longer holds, or holds as failed or stopped."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus

    url = queue_url(app)
    if not url:
        return frozenset()
    connection = _redis(url)
    lost = set()
    for job_id in job_ids:
        if not job_id:
            continue
        try:
            status = Job.fetch(job_id, connection=connection).get_status()
        except NoSuchJobError:
            lost.add(job_id)
            continue
        if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
            lost.add(job_id)
    return frozenset(lost)


def execute_run_job(run_id: int) -> str:
    """Execute a matching run: the RQ job, called in `kompis worker`."""
    if has_app_context():
        return _execute(run_id)
    from . import create_app

    with create_app().app_context():
        return _execute(run_id)


def _execute(run_id: int) -> str:
    from .matching.runs import execute_run

    # A session of the job's own: a worker runs many jobs in one app context.
    with current_app.extensions["kompis.sessionmaker"]() as session:
        run = execute_run(session, run_id, heartbeat_seconds=current_app.config["RUN_HEARTBEAT_SECONDS"])
        return run.status.value


def start_in_process(app: Flask, run_id: int) -> threading.Thread:
    """Execute a run in a thread of this process: the embedded default, without Redis."""

    def work() -> None:
        with app.app_context():
            _execute(run_id)

    thread = threading.Thread(target=work, name=f"kompis-run-{run_id}", daemon=True)
    app.extensions.setdefault("kompis.run_threads", []).append(thread)
    thread.start()
    return thread


def wait_for_runs(app: Flask, timeout: float = 120.0) -> None:
    """Wait until this process's in-process runs are done (tests, and the CLI)."""
    for thread in list(app.extensions.get("kompis.run_threads", [])):
        thread.join(timeout)
    app.extensions["kompis.run_threads"] = [t for t in app.extensions.get("kompis.run_threads", [])
                                            if t.is_alive()]


def run_worker(*, burst: bool = False) -> None:
    """Work the Kompis queue until stopped (or, with ``burst``, until it is empty).

    A SimpleWorker runs each job in this process, which holds the app: killing the
    worker kills the run with it, and the run's missing heartbeat shows it failed.
    """
    from rq import Queue, SimpleWorker

    url = queue_url(current_app._get_current_object())  # type: ignore[attr-defined]
    if not url:
        raise click.ClickException("set REDIS_URL to the Redis the web app queues work on")
    connection = _redis(url)
    SimpleWorker([Queue(QUEUE_NAME, connection=connection)], connection=connection).work(burst=burst)
