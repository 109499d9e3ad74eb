"""`/me`: a person corrects their own answers, chooses what their kompis gets, and reads a changed privacy notice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AuditEvent, Newcomer, Organisation, PersonStatus, Volunteer
from tests.conftest import csrf_token
from tests.factories import make_newcomer, make_organisation, make_pair, make_volunteer
from tests.web.helpers import error_summary, get_form, link_in, mails, page, reread, submit
from tests.web.test_care import _form_data as form_as_it_stands
from tests.web.test_volunteer_signup import answers as signup_answers
from web.config import PRIVACY_NOTICE_VERSION
from web.me.access import link_token
from web.privacy.notice import VERSIONS, has_read_current
from web.privacy.register import BASIS_LABELS, KEPT_LABELS, PURPOSE_LABELS

Person = Volunteer | Newcomer


def open_own_page(app: Flask, client: FlaskClient, person: Person) -> None:
    """Open the person's page from their link, as they would from the e-mail."""
    with app.test_request_context():
        token = link_token(person)
    link = f"/me/{'newcomer' if isinstance(person, Newcomer) else 'volunteer'}/{token}"
    assert client.post(link, data={"csrf_token": csrf_token(client.get(link).text)}).status_code == 302


def edits(session: Session) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "edited")))


def post_edit(client: FlaskClient, data: dict[str, Any]):
    return client.post("/me/edit?lang=en", data=data)


# --- correcting one's answers ---------------------------------------------------------------------------------------


def test_a_volunteer_corrects_their_answers_with_the_sign_up_checks(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    make_organisation(session)
    make_organisation(session, "Kalmar kommun", municipalities=("Kalmar",))
    volunteer = make_volunteer(session, name="Anna Svensson", phone="+46709876543", capacity=1)
    open_own_page(app, client, volunteer)
    data = form_as_it_stands(client, "/me/edit?lang=en")
    assert data["name"] == "Anna Svensson" and data["capacity"] == "1" and data["share"] == "email"
    offered = page(client.get("/me/edit?lang=en").text).find("select", id="place")
    assert offered.find("optgroup", label="Nyköping") and not offered.find("optgroup", label="Kalmar"), \
        "only the places of the person's own organisation"

    refused = post_edit(client, {**data, "name": "Anna Lind", "birth_year": "2020", "email": "",
                                 "help_offered": "swedish"})
    assert refused.status_code == 400
    assert {href for _, href in error_summary(page(refused.text))} >= {"#birth_year", "#email"}
    assert page(refused.text).find("input", id="name")["value"] == "Anna Lind", "what was typed is kept"
    assert reread(session, Volunteer, volunteer.id).name == "Anna Svensson" and edits(session) == []

    saved = post_edit(client, {**data, "name": "Anna Lind", "capacity": "2", "help_offered": "swedish"})
    assert saved.status_code == 303 and saved.headers["Location"].endswith("/me/data")
    stored = reread(session, Volunteer, volunteer.id)
    assert (stored.name, stored.capacity, [g.code for g in stored.help_offered]) == ("Anna Lind", 2, ["swedish"])
    [event] = edits(session)
    assert event.actor_id is None and event.detail["by"] == "self"
    assert set(event.detail["fields"]) == {"name", "capacity", "help_offered"}
    assert "Anna Lind" not in str(event.detail), "which answers changed, never what they say"
    assert "Your changes are saved." in client.get("/me/data?lang=en").text


def test_a_newcomer_corrects_with_their_own_request_form(app: Flask, client: FlaskClient, session: Session) -> None:
    make_organisation(session)
    newcomer = make_newcomer(session, languages=(("ar", 4), ("en", 2)))
    open_own_page(app, client, newcomer)
    soup, _token = get_form(client, "/me/edit?lang=en")
    assert soup.find("label", attrs={"for": "name"}).get_text(strip=True) == "Full name", "worded to them, not staff"
    assert soup.find("h2", id="about-you").get_text(strip=True) == "About you"
    data = form_as_it_stands(client, "/me/edit?lang=en")
    assert data["languages-ar"] == "4" and data["contact_language"] == "ar"
    missing = post_edit(client, data)
    assert missing.status_code == 400 and "#goals" in {h for _, h in error_summary(page(missing.text))}
    saved = post_edit(client, {**data, "goals": "swedish", "swedish_level": "sfi_c", "languages-en": "3"})
    assert saved.status_code == 303, error_summary(page(saved.text))
    stored = reread(session, Newcomer, newcomer.id)
    assert stored.swedish_level.value == "sfi_c" and {s.language_code: s.level for s in stored.languages} == {
        "ar": 4, "en": 3}
    [event] = edits(session)
    assert set(event.detail["fields"]) == {"swedish_level", "languages", "goals"} and event.detail["by"] == "self"


def test_fewer_seats_than_their_open_pairs_is_refused(app: Flask, client: FlaskClient, session: Session) -> None:
    make_organisation(session)
    volunteer = make_volunteer(session, capacity=2)
    make_pair(session, make_newcomer(session), volunteer)
    make_pair(session, make_newcomer(session, name="Hodan Ali", phone="+46701111111"), volunteer)
    open_own_page(app, client, volunteer)
    data = form_as_it_stands(client, "/me/edit?lang=en")
    refused = post_edit(client, {**data, "capacity": "1", "help_offered": "swedish"})
    assert refused.status_code == 400
    assert ("You have 2 kompisar now. Choose at least 2.", "#capacity") in error_summary(page(refused.text))
    assert reread(session, Volunteer, volunteer.id).capacity == 2 and edits(session) == []


def test_an_address_someone_else_uses_is_refused(app: Flask, client: FlaskClient, session: Session) -> None:
    make_organisation(session)
    make_volunteer(session, name="Karin Berg", email="karin.berg@example.org")
    volunteer = make_volunteer(session, name="Anna Svensson", email="anna@example.org")
    newcomer = make_newcomer(session, email="amal@example.org")
    open_own_page(app, client, volunteer)
    data = {**form_as_it_stands(client, "/me/edit?lang=en"), "help_offered": "swedish"}
    refused = post_edit(client, {**data, "email": "Karin.Berg@example.org"})
    assert refused.status_code == 400
    assert ("Someone else already uses this e-mail address.", "#email") in error_summary(page(refused.text))
    assert reread(session, Volunteer, volunteer.id).email == "anna@example.org" and edits(session) == []
    # One address is one person on each side: a newcomer's address may also be a volunteer's.
    assert post_edit(client, {**data, "email": newcomer.email}).status_code == 303
    assert reread(session, Volunteer, volunteer.id).email == "amal@example.org"


def test_a_new_address_is_confirmed_by_a_link_sent_to_it(
    app: Flask, client: FlaskClient, session: Session, outbox: Path
) -> None:
    make_organisation(session)
    volunteer = make_volunteer(session, name="Anna Svensson", email="anna@example.org", ui_language="ar")
    open_own_page(app, client, volunteer)
    data = {**form_as_it_stands(client, "/me/edit?lang=en"), "help_offered": "swedish"}
    assert post_edit(client, {**data, "phone": "+46701112233"}).status_code == 303
    assert mails(outbox) == [], "no link while the address stays the same"

    assert post_edit(client, {**data, "email": "anna.lind@example.org"}).status_code == 303
    assert "We have sent a link to your new e-mail address." in client.get("/me/data?lang=en").text
    [message] = mails(outbox)
    assert (message["To"], message["Content-Language"]) == ("anna.lind@example.org", "ar"), "in their language"
    assert reread(session, Volunteer, volunteer.id).email_confirmed_at is None
    link = link_in(message)
    assert client.post(link, data={"csrf_token": csrf_token(client.get(link).text)}).status_code == 302
    stored = reread(session, Volunteer, volunteer.id)
    assert stored.email_confirmed_at is not None and stored.status == PersonStatus.ACTIVE


def test_correcting_needs_the_page_opened_from_the_link(client: FlaskClient, session: Session) -> None:
    make_organisation(session)
    make_volunteer(session)
    assert client.get("/me/edit").headers["Location"].endswith("/me")
    assert client.get("/me/sharing").headers["Location"].endswith("/me")


# --- what the kompis gets -------------------------------------------------------------------------------------------


def test_a_person_chooses_what_their_kompis_gets_from_now_on(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    make_organisation(session)
    volunteer = make_volunteer(session, phone="+46709876543", share=("email",))
    open_own_page(app, client, volunteer)
    soup, token = get_form(client, "/me/sharing?lang=en")
    boxes = {box["value"]: box.has_attr("checked") for box in soup.select("input[name=share]")}
    assert boxes == {"email": True, "phone": False}
    assert "already introduced you to keeps what you shared then" in soup.get_text()
    nothing = client.post("/me/sharing?lang=en", data={"csrf_token": token})
    assert nothing.status_code == 400 and error_summary(page(nothing.text))[0][1] == "#share"
    assert client.post("/me/sharing", data={"share": "phone", "csrf_token": token}).status_code == 303
    stored = reread(session, Volunteer, volunteer.id)
    assert (stored.share_email, stored.share_phone) == (False, True)
    [event] = edits(session)
    assert set(event.detail["fields"]) == {"share_email", "share_phone"} and event.detail["by"] == "self"


def test_only_details_the_person_gave_can_be_shared(app: Flask, client: FlaskClient, session: Session) -> None:
    make_organisation(session)
    newcomer = make_newcomer(session, phone="+46701234567", email=None)
    open_own_page(app, client, newcomer)
    soup, token = get_form(client, "/me/sharing?lang=en")
    assert [box["value"] for box in soup.select("input[name=share]")] == ["phone"]
    refused = client.post("/me/sharing?lang=en", data={"share": ["phone", "email"], "csrf_token": token})
    assert refused.status_code == 400
    assert reread(session, Newcomer, newcomer.id).share_email is False and edits(session) == []


# --- the privacy notice ---------------------------------------------------------------------------------------------


def test_the_versions_end_with_the_current_one() -> None:
    assert VERSIONS[-1].name == PRIVACY_NOTICE_VERSION == "2026-12"
    assert [v.name for v in VERSIONS] == sorted(v.name for v in VERSIONS), "names sort by date"
    assert [v.published for v in VERSIONS] == sorted(v.published for v in VERSIONS)


def test_one_who_agreed_to_an_older_notice_reads_the_new_one_first(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    make_organisation(session)
    volunteer = make_volunteer(session)
    volunteer.consent_version = "2026-11"
    session.commit()
    agreed_at = reread(session, Volunteer, volunteer.id).consent_at
    open_own_page(app, client, volunteer)
    for url in ("/me/data", "/me/edit", "/me/sharing"):
        answer = client.get(url)
        assert answer.status_code == 302 and answer.headers["Location"].endswith("/me/notice"), url
    # Taking one's data away, or erasing it, never waits for the new text to be read.
    assert client.get("/me/data.json").status_code == 200
    assert client.get("/me/erase").status_code == 200
    notice = page(client.get("/me/notice?lang=en").text)
    assert "We have changed this text since you agreed to it." in notice.get_text()
    button = notice.select_one("main form button[type=submit]")
    assert button.get_text(strip=True) == "I have read it"
    assert client.post("/me/notice", data={"csrf_token": csrf_token(str(notice))}).headers["Location"].endswith(
        "/me/data")
    stored = reread(session, Volunteer, volunteer.id)
    assert stored.consent_version == "2026-12" and stored.consent_at > agreed_at
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "read_notice"))
    assert event is not None and event.detail == {"version": "2026-12", "earlier": "2026-11", "by": "self"}
    assert client.get("/me/data").status_code == 200
    again = page(client.get("/me/notice?lang=en").text)
    assert again.select_one("main form") is None, "nothing left to press"


def test_one_who_signs_up_now_agrees_to_the_current_notice_and_goes_straight_to_their_page(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    make_organisation(session)
    assert submit(client, "/volunteer/signup", signup_answers(client)).status_code in (302, 303)
    volunteer = session.scalar(select(Volunteer))
    assert volunteer is not None and volunteer.consent_version == PRIVACY_NOTICE_VERSION
    open_own_page(app, client, volunteer)
    assert client.get("/me/data").status_code == 200
    assert has_read_current(volunteer) and not has_read_current(Volunteer(consent_version="2026-11"))


def _with_contacts(session: Session, organisation: Organisation, email: str, phone: str, address: str) -> None:
    organisation.contact_email, organisation.contact_phone, organisation.contact_address = email, phone, address
    session.commit()


def _register_words(app: Flask, language: str) -> list[str]:
    """Return every purpose, legal basis and retention of the register, as they read in `language`."""
    with app.test_request_context(), force_locale(language):
        return [str(label) for labels in (PURPOSE_LABELS, BASIS_LABELS, KEPT_LABELS) for label in labels.values()]


@pytest.mark.parametrize(("language", "direction"), [("sv", "ltr"), ("en", "ltr"), ("ar", "rtl")])
def test_the_notice_states_each_purpose_basis_retention_and_the_controller(
    app: Flask, client: FlaskClient, session: Session, language: str, direction: str
) -> None:
    nykoping = make_organisation(session)
    kalmar = make_organisation(session, "Kalmar kommun", municipalities=("Kalmar",))
    _with_contacts(session, nykoping, "kompis@nykoping.se", "0155-24 80 00", "Stadshuset, 611 83 Nyköping")
    _with_contacts(session, kalmar, "integration@kalmar.se", "0480-45 00 00", "Box 611, 391 26 Kalmar")
    words = _register_words(app, language)
    if language != "en":  # each of the three kinds of words is translated (a label added lately may not be yet)
        english = _register_words(app, "en")
        assert all(words[n] != english[n] for n in (0, len(PURPOSE_LABELS), len(PURPOSE_LABELS) + len(BASIS_LABELS)))

    public = page(client.get(f"/privacy?lang={language}").text)
    assert (public.html["lang"], public.html["dir"]) == (language, direction)
    text = public.get_text()
    assert all(word in text for word in words), [w for w in words if w not in text]
    for contact in ("Nyköpings kommun", "kompis@nykoping.se", "0155-24 80 00", "Stadshuset, 611 83 Nyköping",
                    "Kalmar kommun", "integration@kalmar.se", "0480-45 00 00"):
        assert contact in text, f"/privacy names every organisation: {contact}"
    assert all(version.name in text for version in VERSIONS)

    volunteer = make_volunteer(session)
    open_own_page(app, client, volunteer)
    own = page(client.get(f"/me/notice?lang={language}").text)
    assert own.html["lang"] == language
    text = own.get_text()
    assert all(word in text for word in words)
    assert "kompis@nykoping.se" in text and "0155-24 80 00" in text and "Stadshuset, 611 83 Nyköping" in text
    assert "Kalmar kommun" not in text and "integration@kalmar.se" not in text, "only the person's own organisation"
    assert own.find("bdi", dir="ltr", string="kompis@nykoping.se"), "an address keeps its direction in Arabic"
