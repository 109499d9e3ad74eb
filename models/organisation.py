"""Organisations that run a kompisförmedling, and the staff who log in to them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, CheckConstraint, Enum, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, now_utc
from .enums import ErasurePolicy, Role

if TYPE_CHECKING:
    from .vocabulary import Municipality

DEFAULT_WEIGHTS: dict[str, float] = {
    "language": 3.0,
    "interests": 2.0,
    "location": 2.0,
    "availability": 2.0,
    "goals": 2.0,
    "age": 1.0,
}


def enum_column(enum_class: type, name: str) -> Enum:
    """Return a portable enum type: a VARCHAR with a CHECK on both engines."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        validate_strings=True,
        values_callable=lambda members: [m.value for m in members],
    )


class Organisation(Base):
    """A municipality, a group of municipalities or an NGO running matching."""

    __tablename__ = "organisations"
    __table_args__ = (
        CheckConstraint("retention_months > 0", name="retention_positive"),
        CheckConstraint("proposal_days BETWEEN 1 AND 90", name="proposal_days_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160), unique=True)
    weights: Mapped[dict[str, Any]] = mapped_column(JSON, default=lambda: dict(DEFAULT_WEIGHTS))
    retention_months: Mapped[int] = mapped_column(Integer, default=24)
    erasure_policy: Mapped[ErasurePolicy] = mapped_column(
        enum_column(ErasurePolicy, "erasure_policy"), default=ErasurePolicy.ERASE
    )
    # A proposal undecided for longer than this is flagged on the dashboard.
    proposal_days: Mapped[int] = mapped_column(Integer, default=7)
    # Shown in messages and on the privacy notice: how people reach the controller.
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    contact_address: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=now_utc)

    municipalities: Mapped[list[Municipality]] = relationship(
        back_populates="organisation", order_by="Municipality.name"
    )
    coordinators: Mapped[list[Coordinator]] = relationship(back_populates="organisation")


class Coordinator(Base):
    """A staff account: a coordinator of one organisation, or an admin.

    It answers the attributes Flask-Login asks of a user without importing it,
    so this package stays free of Flask.
    """

    __tablename__ = "coordinators"
    __table_args__ = (
        CheckConstraint(
            "role = 'admin' OR organisation_id IS NOT NULL", name="coordinator_has_organisation"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"), default=Role.COORDINATOR)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Rotated when an invitation or a password-reset link is used, so each works once.
    link_nonce: Mapped[str] = mapped_column(String(32))
    # The TOTP secret (RFC 6238), empty until the second factor is enrolled.
    totp_secret: Mapped[str] = mapped_column(String(64), default="")
    # The last time step whose code was accepted: a code is never taken twice.
    totp_last_step: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=now_utc)
    last_login_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]

    organisation: Mapped[Organisation | None] = relationship(back_populates="coordinators")

    @property
    def is_admin(self) -> bool:
        """Tell whether this account may manage organisations."""
        return self.role == Role.ADMIN

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    @property
    def is_enrolled(self) -> bool:
        """Tell whether the account has its second factor."""
        return bool(self.totp_secret)

    def get_id(self) -> str:
        """Return the account's id; which sessions are valid is held in staff_sessions."""
        return str(self.id)
