"""Correcting a person's answers: their own sign-up questions, filled in, with the sign-up's checks.

Staff correct on a person's behalf (web/coordinator/edit.py) and people correct themselves at
/me/edit: both build the form and store it here, so the questions and checks are written once.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from models import Newcomer, SwedishLevel, Volunteer

from .choices import goal_choices, goal_descriptions, language_codes, place_choices
from .fields import availability_slots, options
from .newcomer.forms import AssistedNewcomerForm, NewcomerForm
from .newcomer.routes import prepare_request_form
from .person_form import DISTANCE_CHOICES, person_data
from .registration import EditRefused, correct_person, email_key
from .volunteer.forms import VolunteerForm
from .volunteer.routes import send_confirmation

CorrectionForm = VolunteerForm | NewcomerForm


def answers_of(person: Volunteer | Newcomer) -> MultiDict[str, str]:
    """Return a person's stored answers as their form would post them."""
    posted: list[tuple[str, str]] = [
        ("name", person.name), ("email", person.email or ""), ("phone", person.phone or ""),
        ("birth_year", str(person.birth_year)), ("gender", person.gender.value if person.gender else ""),
        ("place", str(person.place_id)), ("max_distance_km", str(person.max_distance_km)),
        ("gender_preference", person.gender_preference.value if person.gender_preference else ""),
        ("notes", person.notes), ("consent", "y")]
    posted += [("share", kind) for kind, shared in (("email", person.share_email), ("phone", person.share_phone))
               if shared]
    posted += [(f"languages-{s.language_code}", str(s.level)) for s in person.languages]
    posted += [("interests", i.code) for i in person.interests]
    posted += [("availability", slot) for slot in availability_slots(person.availability)]
    posted += [("what_matters", component) for component in person.what_matters]
    if isinstance(person, Volunteer):
        posted += [("capacity", str(person.capacity))] + [("help_offered", g.code) for g in person.help_offered]
    else:
        posted += [("swedish_level", person.swedish_level.value), ("contact_language", person.contact_language or "")]
        posted += [("goals", g.code) for g in person.goals]
    return MultiDict(posted)


def correction_form(session: Session, person: Volunteer | Newcomer, formdata: Any, *,
                    staff: bool) -> CorrectionForm:
    """Return the person's sign-up form over `formdata`, offering the places of the person's own organisation.

    A newcomer gets the request as they read it themselves, or, with `staff`, as staff fill it in with them.
    """
    form: CorrectionForm
    if isinstance(person, Newcomer):
        asked = AssistedNewcomerForm(formdata=formdata) if staff else NewcomerForm(formdata=formdata)
        form = prepare_request_form(asked, session)
    else:
        form = VolunteerForm(formdata=formdata)
        _newcomer_common, volunteer_common, every = language_codes(session)
        form.offer_choices(session, languages=every, listed=volunteer_common)
        form.help_offered.choices = goal_choices(session)
        form.goal_hints = goal_descriptions(session)
    form.place.choices = place_choices(session, person.organisation_id)
    if person.max_distance_km not in DISTANCE_CHOICES:  # stored by an older form or an import: keep it offered
        form.max_distance_km.choices = options(sorted(
            [(d, _("%(km)s km", km=d)) for d in DISTANCE_CHOICES] + [(person.max_distance_km,
                                                                      _("%(km)s km", km=person.max_distance_km))]))
    return form


def store_corrections(session: Session, person: Volunteer | Newcomer, form: CorrectionForm, *,
                      staff: bool) -> list[str] | None:
    """Store the answers of a checked form; return the names of those changed, or None with the refusal on its field.

    Nothing is committed: the caller records who changed what, then commits. After a
    refusal the session is rolled back, so `person` reads as stored.
    """
    if _address_taken(session, person, form.email.data):
        form.email.errors = [_("Someone else already uses this e-mail address.")]
        return None
    data = person_data(form, ui_language=person.ui_language,
                       goals=form.goals.data if isinstance(form, NewcomerForm) else form.help_offered.data)
    try:
        if isinstance(form, NewcomerForm):
            return correct_person(session, person, data, swedish_level=SwedishLevel(form.swedish_level.data),
                                  contact_language=form.contact_language.data)
        return correct_person(session, person, data, capacity=form.capacity.data)
    except EditRefused as refused:
        session.rollback()
        form[refused.field].errors = [_refusal(refused.field, person, staff=staff)]
    except IntegrityError:  # the same address taken at the same moment by someone else
        session.rollback()
        form.email.errors = [_("Someone else already uses this e-mail address.")]
    return None


def confirm_new_address(person: Volunteer | Newcomer, changed: list[str]) -> bool:
    """Send a volunteer whose e-mail address changed the link that confirms the new one; tell whether it went.

    Call it after the commit, so no link goes out for a change that was not stored. A newcomer's
    address is confirmed by staff being in touch, not by a link.
    """
    if not isinstance(person, Volunteer) or "email" not in changed or not person.email:
        return False
    send_confirmation(person)
    return True


def change_sharing(person: Volunteer | Newcomer, share: list[str]) -> list[str]:
    """Set which contact details the kompis may get, of those the person has; return the answers changed.

    It counts for introductions from now on: a kompis introduced earlier keeps what was shared then.
    """
    before = {"share_email": person.share_email, "share_phone": person.share_phone}
    person.share_email = "email" in share and bool(person.email)
    person.share_phone = "phone" in share and bool(person.phone)
    return [name for name, was in before.items() if getattr(person, name) != was]


def _address_taken(session: Session, person: Volunteer | Newcomer, email: str | None) -> bool:
    """Tell whether another person on the same side already uses this address (one address, one person)."""
    key = email_key(email)
    if key is None or key == person.email_key:
        return False
    model = type(person)
    return session.scalar(select(model.id).where(model.email_key == key, model.id != person.id)) is not None


def _refusal(field: str, person: Volunteer | Newcomer, *, staff: bool) -> str:
    """Return why the rules refuse a correction, worded to staff or to the person."""
    if field != "capacity":
        return _("Choose a place your organisation serves.")
    seats = getattr(person, "open_matches", 0)
    if staff:
        return ngettext("%(name)s has %(num)d open pair: end it first, or keep the number.",
                        "%(name)s has %(num)d open pairs: end one first, or keep the number.",
                        seats, name=person.name)
    return ngettext("You have %(num)d kompis now. Choose at least %(num)d.",
                    "You have %(num)d kompisar now. Choose at least %(num)d.", seats)
