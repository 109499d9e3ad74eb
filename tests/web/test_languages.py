"""Seven interface languages: chosen by link, remembered, or taken from the browser; lists and names right."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Match
from tests.factories import make_coordinator, make_newcomer, make_organisation, make_volunteer
from tests.signin import sign_in
from tests.web.helpers import page, submit
from web.i18n import available_languages
from web.jobs import wait_for_runs
from web.labels import listing

SEVEN = ("sv", "en", "ar", "fa_AF", "so", "ti", "uk")


def html_lang(client: FlaskClient, url: str = "/", **headers: str) -> str:
    return page(client.get(url, headers=headers).data).html["lang"]


def test_all_seven_ship() -> None:
    assert available_languages() == SEVEN


@pytest.mark.parametrize("alias", ["prs", "fa-AF", "fa_AF", "FA-af"])
def test_dari_answers_to_its_aliases(client: FlaskClient, alias: str) -> None:
    soup = page(client.get(f"/?lang={alias}").data)
    assert (soup.html["lang"], soup.html["dir"]) == ("fa-AF", "rtl")


@pytest.mark.parametrize(("header", "expected"), [
    ("ar-SY,ar;q=0.9,en;q=0.5", "ar"),
    ("ti-ER", "ti"),
    ("de-DE,de;q=0.9,uk;q=0.5", "uk"),
    ("fa-AF,fa;q=0.8", "fa-AF"),
    ("so-SO", "so"),
    ("de-DE", "sv"),
    ("en-GB,en;q=0.9", "en"),
])
def test_the_browser_decides_when_nobody_has_chosen(client: FlaskClient, header: str, expected: str) -> None:
    assert html_lang(client, **{"Accept-Language": header}) == expected


def test_a_choice_beats_the_browser(client: FlaskClient) -> None:
    assert html_lang(client, "/?lang=uk", **{"Accept-Language": "ar"}) == "uk"
    assert html_lang(client, "/privacy", **{"Accept-Language": "ar"}) == "uk"  # remembered


def test_the_menu_names_each_language_in_its_own_script(client: FlaskClient) -> None:
    menu = page(client.get("/").data).find("nav", class_="language-menu")
    labels = [el.get_text(strip=True) for el in menu.find_all(["a", "span"])]
    assert labels == ["Svenska", "English", "العربية", "دری", "Soomaali", "ትግርኛ", "Українська"]
    assert [el["lang"] for el in menu.find_all(["a", "span"])] == [c.replace("_", "-") for c in SEVEN]


@pytest.mark.parametrize(("lang", "joined"), [("sv", "a, b och c"), ("en", "a, b, and c"), ("ar", "a وb وc"),
                                              ("fa_AF", "a،\u200f b، و c"), ("ti", "a፣ bን cን"), ("uk", "a, b і c")])
def test_lists_are_joined_as_each_language_writes_them(app: Flask, lang: str, joined: str) -> None:
    with app.test_request_context(f"/?lang={lang}"):
        assert listing(["a", "b", "c"]) == joined
        if lang in ("ar", "fa_AF"):
            assert "," not in listing(["a", "b", "c"])


def test_pashto_is_not_called_afghan_in_swedish(client: FlaskClient, session: Session) -> None:
    organisation = make_organisation(session)
    account = make_coordinator(session, organisation)
    newcomer = make_newcomer(session, languages=(("ps", 4), ("fa_AF", 3)))
    sign_in(client, account.email)
    text = page(client.get(f"/coordinator/newcomers/{newcomer.id}").data).get_text(" ")
    assert "pashto" in text and "dari" in text and "afghanska" not in text


@pytest.mark.parametrize("lang", ["ar", "fa_AF"])
def test_phone_examples_keep_their_digits_in_order_in_right_to_left_text(client: FlaskClient, session: Session,
                                                                         lang: str) -> None:
    make_organisation(session)
    text = page(client.get(f"/newcomer/request?lang={lang}").data).get_text()
    # Isolated left to right (U+2066 … U+2069), the groups of "070 123 45 67" are not reversed.
    assert "\u2066070 123 45 67\u2069" in text


DIRECTION = {"ar": "rtl", "fa_AF": "rtl"}


def test_staff_pages_answer_in_all_seven(app: Flask, client: FlaskClient, session: Session) -> None:
    organisation = make_organisation(session)
    account = make_coordinator(session, organisation)
    volunteer = make_volunteer(session, languages=(("sv", 4), ("ar", 3)))
    newcomer = make_newcomer(session)
    sign_in(client, account.email)
    run = submit(client, "/coordinator/runs", {"mode": "stable"}).headers["Location"]
    wait_for_runs(app)
    match = session.scalar(select(Match))
    pages = ["/coordinator/", "/coordinator/volunteers", "/coordinator/newcomers", "/coordinator/newcomers/new",
             f"/coordinator/volunteers/{volunteer.id}", f"/coordinator/newcomers/{newcomer.id}", "/coordinator/runs",
             run, "/coordinator/proposals", "/coordinator/matches", f"/coordinator/matches/{match.id}",
             f"/coordinator/newcomers/{newcomer.id}/candidates", "/coordinator/weights"]
    for lang in SEVEN:
        for url in pages:
            response = client.get(f"{url}?lang={lang}")
            assert response.status_code == 200, (lang, url)
            soup = page(response.data)
            assert (soup.html["lang"], soup.html["dir"]) == (lang.replace("_", "-"), DIRECTION.get(lang, "ltr"))
