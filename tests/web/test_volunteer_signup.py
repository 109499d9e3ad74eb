"""A volunteer signs up, confirms by the e-mailed link, and becomes active."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import PersonStatus, Volunteer
from tests.factories import make_organisation
from tests.web.helpers import error_summary, get_form, link_in, mails, page, place_id, submit

URL = "/volunteer/signup"


@pytest.fixture
def organisation(session: Session):
    return make_organisation(session, "Nyköpings kommun", municipalities=("Nyköping",))


def answers(client: FlaskClient, **overrides: object) -> dict[str, object]:
    soup, _ = get_form(client, URL)
    data: dict[str, object] = {
        "name": "Karin Johansson",
        "email": "Karin.Johansson@Example.org",
        "phone": "070-123 45 67",
        "share": ["email"],
        "birth_year": "1968",
        "gender": "female",
        "place": place_id(soup, "Nyköping"),
        "max_distance_km": "10",
        "languages-sv": "4",
        "languages-en": "3",
        "interests": ["cooking", "hiking"],
        "help_offered": ["swedish", "everyday"],
        "availability": ["mon-evening", "sat-morning"],
        "capacity": "2",
        "gender_preference": "",
        "what_matters": ["language"],
        "notes": "Jag har en hund.",
        "consent": "y",
    }
    data.update(overrides)
    return data


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Volunteer)) or 0


def test_signup_form_has_labelled_sections(client: FlaskClient, organisation) -> None:
    soup, _ = get_form(client, URL)
    assert soup.h1.get_text(strip=True) == "Bli kompis"
    assert soup.title.get_text().startswith("Bli kompis")
    assert soup.find("form")["novalidate"] is not None
    for field in ("name", "email", "phone", "birth_year", "place"):
        assert soup.find("label", attrs={"for": field}), field
    assert len(soup.find_all("h2")) >= 5


def test_signup_confirm_and_become_active(client: FlaskClient, session: Session, organisation, outbox) -> None:
    response = submit(client, URL, answers(client))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/volunteer/signup/check-email")

    volunteer = session.scalar(select(Volunteer))
    assert volunteer.status == PersonStatus.PENDING
    assert volunteer.email_key == "karin.johansson@example.org"
    assert volunteer.phone == "+46701234567"
    assert volunteer.organisation_id == organisation.id
    assert volunteer.capacity == 2
    assert {lang.language_code: lang.level for lang in volunteer.languages} == {"sv": 4, "en": 3}
    assert sorted(i.code for i in volunteer.interests) == ["cooking", "hiking"]
    assert sorted(g.code for g in volunteer.help_offered) == ["everyday", "swedish"]
    assert volunteer.consent_version and volunteer.consent_at is not None

    [message] = mails(outbox)
    assert message["To"] == "Karin.Johansson@Example.org"
    link = link_in(message)

    # Opening the link changes nothing; the button on the page does.
    opened = client.get(link)
    assert opened.status_code == 200
    session.expire_all()
    assert session.get(Volunteer, volunteer.id).status == PersonStatus.PENDING

    soup = page(opened.data)
    token = soup.find("input", attrs={"name": "csrf_token"})["value"]
    confirmed = client.post(link, data={"csrf_token": token})
    assert confirmed.status_code == 302
    session.expire_all()
    volunteer = session.get(Volunteer, volunteer.id)
    assert volunteer.status == PersonStatus.ACTIVE
    assert volunteer.email_confirmed_at is not None

    # The link works once.
    again = client.get(link)
    assert again.status_code == 410


def test_confirmation_mail_is_in_the_signup_language(client: FlaskClient, organisation, outbox) -> None:
    client.get("/?lang=ar")
    submit(client, URL, answers(client))
    [message] = mails(outbox)
    assert message["Content-Language"] == "ar"
    assert any("\u0600" <= ch <= "\u06ff" for ch in message["Subject"])


def test_expired_link_is_refused(app, client: FlaskClient, session: Session, organisation, outbox) -> None:
    submit(client, URL, answers(client))
    link = link_in(mails(outbox)[0])
    app.config["CONFIRM_LINK_MAX_AGE"] = -1
    assert client.get(link).status_code == 410
    assert "mer än tre dagar" in client.get(link).get_data(as_text=True)


def test_tampered_link_is_refused(client: FlaskClient, organisation, outbox) -> None:
    submit(client, URL, answers(client))
    path, _, query = link_in(mails(outbox)[0]).partition("?")
    assert client.get(f"{path[:-3]}abc?{query}").status_code == 410


def test_second_signup_is_recognised_not_stored(client: FlaskClient, session: Session, organisation, outbox) -> None:
    first = submit(client, URL, answers(client))
    second = submit(client, URL, answers(client, email="KARIN.johansson@example.org", name="Karin J"))
    assert first.headers["Location"] == second.headers["Location"]
    assert count(session) == 1
    # It sends the confirmation again, and that link confirms the one stored person.
    assert len(mails(outbox)) == 2
    assert "/volunteer/confirm/" in link_in(mails(outbox)[1])


def test_missing_answers_keep_what_was_typed(client: FlaskClient, session: Session, organisation) -> None:
    response = submit(client, URL, answers(client, email="", availability=[], consent=""))
    assert response.status_code == 400
    soup = page(response.data)
    summary = error_summary(soup)
    targets = [href for _, href in summary]
    assert targets == ["#email", "#share", "#availability", "#consent"]  # sharing an address not given
    assert ("Ange din e-postadress", "#email") in summary
    assert soup.find("input", attrs={"name": "name"})["value"] == "Karin Johansson"
    assert soup.find("textarea", attrs={"name": "notes"}).get_text() == "Jag har en hund."
    assert soup.find("input", attrs={"name": "interests", "value": "cooking"}).has_attr("checked")
    assert soup.find("select", attrs={"name": "languages-en"}).find("option", selected=True)["value"] == "3"
    email = soup.find("input", attrs={"name": "email"})
    assert email["aria-invalid"] == "true"
    assert "email-error" in email["aria-describedby"]
    assert soup.title.get_text().startswith("Fel:")
    assert count(session) == 0


def test_expired_csrf_token_keeps_answers(client: FlaskClient, session: Session, organisation) -> None:
    data = answers(client)
    response = client.post(URL, data={**data, "csrf_token": "expired-or-forged"})
    assert response.status_code == 400
    soup = page(response.data)
    assert soup.find(class_="error-summary") is not None
    assert soup.find("input", attrs={"name": "name"})["value"] == "Karin Johansson"
    assert count(session) == 0
    token = soup.find("input", attrs={"name": "csrf_token"})["value"]
    assert client.post(URL, data={**data, "csrf_token": token}).status_code == 302
    assert count(session) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "karin@", "Ange en e-postadress i rätt format"),
        ("phone", "12", "Ange ett telefonnummer"),
        ("birth_year", "19x8", "Ange ett år med fyra siffror"),
        ("birth_year", "2020", "Ange ett år mellan"),
        ("name", "K" * 121, "Ange ett namn med högst 120 tecken"),
        ("languages-sv", "9", "Välj hur bra du talar varje språk"),
        ("place", "999999999", "Välj"),
        ("what_matters", ["language", "age", "goals"], "Välj högst två"),
    ],
)
def test_each_bad_answer_gets_its_message(client: FlaskClient, session: Session, organisation,
                                          field: str, value: object, message: str) -> None:
    response = submit(client, URL, answers(client, **{field: value}))
    assert response.status_code == 400
    soup = page(response.data)
    errors = " ".join(p.get_text(" ", strip=True) for p in soup.find_all(class_="error-message"))
    assert message in errors
    assert count(session) == 0


def test_robot_filling_hidden_field_is_not_stored(client: FlaskClient, session: Session, organisation, outbox) -> None:
    response = submit(client, URL, answers(client, website="http://spam.example"))
    assert response.status_code == 302
    assert count(session) == 0
    assert mails(outbox) == []


def test_place_outside_any_organisation_is_not_offered(client: FlaskClient, organisation) -> None:
    soup, _ = get_form(client, URL)
    assert soup.find("option", string="Nyköping") is not None
    assert soup.find("optgroup", attrs={"label": "Kiruna"}) is None


def test_link_max_age_is_three_days(app) -> None:
    assert app.config["CONFIRM_LINK_MAX_AGE"] == int(timedelta(days=3).total_seconds())


@pytest.mark.parametrize("level", ["²", "٣", "1.5", "-1", "x"])
def test_a_level_that_is_not_on_the_list_is_refused_not_a_crash(client: FlaskClient, session: Session,
                                                                 organisation, level: str) -> None:
    response = submit(client, URL, answers(client, **{"languages-sv": level}))
    assert response.status_code == 400
    assert "Välj hur bra du talar varje språk" in response.get_data(as_text=True)
    assert count(session) == 0


@pytest.mark.parametrize("name", ["Karin\r\n\r\nVisit https://evil.example/ to confirm", "Karin\tJohansson",
                                  "Karin\u2028Johansson"])
def test_a_name_on_several_lines_is_refused_so_it_cannot_write_into_our_mail(
    client: FlaskClient, session: Session, organisation, outbox, name: str
) -> None:
    response = submit(client, URL, answers(client, name=name))
    assert response.status_code == 400
    assert ("#name", ) == tuple(href for _, href in error_summary(page(response.data)))
    assert count(session) == 0 and mails(outbox) == []


def test_notes_may_have_several_lines(client: FlaskClient, session: Session, organisation) -> None:
    assert submit(client, URL, answers(client, notes="Jag har en hund.\r\nHon heter Smilla.")).status_code == 302
    assert session.scalar(select(Volunteer)).notes == "Jag har en hund.\r\nHon heter Smilla."


def test_the_confirm_link_opens_in_the_language_of_the_sign_up(app, client: FlaskClient, organisation,
                                                                outbox) -> None:
    client.get("/?lang=ar")
    submit(client, URL, answers(client))
    [message] = mails(outbox)
    elsewhere = app.test_client()  # another device, with no language remembered
    soup = page(elsewhere.get(link_in(message)).data)
    assert (soup.html["lang"], soup.html["dir"]) == ("ar", "rtl")
