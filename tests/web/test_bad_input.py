"""Random input into every public form: never a 500, never a half-stored person."""

from __future__ import annotations

import io

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Base, Newcomer, Volunteer
from tests.conftest import csrf_token
from tests.factories import make_organisation

FIELDS = {
    "/volunteer/signup": [
        "name", "email", "phone", "share", "birth_year", "gender", "place", "max_distance_km", "languages-sv",
        "languages-other-1", "languages-other-1-level", "interests", "help_offered", "availability",
        "capacity", "gender_preference", "what_matters", "notes", "consent", "website",
    ],
    "/newcomer/request": [
        "name", "email", "phone", "share", "contact_language", "birth_year", "gender", "place",
        "max_distance_km", "swedish_level", "languages-ar", "languages-other-2", "goals", "interests",
        "availability", "gender_preference", "what_matters", "notes", "consent",
    ],
    "/coordinator/login": ["email", "password"],
}

# Values near the edges of what each field accepts, and plain junk.
values = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.sampled_from(["", "0", "-1", "4", "9999", "y", "sv", "ar", "mon-evening", "female", "sfi_c",
                     "name@example.org", "+46701234567", "\x00", "1e9", "NaN", "[]", "None"]),
    st.integers(min_value=-(2**63), max_value=2**63).map(str),
)
form_data = {
    url: st.dictionaries(st.sampled_from(fields), st.one_of(values, st.lists(values, max_size=4)), max_size=len(fields))
    for url, fields in FIELDS.items()
}


def _rows(session: Session) -> dict[str, int]:
    return {
        table.name: session.scalar(select(func.count()).select_from(table)) or 0
        for table in Base.metadata.sorted_tables
        if table.name.startswith(("volunteer", "newcomer"))
    }


@pytest.mark.parametrize("url", list(FIELDS))
def test_random_input_never_fails_or_half_stores(app: Flask, session: Session, url: str) -> None:
    make_organisation(session)
    client = app.test_client()
    token = csrf_token(client.get(url).get_data(as_text=True))

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=form_data[url])
    def post_random(data: dict[str, object]) -> None:
        before = _rows(session)
        response = client.post(url, data={**data, "csrf_token": token})
        assert response.status_code in (302, 400, 413), response.status_code
        if url == "/coordinator/login":
            assert response.status_code != 302, "nobody can log in: there are no accounts"
        session.rollback()
        after = _rows(session)
        people = (Volunteer if "volunteer" in url else Newcomer).__tablename__
        if response.status_code != 302:
            assert after == before
        else:
            # A stored person is stored whole: one row, with their languages.
            assert after[people] - before[people] in (0, 1)

    post_random()


@pytest.mark.parametrize("url", list(FIELDS))
def test_a_file_in_place_of_an_answer_is_refused_with_the_form(app: Flask, session: Session, url: str) -> None:
    make_organisation(session)
    client = app.test_client()
    token = csrf_token(client.get(url).get_data(as_text=True))
    for field in FIELDS[url]:
        before = _rows(session)
        response = client.post(url, data={"csrf_token": token, field: (io.BytesIO(b"%PDF-1.4"), "answer.pdf")},
                               content_type="multipart/form-data")
        assert response.status_code == 400, field
        assert "<form" in response.get_data(as_text=True), field
        session.rollback()
        assert _rows(session) == before, field
