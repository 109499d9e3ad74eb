"""protected identity and disposal decisions

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 17:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PEOPLE = ("volunteers", "newcomers")


def upgrade() -> None:
    op.create_table(
        "disposal_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=120), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("volunteers", sa.Integer(), nullable=False),
        sa.Column("newcomers", sa.Integer(), nullable=False),
        sa.Column("carried_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["decided_by_id"], ["coordinators.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("disposal_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disposal_decisions_organisation_id"), ["organisation_id"], unique=False)

    for table in PEOPLE:
        op.create_table(
            f"protected_{table[:-1]}_viewers",
            sa.Column(f"{table[:-1]}_id", sa.Integer(), nullable=False),
            sa.Column("coordinator_id", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["coordinator_id"], ["coordinators.id"], ondelete="CASCADE"),
            sa.ForeignKeyConstraint([f"{table[:-1]}_id"], [f"{table}.id"], ondelete="CASCADE"),
            sa.PrimaryKeyConstraint(f"{table[:-1]}_id", "coordinator_id"),
        )
        with op.batch_alter_table(f"protected_{table[:-1]}_viewers", schema=None) as batch_op:
            batch_op.create_index(batch_op.f(f"ix_protected_{table[:-1]}_viewers_coordinator_id"),
                                  ["coordinator_id"], unique=False)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("protected", sa.Boolean(), nullable=False, server_default=sa.false()))
            batch_op.add_column(sa.Column("disposal_decision_id", sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f"ix_{table}_disposal_decision_id"), ["disposal_decision_id"],
                                  unique=False)
            batch_op.create_foreign_key(batch_op.f(f"fk_{table}_disposal_decision_id_disposal_decisions"),
                                        "disposal_decisions", ["disposal_decision_id"], ["id"], ondelete="SET NULL")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("protected", server_default=None)


def downgrade() -> None:
    for table in PEOPLE:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f"fk_{table}_disposal_decision_id_disposal_decisions", type_="foreignkey")
            batch_op.drop_index(f"ix_{table}_disposal_decision_id")
            batch_op.drop_column("disposal_decision_id")
            batch_op.drop_column("protected")
        op.drop_table(f"protected_{table[:-1]}_viewers")
    op.drop_table("disposal_decisions")
