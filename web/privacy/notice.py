"""The privacy notice: each purpose with its legal basis and how long it is kept, and who is responsible.

The purposes come from the purpose register, so the notice says what the code
does, as the admin's record of processing does. The controller is the
organisation a person belongs to; a visitor nobody knows yet sees every
organisation. Each version of the text is listed with what changed, and a
person who agreed to an older one reads the new one at their next visit to /me.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Newcomer, Organisation, Volunteer, now_utc

from .. import audit
from ..config import PRIVACY_NOTICE_VERSION
from .register import BASIS_LABELS, KEPT_LABELS, PURPOSE_LABELS, REGISTER, Purpose

T = TypeVar("T")


@dataclass(frozen=True)
class NoticeVersion:
    """One version of the notice: its name as consents store it (year-month), when it came, and what changed."""

    name: str
    published: date
    changes: LazyString


# Oldest first; the last one is PRIVACY_NOTICE_VERSION. Names are year-month, so they sort by date.
VERSIONS = (
    NoticeVersion("2026-11", date(2026, 11, 2), _l("The first version.")),
    NoticeVersion("2026-12", date(2026, 12, 2),
                  _l("Each purpose now says its legal basis and how long we keep the data. The notice names "
                     "the organisation that is responsible, with its contact details. On your own page you "
                     "can now correct your answers and choose what your kompis gets.")),
)


@dataclass(frozen=True)
class PurposeNotice:
    """One purpose, in words: what is kept for it, on what legal basis, for how long."""

    title: LazyString
    what: list[LazyString]
    bases: list[LazyString]
    kept: list[LazyString]


@dataclass(frozen=True)
class Notice:
    """The whole notice as a page shows it."""

    version: NoticeVersion
    history: list[NoticeVersion]  # newest first
    purposes: list[PurposeNotice]
    controllers: list[Organisation]
    own: bool  # the controllers are the reader's own organisation, not every one


def current_version() -> NoticeVersion:
    """Return the version people agree to now."""
    return next(v for v in VERSIONS if v.name == PRIVACY_NOTICE_VERSION)


def purposes() -> list[PurposeNotice]:
    """Return each purpose of the register with what it covers, its legal bases and how long it is kept."""
    found = []
    for purpose in Purpose:
        categories = _distinct(c for c in REGISTER.values() if c.purpose == purpose)
        if categories:
            found.append(PurposeNotice(
                title=PURPOSE_LABELS[purpose], what=[c.what for c in categories],
                bases=[BASIS_LABELS[b] for b in _distinct(c.basis for c in categories)],
                kept=[KEPT_LABELS[k] for k in _distinct(c.kept for c in categories)]))
    return found


def _distinct(items: Iterable[T]) -> list[T]:
    """Return the items once each, in the order first seen."""
    seen: list[T] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


def build_notice(session: Session, organisation_id: int | None = None) -> Notice:
    """Return the notice for a person of `organisation_id`, or, with None, for anyone: every organisation."""
    query = select(Organisation).order_by(Organisation.name)
    if organisation_id is not None:
        query = query.where(Organisation.id == organisation_id)
    return Notice(version=current_version(), history=list(reversed(VERSIONS)), purposes=purposes(),
                  controllers=list(session.scalars(query)), own=organisation_id is not None)


def has_read_current(person: Volunteer | Newcomer) -> bool:
    """Tell whether the person agreed to this version of the notice, or a later one."""
    return (person.consent_version or "") >= PRIVACY_NOTICE_VERSION


def record_reading(session: Session, person: Volunteer | Newcomer) -> None:
    """Record that the person has read the current notice, and when; committed by the caller."""
    if has_read_current(person):
        return
    earlier = person.consent_version
    person.consent_version = PRIVACY_NOTICE_VERSION
    person.consent_at = now_utc()
    audit.record(session, None, "read_notice", person, version=PRIVACY_NOTICE_VERSION, earlier=earlier, by="self")
