"""The coordinator's side of a pair's later life: introduce, mark active, end; pause, withdraw, bring back."""

from __future__ import annotations

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from models import Coordinator, EndReason, Match, Message, Side

from .. import db
from ..matching.decisions import DecisionRefused, Outcome
from ..matching.queries import get_match
from ..pairs import lifecycle
from ..pairs.introductions import Draft, Method, draft, introduce, people
from ..pairs.reach import channels
from ..people import get_participant
from .access import bp, coordinator_required
from .forms import ActionForm
from .pair_forms import EndForm, IntroduceForm, SendIntroductionForm
from .pairs import pair_page
from .redirects import see_other


def _coordinator() -> Coordinator:
    return current_user._get_current_object()


def offer_channels(form: IntroduceForm, match: Match) -> None:
    """Offer, for each side, the ways that person can be reached."""
    for side, (person, _kompis) in people(match).items():
        form.offer_channels(side, channels(person))


def _drafts(form: IntroduceForm, match: Match) -> dict[Side, Draft]:
    return {side: draft(db.session(), match, side, form.channel(side), _coordinator(), _method(form), form.meeting)
            for side in Side}


def _method(form: IntroduceForm) -> Method:
    return Method(form.method.data)


@bp.post("/matches/<int:match_id>/introduce")
@coordinator_required
def introduce_pair(match_id: int) -> Response | tuple[str, int]:
    """Preview both introductions (step=preview), then send them as edited (step=send)."""
    session = db.session()
    match = get_match(session, match_id, current_user.organisation_id)
    sending = SendIntroductionForm()
    offer_channels(sending, match)
    if request.form.get("step") != "send":
        form = IntroduceForm()
        offer_channels(form, match)
        if not form.validate_on_submit():
            return pair_page(match_id, status=400, introduce_form=form)
        drafts = _drafts(form, match)
        sending.fill_from(drafts)
        return render_template("coordinator/introduce.html", match=match, form=sending, drafts=drafts), 200
    if not sending.validate_on_submit():
        if any(sending[name].errors for name in IntroduceForm.page_order):
            # A method, meeting or channel that does not hold: no message can be drafted from it.
            return pair_page(match_id, status=400, introduce_form=sending)
        return render_template("coordinator/introduce.html", match=match, form=sending,
                               drafts=_drafts(sending, match)), 400
    drafts = _drafts(sending, match)
    try:
        decision = introduce(session, match, _coordinator(), _method(sending), sending.meeting,
                             sending.edited(drafts))
    except DecisionRefused as refusal:
        return pair_page(match_id, status=409, refusal=refusal.message)
    flash(_("The pair is introduced. The messages are kept below.") if decision.outcome == Outcome.DONE
          else _("The pair was introduced already; nothing more was sent."), "success")
    if decision.outcome == Outcome.DONE and _undelivered(session, match_id):
        flash(_("A message could not be delivered. See below, and reach the person another way."), "error")
    return see_other("coordinator.match", match_id=match_id)


def _undelivered(session: Session, match_id: int) -> bool:
    """Tell whether a message of the pair's introduction failed to go."""
    return session.scalar(select(Message.id).where(Message.match_id == match_id, Message.error != "").limit(1)) \
        is not None


@bp.post("/matches/<int:match_id>/activate")
@coordinator_required
def activate_pair(match_id: int) -> Response | tuple[str, int]:
    """Mark an introduced pair active: they have met."""
    session = db.session()
    match = get_match(session, match_id, current_user.organisation_id)
    if not ActionForm().validate_on_submit():
        return pair_page(match_id, status=400)
    try:
        decision = lifecycle.activate(session, match, _coordinator())
    except DecisionRefused as refusal:
        return pair_page(match_id, status=409, refusal=refusal.message)
    flash(_("The pair is active.") if decision.outcome == Outcome.DONE else _("The pair was active already."),
          "success")
    return see_other("coordinator.match", match_id=match_id)


@bp.post("/matches/<int:match_id>/end")
@coordinator_required
def end_pair(match_id: int) -> Response | tuple[str, int]:
    """End an open pair with a reason; the volunteer's seat is freed and the newcomer can be matched again."""
    session = db.session()
    match = get_match(session, match_id, current_user.organisation_id)
    form = EndForm()
    if not form.validate_on_submit():
        return pair_page(match_id, status=400, end_form=form)
    try:
        decision = lifecycle.end_match(session, match, _coordinator(), reason=EndReason(form.reason.data),
                                       note=form.note.data or "")
    except DecisionRefused as refusal:
        return pair_page(match_id, status=409, refusal=refusal.message)
    flash(_("The pair has ended. The newcomer can be matched again.") if decision.outcome == Outcome.DONE
          else _("The pair had ended already."), "success")
    session.expire_all()
    if decision.outcome == Outcome.DONE and lifecycle.ended_early(get_match(session, match_id,
                                                                            current_user.organisation_id)):
        flash(_("The pair ended in its first weeks. Talk with the newcomer before they get a new kompis."), "info")
    return see_other("coordinator.match", match_id=match_id)


@bp.post("/<any(volunteers, newcomers):kind>/<int:person_id>/<any(pause, withdraw, reactivate):action>")
@coordinator_required
def change_participation(kind: str, person_id: int, action: str) -> Response:
    """Pause, withdraw or bring back a participant; withdrawing ends their open pairs and says so."""
    session = db.session()
    organisation_id = current_user.organisation_id
    person = get_participant(session, kind, person_id, organisation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if action == "pause":
        done = lifecycle.pause(session, person, _coordinator())
        flash(_("Paused: nobody new will be proposed until you bring them back.") if done
              else _("Nothing changed: only an active or matched person can be paused."), "success")
    elif action == "withdraw":
        ended = lifecycle.withdraw(session, person, _coordinator())
        flash(_("Withdrawn.") + (" " + ngettext("%(num)d open pair was ended.", "%(num)d open pairs were ended.",
                                                len(ended)) if ended else ""), "success")
    else:
        done = lifecycle.reactivate(session, person, _coordinator())
        flash(_("Back again, and can be matched.") if done
              else _("Nothing changed: only a paused or withdrawn person can be brought back."), "success")
    return see_other("coordinator.person", kind=kind, person_id=person_id)
