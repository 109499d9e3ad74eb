"""Finding people for the coordinator's lists: scoped to one organisation, bounded, indexed."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Generic, TypeVar

from flask import abort, has_request_context, request
from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from models import Newcomer, NewcomerLanguage, PersonStatus, Place, Volunteer, VolunteerLanguage

from . import protection
from .fields import normalise_phone

Person = TypeVar("Person", Volunteer, Newcomer)
# PostgreSQL refuses NUL in a query outright; no search needs any control character.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")



@dataclass(frozen=True)
class PersonFilter:
    """What a coordinator narrowed a list down to."""

    q: str = ""
    municipality: str = ""
    language: str = ""
    status: str = ""

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> PersonFilter:
        """Read a filter from query arguments, bounded and without control characters."""

        def clean(name: str, limit: int) -> str:
            return _CONTROL.sub("", args.get(name, ""))[:limit]

        return cls(q=clean("q", 100), municipality=clean("municipality", 4), language=clean("language", 12),
                   status=clean("status", 20))

    def query_args(self) -> dict[str, str]:
        """Return the filter as query arguments, for links to other pages of the list."""
        return {name: value for name, value in asdict(self).items() if value}


@dataclass
class Page(Generic[Person]):
    """One page of a list, and where it sits in the whole."""

    items: list[Person]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filtered(model: type[Person], organisation_id: int, flt: PersonFilter) -> Select[Any]:
    # Someone the signed-in account may not see is in no list and no search: not even a count gives them away.
    query = select(model).where(model.organisation_id == organisation_id, protection.visible(model))
    if flt.status in set(PersonStatus):
        query = query.where(model.status == flt.status)
    if flt.municipality:
        query = query.where(
            model.place_id.in_(select(Place.id).where(Place.municipality_code == flt.municipality))
        )
    if flt.language:
        owner = VolunteerLanguage.volunteer_id if model is Volunteer else NewcomerLanguage.newcomer_id
        language = VolunteerLanguage.language_code if model is Volunteer else NewcomerLanguage.language_code
        query = query.where(exists().where(owner == model.id, language == flt.language))
    text = flt.q.strip()[:100]
    if text:
        pattern = f"%{_escape_like(text)}%"
        # Phones are stored as +46701234567; people type 070-123 45 67.
        digits = normalise_phone(text) or re.sub(r"[\s()-]", "", text)
        query = query.where(
            or_(
                model.name.ilike(pattern, escape="\\"),
                model.email_key.like(pattern.casefold(), escape="\\"),
                model.phone.like(f"%{_escape_like(digits)}%", escape="\\"),
            )
        )
    return query


def list_people(
    session: Session, model: type[Person], organisation_id: int, flt: PersonFilter, *, page: int, size: int
) -> Page[Person]:
    """Return one page of an organisation's volunteers or newcomers, newest first."""
    query = _filtered(model, organisation_id, flt)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    last_page = max(1, math.ceil(total / size))
    page = min(max(1, page), last_page)
    rows = session.scalars(
        query.options(selectinload(model.place).selectinload(Place.municipality),
                      selectinload(model.languages))
        .order_by(model.created_at.desc(), model.id.desc())
        .limit(size)
        .offset((page - 1) * size)
    )
    return Page(list(rows), total, page, size)


def status_counts(session: Session, model: type[Person], organisation_id: int) -> dict[str, int]:
    """Return how many of an organisation's people are in each status."""
    rows = session.execute(
        select(model.status, func.count())
        .where(model.organisation_id == organisation_id, protection.visible(model))
        .group_by(model.status)
    )
    counts = {status.value: 0 for status in PersonStatus}
    counts.update({str(getattr(status, "value", status)): n for status, n in rows})
    return counts


def get_participant(session: Session, kind: str, person_id: int, organisation_id: int) -> Volunteer | Newcomer:
    """Return the volunteer or newcomer (`kind` as in the URL: "volunteers", "newcomers") of this organisation."""
    if kind == "newcomers":
        return get_person(session, Newcomer, person_id, organisation_id)
    return get_person(session, Volunteer, person_id, organisation_id)


def get_person(session: Session, model: type[Person], person_id: int, organisation_id: int) -> Person:
    """Return a person of this organisation, or answer 404 — also for another organisation's.

    A protected person answers 404 exactly so to every account not named for them;
    a page that shows them to one who is named is logged.
    """
    person = session.get(model, person_id)
    if person is None or person.organisation_id != organisation_id or not protection.may_see(person):
        abort(404)
    if has_request_context() and request.method == "GET":
        protection.record_view(session, person)
    return person


def exported_people(session: Session, model: type[Person], organisation_id: int, flt: PersonFilter
                    ) -> Iterator[Person]:
    """Yield everyone the list with this filter holds, oldest first, for a staff CSV file.

    A protected person is never in a file, whoever asks: a file outlives the page and the account.
    """
    query = _filtered(model, organisation_id, flt).where(model.protected.is_(False))
    yield from session.scalars(
        query.options(selectinload(model.place).selectinload(Place.municipality), selectinload(model.languages))
        .order_by(model.created_at, model.id)
        .execution_options(yield_per=500)
    )
