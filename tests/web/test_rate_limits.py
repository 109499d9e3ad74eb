"""Rate limits: generous per address (a whole SFI class may share one), strict per e-mail or phone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.conftest import csrf_token
from tests.factories import PASSWORD, make_coordinator, make_organisation
from tests.web import test_newcomer_request, test_volunteer_signup
from web.extensions import limiter


@pytest.fixture
def limited(app: Flask) -> Iterator[Flask]:
    """Turn the limits on, with counters of this test only."""
    app.config.update(RATELIMIT_ENABLED=True, RATELIMIT_SIGNUP_PER_EMAIL="3 per hour",
                      RATELIMIT_SIGNUP_PER_IP="50 per hour", RATELIMIT_LOGIN_PER_EMAIL="3 per 10 minutes",
                      RATELIMIT_LOGIN_PER_IP="50 per 10 minutes")
    limiter.enabled = True
    limiter.reset()
    yield app
    limiter.reset()
    limiter.enabled = False


def post_many(client: FlaskClient, url: str, forms: list[dict[str, object]]) -> list[int]:
    token = csrf_token(client.get(url).get_data(as_text=True))
    return [client.post(url, data={**form, "csrf_token": token}).status_code for form in forms]


def test_a_class_of_phone_only_newcomers_on_one_address_all_get_through(
    limited: Flask, client: FlaskClient, session: Session
) -> None:
    make_organisation(session, "Kalmar kommun", municipalities=("Kalmar",))
    forms = [test_newcomer_request.answers(client, name=f"Person {n}", phone=f"07017406{10 + n}")
             for n in range(8)]
    assert post_many(client, test_newcomer_request.URL, forms) == [302] * 8


def test_the_same_phone_number_is_limited(limited: Flask, client: FlaskClient, session: Session) -> None:
    make_organisation(session, "Kalmar kommun", municipalities=("Kalmar",))
    forms = [test_newcomer_request.answers(client, name=f"Person {n}", phone="070-174 06 10") for n in range(4)]
    assert post_many(client, test_newcomer_request.URL, forms) == [302, 302, 302, 429]


def test_the_same_email_is_limited_whatever_its_case(limited: Flask, client: FlaskClient,
                                                     session: Session) -> None:
    make_organisation(session)
    forms = [test_volunteer_signup.answers(client, email=email)
             for email in ("karin@example.org", "Karin@Example.org", "KARIN@EXAMPLE.ORG", "karin@example.org")]
    assert post_many(client, test_volunteer_signup.URL, forms) == [302, 302, 302, 429]


def test_guessing_one_accounts_password_is_limited(limited: Flask, client: FlaskClient,
                                                   session: Session) -> None:
    make_coordinator(session, make_organisation(session))
    wrong = {"email": "samordnare@example.org", "password": "not the password"}
    assert post_many(client, "/coordinator/login", [wrong] * 4) == [400, 400, 400, 429]
    other = {"email": "someone.else@example.org", "password": PASSWORD}
    assert post_many(client, "/coordinator/login", [other]) == [400]
