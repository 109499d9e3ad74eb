"""The organisation's own wording of the introduction and the invitation, per language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from models import EDITABLE_PURPOSES, MessagePurpose, MessageTemplate, Organisation

from .. import audit, db
from ..i18n import available_languages
from ..pairs import wording
from ..pairs.words import PURPOSE_LABELS
from .access import bp, coordinator_required
from .pair_forms import WordingForm

PLACEHOLDER_LABELS = {
    "name": _l("the first name of the person who gets the message"),
    "kompis": _l("the first name of their kompis"),
    "common": _l("what the two have in common"),
    "contact": _l("the contact details the kompis agreed to share"),
    "advice": _l("a few words of advice for the first meeting"),
    "coordinator": _l("your name"),
    "organisation": _l("the organisation's name"),
    "date": _l("the date of the meeting"),
    "time": _l("the time of the meeting"),
    "place": _l("the place of the meeting"),
    "link": _l("the personal link"),
}


def _purpose(name: str) -> MessagePurpose:
    try:
        purpose = MessagePurpose(name)
    except ValueError:
        abort(404)
    if purpose not in EDITABLE_PURPOSES:
        abort(404)
    return purpose


def _language(code: str) -> str:
    if code not in available_languages():
        abort(404)
    return code


@dataclass(frozen=True)
class WordingPages:
    """Whose wording the pages edit, and where they live: the coordinator's own, or any, for an admin."""

    organisation_id: int
    list_endpoint: str
    page_endpoint: str
    ids: dict[str, Any] = field(default_factory=dict)

    def page_url(self, purpose: MessagePurpose, language: str) -> str:
        return url_for(self.page_endpoint, purpose_name=purpose.value, language_code=language, **self.ids)

    def list_url(self) -> str:
        return url_for(self.list_endpoint, **self.ids)


def _own() -> WordingPages:
    return WordingPages(current_user.organisation_id, "coordinator.wordings", "coordinator.wording_page")


def list_wordings(pages: WordingPages) -> str:
    """List the messages an organisation may word itself, in every language, and which it has."""
    own = {(t.purpose, t.language) for t in db.session().scalars(
        select(MessageTemplate).where(MessageTemplate.organisation_id == pages.organisation_id))}
    organisation = db.session().get(Organisation, pages.organisation_id)
    return render_template("coordinator/wordings.html", purposes=EDITABLE_PURPOSES, languages=available_languages(),
                           own=own, purpose_labels=PURPOSE_LABELS, pages=pages, organisation=organisation)


def _page(pages: WordingPages, form: WordingForm, purpose: MessagePurpose, language: str, status: int = 200
          ) -> tuple[str, int]:
    return render_template("coordinator/wording.html", form=form, purpose=purpose, language=language,
                           placeholders=wording.PLACEHOLDERS[purpose], labels=PLACEHOLDER_LABELS,
                           purpose_labels=PURPOSE_LABELS, pages=pages), status


def show_wording(pages: WordingPages, purpose_name: str, language_code: str) -> tuple[str, int]:
    """Show one message's wording in one language, the organisation's own or Kompis's."""
    purpose, language = _purpose(purpose_name), _language(language_code)
    current = wording.wording_for(db.session(), pages.organisation_id, purpose, language)
    return _page(pages, WordingForm(formdata=None, subject=current.subject, body=current.body), purpose, language)


def save_wording_of(pages: WordingPages, purpose_name: str, language_code: str) -> Response | tuple[str, int]:
    """Keep the organisation's wording, refused with a message when a placeholder is broken; or reset it."""
    purpose, language = _purpose(purpose_name), _language(language_code)
    session = db.session()
    organisation_id = pages.organisation_id
    form = WordingForm()
    if form.action.data == "reset" and form.csrf_token.validate(form):
        session.execute(delete(MessageTemplate).where(MessageTemplate.organisation_id == organisation_id,
                                                      MessageTemplate.purpose == purpose,
                                                      MessageTemplate.language == language))
        _audit(session, organisation_id, purpose, language, "wording_reset")
        flash(_("Kompis's own wording is used again."), "success")
        return redirect(pages.page_url(purpose, language), code=303)
    if not form.validate_on_submit():
        return _page(pages, form, purpose, language, 400)
    body = (form.body.data or "").replace("\r\n", "\n")
    for checked, text in ((form.subject, form.subject.data or ""), (form.body, body)):
        try:
            wording.check(text, purpose)
        except wording.WordingError as problem:
            checked.errors = [problem.message]
            return _page(pages, form, purpose, language, 400)
    own = session.scalar(select(MessageTemplate).where(
        MessageTemplate.organisation_id == organisation_id, MessageTemplate.purpose == purpose,
        MessageTemplate.language == language))
    if own is None:
        own = MessageTemplate(organisation_id=organisation_id, purpose=purpose, language=language)
        session.add(own)
    own.subject, own.body, own.updated_by_id = form.subject.data or "", body, current_user.id
    _audit(session, organisation_id, purpose, language, "wording_changed")
    flash(_("The wording is saved. It is used from the next introduction."), "success")
    return redirect(pages.page_url(purpose, language), code=303)


def _audit(session: Session, organisation_id: int, purpose: MessagePurpose, language: str, action: str) -> None:
    organisation = session.get(Organisation, organisation_id)  # in the session's identity map already
    assert organisation is not None  # noqa: S101 - the pages' organisation exists
    audit.record(session, current_user, action, organisation, purpose=purpose.value, language=language)
    session.commit()


@bp.get("/wording")
@coordinator_required
def wordings() -> str:
    """List the organisation's messages and which it words itself."""
    return list_wordings(_own())


@bp.get("/wording/<purpose_name>/<language_code>")
@coordinator_required
def wording_page(purpose_name: str, language_code: str) -> tuple[str, int]:
    """Show one message's wording in one language."""
    return show_wording(_own(), purpose_name, language_code)


@bp.post("/wording/<purpose_name>/<language_code>")
@coordinator_required
def save_wording(purpose_name: str, language_code: str) -> Response | tuple[str, int]:
    """Keep the organisation's wording of one message in one language."""
    return save_wording_of(_own(), purpose_name, language_code)
