"""Public pages: landing, language choice and direction, health, headers, bad requests."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.web.helpers import page

PAGES = ["/", "/privacy", "/accessibility", "/volunteer/signup", "/newcomer/request", "/coordinator/login"]


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize(("lang", "direction"), [("sv", "ltr"), ("en", "ltr"), ("ar", "rtl"), ("fa_AF", "rtl"),
                                               ("so", "ltr"), ("ti", "ltr"), ("uk", "ltr")])
def test_every_page_in_every_language(client: FlaskClient, url: str, lang: str, direction: str) -> None:
    response = client.get(f"{url}?lang={lang}")
    assert response.status_code == 200
    soup = page(response.data)
    assert soup.html["lang"] == lang.replace("_", "-")
    assert soup.html["dir"] == direction
    headings = soup.find_all("h1")
    assert len(headings) == 1
    assert soup.title.get_text().startswith(headings[0].get_text(strip=True))
    assert soup.find("a", class_="skip-link")["href"] == "#main"
    assert soup.find(id="main") is not None


def test_language_choice_is_remembered(client: FlaskClient) -> None:
    client.get("/?lang=ar")
    soup = page(client.get("/privacy").data)
    assert soup.html["lang"] == "ar"
    assert soup.find("nav", class_="language-menu").find(attrs={"aria-current": "true"}).get_text() == "العربية"


def test_swedish_is_the_default(client: FlaskClient) -> None:
    soup = page(client.get("/").data)
    assert soup.html["lang"] == "sv"
    assert soup.h1.get_text(strip=True) == "Kompis – träffa någon ny"


def test_unknown_language_falls_back_to_swedish(client: FlaskClient) -> None:
    assert page(client.get("/?lang=xx").data).html["lang"] == "sv"


def test_language_menu_names_each_language_in_itself(client: FlaskClient) -> None:
    menu = page(client.get("/").data).find("nav", class_="language-menu")
    labels = [el.get_text(strip=True) for el in menu.find_all(["a", "span"])]
    assert labels[:3] == ["Svenska", "English", "العربية"]
    for link in menu.find_all("a"):
        assert link["href"].startswith("/?lang=")


def test_healthz_reports_database(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_security_headers(client: FlaskClient) -> None:
    headers = client.get("/").headers
    assert headers["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_no_outside_assets(client: FlaskClient) -> None:
    soup = page(client.get("/volunteer/signup").data)
    for tag, attr in (("script", "src"), ("link", "href"), ("img", "src")):
        for element in soup.find_all(tag):
            assert element.get(attr, "/").startswith("/"), element


def test_not_found_page_is_translated(client: FlaskClient) -> None:
    response = client.get("/no-such-page?lang=en")
    assert response.status_code == 404
    assert page(response.data).h1.get_text() == "Page not found"


def test_oversized_body_is_refused(client: FlaskClient) -> None:
    response = client.post("/volunteer/signup", data={"notes": "x" * 200_000})
    assert response.status_code == 413


def test_post_without_token_is_refused_everywhere(client: FlaskClient) -> None:
    for url in ["/coordinator/logout", "/coordinator/newcomers/1/activate"]:
        assert client.post(url).status_code == 400
