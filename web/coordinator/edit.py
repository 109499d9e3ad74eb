"""Correcting a person's answers on their behalf: the same questions and checks as at sign-up, every edit audited."""

from __future__ import annotations

from typing import Any

from flask import flash, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from models import Newcomer, SwedishLevel, Volunteer

from .. import audit, db
from ..choices import goal_choices, goal_descriptions, language_codes, place_choices
from ..fields import availability_slots, options
from ..newcomer.forms import AssistedNewcomerForm
from ..newcomer.routes import prepare_request_form
from ..people import get_participant
from ..person_form import DISTANCE_CHOICES, person_data
from ..registration import EditRefused, correct_person
from ..views import form_checks_csrf
from ..volunteer.forms import VolunteerForm
from .access import bp, coordinator_required
from .redirects import see_other


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
        posted += [("swedish_level", person.swedish_level.value), ("contact_language", person.contact_language or ""),
                   ("arrival_year", str(person.arrival_year or ""))] + [("goals", g.code) for g in person.goals]
    return MultiDict(posted)


def _form(kind: str, formdata: Any, person: Volunteer | Newcomer) -> VolunteerForm | AssistedNewcomerForm:
    session = db.session()
    if kind == "newcomers":
        form: VolunteerForm | AssistedNewcomerForm = prepare_request_form(AssistedNewcomerForm(formdata=formdata),
                                                                          session)
    else:
        form = VolunteerForm(formdata=formdata)
        _newcomer_common, volunteer_common, every = language_codes(session)
        form.offer_choices(session, languages=every, listed=volunteer_common)
        form.help_offered.choices = goal_choices(session)
        form.goal_hints = goal_descriptions(session)
    form.place.choices = place_choices(session, current_user.organisation_id)
    if person.max_distance_km not in DISTANCE_CHOICES:  # stored by an older form or an import: keep it offered
        form.max_distance_km.choices = options(sorted(
            [(d, _("%(km)s km", km=d)) for d in DISTANCE_CHOICES] + [(person.max_distance_km,
                                                                      _("%(km)s km", km=person.max_distance_km))]))
    return form


def _person(kind: str, person_id: int) -> Volunteer | Newcomer:
    return get_participant(db.session(), kind, person_id, current_user.organisation_id)


def _page(kind: str, person: Volunteer | Newcomer, form: Any, status: int = 200) -> tuple[str, int]:
    return render_template("coordinator/edit_person.html", kind=kind, person=person, form=form), status


@bp.route("/<any(volunteers, newcomers):kind>/<int:person_id>/edit", methods=["GET", "POST"])
@coordinator_required
@form_checks_csrf
def edit_person(kind: str, person_id: int) -> Response | tuple[str, int]:
    """Show a person's answers in their form; store the corrections, checked as at sign-up."""
    person = _person(kind, person_id)
    if request.method == "GET":
        return _page(kind, person, _form(kind, answers_of(person), person))
    form = _form(kind, request.form, person)
    if not form.validate_on_submit():
        return _page(kind, person, form, 400)
    session = db.session()
    data = person_data(form, ui_language=person.ui_language,
                       goals=form.goals.data if kind == "newcomers" else form.help_offered.data)
    try:
        if isinstance(form, AssistedNewcomerForm):
            changed = correct_person(session, person, data, swedish_level=SwedishLevel(form.swedish_level.data),
                                     contact_language=form.contact_language.data, arrival_year=form.arrival_year.data)
        else:
            changed = correct_person(session, person, data, capacity=form.capacity.data)
    except EditRefused as refused:
        session.rollback()
        seats = getattr(person, "open_matches", 0)
        form[refused.field].errors = [ngettext("%(name)s has %(num)d open pair: end it first, or keep the number.",
                                               "%(name)s has %(num)d open pairs: end one first, or keep the number.",
                                               seats, name=person.name)
                                      if refused.field == "capacity" else _("Choose a place your organisation serves.")]
        return _page(kind, person, form, 400)
    except IntegrityError:
        session.rollback()
        form.email.errors = [_("Someone else already uses this e-mail address.")]
        return _page(kind, _person(kind, person_id), form, 400)
    if changed:
        audit.record(session, current_user, "edited", person, fields=changed)  # which answers, never their values
    session.commit()
    flash(_("The changes are saved.") if changed else _("Nothing was changed."), "success")
    return see_other("coordinator.person", kind=kind, person_id=person_id)
