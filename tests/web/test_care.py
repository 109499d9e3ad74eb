"""The coordinator's care of people: correcting answers, a contact log, and a confirmation sent again."""

from __future__ import annotations

from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AuditEvent, ContactNote, PersonStatus
from tests.factories import make_coordinator, make_newcomer, make_organisation, make_pair, make_volunteer
from tests.web.helpers import error_summary, get_form, mails, page
from tests.web.test_coordinator import login
from web.correction import answers_of


def post_from(client: FlaskClient, page_url: str, action: str, data: dict[str, object]):
    """Post `data` to `action` with the CSRF token of the page that holds the form."""
    _, token = get_form(client, page_url)
    return client.post(action, data={**data, "csrf_token": token})


def _form_data(client: FlaskClient, url: str) -> dict[str, object]:
    """Return what the edit page's form would post as it stands."""
    soup, token = get_form(client, url)
    data: dict[str, list[str]] = {}
    form = soup.select_one("main form")
    for field in form.select("input, select, textarea"):
        name = field.get("name")
        if not name:
            continue
        if field.name == "select":
            chosen = field.find("option", selected=True)
            value = chosen["value"] if chosen else ""
        elif field.name == "textarea":
            value = field.get_text()
        elif field.get("type") in ("checkbox", "radio"):
            if not field.has_attr("checked"):
                continue
            value = field.get("value", "y")
        else:
            value = field.get("value", "")
        data.setdefault(name, []).append(value)
    return {key: values if len(values) > 1 else values[0] for key, values in data.items()}


def test_a_coordinator_corrects_a_volunteer_with_the_sign_up_checks(client: FlaskClient, session: Session) -> None:
    organisation = make_organisation(session)
    make_coordinator(session, organisation)
    volunteer = make_volunteer(session, name="Anna Svensson", phone="+46709876543", share=("email",), capacity=2)
    login(client)
    url = f"/coordinator/volunteers/{volunteer.id}/edit"
    data = _form_data(client, url)
    assert data["name"] == "Anna Svensson" and data["capacity"] == "2" and data["share"] == "email"
    response = client.post(url, data={**data, "name": "Anna Lind", "capacity": "3", "share": ["email", "phone"],
                                      "help_offered": "swedish"})
    assert response.status_code == 303, error_summary(page(response.data))
    session.refresh(volunteer)
    assert (volunteer.name, volunteer.capacity, volunteer.share_phone) == ("Anna Lind", 3, True)
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "edited"))
    assert event is not None and set(event.detail["fields"]) == {"name", "capacity", "share_phone", "help_offered"}
    assert "Anna Lind" not in str(event.detail)  # which answers changed, never what they say

    refused = client.post(url, data={**data, "birth_year": "2020", "email": ""})
    assert refused.status_code == 400
    assert {href for _, href in error_summary(page(refused.data))} >= {"#birth_year", "#email"}
    session.refresh(volunteer)
    assert volunteer.birth_year == 1985 and volunteer.email


def test_a_new_address_staff_enter_gets_its_confirmation_link(
    client: FlaskClient, session: Session, outbox: Path
) -> None:
    organisation = make_organisation(session)
    make_coordinator(session, organisation)
    volunteer = make_volunteer(session, email="anna@example.org", ui_language="uk")
    newcomer = make_newcomer(session, email="amal@example.org")
    login(client)
    for kind, person, wants in (("newcomers", newcomer, "goals"), ("volunteers", volunteer, "help_offered")):
        url = f"/coordinator/{kind}/{person.id}/edit"
        answers = {**_form_data(client, url), wants: "swedish", "email": f"new.{person.email}"}
        response = client.post(f"{url}?lang=en", data=answers)  # the words saying so are in English
        assert response.status_code == 303, error_summary(page(response.data))
    [message] = mails(outbox)  # a newcomer's address is confirmed by staff being in touch, not by a link
    assert (message["To"], message["Content-Language"]) == ("new.anna@example.org", "uk")
    assert "/volunteer/confirm/" in message.get_content()
    said = client.get(f"/coordinator/volunteers/{volunteer.id}?lang=en").text
    assert "A link to confirm the new e-mail address is sent" in said


def test_fewer_seats_than_open_pairs_is_refused(client: FlaskClient, session: Session) -> None:
    organisation = make_organisation(session)
    make_coordinator(session, organisation)
    volunteer = make_volunteer(session, capacity=2)
    make_pair(session, make_newcomer(session), volunteer)
    make_pair(session, make_newcomer(session, name="Hodan Ali", phone="+46701111111"), volunteer)
    login(client)
    url = f"/coordinator/volunteers/{volunteer.id}/edit"
    response = client.post(url, data={**_form_data(client, url), "capacity": "1", "help_offered": "swedish"})
    assert response.status_code == 400 and ("#capacity" in {h for _, h in error_summary(page(response.data))})
    session.refresh(volunteer)
    assert volunteer.capacity == 2


def test_a_newcomer_is_corrected_and_keeps_their_languages(client: FlaskClient, session: Session) -> None:
    organisation = make_organisation(session)
    make_coordinator(session, organisation)
    newcomer = make_newcomer(session, languages=(("ar", 4), ("en", 2)))
    login(client)
    url = f"/coordinator/newcomers/{newcomer.id}/edit"
    data = _form_data(client, url)
    assert data["languages-ar"] == "4" and data["languages-en"] == "2"
    data["goals"] = "swedish"
    response = client.post(url, data={**data, "languages-en": "3", "swedish_level": "sfi_c"})
    assert response.status_code == 303, error_summary(page(response.data))
    session.refresh(newcomer)
    assert {s.language_code: s.level for s in newcomer.languages} == {"ar": 4, "en": 3}
    assert newcomer.swedish_level.value == "sfi_c"
    assert client.post(url, data=data).status_code == 303  # back again; unchanged answers stay


def test_the_stored_answers_fill_the_form_as_it_posts(session: Session) -> None:
    make_organisation(session)
    newcomer = make_newcomer(session, email="amal@example.org", share=("phone", "email"))
    answers = answers_of(newcomer)
    assert answers.getlist("share") == ["email", "phone"] and answers["contact_language"] == "ar"


def test_the_contact_log_of_a_person_and_of_a_pair(client: FlaskClient, session: Session) -> None:
    organisation = make_organisation(session)
    make_coordinator(session, organisation)
    newcomer, volunteer = make_newcomer(session), make_volunteer(session)
    pair = make_pair(session, newcomer, volunteer)
    login(client)
    person_page, pair_page = f"/coordinator/newcomers/{newcomer.id}", f"/coordinator/matches/{pair.id}"
    assert post_from(client, person_page, f"{person_page}/notes", {"text": "Ringde, inget svar"}).status_code == 303
    assert post_from(client, pair_page, f"{pair_page}/notes", {"text": "Träffas på biblioteket"}).status_code == 303
    assert [n.text for n in session.scalars(select(ContactNote).order_by(ContactNote.id))] == [
        "Ringde, inget svar", "Träffas på biblioteket"]
    assert "Ringde, inget svar" in client.get(f"/coordinator/newcomers/{newcomer.id}").get_data(as_text=True)
    assert "Träffas på biblioteket" in client.get(f"/coordinator/matches/{pair.id}").get_data(as_text=True)
    empty = post_from(client, person_page, f"{person_page}/notes", {"text": ""})
    assert empty.status_code == 303 and len(session.scalars(select(ContactNote)).all()) == 2


def test_another_organisation_cannot_read_or_write_them(client: FlaskClient, session: Session) -> None:
    make_coordinator(session, make_organisation(session))
    kalmar = make_organisation(session, "Kalmar kommun", municipalities=("Kalmar",))
    theirs = make_volunteer(session, place="Kalmar")
    newcomer = make_newcomer(session, place="Kalmar")
    pair = make_pair(session, newcomer, theirs)
    del kalmar
    login(client)
    assert client.get(f"/coordinator/volunteers/{theirs.id}/edit").status_code == 404
    for url in (f"/coordinator/volunteers/{theirs.id}/edit", f"/coordinator/volunteers/{theirs.id}/notes",
                f"/coordinator/matches/{pair.id}/notes", f"/coordinator/volunteers/{theirs.id}/resend-confirmation"):
        _, token = get_form(client, "/coordinator/newcomers/new")
        assert client.post(url, data={"csrf_token": token, "text": "x", "name": "X"}).status_code == 404, url
    assert session.scalars(select(ContactNote)).all() == []


def test_a_pending_volunteer_gets_the_confirmation_again(client: FlaskClient, session: Session, outbox) -> None:
    organisation = make_organisation(session)
    make_coordinator(session, organisation)
    volunteer = make_volunteer(session, status=PersonStatus.PENDING, ui_language="ar")
    login(client)
    person_page = f"/coordinator/volunteers/{volunteer.id}"
    response = post_from(client, person_page, f"{person_page}/resend-confirmation", {})
    assert response.status_code == 303
    [message] = mails(outbox)
    assert message["To"] == volunteer.email and message["Content-Language"] == "ar"
    assert "/volunteer/confirm/" in message.get_content()
    assert session.scalar(select(AuditEvent.action).where(AuditEvent.action == "resent_confirmation"))
