"""`/followup/<token>`: a person's follow-up of their pair, in their language, answered once."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from werkzeug.wrappers import Response

from .. import db
from ..links import LinkError
from ..pairs.followups import AlreadyAnswered, read_token, record_answers
from ..pairs.introductions import people
from ..pairs.reach import first_name
from ..views import form_checks_csrf
from .forms import FollowUpForm

bp = Blueprint("followup", __name__, url_prefix="/followup")


@bp.route("/<token>", methods=["GET", "POST"])
@form_checks_csrf
def answer(token: str) -> Response | str | tuple[str, int]:
    """Show the five questions; keep the answers. A GET changes nothing."""
    session = db.session()
    try:
        follow_up = read_token(session, token)
    except LinkError as problem:
        return render_template("followup/link_problem.html", reason=problem.reason), 410
    if follow_up.answered_at is not None:
        return render_template("followup/thanks.html", again=True)
    person, kompis = people(follow_up.match)[follow_up.side]
    form = FollowUpForm()
    if form.validate_on_submit():
        try:
            record_answers(session, follow_up, form.answers)
        except AlreadyAnswered:
            return render_template("followup/thanks.html", again=True)
        return redirect(url_for("followup.thanks"))
    status = 400 if form.is_submitted() else 200
    return render_template("followup/answer.html", form=form, token=token, name=first_name(person),
                           kompis=first_name(kompis)), status


@bp.get("/thanks")
def thanks() -> str:
    """Thank the person for answering."""
    return render_template("followup/thanks.html", again=False)
