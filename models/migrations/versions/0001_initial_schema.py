"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 11:32:26.247351
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "goals",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("description", sa.String(length=300), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_goals")),
    )
    op.create_table(
        "interests",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_interests")),
    )
    op.create_table(
        "languages",
        sa.Column("code", sa.String(length=12), nullable=False),
        sa.Column("common_newcomer", sa.Boolean(), nullable=False),
        sa.Column("common_volunteer", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_languages")),
    )
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("retention_months", sa.Integer(), nullable=False),
        sa.Column(
            "erasure_policy",
            sa.Enum(
                "erase",
                "disposal_decision",
                name="erasure_policy",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "retention_months > 0", name=op.f("ck_organisations_retention_positive")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("name", name=op.f("uq_organisations_name")),
    )
    op.create_table(
        "coordinators",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "coordinator",
                "admin",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("session_nonce", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "role = 'admin' OR organisation_id IS NOT NULL",
            name=op.f("ck_coordinators_coordinator_has_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_coordinators_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coordinators")),
        sa.UniqueConstraint("email_key", name=op.f("uq_coordinators_email_key")),
    )
    with op.batch_alter_table("coordinators", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coordinators_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "municipalities",
        sa.Column("code", sa.String(length=4), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("county", sa.String(length=80), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_municipalities_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_municipalities")),
        sa.UniqueConstraint("name", name=op.f("uq_municipalities_name")),
    )
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_municipalities_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("subject_type", sa.String(length=20), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["coordinators.id"],
            name=op.f("fk_audit_events_actor_id_coordinators"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_audit_events_organisation_id_organisations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_actor_id"), ["actor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_events_at"), ["at"], unique=False)
        batch_op.create_index(
            "ix_audit_events_subject", ["subject_type", "subject_id"], unique=False
        )

    op.create_table(
        "match_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "running",
                "finished",
                "failed",
                name="run_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("timings", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_match_runs_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"],
            ["coordinators.id"],
            name=op.f("fk_match_runs_started_by_id_coordinators"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_runs")),
    )
    with op.batch_alter_table("match_runs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_match_runs_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "places",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("municipality_code", sa.String(length=4), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=False),
        sa.Column("longitude", sa.Float(), nullable=False),
        sa.Column("population", sa.Integer(), nullable=False),
        sa.Column("is_seat", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_code"],
            ["municipalities.code"],
            name=op.f("fk_places_municipality_code_municipalities"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_places")),
    )
    with op.batch_alter_table("places", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_places_municipality_code"), ["municipality_code"], unique=False
        )

    op.create_table(
        "newcomers",
        sa.Column(
            "swedish_level",
            sa.Enum(
                "none",
                "sfi_a",
                "sfi_b",
                "sfi_c",
                "sfi_d",
                "fluent",
                name="swedish_level",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("arrival_year", sa.SmallInteger(), nullable=True),
        sa.Column("contact_language", sa.String(length=12), nullable=True),
        sa.Column("registered_by_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("email_key", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=False),
        sa.Column(
            "gender",
            sa.Enum(
                "female",
                "male",
                "other",
                name="gender",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column(
            "gender_preference",
            sa.Enum(
                "female",
                "male",
                "other",
                name="gender_preference",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("availability", sa.Integer(), nullable=False),
        sa.Column("max_distance_km", sa.SmallInteger(), nullable=False),
        sa.Column("what_matters", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "active",
                "paused",
                "matched",
                "withdrawn",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("ui_language", sa.String(length=12), nullable=False),
        sa.Column("consent_version", sa.String(length=20), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("email_confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("link_nonce", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "arrival_year IS NULL OR arrival_year >= 1950",
            name=op.f("ck_newcomers_arrival_year_range"),
        ),
        sa.CheckConstraint(
            "availability >= 0 AND availability < 2097152",
            name=op.f("ck_newcomers_availability_mask"),
        ),
        sa.CheckConstraint(
            "birth_year BETWEEN 1900 AND 2100", name=op.f("ck_newcomers_birth_year_range")
        ),
        sa.CheckConstraint(
            "email IS NOT NULL OR phone IS NOT NULL", name=op.f("ck_newcomers_has_contact")
        ),
        sa.CheckConstraint(
            "max_distance_km BETWEEN 1 AND 500", name=op.f("ck_newcomers_max_distance_range")
        ),
        sa.ForeignKeyConstraint(
            ["contact_language"],
            ["languages.code"],
            name=op.f("fk_newcomers_contact_language_languages"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_newcomers_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["places.id"], name=op.f("fk_newcomers_place_id_places")
        ),
        sa.ForeignKeyConstraint(
            ["registered_by_id"],
            ["coordinators.id"],
            name=op.f("fk_newcomers_registered_by_id_coordinators"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_newcomers")),
        sa.UniqueConstraint("email_key", name=op.f("uq_newcomers_email_key")),
    )
    with op.batch_alter_table("newcomers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_newcomers_organisation_created",
            ["organisation_id", "created_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_newcomers_organisation_status", ["organisation_id", "status"], unique=False
        )
        batch_op.create_index("ix_newcomers_place_id", ["place_id"], unique=False)

    op.create_table(
        "volunteers",
        sa.Column("capacity", sa.SmallInteger(), nullable=False),
        sa.Column("open_matches", sa.SmallInteger(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("email_key", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("birth_year", sa.Integer(), nullable=False),
        sa.Column(
            "gender",
            sa.Enum(
                "female",
                "male",
                "other",
                name="gender",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column(
            "gender_preference",
            sa.Enum(
                "female",
                "male",
                "other",
                name="gender_preference",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column("place_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("availability", sa.Integer(), nullable=False),
        sa.Column("max_distance_km", sa.SmallInteger(), nullable=False),
        sa.Column("what_matters", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "active",
                "paused",
                "matched",
                "withdrawn",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("ui_language", sa.String(length=12), nullable=False),
        sa.Column("consent_version", sa.String(length=20), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("email_confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("link_nonce", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "availability >= 0 AND availability < 2097152",
            name=op.f("ck_volunteers_availability_mask"),
        ),
        sa.CheckConstraint(
            "birth_year BETWEEN 1900 AND 2100", name=op.f("ck_volunteers_birth_year_range")
        ),
        sa.CheckConstraint("capacity BETWEEN 1 AND 3", name=op.f("ck_volunteers_capacity_range")),
        sa.CheckConstraint(
            "email IS NOT NULL AND email_key IS NOT NULL", name=op.f("ck_volunteers_has_email")
        ),
        sa.CheckConstraint(
            "max_distance_km BETWEEN 1 AND 500", name=op.f("ck_volunteers_max_distance_range")
        ),
        sa.CheckConstraint(
            "open_matches >= 0 AND open_matches <= capacity",
            name=op.f("ck_volunteers_open_matches_within_capacity"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_volunteers_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["place_id"], ["places.id"], name=op.f("fk_volunteers_place_id_places")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteers")),
        sa.UniqueConstraint("email_key", name=op.f("uq_volunteers_email_key")),
    )
    with op.batch_alter_table("volunteers", schema=None) as batch_op:
        batch_op.create_index(
            "ix_volunteers_organisation_created",
            ["organisation_id", "created_at", "id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_volunteers_organisation_status", ["organisation_id", "status"], unique=False
        )
        batch_op.create_index("ix_volunteers_place_id", ["place_id"], unique=False)

    op.create_table(
        "matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=True),
        sa.Column("newcomer_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "approved",
                "introduced",
                "active",
                "ended",
                "rejected",
                name="match_status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("newcomer_score", sa.Float(), nullable=False),
        sa.Column("volunteer_score", sa.Float(), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("end_reason", sa.String(length=200), nullable=False),
        sa.Column("follow_up", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["coordinators.id"],
            name=op.f("fk_matches_decided_by_id_coordinators"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["newcomer_id"],
            ["newcomers.id"],
            name=op.f("fk_matches_newcomer_id_newcomers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_matches_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["match_runs.id"],
            name=op.f("fk_matches_run_id_match_runs"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteers.id"],
            name=op.f("fk_matches_volunteer_id_volunteers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matches")),
    )
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.create_index(
            "ix_matches_organisation_status", ["organisation_id", "status"], unique=False
        )
        batch_op.create_index("ix_matches_pair", ["newcomer_id", "volunteer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_matches_run_id"), ["run_id"], unique=False)
        batch_op.create_index("ix_matches_volunteer_id", ["volunteer_id"], unique=False)
        batch_op.create_index(
            "uq_matches_open_newcomer",
            ["newcomer_id"],
            unique=True,
            postgresql_where=sa.text("status IN ('approved', 'introduced', 'active')"),
            sqlite_where=sa.text("status IN ('approved', 'introduced', 'active')"),
        )

    op.create_table(
        "newcomer_goals",
        sa.Column("newcomer_id", sa.Integer(), nullable=False),
        sa.Column("goal_code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["goal_code"], ["goals.code"], name=op.f("fk_newcomer_goals_goal_code_goals")
        ),
        sa.ForeignKeyConstraint(
            ["newcomer_id"],
            ["newcomers.id"],
            name=op.f("fk_newcomer_goals_newcomer_id_newcomers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("newcomer_id", "goal_code", name=op.f("pk_newcomer_goals")),
    )
    with op.batch_alter_table("newcomer_goals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_newcomer_goals_goal_code"), ["goal_code"], unique=False
        )

    op.create_table(
        "newcomer_interests",
        sa.Column("newcomer_id", sa.Integer(), nullable=False),
        sa.Column("interest_code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["interest_code"],
            ["interests.code"],
            name=op.f("fk_newcomer_interests_interest_code_interests"),
        ),
        sa.ForeignKeyConstraint(
            ["newcomer_id"],
            ["newcomers.id"],
            name=op.f("fk_newcomer_interests_newcomer_id_newcomers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("newcomer_id", "interest_code", name=op.f("pk_newcomer_interests")),
    )
    with op.batch_alter_table("newcomer_interests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_newcomer_interests_interest_code"), ["interest_code"], unique=False
        )

    op.create_table(
        "newcomer_languages",
        sa.Column("newcomer_id", sa.Integer(), nullable=False),
        sa.Column("language_code", sa.String(length=12), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint("level BETWEEN 1 AND 4", name=op.f("ck_newcomer_languages_level_range")),
        sa.ForeignKeyConstraint(
            ["language_code"],
            ["languages.code"],
            name=op.f("fk_newcomer_languages_language_code_languages"),
        ),
        sa.ForeignKeyConstraint(
            ["newcomer_id"],
            ["newcomers.id"],
            name=op.f("fk_newcomer_languages_newcomer_id_newcomers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("newcomer_id", "language_code", name=op.f("pk_newcomer_languages")),
    )
    with op.batch_alter_table("newcomer_languages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_newcomer_languages_language_code"), ["language_code"], unique=False
        )

    op.create_table(
        "volunteer_help",
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("goal_code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["goal_code"], ["goals.code"], name=op.f("fk_volunteer_help_goal_code_goals")
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteers.id"],
            name=op.f("fk_volunteer_help_volunteer_id_volunteers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("volunteer_id", "goal_code", name=op.f("pk_volunteer_help")),
    )
    with op.batch_alter_table("volunteer_help", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_volunteer_help_goal_code"), ["goal_code"], unique=False
        )

    op.create_table(
        "volunteer_interests",
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("interest_code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["interest_code"],
            ["interests.code"],
            name=op.f("fk_volunteer_interests_interest_code_interests"),
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteers.id"],
            name=op.f("fk_volunteer_interests_volunteer_id_volunteers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "volunteer_id", "interest_code", name=op.f("pk_volunteer_interests")
        ),
    )
    with op.batch_alter_table("volunteer_interests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_volunteer_interests_interest_code"), ["interest_code"], unique=False
        )

    op.create_table(
        "volunteer_languages",
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("language_code", sa.String(length=12), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint(
            "level BETWEEN 1 AND 4", name=op.f("ck_volunteer_languages_level_range")
        ),
        sa.ForeignKeyConstraint(
            ["language_code"],
            ["languages.code"],
            name=op.f("fk_volunteer_languages_language_code_languages"),
        ),
        sa.ForeignKeyConstraint(
            ["volunteer_id"],
            ["volunteers.id"],
            name=op.f("fk_volunteer_languages_volunteer_id_volunteers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "volunteer_id", "language_code", name=op.f("pk_volunteer_languages")
        ),
    )
    with op.batch_alter_table("volunteer_languages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_volunteer_languages_language_code"), ["language_code"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("volunteer_languages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_volunteer_languages_language_code"))

    op.drop_table("volunteer_languages")
    with op.batch_alter_table("volunteer_interests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_volunteer_interests_interest_code"))

    op.drop_table("volunteer_interests")
    with op.batch_alter_table("volunteer_help", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_volunteer_help_goal_code"))

    op.drop_table("volunteer_help")
    with op.batch_alter_table("newcomer_languages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_newcomer_languages_language_code"))

    op.drop_table("newcomer_languages")
    with op.batch_alter_table("newcomer_interests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_newcomer_interests_interest_code"))

    op.drop_table("newcomer_interests")
    with op.batch_alter_table("newcomer_goals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_newcomer_goals_goal_code"))

    op.drop_table("newcomer_goals")
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_matches_open_newcomer",
            postgresql_where=sa.text("status IN ('approved', 'introduced', 'active')"),
            sqlite_where=sa.text("status IN ('approved', 'introduced', 'active')"),
        )
        batch_op.drop_index("ix_matches_volunteer_id")
        batch_op.drop_index(batch_op.f("ix_matches_run_id"))
        batch_op.drop_index("ix_matches_pair")
        batch_op.drop_index("ix_matches_organisation_status")

    op.drop_table("matches")
    with op.batch_alter_table("volunteers", schema=None) as batch_op:
        batch_op.drop_index("ix_volunteers_place_id")
        batch_op.drop_index("ix_volunteers_organisation_status")
        batch_op.drop_index("ix_volunteers_organisation_created")

    op.drop_table("volunteers")
    with op.batch_alter_table("newcomers", schema=None) as batch_op:
        batch_op.drop_index("ix_newcomers_place_id")
        batch_op.drop_index("ix_newcomers_organisation_status")
        batch_op.drop_index("ix_newcomers_organisation_created")

    op.drop_table("newcomers")
    with op.batch_alter_table("places", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_places_municipality_code"))

    op.drop_table("places")
    with op.batch_alter_table("match_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_match_runs_organisation_id"))

    op.drop_table("match_runs")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_subject")
        batch_op.drop_index(batch_op.f("ix_audit_events_at"))
        batch_op.drop_index(batch_op.f("ix_audit_events_actor_id"))

    op.drop_table("audit_events")
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_municipalities_organisation_id"))

    op.drop_table("municipalities")
    with op.batch_alter_table("coordinators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coordinators_organisation_id"))

    op.drop_table("coordinators")
    op.drop_table("organisations")
    op.drop_table("languages")
    op.drop_table("interests")
    op.drop_table("goals")
