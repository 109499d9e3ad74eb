"""The newcomer's journey: ask for a kompis."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from models import Coordinator, Newcomer, SwedishLevel

from .. import db, mail
from ..choices import goal_choices, goal_descriptions, language_choices, language_codes
from ..extensions import limiter
from ..i18n import current_language, interface_language_for
from ..person_form import person_data
from ..ratelimits import contact_from_form, no_contact_given, signup_per_email, signup_per_ip
from ..registration import Registration, register_newcomer
from ..views import form_checks_csrf
from . import steps
from .forms import NewcomerForm

bp = Blueprint("newcomer", __name__, url_prefix="/newcomer")


def prepare_request_form(form: NewcomerForm, session: Session) -> NewcomerForm:
    """Offer the reference data's choices in a newcomer form (public or assisted)."""
    newcomer_common, _, every = language_codes(session)
    spoken = [code for code in every if code != "sv"]  # Swedish has its own question
    form.offer_choices(session, languages=spoken, listed=[c for c in newcomer_common if c != "sv"])
    form.goals.choices = goal_choices(session)
    form.goal_hints = goal_descriptions(session)
    form.offer_contact_languages(language_choices(newcomer_common or every))
    return form


def save_request(form: NewcomerForm, session: Session, registered_by: Coordinator | None = None) -> Registration:
    """Store the checked answers of a newcomer form.

    The interface language kept is the one the newcomer read the form in; when
    staff filled it in, the language chosen for contact, if Kompis speaks it.
    """
    contact_language = form.contact_language.data
    reading = current_language() if registered_by is None else interface_language_for(contact_language)
    data = person_data(form, ui_language=reading, goals=form.goals.data)
    return register_newcomer(
        session,
        data,
        swedish_level=SwedishLevel(form.swedish_level.data),
        contact_language=contact_language,
        registered_by=registered_by,
    )


def _later_step() -> bool:
    """Tell whether a post is a step after the first: only the first gives contact details, and counts."""
    return request.args.get("step", steps.STEPS[0].slug) != steps.STEPS[0].slug


@bp.route("/request", methods=["GET", "POST"])
@limiter.limit(signup_per_ip, methods=["POST"], exempt_when=_later_step)
@limiter.limit(signup_per_email, methods=["POST"], key_func=contact_from_form,
               exempt_when=no_contact_given)
@form_checks_csrf
def request_contact() -> Response | tuple[str, int] | str:
    """Take a newcomer's request for a kompis, a short step at a time (or all at once, posted whole)."""
    session = db.session()
    if request.method == "POST" and "step" not in request.args:
        return _whole_request(session)
    step = steps.step_named(request.args.get("step"))
    if request.method == "GET":
        form = prepare_request_form(NewcomerForm(formdata=steps.draft() or None), session)
        return _step_page(form, step)
    answers = steps.keep(step, request.form)
    answers["csrf_token"] = request.form.get("csrf_token", "")
    form = prepare_request_form(NewcomerForm(formdata=answers), session)
    before = steps.neighbour(step, -1)
    if request.form.get("action") == "back" and before is not None:
        return redirect(url_for("newcomer.request_contact", step=before.slug), code=303)
    if not steps.validate_step(form, step):
        return _step_page(form, step, 400)
    after = steps.neighbour(step, +1)
    if after is not None:
        return redirect(url_for("newcomer.request_contact", step=after.slug), code=303)
    if not form.validate():
        return _step_page(form, steps.first_step_with_errors(form), 400)
    _send(form, session)
    steps.forget()
    return redirect(url_for("newcomer.request_sent"))


def _step_page(form: NewcomerForm, step: steps.Step, status: int = 200) -> tuple[str, int]:
    """Render one step, with the errors of its own fields only."""
    for field in form:
        if field.name not in step.fields and field.name != "csrf_token":
            field.errors = []
    return render_template("newcomer/request.html", form=form, step=step, steps=steps.STEPS,
                           number=steps.STEPS.index(step) + 1), status


def _whole_request(session: Session) -> Response | tuple[str, int]:
    """Take the whole request posted at once (a form of an organisation's own, or an older page)."""
    form = prepare_request_form(NewcomerForm(), session)
    if form.validate_on_submit():
        _send(form, session)
        return redirect(url_for("newcomer.request_sent"))
    return _step_page(form, steps.first_step_with_errors(form), 400)


def _send(form: NewcomerForm, session: Session) -> None:
    """Store a checked request and confirm it, unless a robot filled in the hidden field."""
    if not form.is_robot():
        outcome = save_request(form, session)
        send_receipt(outcome.person)  # type: ignore[arg-type]


def send_receipt(newcomer: Newcomer) -> None:
    """Tell a newcomer who gave an e-mail address, in the language chosen for contact, that we have it."""
    if newcomer.email:
        language = interface_language_for(newcomer.contact_language, fallback=newcomer.ui_language)
        message = mail.compose(newcomer.email, "newcomer_received", language, name=newcomer.name)
        mail.send(message)


@bp.get("/request/sent")
def request_sent() -> str:
    """Say what happens next after a request."""
    return render_template("newcomer/request_sent.html")
