"""Staff exports of personal data: a list of volunteers or newcomers as a CSV file, logged."""

from __future__ import annotations

import csv
import io

from flask import request
from flask_babel import to_user_timezone
from flask_login import current_user
from werkzeug.wrappers import Response

from models import Newcomer, Volunteer, now_utc

from .. import audit, db
from ..people import PersonFilter, exported_people
from ..reports import safe_cell
from .access import bp, coordinator_required

COLUMNS = ("id", "name", "email", "phone", "status", "place", "municipality", "languages", "signed_up")


def _row(person: Volunteer | Newcomer) -> list[str]:
    return [str(person.id), person.name, person.email or "", person.phone or "", person.status.value,
            person.place.name, person.place.municipality.name,
            " ".join(spoken.language_code for spoken in person.languages), person.created_at.date().isoformat()]


def people_csv_body(people: list[Volunteer] | list[Newcomer]) -> str:
    """Return the people as CSV, every cell one a spreadsheet shows and never runs."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([safe_cell(cell) for cell in _row(person)] for person in people)
    return out.getvalue()


@bp.get("/<any(volunteers, newcomers):kind>.csv")
@coordinator_required
def people_csv(kind: str) -> Response:
    """Download the list as the page filters it, as a CSV file; log how many rows, never what was searched."""
    session = db.session()
    flt = PersonFilter.from_args(request.args)
    organisation_id = current_user.organisation_id
    people: list[Volunteer] | list[Newcomer] = (
        list(exported_people(session, Volunteer, organisation_id, flt)) if kind == "volunteers"
        else list(exported_people(session, Newcomer, organisation_id, flt)))
    body = people_csv_body(people)
    audit.record(session, current_user, "exported", current_user.organisation, kind=kind, rows=len(people),
                 searched=bool(flt.q.strip()), filtered=bool(flt.status or flt.municipality or flt.language))
    session.commit()
    day = to_user_timezone(now_utc()).date()
    # The byte order mark makes spreadsheet programs read the file as UTF-8 ("Nyköping", "العربية").
    return Response("\ufeff" + body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="kompis-{kind}-{day:%Y-%m-%d}.csv"'})
