"""The database connection: one engine per app, one session per request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker


def database_url(app: Flask) -> str:
    """Return the configured URL, or the embedded SQLite file in the instance folder."""
    url = app.config.get("DATABASE_URL")
    if url:
        if url.startswith("postgres://"):  # the form some hosts hand out
            url = "postgresql+psycopg://" + url.removeprefix("postgres://")
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return str(url)
    path = Path(app.instance_path) / "kompis.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _unicode_lower(value: str | None) -> str | None:
    return value.lower() if isinstance(value, str) else value


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # SQLite ignores foreign keys unless asked, and waits for a lock instead of failing.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()
    # SQLite's own lower() knows only A-Z, so a search for "åsa" would miss "Åsa".
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)


def make_engine(url: str) -> Engine:
    """Create an engine with the settings Kompis needs on either database."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _configure_sqlite)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def init_app(app: Flask) -> None:
    """Give the app its engine and session factory, and close sessions after requests."""
    engine = make_engine(database_url(app))
    app.extensions["kompis.engine"] = engine
    app.extensions["kompis.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    """Return the current app's engine."""
    found: Engine = current_app.extensions["kompis.engine"]
    return found


def session() -> Session:
    """Return this request's (or CLI command's) database session."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["kompis.sessionmaker"]()
    found: Session = g.db_session
    return found


def _close_session(_exc: BaseException | None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()


def check_database() -> bool:
    """Tell whether the database answers a trivial query."""
    try:
        with engine().connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return False
    return True
