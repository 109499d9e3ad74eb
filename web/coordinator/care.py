"""The coordinator's care of people: a dated contact log on a person or a pair, and a confirmation sent again."""

from __future__ import annotations

from flask import abort, flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload
from werkzeug.wrappers import Response
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length

from models import ContactNote, Match, Newcomer, PersonStatus, Volunteer

from .. import audit, db
from ..fields import KompisForm, clean_text
from ..matching.queries import get_match
from ..people import get_participant, get_person
from ..volunteer.routes import send_confirmation
from .access import bp, coordinator_required
from .forms import ActionForm
from .redirects import see_other


def notes_of(session: Session, subject: Newcomer | Volunteer | Match) -> list[ContactNote]:
    """Return the contact log of a person or a pair, oldest first."""
    column = {Newcomer: ContactNote.newcomer_id, Volunteer: ContactNote.volunteer_id,
              Match: ContactNote.match_id}[type(subject)]
    return list(session.scalars(select(ContactNote).where(column == subject.id)
                                .options(joinedload(ContactNote.author)).order_by(ContactNote.at, ContactNote.id)))


class NoteForm(KompisForm):
    """One line of the contact log."""

    text = TextAreaField(_l("Add to the contact log"), filters=[clean_text],
                         validators=[InputRequired(_l("Write what happened, e.g. \u201ccalled, no answer\u201d")),
                                     Length(max=1000, message=_l("Write at most 1,000 characters"))])


@bp.post("/<any(volunteers, newcomers):kind>/<int:person_id>/notes")
@coordinator_required
def add_person_note(kind: str, person_id: int) -> Response:
    """Add a dated line to a person's contact log."""
    session = db.session()
    organisation_id = current_user.organisation_id
    person = get_participant(session, kind, person_id, organisation_id)
    form = NoteForm()
    if not form.validate_on_submit():
        flash(str(form.text.errors[0]) if form.text.errors else _("The note could not be saved."), "error")
        return see_other("coordinator.person", kind=kind, person_id=person_id)
    session.add(ContactNote(organisation_id=organisation_id, author_id=current_user.id, text=form.text.data or "",
                            newcomer_id=person.id if kind == "newcomers" else None,
                            volunteer_id=person.id if kind == "volunteers" else None))
    audit.record(session, current_user, "noted", person)
    session.commit()
    return see_other("coordinator.person", kind=kind, person_id=person_id, _anchor="contact-log")


@bp.post("/matches/<int:match_id>/notes")
@coordinator_required
def add_pair_note(match_id: int) -> Response:
    """Add a dated line to a pair's contact log."""
    session = db.session()
    match = get_match(session, match_id, current_user.organisation_id)
    form = NoteForm()
    if not form.validate_on_submit():
        flash(str(form.text.errors[0]) if form.text.errors else _("The note could not be saved."), "error")
        return see_other("coordinator.match", match_id=match_id)
    session.add(ContactNote(organisation_id=match.organisation_id, match_id=match.id, author_id=current_user.id,
                            text=form.text.data or ""))
    audit.record(session, current_user, "noted", match)
    session.commit()
    return see_other("coordinator.match", match_id=match_id, _anchor="contact-log")


@bp.post("/volunteers/<int:person_id>/resend-confirmation")
@coordinator_required
def resend_confirmation(person_id: int) -> Response:
    """Send a pending volunteer their confirmation link again."""
    session = db.session()
    volunteer = get_person(session, Volunteer, person_id, current_user.organisation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if volunteer.status != PersonStatus.PENDING or volunteer.email_confirmed_at is not None:
        flash(_("The address is confirmed already; nothing was sent."), "info")
    else:
        send_confirmation(volunteer)
        audit.record(session, current_user, "resent_confirmation", volunteer)
        session.commit()
        flash(_("The confirmation link is sent again, in the volunteer's language."), "success")
    return see_other("coordinator.person", kind="volunteers", person_id=person_id)
