"""What Kompis says to people: the messages kept with each pair, follow-ups and their answers, wordings."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, SmallInteger, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, now_utc
from .enums import Channel, MessagePurpose, Side
from .organisation import enum_column

if TYPE_CHECKING:
    from .matching import Match
    from .organisation import Coordinator


class Message(Base):
    """One message to one person, kept as it went: by e-mail, by SMS, or said on the phone.

    It is written in the transaction that decides to send it and delivered
    afterwards; `delivering_at` is claimed once, so a message goes out at most
    once however many senders run, and `sent_at` says it went.
    """

    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_undelivered", "delivering_at", "sent_at"),
        Index("ix_messages_organisation_created", "organisation_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    match_id: Mapped[int | None] = mapped_column(ForeignKey("matches.id", ondelete="SET NULL"), index=True)
    newcomer_id: Mapped[int | None] = mapped_column(ForeignKey("newcomers.id", ondelete="CASCADE"), index=True)
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[MessagePurpose] = mapped_column(enum_column(MessagePurpose, "message_purpose"))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "channel"))
    language: Mapped[str] = mapped_column(String(12))
    address: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    # An invitation's calendar file (text/calendar), sent as an attachment.
    calendar: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("coordinators.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    delivering_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    error: Mapped[str] = mapped_column(String(200), default="")

    created_by: Mapped[Coordinator | None] = relationship()

    @property
    def side(self) -> Side:
        """Which side of a pair the message went to."""
        return Side.NEWCOMER if self.newcomer_id is not None else Side.VOLUNTEER


class FollowUp(Base):
    """A follow-up of a pair, for one of its two people: when it is due, sent, answered, and the answers."""

    __tablename__ = "follow_ups"
    __table_args__ = (
        # One follow-up per person and round: the database holds "exactly once".
        UniqueConstraint("match_id", "side", "weeks", name="uq_follow_ups_round"),
        Index("ix_follow_ups_due", "sent_at", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    side: Mapped[Side] = mapped_column(enum_column(Side, "side"))
    weeks: Mapped[int] = mapped_column(SmallInteger)  # after the introduction
    due_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    # {"met": bool, "often": str, "going": 1-5, "go_on": bool, "note": str}
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    match: Mapped[Match] = relationship(back_populates="follow_ups")


class MessageTemplate(Base):
    """An organisation's own wording of a message in one language; Kompis's wording applies otherwise."""

    __tablename__ = "message_templates"
    __table_args__ = (UniqueConstraint("organisation_id", "purpose", "language", name="uq_message_templates_use"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    purpose: Mapped[MessagePurpose] = mapped_column(enum_column(MessagePurpose, "message_purpose"))
    language: Mapped[str] = mapped_column(String(12))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("coordinators.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=now_utc, onupdate=now_utc)


class ContactNote(Base):
    """A dated line in the coordinator's contact log of a person or a pair ("called, no answer")."""

    __tablename__ = "contact_notes"
    __table_args__ = (
        CheckConstraint("newcomer_id IS NOT NULL OR volunteer_id IS NOT NULL OR match_id IS NOT NULL",
                        name="has_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    newcomer_id: Mapped[int | None] = mapped_column(ForeignKey("newcomers.id", ondelete="CASCADE"), index=True)
    volunteer_id: Mapped[int | None] = mapped_column(ForeignKey("volunteers.id", ondelete="CASCADE"), index=True)
    match_id: Mapped[int | None] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("coordinators.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=now_utc)
    text: Mapped[str] = mapped_column(Text)

    author: Mapped[Coordinator | None] = relationship()
