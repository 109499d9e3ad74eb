"""Starting a run from the dashboard or the CLI: on the RQ queue with Redis, in-process without."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Coordinator, MatchRun, Organisation, RunStatus
from models.enums import UNFINISHED_RUN_STATUSES

from .. import audit, jobs
from .runs import QUEUE_UNREACHABLE, create_run, fail_stale_runs


def stale_after(app: Flask) -> timedelta:
    """Return how long a run may go without a heartbeat before it counts as dead."""
    return timedelta(seconds=app.config["RUN_STALE_SECONDS"])


def notice_dead_runs(app: Flask, session: Session, organisation_id: int) -> None:
    """Mark failed the organisation's runs whose worker died, or whose job the queue lost."""
    job_ids = session.scalars(select(MatchRun.job_id).where(
        MatchRun.organisation_id == organisation_id, MatchRun.status.in_(UNFINISHED_RUN_STATUSES)))
    lost = jobs.lost_jobs(app, list(job_ids))
    fail_stale_runs(session, organisation_id, stale_after=stale_after(app),
                    queued=jobs.queue_url(app) is not None, lost_jobs=lost)


def start_matching(app: Flask, session: Session, organisation: Organisation, *,
                   started_by: Coordinator | None, mode: str = "stable",
                   max_distance_km: int | None = None) -> MatchRun:
    """Start a run for an organisation and hand it to a worker; the request never waits for it.

    Raises `RunRefused` while another run of the organisation is queued or running.
    """
    notice_dead_runs(app, session, organisation.id)
    run = create_run(session, organisation, started_by=started_by, mode=mode, max_distance_km=max_distance_km)
    audit.record(session, started_by, "run_started", run, mode=mode, max_distance_km=max_distance_km)
    session.commit()
    if jobs.queue_url(app) is None:
        jobs.start_in_process(app, run.id)
        return run
    run.job_id = jobs.job_id(run.id)
    session.commit()
    try:
        jobs.enqueue_run(app, run.id)
    except Exception:  # noqa: BLE001 - Redis down: say so on the run, never a 500
        session.refresh(run)
        if run.status == RunStatus.QUEUED:
            run.status, run.error = RunStatus.FAILED, QUEUE_UNREACHABLE
            session.commit()
    return run
