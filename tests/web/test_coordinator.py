"""Coordinators log in and see their own organisation's people, and no one else's."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import pytest
from argon2 import PasswordHasher
from flask.testing import FlaskClient
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from models import AuditEvent, Coordinator, Newcomer, PersonStatus
from tests.factories import PASSWORD, make_coordinator, make_newcomer, make_organisation, make_volunteer
from tests.signin import fresh_code, give_code, give_password
from tests.web.helpers import error_summary, get_form, page, place_id, submit
from web.passwords import needs_rehash, verify_password


@pytest.fixture
def nykoping(session: Session):
    return make_organisation(session, "Nyköpings kommun", municipalities=("Nyköping",))


@pytest.fixture
def sodertorn(session: Session):
    return make_organisation(session, "Kompis Södertörn", municipalities=("Haninge", "Nynäshamn", "Tyresö"))


def login(client: FlaskClient, email: str = "samordnare@example.org", password: str = PASSWORD):
    """Give the password and, if it is taken, the code that signs the browser in; return the password's answer."""
    answer = give_password(client, email, password)
    if answer.status_code == 302:
        assert urlsplit(answer.headers["Location"]).path == "/coordinator/login/code", answer.headers["Location"]
        with client.application.extensions["kompis.sessionmaker"]() as session:
            code = fresh_code(session, email)
        assert give_code(client, code).status_code == 302
    return answer


def test_dashboard_needs_login(client: FlaskClient, nykoping) -> None:
    response = client.get("/coordinator/")
    assert response.status_code == 302
    assert "/coordinator/login" in response.headers["Location"]


def test_wrong_password_is_refused_without_saying_which(client: FlaskClient, session: Session, nykoping) -> None:
    make_coordinator(session, nykoping)
    wrong_password = login(client, password="not the password")
    wrong_email = login(client, email="nobody@example.org")
    assert wrong_password.status_code == wrong_email.status_code == 400
    message = "E-postadressen eller lösenordet är fel"
    assert message in wrong_password.get_data(as_text=True)
    assert message in wrong_email.get_data(as_text=True)


def test_login_shows_own_people_only(client: FlaskClient, session: Session, nykoping, sodertorn) -> None:
    make_coordinator(session, nykoping)
    mine = make_volunteer(session, name="Karin Nyköping", place="Nyköping")
    theirs = make_volunteer(session, name="Sven Haninge", place="Haninge")
    response = login(client)
    assert response.status_code == 302

    listing = client.get("/coordinator/volunteers").get_data(as_text=True)
    assert "Karin Nyköping" in listing and "Sven Haninge" not in listing
    assert client.get(f"/coordinator/volunteers/{mine.id}").status_code == 200
    assert client.get(f"/coordinator/volunteers/{theirs.id}").status_code == 404
    assert client.get("/coordinator/volunteers/999999").status_code == 404


def test_dashboard_counts_by_status(client: FlaskClient, session: Session, nykoping) -> None:
    make_coordinator(session, nykoping)
    make_volunteer(session, name="A A")
    make_volunteer(session, name="B B", status=PersonStatus.PENDING)
    make_newcomer(session)
    login(client)
    soup = page(client.get("/coordinator/").data)
    volunteers = soup.find(id="volunteers-heading").find_parent("section")
    counts = {th.get_text(strip=True): td.get_text(strip=True)
              for th, td in zip(volunteers.find_all("th"), volunteers.find_all("td"), strict=True)}
    assert counts["Aktiv"] == "1" and counts["Väntar"] == "1"


def test_filters_and_search(client: FlaskClient, session: Session, sodertorn) -> None:
    make_coordinator(session, sodertorn)
    make_volunteer(session, name="Lena Haninge", place="Haninge", languages=(("sv", 4), ("ar", 2)))
    make_volunteer(session, name="Olof Tyresö", place="Tyresö")
    login(client)

    def names(query: str) -> list[str]:
        soup = page(client.get(f"/coordinator/volunteers?{query}").data)
        return [a.get_text() for a in soup.select("table.people td a")]

    assert sorted(names("")) == ["Lena Haninge", "Olof Tyresö"]
    assert names("language=ar") == ["Lena Haninge"]
    assert names("q=olof") == ["Olof Tyresö"]
    assert names("q=%25") == []  # a LIKE wildcard is searched for, not expanded
    served = session.scalar(select(Coordinator)).organisation.municipalities
    tyreso = next(m.code for m in served if m.name == "Tyresö")
    assert names(f"municipality={tyreso}") == ["Olof Tyresö"]
    assert names("status=paused") == []


@pytest.fixture
def five_on_pages_of_two(app, client: FlaskClient, session: Session, nykoping) -> None:
    """Log in to a list of five volunteers shown two to a page."""
    app.config["PAGE_SIZE"] = 2
    make_coordinator(session, nykoping)
    for n in range(5):
        make_volunteer(session, name=f"Person {n}")
    login(client)


@pytest.mark.usefixtures("five_on_pages_of_two")
def test_pagination_is_bounded(client: FlaskClient) -> None:
    soup = page(client.get("/coordinator/volunteers?page=3").data)
    assert len(soup.select("table.people tbody tr")) == 1
    assert "Sida 3 av 3" in soup.get_text()
    assert client.get("/coordinator/volunteers?page=999").status_code == 200
    assert client.get("/coordinator/volunteers?page=-4").status_code == 200


def test_reading_a_person_is_audited(client: FlaskClient, session: Session, nykoping) -> None:
    coordinator = make_coordinator(session, nykoping)
    newcomer = make_newcomer(session)
    login(client)
    client.get(f"/coordinator/newcomers/{newcomer.id}")
    event = session.scalar(select(AuditEvent).where(AuditEvent.subject_type != "staff"))  # not the sign-in
    assert (event.actor_id, event.action, event.subject_type, event.subject_id) == (
        coordinator.id, "read", "newcomer", newcomer.id)


def test_assisted_registration_records_who_helped(client: FlaskClient, session: Session, nykoping) -> None:
    coordinator = make_coordinator(session, nykoping)
    login(client)
    url = "/coordinator/newcomers/new"
    soup, _ = get_form(client, url)
    response = submit(client, url, {
        "name": "Abdi Warsame", "phone": "0701740606", "share": "phone", "contact_language": "so", "birth_year": "1995",
        "place": place_id(soup, "Nyköping"), "max_distance_km": "10", "swedish_level": "none",
        "languages-so": "4", "goals": ["work_study"], "availability": ["wed-morning"], "consent": "y",
    })
    assert response.status_code == 302
    newcomer = session.scalar(select(Newcomer))
    assert newcomer.registered_by_id == coordinator.id
    assert newcomer.status == PersonStatus.ACTIVE


def test_activate_a_pending_newcomer(client: FlaskClient, session: Session, nykoping) -> None:
    make_coordinator(session, nykoping)
    newcomer = make_newcomer(session, status=PersonStatus.PENDING)
    login(client)
    soup = page(client.get(f"/coordinator/newcomers/{newcomer.id}").data)
    form = soup.find("form", action=f"/coordinator/newcomers/{newcomer.id}/activate")
    token = form.find("input", attrs={"name": "csrf_token"})["value"]
    assert client.post(f"/coordinator/newcomers/{newcomer.id}/activate").status_code == 400
    assert client.post(f"/coordinator/newcomers/{newcomer.id}/activate", data={"csrf_token": token}).status_code == 302
    session.expire_all()
    assert session.get(Newcomer, newcomer.id).status == PersonStatus.ACTIVE


def test_logout_ends_the_session(app, client: FlaskClient, session: Session, nykoping) -> None:
    make_coordinator(session, nykoping)
    login(client)
    soup = page(client.get("/coordinator/").data)
    token = soup.find("form", action="/coordinator/logout").find("input", attrs={"name": "csrf_token"})["value"]
    replayed = app.test_client()
    for cookie in ("kompis_session", "remember_token"):
        if copy := client.get_cookie(cookie, domain="kompis.test"):
            replayed.set_cookie(cookie, copy.value, domain="kompis.test")
    assert replayed.get("/coordinator/").status_code == 200

    client.post("/coordinator/logout", data={"csrf_token": token})
    assert client.get("/coordinator/").status_code == 302
    assert replayed.get("/coordinator/").status_code == 302  # a copied cookie is dead too


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("/coordinator/volunteers?status=active", "/coordinator/volunteers?status=active"),
        ("//evil.example/", "/coordinator/"),
        ("/\\evil.example/", "/coordinator/"),
        ("https://evil.example/", "/coordinator/"),
        ("///evil.example/", "/coordinator/"),
        ("/\\/evil.example/", "/coordinator/"),
        ("\\\\evil.example/", "/coordinator/"),
        ("/\t/evil.example/", "/coordinator/"),
        ("/\n/evil.example/", "/coordinator/"),
        ("/\r//evil.example/", "/coordinator/"),
        (" //evil.example/", "/coordinator/"),
        ("http:evil.example", "/coordinator/"),
        ("javascript:alert(1)", "/coordinator/"),
        ("/coordinator/\\evil", "/coordinator/"),
        ("evil.example", "/coordinator/"),
        ("", "/coordinator/"),
        ("/%2F/evil.example/", "/%2F/evil.example/"),  # an encoded slash is a path of this site, not a host
    ],
)
def test_login_returns_only_to_a_page_of_this_site(
    client: FlaskClient, session: Session, nykoping, next_url: str, lands_on: str
) -> None:
    make_coordinator(session, nykoping)
    url = f"/coordinator/login?next={quote(next_url, safe='')}"
    password_taken = submit(client, url, {"email": "samordnare@example.org", "password": PASSWORD})
    assert password_taken.status_code == 302
    code_step = password_taken.headers["Location"].removeprefix("http://kompis.test")
    assert urlsplit(code_step).path == "/coordinator/login/code"  # `next` goes along as a query parameter
    response = submit(client, code_step, {"code": fresh_code(session, "samordnare@example.org")})
    assert response.status_code == 302
    assert response.headers["Location"].removeprefix("http://kompis.test") == lands_on


def test_an_old_password_hash_is_upgraded_on_login(client: FlaskClient, session: Session, nykoping) -> None:
    coordinator = make_coordinator(session, nykoping)
    coordinator.password_hash = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    session.commit()
    assert login(client).status_code == 302
    session.refresh(coordinator)
    assert not needs_rehash(coordinator.password_hash)
    assert verify_password(coordinator.password_hash, PASSWORD)


def test_a_list_page_costs_the_same_queries_however_many_people(
    app, client: FlaskClient, session: Session, engine, nykoping
) -> None:
    make_coordinator(session, nykoping)
    login(client)

    def queries_for_list() -> int:
        statements: list[str] = []
        listen = lambda *args: statements.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listen)
        try:
            assert client.get("/coordinator/volunteers").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listen)
        return len(statements)

    for n in range(3):
        make_volunteer(session, name=f"Person {n}", languages=(("sv", 4), ("en", 3)))
    few = queries_for_list()
    for n in range(3, 20):
        make_volunteer(session, name=f"Person {n}", languages=(("sv", 4), ("ar", 2)))
    assert queries_for_list() == few


def test_search_finds_swedish_letters_in_any_case_and_phones_as_typed(
    client: FlaskClient, session: Session, nykoping
) -> None:
    make_coordinator(session, nykoping)
    make_volunteer(session, name="Åsa Öberg")
    make_newcomer(session, name="Amal Hassan", phone="+46701740606")
    login(client)

    def names(kind: str, q: str) -> list[str]:
        soup = page(client.get(f"/coordinator/{kind}", query_string={"q": q}).data)
        return [a.get_text() for a in soup.select("table.people td a")]

    for typed in ("åsa", "ÖBERG", "Åsa Ö"):
        assert names("volunteers", typed) == ["Åsa Öberg"], typed
    for typed in ("+46701740606", "0701740606", "070 174 06 06", "070-174 06 06", "174 06 06"):
        assert names("newcomers", typed) == ["Amal Hassan"], typed


@pytest.mark.parametrize("query", ["q=%00", "language=%00", "municipality=%00", "status=%00x",
                                   "q=%01%1f", "page=1&kind=x", "page=1&_method=POST", "_anchor=x&page=2"])
@pytest.mark.usefixtures("five_on_pages_of_two")
def test_odd_query_arguments_never_break_a_list(client: FlaskClient, query: str) -> None:
    response = client.get(f"/coordinator/volunteers?{query}")
    assert response.status_code == 200
    links = [a["href"] for a in page(response.data).select("nav.pagination a")]
    assert links and all(link.startswith("/coordinator/volunteers?") and "#" not in link for link in links)
    assert not any("kind=" in link or "_method" in link for link in links)


@pytest.mark.usefixtures("five_on_pages_of_two")
def test_page_links_keep_the_filter(client: FlaskClient) -> None:
    soup = page(client.get("/coordinator/volunteers?q=Person&status=active").data)
    [following] = soup.select("nav.pagination a[rel=next]")
    assert following["href"] == "/coordinator/volunteers?page=2&q=Person&status=active"


def test_registering_with_another_organisations_email_keeps_the_answers_and_names_nobody(
    client: FlaskClient, session: Session, nykoping, sodertorn
) -> None:
    make_coordinator(session, nykoping)
    make_newcomer(session, name="Hodan Ali", place="Haninge", email="hodan@example.org")
    login(client)
    url = "/coordinator/newcomers/new"
    soup, _ = get_form(client, url)
    response = submit(client, url, {
        "name": "Abdi Warsame", "email": "Hodan@example.org", "phone": "", "share": "email", "contact_language": "so",
        "birth_year": "1995", "place": place_id(soup, "Nyköping"), "max_distance_km": "10",
        "swedish_level": "none", "languages-so": "4", "goals": ["work_study"], "availability": ["wed-morning"],
        "consent": "y",
    })
    assert response.status_code == 400
    soup = page(response.data)
    assert soup.find(id="name")["value"] == "Abdi Warsame"
    assert error_summary(soup)[0][1] == "#email"
    assert "Hodan" not in soup.get_text()
    assert session.scalar(select(func.count()).select_from(Newcomer)) == 1


def test_the_login_asks_in_the_language_of_the_link(client: FlaskClient, nykoping) -> None:
    response = client.get("/coordinator/volunteers?lang=ar", follow_redirects=True)
    soup = page(response.data)
    assert soup.html["lang"] == "ar"
    notice = soup.find(class_="notice").get_text(strip=True)
    assert any("\u0600" <= ch <= "\u06ff" for ch in notice), notice


def test_staff_pages_are_never_cached(client: FlaskClient, session: Session, nykoping) -> None:
    make_coordinator(session, nykoping)
    login(client)
    for url in ("/coordinator/", "/coordinator/volunteers", "/coordinator/login"):
        assert client.get(url).headers["Cache-Control"] == "no-store", url


def test_assisted_registration_speaks_to_staff_about_the_newcomer(client: FlaskClient, session: Session,
                                                                  nykoping) -> None:
    make_coordinator(session, nykoping)
    login(client)
    soup, _ = get_form(client, "/coordinator/newcomers/new?lang=en")
    labels = {label.get_text(strip=True) for label in soup.find_all(["label", "legend"])}
    assert {"The newcomer's full name", "Where does the newcomer live?",
            "How much Swedish does the newcomer speak?"} <= labels
    assert "About the newcomer" in [h.get_text(strip=True) for h in soup.find_all("h2")]
    assert "About you" not in soup.get_text() and "Where do you live?" not in labels
    refused = submit(client, "/coordinator/newcomers/new?lang=en", {"name": ""})
    summary = [text for text, _ in error_summary(page(refused.data))]
    assert "Enter the newcomer's name" in summary and "Choose the place where the newcomer lives" in summary
