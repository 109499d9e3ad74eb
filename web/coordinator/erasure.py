"""Erasing a person's data on their behalf, when they ask by phone or in person."""

from __future__ import annotations

from flask import abort, flash, render_template, request
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from .. import db
from ..people import get_participant
from ..privacy.erasure import erase
from .access import bp, coordinator_required
from .forms import ActionForm
from .redirects import see_other


@bp.route("/<any(volunteers, newcomers):kind>/<int:person_id>/erase", methods=["GET", "POST"])
@coordinator_required
def erase_person(kind: str, person_id: int) -> Response | str:
    """Say what erasing will do; on the button, erase the person's data at once."""
    session = db.session()
    person = get_participant(session, kind, person_id, current_user.organisation_id)
    if request.method == "GET":
        return render_template("coordinator/erase.html", person=person, kind=kind, action_form=ActionForm())
    if not ActionForm().validate_on_submit():
        abort(400)
    done = erase(session, person, current_user._get_current_object())
    flash(ngettext("The data is erased. %(num)d pair is kept only as a number in the reports.",
                   "The data is erased. %(num)d pairs are kept only as numbers in the reports.", done.pairs_counted),
          "success")
    return see_other("coordinator.people", kind=kind)
