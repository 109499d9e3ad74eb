"""Signing staff in: a password and a second factor, sessions held on the server, passwords and their links."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import AuditEvent, Coordinator, RecoveryCode, StaffSession, now_utc
from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_coordinator, make_organisation
from tests.signin import fresh_code, give_code, give_password, sign_in
from tests.web.helpers import link_in, mails, page, submit
from web.auth import create_coordinator
from web.passwords import password_problem

EMAIL = "samordnare@example.org"
STRONG = "lingon kanel tusenskona 42"  # noqa: S105 - a test's


@pytest.fixture
def coordinator(session: Session) -> Coordinator:
    return make_coordinator(session, make_organisation(session))


def staff_token(client: FlaskClient) -> str:
    with client.session_transaction() as cookie:
        return str(cookie.get("staff", ""))


def signed_in(client: FlaskClient) -> bool:
    answer = client.get("/coordinator/")
    assert answer.status_code in (200, 302)
    return answer.status_code == 200


def actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


# --- the second factor ----------------------------------------------------------------------------------------------


def test_the_password_alone_leads_to_the_code_and_the_code_signs_in(
    client: FlaskClient, session: Session, coordinator: Coordinator
) -> None:
    answer = give_password(client, EMAIL)
    assert answer.headers["Location"].startswith("/coordinator/login/code")
    assert not signed_in(client)
    assert give_code(client, fresh_code(session, EMAIL)).status_code == 302
    assert signed_in(client)
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "signed_in")).one()
    assert event.detail == {"second_factor": "totp"} and event.actor_id == coordinator.id


def test_a_code_is_taken_only_once(client: FlaskClient, session: Session, coordinator: Coordinator) -> None:
    code = fresh_code(session, EMAIL)
    give_password(client, EMAIL)
    assert give_code(client, code).status_code == 302
    other = client.application.test_client()
    give_password(other, EMAIL)
    replayed = give_code(other, code)
    assert replayed.status_code == 400 and page(replayed.text).select(".error-message")
    assert not signed_in(other)


def test_a_code_of_another_time_or_account_is_refused(
    client: FlaskClient, session: Session, coordinator: Coordinator
) -> None:
    stranger = make_coordinator(session, coordinator.organisation, email="other@example.org")
    give_password(client, EMAIL)
    totp = pyotp.TOTP(coordinator.totp_secret)
    for code in (totp.at(now_utc() - timedelta(minutes=5)), pyotp.TOTP(stranger.totp_secret).now(), "12345",
                 "abcdef"):
        assert give_code(client, code).status_code == 400, code
    assert not signed_in(client)


def test_five_wrong_codes_send_the_browser_back_to_the_password(
    client: FlaskClient, session: Session, coordinator: Coordinator
) -> None:
    give_password(client, EMAIL)
    answers = [give_code(client, "000000") for _ in range(5)]
    assert [a.status_code for a in answers] == [400] * 4 + [302]
    assert answers[-1].headers["Location"].endswith("/coordinator/login")
    # The right code no longer helps: the password must be given again.
    assert client.get("/coordinator/login/code").headers["Location"].endswith("/coordinator/login")
    assert not signed_in(client)
    assert actions(session).count("second_factor_failed") == 5


def test_a_recovery_code_signs_in_once(client: FlaskClient, app: Flask, session: Session,
                                       coordinator: Coordinator) -> None:
    from web.second_factor import issue_recovery_codes

    codes = issue_recovery_codes(session, coordinator)
    session.commit()
    assert len(codes) == 10 and len(set(codes)) == 10
    stored = " ".join(session.scalars(select(RecoveryCode.code_hash)))
    assert not any(code.replace("-", "") in stored.upper() for code in codes), "kept as hashes only"
    give_password(client, EMAIL)
    assert give_code(client, codes[0].lower()).status_code == 302  # as typed from paper, any case
    assert signed_in(client)
    again = app.test_client()
    give_password(again, EMAIL)
    assert give_code(again, codes[0]).status_code == 400
    assert session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.used_at.is_(None))) == 9


def test_an_account_without_a_second_factor_enrols_before_any_page(
    client: FlaskClient, session: Session
) -> None:
    organisation = make_organisation(session)
    create_coordinator(session, "ny@example.org", STRONG, organisation=organisation)
    session.commit()
    answer = give_password(client, "ny@example.org", STRONG)
    assert answer.headers["Location"].startswith("/coordinator/login/enrol")
    assert not signed_in(client)
    enrol = page(client.get("/coordinator/login/enrol").text)
    assert enrol.find("svg") is not None and enrol.find("svg").find("title")
    secret = enrol.find("code", class_="secret").get_text(strip=True)
    assert client.post("/coordinator/login/enrol", data={"code": "000000", "csrf_token": csrf_token(
        str(enrol))}).status_code == 400
    done = client.post("/coordinator/login/enrol", data={"code": pyotp.TOTP(secret).now(),
                                                         "csrf_token": csrf_token(str(enrol))})
    assert done.status_code == 200
    codes = [c.get_text() for c in page(done.text).select(".recovery-codes code")]
    assert len(codes) == 10
    account = session.scalars(select(Coordinator).where(Coordinator.email == "ny@example.org")).one()
    assert account.totp_secret == secret
    assert signed_in(client)
    assert "second_factor_enrolled" in actions(session)


# --- sessions -------------------------------------------------------------------------------------------------------


def test_signing_in_gives_a_new_session_and_the_old_one_is_worthless(
    client: FlaskClient, session: Session, coordinator: Coordinator
) -> None:
    give_password(client, EMAIL)
    pending = staff_token(client)
    give_code(client, fresh_code(session, EMAIL))
    assert staff_token(client) not in ("", pending)
    rows = list(session.scalars(select(StaffSession).order_by(StaffSession.id)))
    assert [r.ended_at is not None for r in rows] == [True, False]
    # A browser that kept the token of before signing in has nothing.
    thief = client.application.test_client()
    with thief.session_transaction() as cookie:
        cookie["staff"] = pending
        cookie["_user_id"] = str(coordinator.id)
    assert not signed_in(thief)


def test_a_copied_cookie_stops_working_at_logout(client: FlaskClient, session: Session,
                                                  coordinator: Coordinator) -> None:
    sign_in(client, EMAIL)
    with client.session_transaction() as cookie:
        copied = dict(cookie)
    client.post("/coordinator/logout", data={"csrf_token": csrf_token(client.get("/coordinator/").text)})
    thief = client.application.test_client()
    with thief.session_transaction() as cookie:
        cookie.update(copied)
    assert not signed_in(thief)


def test_a_session_ends_after_30_idle_minutes(client: FlaskClient, session: Session,
                                               coordinator: Coordinator) -> None:
    start = now_utc()
    with time_machine.travel(start, tick=False) as clock:
        sign_in(client, EMAIL)
        clock.shift(timedelta(minutes=29))
        assert signed_in(client)  # and this page moves the idle clock
        clock.shift(timedelta(minutes=29))
        assert signed_in(client)
        clock.shift(timedelta(minutes=31))
        assert not signed_in(client)


def test_a_session_ends_after_12_hours_however_busy(client: FlaskClient, session: Session,
                                                     coordinator: Coordinator) -> None:
    start = now_utc()
    with time_machine.travel(start, tick=False) as clock:
        sign_in(client, EMAIL)
        for _ in range(35):  # every 20 minutes for 11 h 40 min
            clock.shift(timedelta(minutes=20))
            assert signed_in(client)
        clock.shift(timedelta(minutes=21))
        assert not signed_in(client)


# --- passwords ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("weak", ["kort lösen", "passwordpassword", "qwertyuiopasdf", "123456789012",
                                  "aaaaaaaaaaaaaaaa", "samordnare12345", "kompiskompis1"])
def test_weak_passwords_are_refused_with_a_reason(app: Flask, weak: str) -> None:
    with app.test_request_context():
        assert password_problem(weak, email=EMAIL) is not None


@pytest.mark.parametrize("fine", [STRONG, PASSWORD, "Mitt hem är i Nyköping sedan 2019", "x" * 3 + "Tv7!pQ2#mZ9@"])
def test_long_unguessable_passwords_need_no_digits_or_symbols(app: Flask, fine: str) -> None:
    with app.test_request_context():
        assert password_problem(fine, email=EMAIL) is None


def test_changing_the_password_ends_the_other_sessions(
    client: FlaskClient, app: Flask, session: Session, coordinator: Coordinator
) -> None:
    elsewhere = app.test_client()
    sign_in(elsewhere, EMAIL)
    sign_in(client, EMAIL)
    refused = submit(client, "/coordinator/account", {"current": PASSWORD, "password": "qwertyuiopasdf",
                                                      "repeat": "qwertyuiopasdf"})
    assert refused.status_code == 400 and signed_in(elsewhere)
    wrong = submit(client, "/coordinator/account", {"current": "not it", "password": STRONG, "repeat": STRONG})
    assert wrong.status_code == 400
    changed = submit(client, "/coordinator/account", {"current": PASSWORD, "password": STRONG, "repeat": STRONG})
    assert changed.status_code == 302
    assert signed_in(client) and not signed_in(elsewhere)
    assert give_password(app.test_client(), EMAIL, PASSWORD).status_code == 400
    assert "password_changed" in actions(session)


def test_a_reset_answers_the_same_for_any_address_and_its_link_works_once(
    client: FlaskClient, app: Flask, session: Session, outbox: Path, coordinator: Coordinator
) -> None:
    known = submit(client, "/coordinator/password-reset", {"email": EMAIL})
    unknown = submit(client, "/coordinator/password-reset", {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.text == unknown.text
    sent = mails(outbox)
    assert [m["To"] for m in sent] == [EMAIL]
    link = link_in(sent[0])
    elsewhere = app.test_client()
    sign_in(elsewhere, EMAIL)
    assert submit(client, link, {"password": "passwordpassword", "repeat": "passwordpassword"}).status_code == 400
    done = submit(client, link, {"password": STRONG, "repeat": STRONG})
    assert done.status_code == 302 and "/coordinator/login/code" in done.headers["Location"]
    assert not signed_in(elsewhere), "a reset ends every session"
    assert client.get(link).status_code == 410, "the link works once"
    assert sign_in(app.test_client(), EMAIL, STRONG).status_code == 302
    assert "password_reset" in actions(session)


def test_a_reset_link_expires_after_an_hour_and_serves_no_other_purpose(
    client: FlaskClient, session: Session, outbox: Path, coordinator: Coordinator
) -> None:
    start = now_utc()
    with time_machine.travel(start, tick=False) as clock:
        submit(client, "/coordinator/password-reset", {"email": EMAIL})
        link = link_in(mails(outbox)[0])
        token = link.split("/")[-1].split("?")[0]
        assert client.get(f"/coordinator/invitation/{token}").status_code == 410
        assert client.get(f"/coordinator/password-reset/{token[:-2]}").status_code == 410, "tampered"
        clock.shift(timedelta(minutes=61))
        assert client.get(link).status_code == 410


# --- invitations ----------------------------------------------------------------------------------------------------


def test_an_invited_coordinator_chooses_a_password_and_enrols(
    client: FlaskClient, app: Flask, session: Session, outbox: Path
) -> None:
    organisation = make_organisation(session)
    make_coordinator(session, None, email="admin@example.org", admin=True)
    admin = app.test_client()
    sign_in(admin, "admin@example.org")
    invited = submit(admin, "/admin/staff/invite", {"email": "ny@example.org", "role": "coordinator",
                                                    "organisation": str(organisation.id)})
    assert invited.status_code == 303
    link = link_in(mails(outbox)[-1])
    assert give_password(client, "ny@example.org", "").status_code == 400, "no password before the invitation"
    chosen = submit(client, link, {"password": STRONG, "repeat": STRONG})
    assert chosen.headers["Location"].startswith("/coordinator/login/enrol")
    enrol = page(client.get("/coordinator/login/enrol").text)
    secret = enrol.find("code", class_="secret").get_text(strip=True)
    assert client.post("/coordinator/login/enrol", data={"code": pyotp.TOTP(secret).now(),
                                                         "csrf_token": csrf_token(str(enrol))}).status_code == 200
    assert signed_in(client)
    assert client.get(link).status_code == 410, "the invitation works once"
    assert {"staff_invited", "invitation_accepted", "second_factor_enrolled"} <= set(actions(session))


def test_disabling_an_account_ends_its_sessions_at_once(client: FlaskClient, app: Flask, session: Session,
                                                        coordinator: Coordinator) -> None:
    make_coordinator(session, None, email="admin@example.org", admin=True)
    admin = app.test_client()
    sign_in(admin, "admin@example.org")
    sign_in(client, EMAIL)
    token = csrf_token(admin.get(f"/admin/staff/{coordinator.id}").text)
    assert admin.post(f"/admin/staff/{coordinator.id}/disable", data={"csrf_token": token}).status_code == 303
    assert not signed_in(client)
    assert give_password(app.test_client(), EMAIL).status_code == 400
    admin.post(f"/admin/staff/{coordinator.id}/enable", data={"csrf_token": token})
    assert sign_in(app.test_client(), EMAIL).status_code == 302


def test_a_change_of_role_or_organisation_ends_the_sessions(client: FlaskClient, app: Flask, session: Session,
                                                            coordinator: Coordinator) -> None:
    other = make_organisation(session, "Kalmar kommun", municipalities=("Kalmar",))
    make_coordinator(session, None, email="admin@example.org", admin=True)
    admin = app.test_client()
    sign_in(admin, "admin@example.org")
    sign_in(client, EMAIL)
    moved = submit(admin, f"/admin/staff/{coordinator.id}", {"role": "coordinator",
                                                              "organisation": str(other.id)})
    assert moved.status_code == 303
    assert not signed_in(client)
    refused = submit(admin, f"/admin/staff/{coordinator.id}", {"role": "coordinator", "organisation": ""})
    assert refused.status_code == 400
