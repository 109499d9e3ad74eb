"""Fixtures shared by the database and web tests: one real database per test.

Every test that touches the database runs on SQLite, and again on PostgreSQL when
KOMPIS_TEST_DATABASE_URL is set (`make test` sets it from TEST_DATABASE_URL).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import ORMExecuteState, Session

import seed_data
from models import Base
from models.migrate import upgrade

POSTGRES_URL = os.environ.get("KOMPIS_TEST_DATABASE_URL", "")
REFERENCE_TABLES = {"languages", "interests", "goals", "municipalities", "places"}
DB_FIXTURES = {"app", "client", "session", "database_url", "engine"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that uses the database, and every one in a browser, so `-m db` or `-m browser` picks them."""
    browser_tests = Path(__file__).parent / "e2e"
    for item in items:
        if DB_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)
        if item.path.is_relative_to(browser_tests):
            item.add_marker(pytest.mark.browser)


def _load_reference(url: str) -> None:
    from web import create_app
    from web import db as web_db
    from web.reference_data import load_reference_data

    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "x"})
    with app.app_context():
        load_reference_data(web_db.session())
        web_db.engine().dispose()


@pytest.fixture(scope="session")
def _prepared_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate an empty database once and load the reference data into it."""
    if POSTGRES_URL:
        engine = create_engine(POSTGRES_URL)
        with engine.begin() as conn:  # fails loudly if PostgreSQL does not answer
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        with engine.begin() as conn:
            upgrade(conn)
        engine.dispose()
        _load_reference(POSTGRES_URL)
        return POSTGRES_URL
    template = tmp_path_factory.mktemp("template") / "kompis.sqlite3"
    url = f"sqlite:///{template}"
    engine = create_engine(url)
    with engine.begin() as conn:
        upgrade(conn)
    engine.dispose()
    _load_reference(url)
    return str(template)


def _empty_postgres_tables() -> None:
    """Delete everything but the reference data (TRUNCATE … CASCADE would empty it too).

    The audit log refuses DELETE on PostgreSQL, so it is truncated: nothing refers to it.
    """
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_events"))
        conn.execute(text("UPDATE municipalities SET organisation_id = NULL"))
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in REFERENCE_TABLES | {"audit_events"}:
                conn.execute(table.delete())
        # Interests an admin added in a test: the shipped vocabulary stays.
        shipped = [interest.code for interest in seed_data.load_interests()]
        conn.execute(text("DELETE FROM interests WHERE code <> ALL(:shipped)"), {"shipped": shipped})
    engine.dispose()


@pytest.fixture
def database_url(_prepared_database: str, tmp_path: Path) -> Iterator[str]:
    """Return the URL of a migrated database with reference data and no people."""
    if POSTGRES_URL:
        yield POSTGRES_URL
        _empty_postgres_tables()
        return
    path = tmp_path / "kompis.sqlite3"
    shutil.copyfile(_prepared_database, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """Return the app on a fresh database, with mail going to a folder."""
    from web import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret-key",
            "MAIL_OUTBOX": str(tmp_path / "outbox"),
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": "kompis.test",
        }
    )
    yield app
    app.extensions["kompis.engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Return a test client of the app."""
    return app.test_client()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """Return a database session of the test's own.

    No app context stays pushed, so every request of the test client runs in a
    context of its own, with its own session and `g`, as it does in production.
    Reading expires what the session holds, so the test sees what requests wrote.
    """
    db_session = app.extensions["kompis.sessionmaker"]()
    event.listen(db_session, "do_orm_execute", _see_other_sessions_writes)
    yield db_session
    db_session.close()


def _see_other_sessions_writes(state: ORMExecuteState) -> None:
    if state.is_select:
        state.update_execution_options(populate_existing=True)


@pytest.fixture
def engine(app: Flask) -> Engine:
    """Return the app's engine."""
    return app.extensions["kompis.engine"]  # type: ignore[no-any-return]


@pytest.fixture
def outbox(app: Flask, tmp_path: Path) -> Path:
    """Return the folder e-mails are written to."""
    return tmp_path / "outbox"


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    """Return the CSRF token of the first form on a page."""
    match = CSRF_RE.search(html)
    assert match, "the page has no CSRF token"
    return match.group(1) or match.group(2)
