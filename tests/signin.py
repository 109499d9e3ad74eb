"""Signing staff in, in tests: the password, then a code from the account's own TOTP secret."""

from __future__ import annotations

from typing import Any

import pyotp
from flask.testing import FlaskClient
from playwright.sync_api import Page, expect
from sqlalchemy import update
from sqlalchemy.orm import Session

from models import Coordinator
from tests.conftest import csrf_token
from tests.factories import PASSWORD
from web.registration import email_key


def fresh_code(session: Session, email: str) -> str:
    """Return the account's code for now, as if its app showed the next one.

    A code is accepted once per 30-second step, and tests sign in faster than
    that; forgetting the last step stands in for waiting for the next code.
    """
    session.execute(update(Coordinator).where(Coordinator.email_key == email_key(email))
                    .values(totp_last_step=None))
    session.commit()
    account = session.query(Coordinator).filter_by(email_key=email_key(email)).one()
    return pyotp.TOTP(account.totp_secret).now()


def give_password(client: FlaskClient, email: str, password: str = PASSWORD, **kwargs: Any):
    """Post the login form; the answer sends the browser on to the code."""
    token = csrf_token(client.get("/coordinator/login").get_data(as_text=True))
    return client.post("/coordinator/login", data={"email": email, "password": password, "csrf_token": token},
                       **kwargs)


def give_code(client: FlaskClient, code: str, *, next_path: str = ""):
    """Post a code (or recovery code) on the second step."""
    url = "/coordinator/login/code" + (f"?next={next_path}" if next_path else "")
    token = csrf_token(client.get(url).get_data(as_text=True))
    return client.post(url, data={"code": code, "csrf_token": token})


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD):
    """Sign a staff account in with its password and a code; return the last answer."""
    answer = give_password(client, email, password)
    assert answer.status_code == 302 and "/coordinator/login/code" in answer.headers["Location"], answer.status
    sessionmaker = client.application.extensions["kompis.sessionmaker"]
    with sessionmaker() as session:
        code = fresh_code(session, email)
    answer = give_code(client, code)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    return answer


def sign_in_browser(page: Page, base: str, email: str, session: Session, *, password: str = PASSWORD,
                    lang: str = "", home: str = "/coordinator/") -> None:
    """Sign a staff account in through the browser's forms, as a person would."""
    page.goto(f"{base}/coordinator/login" + (f"?lang={lang}" if lang else ""))
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    expect(page.locator("#code")).to_be_visible()
    page.fill("#code", fresh_code(session, email))
    page.click("main button[type=submit]")
    expect(page).to_have_url(f"{base}{home}")
