"""Organisations: the municipality, group of municipalities or NGO that runs a kompisförmedling."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Municipality, Organisation


class OrganisationError(ValueError):
    """An organisation that cannot be created as asked; the message says why."""


def create_organisation(session: Session, name: str, municipality_names: Sequence[str]) -> Organisation:
    """Create an organisation serving the named municipalities, none of which another one serves."""
    name = " ".join(name.split())
    if not name:
        raise OrganisationError("give the organisation a name")
    if session.scalar(select(Organisation).where(Organisation.name == name)) is not None:
        raise OrganisationError(f"there is already an organisation called {name!r}")
    wanted = [" ".join(m.split()) for m in municipality_names]
    found = {m.name.casefold(): m for m in session.scalars(
        select(Municipality).where(Municipality.name.in_(wanted)))}
    if len(found) < len(wanted):  # a second try without case: "kalmar" is Kalmar
        everyone = {m.name.casefold(): m for m in session.scalars(select(Municipality))}
        found = {key: everyone[key] for key in (w.casefold() for w in wanted) if key in everyone}
    unknown = [w for w in wanted if w.casefold() not in found]
    if unknown:
        raise OrganisationError(f"no Swedish municipality is called {', '.join(unknown)} "
                                f"(use the name as in Kalmar, Upplands Väsby, Malung-Sälen)")
    taken = [m for m in found.values() if m.organisation_id is not None]
    if taken:
        owners = {m.name: session.get(Organisation, m.organisation_id) for m in taken}
        raise OrganisationError("already served: " + ", ".join(
            f"{place} by {owner.name if owner else 'another organisation'}" for place, owner in owners.items()))
    organisation = Organisation(name=name)
    session.add(organisation)
    session.flush()
    for municipality in found.values():
        municipality.organisation_id = organisation.id
    session.commit()
    session.refresh(organisation)
    return organisation
