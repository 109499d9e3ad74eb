"""pairs over time: sharing consent, introductions, messages kept with the pair, follow-ups, idle volunteers

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 00:59:34.742014
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "message_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column(
            "purpose",
            sa.Enum(
                "introduction",
                "meeting",
                "follow_up",
                "nudge",
                "still_available",
                "paused",
                name="message_purpose",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("language", sa.String(length=12), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_message_templates_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["coordinators.id"],
            name=op.f("fk_message_templates_updated_by_id_coordinators"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_templates")),
        sa.UniqueConstraint("organisation_id", "purpose", "language", name="uq_message_templates_use"),
    )
    op.create_table(
        "follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column(
            "side",
            sa.Enum("newcomer", "volunteer", name="side", native_enum=False, create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column("weeks", sa.SmallInteger(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["match_id"], ["matches.id"], name=op.f("fk_follow_ups_match_id_matches"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_ups")),
        sa.UniqueConstraint("match_id", "side", "weeks", name="uq_follow_ups_round"),
    )
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.create_index("ix_follow_ups_due", ["sent_at", "due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_follow_ups_match_id"), ["match_id"], unique=False)

    op.create_table(
        "messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=True),
        sa.Column("newcomer_id", sa.Integer(), nullable=True),
        sa.Column("volunteer_id", sa.Integer(), nullable=True),
        sa.Column(
            "purpose",
            sa.Enum(
                "introduction",
                "meeting",
                "follow_up",
                "nudge",
                "still_available",
                "paused",
                name="message_purpose",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column(
            "channel",
            sa.Enum("email", "sms", "phone", name="channel", native_enum=False, create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column("language", sa.String(length=12), nullable=False),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("calendar", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivering_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["coordinators.id"],
            name=op.f("fk_messages_created_by_id_coordinators"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["match_id"], ["matches.id"], name=op.f("fk_messages_match_id_matches"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["newcomer_id"], ["newcomers.id"], name=op.f("fk_messages_newcomer_id_newcomers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_messages_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"], ["volunteers.id"], name=op.f("fk_messages_volunteer_id_volunteers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_messages_match_id"), ["match_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_messages_newcomer_id"), ["newcomer_id"], unique=False)
        batch_op.create_index("ix_messages_organisation_created", ["organisation_id", "created_at"], unique=False)
        batch_op.create_index("ix_messages_undelivered", ["delivering_at", "sent_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_messages_volunteer_id"), ["volunteer_id"], unique=False)

    op.create_table(
        "contact_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("newcomer_id", sa.Integer(), nullable=True),
        sa.Column("volunteer_id", sa.Integer(), nullable=True),
        sa.Column("match_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "newcomer_id IS NOT NULL OR volunteer_id IS NOT NULL OR match_id IS NOT NULL",
            name=op.f("ck_contact_notes_has_subject"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["coordinators.id"],
            name=op.f("fk_contact_notes_author_id_coordinators"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["match_id"], ["matches.id"], name=op.f("fk_contact_notes_match_id_matches"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["newcomer_id"], ["newcomers.id"], name=op.f("fk_contact_notes_newcomer_id_newcomers"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_contact_notes_organisation_id_organisations")
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteers.id"],
            name=op.f("fk_contact_notes_volunteer_id_volunteers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_notes")),
    )
    with op.batch_alter_table("contact_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_notes_match_id"), ["match_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_notes_newcomer_id"), ["newcomer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_notes_volunteer_id"), ["volunteer_id"], unique=False)

    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_address", sa.String(length=45), nullable=False, server_default=""))
    _drop_server_defaults("audit_events", "client_address")

    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("introduced_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("nudged_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table("newcomers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("share_email", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("share_phone", sa.Boolean(), nullable=False, server_default=sa.false()))
    _drop_server_defaults("newcomers", "share_email", "share_phone")

    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("proposal_days", sa.Integer(), nullable=False, server_default="7"))
        batch_op.create_check_constraint("proposal_days_range", sa.text("proposal_days BETWEEN 1 AND 90"))
    _drop_server_defaults("organisations", "proposal_days")

    with op.batch_alter_table("volunteers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idle_since", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("still_available_asked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("share_email", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("share_phone", sa.Boolean(), nullable=False, server_default=sa.false()))
    _drop_server_defaults("volunteers", "share_email", "share_phone")
    # Volunteers waiting today start their idle time now, not at sign-up, so nobody is asked at once.
    op.execute(
        sa.text("UPDATE volunteers SET idle_since = CURRENT_TIMESTAMP WHERE status = 'active' AND open_matches = 0")
    )
    op.execute(
        sa.text("UPDATE matches SET introduced_at = updated_at WHERE status IN ('introduced', 'active', 'ended')")
    )


def _drop_server_defaults(table: str, *columns: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.alter_column(column, server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("client_address")
    op.drop_table("contact_notes")
    with op.batch_alter_table("volunteers", schema=None) as batch_op:
        batch_op.drop_column("share_phone")
        batch_op.drop_column("share_email")
        batch_op.drop_column("still_available_asked_at")
        batch_op.drop_column("idle_since")

    with op.batch_alter_table("organisations", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_organisations_proposal_days_range"), type_="check")
        batch_op.drop_column("proposal_days")

    with op.batch_alter_table("newcomers", schema=None) as batch_op:
        batch_op.drop_column("share_phone")
        batch_op.drop_column("share_email")

    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_column("ended_at")
        batch_op.drop_column("nudged_at")
        batch_op.drop_column("introduced_at")

    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_messages_volunteer_id"))
        batch_op.drop_index("ix_messages_undelivered")
        batch_op.drop_index("ix_messages_organisation_created")
        batch_op.drop_index(batch_op.f("ix_messages_newcomer_id"))
        batch_op.drop_index(batch_op.f("ix_messages_match_id"))

    op.drop_table("messages")
    with op.batch_alter_table("follow_ups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_ups_match_id"))
        batch_op.drop_index("ix_follow_ups_due")

    op.drop_table("follow_ups")
    op.drop_table("message_templates")
