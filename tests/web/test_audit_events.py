"""The audit log records staff sign-ins, failed ones and sign-outs, and list views, with the client's address."""

from __future__ import annotations

import json

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AuditEvent
from tests.factories import make_coordinator, make_organisation, make_volunteer
from tests.web.helpers import get_form
from tests.web.test_coordinator import login
from web import create_app


def events(session: Session) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def test_sign_ins_failures_and_sign_outs_are_audited(client: FlaskClient, session: Session) -> None:
    coordinator = make_coordinator(session, make_organisation(session))
    login(client, password="not the password")
    login(client, email="nobody@example.org")
    login(client)
    _, token = get_form(client, "/coordinator/")
    client.post("/coordinator/logout", data={"csrf_token": token})
    logged = [(e.action, e.actor_id, e.subject_type, e.subject_id, e.client_address) for e in events(session)]
    assert logged == [
        ("sign_in_failed", coordinator.id, "staff", coordinator.id, "127.0.0.1"),
        ("sign_in_failed", None, "staff", 0, "127.0.0.1"),  # an unknown address names no account
        ("signed_in", coordinator.id, "staff", coordinator.id, "127.0.0.1"),
        ("signed_out", coordinator.id, "staff", coordinator.id, "127.0.0.1"),
    ]
    # Never the typed address, password or code; the sign-in, written after the code, says which factor it took.
    assert [e.detail for e in events(session)] == [{}, {}, {"second_factor": "totp"}, {}]


def test_a_search_is_audited_without_its_terms(client: FlaskClient, session: Session) -> None:
    organisation = make_organisation(session)
    make_coordinator(session, organisation)
    make_volunteer(session, name="Karin Johansson")
    make_volunteer(session, name="Lars Berg")
    login(client)
    client.get("/coordinator/volunteers?q=Karin")
    client.get("/coordinator/volunteers?status=active")
    listed = [e for e in events(session) if e.action == "listed"]
    assert [(e.subject_type, e.subject_id, e.detail) for e in listed] == [
        ("organisation", organisation.id, {"kind": "volunteers", "results": 1, "searched": True, "filtered": False}),
        ("organisation", organisation.id, {"kind": "volunteers", "results": 2, "searched": False, "filtered": True}),
    ]
    assert "Karin" not in json.dumps([e.detail for e in events(session)])


def _failed_sign_in_from(client: FlaskClient, forwarded_for: str) -> None:
    client.post("/coordinator/login", data={"email": "x@example.org", "password": "y",
                                            "csrf_token": get_form(client, "/coordinator/login")[1]},
                headers={"X-Forwarded-For": forwarded_for})


def test_the_address_is_the_one_a_trusted_proxy_gives(client: FlaskClient, session: Session, database_url: str,
                                                     tmp_path) -> None:
    _failed_sign_in_from(client, "203.0.113.9")
    assert events(session)[-1].client_address == "127.0.0.1"  # no proxy is trusted: the header proves nothing
    behind_proxy = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "x", "PROXY_COUNT": 1,
                               "MAIL_OUTBOX": str(tmp_path / "outbox"), "SERVER_NAME": "kompis.test"})
    _failed_sign_in_from(behind_proxy.test_client(), "203.0.113.9")
    assert events(session)[-1].client_address == "203.0.113.9"
    behind_proxy.extensions["kompis.engine"].dispose()
