"""How long a person's own download (`/me/data.json`) takes when they have a long history.

    python -m web.bench_export [--people 20000] [--pairs 60] [--database postgresql+psycopg://…/kompis_bench_export]

Creates (or empties) its own database and fills one organisation as `web.bench`
does. One volunteer then gets years of history: `--pairs` ended pairs, each with
its events, follow-ups, messages and contact notes, and tens of thousands of
audit events about them; every other pair and audit event belongs to someone
else, so the export has to find the volunteer's rows among many. It prints the
median time of the export, the rows it held, and that time against the 5 s
the issue allows.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import insert, select, text

from models import (
    AuditEvent,
    ContactNote,
    FollowUp,
    Match,
    MatchEvent,
    Message,
    Newcomer,
    Organisation,
    Volunteer,
    now_utc,
)
from models.migrate import upgrade

from . import create_app, db
from .bench import fill, fresh_database
from .privacy.export import export

TARGET_SECONDS = 5.0


def _pair_history(match_id: int, organisation_id: int, volunteer_id: int, newcomer_id: int,
                  start: Any) -> dict[type, list[dict[str, Any]]]:
    """Return what a pair leaves behind over half a year: events, follow-ups, messages, notes."""
    events = [{"match_id": match_id, "at": start + timedelta(days=d), "action": action, "detail": {}}
              for d, action in enumerate(("proposed", "approved", "introduced", "activated", "ended"))]
    follow_ups = [{"match_id": match_id, "side": side, "weeks": weeks, "due_at": start + timedelta(weeks=weeks),
                   "sent_at": start + timedelta(weeks=weeks), "answered_at": start + timedelta(weeks=weeks, days=1),
                   "answers": {"met": True, "often": "weekly", "going": 4, "go_on": True, "note": "Vi fikar."}}
                  for side in ("newcomer", "volunteer") for weeks in (4, 12, 26)]
    messages = [{"organisation_id": organisation_id, "match_id": match_id,
                 "volunteer_id": volunteer_id if n % 2 else None, "newcomer_id": None if n % 2 else newcomer_id,
                 "purpose": "introduction" if n < 2 else "follow_up", "channel": "email", "language": "sv",
                 "address": "someone@example.org", "subject": "Kompis", "body": "Hej! " * 80,
                 "created_at": start + timedelta(days=n), "sent_at": start + timedelta(days=n)}
                for n in range(12)]
    notes = [{"organisation_id": organisation_id, "match_id": match_id, "at": start + timedelta(days=7 * n),
              "text": "Ringde och pratade en stund."} for n in range(5)]
    return {MatchEvent: events, FollowUp: follow_ups, Message: messages, ContactNote: notes}


def give_history(pairs: int, audit_about: int, audit_other: int, seed: int = 11) -> int:
    """Give the first volunteer `pairs` ended pairs and `audit_about` audit events; return their id."""
    rng = random.Random(seed)  # noqa: S311 - invented history
    session = db.session()
    organisation = session.scalars(select(Organisation)).one()
    volunteer_id = session.scalars(select(Volunteer.id).order_by(Volunteer.id)).first()
    newcomers = list(session.scalars(select(Newcomer.id).order_by(Newcomer.id).limit(pairs * 4)))
    assert volunteer_id is not None  # noqa: S101 - `fill` made the people
    now = now_utc()
    for n in range(pairs):
        start = now - timedelta(days=30 * (pairs - n))
        match_id = session.scalars(insert(Match).returning(Match.id), [{
            "organisation_id": organisation.id, "newcomer_id": newcomers[n], "volunteer_id": volunteer_id,
            "status": "ended", "score": 0.8, "components": {"language": 0.9}, "reasons": [],
            "decided_at": start, "introduced_at": start, "ended_at": start + timedelta(days=180),
            "reason": "ran_its_course", "created_at": start, "updated_at": start}]).one()
        for model, rows in _pair_history(match_id, organisation.id, volunteer_id, newcomers[n], start).items():
            session.execute(insert(model), rows)
        # Someone else's pairs, so the volunteer's rows are found among many.
        for other in newcomers[pairs + 3 * n: pairs + 3 * n + 3]:
            other_id = session.scalars(insert(Match).returning(Match.id), [{
                "organisation_id": organisation.id, "newcomer_id": other, "volunteer_id": volunteer_id + 1 + n,
                "status": "ended", "score": 0.5, "components": {}, "reasons": [], "decided_at": start,
                "ended_at": start, "created_at": start, "updated_at": start}]).one()
            for model, rows in _pair_history(other_id, organisation.id, volunteer_id + 1 + n, other, start).items():
                session.execute(insert(model), rows)
    actions = ("viewed", "edited", "list_viewed", "exported")
    for subject_id, count in ((volunteer_id, audit_about), (None, audit_other)):
        rows = [{"organisation_id": organisation.id, "action": rng.choice(actions), "subject_type": "volunteer",
                 "subject_id": subject_id or rng.randrange(volunteer_id + 1, volunteer_id + 20_000),
                 "detail": {"count": n}, "client_address": "127.0.0.1", "at": now - timedelta(minutes=n)}
                for n in range(count)]
        for at in range(0, len(rows), 10_000):
            session.execute(insert(AuditEvent), rows[at:at + 10_000])
    session.commit()
    session.execute(text("ANALYZE"))
    session.commit()
    return volunteer_id


def main(argv: list[str] | None = None) -> None:
    """Fill a benchmark database, give one volunteer a long history, and time their export."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--pairs", type=int, default=60)
    parser.add_argument("--audit-about", type=int, default=20_000)
    parser.add_argument("--audit-other", type=int, default=200_000)
    parser.add_argument("--database", default="postgresql+psycopg://postgres@127.0.0.1:5432/kompis_bench_export")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    fresh_database(args.database)
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": args.database})
    with app.app_context():
        with db.engine().begin() as connection:
            upgrade(connection)
        started = time.perf_counter()
        fill(app, args.people)
        volunteer_id = give_history(args.pairs, args.audit_about, args.audit_other)
        print(f"filled {args.people:,} people per side, {args.pairs * 4:,} pairs and "
              f"{args.audit_about + args.audit_other:,} audit events in {time.perf_counter() - started:.1f} s")
        session = db.session()
        volunteer = session.get(Volunteer, volunteer_id)
        assert volunteer is not None  # noqa: S101 - just made
        timings, rows, size = [], 0, 0
        for _ in range(args.repeat):
            start = time.perf_counter()
            body = json.dumps(export(session, volunteer), ensure_ascii=False)
            timings.append(time.perf_counter() - start)
            size = len(body.encode())
            rows = sum(len(table) for table in json.loads(body)["tables"].values())
            session.expire_all()
    median = statistics.median(timings)
    print(f"export of one volunteer with {args.pairs} pairs: {rows:,} rows, {size / 1e6:.1f} MB of JSON")
    print(f"  median of {args.repeat}: {median:.2f} s; the target is {TARGET_SECONDS:.0f} s "
          f"({median / TARGET_SECONDS:.0%} of it)")


if __name__ == "__main__":
    main()
