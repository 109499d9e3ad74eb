"""Correcting a person's answers on their behalf: the same questions and checks as at sign-up, every edit audited."""

from __future__ import annotations

from typing import Any

from flask import flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from models import Newcomer, Volunteer

from .. import audit, db
from ..correction import answers_of, confirm_new_address, correction_form, store_corrections
from ..people import get_participant
from ..views import form_checks_csrf
from .access import bp, coordinator_required
from .redirects import see_other


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
    session = db.session()
    if request.method == "GET":
        return _page(kind, person, correction_form(session, person, answers_of(person), staff=True))
    form = correction_form(session, person, request.form, staff=True)
    if not form.validate_on_submit():
        return _page(kind, person, form, 400)
    changed = store_corrections(session, person, form, staff=True)
    if changed is None:
        return _page(kind, _person(kind, person_id), form, 400)
    if changed:
        audit.record(session, current_user, "edited", person, fields=changed)  # which answers, never their values
    session.commit()
    flash(_("The changes are saved.") if changed else _("Nothing was changed."), "success")
    if confirm_new_address(person, changed):
        flash(_("A link to confirm the new e-mail address is sent to the volunteer, in their language."), "info")
    return see_other("coordinator.person", kind=kind, person_id=person_id)
