"""Matching runs, the pairs they propose, and what happens to each pair."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Float, ForeignKey, Index, Integer, SmallInteger, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, now_utc
from .enums import (
    HELD_PAIR_STATUSES,
    OPEN_MATCH_STATUSES,
    UNFINISHED_RUN_STATUSES,
    MatchStatus,
    RunStatus,
)
from .organisation import enum_column

if TYPE_CHECKING:
    from .contact import FollowUp
    from .organisation import Coordinator, Organisation
    from .people import Newcomer, Volunteer


def _status_in(statuses: Iterable[str]) -> Any:
    listed = ", ".join(f"'{s}'" for s in statuses)
    return text(f"status IN ({listed})")


OPEN_MATCH_SQL = _status_in(OPEN_MATCH_STATUSES)
HELD_PAIR_SQL = _status_in(HELD_PAIR_STATUSES)
UNFINISHED_RUN_SQL = _status_in(UNFINISHED_RUN_STATUSES)


class MatchRun(Base):
    """One run of the matcher over an organisation's pool."""

    __tablename__ = "match_runs"
    __table_args__ = (
        # One run per organisation at a time, however many coordinators press the button at once.
        Index(
            "uq_match_runs_unfinished_organisation",
            "organisation_id",
            unique=True,
            postgresql_where=UNFINISHED_RUN_SQL,
            sqlite_where=UNFINISHED_RUN_SQL,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    started_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("coordinators.id", ondelete="SET NULL")
    )
    status: Mapped[RunStatus] = mapped_column(
        enum_column(RunStatus, "run_status"), default=RunStatus.QUEUED
    )
    # The stage running now (load, encode, scoring, stable, ...), for the progress page.
    stage: Mapped[str] = mapped_column(String(20), default="")
    job_id: Mapped[str] = mapped_column(String(64), default="")
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    timings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Both assignments' totals: {"stable": {...}, "optimal": {...}}.
    totals: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    started_at: Mapped[datetime | None]
    # Written every few seconds while the run works, so a dead worker is noticed.
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()
    started_by: Mapped[Coordinator | None] = relationship()


class UnmatchedNewcomer(Base):
    """A newcomer a run could not propose anyone to, and why."""

    __tablename__ = "unmatched_newcomers"

    run_id: Mapped[int] = mapped_column(
        ForeignKey("match_runs.id", ondelete="CASCADE"), primary_key=True
    )
    newcomer_id: Mapped[int] = mapped_column(
        ForeignKey("newcomers.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    reason: Mapped[str] = mapped_column(String(40))
    obstacle: Mapped[str] = mapped_column(String(40), default="")
    acceptable: Mapped[int] = mapped_column(Integer, default=0)

    newcomer: Mapped[Newcomer] = relationship()

    def __repr__(self) -> str:
        return f"UnmatchedNewcomer(run_id={self.run_id!r}, newcomer_id={self.newcomer_id!r})"


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
        # A rejected pair is never proposed again: its row stays, and blocks a second one.
        Index(
            "uq_matches_held_pair",
            "newcomer_id",
            "volunteer_id",
            unique=True,
            postgresql_where=HELD_PAIR_SQL,
            sqlite_where=HELD_PAIR_SQL,
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
    # Where the volunteer stood in the newcomer's list, 1 = first choice; 0 when proposed by hand.
    rank: Mapped[int] = mapped_column(SmallInteger, default=0)
    components: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("coordinators.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None]
    # Why it was rejected or ended: a code from a list, and the coordinator's words.
    reason: Mapped[str] = mapped_column(String(40), default="")
    reason_note: Mapped[str] = mapped_column(Text, default="")
    introduced_at: Mapped[datetime | None]
    # When the pair, not yet met after the first follow-up, was encouraged to meet.
    nudged_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)

    newcomer: Mapped[Newcomer] = relationship()
    volunteer: Mapped[Volunteer] = relationship()
    run: Mapped[MatchRun | None] = relationship()
    events: Mapped[list[MatchEvent]] = relationship(
        back_populates="match", order_by="MatchEvent.at", cascade="all, delete-orphan"
    )
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="match", order_by="(FollowUp.weeks, FollowUp.side)", cascade="all, delete-orphan"
    )


class MatchEvent(Base):
    """One step in a pair's history: who did what, and when."""

    __tablename__ = "match_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=now_utc)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("coordinators.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    match: Mapped[Match] = relationship(back_populates="events")
    actor: Mapped[Coordinator | None] = relationship()


class PairStatistic(Base):
    """A pair of which one person was erased: kept only as a count, with no link to anyone and no text.

    The organisation's reports go on counting it; nothing in it names, or leads
    back to, either person or the pair.
    """

    __tablename__ = "pair_statistics"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    # The day it was approved, introduced and ended: a day, not a moment, so no log line matches it.
    decided_at: Mapped[datetime | None]
    introduced_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str] = mapped_column(String(40), default="")
