"""The coordinator's pairs: proposals to decide on, every pair by status, one pair's page, manual matching."""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from models import Coordinator, MatchStatus, Message, Municipality, Newcomer, RejectReason, Volunteer, now_utc

from .. import db
from ..matching.candidates import LIMIT, Candidates, candidates_for
from ..matching.decisions import DecisionRefused, Outcome, approve_match, propose_by_hand, reject_match
from ..matching.queries import get_match, matches_page, proposals_page, vocabulary
from ..matching.words import COMPONENT_EXPLANATIONS, COMPONENT_NAMES, REJECT_LABELS, reasons_text
from ..pairs.attention import concerns, may_end_unmet
from ..people import get_person
from ..protection import hidden, record_view
from .access import bp, coordinator_required
from .care import NoteForm, notes_of
from .forms import ActionForm, BulkDecisionForm, RejectForm
from .pair_forms import END_LABELS, EndForm, IntroduceForm
from .redirects import see_other


def _coordinator() -> Coordinator:
    return current_user._get_current_object()


def _words() -> dict[str, Any]:
    interests, goals = vocabulary(db.session())
    return {"reasons_text": lambda reasons: reasons_text(reasons, interests, goals),
            "component_names": COMPONENT_NAMES, "component_explanations": COMPONENT_EXPLANATIONS,
            "reject_labels": {r.value: label for r, label in REJECT_LABELS.items()}}


def _municipality_arg() -> str:
    return request.args.get("municipality", "")[:4]


def _proposals_page(form: BulkDecisionForm, status: int = 200) -> tuple[str, int]:
    session = db.session()
    organisation_id = current_user.organisation_id
    municipality = _municipality_arg()
    page = proposals_page(session, organisation_id, municipality=municipality,
                          page=request.args.get("page", 1, type=int) or 1,
                          size=current_app.config["PROPOSALS_PAGE_SIZE"])
    form.pairs.choices = [(m.id, str(m.id)) for m in page.items]
    municipalities = session.scalars(select(Municipality).where(Municipality.organisation_id == organisation_id)
                                     .order_by(Municipality.name))
    return render_template("coordinator/proposals.html", page=page, form=form, municipality=municipality,
                           municipalities=list(municipalities), **_words()), status


@bp.get("/proposals")
@coordinator_required
def proposals() -> tuple[str, int]:
    """List the undecided proposals with their reasons, a page at a time."""
    return _proposals_page(BulkDecisionForm(formdata=None))


@bp.post("/proposals")
@coordinator_required
def decide_proposals() -> Response | tuple[str, int]:
    """Approve or reject the chosen proposals, each on its own, and report which went through."""
    form = BulkDecisionForm()
    form.pairs.choices = [(int(v), v) for v in request.form.getlist("pairs") if v.isdigit()]
    if not form.validate_on_submit():
        return _proposals_page(form, 400)
    session = db.session()
    done, refused = [], []
    for match_id in form.pairs.data:
        match = get_match(session, match_id, current_user.organisation_id)
        label = _("%(newcomer)s and %(volunteer)s", newcomer=match.newcomer.name, volunteer=match.volunteer.name)
        try:
            if form.decision.data == "approve":
                approve_match(session, match, _coordinator())
            else:
                reject_match(session, match, _coordinator(), reason=RejectReason(form.reason.data),
                             note=form.note.data or "")
            done.append(label)
        except DecisionRefused as refusal:
            refused.append(f"{label}: {refusal.message}")
    if done:
        verb = _("Approved") if form.decision.data == "approve" else _("Rejected")
        flash(f"{verb}: " + "; ".join(done), "success")
    for line in refused:
        flash(_("Not done: %(what)s", what=line), "error")
    return see_other("coordinator.proposals", **({"municipality": _municipality_arg()} if _municipality_arg()
                                                  else {}))


@bp.get("/matches")
@coordinator_required
def matches() -> str:
    """List every pair of the organisation, by status."""
    status = request.args.get("status", "")[:20]
    page = matches_page(db.session(), current_user.organisation_id, status=status,
                        page=request.args.get("page", 1, type=int) or 1, size=current_app.config["PAGE_SIZE"])
    return render_template("coordinator/matches.html", page=page, status=status, statuses=list(MatchStatus))


def pair_page(match_id: int, *, status: int = 200, refusal: str | None = None,
              reject_form: RejectForm | None = None, introduce_form: IntroduceForm | None = None,
              end_form: EndForm | None = None) -> tuple[str, int]:
    """Render a pair's page with its forms, those given holding what was typed and its messages."""
    from .pair_life import offer_channels

    session = db.session()
    match = get_match(session, match_id, current_user.organisation_id)
    if request.method == "GET":
        record_view(session, match.newcomer)
        record_view(session, match.volunteer)
    if introduce_form is None:
        introduce_form = IntroduceForm(formdata=None)
    offer_channels(introduce_form, match)
    messages = session.scalars(select(Message).where(Message.match_id == match.id).order_by(Message.created_at,
                                                                                           Message.id))
    return render_template("coordinator/match.html", match=match, refusal=refusal, action_form=ActionForm(),
                           reject_form=reject_form or RejectForm(formdata=None), introduce_form=introduce_form,
                           end_form=end_form or EndForm(formdata=None), messages=list(messages),
                           end_labels=END_LABELS, follow_up_concerns=concerns, now=now_utc(),
                           may_end_unmet=may_end_unmet, notes=notes_of(session, match),
                           note_form=NoteForm(formdata=None),
                           note_action=url_for("coordinator.add_pair_note", match_id=match.id), **_words()), status


@bp.get("/matches/<int:match_id>")
@coordinator_required
def match(match_id: int) -> tuple[str, int]:
    """Show one pair: both people, the score and its parts, the reasons, and its history."""
    return pair_page(match_id)


@bp.post("/matches/<int:match_id>/approve")
@coordinator_required
def approve(match_id: int) -> Response | tuple[str, int]:
    """Approve a proposed pair; 409 with the reason when the rules refuse."""
    session = db.session()
    found = get_match(session, match_id, current_user.organisation_id)
    if not ActionForm().validate_on_submit():
        return pair_page(match_id, status=400)
    try:
        decision = approve_match(session, found, _coordinator())
    except DecisionRefused as refusal:
        return pair_page(match_id, status=409, refusal=refusal.message)
    flash(_("The pair is approved.") if decision.outcome == Outcome.DONE else _("The pair was approved already."),
          "success")
    return see_other("coordinator.match", match_id=match_id)


@bp.post("/matches/<int:match_id>/reject")
@coordinator_required
def reject(match_id: int) -> Response | tuple[str, int]:
    """Reject a proposed pair with a reason; it is never proposed again."""
    session = db.session()
    found = get_match(session, match_id, current_user.organisation_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return pair_page(match_id, status=400, reject_form=form)
    try:
        decision = reject_match(session, found, _coordinator(), reason=RejectReason(form.reason.data),
                                note=form.note.data or "")
    except DecisionRefused as refusal:
        return pair_page(match_id, status=409, refusal=refusal.message)
    flash(_("The pair is rejected and will not be proposed again.") if decision.outcome == Outcome.DONE
          else _("The pair was rejected already."), "success")
    return see_other("coordinator.match", match_id=match_id)


def visible_candidates(session: Session, newcomer: Newcomer) -> Candidates:
    """Return the best volunteers for a newcomer, of those the signed-in account may see."""
    unseen = set(session.scalars(select(Volunteer.id).where(Volunteer.organisation_id == newcomer.organisation_id,
                                                            hidden(Volunteer))))
    # Asked for as many more as are hidden, so the page still shows the best ten it may show.
    found = candidates_for(session, newcomer, limit=LIMIT + len(unseen))
    proposals = tuple(p for p in found.proposals if p.volunteer_id not in unseen)[:LIMIT]
    return Candidates(proposals, found.obstacle, {p.volunteer_id: found.volunteers[p.volunteer_id] for p in proposals})


@bp.get("/newcomers/<int:person_id>/candidates")
@coordinator_required
def candidates(person_id: int) -> str:
    """Show the ten best acceptable volunteers with free seats for one newcomer."""
    session = db.session()
    newcomer = get_person(session, Newcomer, person_id, current_user.organisation_id)
    found = visible_candidates(session, newcomer)
    for volunteer in found.volunteers.values():
        record_view(session, volunteer)
    return render_template("coordinator/candidates.html", newcomer=newcomer, found=found,
                           action_form=ActionForm(), **_words())


@bp.post("/newcomers/<int:person_id>/candidates/<int:volunteer_id>")
@coordinator_required
def propose(person_id: int, volunteer_id: int) -> Response | tuple[str, int]:
    """Propose one volunteer to a newcomer by hand."""
    session = db.session()
    newcomer = get_person(session, Newcomer, person_id, current_user.organisation_id)
    volunteer = get_person(session, Volunteer, volunteer_id, current_user.organisation_id)
    if not ActionForm().validate_on_submit():
        return render_template("coordinator/candidates.html", newcomer=newcomer,
                               found=visible_candidates(session, newcomer), action_form=ActionForm(), **_words()), 400
    offered = visible_candidates(session, newcomer).proposals
    proposal = next((p for p in offered if p.volunteer_id == volunteer.id), None)
    if proposal is None:
        found = visible_candidates(session, newcomer)
        return render_template("coordinator/candidates.html", newcomer=newcomer, found=found,
                               action_form=ActionForm(), refusal=_("This volunteer is no longer among the "
                                                                   "acceptable volunteers with a free seat."),
                               **_words()), 409
    try:
        created = propose_by_hand(session, newcomer, volunteer, _coordinator(), proposal)
    except DecisionRefused as refusal:
        return render_template("coordinator/candidates.html", newcomer=newcomer,
                               found=visible_candidates(session, newcomer), action_form=ActionForm(),
                               refusal=refusal.message, **_words()), 409
    flash(_("The pair is proposed. Approve it when you are ready."), "success")
    return see_other("coordinator.match", match_id=created.id)
