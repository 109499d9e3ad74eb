"""runs and decisions: superseded proposals, one run at a time, rejected pairs held, pair history

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 20:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_STATUSES = ("proposed", "approved", "introduced", "active", "ended", "rejected")
_NEW_STATUSES = (*_OLD_STATUSES, "superseded")


def _match_status(values: Sequence[str]) -> sa.Enum:
    return sa.Enum(*values, name="match_status", native_enum=False, create_constraint=True, length=20)


def upgrade() -> None:
    with op.batch_alter_table("match_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stage", sa.String(length=20), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("job_id", sa.String(length=64), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("totals", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "uq_match_runs_unfinished_organisation",
            ["organisation_id"],
            unique=True,
            postgresql_where=sa.text("status IN ('queued', 'running')"),
            sqlite_where=sa.text("status IN ('queued', 'running')"),
        )
    with op.batch_alter_table("match_runs", schema=None) as batch_op:
        for column in ("stage", "job_id", "totals"):
            batch_op.alter_column(column, server_default=None)

    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_column("end_reason")
        batch_op.drop_column("follow_up")
        batch_op.add_column(sa.Column("rank", sa.SmallInteger(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("reason", sa.String(length=40), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("reason_note", sa.Text(), nullable=False, server_default=""))
        batch_op.drop_constraint(op.f("ck_matches_match_status"), type_="check")
        batch_op.create_check_constraint(
            "match_status", sa.column("status").in_(_NEW_STATUSES)
        )
        batch_op.create_index(
            "uq_matches_held_pair",
            ["newcomer_id", "volunteer_id"],
            unique=True,
            postgresql_where=sa.text("status IN ('proposed', 'rejected')"),
            sqlite_where=sa.text("status IN ('proposed', 'rejected')"),
        )
    with op.batch_alter_table("matches", schema=None) as batch_op:
        for column in ("rank", "reason", "reason_note"):
            batch_op.alter_column(column, server_default=None)

    op.create_table(
        "match_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["coordinators.id"],
            name=op.f("fk_match_events_actor_id_coordinators"), ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["match_id"], ["matches.id"],
            name=op.f("fk_match_events_match_id_matches"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_events")),
    )
    with op.batch_alter_table("match_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_match_events_match_id"), ["match_id"], unique=False)

    op.create_table(
        "unmatched_newcomers",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("newcomer_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=40), nullable=False),
        sa.Column("obstacle", sa.String(length=40), nullable=False),
        sa.Column("acceptable", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["newcomer_id"], ["newcomers.id"],
            name=op.f("fk_unmatched_newcomers_newcomer_id_newcomers"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"], ["match_runs.id"],
            name=op.f("fk_unmatched_newcomers_run_id_match_runs"), ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("run_id", "newcomer_id", name=op.f("pk_unmatched_newcomers")),
    )
    with op.batch_alter_table("unmatched_newcomers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_unmatched_newcomers_newcomer_id"), ["newcomer_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("unmatched_newcomers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unmatched_newcomers_newcomer_id"))
    op.drop_table("unmatched_newcomers")
    with op.batch_alter_table("match_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_events_match_id"))
    op.drop_table("match_events")
    op.execute("DELETE FROM matches WHERE status = 'superseded'")
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_index("uq_matches_held_pair")
        batch_op.drop_constraint(op.f("ck_matches_match_status"), type_="check")
        batch_op.create_check_constraint("match_status", sa.column("status").in_(_OLD_STATUSES))
        batch_op.drop_column("reason_note")
        batch_op.drop_column("reason")
        batch_op.drop_column("rank")
        batch_op.add_column(sa.Column("follow_up", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("end_reason", sa.String(length=200), nullable=False, server_default=""))
    with op.batch_alter_table("match_runs", schema=None) as batch_op:
        batch_op.drop_index("uq_match_runs_unfinished_organisation")
        batch_op.drop_column("heartbeat_at")
        batch_op.drop_column("totals")
        batch_op.drop_column("job_id")
        batch_op.drop_column("stage")
