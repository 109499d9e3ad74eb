"""How fast a coordinator's lists answer with tens of thousands of people.

    python -m web.bench [--people 40000] [--database postgresql+psycopg://…/kompis_bench]

Creates (or empties) its own database, fills one organisation with that many
volunteers and as many newcomers, and prints the median time of the dashboard
and of list pages: first page, deep page, filtered, searched. Without
--database it uses PostgreSQL on 127.0.0.1, database kompis_bench.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url

from models import (
    Coordinator,
    Municipality,
    Newcomer,
    NewcomerLanguage,
    Organisation,
    Place,
    Volunteer,
    VolunteerLanguage,
    now_utc,
)
from models.migrate import upgrade

from . import create_app, db
from .links import new_nonce
from .passwords import hash_password
from .reference_data import load_reference_data

PASSWORD = "benchmark password"  # noqa: S105 - a throwaway database's only account
LANGUAGES = ("ar", "fa_AF", "ti", "so", "uk", "en", "sv", "ku")


def fresh_database(url: str) -> None:
    """Drop and create the benchmark database (never one whose name lacks "bench")."""
    target = make_url(url)
    if "bench" not in (target.database or ""):
        raise SystemExit(f"refusing to empty {target.database!r}: its name must contain 'bench'")
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{target.database}"'))
        conn.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def fill(app: Flask, people: int, seed: int = 7) -> None:
    """Give one organisation `people` volunteers and `people` newcomers."""
    rng = random.Random(seed)  # noqa: S311 - invented people
    session = db.session()
    load_reference_data(session)
    organisation = Organisation(name="Benchmark")
    session.add(organisation)
    session.flush()
    municipalities = list(session.scalars(select(Municipality).where(Municipality.name.in_(
        ("Linköping", "Norrköping", "Motala")))))
    for municipality in municipalities:
        municipality.organisation_id = organisation.id
    places = list(session.scalars(select(Place.id).where(
        Place.municipality_code.in_([m.code for m in municipalities]))))
    session.add(Coordinator(email="bench@example.org", email_key="bench@example.org",
                            password_hash=hash_password(PASSWORD), organisation_id=organisation.id,
                            link_nonce=new_nonce()))
    session.commit()
    for model, spoken, owner in ((Volunteer, VolunteerLanguage, "volunteer_id"),
                                 (Newcomer, NewcomerLanguage, "newcomer_id")):
        rows = [_person(rng, model, n, organisation.id, places) for n in range(people)]
        ids = session.scalars(insert(model).returning(model.id), rows).all()
        session.execute(insert(spoken), [{owner: i, "language_code": rng.choice(LANGUAGES), "level": 4}
                                         for i in ids])
        session.commit()
    session.execute(text("ANALYZE"))
    session.commit()


def _person(rng: random.Random, model: type, n: int, organisation_id: int, places: list[int]) -> dict:
    stamp = now_utc()
    row = {"name": f"{rng.choice(('Amal', 'Karin', 'Omar', 'Lidia', 'Erik'))} Person{n}",
           "email": f"p{n}.{model.__name__.lower()}@example.org", "phone": "+46701740605",
           "birth_year": rng.randint(1950, 2005), "place_id": rng.choice(places),
           "organisation_id": organisation_id, "availability": rng.randrange(1, 1 << 21),
           "status": rng.choice(("active", "active", "active", "pending", "paused")),
           "consent_version": "bench", "consent_at": stamp, "link_nonce": new_nonce(),
           "created_at": stamp, "updated_at": stamp}
    row["email_key"] = row["email"]
    if model is Volunteer:
        row["capacity"] = 1
    return row


def median_ms(client: FlaskClient, url: str, repeat: int) -> float:
    """Return the median time of GET `url`, in milliseconds."""
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings)


def main(argv: list[str] | None = None) -> None:
    """Fill a benchmark database and print how long each list page takes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=40_000)
    parser.add_argument("--database", default="postgresql+psycopg://postgres@127.0.0.1:5432/kompis_bench")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    fresh_database(args.database)
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": args.database,
                      "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        with db.engine().begin() as connection:
            upgrade(connection)
        started = time.perf_counter()
        fill(app, args.people)
        print(f"filled {args.people:,} volunteers and {args.people:,} newcomers "
              f"in {time.perf_counter() - started:.1f} s")
    client = app.test_client()
    client.post("/coordinator/login", data={"email": "bench@example.org", "password": PASSWORD})
    deep = args.people // 25
    pages: list[tuple[str, str]] = [
        ("dashboard (counts by status)", "/coordinator/"),
        ("volunteers, first page", "/coordinator/volunteers"),
        (f"volunteers, page {deep:,}", f"/coordinator/volunteers?page={deep}"),
        ("newcomers who speak Tigrinya", "/coordinator/newcomers?language=ti"),
        ("newcomers, active, in Norrköping", "/coordinator/newcomers?status=active&municipality=0581"),
        ("search by name", "/coordinator/volunteers?q=Person1234"),
    ]
    print(f"median of {args.repeat} requests, PostgreSQL, {args.people:,} people per side:")
    for name, url in pages:
        print(f"  {name:<40} {median_ms(client, url, args.repeat):8.1f} ms")


if __name__ == "__main__":
    main()
