"""Protected identity (skyddad identitet): only the coordinators named for a person see them, and their place,
below the municipality, never leaves the database.

One organisation, two coordinators: A is named for a protected newcomer in an introduced pair, a protected
volunteer in a proposed pair and a protected newcomer a run left without a proposal; B is named for nobody.
The walks below go over the URL map, so a route added later is walked too.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict
from werkzeug.routing import AnyConverter, Rule

from models import (
    EDITABLE_PURPOSES,
    AuditEvent,
    Coordinator,
    Match,
    MatchRun,
    MatchStatus,
    Message,
    Newcomer,
    PersonStatus,
    Place,
    SwedishLevel,
    Volunteer,
)
from tests.conftest import csrf_token
from tests.factories import make_coordinator, make_newcomer, make_organisation, make_pair, make_volunteer
from tests.signin import sign_in
from tests.web.helpers import page
from tests.web.test_route_proofs import id_arguments, is_coordinators, row_counts, rules, url, writes
from web.matching.runs import create_run, execute_run
from web.me.access import link_token
from web.pairs.introductions import Method, draft, introduce, people
from web.pairs.reach import channels

HIDDEN_PLACE = "Bergshammar"  # a locality of Nyköping municipality; everyone else lives in the town itself
DISTANCE = {"kind": "distance", "km": 6}
APART = re.compile(r"\b6 (km|كم)")  # "6 km från varandra", "المسافة بينهما 6 كم"


@dataclass
class World:
    """The organisation's two coordinators, its protected people, its ordinary ones, their pairs and a run."""

    named: Coordinator  # A
    unnamed: Coordinator  # B
    protected: dict[str, Volunteer | Newcomer]  # "introduced" (newcomer), "proposed" (volunteer), "waiting"
    ordinary: dict[str, Volunteer | Newcomer]
    hidden_pairs: list[Match]  # each with a protected person
    open_pair: Match  # two ordinary people
    run: MatchRun

    def traces(self, person: Volunteer | Newcomer) -> list[str]:
        """Return what of a person must not show: each part of the name, the address, the phone's digits."""
        assert person.email and person.phone
        return [*person.name.split(), person.email, person.phone.removeprefix("+46")]


def _hide(session: Session, person: Volunteer | Newcomer, viewer: Coordinator) -> None:
    person.place_id = session.scalar(select(Place.id).where(Place.name == HIDDEN_PLACE))
    person.protected = True
    person.viewers = [viewer]
    session.commit()


def _introduce(app: Flask, session: Session, match: Match, coordinator: Coordinator) -> list[Message]:
    """Introduce a pair by message, as the pair's page does."""
    with app.test_request_context():
        drafts = [draft(session, match, side, channels(person)[0], coordinator, Method.MESSAGE, None)
                  for side, (person, _kompis) in people(match).items()]
        introduce(session, match, coordinator, Method.MESSAGE, None, drafts)
    return list(session.scalars(select(Message).where(Message.match_id == match.id)))


@pytest.fixture
def world(app: Flask, session: Session) -> World:
    organisation = make_organisation(session)
    named = make_coordinator(session, organisation, email="anna.named@example.org")
    unnamed = make_coordinator(session, organisation, email="bo.unnamed@example.org")
    hidden_newcomer = make_newcomer(session, name="Zarifa Hemlund", email="zarifa.hemlund@example.org",
                                    phone="+46709998801", share=("phone", "email"))
    hidden_volunteer = make_volunteer(session, name="Yrsa Skyddberg", email="yrsa.skyddberg@example.org",
                                      phone="+46709998802", languages=(("sv", 4), ("ar", 4)), capacity=2)
    waiting = make_newcomer(session, name="Xenia Dolda", email="xenia.dolda@example.org", phone="+46709998803",
                            languages=(("ti", 4),))
    waiting.swedish_level = SwedishLevel.NONE  # nobody to talk with: the run leaves her without a proposal
    for person in (hidden_newcomer, hidden_volunteer, waiting):
        _hide(session, person, named)
    kompis = make_volunteer(session, name="Vera Vanlig", email="vera.vanlig@example.org",
                            languages=(("sv", 4), ("ar", 4)))
    asking = make_newcomer(session, name="Nadia Öppen", status=PersonStatus.PENDING)
    free = make_volunteer(session, name="Olle Synlig", languages=(("sv", 4), ("ar", 4)))
    introduced = make_pair(session, hidden_newcomer, kompis)  # type: ignore[arg-type]
    introduced.reasons = [*introduced.reasons, DISTANCE]
    session.commit()
    _introduce(app, session, introduced, named)
    open_pair = make_pair(session, make_newcomer(session, name="Nils Fri"), make_volunteer(session, name="Vilma Fri"))
    run = create_run(session, organisation, started_by=named)
    execute_run(session, run.id)
    asking.status = PersonStatus.ACTIVE  # after the run, so the proposal below stays the only one
    session.commit()
    proposed = make_pair(session, asking, hidden_volunteer, status=MatchStatus.PROPOSED)  # type: ignore[arg-type]
    return World(named, unnamed, {"introduced": hidden_newcomer, "proposed": hidden_volunteer, "waiting": waiting},
                 {"kompis": kompis, "asking": asking, "free": free}, [introduced, proposed], open_pair, run)


def signed_in(app: Flask, account: Coordinator) -> FlaskClient:
    client = app.test_client()
    sign_in(client, account.email)
    return client


# --- B: every id of theirs answers 404 and changes nothing ----------------------------------------------------------


def _hidden_values(rule: Rule, world: World) -> Iterator[dict[str, Any]]:
    """Yield the arguments that point a rule at a protected person or a pair with one, each option of any(...)."""
    options = {n: sorted(c.items) for n, c in rule._converters.items() if isinstance(c, AnyConverter)}
    newcomer, volunteer = world.protected["introduced"], world.protected["proposed"]
    for combo in itertools.product(*options.values()):
        values = dict(zip(options, combo, strict=True))
        ids = id_arguments(rule)
        if "match_id" in ids:
            yield from ({**values, "match_id": pair.id} for pair in world.hidden_pairs)
        elif set(ids) == {"person_id", "volunteer_id"}:  # proposing a volunteer to a newcomer by hand
            yield {**values, "person_id": world.ordinary["asking"].id, "volunteer_id": volunteer.id}
            yield {**values, "person_id": newcomer.id, "volunteer_id": world.ordinary["free"].id}
        elif ids == ["person_id"]:
            kind = values.get("kind") or ("volunteers" if "/volunteers/" in rule.rule else "newcomers")
            yield {**values, "person_id": (volunteer if kind == "volunteers" else newcomer).id}
        else:
            pytest.fail(f"{rule.rule}: teach {__name__} which protected row its ids {ids} point at")


def _person_or_pair_rules(app: Flask, method: str) -> list[Rule]:
    return [r for r in rules(app, method) if is_coordinators(r) and set(id_arguments(r)) & {"person_id", "match_id"}]


def test_every_route_of_a_protected_person_or_their_pair_answers_404_to_a_coordinator_not_named(
    app: Flask, session: Session, engine: Engine, world: World
) -> None:
    """Exactly as for another organisation's id: nothing tells that the person exists."""
    staff = signed_in(app, world.unnamed)
    token = csrf_token(staff.get("/coordinator/runs").text)
    tried = 0
    for method in ("GET", "POST"):
        for rule in _person_or_pair_rules(app, method):
            for values in _hidden_values(rule, world):
                target, before = url(rule, values), row_counts(engine)
                with writes(engine) as written:
                    response = (staff.get(target) if method == "GET" else
                                staff.post(target, data={"csrf_token": token, "protected": "y",
                                                         "viewers": str(world.unnamed.id), "text": "Hello"}))
                assert response.status_code == 404, f"{method} {target} by B answered {response.status_code}"
                assert written == [] and row_counts(engine) == before, f"{method} {target} by B wrote {written}"
                tried += 1
    bulk = staff.post("/coordinator/proposals", data=MultiDict(
        {"csrf_token": token, "decision": "approve", "pairs": str(world.hidden_pairs[1].id)}))
    assert bulk.status_code == 404
    assert session.get(Match, world.hidden_pairs[1].id).status == MatchStatus.PROPOSED  # type: ignore[union-attr]
    assert tried > 20


def test_the_same_routes_open_for_the_coordinator_named(app: Flask, world: World) -> None:
    """The control of the proof above: A's pages of the same ids answer, so the rule was the reason for B's 404."""
    staff = signed_in(app, world.named)
    for rule in _person_or_pair_rules(app, "GET"):
        for values in _hidden_values(rule, world):
            response = staff.get(url(rule, values))
            assert response.status_code == 200, f"GET {url(rule, values)} by A answered {response.status_code}"


# --- B: no list, search, dashboard, run, proposal, candidate or file shows them -------------------------------------


def _visible_values(rule: Rule, world: World) -> list[dict[str, Any]]:
    """Return the arguments that open a rule on ordinary people, pairs and the run."""
    options = {n: sorted(c.items) for n, c in rule._converters.items() if isinstance(c, AnyConverter)}
    fill = {"run_id": world.run.id, "match_id": world.open_pair.id, "volunteer_id": world.ordinary["free"].id,
            "purpose_name": EDITABLE_PURPOSES[0].value, "language_code": "sv"}
    filled = []
    for combo in itertools.product(*options.values()):
        values = dict(zip(options, combo, strict=True))
        for name in (n for n in rule._converters if n not in values):
            if name == "person_id":
                kind = values.get("kind") or ("volunteers" if "/volunteers/" in rule.rule else "newcomers")
                values[name] = world.ordinary["free" if kind == "volunteers" else "asking"].id
            elif name in fill:
                values[name] = fill[name]
            else:
                pytest.fail(f"{rule.rule}: teach {__name__} how to fill {name!r} with an ordinary row")
        filled.append(values)
    return filled


# The lists where A finds each protected person, so B's not finding them proves the rule. Add a list here.
LISTS = {
    "/coordinator/": ["introduced"],  # the pair that has not met yet
    "/coordinator/newcomers": ["introduced", "waiting"],
    "/coordinator/newcomers?q=Hemlund": ["introduced"],
    "/coordinator/newcomers?q=zarifa.hemlund@example.org": ["introduced"],
    "/coordinator/newcomers?q=070-999 88 01": ["introduced"],
    "/coordinator/newcomers?municipality=0480&status=matched": ["introduced"],
    "/coordinator/volunteers": ["proposed"],
    "/coordinator/volunteers?q=Skyddberg": ["proposed"],
    "/coordinator/matches": ["introduced", "proposed"],
    "/coordinator/matches?status=introduced": ["introduced"],
    "/coordinator/proposals": ["proposed"],
    "/coordinator/runs/{run}": ["waiting"],
    "/coordinator/newcomers/{asking}/candidates": ["proposed"],
}
FILES = ("/coordinator/volunteers.csv", "/coordinator/newcomers.csv", "/coordinator/reports.csv")


def _without_the_search(text: str) -> str:
    """Return a page without its search box, which holds what B typed."""
    soup = page(text)
    for box in soup.find_all("input", attrs={"name": "q"}):
        box.decompose()
    for link in soup.find_all("a", href=True):
        link["href"] = re.sub(r"q=[^&]*", "", link["href"])
    return str(soup)


def _list_url(template: str, world: World) -> str:
    return template.format(run=world.run.id, asking=world.ordinary["asking"].id)


def test_no_staff_page_or_file_shows_a_protected_person_to_a_coordinator_not_named(
    app: Flask, world: World
) -> None:
    staff = signed_in(app, world.unnamed)
    traces = [t for person in world.protected.values() for t in world.traces(person)]
    walked = [url(rule, values) for rule in rules(app, "GET") if is_coordinators(rule)
              for values in _visible_values(rule, world)]
    for target in [*walked, *(_list_url(t, world) for t in LISTS), *FILES]:
        response = staff.get(target)
        assert response.status_code == 200, f"GET {target} by B answered {response.status_code}"
        shown = [t for t in traces if t.casefold() in _without_the_search(response.text).casefold()]
        assert shown == [], f"GET {target} by B shows {shown}"
    assert len(walked) > 20
    assert "Vera" in staff.get("/coordinator/volunteers").text, "B sees the organisation's other people"


@pytest.mark.parametrize("target", list(LISTS))
def test_the_coordinator_named_finds_them_in_each_list_but_never_their_place(
    app: Flask, world: World, target: str
) -> None:
    staff = signed_in(app, world.named)
    text = staff.get(_list_url(target, world)).text
    for state in LISTS[target]:
        assert world.protected[state].name.split()[0] in text, f"A does not find {state} on {target}"
    assert HIDDEN_PLACE not in text


def test_each_view_of_a_protected_person_is_logged(app: Flask, session: Session, world: World) -> None:
    staff = signed_in(app, world.named)
    newcomer, volunteer, waiting = (world.protected[s] for s in ("introduced", "proposed", "waiting"))
    views = [
        (f"/coordinator/newcomers/{newcomer.id}", newcomer, "coordinator.person"),
        (f"/coordinator/newcomers/{newcomer.id}/edit", newcomer, "coordinator.edit_person"),
        (f"/coordinator/volunteers/{volunteer.id}", volunteer, "coordinator.person"),
        (f"/coordinator/matches/{world.hidden_pairs[0].id}", newcomer, "coordinator.match"),
        (f"/coordinator/matches/{world.hidden_pairs[1].id}", volunteer, "coordinator.match"),
        (f"/coordinator/newcomers/{waiting.id}/candidates", waiting, "coordinator.candidates"),
        (f"/coordinator/newcomers/{world.ordinary['asking'].id}/candidates", volunteer, "coordinator.candidates"),
    ]
    for target, person, endpoint in views:
        before = _reads(session, person)
        assert staff.get(target).status_code == 200
        assert _reads(session, person) == [*before, (world.named.id, endpoint)], f"GET {target} was not logged"


def _reads(session: Session, person: Volunteer | Newcomer) -> list[tuple[int | None, str]]:
    kind = "newcomer" if isinstance(person, Newcomer) else "volunteer"
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "read", AuditEvent.subject_type == kind,
                                                      AuditEvent.subject_id == person.id).order_by(AuditEvent.id))
    return [(e.actor_id, e.detail.get("page", "")) for e in events]


# --- what leaves the database: messages, the person's own page and download ------------------------------------------


def test_the_kompis_introduction_names_no_place_nor_how_far_apart(session: Session, world: World) -> None:
    messages = {m.volunteer_id is not None: m for m in session.scalars(
        select(Message).where(Message.match_id == world.hidden_pairs[0].id))}
    to_kompis = messages[True]
    assert "Zarifa" in to_kompis.body, "the kompis learns the first name, as always"
    assert HIDDEN_PLACE not in to_kompis.body and not APART.search(to_kompis.body)
    assert "Hemlund" not in to_kompis.body


def test_an_introduction_without_a_protected_person_keeps_its_distance(app: Flask, session: Session) -> None:
    """The control: the distance is dropped only for protected people."""
    organisation = make_organisation(session)
    coordinator = make_coordinator(session, organisation)
    match = make_pair(session, make_newcomer(session), make_volunteer(session))
    match.reasons = [*match.reasons, DISTANCE]
    session.commit()
    assert all(APART.search(m.body) for m in _introduce(app, session, match, coordinator))


def _own_page(app: Flask, person: Volunteer | Newcomer) -> FlaskClient:
    client = app.test_client()
    with app.test_request_context():
        link = f"/me/{'newcomer' if isinstance(person, Newcomer) else 'volunteer'}/{link_token(person)}"
    assert client.post(link, data={"csrf_token": csrf_token(client.get(link).text)}).status_code == 302
    shown = client.get("/me/data")
    if shown.status_code != 200:  # a newer privacy notice to read first
        notice = client.get("/me/notice")
        client.post("/me/notice", data={"csrf_token": csrf_token(notice.text)})
    return client


def test_their_own_page_and_download_give_the_municipality_not_the_place(app: Flask, world: World) -> None:
    person = world.protected["introduced"]
    client = _own_page(app, person)
    shown = client.get("/me/data?lang=en").text
    assert "Nyköping" in page(shown).find("dt", string="Place").find_next("dd").get_text()
    assert HIDDEN_PLACE not in shown
    exported = client.get("/me/data.json").get_json()
    row = exported["tables"]["newcomers"][0]
    assert row["municipality"] == "Nyköping" and "place_id" not in row
    assert HIDDEN_PLACE not in json.dumps(exported, ensure_ascii=False)


def test_an_ordinary_persons_own_page_still_says_their_place(app: Flask, session: Session, world: World) -> None:
    person = world.ordinary["kompis"]
    person.place_id = session.scalar(select(Place.id).where(Place.name == HIDDEN_PLACE))
    session.commit()
    client = _own_page(app, person)
    assert HIDDEN_PLACE in client.get("/me/data?lang=en").text
    assert "place_id" in client.get("/me/data.json").get_json()["tables"]["volunteers"][0]


# --- flagging ---------------------------------------------------------------------------------------------------------


def _protection_url(person: Volunteer | Newcomer) -> str:
    kind = "newcomers" if isinstance(person, Newcomer) else "volunteers"
    return f"/coordinator/{kind}/{person.id}/protection"


def _post_protection(client: FlaskClient, person: Volunteer | Newcomer, **data: Any):
    kind = "newcomers" if isinstance(person, Newcomer) else "volunteers"
    token = csrf_token(client.get(f"/coordinator/{kind}/{person.id}").text)
    return client.post(_protection_url(person), data=MultiDict({"csrf_token": token, **data}))


def _audited(session: Session, person: Volunteer | Newcomer) -> list[tuple[str, dict[str, Any]]]:
    events = session.scalars(select(AuditEvent).where(AuditEvent.action.in_(("protected", "unprotected")),
                                                      AuditEvent.subject_id == person.id).order_by(AuditEvent.id))
    return [(e.action, e.detail) for e in events]


@pytest.mark.parametrize("tied_by", ["email", "phone"])
def test_registering_a_protected_newcomer_again_names_nobody(
    app: Flask, session: Session, world: World, tied_by: str
) -> None:
    hidden = world.protected["waiting"]
    b = signed_in(app, world.unnamed)
    form = page(b.get("/coordinator/newcomers/new").text)
    place = form.find("option", string="Nyköping")["value"]  # type: ignore[index]
    answers = {"name": hidden.name, "email": hidden.email if tied_by == "email" else "", "phone": hidden.phone,
               "share": "phone", "contact_language": "ti", "birth_year": "1990", "place": place,
               "max_distance_km": "10", "swedish_level": "none", "languages-ti": "4", "goals": ["work_study"],
               "availability": ["wed-morning"], "consent": "y", "csrf_token": csrf_token(str(form))}
    answer = b.post("/coordinator/newcomers/new", data=answers)
    assert answer.status_code == 400, "neither registered again nor sent to a page that answers 404"
    shown = page(answer.text)
    summary = shown.find(class_="error-summary")
    assert summary is not None and summary.find("a")["href"] == f"#{tied_by}"  # type: ignore[index]
    assert "registrerad" not in summary.get_text(), "nothing says the newcomer is in Kompis"
    assert shown.find(id="name")["value"] == hidden.name, "what was typed is kept"  # type: ignore[index]
    assert session.scalar(select(func.count()).select_from(Newcomer).where(Newcomer.name == hidden.name)) == 1
    refused = session.scalars(select(AuditEvent).where(AuditEvent.action == "registration_refused"))
    assert [(e.actor_id, e.subject_type, e.subject_id) for e in refused] == [(world.unnamed.id, "newcomer", hidden.id)]
    a = signed_in(app, world.named)  # the coordinator named is told, as for anyone, that she is registered
    again = a.post("/coordinator/newcomers/new", data={**answers, "csrf_token": csrf_token(a.get(
        "/coordinator/newcomers/new").text)})
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/coordinator/newcomers/{hidden.id}")


def test_a_coordinator_flags_a_person_and_names_who_may_see_them(app: Flask, session: Session, world: World) -> None:
    person = world.ordinary["free"]
    b = signed_in(app, world.unnamed)
    answer = _post_protection(b, person, protected="y", viewers=[str(world.unnamed.id), str(world.named.id)])
    assert answer.status_code == 303 and answer.headers["Location"].endswith(f"/coordinator/volunteers/{person.id}")
    assert _audited(session, person) == [("protected", {"viewers": 2})]
    # B takes herself off the list again: now only A sees the volunteer, and B gets 404 like anyone.
    a = signed_in(app, world.named)
    assert _post_protection(a, person, protected="y", viewers=[str(world.named.id)]).status_code == 303
    assert b.get(f"/coordinator/volunteers/{person.id}").status_code == 404
    assert "Olle" not in b.get("/coordinator/volunteers").text
    assert "Olle" in a.get("/coordinator/volunteers").text
    assert _post_protection(a, person).status_code == 303  # the box unticked: protection is lifted
    assert b.get(f"/coordinator/volunteers/{person.id}").status_code == 200
    assert _audited(session, person)[1:] == [("protected", {"viewers": 1}), ("unprotected", {"viewers": 0})]


def test_leaving_oneself_out_is_refused_with_a_message(app: Flask, session: Session, world: World) -> None:
    person = world.ordinary["free"]
    a = signed_in(app, world.named)
    answer = _post_protection(a, person, protected="y", viewers=[str(world.unnamed.id)])
    assert answer.status_code == 400
    summary = page(answer.text).find(class_="error-summary")
    assert summary is not None and "ditt eget namn" in summary.get_text(), "Swedish, the default"
    assert session.get(Volunteer, person.id).protected is False  # type: ignore[union-attr]
    assert _audited(session, person) == []


def test_a_coordinator_of_another_organisation_cannot_be_named(app: Flask, session: Session, world: World) -> None:
    other = make_coordinator(session, make_organisation(session, "Kalmar kommun", municipalities=("Kalmar",)),
                             email="kalmar@example.org")
    person = world.ordinary["free"]
    a = signed_in(app, world.named)
    answer = _post_protection(a, person, protected="y", viewers=[str(world.named.id), str(other.id)])
    assert answer.status_code == 400
    assert session.get(Volunteer, person.id).viewers == []  # type: ignore[union-attr]
    assert "kalmar@example.org" not in answer.text, "only the organisation's own coordinators are offered"


def test_the_person_page_offers_the_organisations_coordinators(app: Flask, world: World) -> None:
    a = signed_in(app, world.named)
    form = page(a.get(f"/coordinator/volunteers/{world.ordinary['free'].id}").text).find(
        "form", action=_protection_url(world.ordinary["free"]))
    assert form is not None
    offered = {box["value"]: box.has_attr("checked") for box in form.find_all("input", attrs={"name": "viewers"})}
    assert offered == {str(world.named.id): True, str(world.unnamed.id): False}, "whoever opens it is ticked"
    assert form.find("label", attrs={"for": "protected"}) is not None


# --- the staff CSV files ----------------------------------------------------------------------------------------------


def _csv(client: FlaskClient, target: str) -> list[dict[str, str]]:
    answer = client.get(target)
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert answer.data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(answer.get_data(as_text=True).removeprefix("\ufeff"))))


def test_a_list_as_csv_leaves_out_protected_people_even_for_the_coordinator_named(
    app: Flask, session: Session, world: World
) -> None:
    a = signed_in(app, world.named)
    names = {row["name"] for row in _csv(a, "/coordinator/newcomers.csv")}
    assert {"Nadia Öppen", "Nils Fri"} <= names
    assert not names & {"Zarifa Hemlund", "Xenia Dolda"}
    assert "Yrsa Skyddberg" not in {row["name"] for row in _csv(a, "/coordinator/volunteers.csv")}


def test_a_csv_honours_the_lists_filters_and_is_logged_without_the_terms(
    app: Flask, session: Session, world: World
) -> None:
    a = signed_in(app, world.named)
    rows = _csv(a, "/coordinator/volunteers.csv?q=Vanlig")
    assert [r["name"] for r in rows] == ["Vera Vanlig"]
    assert rows[0]["place"] == "Nyköping" and rows[0]["municipality"] == "Nyköping"
    assert {r["status"] for r in _csv(a, "/coordinator/newcomers.csv?status=matched")} == {"matched"}
    events = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "exported").order_by(AuditEvent.id)))
    assert [(e.actor_id, e.detail) for e in events] == [
        (world.named.id, {"kind": "volunteers", "rows": 1, "searched": True, "filtered": False}),
        (world.named.id, {"kind": "newcomers", "rows": 1, "searched": False, "filtered": True}),
    ]
    assert "Vanlig" not in json.dumps([e.detail for e in events])


def test_the_list_page_links_its_csv_with_the_same_filters(app: Flask, world: World) -> None:
    a = signed_in(app, world.named)
    link = page(a.get("/coordinator/newcomers?status=active&q=Nadia").text).find(
        "a", href=lambda h: bool(h) and ".csv" in h)
    assert link is not None and link["href"].startswith("/coordinator/newcomers.csv?")
    assert "status=active" in link["href"] and "q=Nadia" in link["href"]


def test_a_cell_a_spreadsheet_would_run_is_written_as_text(app: Flask, session: Session, world: World) -> None:
    make_volunteer(session, name="=HYPERLINK(\"http://evil.example\")", email="evil@example.org",
                   phone="+46701112233")
    make_volunteer(session, name="@SUM(A1)", email="at@example.org")
    a = signed_in(app, world.named)
    rows = {r["email"]: r for r in _csv(a, "/coordinator/volunteers.csv")}
    assert rows["evil@example.org"]["name"] == "'=HYPERLINK(\"http://evil.example\")"
    assert rows["evil@example.org"]["phone"] == "'+46701112233"
    assert rows["at@example.org"]["name"] == "'@SUM(A1)"
    assert rows["vera.vanlig@example.org"]["name"] == "Vera Vanlig"
