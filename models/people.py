"""Volunteers and newcomers: the two sides of a match."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Enum,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .base import Base, now_utc
from .enums import AVAILABILITY_BITS, Gender, PersonStatus, SwedishLevel
from .organisation import enum_column
from .privacy import protected_newcomer_viewers, protected_volunteer_viewers

if TYPE_CHECKING:
    from .organisation import Coordinator, Organisation
    from .vocabulary import Goal, Interest, Place


def _gender_type(name: str) -> Enum:
    return enum_column(Gender, name)


def _link_table(name: str, owner: str, vocabulary: str, column: str) -> Table:
    """Return a many-to-many table from a person table to a vocabulary table."""
    return Table(
        name,
        Base.metadata,
        Column(
            f"{owner[:-1]}_id",
            ForeignKey(f"{owner}.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        Column(column, ForeignKey(f"{vocabulary}.code"), primary_key=True, index=True),
    )


volunteer_interests = _link_table("volunteer_interests", "volunteers", "interests", "interest_code")
newcomer_interests = _link_table("newcomer_interests", "newcomers", "interests", "interest_code")
volunteer_help = _link_table("volunteer_help", "volunteers", "goals", "goal_code")
newcomer_goals = _link_table("newcomer_goals", "newcomers", "goals", "goal_code")


class PersonMixin:
    """What volunteers and newcomers both have."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    # Lower-cased address: one person per address and role, whatever the case typed.
    email_key: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20))
    # What the person agreed their kompis may receive at introduction; nothing before it.
    share_email: Mapped[bool] = mapped_column(Boolean, default=False)
    share_phone: Mapped[bool] = mapped_column(Boolean, default=False)
    birth_year: Mapped[int] = mapped_column(Integer)
    gender: Mapped[Gender | None] = mapped_column(_gender_type("gender"))
    gender_preference: Mapped[Gender | None] = mapped_column(_gender_type("gender_preference"))
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    availability: Mapped[int] = mapped_column(Integer, default=0)
    max_distance_km: Mapped[int] = mapped_column(SmallInteger, default=15)
    what_matters: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[PersonStatus] = mapped_column(
        enum_column(PersonStatus, "status"), default=PersonStatus.PENDING
    )
    ui_language: Mapped[str] = mapped_column(String(12), default="sv")
    consent_version: Mapped[str] = mapped_column(String(20))
    consent_at: Mapped[datetime]
    email_confirmed_at: Mapped[datetime | None]
    # Skyddad identitet: seen only by the coordinators named for the person; their place never leaves the database.
    protected: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set when an admin recorded a disposal decision covering this person; the next purge erases them.
    disposal_decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("disposal_decisions.id", ondelete="SET NULL"), index=True
    )
    # Rotated whenever an e-mailed link is used, so each link works once.
    link_nonce: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)

    @declared_attr
    def place(cls) -> Mapped[Place]:
        return relationship("Place")

    @declared_attr
    def organisation(cls) -> Mapped[Organisation]:
        return relationship("Organisation")

    @classmethod
    def _person_checks(cls, table: str) -> tuple[Any, ...]:
        return (
            CheckConstraint("birth_year BETWEEN 1900 AND 2100", name="birth_year_range"),
            CheckConstraint(
                f"availability >= 0 AND availability < {1 << AVAILABILITY_BITS}",
                name="availability_mask",
            ),
            CheckConstraint("max_distance_km BETWEEN 1 AND 500", name="max_distance_range"),
            Index(f"ix_{table}_organisation_status", "organisation_id", "status"),
            Index(f"ix_{table}_organisation_created", "organisation_id", "created_at", "id"),
            Index(f"ix_{table}_place_id", "place_id"),
        )


class VolunteerLanguage(Base):
    """A language a volunteer speaks, with how well."""

    __tablename__ = "volunteer_languages"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 4", name="level_range"),)

    volunteer_id: Mapped[int] = mapped_column(
        ForeignKey("volunteers.id", ondelete="CASCADE"), primary_key=True
    )
    language_code: Mapped[str] = mapped_column(
        ForeignKey("languages.code"), primary_key=True, index=True
    )
    level: Mapped[int] = mapped_column(SmallInteger)

    def __repr__(self) -> str:
        return f"VolunteerLanguage(volunteer_id={self.volunteer_id!r}, code={self.language_code!r})"


class NewcomerLanguage(Base):
    """A language a newcomer speaks, with how well."""

    __tablename__ = "newcomer_languages"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 4", name="level_range"),)

    newcomer_id: Mapped[int] = mapped_column(
        ForeignKey("newcomers.id", ondelete="CASCADE"), primary_key=True
    )
    language_code: Mapped[str] = mapped_column(
        ForeignKey("languages.code"), primary_key=True, index=True
    )
    level: Mapped[int] = mapped_column(SmallInteger)

    def __repr__(self) -> str:
        return f"NewcomerLanguage(newcomer_id={self.newcomer_id!r}, code={self.language_code!r})"


class Volunteer(PersonMixin, Base):
    """An established resident who offers to be someone's kompis."""

    __tablename__ = "volunteers"
    __table_args__ = (
        *PersonMixin._person_checks("volunteers"),
        CheckConstraint("capacity BETWEEN 1 AND 3", name="capacity_range"),
        # Held by the database so concurrent approvals cannot overfill a volunteer.
        CheckConstraint(
            "open_matches >= 0 AND open_matches <= capacity", name="open_matches_within_capacity"
        ),
        CheckConstraint("email IS NOT NULL AND email_key IS NOT NULL", name="has_email"),
    )

    capacity: Mapped[int] = mapped_column(SmallInteger, default=1)
    open_matches: Mapped[int] = mapped_column(SmallInteger, default=0)
    # Since when the volunteer has waited with no kompis; months of it bring an "are you still available?".
    idle_since: Mapped[datetime | None]
    still_available_asked_at: Mapped[datetime | None]

    languages: Mapped[list[VolunteerLanguage]] = relationship(
        cascade="all, delete-orphan", order_by="VolunteerLanguage.level.desc()"
    )
    interests: Mapped[list[Interest]] = relationship(secondary=volunteer_interests)
    help_offered: Mapped[list[Goal]] = relationship(secondary=volunteer_help)
    viewers: Mapped[list[Coordinator]] = relationship(secondary=protected_volunteer_viewers)


class Newcomer(PersonMixin, Base):
    """Someone new in Sweden who asks for a kompis."""

    __tablename__ = "newcomers"
    __table_args__ = (
        *PersonMixin._person_checks("newcomers"),
        CheckConstraint("email IS NOT NULL OR phone IS NOT NULL", name="has_contact"),
    )

    swedish_level: Mapped[SwedishLevel] = mapped_column(
        enum_column(SwedishLevel, "swedish_level"), default=SwedishLevel.NONE
    )
    contact_language: Mapped[str | None] = mapped_column(ForeignKey("languages.code"))
    # Set when staff filled in the request together with the newcomer.
    registered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("coordinators.id", ondelete="SET NULL")
    )

    languages: Mapped[list[NewcomerLanguage]] = relationship(
        cascade="all, delete-orphan", order_by="NewcomerLanguage.level.desc()"
    )
    interests: Mapped[list[Interest]] = relationship(secondary=newcomer_interests)
    goals: Mapped[list[Goal]] = relationship(secondary=newcomer_goals)
    viewers: Mapped[list[Coordinator]] = relationship(secondary=protected_newcomer_viewers)
    registered_by: Mapped[Coordinator | None] = relationship()
