"""`/me`: ask for a link, open it, then see, download, pause and erase one's own data."""

from __future__ import annotations

import json

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from models import Match, Message, Newcomer, PersonStatus

from .. import audit, db, mail, sms
from ..coordinator.forms import ActionForm
from ..correction import (
    CorrectionForm,
    answers_of,
    change_sharing,
    confirm_new_address,
    correction_form,
    store_corrections,
)
from ..extensions import limiter
from ..i18n import current_language
from ..links import LinkError
from ..pairs.lifecycle import pause, reactivate
from ..pairs.reach import Person, first_name, message_language
from ..privacy.erasure import erase
from ..privacy.export import export
from ..privacy.notice import build_notice, has_read_current, record_reading
from ..ratelimits import signup_per_ip
from ..views import external_url, form_checks_csrf
from .access import current_person, kind_of, leave, link_token, open_link, people_reached_by
from .forms import AskForm, SharingForm

bp = Blueprint("me", __name__, url_prefix="/me")


@bp.after_request
def never_cache(response: Response) -> Response:
    """Keep a person's own data out of every cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("", methods=["GET", "POST"])
@limiter.limit(signup_per_ip, methods=["POST"])
@form_checks_csrf
def ask() -> str | tuple[str, int]:
    """Send a link to the address or number, if we know it; answer the same either way."""
    form = AskForm()
    if form.validate_on_submit():
        session = db.session()
        for person, channel in people_reached_by(session, form.contact.data):
            _send_link(person, channel)
        return render_template("me/sent.html")
    return render_template("me/ask.html", form=form), 400 if form.is_submitted() else 200


def _send_link(person: Person, channel: str) -> None:
    """Send the link the way the person was found: to the address, or by SMS to the number."""
    language = message_language(person)
    link = external_url("me.open", kind=kind_of(person), token=link_token(person), lang=language)
    if channel == "email":
        mail.send(mail.compose(person.email or "", "me_link", language, link=link))
        return
    with force_locale(language):
        text = _("Your link to what Kompis holds about you. It works once, for 30 minutes: %(link)s", link=link)
    sms.send(person.phone or "", text, reference=f"me-{kind_of(person)}-{person.id}")


@bp.route("/<any(volunteer, newcomer):kind>/<token>", methods=["GET", "POST"])
@form_checks_csrf
def open(kind: str, token: str) -> Response | str | tuple[str, int]:  # noqa: A001 - the link's own name
    """Show a button; pressing it spends the link and opens the person's page in this browser."""
    session = db.session()
    form = ActionForm()
    try:
        open_link(session, kind, token, use=False)
        if form.validate_on_submit():
            open_link(session, kind, token, use=True)
            return redirect(url_for("me.data"))
    except LinkError as problem:
        return render_template("me/link_problem.html", reason=problem.reason), 410
    return render_template("me/open.html", form=form), 400 if form.is_submitted() else 200


def _reader() -> Person:
    """Return whose page this browser opened, or send it to ask for a link."""
    person = current_person(db.session())
    if person is None:
        abort(redirect(url_for("me.ask")))
    return person


def _person() -> Person:
    """Return whose page this is, once they have read the current privacy notice; until then, send them to it."""
    person = _reader()
    if not has_read_current(person):
        abort(redirect(url_for("me.notice")))
    return person


@bp.route("/notice", methods=["GET", "POST"])
def notice() -> Response | str:
    """Show the privacy notice; one who agreed to an older version says they have read this one, then goes on."""
    person = _reader()
    session = db.session()
    if request.method == "GET":
        return render_template("me/notice.html", notice=build_notice(session, person.organisation_id),
                               read=has_read_current(person), action_form=ActionForm())
    if not ActionForm().validate_on_submit():
        abort(400)
    record_reading(session, person)
    session.commit()
    return redirect(url_for("me.data"), code=303)


@bp.get("/data")
def data() -> str:
    """Show everything Kompis holds about the person, in words."""
    session = db.session()
    person = _person()
    column = Match.newcomer_id if isinstance(person, Newcomer) else Match.volunteer_id
    pairs = list(session.scalars(select(Match).where(column == person.id).order_by(Match.created_at)))
    own = Message.newcomer_id if isinstance(person, Newcomer) else Message.volunteer_id
    messages = list(session.scalars(select(Message).where(own == person.id).order_by(Message.created_at)))
    kompis = {m.id: first_name(m.volunteer if isinstance(person, Newcomer) else m.newcomer) for m in pairs}
    return render_template("me/data.html", person=person, kind=kind_of(person), pairs=pairs, kompis=kompis,
                           messages=messages, action_form=ActionForm(), language=current_language())


@bp.route("/edit", methods=["GET", "POST"])
def edit() -> Response | tuple[str, int]:
    """Show the person's own sign-up questions with their answers; store corrections, checked as at sign-up."""
    person = _person()
    session = db.session()
    if request.method == "GET":
        return _edit_page(person, correction_form(session, person, answers_of(person), staff=False))
    form = correction_form(session, person, request.form, staff=False)
    if not form.validate_on_submit():
        return _edit_page(person, form, 400)
    changed = store_corrections(session, person, form, staff=False)
    if changed is None:
        return _edit_page(person, form, 400)
    if changed:
        audit.record(session, None, "edited", person, fields=changed, by="self")  # which answers, never their values
    session.commit()
    flash(_("Your changes are saved.") if changed else _("Nothing was changed."), "success")
    if confirm_new_address(person, changed):
        flash(_("We have sent a link to your new e-mail address. Open it to confirm the address."), "info")
    return redirect(url_for("me.data"), code=303)


def _edit_page(person: Person, form: CorrectionForm, status: int = 200) -> tuple[str, int]:
    return render_template("me/edit.html", person=person, kind=kind_of(person), form=form), status


@bp.route("/sharing", methods=["GET", "POST"])
def sharing() -> Response | tuple[str, int]:
    """Choose which contact details a kompis may get when we introduce you; it counts from now on."""
    person = _person()
    if request.method == "GET":
        shared = [kind for kind, on in (("email", person.share_email), ("phone", person.share_phone)) if on]
        return render_template("me/sharing.html", form=SharingForm(share=shared).offer_details_of(person)), 200
    form = SharingForm().offer_details_of(person)
    if not form.validate_on_submit():
        return render_template("me/sharing.html", form=form), 400
    session = db.session()
    changed = change_sharing(person, form.share.data)
    if changed:
        audit.record(session, None, "edited", person, fields=changed, by="self")
    session.commit()
    flash(_("Saved. It counts when we introduce you to a kompis from now on.") if changed
          else _("Nothing was changed."), "success")
    return redirect(url_for("me.data"), code=303)


@bp.get("/data.json")
def download() -> Response:
    """Download all of it as JSON; never held back behind a new privacy notice."""
    person = _reader()
    body = json.dumps(export(db.session(), person), ensure_ascii=False, indent=1)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": 'attachment; filename="kompis-my-data.json"'})


@bp.post("/<any(pause, resume):action>")
def participation(action: str) -> Response:
    """Pause, or come back."""
    person = _person()
    if not ActionForm().validate_on_submit():
        abort(400)
    session = db.session()
    if action == "pause" and person.status in (PersonStatus.ACTIVE, PersonStatus.MATCHED, PersonStatus.PENDING):
        pause(session, person, None)
    elif action == "resume":
        reactivate(session, person, None)
    return redirect(url_for("me.data"), code=303)


@bp.route("/erase", methods=["GET", "POST"])
def erase_me() -> Response | str:
    """Say what erasing does; on the button, erase everything at once. Taking consent back needs no new notice read."""
    person = _reader()
    if request.method == "GET":
        return render_template("me/erase.html", action_form=ActionForm())
    if not ActionForm().validate_on_submit():
        abort(400)
    erase(db.session(), person, None)
    leave()
    return redirect(url_for("me.erased"), code=303)


@bp.get("/erased")
def erased() -> str:
    """Confirm that nothing is left."""
    return render_template("me/erased.html")
