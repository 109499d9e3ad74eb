"""Names cannot be disguised with invisible characters: bidirectional controls and zero-width spaces go."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Volunteer
from tests.factories import make_organisation
from tests.web.helpers import submit
from tests.web.test_volunteer_signup import URL, answers
from web.fields import clean_name


@pytest.mark.parametrize(("typed", "stored"), [
    ("An\u202ena", "Anna"),  # a right-to-left override would show "Anan"
    ("\u2066Amal\u2069 Hassan", "Amal Hassan"),  # isolates
    ("Karin\u200f", "Karin"),  # a right-to-left mark
    ("Zero\u200bWidth", "ZeroWidth"),  # a zero-width space makes two names look alike
    ("\ufeffLars", "Lars"),
    ("\u061cأمل", "أمل"),  # the Arabic letter mark
    ("مریم\u200cاحمدی", "مریم\u200cاحمدی"),  # Dari needs the non-joiner inside a word
    ("\u200cمریم \u200d", "مریم"),  # but not at the edges of one
])
def test_invisible_characters_leave_names(typed: str, stored: str) -> None:
    assert clean_name(typed) == stored


def test_a_signed_up_name_is_stored_without_them(client: FlaskClient, session: Session) -> None:
    make_organisation(session, "Nyköpings kommun", municipalities=("Nyköping",))
    submit(client, URL, answers(client, name="Karin \u202eJohansson\u202c"))
    assert session.scalar(select(Volunteer.name)) == "Karin Johansson"
