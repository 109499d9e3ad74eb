"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect

from models import Base
from models.migrate import upgrade


def _diff(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        return list(compare_metadata(context, Base.metadata))


def test_migrations_match_models(engine: Engine) -> None:
    # The fixture's database was built by running the migrations from empty.
    assert _diff(engine) == []


def test_migrations_from_empty_create_every_table(tmp_path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    with engine.begin() as conn:
        upgrade(conn)
    assert set(inspect(engine).get_table_names()) >= set(Base.metadata.tables)
    assert _diff(engine) == []
    engine.dispose()
