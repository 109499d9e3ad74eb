"""What a matching run costs on PostgreSQL: the database beside the matcher, the national pool, the proposals page.

    python -m web.bench_matching [--people 10000] [--national 100000] [--database postgresql+psycopg://…/kompis_bench]

Creates (or empties) its own database, as `web.bench` does, and fills two
organisations with invented people who can be matched (`web.bench_people`):
one serving three municipalities, and one national organisation serving all the
others. Then, in this one run, it prints

(a) each stage of a run of the local organisation through `create_run` and
    `execute_run` (`MatchRun.timings`), beside the matcher alone on the same
    pools, and the database part (load + store) against the matcher's own time;
(b) the national pool through `kompis match ORG` in a subprocess: wall time and
    peak memory (goal: under 2 minutes and 4 GB);
(c) the p95 latency of /coordinator/proposals with 5,000 undecided proposals
    against 50 (goal: at most 2×).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select, text

import matcher
from models import Coordinator, Match, MatchStatus, Municipality, Organisation
from models.migrate import upgrade

from . import create_app, db
from .bench import PASSWORD, fresh_database
from .bench_people import PeopleMaker
from .links import new_nonce
from .matching.pools import load_pools
from .matching.runs import create_run, execute_run
from .passwords import hash_password
from .reference_data import load_reference_data

LOCAL = ("Linköping", "Norrköping", "Motala")
NATIONAL = "Kompis Sverige"
STAGES = ("load", "encode", "candidates", "scoring", "selection", "stable", "optimal", "explain", "totals",
          "store")
COORDINATOR = "bench@example.org"


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def machine() -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} CPUs, load average {load}"


def organisations() -> tuple[int, list[str], int, list[str]]:
    """Create the local and the national organisation and the local coordinator."""
    session = db.session()
    load_reference_data(session)
    local, national = Organisation(name="Benchmark"), Organisation(name=NATIONAL)
    session.add_all([local, national])
    session.flush()
    local_codes: list[str] = []
    national_codes: list[str] = []
    for municipality in session.scalars(select(Municipality).order_by(Municipality.code)):
        mine = municipality.name in LOCAL
        municipality.organisation_id = local.id if mine else national.id
        (local_codes if mine else national_codes).append(municipality.code)
    session.add(Coordinator(email=COORDINATOR, email_key=COORDINATOR, password_hash=hash_password(PASSWORD),
                            organisation_id=local.id, link_nonce=new_nonce()))
    session.commit()
    return local.id, local_codes, national.id, national_codes


def fill(people: int, national: int, seed: int) -> None:
    local_id, local_codes, national_id, national_codes = organisations()
    maker = PeopleMaker(db.session(), seed)
    for name, organisation_id, codes, n in (("local", local_id, local_codes, people),
                                            ("national", national_id, national_codes, national)):
        started = time.perf_counter()
        with db.engine().begin() as connection:
            maker.fill(connection, organisation_id, codes, n)
        say(f"filled {name}: {n:,} newcomers and {n:,} volunteers in {len(codes)} municipalities "
            f"in {time.perf_counter() - started:.1f} s")
    with db.engine().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def local_run(app: Flask, repeat: int) -> dict[str, Any]:
    """(a): the matcher alone on the loaded pools, and a whole run through create_run + execute_run, in turns.

    A first untimed pass warms caches and lazy imports; each figure is the median of ``repeat`` turns.
    """
    session = db.session()
    organisation = session.scalar(select(Organisation).where(Organisation.name == "Benchmark"))
    assert organisation is not None
    alone: list[dict[str, float]] = []
    runs: list[dict[str, float]] = []
    for turn in range(repeat + 1):
        started = time.perf_counter()
        pools = load_pools(session, organisation.id)
        loaded = time.perf_counter() - started
        session.rollback()
        result = matcher.match(pools.newcomers, pools.volunteers, weights=organisation.weights, mode="stable",
                               excluded=pools.excluded, compare=True)
        if turn:
            alone.append({"load": loaded, **result.timings})
            run = create_run(session, organisation, started_by=None, mode="stable")
            run = execute_run(session, run.id)
            assert run.status.value == "finished", run.error
            runs.append(dict(run.timings))
    return {"alone": _medians(alone), "run": _medians(runs), "counts": dict(run.counts), "repeat": repeat}


def _medians(timings: list[dict[str, float]]) -> dict[str, float]:
    return {name: statistics.median(t[name] for t in timings) for name in timings[0]}


def print_local(found: dict[str, Any], people: int) -> None:
    run, alone, counts = found["run"], found["alone"], found["counts"]
    database = run["load"] + run["store"]
    own = run["total"] - database
    rows = [[stage, f"{run[stage]:.2f}" if stage in run else "–", f"{alone[stage]:.2f}" if stage in alone else "–"]
            for stage in STAGES]
    rows.append(["matcher's own (total − load − store)", f"{own:.2f}", f"{alone['total']:.2f}"])
    rows.append(["**total**", f"**{run['total']:.2f}**", "–"])
    say(f"## (a) One organisation, {people:,} × {people:,}, on PostgreSQL (median of {found['repeat']} turns)\n")
    say(f"{counts['newcomers']:,} newcomers waiting, {counts['volunteers']:,} volunteers with "
        f"{counts['free_seats']:,} free seats; {counts['candidates']:,} candidate pairs, "
        f"{counts['proposals']:,} proposals, {counts['unmatched']:,} unmatched. The run is stable with "
        f"compare=True (so the max-total solve runs too), as the dashboard and `kompis match` run it.\n")
    say(table(["stage", "run: MatchRun.timings s", "load_pools + matcher.match alone, warm s"], rows))
    say(f"Database part (load + store) {database:.2f} s against the matcher's own {own:.2f} s: "
        f"**{database / own:.2f}×** the matcher (load {run['load']:.2f} s, store {run['store']:.2f} s); "
        f"{database / (own - run.get('optimal', 0)):.2f}× the matcher without its max-total comparison "
        f"(optimal, {run.get('optimal', 0):.2f} s).\n")


def national_run(url: str) -> dict[str, Any]:
    """(b): `kompis match` on the national organisation in a subprocess, timed and measured."""
    kompis = Path(sys.executable).with_name("kompis")
    command = [str(kompis)] if kompis.exists() else [sys.executable, "-c", "from web.cli import main; main()"]
    command += ["match", NATIONAL, "--json"]
    gnu_time = "/usr/bin/time" if Path("/usr/bin/time").exists() else shutil.which("time")
    if gnu_time:
        command = [gnu_time, "-v", *command]
    env = {k: v for k, v in os.environ.items()
           if k not in ("KOMPIS_DATABASE_URL", "KOMPIS_REDIS_URL", "REDIS_URL")}
    env.update(DATABASE_URL=url, KOMPIS_DEVELOPMENT="1")
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    wall = time.perf_counter() - started
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    peak_kb = int(found.group(1)) if found else resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    report: dict[str, Any] = {}
    start = done.stdout.find("{")
    if start >= 0:
        report = json.loads(done.stdout[start:])
    if done.returncode != 0:
        say(f"`kompis match` failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return {"wall": wall, "peak_mb": peak_kb / 1024, "report": report, "returncode": done.returncode,
            "command": " ".join(command[2:] if gnu_time else command)}


def print_national(found: dict[str, Any], people: int) -> None:
    report = found["report"]
    timings, counts = report.get("timings") or {}, report.get("counts") or {}
    wall_ok, memory_ok = found["wall"] < 120, found["peak_mb"] < 4096
    say(f"## (b) The national pool, {people:,} × {people:,}, through `kompis match` on PostgreSQL\n")
    say(f"`{found['command']}`: {report.get('status', 'no report')}; {counts.get('newcomers', 0):,} newcomers, "
        f"{counts.get('volunteers', 0):,} volunteers, {counts.get('free_seats', 0):,} free seats, "
        f"{counts.get('candidates', 0):,} candidate pairs, {counts.get('proposals', 0):,} proposals.\n")
    say(table(["figure", "measured", "goal", ""], [
        ["end to end wall time (process start to exit)", f"{found['wall']:.1f} s", "< 120 s",
         "met" if wall_ok else "**MISSED**"],
        ["peak resident memory", f"{found['peak_mb']:,.0f} MB", "< 4,096 MB", "met" if memory_ok else "**MISSED**"],
    ]))
    if timings:
        own = timings["total"] - timings.get("load", 0) - timings.get("store", 0)
        rows = [[stage, f"{timings[stage]:.2f}"] for stage in STAGES if stage in timings]
        rows += [["matcher's own", f"{own:.2f}"], ["run total (MatchRun.timings)", f"{timings['total']:.2f}"],
                 ["process start-up, app, and the rest", f"{found['wall'] - timings['total']:.2f}"]]
        say(table(["stage of the national run", "s"], rows))


def percentile_95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def proposals_latency(app: Flask, requests: int) -> list[tuple[int, float, float]]:
    """(c): p95 and median of /coordinator/proposals with 5,000 undecided proposals and with 50."""
    with app.app_context():
        organisation_id = db.session().scalar(select(Organisation.id).where(Organisation.name == "Benchmark"))
        ids = list(db.session().scalars(select(Match.id).where(
            Match.organisation_id == organisation_id, Match.status == MatchStatus.PROPOSED).order_by(Match.id)))
        db.session().close()
    if organisation_id is None or len(ids) < 5_000:
        raise SystemExit(f"the local run proposed only {len(ids):,} pairs; --people must be larger")
    client = app.test_client()
    client.post("/coordinator/login", data={"email": COORDINATOR, "password": PASSWORD})
    timings: dict[int, list[float]] = {5_000: [], 50: []}
    blocks = 6  # the two counts take turns, so both meet the same machine load
    for block in range(blocks):
        for keep, times in timings.items():
            _keep_proposed(app, organisation_id, ids, keep)
            client.get("/coordinator/proposals")  # one warm-up after the change
            for _ in range(requests // blocks + (block < requests % blocks)):
                started = time.perf_counter()
                response = client.get("/coordinator/proposals")
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
    return [(keep, percentile_95(times), statistics.median(times)) for keep, times in timings.items()]


def _keep_proposed(app: Flask, organisation_id: int, ids: list[int], keep: int) -> None:
    """Leave the first ``keep`` of the run's proposals undecided and the rest superseded."""
    with app.app_context():
        with db.engine().begin() as connection:
            connection.execute(text(
                "UPDATE matches SET status = CASE WHEN id = ANY(:kept) THEN 'proposed' ELSE 'superseded' END "
                "WHERE organisation_id = :o AND id = ANY(:all)"),
                {"o": organisation_id, "kept": ids[:keep], "all": ids})
        with db.engine().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE matches"))  # as autovacuum would, soon after


def print_proposals(found: list[tuple[int, float, float]], requests: int) -> None:
    (many, p95_many, median_many), (few, p95_few, median_few) = found
    ratio = p95_many / p95_few
    say(f"## (c) /coordinator/proposals, {requests} requests each, Flask test client\n")
    say("The two counts take turns in 6 blocks (one warm-up request after each change, not counted).\n")
    say(table(["undecided proposals", "p95 ms", "median ms"],
              [[f"{many:,}", f"{p95_many:.1f}", f"{median_many:.1f}"],
               [f"{few:,}", f"{p95_few:.1f}", f"{median_few:.1f}"],
               [f"ratio {many:,} / {few:,}", f"**{ratio:.2f}×**", f"{median_many / median_few:.2f}×"]]))
    say(f"Goal at most 2×: {'met' if ratio <= 2 else '**MISSED**'}.\n")


def main(argv: list[str] | None = None) -> None:
    """Fill the benchmark database, run (a), (b) and (c), and print their tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000, help="per side in the local organisation")
    parser.add_argument("--national", type=int, default=100_000, help="per side in the national organisation")
    parser.add_argument("--database", default="postgresql+psycopg://postgres@127.0.0.1:5432/kompis_bench")
    parser.add_argument("--requests", type=int, default=30, help="per count of proposals, in (c)")
    parser.add_argument("--repeat", type=int, default=3, help="turns of (a)")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    began = time.perf_counter()
    say(f"# Matching on PostgreSQL\n\nMachine at the start: {machine()}.\n")
    fresh_database(args.database)
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": args.database,
                      "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        with db.engine().begin() as connection:
            upgrade(connection)
        fill(args.people, args.national, args.seed)
        local = local_run(app, args.repeat)
    say()
    print_local(local, args.people)
    say(f"Machine before (b): {machine()}.\n")
    national = national_run(args.database)
    print_national(national, args.national)
    print_proposals(proposals_latency(app, args.requests), args.requests)
    say(f"Whole benchmark: {time.perf_counter() - began:.0f} s; machine at the end: {machine()}.")


if __name__ == "__main__":
    main()
