"""E-mail over a real SMTP server (aiosmtpd on a local port), and what happens when it is down."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Volunteer
from tests.factories import make_organisation
from tests.web.helpers import mails
from tests.web.test_volunteer_signup import URL, answers, submit


class Inbox(Message):
    """Keeps every message the server receives."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list = []

    def handle_message(self, message) -> None:  # type: ignore[no-untyped-def]
        self.received.append(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, Inbox]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller.port, inbox
    controller.stop()


def use_smtp(app: Flask, port: int) -> None:
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False,
                      MAIL_SENDER="Kompis Nyköping <kompis@nykoping.example.org>")


def test_confirmation_goes_out_over_smtp(app: Flask, client: FlaskClient, session: Session, smtp_server,
                                         outbox: Path) -> None:
    port, inbox = smtp_server
    use_smtp(app, port)
    make_organisation(session)
    assert submit(client, URL, answers(client)).status_code == 302

    [received] = inbox.received
    message = message_from_bytes(received.as_bytes(), policy=policy.default)
    assert message["To"] == "Karin.Johansson@Example.org"
    assert message["From"] == "Kompis Nyköping <kompis@nykoping.example.org>"
    assert "/volunteer/confirm/" in message.get_content()
    assert mails(outbox) == []


def test_a_mail_server_that_is_down_costs_no_sign_up_and_no_message(
    app: Flask, client: FlaskClient, session: Session, outbox: Path
) -> None:
    use_smtp(app, free_port())  # nothing listens there
    make_organisation(session)
    assert submit(client, URL, answers(client)).status_code == 302

    assert session.scalar(select(func.count()).select_from(Volunteer)) == 1
    [kept] = mails(outbox / "unsent")
    assert kept["To"] == "Karin.Johansson@Example.org"
