"""The coordinator's reports: waiting times and match rates by group, on a page and as a CSV file."""

from __future__ import annotations

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone
from flask_login import current_user
from werkzeug.wrappers import Response

from models import Organisation, now_utc

from .. import audit, db
from ..reports import SUPPRESS_BELOW, newcomer_report, report_csv
from .access import bp, coordinator_required

DIMENSION_TITLES = {
    "all": _l("All newcomers"),
    "language": _l("Language"),
    "swedish_level": _l("Swedish"),
    "gender": _l("Gender"),
    "municipality": _l("Municipality"),
}


@bp.get("/reports")
@coordinator_required
def reports() -> str:
    """Show how many of the organisation's newcomers are matched and how long they wait, by group."""
    report = newcomer_report(db.session(), current_user.organisation_id)
    return render_template("coordinator/reports.html", report=report, titles=DIMENSION_TITLES,
                           suppress_below=SUPPRESS_BELOW)


@bp.get("/reports.csv")
@coordinator_required
def reports_csv() -> Response:
    """Download the report's figures as a CSV file, and log the export."""
    session = db.session()
    organisation = session.get(Organisation, current_user.organisation_id)
    assert organisation is not None  # coordinator_required let in only a member of an organisation
    now = now_utc()
    body = report_csv(newcomer_report(session, organisation.id, now=now))
    audit.record(session, current_user, "exported_report", organisation)
    session.commit()
    day = to_user_timezone(now).date()
    # The byte order mark makes spreadsheet programs read the file as UTF-8 ("Nyköping", "العربية").
    return Response("\ufeff" + body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="kompis-report-{day:%Y-%m-%d}.csv"'})
