"""newcomers no longer give the year they came to Sweden: neither matching nor contact needs it

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 18:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("newcomers", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_newcomers_arrival_year_range"), type_="check")
        batch_op.drop_column("arrival_year")


def downgrade() -> None:
    with op.batch_alter_table("newcomers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("arrival_year", sa.SmallInteger(), nullable=True))
        batch_op.create_check_constraint(op.f("ck_newcomers_arrival_year_range"),
                                         "arrival_year IS NULL OR arrival_year >= 1950")
