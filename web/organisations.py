"""Organisations: the municipality, group of municipalities or NGO that runs a kompisförmedling."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Municipality, Newcomer, Organisation, Place, Volunteer


class OrganisationError(ValueError):
    """An organisation that cannot be created as asked; the message says why."""


class OrganisationNameError(OrganisationError):
    """The organisation's name is missing or taken."""


def create_organisation(session: Session, name: str, municipality_names: Sequence[str]) -> Organisation:
    """Create an organisation serving the named municipalities, none of which another one serves."""
    name = _check_name(session, name, None)
    found = _municipalities(session, municipality_names, None)
    organisation = Organisation(name=name)
    session.add(organisation)
    session.flush()
    for municipality in found:
        municipality.organisation_id = organisation.id
    session.commit()
    session.refresh(organisation)
    return organisation


def update_organisation(session: Session, organisation: Organisation, name: str,
                        municipality_names: Sequence[str]) -> list[str]:
    """Rename `organisation` and set the municipalities it serves; return the names it no longer serves.

    A municipality where the organisation still has people cannot be let go:
    they would be left with nobody to match them.
    """
    organisation.name = _check_name(session, name, organisation)
    found = _municipalities(session, municipality_names, organisation)
    keep = {m.code for m in found}
    dropped = [m for m in organisation.municipalities if m.code not in keep]
    busy = [m.name for m in dropped if _has_people(session, m)]
    if busy:
        raise OrganisationError(
            _l("People in %(places)s are still with this organisation; they cannot be left without it.",
               places=", ".join(busy)))
    for municipality in dropped:
        municipality.organisation_id = None
    for municipality in found:
        municipality.organisation_id = organisation.id
    return [m.name for m in dropped]


def _has_people(session: Session, municipality: Municipality) -> bool:
    for model in (Volunteer, Newcomer):
        if session.scalar(select(model.id).join(Place, Place.id == model.place_id)
                          .where(Place.municipality_code == municipality.code,
                                 model.organisation_id == municipality.organisation_id).limit(1)):
            return True
    return False


def _check_name(session: Session, name: str, organisation: Organisation | None) -> str:
    name = " ".join(name.split())
    if not name:
        raise OrganisationNameError(_l("Give the organisation a name."))
    other = session.scalar(select(Organisation).where(Organisation.name == name))
    if other is not None and other is not organisation:
        raise OrganisationNameError(_l("There is already an organisation called %(name)s.", name=name))
    return name


def _municipalities(session: Session, names: Sequence[str], organisation: Organisation | None
                    ) -> list[Municipality]:
    wanted = [" ".join(m.split()) for m in names if m.strip()]
    if not wanted:
        raise OrganisationError(_l("Name at least one municipality the organisation serves."))
    everyone = {m.name.casefold(): m for m in session.scalars(select(Municipality))}
    unknown = [w for w in wanted if w.casefold() not in everyone]
    if unknown:
        raise OrganisationError(_l("No Swedish municipality is called %(names)s (write the name as in Kalmar, "
                                   "Upplands Väsby, Malung-Sälen).", names=", ".join(unknown)))
    found = [everyone[w.casefold()] for w in wanted]
    mine = organisation.id if organisation is not None else None
    taken = [m for m in found if m.organisation_id is not None and m.organisation_id != mine]
    if taken:
        owners = {m.name: session.get(Organisation, m.organisation_id) for m in taken}
        served = [str(_l("%(place)s by %(owner)s", place=place, owner=owner.name if owner else "?"))
                  for place, owner in owners.items()]
        raise OrganisationError(_l("Already served: %(places)s.", places=", ".join(served)))
    return found
