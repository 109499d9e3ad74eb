"""Matching runs and the pairs they propose."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, now_utc
from .enums import OPEN_MATCH_STATUSES, MatchStatus, RunStatus
from .organisation import enum_column

if TYPE_CHECKING:
    from .organisation import Coordinator, Organisation
    from .people import Newcomer, Volunteer

_OPEN = ", ".join(f"'{s.value}'" for s in OPEN_MATCH_STATUSES)
OPEN_MATCH_SQL = text(f"status IN ({_OPEN})")


class MatchRun(Base):
    """One run of the matcher over an organisation's pool."""

    __tablename__ = "match_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    started_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("coordinators.id", ondelete="SET NULL")
    )
    status: Mapped[RunStatus] = mapped_column(
        enum_column(RunStatus, "run_status"), default=RunStatus.QUEUED
    )
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    timings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()
    started_by: Mapped[Coordinator | None] = relationship()


class Match(Base):
    """A newcomer and a volunteer proposed, and then perhaps approved, as kompisar."""

    __tablename__ = "matches"
    __table_args__ = (
        # A newcomer has at most one open match, whichever engine and however many coordinators.
        Index(
            "uq_matches_open_newcomer",
            "newcomer_id",
            unique=True,
            postgresql_where=OPEN_MATCH_SQL,
            sqlite_where=OPEN_MATCH_SQL,
        ),
        Index("ix_matches_organisation_status", "organisation_id", "status"),
        Index("ix_matches_pair", "newcomer_id", "volunteer_id"),
        Index("ix_matches_volunteer_id", "volunteer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("match_runs.id", ondelete="SET NULL"), index=True
    )
    newcomer_id: Mapped[int] = mapped_column(ForeignKey("newcomers.id", ondelete="CASCADE"))
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"))
    status: Mapped[MatchStatus] = mapped_column(
        enum_column(MatchStatus, "match_status"), default=MatchStatus.PROPOSED
    )
    score: Mapped[float] = mapped_column(Float, default=0.0)
    newcomer_score: Mapped[float] = mapped_column(Float, default=0.0)
    volunteer_score: Mapped[float] = mapped_column(Float, default=0.0)
    components: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("coordinators.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None]
    end_reason: Mapped[str] = mapped_column(String(200), default="")
    follow_up: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)

    newcomer: Mapped[Newcomer] = relationship()
    volunteer: Mapped[Volunteer] = relationship()
    run: Mapped[MatchRun | None] = relationship()
