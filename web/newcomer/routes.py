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
        arrival_year=form.arrival_year.data,
        registered_by=registered_by,
    )


@bp.route("/request", methods=["GET", "POST"])
@limiter.limit(signup_per_ip, methods=["POST"])
@limiter.limit(signup_per_email, methods=["POST"], key_func=contact_from_form,
               exempt_when=no_contact_given)
@form_checks_csrf
def request_contact() -> Response | tuple[str, int] | str:
    """Take a newcomer's request for a kompis."""
    session = db.session()
    form = prepare_request_form(NewcomerForm(), session)
    if form.validate_on_submit():
        if not form.is_robot():
            outcome = save_request(form, session)
            send_receipt(outcome.person)  # type: ignore[arg-type]
        return redirect(url_for("newcomer.request_sent"))
    if request.method == "POST":
        return render_template("newcomer/request.html", form=form), 400
    return render_template("newcomer/request.html", form=form)


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
