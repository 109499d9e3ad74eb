"""The coordinator's pages: login, the dashboard of their organisation, people."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from models import Coordinator, Municipality, Newcomer, PersonStatus, Volunteer, now_utc

from .. import audit, db
from ..choices import language_choices, language_codes, place_choices
from ..matching.queries import last_run, match_counts, waiting
from ..newcomer.forms import AssistedNewcomerForm
from ..newcomer.routes import prepare_request_form, save_request
from ..pairs.attention import follow_up_concerns, may_end_unmet, stale_proposals, unmet_pairs
from ..people import Page, PersonFilter, get_participant, get_person, list_people, status_counts
from ..protection import may_see, may_see_pair
from ..registration import activate_newcomer, email_key
from ..reports import matches_chart
from ..views import form_checks_csrf
from .access import bp, coordinator_required
from .care import NoteForm, notes_of
from .forms import ActionForm
from .protect import ProtectionForm, protection_form


@bp.get("/")
@coordinator_required
def dashboard() -> str:
    """Show the organisation's people by status."""
    session = db.session()
    organisation_id = current_user.organisation_id
    pair_counts = match_counts(session, organisation_id)
    now = now_utc()
    return render_template(
        "coordinator/dashboard.html",
        volunteer_counts=status_counts(session, Volunteer, organisation_id),
        newcomer_counts=status_counts(session, Newcomer, organisation_id),
        pair_counts={s: pair_counts[s] for s in ("approved", "introduced", "active", "ended")},
        waiting=waiting(session, organisation_id),
        undecided=pair_counts["proposed"],
        stale=[m for m in stale_proposals(session, organisation_id, now) if may_see_pair(m)],
        proposal_days=current_user.organisation.proposal_days,
        unmet=[m for m in unmet_pairs(session, organisation_id) if may_see_pair(m)],
        concerns=[c for c in follow_up_concerns(session, organisation_id, now) if may_see_pair(c.follow_up.match)],
        may_end_unmet=may_end_unmet, now=now, action_form=ActionForm(),
        last_run=last_run(session, organisation_id),
        matches_chart=matches_chart(session, organisation_id),
    )


@bp.get("/<any(volunteers, newcomers):kind>")
@coordinator_required
def people(kind: str) -> str:
    """List the organisation's volunteers or newcomers, with search and filters."""
    session = db.session()
    organisation_id = current_user.organisation_id
    flt = PersonFilter.from_args(request.args)
    number, size = request.args.get("page", 1, type=int) or 1, current_app.config["PAGE_SIZE"]
    page: Page[Volunteer] | Page[Newcomer] = (
        list_people(session, Volunteer, organisation_id, flt, page=number, size=size) if kind == "volunteers"
        else list_people(session, Newcomer, organisation_id, flt, page=number, size=size))
    # That a list was read, and how many people it held: never what was searched for.
    audit.record(session, current_user, "listed", current_user.organisation, kind=kind, results=page.total,
                 searched=bool(flt.q.strip()), filtered=bool(flt.status or flt.municipality or flt.language))
    session.commit()
    municipalities = session.scalars(
        select(Municipality).where(Municipality.organisation_id == organisation_id).order_by(Municipality.name)
    )
    _, _, every = language_codes(session)
    return render_template(
        "coordinator/people.html",
        kind=kind,
        page=page,
        flt=flt,
        municipalities=list(municipalities),
        languages=language_choices(every),
        statuses=list(PersonStatus),
    )


@bp.get("/<any(volunteers, newcomers):kind>/<int:person_id>")
@coordinator_required
def person(kind: str, person_id: int) -> tuple[str, int]:
    """Show everything we hold about one person, and log that it was read."""
    session = db.session()
    found = get_participant(session, kind, person_id, current_user.organisation_id)
    if not found.protected:  # get_person has logged the view of a protected person, as on each of their pages
        audit.record(session, current_user, "read", found)
        session.commit()
    return person_page(kind, found)


def person_page(kind: str, found: Volunteer | Newcomer, *, protection: ProtectionForm | None = None,
                status: int = 200) -> tuple[str, int]:
    """Render a person's page with its forms, the protected-identity form holding what was posted."""
    session = db.session()
    return render_template(f"coordinator/{kind[:-1]}.html", person=found, action_form=ActionForm(),
                           notes=notes_of(session, found), note_form=NoteForm(formdata=None),
                           note_action=url_for("coordinator.add_person_note", kind=kind, person_id=found.id),
                           protection_form=protection or protection_form(session, found)), status


@bp.route("/newcomers/new", methods=["GET", "POST"])
@coordinator_required
@form_checks_csrf
def register_newcomer() -> Response | str | tuple[str, int]:
    """Register a newcomer on their behalf, with them beside you."""
    session = db.session()
    form = prepare_request_form(AssistedNewcomerForm(), session)
    form.place.choices = place_choices(session, current_user.organisation_id)
    if form.validate_on_submit():
        coordinator: Coordinator = current_user._get_current_object()
        outcome = save_request(form, session, registered_by=coordinator)
        if outcome.person.organisation_id != coordinator.organisation_id or not may_see(outcome.person):
            return _refuse_unseen(session, form, coordinator, outcome.person)
        if outcome.created:
            audit.record(session, coordinator, "registered", outcome.person)
            session.commit()
            flash(_("The newcomer is registered and can be matched."), "success")
        else:
            flash(_("This newcomer was already registered; nothing was changed."), "info")
        return redirect(url_for("coordinator.person", kind="newcomers", person_id=outcome.person.id))
    status = 400 if request.method == "POST" else 200
    return render_template("coordinator/register_newcomer.html", form=form), status


def _refuse_unseen(session: Session, form: AssistedNewcomerForm, coordinator: Coordinator,
                   newcomer: Volunteer | Newcomer) -> tuple[str, int]:
    """Refuse answers that are a newcomer this account may not see: keep what was typed and name nobody.

    Only an e-mail address ties them to another organisation's newcomer; a protected newcomer
    of this organisation is tied by it or by phone and name, in the same words, and the
    coordinators who may see them find the attempt in the audit trail.
    """
    if newcomer.organisation_id == coordinator.organisation_id:
        audit.record(session, coordinator, "registration_refused", newcomer)
        session.commit()
    if newcomer.email_key is not None and newcomer.email_key == email_key(form.email.data):
        form.email.errors = [_("This e-mail address cannot be used here. Leave it empty and give a "
                               "phone number, or ask the newcomer for another address.")]
    else:
        form.phone.errors = [_("This phone number cannot be used here. Ask another coordinator for help.")]
    return render_template("coordinator/register_newcomer.html", form=form), 400


@bp.post("/newcomers/<int:person_id>/activate")
@coordinator_required
def activate(person_id: int) -> Response:
    """Make a newcomer who asked for a kompis matchable, once staff have spoken to them."""
    session = db.session()
    newcomer = get_person(session, Newcomer, person_id, current_user.organisation_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if activate_newcomer(session, newcomer):
        audit.record(session, current_user, "activated", newcomer)
        session.commit()
        flash(_("The newcomer is now active and can be matched."), "success")
    return redirect(url_for("coordinator.person", kind="newcomers", person_id=person_id))
