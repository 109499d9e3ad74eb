"""A newcomer asks for a kompis, in their own language, with a phone number only."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Newcomer, PersonStatus, SwedishLevel
from tests.factories import make_organisation
from tests.web.helpers import error_summary, get_form, mails, page, place_id, submit

URL = "/newcomer/request"


@pytest.fixture
def organisation(session: Session):
    return make_organisation(session, "Kalmar kommun – Integra", municipalities=("Kalmar",))


def answers(client: FlaskClient, url: str = URL, **overrides: object) -> dict[str, object]:
    """Return a whole request, posted at once (the public page asks for it a step at a time)."""
    soup, _ = get_form(client, f"{URL}?step=where" if url == URL else url)
    data: dict[str, object] = {
        "name": "أمل حسن",
        "phone": "0701740605",
        "email": "",
        "share": ["phone"],
        "contact_language": "ar",
        "birth_year": "1991",
        "gender": "female",
        "place": place_id(soup, "Kalmar"),
        "max_distance_km": "5",
        "swedish_level": "sfi_b",
        "languages-ar": "4",
        "languages-en": "1",
        "goals": ["swedish", "work_study"],
        "interests": ["cooking"],
        "availability": ["tue-afternoon"],
        "gender_preference": "female",
        "consent": "y",
    }
    data.update(overrides)
    return data


def test_request_in_arabic_with_phone_only(client: FlaskClient, session: Session, organisation, outbox) -> None:
    soup, _ = get_form(client, URL + "?lang=ar")
    assert soup.html["lang"] == "ar" and soup.html["dir"] == "rtl"
    response = submit(client, URL, answers(client))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/newcomer/request/sent")

    newcomer = session.scalar(select(Newcomer))
    assert newcomer.name == "أمل حسن"
    assert newcomer.phone == "+46701740605"
    assert newcomer.email is None
    assert newcomer.swedish_level == SwedishLevel.SFI_B
    assert newcomer.contact_language == "ar"
    assert newcomer.ui_language == "ar"
    assert newcomer.status == PersonStatus.PENDING
    assert newcomer.organisation_id == organisation.id
    assert newcomer.registered_by_id is None
    assert {lang.language_code: lang.level for lang in newcomer.languages} == {"ar": 4, "en": 1}
    assert mails(outbox) == []  # no address, no mail


def test_international_number_is_normalised(client: FlaskClient, session: Session, organisation) -> None:
    submit(client, URL, answers(client, phone="+380 44 123 4567"))
    assert session.scalar(select(Newcomer.phone)) == "+380441234567"


def test_needs_phone_or_email(client: FlaskClient, session: Session, organisation) -> None:
    response = submit(client, URL, answers(client, phone="", email=""))
    assert response.status_code == 400
    assert error_summary(page(response.data))[0] == (
        "Ange ett telefonnummer eller en e-postadress, så att vi kan nå dig", "#phone")
    assert session.scalar(select(func.count()).select_from(Newcomer)) == 0


def test_email_gets_a_receipt_in_the_chosen_language(client: FlaskClient, organisation, outbox) -> None:
    client.get("/?lang=sv")
    submit(client, URL, answers(client, phone="", email="amal@example.org", share=["email"], contact_language="en"))
    [message] = mails(outbox)
    assert message["Subject"] == "We have your request for a kompis"


def test_same_request_twice_is_stored_once(client: FlaskClient, session: Session, organisation) -> None:
    submit(client, URL, answers(client))
    submit(client, URL, answers(client))
    assert session.scalar(select(func.count()).select_from(Newcomer)) == 1


def test_swedish_is_asked_separately_not_in_the_language_list(client: FlaskClient, organisation) -> None:
    soup, _ = get_form(client, f"{URL}?step=languages")
    assert soup.find("select", attrs={"name": "languages-sv"}) is None
    assert soup.find("input", attrs={"name": "swedish_level", "value": "sfi_a"}) is not None


def test_asking_again_with_an_email_added_or_spaces_changed_is_the_same_newcomer(
    client: FlaskClient, session: Session, organisation
) -> None:
    assert submit(client, URL, answers(client, name="Amal Hassan", phone="0701740605")).status_code == 302
    again = answers(client, name="amal  hassan", phone="070-174 06 05", email="amal@example.org")
    assert submit(client, URL, again).status_code == 302
    assert session.scalar(select(func.count()).select_from(Newcomer)) == 1


def test_the_same_phone_and_name_in_another_municipality_is_someone_else(
    client: FlaskClient, session: Session, organisation
) -> None:
    make_organisation(session, "Nyköpings kommun", municipalities=("Nyköping",))
    assert submit(client, URL, answers(client)).status_code == 302
    soup, _ = get_form(client, f"{URL}?step=where")
    assert submit(client, URL, answers(client, place=place_id(soup, "Nyköping"))).status_code == 302
    assert session.scalar(select(func.count()).select_from(Newcomer)) == 2


def test_the_receipt_is_in_the_language_chosen_for_contact(client: FlaskClient, organisation, outbox) -> None:
    client.get("/?lang=sv")
    submit(client, URL, answers(client, email="amal@example.org", contact_language="ar"))
    [message] = mails(outbox)
    assert message["Content-Language"] == "ar"


STEPS = ["about", "where", "languages", "kompis", "times", "wishes", "send"]


def step(client: FlaskClient, name: str, data: dict[str, object], **args: str):
    """Post one step of the request, with the token of its page."""
    query = "&".join(f"{k}={v}" for k, v in args.items())
    _, token = get_form(client, f"{URL}?step={name}{'&' + query if query else ''}")
    return client.post(f"{URL}?step={name}{'&' + query if query else ''}", data={**data, "csrf_token": token})


def test_the_request_goes_a_short_step_at_a_time(client: FlaskClient, session: Session, organisation) -> None:
    soup, _ = get_form(client, URL)
    assert soup.find("p", id="progress").get_text() == "Steg 1 av 7"
    assert soup.find("progress")["value"] == "1" and soup.find("progress")["max"] == "7"
    assert soup.find("input", attrs={"name": "name"}) and not soup.find("select", attrs={"name": "place"})
    full = answers(client)
    fields = {"about": ["name", "phone", "email", "share", "contact_language", "birth_year", "gender"],
              "where": ["place", "max_distance_km"], "languages": ["swedish_level", "languages-ar", "languages-en"],
              "kompis": ["goals", "interests"], "times": ["availability"],
              "wishes": ["gender_preference", "what_matters", "notes"], "send": ["consent"]}
    for n, name in enumerate(STEPS):
        response = step(client, name, {key: full[key] for key in fields[name] if key in full})
        following = f"{URL}?step={STEPS[n + 1]}" if n + 1 < len(STEPS) else "/newcomer/request/sent"
        assert response.status_code in (302, 303) and response.headers["Location"].endswith(following), name
        if name != "send":
            assert session.scalar(select(func.count()).select_from(Newcomer)) == 0  # nothing stored before the end
    newcomer = session.scalar(select(Newcomer))
    assert newcomer.name == "أمل حسن" and newcomer.phone == "+46701740605"
    assert {lang.language_code: lang.level for lang in newcomer.languages} == {"ar": 4, "en": 1}
    assert {g.code for g in newcomer.goals} == {"swedish", "work_study"} and newcomer.max_distance_km == 5
    # The answers leave the visitor's session once sent.
    assert 'value="أمل حسن"' not in client.get(URL).get_data(as_text=True)


def test_back_keeps_the_answers_and_a_step_checks_only_its_own(client: FlaskClient, organisation) -> None:
    assert step(client, "about", {"name": "Amal Hassan", "phone": "0701740605", "share": "phone",
                                  "contact_language": "ar", "birth_year": "1991"}).status_code == 303
    refused = step(client, "where", {"place": ""})
    assert refused.status_code == 400
    assert [text for text, _ in error_summary(page(refused.data))] == ["Välj orten där du bor"]
    back = step(client, "where", {"action": "back", "max_distance_km": "20"})
    assert back.status_code == 303 and back.headers["Location"].endswith("step=about")
    soup, _ = get_form(client, f"{URL}?step=about")
    assert soup.find("input", attrs={"name": "name"})["value"] == "Amal Hassan"
    soup, _ = get_form(client, f"{URL}?step=where")
    assert soup.find("select", attrs={"name": "max_distance_km"}).find("option", selected=True)["value"] == "20"


def test_sending_with_an_earlier_answer_missing_goes_back_to_that_step(client: FlaskClient, organisation) -> None:
    response = step(client, "send", {"consent": "y"})
    assert response.status_code == 400
    soup = page(response.data)
    assert soup.find("p", id="progress").get_text() == "Steg 1 av 7"
    assert error_summary(soup)[0][1] == "#name"
