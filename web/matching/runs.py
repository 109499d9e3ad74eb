"""Matching runs: start one, execute it all or nothing, notice one whose worker died.

The dashboard, `kompis match` and the RQ worker all call `execute_run`.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import matcher
from models import (
    OPEN_MATCH_STATUSES,
    Coordinator,
    Match,
    MatchRun,
    MatchStatus,
    Organisation,
    RunStatus,
    UnmatchedNewcomer,
    now_utc,
)
from models.enums import UNFINISHED_RUN_STATUSES

from .pools import Pools, load_pools

log = logging.getLogger(__name__)

MODES = ("stable", "optimal")
# Above this many waiting newcomers a stable run leaves out the maximum-total comparison: the
# candidate graph of a national pool is one piece, and its solve alone takes minutes.
COMPARE_MAX_NEWCOMERS = 30_000
# Words for why a run failed, by code; any other text is an error's own message.
WORKER_STOPPED = "worker_stopped"
QUEUE_UNREACHABLE = "queue_unreachable"
NEVER_STARTED = "never_started"


class RunRefused(Exception):
    """A run that cannot start: another one of the organisation's is queued or running."""

    def __init__(self, running: MatchRun) -> None:
        super().__init__(f"run {running.id} of this organisation is still {running.status.value}")
        self.running = running


def unfinished_run(session: Session, organisation_id: int) -> MatchRun | None:
    """Return the organisation's run that is queued or running, if any."""
    return session.scalar(select(MatchRun).where(MatchRun.organisation_id == organisation_id,
                                                 MatchRun.status.in_(UNFINISHED_RUN_STATUSES)))


def create_run(session: Session, organisation: Organisation, *, started_by: Coordinator | None,
               mode: str = "stable", max_distance_km: int | None = None) -> MatchRun:
    """Store a new queued run; refuse while another of the organisation's is unfinished.

    The partial unique index on unfinished runs is what refuses two coordinators starting at once.
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    run = MatchRun(organisation_id=organisation.id, started_by_id=started_by.id if started_by else None,
                   status=RunStatus.QUEUED,
                   parameters={"mode": mode, "max_distance_km": max_distance_km,
                               "weights": dict(organisation.weights)})
    session.add(run)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        running = unfinished_run(session, organisation.id)
        if running is None:  # finished in between: try once more
            return create_run(session, organisation, started_by=started_by, mode=mode,
                              max_distance_km=max_distance_km)
        raise RunRefused(running) from None
    return run


def is_stale(run: MatchRun, *, now: datetime, stale_after: timedelta, queued: bool) -> bool:
    """Tell whether an unfinished run has lost the process that should finish it.

    A running run writes its heartbeat every few seconds. A queued run waits in the
    RQ queue (``queued=True``) as long as it takes; in-process it starts at once.
    """
    if run.status == RunStatus.RUNNING:
        last = run.heartbeat_at or run.started_at or run.created_at
        return now - last > stale_after
    if run.status == RunStatus.QUEUED and not queued:
        return now - run.created_at > stale_after
    return False


def fail_stale_runs(session: Session, organisation_id: int, *, stale_after: timedelta,
                    queued: bool, lost_jobs: frozenset[str] = frozenset()) -> list[MatchRun]:
    """Mark as failed the organisation's runs whose worker died; return them."""
    now = now_utc()
    failed = []
    unfinished = select(MatchRun).where(MatchRun.organisation_id == organisation_id,
                                        MatchRun.status.in_(UNFINISHED_RUN_STATUSES))
    # Fresh from the database: a worker elsewhere writes these rows.
    for run in session.scalars(unfinished.execution_options(populate_existing=True)):
        lost = run.status == RunStatus.QUEUED and run.job_id in lost_jobs
        if lost or is_stale(run, now=now, stale_after=stale_after, queued=queued):
            run.error = WORKER_STOPPED if run.status == RunStatus.RUNNING else NEVER_STARTED
            run.status, run.stage, run.finished_at = RunStatus.FAILED, "", now
            failed.append(run)
    session.commit()
    return failed


class _Progress(matcher.Clock):
    """Writes the stage a run is in, and a heartbeat, in transactions of their own."""

    def __init__(self, engine: Engine, run_id: int) -> None:
        super().__init__()
        self.engine = engine
        self.run_id = run_id

    def enter(self, name: str) -> None:
        self.write(stage=name)

    def write(self, **values: Any) -> None:
        """Store progress now, whatever the run's own transaction holds."""
        with self.engine.begin() as conn:
            conn.execute(update(MatchRun).where(MatchRun.id == self.run_id)
                         .values(heartbeat_at=now_utc(), **values))


@contextmanager
def _heartbeat(progress: _Progress, every: float) -> Iterator[None]:
    """Write a heartbeat every ``every`` seconds until the body ends."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(every):
            try:
                progress.write()
            except Exception:  # noqa: BLE001 - a missed beat must not end the run
                log.warning("could not write the heartbeat of run %s", progress.run_id)

    thread = threading.Thread(target=beat, name=f"run-{progress.run_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def execute_run(session: Session, run_id: int, *, heartbeat_seconds: float = 5.0) -> MatchRun:
    """Execute a queued run: load the pools, match, and store the proposals with the finished run.

    All or nothing: proposals are stored in the transaction that marks the run
    finished; an error leaves none and marks the run failed with its message.
    """
    run = session.get(MatchRun, run_id)
    if run is None:
        raise LookupError(f"there is no run {run_id}")
    if run.status != RunStatus.QUEUED:
        return run  # done already, or failed as stale: a job delivered twice does nothing
    engine = session.get_bind()
    assert isinstance(engine, Engine)
    progress = _Progress(engine, run_id)
    run.status, run.started_at, run.heartbeat_at, run.stage = RunStatus.RUNNING, now_utc(), now_utc(), "load"
    session.commit()
    try:
        with _heartbeat(progress, heartbeat_seconds):
            _match_and_store(session, run, progress)
    except Exception as error:
        session.rollback()
        log.exception("matching run %s failed", run_id)
        _mark_failed(engine, run_id, f"{type(error).__name__}: {error}")
        session.expire_all()
        run = session.get(MatchRun, run_id)
        assert run is not None
    return run


def _mark_failed(engine: Engine, run_id: int, error: str) -> None:
    with engine.begin() as conn:
        conn.execute(update(MatchRun).where(MatchRun.id == run_id)
                     .values(status=RunStatus.FAILED, error=error[:2000], finished_at=now_utc()))


def _match_and_store(session: Session, run: MatchRun, progress: _Progress) -> None:
    parameters = run.parameters
    start = time.perf_counter()
    pools = load_pools(session, run.organisation_id, max_distance_km=parameters.get("max_distance_km"))
    session.rollback()  # reading done: hold no transaction open while matching
    loaded = time.perf_counter() - start
    if len(pools.newcomers) == 0 or pools.free_seats == 0:
        _finish_with_nobody(session, run, pools, loaded)
        return
    result = matcher.match(pools.newcomers, pools.volunteers, weights=parameters["weights"],
                           mode=parameters["mode"], excluded=pools.excluded,
                           compare=len(pools.newcomers) <= COMPARE_MAX_NEWCOMERS, clock=progress)
    progress.enter("store")
    start = time.perf_counter()
    stored = store_result(session, run, pools, result)
    timings = {"load": loaded, **result.timings, "store": time.perf_counter() - start}
    timings["total"] = timings["load"] + result.timings["total"] + timings["store"]
    run.status, run.stage, run.finished_at = RunStatus.FINISHED, "", now_utc()
    run.timings = {name: round(seconds, 4) for name, seconds in timings.items()}
    run.counts = _counts(pools, result, stored)
    run.totals = {name: _totals(t) for name, t in (("stable", result.stable), ("optimal", result.optimal))
                  if t is not None}
    session.commit()


def _finish_with_nobody(session: Session, run: MatchRun, pools: Pools, loaded: float) -> None:
    """Finish a run that has nobody to match, superseding what is left undecided."""
    session.execute(update(Match).where(Match.organisation_id == run.organisation_id,
                                        Match.status == MatchStatus.PROPOSED)
                    .values(status=MatchStatus.SUPERSEDED, updated_at=now_utc()))
    run.status, run.stage, run.finished_at = RunStatus.FINISHED, "", now_utc()
    run.timings = {"load": round(loaded, 4), "total": round(loaded, 4)}
    run.counts = {"newcomers": len(pools.newcomers), "volunteers": len(pools.volunteers),
                  "free_seats": pools.free_seats, "candidates": 0, "acceptable": 0, "proposals": 0,
                  "unmatched": 0}
    session.commit()


def store_result(session: Session, run: MatchRun, pools: Pools, result: matcher.MatchResult) -> int:
    """Supersede the earlier undecided proposals and add this run's; return how many were added.

    Runs in the caller's transaction. A pair rejected, or a newcomer approved,
    while the run was matching is left out rather than failing the run.
    """
    organisation_id = run.organisation_id
    session.execute(update(Match).where(Match.organisation_id == organisation_id,
                                        Match.status == MatchStatus.PROPOSED)
                    .values(status=MatchStatus.SUPERSEDED, updated_at=now_utc()))
    rejected = {(n, v) for n, v in session.execute(select(Match.newcomer_id, Match.volunteer_id).where(
        Match.organisation_id == organisation_id, Match.status == MatchStatus.REJECTED))}
    taken = set(session.scalars(select(Match.newcomer_id).where(
        Match.organisation_id == organisation_id, Match.status.in_(OPEN_MATCH_STATUSES))))
    rows = [_proposal_row(run, p) for p in result.proposals
            if (p.newcomer_id, p.volunteer_id) not in rejected and p.newcomer_id not in taken]
    if rows:
        session.execute(insert(Match), rows)
    unmatched = [{"run_id": run.id, "newcomer_id": u.newcomer_id, "reason": u.reason.value,
                  "obstacle": u.obstacle.value if u.obstacle else "", "acceptable": u.acceptable}
                 for u in result.unmatched]
    if unmatched:
        session.execute(insert(UnmatchedNewcomer), unmatched)
    return len(rows)


def _proposal_row(run: MatchRun, proposal: matcher.Proposal) -> dict[str, Any]:
    now = now_utc()
    return {
        "organisation_id": run.organisation_id, "run_id": run.id, "newcomer_id": proposal.newcomer_id,
        "volunteer_id": proposal.volunteer_id, "status": MatchStatus.PROPOSED, "score": proposal.score,
        "newcomer_score": proposal.newcomer_utility, "volunteer_score": proposal.volunteer_utility,
        "rank": min(proposal.rank, 32767), "components": _rounded(proposal.components),
        "reasons": [reason_data(r) for r in proposal.reasons], "reason": "", "reason_note": "",
        "created_at": now, "updated_at": now,
    }


def reason_data(reason: matcher.Reason) -> dict[str, Any]:
    """Return a reason as the JSON kept with the pair (field by field: a national run has 300,000)."""
    data: dict[str, Any] = {"kind": reason.kind.value, "component": reason.component}
    if reason.values:
        data["values"] = list(reason.values)
    if reason.km is not None:
        data["km"] = reason.km
    if reason.years is not None:
        data["years"] = reason.years
    return data


def _rounded(components: Mapping[str, float]) -> dict[str, float]:
    return {name: round(float(value), 4) for name, value in components.items()}


def _totals(totals: matcher.Totals) -> dict[str, Any]:
    return {"matched": totals.matched, "total_score": round(totals.total_score, 3),
            "mean_rank": None if math.isnan(totals.mean_rank) else round(totals.mean_rank, 2),
            "blocking_pairs": totals.blocking_pairs}


def _counts(pools: Pools, result: matcher.MatchResult, stored: int) -> dict[str, int]:
    return {"newcomers": len(pools.newcomers), "volunteers": len(pools.volunteers),
            "free_seats": pools.free_seats, "candidates": int(result.counts["candidates"]),
            "acceptable": int(result.counts["acceptable"]), "proposals": stored,
            "unmatched": len(result.unmatched)}
