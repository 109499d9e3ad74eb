"""The coordinator's matching runs: start one, watch it, read its report."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from models import Coordinator, Organisation, RunStatus, now_utc

from .. import db
from ..matching.dispatch import stale_after, start_matching
from ..matching.queries import get_run, runs_page, unmatched_page
from ..matching.runs import RunRefused, is_stale
from ..matching.words import MODE_EXPLANATIONS, STAGE_LABELS, run_error_text
from .access import bp, coordinator_required
from .forms import RunForm
from .redirects import see_other


def _runs_page(form: RunForm, status: int = 200, refusal: str | None = None) -> tuple[str, int]:
    session = db.session()
    page = runs_page(session, current_user.organisation_id, page=request.args.get("page", 1, type=int) or 1)
    return render_template("coordinator/runs.html", form=form, page=page, refusal=refusal,
                           explanations=MODE_EXPLANATIONS), status


@bp.get("/runs")
@coordinator_required
def runs() -> tuple[str, int]:
    """List the organisation's runs, with the form to start one."""
    return _runs_page(RunForm())


@bp.post("/runs")
@coordinator_required
def start_run() -> Response | tuple[str, int]:
    """Start a run for the organisation; answer 303 to its page, never waiting for it."""
    form = RunForm()
    if not form.validate_on_submit():
        return _runs_page(form, 400)
    session = db.session()
    coordinator: Coordinator = current_user._get_current_object()
    organisation = session.get(Organisation, coordinator.organisation_id)
    assert organisation is not None
    try:
        run = start_matching(current_app._get_current_object(), session, organisation,  # type: ignore[attr-defined]
                             started_by=coordinator, mode=form.mode.data, max_distance_km=form.distance)
    except RunRefused as refused:
        return _runs_page(form, 409, _("Run %(id)s is still %(status)s. Wait until it has finished, then start "
                                       "a new one.", id=refused.running.id,
                                       status=_("waiting") if refused.running.status == RunStatus.QUEUED
                                       else _("in progress")))
    return see_other("coordinator.run", run_id=run.id)


@bp.get("/runs/<int:run_id>")
@coordinator_required
def run(run_id: int) -> str:
    """Show a run: its progress while it works (the page refreshes itself), then its report."""
    session = db.session()
    found = get_run(session, run_id, current_user.organisation_id)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    stalled = found.status in (RunStatus.QUEUED, RunStatus.RUNNING) and is_stale(
        found, now=now_utc(), stale_after=stale_after(app), queued=app.config.get("REDIS_URL") is not None)
    unmatched = None
    if found.status == RunStatus.FINISHED:
        unmatched = unmatched_page(session, found, page=request.args.get("page", 1, type=int) or 1)
    return render_template("coordinator/run.html", run=found, stalled=stalled, unmatched=unmatched,
                           stage_labels=STAGE_LABELS, error_text=run_error_text(found.error) if found.error else "",
                           explanations=MODE_EXPLANATIONS)
