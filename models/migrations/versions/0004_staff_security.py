"""staff security and administration: sessions held on the server, a second factor with recovery codes,
single-use staff links, the organisation's contact details, an admin's words for interests, and an audit log
the application cannot alter on PostgreSQL

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 05:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# TRUNCATE stays possible for the database's owner (an operator emptying a test database);
# the application's statements can only add rows.
APPEND_ONLY = """
CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log can only be added to'
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
"""


def upgrade() -> None:
    op.create_table(
        "staff_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("coordinator_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("enrolling_secret", sa.String(length=64), nullable=False),
        sa.Column("failed_codes", sa.Integer(), nullable=False),
        sa.Column("client_address", sa.String(length=45), nullable=False),
        sa.ForeignKeyConstraint(["coordinator_id"], ["coordinators.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
    )
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_sessions_coordinator_id"), ["coordinator_id"], unique=False)

    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("coordinator_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["coordinator_id"], ["coordinators.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_hash"),
    )
    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_codes_coordinator_id"), ["coordinator_id"], unique=False)

    op.create_table(
        "interest_translations",
        sa.Column("interest_code", sa.String(length=40), nullable=False),
        sa.Column("language", sa.String(length=12), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(["interest_code"], ["interests.code"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("interest_code", "language"),
    )

    with op.batch_alter_table("coordinators", schema=None) as batch_op:
        batch_op.alter_column("session_nonce", new_column_name="link_nonce",
                              existing_type=sa.String(length=32), existing_nullable=False)
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=True))
    _drop_server_defaults("coordinators", "totp_secret")

    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_email", sa.String(length=254), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("contact_phone", sa.String(length=40), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("contact_address", sa.String(length=300), nullable=False,
                                      server_default=""))
    _drop_server_defaults("organisations", "contact_email", "contact_phone", "contact_address")

    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY)


def _drop_server_defaults(table: str, *columns: str) -> None:
    """The defaults filled the rows there were; from now on the application gives every value."""
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.alter_column(column, server_default=None)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_column("contact_address")
        batch_op.drop_column("contact_phone")
        batch_op.drop_column("contact_email")
    with op.batch_alter_table("coordinators", schema=None) as batch_op:
        batch_op.drop_column("password_changed_at")
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_secret")
        batch_op.alter_column("link_nonce", new_column_name="session_nonce",
                              existing_type=sa.String(length=32), existing_nullable=False)
    op.drop_table("interest_translations")
    op.drop_table("recovery_codes")
    op.drop_table("staff_sessions")
