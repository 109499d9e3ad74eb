"""A staff account's sign-in state: sessions held on the server, and recovery codes."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, now_utc

if TYPE_CHECKING:
    from .organisation import Coordinator


class StaffSession(Base):
    """One signed-in browser of a staff account.

    The browser's cookie holds only a random token; its hash, the times that
    bound the session and whether the second factor was given live here, so
    ending a session takes effect at once, whatever a copied cookie says.
    """

    __tablename__ = "staff_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    coordinator_id: Mapped[int] = mapped_column(ForeignKey("coordinators.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    last_seen_at: Mapped[datetime] = mapped_column(default=now_utc)
    # Empty while only the password has been given.
    verified_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    # A second factor being set up: shown once as a QR code, kept until a code proves it.
    enrolling_secret: Mapped[str] = mapped_column(String(64), default="")
    failed_codes: Mapped[int] = mapped_column(default=0)
    client_address: Mapped[str] = mapped_column(String(45), default="")

    coordinator: Mapped[Coordinator] = relationship()


class RecoveryCode(Base):
    """A single-use code that stands in for the authenticator app, kept as a hash."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    coordinator_id: Mapped[int] = mapped_column(ForeignKey("coordinators.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    used_at: Mapped[datetime | None]
