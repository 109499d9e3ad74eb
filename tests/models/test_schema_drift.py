"""The CHECK constraints the models declare are the ones the migrated database holds, word for word.

Alembic's comparison does not look at CHECK constraints, so loosening one in the models
(say `capacity BETWEEN 0 AND 3`) would pass every other test. Here the models build a
second schema of their own, and the database itself (SQLite's parser, PostgreSQL's
`pg_get_constraintdef`) reads both back, so both sides are written the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import CheckConstraint, Engine, MetaData, create_engine, inspect, text

from models import Base
from models.migrate import upgrade

Checks = dict[str, set[tuple[str | None, str]]]


def _normalised(sql: str) -> str:
    """Return a constraint's text without the spacing, quoting and brackets each engine writes its own way."""
    return re.sub(r"[\s\"()]+", "", sql).lower()


def _checks(engine: Engine, schema: str | None = None) -> Checks:
    inspector = inspect(engine)
    return {
        table.name: {(c["name"], _normalised(c["sqltext"]))
                     for c in inspector.get_check_constraints(table.name, schema=schema)}
        for table in Base.metadata.sorted_tables
    }


@pytest.fixture
def models_schema(engine: Engine, tmp_path: Path) -> Iterator[tuple[Engine, str | None]]:
    """Build the schema straight from the models, beside the migrated one."""
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS models_drift CASCADE"))
            conn.execute(text("CREATE SCHEMA models_drift"))
        translated = engine.execution_options(schema_translate_map={None: "models_drift"})
        Base.metadata.create_all(translated)
        yield engine, "models_drift"
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA models_drift CASCADE"))
        return
    built = create_engine(f"sqlite:///{tmp_path / 'models.sqlite3'}")
    Base.metadata.create_all(built)
    yield built, None
    built.dispose()


def test_every_check_constraint_of_the_models_is_migrated(engine: Engine, models_schema) -> None:
    from_models = _checks(*models_schema)
    assert sum(len(checks) for checks in from_models.values()) > 20  # the enums' and the ranges'
    assert _checks(engine) == from_models


def test_a_loosened_check_would_be_noticed(tmp_path: Path) -> None:
    # The models with `capacity BETWEEN 0 AND 3`, against the migrations: the one change is what the test finds.
    loosened = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.sorted_tables:
        table.to_metadata(loosened)
    capacity = next(c for c in loosened.tables["volunteers"].constraints
                    if isinstance(c, CheckConstraint) and "capacity BETWEEN" in str(c.sqltext))
    capacity.sqltext = text("capacity BETWEEN 0 AND 3")
    built = create_engine(f"sqlite:///{tmp_path / 'loosened.sqlite3'}")
    loosened.create_all(built)
    migrated = create_engine(f"sqlite:///{tmp_path / 'migrated.sqlite3'}")
    with migrated.begin() as conn:
        upgrade(conn)
    theirs, ours = _checks(built), _checks(migrated)
    assert {name for name in ours if ours[name] != theirs[name]} == {"volunteers"}
    assert ours["volunteers"] - theirs["volunteers"] == {
        ("ck_volunteers_capacity_range", _normalised("capacity BETWEEN 1 AND 3"))}
    built.dispose()
    migrated.dispose()
