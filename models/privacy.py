"""What protects people beyond their own rows: who may see a protected person, and decisions to dispose of records."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, now_utc

if TYPE_CHECKING:
    from .organisation import Coordinator, Organisation


def _viewer_table(name: str, owner: str) -> Table:
    """Return the table of coordinators named to see one protected person of `owner`."""
    return Table(
        name,
        Base.metadata,
        Column(f"{owner[:-1]}_id", ForeignKey(f"{owner}.id", ondelete="CASCADE"), primary_key=True),
        Column("coordinator_id", ForeignKey("coordinators.id", ondelete="CASCADE"), primary_key=True, index=True),
    )


# Skyddad identitet: only the coordinators listed here see the person at all.
protected_volunteer_viewers = _viewer_table("protected_volunteer_viewers", "volunteers")
protected_newcomer_viewers = _viewer_table("protected_newcomer_viewers", "newcomers")


class DisposalDecision(Base):
    """A formal decision (gallringsbeslut) to dispose of the records that were due, as archive law asks.

    Where the organisation's policy is a disposal decision, `kompis purge-expired`
    only lists who is due; once an admin records a decision here, naming its
    reference, the people it covers are erased by the next run.
    """

    __tablename__ = "disposal_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    # The decision's reference in the organisation's own records (diarienummer).
    reference: Mapped[str] = mapped_column(String(120))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("coordinators.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(default=now_utc)
    volunteers: Mapped[int] = mapped_column(Integer, default=0)
    newcomers: Mapped[int] = mapped_column(Integer, default=0)
    # When `purge-expired` erased the people it covers.
    carried_out_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()
    decided_by: Mapped[Coordinator | None] = relationship()
