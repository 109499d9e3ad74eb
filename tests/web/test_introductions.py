"""A coordinator introduces a pair, follows its life and words the messages; each hears only what was agreed.

The coordinator works in English. Every message goes in its recipient's own
language, holds only the contact details the other side agreed to share, and
is kept with the pair. Delivery is real: e-mail to the outbox folder, SMS to
the outbox or to an HTTP gateway that the test runs on loopback.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from bs4 import Tag
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import (
    AuditEvent,
    Channel,
    EndReason,
    FollowUp,
    Match,
    MatchEvent,
    MatchStatus,
    Message,
    MessagePurpose,
    MessageTemplate,
    Newcomer,
    PersonStatus,
    Volunteer,
    now_utc,
)
from tests.factories import make_coordinator, make_newcomer, make_organisation, make_pair, make_volunteer
from tests.signin import sign_in
from tests.web.helpers import error_summary, get_form, link_in, mails, page, place_id, reread, submit
from web.i18n import available_languages
from web.matching.pools import volunteers_with_seats, waiting_newcomers
from web.matching.words import reason_text
from web.pairs import wording

NEWCOMER_EMAIL, NEWCOMER_PHONE = "amal.hassan@example.org", "+46701740605"
VOLUNTEER_EMAIL, VOLUNTEER_PHONE = "karin.berg@example.org", "+46762345678"
COORDINATOR_EMAIL = "samordnare@example.org"


# --- people and logging in ---------------------------------------------------


@pytest.fixture
def nykoping(session: Session):
    return make_organisation(session, "Nyköpings kommun", municipalities=("Nyköping",))


@pytest.fixture
def kalmar(session: Session):
    return make_organisation(session, "Kalmar kommun – Integra", municipalities=("Kalmar",))


def log_in(client: FlaskClient, email: str) -> None:
    """Log in as a coordinator whose interface is English."""
    client.get("/?lang=en")
    sign_in(client, email)


@pytest.fixture
def coordinator(client: FlaskClient, session: Session, nykoping):
    account = make_coordinator(session, nykoping, email=COORDINATOR_EMAIL)
    log_in(client, account.email)
    return account


@pytest.fixture
def outsider(app: Flask, session: Session, kalmar) -> FlaskClient:
    """Return a client logged in as a coordinator of another organisation."""
    make_coordinator(session, kalmar, email="integra@example.org")
    other = app.test_client()
    log_in(other, "integra@example.org")
    return other


def arabic_newcomer(session: Session, **overrides: Any) -> Newcomer:
    """An Arabic-speaking newcomer with phone and e-mail who shares only the phone; her pages are in Swedish."""
    return make_newcomer(session, **{"name": "Amal Hassan", "email": NEWCOMER_EMAIL, "phone": NEWCOMER_PHONE,
                                     "share": ("phone",), "contact_language": "ar", "ui_language": "sv",
                                     **overrides})


def swedish_volunteer(session: Session, **overrides: Any) -> Volunteer:
    """A Swedish volunteer with e-mail and phone who shares only the e-mail."""
    return make_volunteer(session, **{"name": "Karin Berg", "email": VOLUNTEER_EMAIL, "phone": VOLUNTEER_PHONE,
                                      "share": ("email",), "ui_language": "sv", **overrides})


@pytest.fixture
def pair(session: Session, nykoping) -> Match:
    """An approved pair of the Arabic-speaking newcomer and the Swedish volunteer."""
    return make_pair(session, arabic_newcomer(session), swedish_volunteer(session))


# --- forms as a browser sends them -------------------------------------------


def fields_of(form: Tag) -> dict[str, Any]:
    """Return what a browser would post for a form as it stands: values, checked boxes, textareas."""
    data: dict[str, list[str]] = {}
    for element in form.find_all(["input", "textarea", "select"]):
        name = element.get("name")
        if not name or element.get("type") in ("submit", "button"):
            continue
        if element.name == "textarea":
            value = element.get_text()
        elif element.name == "select":
            chosen = element.find("option", selected=True) or element.find("option")
            value = chosen.get("value", "") if chosen else ""
        elif element.get("type") in ("radio", "checkbox"):
            if not element.has_attr("checked"):
                continue
            value = element.get("value", "on")
        else:
            value = element.get("value", "")
        data.setdefault(name, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


def the_form(html: bytes | str, action: str) -> Tag:
    form = page(html).find("form", action=action)
    assert form is not None, f"no form posting to {action}"
    return form


def token(client: FlaskClient) -> str:
    """Return the CSRF token of the coordinator's session."""
    return get_form(client, "/coordinator/newcomers/new")[1]


def preview(client: FlaskClient, match_id: int, **changes: Any):
    """Fill in the pair page's introduction form, as it offers itself, with `changes`; ask for the preview."""
    url = f"/coordinator/matches/{match_id}/introduce"
    pair_page = client.get(f"/coordinator/matches/{match_id}")
    assert pair_page.status_code == 200
    return client.post(url, data={**fields_of(the_form(pair_page.data, url)), **changes})


def send(client: FlaskClient, previewed, match_id: int, **changes: Any):
    """Send the previewed messages as they stand, with `changes`."""
    assert previewed.status_code in (200, 400), previewed.status_code
    url = f"/coordinator/matches/{match_id}/introduce"
    return client.post(url, data={**fields_of(the_form(previewed.data, url)), **changes})


def introduce(client: FlaskClient, match_id: int, **changes: Any):
    """Preview and send an introduction with the pair page's choices and `changes`."""
    response = send(client, preview(client, match_id, **changes), match_id)
    assert response.status_code == 303, response.get_data(as_text=True)
    return response


def mail_to(outbox: Path, address: str) -> list[EmailMessage]:
    return [m for m in mails(outbox) if m["To"] == address]


def body_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def in_arabic_script(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def reason_in(app: Flask, language: str, reason: dict[str, Any]) -> str:
    """Return one reason in words, as the catalog of `language` has it."""
    with app.test_request_context(), force_locale(language):
        return reason_text(reason, {"cooking": "Cooking"}, {})


def count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


# --- 1. each person's language, only what was agreed --------------------------


def test_each_gets_their_own_language_and_only_what_was_shared(
    app: Flask, client: FlaskClient, session: Session, coordinator, pair: Match, outbox: Path
) -> None:
    shared_language = {"kind": "shared_language", "values": ["en"]}
    arabic, swedish = reason_in(app, "ar", shared_language), reason_in(app, "sv", shared_language)
    assert in_arabic_script(arabic) and swedish.startswith("Båda talar")

    previewed = preview(client, pair.id, method="message", channel_newcomer="email", channel_volunteer="email")
    assert previewed.status_code == 200
    soup = page(previewed.data)
    assert soup.html["lang"] == "en"  # the coordinator's page, in the coordinator's language
    assert soup.find(id="body_newcomer").find_parent(attrs={"lang": True})["lang"] == "ar"
    assert soup.find(id="body_volunteer").find_parent(attrs={"lang": True})["lang"] == "sv"
    assert arabic in soup.find(id="body_newcomer").get_text()

    send(client, previewed, pair.id)
    [to_newcomer] = mail_to(outbox, NEWCOMER_EMAIL)
    [to_volunteer] = mail_to(outbox, VOLUNTEER_EMAIL)
    assert len(mails(outbox)) == 2

    newcomer_text = body_of(to_newcomer)
    assert to_newcomer["Content-Language"] == "ar"
    assert arabic in newcomer_text and in_arabic_script(newcomer_text)
    assert VOLUNTEER_EMAIL in newcomer_text and VOLUNTEER_PHONE not in newcomer_text

    volunteer_text = body_of(to_volunteer)
    assert to_volunteer["Content-Language"] == "sv"
    assert swedish in volunteer_text
    assert NEWCOMER_PHONE in volunteer_text and NEWCOMER_EMAIL not in volunteer_text

    for text in (newcomer_text, volunteer_text):  # the coordinator's English never leaks into a message
        assert "Both speak" not in text and "Both like" not in text
    assert {m.language for m in session.scalars(select(Message))} == {"ar", "sv"}


# --- 2. nobody sees the other's details before the introduction --------------


def readable(path: Path) -> tuple[str, str]:
    """Return (recipient, everything a person reads) of one outbox file, e-mail bodies decoded."""
    if path.suffix == ".json":
        sms = json.loads(path.read_text(encoding="utf-8"))
        return sms["to"], sms["message"]
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    parts = [f"{key}: {value}" for key, value in message.items()]
    parts += [str(part.get_content()) for part in message.walk() if not part.is_multipart()]
    return str(message["To"]), "\n".join(parts)


def details_in(text: str, email: str, phone: str) -> list[str]:
    """Return which of a person's contact details a text holds, the phone in any national or spaced form."""
    flat = re.sub(r"[\s\-()\u2066-\u2069]", "", text)
    return ([email] if email.lower() in text.lower() else []) + ([phone] if phone[3:] in flat else [])


def signed_up_pair(client: FlaskClient, session: Session, outbox: Path) -> tuple[Volunteer, Newcomer]:
    """Sign a volunteer and a newcomer up through the public pages, each choosing what to share."""
    soup, _ = get_form(client, "/volunteer/signup")
    assert submit(client, "/volunteer/signup", {
        "name": "Karin Berg", "email": VOLUNTEER_EMAIL, "phone": "076-234 56 78", "share": ["email"],
        "birth_year": "1968", "gender": "female", "place": place_id(soup, "Nyköping"), "max_distance_km": "10",
        "languages-sv": "4", "languages-en": "3", "interests": ["cooking"], "help_offered": ["swedish"],
        "availability": ["mon-evening"], "capacity": "1", "gender_preference": "", "consent": "y",
    }).status_code == 302
    confirm = link_in(mail_to(outbox, VOLUNTEER_EMAIL)[0])
    opened = client.get(confirm)
    assert client.post(confirm, data={"csrf_token": page(opened.data).find(
        "input", attrs={"name": "csrf_token"})["value"]}).status_code == 302

    soup, _ = get_form(client, "/newcomer/request?step=where")
    assert submit(client, "/newcomer/request", {
        "name": "Amal Hassan", "phone": "070-174 06 05", "email": NEWCOMER_EMAIL, "share": ["phone"],
        "contact_language": "ar", "birth_year": "1991", "gender": "female",
        "place": place_id(soup, "Nyköping"), "max_distance_km": "10", "swedish_level": "sfi_b",
        "languages-ar": "4", "languages-en": "3", "goals": ["swedish"], "interests": ["cooking"],
        "availability": ["mon-evening"], "gender_preference": "", "consent": "y",
    }).status_code == 302
    volunteer, newcomer = session.scalar(select(Volunteer)), session.scalar(select(Newcomer))
    newcomer.status = PersonStatus.ACTIVE  # a coordinator has spoken with her
    session.commit()
    return volunteer, newcomer


def test_nobody_gets_the_others_details_before_the_introduction(
    app: Flask, client: FlaskClient, session: Session, nykoping, outbox: Path
) -> None:
    volunteer, newcomer = signed_up_pair(client, session, outbox)
    assert (volunteer.share_email, volunteer.share_phone) == (True, False)
    assert (newcomer.share_email, newcomer.share_phone) == (False, True)
    assert (volunteer.phone, newcomer.phone) == (VOLUNTEER_PHONE, NEWCOMER_PHONE)
    pair = make_pair(session, newcomer, volunteer)
    details = {"volunteer": (VOLUNTEER_EMAIL, VOLUNTEER_PHONE), "newcomer": (NEWCOMER_EMAIL, NEWCOMER_PHONE)}

    def leaks() -> dict[str, list[str]]:
        """Return, per outbox file, the details of anyone but its recipient that it holds."""
        found = {}
        for path in sorted(outbox.rglob("*")):
            if path.suffix not in (".eml", ".json"):
                continue
            recipient, text = readable(path)
            for email, phone in details.values():
                if recipient not in (email, phone) and (hits := details_in(text, email, phone)):
                    found[path.name] = hits
        return found

    before = list(outbox.rglob("*.eml"))
    assert len(before) >= 2  # the volunteer's confirmation, the newcomer's receipt
    assert leaks() == {}
    anyone = app.test_client()
    for url in ("/", "/volunteer/signup", "/newcomer/request", "/newcomer/request/sent", "/volunteer/confirmed",
                "/privacy", "/accessibility", "/healthz"):
        text = anyone.get(url).get_data(as_text=True)
        assert details_in(text, *details["volunteer"]) == details_in(text, *details["newcomer"]) == [], url

    make_coordinator(session, nykoping, email=COORDINATOR_EMAIL)
    log_in(client, COORDINATOR_EMAIL)
    introduce(client, pair.id, channel_newcomer="email", channel_volunteer="email")
    introductions = [m for m in mails(outbox) if m["Message-ID"].startswith("<message-")]
    [to_newcomer] = [m for m in introductions if m["To"] == NEWCOMER_EMAIL]
    [to_volunteer] = [m for m in introductions if m["To"] == VOLUNTEER_EMAIL]
    assert details_in(body_of(to_newcomer), *details["volunteer"]) == [VOLUNTEER_EMAIL]
    assert details_in(body_of(to_volunteer), *details["newcomer"]) == [NEWCOMER_PHONE]
    assert len(list(outbox.rglob("*.eml"))) == len(before) + 2
    kept = {m.side.value: f"message-{m.id}_kompis.eml" for m in session.scalars(select(Message))}
    assert leaks() == {kept["newcomer"]: [VOLUNTEER_EMAIL], kept["volunteer"]: [NEWCOMER_PHONE]}


# --- 3. the coordinator edits a message before it goes -----------------------


def test_the_coordinator_edits_a_message_and_both_are_kept(
    client: FlaskClient, session: Session, coordinator, pair: Match, outbox: Path
) -> None:
    previewed = preview(client, pair.id, channel_newcomer="email", channel_volunteer="email")
    drafted = fields_of(the_form(previewed.data, f"/coordinator/matches/{pair.id}/introduce"))
    edited = drafted["body_volunteer"] + "\n\nPS. Amal gillar också att baka kanelbullar."
    assert send(client, previewed, pair.id, body_volunteer=edited.replace("\n", "\r\n"),
                subject_volunteer="Din nya kompis").status_code == 303

    [to_volunteer] = mail_to(outbox, VOLUNTEER_EMAIL)
    assert to_volunteer["Subject"] == "Din nya kompis"
    assert body_of(to_volunteer).strip() == edited.strip()
    [to_newcomer] = mail_to(outbox, NEWCOMER_EMAIL)
    assert body_of(to_newcomer).strip() == drafted["body_newcomer"].strip()

    kept = list(session.scalars(select(Message).where(Message.match_id == pair.id).order_by(Message.id)))
    assert [(m.side.value, m.channel) for m in kept] == [("newcomer", Channel.EMAIL), ("volunteer", Channel.EMAIL)]
    assert all(m.sent_at is not None and not m.error for m in kept)
    assert "kanelbullar" in kept[1].body
    shown = page(client.get(f"/coordinator/matches/{pair.id}").data).select("details.message")
    assert len(shown) == 2
    assert "kanelbullar" in shown[1].get_text() and "kanelbullar" not in shown[0].get_text()


# --- 4. a first meeting with an invitation -----------------------------------


def test_a_first_meeting_comes_with_a_calendar_invitation(
    client: FlaskClient, session: Session, coordinator, pair: Match, outbox: Path
) -> None:
    day = date.today() + timedelta(days=12)
    place = "Stadsbiblioteket, rummet på plan 2"
    introduce(client, pair.id, method="meeting", meeting_date=day.isoformat(), meeting_time="17:30",
              meeting_place=place, channel_newcomer="email", channel_volunteer="email")

    stockholm = datetime.combine(day, time(17, 30), tzinfo=ZoneInfo("Europe/Stockholm"))
    for address in (NEWCOMER_EMAIL, VOLUNTEER_EMAIL):
        [message] = mail_to(outbox, address)
        assert place in body_of(message)
        [attachment] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
        calendar = icalendar.Calendar.from_ical(attachment.get_payload(decode=True))  # UTF-8, as RFC 5545 says
        [event] = calendar.walk("VEVENT")
        starts = event.decoded("DTSTART")
        assert starts == stockholm  # the same instant…
        assert (starts.hour, starts.minute) == (17, 30)  # …at the chosen local time
        assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
        assert str(event["LOCATION"]) == place
    assert reread(session, Match, pair.id).status == MatchStatus.INTRODUCED
    assert {m.purpose for m in session.scalars(select(Message))} == {MessagePurpose.MEETING}


def test_the_invitation_says_it_is_utf8(client: FlaskClient, coordinator, pair: Match, outbox: Path) -> None:
    introduce(client, pair.id, method="meeting", meeting_date=(date.today() + timedelta(days=5)).isoformat(),
              meeting_time="10:00", meeting_place="Café Åkern", channel_newcomer="email", channel_volunteer="email")
    [message] = mail_to(outbox, NEWCOMER_EMAIL)
    [attachment] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert attachment.get_content_charset() == "utf-8"
    assert "LOCATION:Café Åkern" in attachment.get_content()


@pytest.mark.parametrize(("meeting", "errors"), [
    ({"meeting_date": "", "meeting_time": "17:30", "meeting_place": ""}, ["#meeting_date", "#meeting_place"]),
    ({"meeting_date": (date.today() + timedelta(days=30)).isoformat(), "meeting_time": "",
      "meeting_place": "Biblioteket"}, ["#meeting_time"]),
    ({"meeting_date": "9999-12-31", "meeting_time": "23:59", "meeting_place": "Biblioteket"}, ["#meeting_date"]),
    ({"meeting_date": (date.today() - timedelta(days=1)).isoformat(), "meeting_time": "10:00",
      "meeting_place": "Biblioteket"}, ["#meeting_date"]),
])
def test_a_meeting_without_date_place_or_future_is_refused(
    client: FlaskClient, session: Session, coordinator, pair: Match, outbox: Path, meeting: dict[str, str],
    errors: list[str]
) -> None:
    refused = preview(client, pair.id, method="meeting", **meeting)
    assert refused.status_code == 400
    assert [target for _, target in error_summary(page(refused.data))] == errors
    assert reread(session, Match, pair.id).status == MatchStatus.APPROVED
    assert count(session, Message) == count(session, FollowUp) == 0
    assert mails(outbox) == []


def test_a_past_date_is_refused_also_when_sending(
    client: FlaskClient, session: Session, coordinator, pair: Match, outbox: Path
) -> None:
    previewed = preview(client, pair.id, method="meeting", meeting_date=(date.today() + timedelta(days=3)).isoformat(),
                        meeting_time="10:00", meeting_place="Biblioteket")
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    refused = send(client, previewed, pair.id, meeting_date=yesterday)
    assert refused.status_code == 400
    assert "Choose a date that has not passed" in [text for text, _ in error_summary(page(refused.data))]
    assert reread(session, Match, pair.id).status == MatchStatus.APPROVED
    assert count(session, Message) == 0 and mails(outbox) == []


@pytest.mark.parametrize("tampered", [
    {"meeting_date": ""},
    {"meeting_time": ""},
    {"meeting_place": ""},
    {"meeting_date": "24/12/2099"},
    {"method": "telepathy"},
    {"channel_newcomer": "carrier-pigeon"},
    {"channel_volunteer": ""},
    {"body_volunteer": ""},
])
def test_a_send_with_broken_choices_is_refused_not_a_500(
    client: FlaskClient, session: Session, coordinator, pair: Match, outbox: Path, tampered: dict[str, str]
) -> None:
    previewed = preview(client, pair.id, method="meeting", meeting_date=(date.today() + timedelta(days=3)).isoformat(),
                        meeting_time="10:00", meeting_place="Biblioteket", channel_newcomer="email",
                        channel_volunteer="email")
    refused = send(client, previewed, pair.id, **tampered)
    assert refused.status_code == 400
    assert error_summary(page(refused.data))
    assert reread(session, Match, pair.id).status == MatchStatus.APPROVED
    assert count(session, Message) == 0 and mails(outbox) == []


# --- 5. SMS for a person with only a phone -----------------------------------


@pytest.fixture
def phone_only_pair(session: Session, nykoping) -> Match:
    newcomer = arabic_newcomer(session, email=None)
    return make_pair(session, newcomer, swedish_volunteer(session))


def test_sms_is_the_default_for_a_phone_only_newcomer(
    client: FlaskClient, session: Session, coordinator, phone_only_pair: Match, outbox: Path
) -> None:
    pair_page = client.get(f"/coordinator/matches/{phone_only_pair.id}")
    offered = the_form(pair_page.data, f"/coordinator/matches/{phone_only_pair.id}/introduce")
    assert fields_of(offered)["channel_newcomer"] == "sms"
    assert "email" not in [i["value"] for i in offered.find_all("input", attrs={"name": "channel_newcomer"})]

    introduce(client, phone_only_pair.id)
    [sms_file] = (outbox / "sms").glob("*.json")
    sms = json.loads(sms_file.read_text(encoding="utf-8"))
    assert sms["to"] == NEWCOMER_PHONE
    assert VOLUNTEER_EMAIL in sms["message"] and VOLUNTEER_PHONE not in sms["message"]
    assert in_arabic_script(sms["message"])
    message = session.scalar(select(Message).where(Message.newcomer_id == phone_only_pair.newcomer_id))
    assert (message.channel, message.address, message.error) == (Channel.SMS, NEWCOMER_PHONE, "")
    assert message.sent_at is not None and message.body == sms["message"]
    assert mail_to(outbox, NEWCOMER_EMAIL) == [] and len(mail_to(outbox, VOLUNTEER_EMAIL)) == 1


class Gateway:
    """An SMS gateway on loopback that records what it gets and answers with `status`."""

    def __init__(self, status: int) -> None:
        self.status = status
        self.received: list[dict[str, Any]] = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
                length = int(self.headers.get("Content-Length", 0))
                gateway.received.append({"path": self.path, "headers": dict(self.headers),
                                         "body": json.loads(self.rfile.read(length))})
                self.send_response(gateway.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"


@pytest.fixture(params=[200, 500], ids=["gateway-takes-it", "gateway-fails"])
def gateway(app: Flask, request: pytest.FixtureRequest) -> Iterator[Gateway]:
    running = Gateway(request.param)
    thread = threading.Thread(target=running.server.serve_forever, daemon=True)
    thread.start()
    app.config.update(SMS_GATEWAY_URL=running.url, SMS_GATEWAY_TOKEN="gateway-secret")
    yield running
    running.server.shutdown()
    running.server.server_close()
    thread.join(timeout=5)


def test_sms_goes_through_the_gateway_and_a_failure_is_kept(
    client: FlaskClient, session: Session, coordinator, phone_only_pair: Match, outbox: Path, gateway: Gateway
) -> None:
    introduce(client, phone_only_pair.id)

    [received] = gateway.received
    assert received["path"] == "/send"
    assert received["headers"]["Authorization"] == "Bearer gateway-secret"
    assert received["headers"]["Content-Type"] == "application/json"
    assert received["body"]["to"] == NEWCOMER_PHONE and VOLUNTEER_EMAIL in received["body"]["message"]
    assert not (outbox / "sms").exists() or not list((outbox / "sms").iterdir())

    message = session.scalar(select(Message).where(Message.channel == Channel.SMS))
    assert message.body == received["body"]["message"]
    assert reread(session, Match, phone_only_pair.id).status == MatchStatus.INTRODUCED
    assert len(mail_to(outbox, VOLUNTEER_EMAIL)) == 1  # the volunteer's e-mail goes whatever the gateway says
    pair_page = page(client.get(f"/coordinator/matches/{phone_only_pair.id}").data)
    shown = pair_page.select("details.message summary")
    warned = "could not be delivered" in pair_page.get_text()  # said at once, after sending
    if gateway.status == 200:
        assert message.sent_at is not None and message.error == ""
        assert not any("not delivered" in s.get_text() for s in shown) and not warned
    else:
        assert message.sent_at is None and "500" in message.error
        assert any("not delivered" in s.get_text() for s in shown) and warned
        assert count(session, FollowUp) == 4  # the introduction happened all the same


# --- 6. told on the phone ----------------------------------------------------


def test_a_message_told_on_the_phone_is_recorded_not_sent(
    app: Flask, client: FlaskClient, session: Session, coordinator, pair: Match, outbox: Path
) -> None:
    previewed = preview(client, pair.id, channel_newcomer="phone", channel_volunteer="email")
    soup = page(previewed.data)
    scripts = {div["lang"]: div.get_text() for div in soup.select("#draft-newcomer ~ div.phone-script")}
    shared_language = {"kind": "shared_language", "values": ["en"]}
    assert set(scripts) == {"ar", "sv"}
    assert reason_in(app, "ar", shared_language) in scripts["ar"]
    assert reason_in(app, "sv", shared_language) in scripts["sv"]
    assert VOLUNTEER_EMAIL in scripts["ar"] and VOLUNTEER_PHONE not in scripts["ar"]

    untold = send(client, previewed, pair.id)
    assert untold.status_code == 400
    assert [target for _, target in error_summary(page(untold.data))] == ["#told_newcomer"]
    assert reread(session, Match, pair.id).status == MatchStatus.APPROVED
    assert count(session, Message) == 0 and mails(outbox) == []

    told = send(client, untold, pair.id, told_newcomer="y")
    assert told.status_code == 303
    said = session.scalar(select(Message).where(Message.newcomer_id == pair.newcomer_id))
    assert said.channel == Channel.PHONE and said.sent_at is not None and said.language == "ar"
    assert mail_to(outbox, NEWCOMER_EMAIL) == []
    assert len(mail_to(outbox, VOLUNTEER_EMAIL)) == 1
    assert reread(session, Match, pair.id).status == MatchStatus.INTRODUCED


# --- 7. an organisation's own wording -----------------------------------------


@pytest.mark.parametrize("broken", [
    "Hej {name}, här är {kompis.__class__}",
    "Hej {name}, här är {kompis[0]}",
    "Hej {unknown}",
    "Hej {kompis!r}",
    "Hej {name:>40}",
    "Hej {name, din kompis heter {kompis}",
    "Hej name}",
])
def test_a_broken_wording_is_refused_and_nothing_is_kept(
    client: FlaskClient, session: Session, coordinator, broken: str
) -> None:
    url = "/coordinator/wording/introduction/sv"
    refused = submit(client, url, {"subject": "Din kompis {kompis}", "body": broken, "action": "save"})
    assert refused.status_code == 400
    soup = page(refused.data)
    [(said, target)] = error_summary(soup)
    assert target == "#body" and ("placeholder" in said or "brace" in said)
    assert soup.find(id="body").get_text() == broken  # what was typed stays
    assert count(session, MessageTemplate) == 0


def test_an_organisations_wording_is_used_for_its_language_only_and_can_be_reset(
    app: Flask, client: FlaskClient, session: Session, coordinator, pair: Match, outsider: FlaskClient, kalmar
) -> None:
    url = "/coordinator/wording/introduction/sv"
    own = {"subject": "Hej från Nyköping, {name}", "action": "save",
           "body": "Hej {name}!\r\nDin kompis heter {kompis}.\r\n{contact}\r\nHälsningar {organisation} {{gärna}}"}
    assert submit(client, url, own).status_code == 303
    [template] = session.scalars(select(MessageTemplate))
    assert (template.language, template.purpose, template.organisation_id) == ("sv", MessagePurpose.INTRODUCTION,
                                                                             pair.organisation_id)
    assert session.scalar(select(AuditEvent.action).where(AuditEvent.action == "wording_changed"))
    assert "your own wording" in page(client.get("/coordinator/wording").data).find(
        "a", href=url).find_parent("li").get_text()

    fields = fields_of(the_form(preview(client, pair.id, channel_newcomer="email", channel_volunteer="email").data,
                                f"/coordinator/matches/{pair.id}/introduce"))
    assert fields["subject_volunteer"] == "Hej från Nyköping, Karin"
    with app.test_request_context(), force_locale("sv"):
        phone_line = gettext("Phone: %(phone)s", phone=NEWCOMER_PHONE)
    assert fields["body_volunteer"].strip() == (f"Hej Karin!\nDin kompis heter Amal.\n{phone_line}\n"
                                                "Hälsningar Nyköpings kommun {gärna}")
    assert "Nyköping" not in fields["subject_newcomer"]  # Arabic keeps Kompis's wording
    assert "{" not in fields["body_newcomer"]

    # Another organisation never sees it, nor gets it.
    theirs = page(outsider.get(url).data)
    assert "Nyköping" not in theirs.find(id="subject")["value"]
    listing = page(outsider.get("/coordinator/wording").data).find("a", href=url).find_parent("li").get_text()
    assert "Kompis's wording" in listing
    other_pair = make_pair(session, make_newcomer(session, name="Nour Ali", place="Kalmar", phone="+46701112233"),
                           make_volunteer(session, name="Sven Ek", place="Kalmar"))
    theirs = fields_of(the_form(preview(outsider, other_pair.id).data,
                                f"/coordinator/matches/{other_pair.id}/introduce"))
    assert "Nyköping" not in theirs["subject_volunteer"] and "Din kompis heter" not in theirs["body_volunteer"]

    assert submit(client, url, {"action": "reset"}).status_code == 303
    assert count(session, MessageTemplate) == 0
    assert session.scalar(select(AuditEvent.action).where(AuditEvent.action == "wording_reset"))
    fields = fields_of(the_form(preview(client, pair.id).data, f"/coordinator/matches/{pair.id}/introduce"))
    assert "Nyköping" not in fields["subject_volunteer"]


def test_every_default_wording_in_every_language_passes_the_check(app: Flask) -> None:
    values = {name: f"<{name}>" for names in wording.PLACEHOLDERS.values() for name in names}
    with app.test_request_context():
        for language in available_languages():
            for purpose in MessagePurpose:
                words = wording.default_wording(purpose, language)
                for text in (words.subject, words.body):
                    wording.check(text, purpose)
                    filled = wording.fill(text, values)
                    assert "{" not in filled and "}" not in filled, (language, purpose, filled)


# --- 8. a pair's life and a participant's ---------------------------------------


def action(client: FlaskClient, url: str, **data: str):
    return client.post(url, data={"csrf_token": token(client), **data})


def test_activating_is_for_introduced_pairs_and_harmless_twice(
    client: FlaskClient, session: Session, coordinator, pair: Match
) -> None:
    refused = action(client, f"/coordinator/matches/{pair.id}/activate")
    assert refused.status_code == 409
    assert "Only an introduced pair can be marked active." in page(refused.data).find(role="alert").get_text()
    assert reread(session, Match, pair.id).status == MatchStatus.APPROVED

    introduce(client, pair.id, channel_newcomer="email", channel_volunteer="email")
    assert action(client, f"/coordinator/matches/{pair.id}/activate").status_code == 303
    assert reread(session, Match, pair.id).status == MatchStatus.ACTIVE
    again = action(client, f"/coordinator/matches/{pair.id}/activate")
    assert again.status_code == 303
    assert "already" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(MatchEvent).where(MatchEvent.action == "activated")) == 1


def test_ending_needs_a_reason_and_frees_the_seat(
    client: FlaskClient, session: Session, coordinator, pair: Match
) -> None:
    introduce(client, pair.id, channel_newcomer="email", channel_volunteer="email")
    action(client, f"/coordinator/matches/{pair.id}/activate")
    answered = session.scalar(select(FollowUp).where(FollowUp.weeks == 4, FollowUp.side == "newcomer"))
    answered.sent_at = answered.answered_at = now_utc()
    session.commit()
    volunteer = reread(session, Volunteer, pair.volunteer_id)
    assert (volunteer.open_matches, volunteer.status) == (1, PersonStatus.MATCHED)

    for missing in ({}, {"reason": "never_met"}, {"note": "De hörde inte av sig."}):
        refused = action(client, f"/coordinator/matches/{pair.id}/end", **missing)
        assert refused.status_code == 400, missing
        assert error_summary(page(refused.data)), missing
        assert reread(session, Match, pair.id).status == MatchStatus.ACTIVE
    assert reread(session, Volunteer, pair.volunteer_id).open_matches == 1

    ended = action(client, f"/coordinator/matches/{pair.id}/end", reason="not_working", note="Det klickade inte.")
    assert ended.status_code == 303
    # It ended in its first weeks: the coordinator is asked to talk with the newcomer first.
    assert "Talk with the newcomer" in client.get(ended.headers["Location"]).get_data(as_text=True)
    match = reread(session, Match, pair.id)
    assert (match.status, match.reason, match.reason_note) == (MatchStatus.ENDED, "not_working", "Det klickade inte.")
    volunteer, newcomer = reread(session, Volunteer, pair.volunteer_id), reread(session, Newcomer, pair.newcomer_id)
    assert (volunteer.open_matches, volunteer.status, newcomer.status) == (0, PersonStatus.ACTIVE, PersonStatus.ACTIVE)
    assert [f.id for f in session.scalars(select(FollowUp))] == [answered.id]  # only the answered one stays
    assert newcomer.id in session.scalars(waiting_newcomers(pair.organisation_id)).all()
    assert volunteer.id in session.scalars(volunteers_with_seats(pair.organisation_id)).all()

    again = action(client, f"/coordinator/matches/{pair.id}/end", reason="other", note="Igen.")
    assert again.status_code == 303
    assert "ended already" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert reread(session, Volunteer, pair.volunteer_id).open_matches == 0
    assert reread(session, Match, pair.id).reason == "not_working"

    events = list(session.scalars(select(MatchEvent).where(MatchEvent.match_id == pair.id).order_by(MatchEvent.id)))
    assert [(e.action, e.actor_id) for e in events] == [
        ("introduced", coordinator.id), ("activated", coordinator.id), ("ended", coordinator.id)]
    history = [li.get_text(" ", strip=True) for li in page(client.get(f"/coordinator/matches/{pair.id}").data)
               .select("ol.history li")]
    for said in ("Introduced", "Marked active", "Ended"):
        assert any(said in line and COORDINATOR_EMAIL in line for line in history), (said, history)
    assert any("They met, but it did not work" in line for line in history), history


def test_withdrawing_a_volunteer_ends_the_pair_and_says_so(
    client: FlaskClient, session: Session, coordinator, nykoping
) -> None:
    volunteer = swedish_volunteer(session)
    pair = make_pair(session, arabic_newcomer(session), volunteer, status=MatchStatus.INTRODUCED)
    url = f"/coordinator/volunteers/{volunteer.id}"

    withdrawn = action(client, f"{url}/withdraw")
    assert withdrawn.status_code == 303
    assert "1 open pair was ended" in client.get(withdrawn.headers["Location"]).get_data(as_text=True)
    match = reread(session, Match, pair.id)
    assert (match.status, match.reason) == (MatchStatus.ENDED, EndReason.PARTICIPANT_LEFT.value)
    volunteer = reread(session, Volunteer, volunteer.id)
    assert (volunteer.status, volunteer.open_matches) == (PersonStatus.WITHDRAWN, 0)
    assert reread(session, Newcomer, pair.newcomer_id).status == PersonStatus.ACTIVE
    assert volunteer.id not in session.scalars(volunteers_with_seats(nykoping.id)).all()

    assert action(client, f"{url}/reactivate").status_code == 303
    assert reread(session, Volunteer, volunteer.id).status == PersonStatus.ACTIVE
    assert volunteer.id in session.scalars(volunteers_with_seats(nykoping.id)).all()


@pytest.mark.parametrize("kind", ["volunteers", "newcomers"])
def test_a_paused_person_leaves_the_pool_until_brought_back(
    client: FlaskClient, session: Session, coordinator, nykoping, kind: str
) -> None:
    person = swedish_volunteer(session) if kind == "volunteers" else arabic_newcomer(session)
    model, pool = (Volunteer, volunteers_with_seats) if kind == "volunteers" else (Newcomer, waiting_newcomers)
    assert person.id in session.scalars(pool(nykoping.id)).all()

    paused = action(client, f"/coordinator/{kind}/{person.id}/pause")
    assert paused.status_code == 303
    assert reread(session, model, person.id).status == PersonStatus.PAUSED
    assert person.id not in session.scalars(pool(nykoping.id)).all()
    assert "Nothing changed" in client.get(action(client, f"/coordinator/{kind}/{person.id}/pause")
                                           .headers["Location"]).get_data(as_text=True)

    action(client, f"/coordinator/{kind}/{person.id}/reactivate")
    assert reread(session, model, person.id).status == PersonStatus.ACTIVE
    assert person.id in session.scalars(pool(nykoping.id)).all()


# --- 9. another organisation's coordinator ------------------------------------


def test_another_organisation_gets_404_and_changes_nothing(
    client: FlaskClient, session: Session, coordinator, pair: Match, outsider: FlaskClient, outbox: Path
) -> None:
    theirs = token(outsider)
    base = f"/coordinator/matches/{pair.id}"
    assert outsider.get(base).status_code == 404
    posts = [
        (f"{base}/introduce", {"step": "preview", "method": "message", "channel_newcomer": "email",
                               "channel_volunteer": "email"}),
        (f"{base}/introduce", {"step": "send", "method": "message", "channel_newcomer": "email",
                               "channel_volunteer": "email", "subject_newcomer": "x", "body_newcomer": "x",
                               "subject_volunteer": "x", "body_volunteer": "x"}),
        (f"{base}/activate", {}),
        (f"{base}/end", {"reason": "other", "note": "x"}),
    ] + [(f"/coordinator/{kind}/{person_id}/{verb}", {})
         for kind, person_id in (("volunteers", pair.volunteer_id), ("newcomers", pair.newcomer_id))
         for verb in ("pause", "withdraw", "reactivate")]
    for url, data in posts:
        assert outsider.post(url, data={"csrf_token": theirs, **data}).status_code == 404, url

    assert reread(session, Match, pair.id).status == MatchStatus.APPROVED
    assert reread(session, Volunteer, pair.volunteer_id).status == PersonStatus.MATCHED
    assert reread(session, Newcomer, pair.newcomer_id).status == PersonStatus.MATCHED
    assert count(session, Message) == count(session, MatchEvent) == 0
    assert mails(outbox) == []


# --- 10. introducing twice ----------------------------------------------------


def test_sending_twice_sends_each_message_once(
    client: FlaskClient, session: Session, coordinator, pair: Match, outbox: Path
) -> None:
    previewed = preview(client, pair.id, channel_newcomer="email", channel_volunteer="email")
    first, second = send(client, previewed, pair.id), send(client, previewed, pair.id)
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert "introduced already; nothing more was sent" in client.get(second.headers["Location"]).get_data(
        as_text=True)
    assert len(mail_to(outbox, NEWCOMER_EMAIL)) == len(mail_to(outbox, VOLUNTEER_EMAIL)) == 1
    assert count(session, Message) == 2 and count(session, FollowUp) == 4
    assert session.scalar(select(func.count()).select_from(MatchEvent).where(MatchEvent.action == "introduced")) == 1


def test_a_crowd_of_double_clicks_at_once_still_sends_each_message_once(
    app: Flask, client: FlaskClient, session: Session, coordinator, pair: Match, outbox: Path
) -> None:
    previewed = preview(client, pair.id, channel_newcomer="email", channel_volunteer="email")
    data = fields_of(the_form(previewed.data, f"/coordinator/matches/{pair.id}/introduce"))
    clicks = []
    for _ in range(4):  # browser tabs of the same coordinator, one cookie
        tab = app.test_client()
        tab.set_cookie("kompis_session", client.get_cookie("kompis_session", domain="kompis.test").value,
                       domain="kompis.test")
        clicks.append(tab)
    barrier, answers = threading.Barrier(len(clicks)), []

    def click(tab: FlaskClient) -> None:
        barrier.wait(timeout=30)
        answers.append(tab.post(f"/coordinator/matches/{pair.id}/introduce", data=data).status_code)

    threads = [threading.Thread(target=click, args=(tab,)) for tab in clicks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert answers == [303] * len(clicks)
    assert len(mail_to(outbox, NEWCOMER_EMAIL)) == len(mail_to(outbox, VOLUNTEER_EMAIL)) == 1
    assert count(session, Message) == 2 and count(session, FollowUp) == 4


def test_only_a_pair_that_ended_in_its_first_weeks_asks_for_a_talk() -> None:
    from datetime import timedelta

    from web.pairs.lifecycle import EARLY_END, ended_early

    introduced = now_utc() - timedelta(weeks=30)
    assert not ended_early(Match(introduced_at=introduced, ended_at=introduced + EARLY_END))
    assert ended_early(Match(introduced_at=introduced, ended_at=introduced + timedelta(weeks=3)))
    assert ended_early(Match(introduced_at=None, ended_at=introduced))  # ended before anyone was introduced
    assert not ended_early(Match(introduced_at=introduced, ended_at=None))
