"""Skyddad identitet: who of the staff may see a protected person, and what of their place may be said.

A protected volunteer or newcomer is seen only by the coordinators named for them
(`viewers`); for everyone else they do not exist, on a page, in a list or in a pair.
Every other module asks here, so the rule is written once. The rule is for the
signed-in staff account unless an account is given; outside a request nobody is
signed in, and nobody sees a protected person.
"""

from __future__ import annotations

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import ColumnElement, Table, and_, or_, select
from sqlalchemy.orm import Session

from models import Coordinator, Match, Newcomer, Volunteer
from models.privacy import protected_newcomer_viewers, protected_volunteer_viewers

from . import audit

Person = Volunteer | Newcomer
_VIEWERS: dict[type[Person], tuple[Table, str]] = {
    Volunteer: (protected_volunteer_viewers, "volunteer_id"),
    Newcomer: (protected_newcomer_viewers, "newcomer_id"),
}


def signed_in() -> Coordinator | None:
    """Return the signed-in staff account, or None outside a request or before signing in."""
    if not has_request_context() or not current_user.is_authenticated:
        return None
    account: Coordinator = current_user._get_current_object()
    return account


def _account_id(account: Coordinator | None) -> int | None:
    chosen = account or signed_in()
    return chosen.id if chosen is not None else None


def may_see(person: Person, account: Coordinator | None = None) -> bool:
    """Tell whether the account (the signed-in one by default) may see `person`."""
    if not person.protected:
        return True
    account_id = _account_id(account)
    return account_id is not None and any(viewer.id == account_id for viewer in person.viewers)


def may_see_pair(match: Match, account: Coordinator | None = None) -> bool:
    """Tell whether the account may see both people of a pair."""
    return may_see(match.newcomer, account) and may_see(match.volunteer, account)


def visible(model: type[Person], account: Coordinator | None = None) -> ColumnElement[bool]:
    """Return the clause that keeps, of `model`'s rows, the people the account may see."""
    table, owner = _VIEWERS[model]
    account_id = _account_id(account)
    if account_id is None:
        return model.protected.is_(False)
    named = select(table.c[owner]).where(table.c.coordinator_id == account_id)
    return or_(model.protected.is_(False), model.id.in_(named))


def hidden(model: type[Person], account: Coordinator | None = None) -> ColumnElement[bool]:
    """Return the clause that keeps the people the account may not see (few: only protected ones)."""
    return and_(model.protected.is_(True), ~visible(model, account))


def visible_pairs(account: Coordinator | None = None) -> ColumnElement[bool]:
    """Return the clause that keeps the pairs whose two people the account may both see."""
    return and_(Match.newcomer_id.not_in(select(Newcomer.id).where(hidden(Newcomer, account))),
                Match.volunteer_id.not_in(select(Volunteer.id).where(hidden(Volunteer, account))))


def place_name(person: Person) -> str:
    """Return where a person lives as far as may be said: a protected person's municipality only."""
    municipality = person.place.municipality.name
    return municipality if person.protected else f"{person.place.name}, {municipality}"


def record_view(session: Session, person: Person) -> None:
    """Log that a staff page showed a protected person; once a request, whichever pages' code asks.

    Committed at once: a GET has nothing else to commit, and the view has happened.
    """
    if not person.protected:
        return
    seen: set[tuple[str, int]] = g.setdefault("protected_views", set())
    key = (type(person).__name__, person.id)
    if key in seen:
        return
    seen.add(key)
    audit.record(session, signed_in(), "read", person, page=request.endpoint or "")
    session.commit()


def set_protection(session: Session, person: Person, actor: Coordinator, *, protected: bool,
                   viewers: list[Coordinator]) -> bool:
    """Flag a person as protected, seen only by `viewers`, or lift the flag; tell whether anything changed.

    The log says how many may see the person, never who: the log is read more widely than the person.
    """
    named = viewers if protected else []
    if person.protected == protected and {v.id for v in person.viewers} == {v.id for v in named}:
        return False
    person.protected = protected
    person.viewers = named
    audit.record(session, actor, "protected" if protected else "unprotected", person, viewers=len(named))
    session.commit()
    return True
