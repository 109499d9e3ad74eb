"""Disposal decisions (gallringsbeslut): who is due in an organisation under archive law, and the admin's decision.

The page shows the people due without a name or contact, only what a decision
needs; the decision covers those shown, and `kompis purge-expired` erases them.
"""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_skeleton
from flask import abort, flash, render_template, request
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response
from wtforms import HiddenField, StringField
from wtforms.validators import InputRequired, Length

from models import DisposalDecision, ErasurePolicy, Organisation

from .. import db
from ..coordinator.redirects import see_other
from ..fields import KompisForm, clean_text
from ..i18n import current_language
from ..privacy.retention import DUE_LIST_LIMIT, Due, due_for_decision, record_decision
from .access import admin_required, bp

# Past decisions shown on the page, newest first.
DECISIONS_SHOWN = 50


class DisposalForm(KompisForm):
    """A disposal decision's reference, over the people the page listed."""

    reference = StringField(
        _l("The decision's reference (diarienummer)"), filters=[clean_text],
        validators=[InputRequired(_l("Enter the decision's reference")),
                    Length(max=120, message=_l("Write at most 120 characters"))])
    volunteer_ids = HiddenField()
    newcomer_ids = HiddenField()


def _ids(value: str | None) -> list[int]:
    """Return the ids a hidden field carries; anything that is not one is left out, as a person never sends it."""
    return [int(word) for word in (value or "").split()[:DUE_LIST_LIMIT] if word.isdigit() and len(word) < 10]


def _month(moment: datetime) -> str:
    """Return a moment's month in the reader's language and the app's time zone ("december 2026")."""
    return format_skeleton("yMMMM", moment.astimezone(get_timezone()), locale=current_language())


def _page(organisation: Organisation, form: DisposalForm, due: Due, status: int = 200) -> tuple[str, int]:
    decisions = db.session().scalars(
        select(DisposalDecision).where(DisposalDecision.organisation_id == organisation.id)
        .options(selectinload(DisposalDecision.decided_by))
        .order_by(DisposalDecision.decided_at.desc(), DisposalDecision.id.desc()).limit(DECISIONS_SHOWN))
    return render_template("admin/disposal.html", organisation=organisation, form=form, due=due,
                           decisions=list(decisions), month=_month,
                           decides=organisation.erasure_policy == ErasurePolicy.DISPOSAL_DECISION), status


def _form_for(due: Due) -> DisposalForm:
    return DisposalForm(formdata=None, data={"volunteer_ids": " ".join(map(str, due.ids("volunteer"))),
                                             "newcomer_ids": " ".join(map(str, due.ids("newcomer")))})


@bp.route("/organisations/<int:organisation_id>/disposal", methods=["GET", "POST"])
@admin_required
def disposal(organisation_id: int) -> Response | tuple[str, int]:
    """List who is due for a disposal decision, and record one over them."""
    session = db.session()
    organisation = session.get(Organisation, organisation_id) or abort(404)
    due = due_for_decision(session, organisation)
    if request.method == "GET":
        return _page(organisation, _form_for(due), due)
    form = DisposalForm()
    if not form.validate_on_submit():
        return _page(organisation, form, due, 400)
    decision = record_decision(session, organisation, current_user, form.reference.data,
                               _ids(form.volunteer_ids.data), _ids(form.newcomer_ids.data))
    if decision is None:
        flash(_("Nobody on the list is still waiting for a decision, so none was recorded."), "info")
    else:
        flash(_("The decision is recorded. The people it covers are erased the next time the daily "
                "clean-up runs."), "success")
    return see_other("admin.disposal", organisation_id=organisation_id)
