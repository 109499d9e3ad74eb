"""The admin's pages: organisations and the audit log, with its CSV export."""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import MATCH_COMPONENTS, AuditEvent, ErasurePolicy, Municipality, Organisation
from tests.factories import make_coordinator, make_organisation, make_volunteer
from tests.signin import sign_in
from tests.web.helpers import error_summary, page, submit


@pytest.fixture
def admin(app: Flask, session: Session) -> FlaskClient:
    make_coordinator(session, None, email="admin@example.org", admin=True)
    client = app.test_client()
    sign_in(client, "admin@example.org")
    return client


def answers(title: str, *municipalities: str, **changes: str) -> dict[str, str]:
    return {"name": title, "municipalities": "\n".join(municipalities), "retention_months": "24",
            "erasure_policy": "erase", "proposal_days": "7", "contact_email": "", "contact_phone": "",
            "contact_address": "", **{f"weight_{c}": "2" for c in MATCH_COMPONENTS}, **changes}


def test_an_admin_creates_an_organisation_with_its_rules_and_contact_details(
    admin: FlaskClient, session: Session
) -> None:
    created = submit(admin, "/admin/organisations/new", answers(
        "Kompis Södertörn", "Haninge", "nynäshamn", retention_months="36", erasure_policy="disposal_decision",
        contact_email="kompis@haninge.se", contact_phone="08-606 70 00", contact_address="Rudsjöterrassen 2"))
    assert created.status_code == 303
    organisation = session.scalars(select(Organisation).where(Organisation.name == "Kompis Södertörn")).one()
    assert sorted(m.name for m in organisation.municipalities) == ["Haninge", "Nynäshamn"]
    assert organisation.retention_months == 36
    assert organisation.erasure_policy == ErasurePolicy.DISPOSAL_DECISION
    assert (organisation.contact_email, organisation.contact_phone) == ("kompis@haninge.se", "08-606 70 00")
    assert "organisation_created" in session.scalars(select(AuditEvent.action))


@pytest.mark.parametrize(("changes", "field"), [
    ({"municipalities": "Atlantis"}, "municipalities"),
    ({"municipalities": "Kalmar"}, "municipalities"),
    ({"name": "Kalmar kommun"}, "name"),
    ({"retention_months": "0"}, "retention_months"),
    ({"proposal_days": "365"}, "proposal_days"),
    ({"erasure_policy": "forget"}, "erasure_policy"),
    ({"contact_email": "not an address"}, "contact_email"),
])
def test_a_wrong_organisation_is_refused_with_a_message_and_nothing_stored(
    admin: FlaskClient, session: Session, changes: dict[str, str], field: str
) -> None:
    make_organisation(session, "Kalmar kommun", municipalities=("Kalmar",))
    refused = submit(admin, "/admin/organisations/new", answers("Kompis Öst", "Nybro", **changes))
    assert refused.status_code == 400
    assert [target for _, target in error_summary(page(refused.text))] == [f"#{field}"]
    assert [o.name for o in session.scalars(select(Organisation))] == ["Kalmar kommun"]


def test_changing_an_organisation_records_which_settings_changed_not_their_values(
    admin: FlaskClient, session: Session
) -> None:
    organisation = make_organisation(session, "Kalmar kommun", municipalities=("Kalmar",))
    weights = {f"weight_{c}": str(int(w)) for c, w in organisation.weights.items()}
    changed = submit(admin, f"/admin/organisations/{organisation.id}", answers(
        "Kalmar kommun", "Kalmar", "Nybro", proposal_days="14", contact_phone="0480-45 00 00", **weights))
    assert changed.status_code == 303
    session.refresh(organisation)
    assert organisation.proposal_days == 14
    assert session.get(Municipality, "0881").organisation_id == organisation.id  # Nybro
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "organisation_changed")).one()
    assert sorted(event.detail["changed"]) == ["contact_phone", "municipalities", "proposal_days"]
    assert "0480" not in str(event.detail)


def test_a_municipality_with_people_cannot_be_let_go(admin: FlaskClient, session: Session) -> None:
    organisation = make_organisation(session, "Kalmar kommun", municipalities=("Kalmar", "Nybro"))
    make_volunteer(session, place="Nybro")
    refused = submit(admin, f"/admin/organisations/{organisation.id}", answers("Kalmar kommun", "Kalmar"))
    assert refused.status_code == 400 and "Nybro" in refused.text
    assert session.get(Municipality, "0881").organisation_id == organisation.id


def test_the_audit_log_filters_and_its_export_is_audited(admin: FlaskClient, session: Session) -> None:
    organisation = make_organisation(session)
    coordinator = make_coordinator(session, organisation)
    volunteer = make_volunteer(session, name="=HYPERLINK(\"http://evil\")")
    session.add_all([
        AuditEvent(actor_id=coordinator.id, organisation_id=organisation.id, action="read",
                   subject_type="volunteer", subject_id=volunteer.id, detail={}, client_address="10.0.0.7"),
        AuditEvent(actor_id=coordinator.id, organisation_id=organisation.id, action="read",
                   subject_type="volunteer", subject_id=volunteer.id + 1, detail={}),
        AuditEvent(actor_id=coordinator.id, organisation_id=organisation.id, action="changed",
                   subject_type="volunteer", subject_id=volunteer.id, detail={"fields": ["=1+1"]}),
    ])
    session.commit()
    shown = admin.get(f"/admin/audit?subject=volunteer+{volunteer.id}&action=read&actor={coordinator.id}")
    assert shown.status_code == 200
    rows = page(shown.text).select("tbody tr")
    assert len(rows) == 1 and "10.0.0.7" in rows[0].get_text()
    assert admin.get("/admin/audit?subject=robert'); DROP TABLE--").status_code == 400
    assert admin.get("/admin/audit?start=yesterday").status_code == 400

    exported = admin.get(f"/admin/audit.csv?subject=volunteer+{volunteer.id}")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert table[0][:3] == ["at", "actor", "action"]
    assert sorted(r[2] for r in table[1:]) == ["changed", "read"]
    assert all(not cell.startswith(("=", "+", "@")) for row in table for cell in row)
    export = session.scalars(select(AuditEvent).where(AuditEvent.action == "audit_exported")).one()
    assert export.detail == {"results": 2, "filtered": ["subject"]}
    assert "volunteer" not in str(export.detail), "the export names which filters, never their values"


def test_an_admin_adds_an_interest_and_words_it_in_arabic(
    admin: FlaskClient, client: FlaskClient, session: Session
) -> None:
    make_organisation(session)
    added = submit(admin, "/admin/interests", {"label": "Kayaking"})
    assert added.status_code == 303 and added.headers["Location"].endswith("/admin/interests/kayaking")
    assert submit(admin, "/admin/interests", {"label": "kayaking"}).status_code == 400, "the same interest twice"
    worded = submit(admin, "/admin/interests/kayaking", {"label_ar": "التجديف بالكاياك", "label_sv": "Paddla kajak"})
    assert worded.status_code == 303
    assert "Paddla kajak" in client.get("/volunteer/signup?lang=sv").text
    assert "التجديف بالكاياك" in client.get("/volunteer/signup?lang=ar").text
    assert "Kayaking" in client.get("/volunteer/signup?lang=en").text
    # A seeded interest keeps the catalog's word in the languages the admin left empty.
    submit(admin, "/admin/interests/fika", {"label_sv": "Fikapaus"})
    assert "Fikapaus" in client.get("/volunteer/signup?lang=sv").text
    assert "Fikapaus" not in client.get("/volunteer/signup?lang=en").text
    changed = session.scalars(select(AuditEvent).where(AuditEvent.action == "interest_words_changed")).all()
    assert [e.detail["languages"] for e in changed] == [["ar", "sv"], ["sv"]]


def test_an_admin_words_an_organisations_messages(admin: FlaskClient, session: Session) -> None:
    from models import MessageTemplate

    organisation = make_organisation(session)
    url = f"/admin/organisations/{organisation.id}/wording/introduction/ar"
    shown = admin.get(url)
    assert shown.status_code == 200
    form = page(shown.text)
    body = form.find("textarea").get_text()
    broken = submit(admin, url, {"subject": "{unknown}", "body": body, "action": "save"})
    assert broken.status_code == 400
    saved = submit(admin, url, {"subject": "مرحبا {name}", "body": body, "action": "save"})
    assert saved.status_code == 303
    own = session.scalars(select(MessageTemplate)).one()
    assert (own.organisation_id, own.language, own.subject) == (organisation.id, "ar", "مرحبا {name}")
    assert admin.get(f"/admin/organisations/{organisation.id + 99}/wording").status_code == 404
