"""The audit log for admins: who read or changed what, filtered, and exported as CSV (which is audited too)."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, time, timedelta
from typing import Any

from flask import render_template, request
from flask_babel import get_timezone, to_user_timezone
from flask_login import current_user
from sqlalchemy import Select, func, select
from werkzeug.wrappers import Response

from models import AuditEvent, Coordinator, Organisation, now_utc

from .. import audit, db
from ..fields import options
from ..reports import safe_cell
from .access import admin_required, bp
from .forms import AuditFilterForm

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
SUBJECT_RE = re.compile(r"^\s*([a-z]+)\s*#?\s*(\d{1,12})\s*$", re.IGNORECASE)
CSV_COLUMNS = ["at", "actor", "action", "subject_type", "subject_id", "organisation", "client_address", "detail"]


def _filter_form() -> AuditFilterForm:
    session = db.session()
    form = AuditFilterForm(request.args)
    accounts = session.execute(select(Coordinator.id, Coordinator.email).order_by(Coordinator.email_key))
    form.actor.choices = options([("", "—"), *((str(i), email) for i, email in accounts)])
    actions = session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    form.action.choices = options([("", "—"), *((a, a) for a in actions)])
    return form


def _day_start(day: Any) -> datetime:
    return datetime.combine(day, time.min, tzinfo=get_timezone())


def _filtered(form: AuditFilterForm) -> Select[AuditEvent] | None:
    """Return the events the filters ask for, newest first; None when a filter cannot be read."""
    query = select(AuditEvent)
    if form.subject.data:
        found = SUBJECT_RE.match(form.subject.data)
        if found is None:
            return None
        query = query.where(AuditEvent.subject_type == found.group(1).lower(),
                            AuditEvent.subject_id == int(found.group(2)))
    if form.actor.data:
        query = query.where(AuditEvent.actor_id == int(form.actor.data))
    if form.action.data:
        query = query.where(AuditEvent.action == form.action.data)
    if form.start.data:
        query = query.where(AuditEvent.at >= _day_start(form.start.data))
    if form.end.data:
        query = query.where(AuditEvent.at < _day_start(form.end.data + timedelta(days=1)))
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def _names() -> tuple[dict[int, str], dict[int, str]]:
    session = db.session()
    actors = {ident: email for ident, email in session.execute(select(Coordinator.id, Coordinator.email))}
    organisations = {ident: name for ident, name in session.execute(select(Organisation.id, Organisation.name))}
    return actors, organisations


def _record_read(action: str, form: AuditFilterForm, results: int) -> None:
    """Log that the log was read: which filters were used and how many events it showed, not their values."""
    session = db.session()
    me: Coordinator = current_user._get_current_object()
    audit.record(session, me, action, me, results=results,
                 filtered=[name for name in ("subject", "actor", "action", "start", "end") if form[name].data])
    session.commit()


@bp.get("/audit")
@admin_required
def audit_log() -> tuple[str, int]:
    """Show the audit log, newest first, filtered by person, staff account, action and date."""
    form = _filter_form()
    query = _filtered(form) if form.validate() else None
    if query is None:
        if form.subject.data and not form.subject.errors:
            form.subject.errors = [str(form.subject.description)]
        return render_template("admin/audit.html", form=form, events=[], total=0, page=1, pages=1,
                               actors={}, organisations={}), 400
    session = db.session()
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    events = list(session.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)))
    _record_read("audit_read", form, total)
    actors, organisations = _names()
    return render_template("admin/audit.html", form=form, events=events, total=total, page=page, pages=pages,
                           actors=actors, organisations=organisations), 200


@bp.get("/audit.csv")
@admin_required
def audit_csv() -> Response | tuple[str, int]:
    """Download the filtered audit log as CSV; the download is itself an audit event."""
    form = _filter_form()
    query = _filtered(form) if form.validate() else None
    if query is None:
        return audit_log()
    actors, organisations = _names()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    rows = 0
    for event in db.session().scalars(query.limit(EXPORT_LIMIT)):
        writer.writerow([
            to_user_timezone(event.at).isoformat(timespec="seconds"),
            safe_cell(actors.get(event.actor_id or 0, "")), event.action, event.subject_type, event.subject_id,
            safe_cell(organisations.get(event.organisation_id or 0, "")), event.client_address,
            safe_cell(_detail_text(event.detail)),
        ])
        rows += 1
    _record_read("audit_exported", form, rows)
    day = to_user_timezone(now_utc()).date()
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="kompis-audit-{day:%Y-%m-%d}.csv"'})


def _detail_text(detail: dict[str, Any]) -> str:
    return "; ".join(f"{key}={value}" for key, value in sorted(detail.items()))
