"""Every column about a person has a stated purpose, basis and retention; the record of processing shows them."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Column, MetaData, Text
from sqlalchemy.orm import Session

from models import Base
from tests.factories import make_coordinator, make_organisation
from tests.signin import sign_in
from tests.web.helpers import page
from web.privacy.register import REGISTER, Purpose, tables_about_people, unexplained_columns


def test_every_column_about_a_person_is_in_the_register() -> None:
    assert unexplained_columns(tables_about_people()) == []


def test_a_column_added_later_is_caught() -> None:
    copy = Base.metadata.tables["newcomers"].to_metadata(MetaData())
    copy.append_column(Column("religion", Text))
    assert unexplained_columns([copy]) == ["newcomers.religion"]


def test_a_table_that_comes_to_refer_to_people_is_caught() -> None:
    names = {t.name for t in tables_about_people()}
    assert {"volunteers", "newcomers", "matches", "follow_ups", "messages", "contact_notes", "audit_events"} <= names
    assert "organisations" not in names and "interests" not in names


def test_the_register_names_only_columns_that_exist() -> None:
    existing = {f"{t.name}.{c.name}" for t in Base.metadata.sorted_tables for c in t.columns}
    assert set(REGISTER) - existing == set()


def test_the_admin_reads_the_record_of_processing(app: Flask, client: FlaskClient, session: Session) -> None:
    organisation = make_organisation(session)
    organisation.contact_email = "kompis@nykoping.se"
    session.commit()
    make_coordinator(session, None, email="admin@example.org", admin=True)
    sign_in(client, "admin@example.org")
    shown = page(client.get("/admin/processing?lang=en").text)
    text = shown.get_text(" ")
    for words in ("Year of birth", "Consent (GDPR article 6.1 a)", "Legal obligation", "kompis@nykoping.se",
                  "retention period"):
        assert words in text, words
    assert len(shown.select("section.purpose")) == len(Purpose)
