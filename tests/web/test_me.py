"""`/me`: a person asks for a link, opens it once, sees their data in words, downloads it, pauses and erases."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Newcomer, PersonStatus, Volunteer, now_utc
from tests.conftest import csrf_token
from tests.web.helpers import mails, page, submit
from tests.web.test_erasure import NEWCOMER, VOLUNTEER, a_pair_with_a_history
from web.privacy.register import tables_about_people


def ask_link(client: FlaskClient, outbox: Path, contact: str) -> str:
    """Ask for a link as the person would; return its path from the e-mail or SMS that came."""
    before = {p.name for p in outbox.rglob("*")} if outbox.exists() else set()
    assert submit(client, "/me", {"contact": contact}).status_code == 200
    new = [p for p in outbox.rglob("*") if p.is_file() and p.name not in before]
    assert len(new) == 1, new
    if new[0].suffix == ".json":
        words = json.loads(new[0].read_text(encoding="utf-8"))["message"]
    else:
        words = message_from_bytes(new[0].read_bytes(), policy=policy.default).get_content()  # type: ignore[attr-defined]
    found = re.search(r"https?://[^/\s]+(/me/\S+)", words)
    assert found, words
    return found.group(1)


def open_page(client: FlaskClient, link: str):
    return client.post(link, data={"csrf_token": csrf_token(client.get(link).text)})


def test_the_page_answers_the_same_for_anyone_and_sends_only_to_people_it_knows(
    app: Flask, client: FlaskClient, session: Session, outbox: Path
) -> None:
    a_pair_with_a_history(app, session)
    answers = [submit(client, "/me", {"contact": contact}).text
               for contact in (VOLUNTEER["email"], "nobody@example.org", "0701112233", "0700000000")]
    assert len({re.sub(r'value="[^"]+"', "", a) for a in answers}) == 1
    sms = [json.loads(p.read_text()) for p in (outbox / "sms").glob("me-*.json")]
    assert [m["to"] for m in sms] == [NEWCOMER["phone"]], "the newcomer's number gets an SMS"
    assert [m["To"] for m in mails(outbox) if "/me/" in m.get_content()] == [VOLUNTEER["email"]]


def test_the_link_works_once_for_30_minutes_and_only_for_its_purpose(
    app: Flask, client: FlaskClient, session: Session, outbox: Path
) -> None:
    a_pair_with_a_history(app, session)
    start = now_utc()
    with time_machine.travel(start, tick=False) as clock:
        link = ask_link(client, outbox, VOLUNTEER["email"])
        assert client.get(link).status_code == 200 and client.get(link).status_code == 200, "a GET spends nothing"
        kind, token = link.split("?")[0].split("/")[2:4]
        assert client.get(f"/me/newcomer/{token}").status_code == 410, "a volunteer's link is not a newcomer's"
        assert client.get(f"/me/{kind}/{token[:-3]}xyz").status_code == 410, "tampered"
        assert client.get(f"/volunteer/confirm/{token}").status_code == 410, "nor is it a confirmation link"
        assert open_page(client, link).status_code == 302
        assert client.get("/me/data").status_code == 200
        assert client.get(link).status_code == 410, "used"
        late = ask_link(client, outbox, VOLUNTEER["email"])
        clock.shift(timedelta(minutes=31))
        assert client.get(late).status_code == 410, "expired"
        assert client.get("/me/data").status_code == 302, "the page's half hour is over too"


def test_a_person_sees_their_data_in_words_and_their_kompis_by_first_name_only(
    app: Flask, client: FlaskClient, session: Session, outbox: Path
) -> None:
    a_pair_with_a_history(app, session)
    open_page(client, ask_link(client, outbox, "070-111 22 33"))
    shown = client.get("/me/data?lang=en").text
    assert NEWCOMER["name"] in shown and NEWCOMER["phone"] in shown
    kompis = page(shown).find("h2", string="Your kompis").find_next("ul").get_text()
    assert "Birgitta" in kompis and "Lindqvist" not in kompis
    assert VOLUNTEER["email"] not in shown and VOLUNTEER["phone"] not in shown
    assert "birth_year" not in shown, "words, not field names"


def test_the_download_holds_every_table_about_them_and_nothing_of_their_kompis(
    app: Flask, client: FlaskClient, session: Session, outbox: Path
) -> None:
    match, volunteer, newcomer = a_pair_with_a_history(app, session)
    open_page(client, ask_link(client, outbox, NEWCOMER["email"]))
    answer = client.get("/me/data.json")
    assert answer.mimetype == "application/json"
    exported = answer.get_json()["tables"]
    # Every table about people that holds a row of theirs is in the export (walked from the metadata).
    with app.app_context():
        from web import db

        for table in tables_about_people():
            columns = {c.name for c in table.columns}
            if "newcomer_id" in columns:
                count = db.session().scalar(select(func.count()).select_from(table)
                                            .where(table.c.newcomer_id == newcomer.id))
                if count:
                    assert len(exported.get(table.name, [])) >= count, table.name
    assert {"newcomers", "newcomer_languages", "matches", "messages", "follow_ups", "contact_notes",
            "match_events", "audit_events"} <= set(exported)
    # The kompis's details reached the newcomer only in the introduction they were sent, as the kompis agreed.
    rest = json.dumps({name: rows for name, rows in exported.items() if name != "messages"}, ensure_ascii=False)
    assert VOLUNTEER["email"] not in rest and VOLUNTEER["phone"] not in rest
    assert all(m["newcomer_id"] == newcomer.id for m in exported["messages"])
    text = json.dumps(exported, ensure_ascii=False)
    assert all(f["side"] == "newcomer" for f in exported["follow_ups"])
    assert "link_nonce" not in text


def test_a_person_pauses_comes_back_and_erases_everything(
    app: Flask, client: FlaskClient, session: Session, outbox: Path
) -> None:
    match, volunteer, newcomer = a_pair_with_a_history(app, session)
    open_page(client, ask_link(client, outbox, VOLUNTEER["email"]))
    token = csrf_token(client.get("/me/data").text)
    assert client.post("/me/pause", data={"csrf_token": token}).status_code == 303
    assert session.get(Volunteer, volunteer.id, populate_existing=True).status == PersonStatus.PAUSED
    client.post("/me/resume", data={"csrf_token": token})
    assert session.get(Volunteer, volunteer.id, populate_existing=True).status == PersonStatus.MATCHED
    assert client.get("/me/erase").status_code == 200
    assert client.post("/me/erase", data={"csrf_token": token}).headers["Location"].endswith("/me/erased")
    assert session.scalar(select(func.count()).select_from(Volunteer)) == 0
    assert session.scalar(select(func.count()).select_from(Newcomer)) == 1
    assert client.get("/me/data").status_code == 302
