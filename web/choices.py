"""Choices offered in forms, read from the reference data and labelled in the UI language."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session
from wtforms.fields.choices import SelectChoice

from models import Goal, Interest, Language, Municipality, Place

from .fields import options
from .i18n import language_name
from .interest_labels import interest_label


def place_choices(session: Session, organisation_id: int | None = None) -> list[SelectChoice]:
    """Return the localities people can choose, grouped by municipality.

    Only municipalities an organisation serves are offered: nobody else could match.
    """
    query = (
        select(Place.id, Place.name, Municipality.name)
        .join(Municipality, Place.municipality_code == Municipality.code)
        .where(Municipality.organisation_id.is_not(None))
        .order_by(Municipality.name, Place.is_seat.desc(), Place.name)
    )
    if organisation_id is not None:
        query = query.where(Municipality.organisation_id == organisation_id)
    return [SelectChoice(place_id, place_name, optgroup=municipality_name)
            for place_id, place_name, municipality_name in session.execute(query)]


def interest_choices(session: Session) -> list[SelectChoice]:
    """Return interests as choices with translated labels, sorted by label."""
    interests = session.scalars(select(Interest))
    return options(sorted(((i.code, interest_label(i.code, i.label)) for i in interests),
                          key=lambda c: c[1].casefold()))


def goal_choices(session: Session) -> list[SelectChoice]:
    """Return goals as choices with translated labels, in the vocabulary's order."""
    goals = session.scalars(select(Goal).order_by(Goal.position, Goal.code))
    return options((g.code, gettext(g.label)) for g in goals)


def goal_descriptions(session: Session) -> dict[str, str]:
    """Return each goal's translated description, shown as a hint beside it."""
    return {g.code: gettext(g.description) for g in session.scalars(select(Goal)) if g.description}


def language_codes(session: Session) -> tuple[list[str], list[str], list[str]]:
    """Return (common for newcomers, common for volunteers, all) language codes."""
    languages = list(session.scalars(select(Language)))
    by_name = sorted(languages, key=lambda lang: language_name(lang.code).casefold())
    return (
        [lang.code for lang in by_name if lang.common_newcomer],
        [lang.code for lang in by_name if lang.common_volunteer],
        [lang.code for lang in by_name],
    )


def language_choices(codes: list[str]) -> list[tuple[str, str]]:
    """Return (code, name in the UI language) pairs."""
    return [(code, language_name(code)) for code in codes]
