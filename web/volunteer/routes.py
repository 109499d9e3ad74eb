"""The volunteer's journey: sign up, then confirm the e-mail address."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from models import PersonStatus, Volunteer

from .. import db, mail
from ..choices import goal_choices, goal_descriptions, language_codes
from ..extensions import limiter
from ..i18n import current_language
from ..links import LinkError, check_nonce, make_link_token, read_link_token
from ..pairs.housekeeping import STILL_AVAILABLE, answer_still_available
from ..person_form import person_data
from ..ratelimits import contact_from_form, no_contact_given, signup_per_email, signup_per_ip
from ..registration import confirm_email, register_volunteer
from ..views import external_url, form_checks_csrf
from .forms import ConfirmEmailForm, StillAvailableForm, VolunteerForm

bp = Blueprint("volunteer", __name__, url_prefix="/volunteer")

CONFIRM = "volunteer-confirm"
# A "still available?" link, and the one that brings a paused volunteer back, work for a year.
STILL_AVAILABLE_MAX_AGE = 365 * 24 * 3600


def _signup_form() -> VolunteerForm:
    session = db.session()
    form = VolunteerForm()
    _, volunteer_common, every = language_codes(session)
    form.offer_choices(session, languages=every, listed=volunteer_common)
    form.help_offered.choices = goal_choices(session)
    form.goal_hints = goal_descriptions(session)
    return form


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(signup_per_ip, methods=["POST"])
@limiter.limit(signup_per_email, methods=["POST"], key_func=contact_from_form,
               exempt_when=no_contact_given)
@form_checks_csrf
def signup() -> Response | tuple[str, int] | str:
    """Sign a volunteer up and send the confirmation link."""
    form = _signup_form()
    if form.validate_on_submit():
        if not form.is_robot():
            data = person_data(form, ui_language=current_language(), goals=form.help_offered.data)
            outcome = register_volunteer(db.session(), data, capacity=form.capacity.data)
            send_confirmation(outcome.person)  # type: ignore[arg-type]
        # The same page for a new and a known address: nobody can probe who signed up.
        return redirect(url_for("volunteer.check_email"))
    if request.method == "POST":
        return render_template("volunteer/signup.html", form=form), 400
    return render_template("volunteer/signup.html", form=form)


def send_confirmation(volunteer: Volunteer) -> None:
    """E-mail the confirm link, or, to someone already confirmed, a reminder that they are."""
    if volunteer.email_confirmed_at is not None:
        template = "volunteer_already_registered"
        link = external_url("public.landing", lang=volunteer.ui_language)
    else:
        template = "volunteer_confirm"
        link = external_url("volunteer.confirm", token=make_link_token(CONFIRM, volunteer),
                            lang=volunteer.ui_language)
    message = mail.compose(
        volunteer.email or "", template, volunteer.ui_language, name=volunteer.name, link=link
    )
    mail.send(message)


@bp.get("/signup/check-email")
def check_email() -> str:
    """Tell the volunteer to open the link we sent."""
    return render_template("volunteer/check_email.html")


def _volunteer_for(token: str) -> Volunteer:
    max_age = current_app.config["CONFIRM_LINK_MAX_AGE"]
    volunteer_id, nonce = read_link_token(CONFIRM, token, max_age)
    return check_nonce(db.session().get(Volunteer, volunteer_id), nonce)  # type: ignore[return-value]


@bp.route("/confirm/<token>", methods=["GET", "POST"])
@form_checks_csrf
def confirm(token: str) -> Response | str | tuple[str, int]:
    """Show the confirm button; only the POST it sends confirms the address."""
    try:
        volunteer = _volunteer_for(token)
    except LinkError as error:
        return render_template("volunteer/link_problem.html", reason=error.reason), 410
    form = ConfirmEmailForm()
    if form.validate_on_submit():
        confirm_email(db.session(), volunteer)
        return redirect(url_for("volunteer.confirmed"))
    status = 400 if request.method == "POST" else 200
    return render_template("volunteer/confirm.html", form=form, token=token), status


@bp.get("/confirmed")
def confirmed() -> str:
    """Thank the volunteer and say what happens next."""
    return render_template("volunteer/confirmed.html")


@bp.route("/available/<token>", methods=["GET", "POST"])
@form_checks_csrf
def still_available(token: str) -> Response | str | tuple[str, int]:
    """Ask a volunteer who has waited long whether they still want a kompis; a GET changes nothing."""
    session = db.session()
    try:
        volunteer_id, nonce = read_link_token(STILL_AVAILABLE, token, STILL_AVAILABLE_MAX_AGE)
        volunteer = check_nonce(session.get(Volunteer, volunteer_id), nonce)
    except LinkError as problem:
        return render_template("volunteer/available_link_problem.html", reason=problem.reason), 410
    assert isinstance(volunteer, Volunteer)
    form = StillAvailableForm()
    if form.validate_on_submit():
        available = form.answer.data == "yes"
        answer_still_available(session, volunteer, available=available)
        return render_template("volunteer/available_answered.html", available=available)
    status = 400 if form.is_submitted() else 200
    return render_template("volunteer/still_available.html", form=form, token=token,
                           paused=volunteer.status == PersonStatus.PAUSED), status
