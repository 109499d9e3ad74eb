"""Proofs over the whole URL map: each holds for every route, those added later included.

Each proof walks ``app.url_map``, fills every rule's converters from an organisation's
own people, pairs, run and signed links, and fails on an argument it cannot fill: a new
route is proved like the others, or whoever adds it extends ``_choices`` below.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict
from werkzeug.routing import AnyConverter, IntegerConverter, Rule
from werkzeug.test import TestResponse

from models import (
    EDITABLE_PURPOSES,
    MATCH_COMPONENTS,
    Base,
    Coordinator,
    FollowUp,
    Match,
    MatchRun,
    MatchStatus,
    MessagePurpose,
    Newcomer,
    Organisation,
    PersonStatus,
    Volunteer,
    now_utc,
)
from tests.conftest import csrf_token
from tests.factories import (
    PASSWORD,
    make_coordinator,
    make_newcomer,
    make_organisation,
    make_pair,
    make_volunteer,
    seat_of,
)
from tests.web.test_coordinator import login
from web import create_app, jobs
from web.coordinator.edit import answers_of
from web.extensions import limiter
from web.i18n import available_languages
from web.links import make_link_token
from web.matching.runs import create_run, execute_run
from web.newcomer.steps import STEPS
from web.pairs import followups, housekeeping
from web.pairs.introductions import Method, draft, introduce, people
from web.pairs.reach import channels
from web.pairs.wording import wording_for
from web.volunteer.routes import CONFIRM

KINDS = ("volunteers", "newcomers")
STATES = ("free", "paired", "introduced", "paused", "pending")
STAFF = "/coordinator/"
# The two staff rules open to anyone: logging in, and logging out (which ends a session if there is one).
OPEN_STAFF_ENDPOINTS = {"coordinator.login", "coordinator.logout"}
# The pair each state change is tried on, so that the change would go through if the request were let in.
PAIR_FOR = {"coordinator.approve": "proposed", "coordinator.reject": "proposed",
            "coordinator.activate_pair": "introduced", "coordinator.end_pair": "introduced"}
# Query strings that route one rule to different code: the newcomer's request is posted a step at a time.
VARIANTS = {"newcomer.request_contact": ["", *(f"?step={step.slug}" for step in STEPS)]}
WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|UPSERT|MERGE)\b", re.IGNORECASE)
AUDIT_INSERT = re.compile(r'\s*INSERT\s+INTO\s+"?audit_events"?\s', re.IGNORECASE)


# --- what the routes are walked over --------------------------------------------------------------------------------


@dataclass
class World:
    """One organisation: its coordinator, people in every state, pairs, a finished run and signed links."""

    organisation: Organisation
    coordinator: Coordinator
    marker: str  # in every name and address of its people, to spot them on another organisation's pages
    place_id: int
    people: dict[str, dict[str, Volunteer | Newcomer]]  # kind -> state -> person
    pairs: dict[str, Match]  # "proposed", "approved", "introduced"
    run: MatchRun
    follow_up: FollowUp
    tokens: dict[str, str]  # endpoint -> a valid token of its link


def _person(session: Session, kind: str, state: str, municipality: str, marker: str) -> Volunteer | Newcomer:
    status = {"paused": PersonStatus.PAUSED, "pending": PersonStatus.PENDING}.get(state, PersonStatus.ACTIVE)
    name, email = f"{state.title()} {marker}", f"{state}.{kind}.{marker.lower()}@example.org"
    if kind == "volunteers":
        return make_volunteer(session, name=name, email=email, place=municipality, status=status,
                              languages=(("sv", 4), ("ar", 3)), capacity=2)
    return make_newcomer(session, name=name, email=email, place=municipality, status=status,
                         share=("phone", "email"))


def _introduce(app: Flask, session: Session, match: Match, coordinator: Coordinator) -> None:
    """Introduce a pair by message, as the coordinator's page does; this schedules its follow-ups."""
    with app.test_request_context():
        drafts = [draft(session, match, side, channels(person)[0], coordinator, Method.MESSAGE, None)
                  for side, (person, _kompis) in people(match).items()]
        introduce(session, match, coordinator, Method.MESSAGE, None, drafts)


def build_world(app: Flask, session: Session, *, name: str, municipality: str, marker: str) -> World:
    """Create an organisation with someone in every state, pairs in three states, a run and links."""
    organisation = make_organisation(session, name, municipalities=(municipality,))
    coordinator = make_coordinator(session, organisation, email=f"staff.{marker.lower()}@example.org")
    everyone = {kind: {state: _person(session, kind, state, municipality, marker) for state in STATES}
                for kind in KINDS}
    volunteers, newcomers = everyone["volunteers"], everyone["newcomers"]
    approved = make_pair(session, newcomers["paired"], volunteers["paired"])  # type: ignore[arg-type]
    introduced = make_pair(session, newcomers["introduced"], volunteers["introduced"])  # type: ignore[arg-type]
    _introduce(app, session, introduced, coordinator)
    run = create_run(session, organisation, started_by=coordinator)
    execute_run(session, run.id)
    proposed = session.scalar(select(Match).where(Match.organisation_id == organisation.id,
                                                  Match.status == MatchStatus.PROPOSED))
    if proposed is None:
        proposed = make_pair(session, newcomers["free"], volunteers["free"],  # type: ignore[arg-type]
                             status=MatchStatus.PROPOSED)
    follow_up = session.scalars(select(FollowUp).where(FollowUp.match_id == introduced.id)
                                .order_by(FollowUp.id)).first()
    assert follow_up is not None
    follow_up.sent_at = now_utc()  # a link is only good once its follow-up went out
    session.commit()
    with app.test_request_context():
        tokens = {"volunteer.confirm": make_link_token(CONFIRM, volunteers["pending"]),
                  "followup.answer": followups.token_for(follow_up),
                  "volunteer.still_available": make_link_token(housekeeping.STILL_AVAILABLE, volunteers["free"])}
    return World(organisation, coordinator, marker, seat_of(session, municipality).id, everyone,
                 {"proposed": proposed, "approved": approved, "introduced": introduced}, run, follow_up, tokens)


@pytest.fixture
def world(app: Flask, session: Session) -> World:
    """Return organisation A, whose ids every proof fills the routes with."""
    return build_world(app, session, name="Stockholms stad", municipality="Stockholm", marker="Alfaström")


@pytest.fixture
def other(app: Flask, session: Session, world: World) -> World:
    """Return organisation B, whose coordinator tries A's ids: 5 km away, so a pool that forgot whose
    people it holds would pair A's with B's, and show them on B's pages."""
    return build_world(app, session, name="Solna stad", municipality="Solna", marker="Betaberg")


# --- filling a rule -------------------------------------------------------------------------------------------------


def _kind_of(rule: Rule, values: dict[str, Any]) -> str:
    if "kind" in values:
        return str(values["kind"])
    for kind in KINDS:
        if f"/{kind}/" in rule.rule:
            return kind
    pytest.fail(f"{rule.rule}: cannot tell whose id person_id is; teach _kind_of in {Path(__file__).name}")


def _state_for(rule: Rule, values: dict[str, Any]) -> str:
    """Return the state of the person a rule is tried on: one the request would change."""
    if values.get("action") == "reactivate":
        return "paused"
    if rule.endpoint in ("coordinator.activate", "coordinator.resend_confirmation"):
        return "pending"
    if rule.endpoint in ("coordinator.candidates", "coordinator.propose"):
        return "free"
    return "paired"


def _choices(name: str, rule: Rule, values: dict[str, Any], world: World, every: bool) -> list[Any]:
    """Return the values one argument takes (all of them with `every`), or fail for an unknown argument."""
    if name == "person_id":
        group = world.people[_kind_of(rule, values)]
        return [p.id for p in group.values()] if every else [group[_state_for(rule, values)].id]
    if name == "volunteer_id":
        return [world.people["volunteers"]["free"].id]
    if name == "match_id":
        pairs = world.pairs
        return [m.id for m in pairs.values()] if every else [pairs[PAIR_FOR.get(rule.endpoint, "approved")].id]
    if name == "run_id":
        return [world.run.id]
    if name == "token" and rule.endpoint in world.tokens:
        return [world.tokens[rule.endpoint]]
    if name == "purpose_name":
        return [p.value for p in EDITABLE_PURPOSES][: None if every else 1]
    if name == "language_code":
        return list(available_languages()) if every else ["sv"]
    converter = rule._converters[name]  # werkzeug keeps each argument's converter only here
    pytest.fail(f"{rule.rule} ({rule.endpoint}) has an argument {name!r} ({type(converter).__name__}) that "
                f"{Path(__file__).name} cannot fill: add it to _choices, filled from the World's objects")


def fill(rule: Rule, world: World, *, every: bool = False) -> list[dict[str, Any]]:
    """Return the argument values to try a rule with: each option of an any(...), and ids of `world`."""
    options = {n: sorted(c.items) for n, c in rule._converters.items() if isinstance(c, AnyConverter)}
    filled = []
    for combo in itertools.product(*options.values()):
        values = dict(zip(options, combo, strict=True))
        rest = {n: _choices(n, rule, values, world, every) for n in rule._converters if n not in values}
        filled += [{**values, **dict(zip(rest, picked, strict=True))} for picked in itertools.product(*rest.values())]
    return filled


def url(rule: Rule, values: dict[str, Any]) -> str:
    """Return the path of a rule with its arguments filled in."""
    built = rule.build(values, append_unknown=False)
    assert built is not None, (rule.rule, values)
    return built[1]


def rules(app: Flask, method: str) -> list[Rule]:
    """Return every rule answering `method`, but the static files."""
    found = [r for r in app.url_map.iter_rules() if r.endpoint != "static" and method in (r.methods or ())]
    assert found, f"no rule answers {method}"
    return sorted(found, key=lambda r: (r.endpoint == "coordinator.logout", r.rule))


def is_staff(rule: Rule) -> bool:
    return rule.rule.startswith(STAFF)


def id_arguments(rule: Rule) -> list[str]:
    """Return the arguments of a rule that name a row (a person, pair, run, follow-up)."""
    return [n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)]


# --- what is posted ---------------------------------------------------------------------------------------------


def _volunteer_answers(world: World) -> dict[str, Any]:
    return {"name": "Karin Johansson", "email": "karin.johansson@example.org", "phone": "070-123 45 67",
            "share": ["email"], "birth_year": "1968", "gender": "female", "place": str(world.place_id),
            "max_distance_km": "10", "languages-sv": "4", "languages-en": "3", "interests": ["cooking"],
            "help_offered": ["swedish"], "availability": ["mon-evening"], "capacity": "1",
            "gender_preference": "", "what_matters": ["language"], "notes": "", "consent": "y"}


def _newcomer_answers(world: World) -> dict[str, Any]:
    return {"name": "Amal Hassan", "phone": "0701740605", "email": "", "share": ["phone"],
            "contact_language": "ar", "birth_year": "1991", "gender": "female", "arrival_year": "2023",
            "place": str(world.place_id), "max_distance_km": "5", "swedish_level": "sfi_b", "languages-ar": "4",
            "goals": ["swedish"], "interests": ["cooking"], "availability": ["tue-afternoon"],
            "gender_preference": "female", "consent": "y"}


def form_data(rule: Rule, values: dict[str, Any], world: World, session: Session) -> Any:
    """Return what a person would post to a rule: valid answers, so only a missing token can refuse them."""
    endpoint = rule.endpoint
    if endpoint == "coordinator.edit_person":
        posted = answers_of(world.people[values["kind"]][_state_for(rule, values)])
        posted["notes"] = "Corrected on the phone"
        # The factories give nobody goals, which the form asks for: add the answer a person would have given.
        posted.setlist("help_offered" if values["kind"] == "volunteers" else "goals", ["swedish"])
        return posted
    if endpoint == "coordinator.save_wording":
        current = wording_for(session, world.organisation.id, MessagePurpose(values["purpose_name"]),
                              values["language_code"])
        return {"subject": current.subject + "!", "body": current.body, "action": "save"}
    fixed: dict[str, Any] = {
        "coordinator.login": {"email": world.coordinator.email, "password": PASSWORD},
        "coordinator.add_person_note": {"text": "Called, no answer"},
        "coordinator.add_pair_note": {"text": "Called, no answer"},
        "coordinator.end_pair": {"reason": "never_met", "note": "They never found a time"},
        "coordinator.reject": {"reason": "distance", "note": ""},
        "coordinator.introduce_pair": {"method": "message", "channel_newcomer": "email",
                                       "channel_volunteer": "email"},
        "coordinator.decide_proposals": {"pairs": [str(world.pairs["proposed"].id)], "decision": "approve"},
        "coordinator.start_run": {"mode": "stable", "max_distance_km": ""},
        "coordinator.save_weights": {**{c: "3" for c in MATCH_COMPONENTS}, "action": "save"},
        "coordinator.register_newcomer": _newcomer_answers(world),
        "newcomer.request_contact": _newcomer_answers(world),
        "volunteer.signup": _volunteer_answers(world),
        "volunteer.still_available": {"answer": "no"},
        "followup.answer": {"met": "yes", "often": "weekly", "going": "4", "go_on": "yes", "note": ""},
    }
    return fixed.get(endpoint, {})  # a button: nothing but the token


# --- watching the database and the headers --------------------------------------------------------------------------


def row_counts(engine: Engine) -> dict[str, int]:
    """Return how many rows each table holds."""
    with engine.connect() as conn:
        return {t.name: conn.scalar(select(func.count()).select_from(t)) or 0 for t in Base.metadata.sorted_tables}


def sent(outbox: Path) -> int:
    """Return how many e-mails and SMS the outbox holds."""
    return sum(1 for path in outbox.rglob("*") if path.is_file())


@contextmanager
def writes(engine: Engine) -> Iterator[list[str]]:
    """Record each statement that writes while the block runs (SQLite's PRAGMAs and every SELECT do not)."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if WRITE.match(statement):
            seen.append(" ".join(statement.split())[:120])

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def assert_safe_headers(response: TestResponse, what: str) -> None:
    """Check the headers every answer carries, whatever its status."""
    where = f"{what} answered {response.status_code}"
    policy = response.headers.get("Content-Security-Policy", "")
    assert policy, f"{where} without a Content-Security-Policy"
    directives = {words[0]: words[1:] for words in (d.split() for d in policy.split(";")) if words}
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, f"{where}: {policy}"
    assert directives.get("frame-ancestors") == ["'none'"], f"{where}: {policy}"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy"), f"{where} without a Referrer-Policy"


def logged_in(app: Flask, world: World) -> FlaskClient:
    """Return a client of `world`'s coordinator, logged in."""
    client = app.test_client()
    assert login(client, world.coordinator.email).status_code == 302
    return client


def path_of(response: TestResponse) -> str:
    return urlsplit(response.headers.get("Location", "")).path


# --- 1. CSRF --------------------------------------------------------------------------------------------------------


def test_every_post_without_a_csrf_token_is_refused_and_stores_nothing(
    app: Flask, client: FlaskClient, session: Session, engine: Engine, outbox: Path, world: World
) -> None:
    """As the coordinator on staff rules, anonymously on the others; audit_events is compared like every table."""
    staff = logged_in(app, world)
    posted = 0
    for rule in rules(app, "POST"):
        for values in fill(rule, world):
            data = form_data(rule, values, world, session)
            for target in (url(rule, values) + query for query in VARIANTS.get(rule.endpoint, [""])):
                before, mail = row_counts(engine), sent(outbox)
                with writes(engine) as written:
                    response = (staff if is_staff(rule) else client).post(target, data=data)
                status = response.status_code
                assert status == 400, f"POST {target} without a token answered {status}"
                assert written == [], f"POST {target} without a token wrote {written}"
                assert row_counts(engine) == before, f"POST {target} without a token changed a table"
                assert sent(outbox) == mail, f"POST {target} without a token sent a message"
                assert_safe_headers(response, f"POST {target}")
                posted += 1
    assert posted >= len(rules(app, "POST"))


def test_the_refused_posts_go_through_with_a_token(
    app: Flask, client: FlaskClient, session: Session, world: World
) -> None:
    """The control of the proof above: the same data with the token is not refused, so the token was the reason."""
    staff = logged_in(app, world)
    for rule in rules(app, "POST"):
        for values in fill(rule, world):
            target, data = url(rule, values), form_data(rule, values, world, session)
            visitor = staff if is_staff(rule) else client
            token = csrf_token(visitor.get("/coordinator/runs" if is_staff(rule) else "/volunteer/signup").text)
            data = MultiDict(data)
            data["csrf_token"] = token
            response = visitor.post(target, data=data)
            jobs.wait_for_runs(app)
            # 409: an earlier post of the walk took the pair or the seat (a withdrawal ends pairs).
            assert response.status_code in (200, 302, 303, 409), f"POST {target} answered {response.status_code}"
            assert_safe_headers(response, f"POST {target}")


# --- 2. a GET never writes ------------------------------------------------------------------------------------------


def test_no_get_writes_anything_but_the_audit_log(
    app: Flask, client: FlaskClient, engine: Engine, outbox: Path, world: World
) -> None:
    """Nor sends anything: a link opened by a mail scanner or a prefetching browser changes nothing."""
    staff = logged_in(app, world)  # logging in writes the time of the login: before the recording starts
    mail = sent(outbox)
    crawled = 0
    for visitor, who in ((client, "anonymous"), (staff, "coordinator")):
        for rule in rules(app, "GET"):
            for values in fill(rule, world, every=True):
                target = url(rule, values)
                with writes(engine) as written:
                    response = visitor.get(target)
                assert response.status_code < 400, f"GET {target} as {who} answered {response.status_code}"
                if who == "coordinator" or not is_staff(rule):
                    assert response.status_code == 200, f"GET {target} as {who} answered {response.status_code}"
                other_writes = [w for w in written if not AUDIT_INSERT.match(w)]
                assert other_writes == [], f"GET {target} as {who} wrote {other_writes}"
                assert_safe_headers(response, f"GET {target} as {who}")
                crawled += 1
    assert sent(outbox) == mail, "a GET sent a message"
    assert crawled > 2 * len(rules(app, "GET"))


# --- 3. the security headers on every status ------------------------------------------------------------------------


def boom() -> str:
    """Fail as an unexpected bug would."""
    raise RuntimeError("a bug")


def test_every_status_carries_the_security_headers(
    app: Flask, client: FlaskClient, session: Session, world: World
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/test-only/boom", "boom", boom)  # before the first request, as Flask requires
    too_big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    staff = logged_in(app, world)
    token = csrf_token(staff.get("/coordinator/runs").text)
    make_coordinator(session, None, email="admin@example.org", admin=True)
    unplaced = app.test_client()
    assert login(unplaced, "admin@example.org").status_code == 302
    approved, introduced = world.pairs["approved"].id, world.pairs["introduced"].id
    expected = {
        ("a static file", 200): lambda: client.get("/static/kompis.css"),
        ("GET /coordinator/ anonymously", 302): lambda: client.get("/coordinator/"),
        ("POST a note", 303): lambda: staff.post(f"/coordinator/matches/{introduced}/notes",
                                                 data={"text": "Met at the library", "csrf_token": token}),
        ("POST without a token", 400): lambda: staff.post("/coordinator/logout"),
        ("GET /coordinator/ without an organisation", 403): lambda: unplaced.get("/coordinator/"),
        ("GET a page that is not there", 404): lambda: client.get("/no-such-page"),
        ("GET a pair that is not there", 404): lambda: staff.get("/coordinator/matches/999999"),
        ("a path without its trailing slash", 308): lambda: client.get("/coordinator"),
        ("OPTIONS", 200): lambda: client.options("/volunteer/signup"),
        ("GET a POST-only rule", 405): lambda: staff.get("/coordinator/logout"),
        ("activate a pair not yet introduced", 409): lambda: staff.post(
            f"/coordinator/matches/{approved}/activate", data={"csrf_token": token}),
        ("a follow-up link that is not one", 410): lambda: client.get("/followup/not-a-token"),
        ("a too large sign-up", 413): lambda: client.post("/volunteer/signup", data={"notes": too_big}),
        ("a too large staff post", 413): lambda: staff.post("/coordinator/logout",
                                                            data={"csrf_token": token, "x": too_big}),
        ("a bug", 500): lambda: client.get("/test-only/boom"),
    }
    for (what, status), request in expected.items():
        response = request()
        response.close()  # a static file is streamed from an open file
        assert response.status_code == status, f"{what}: {response.status_code}, not {status}"
        assert_safe_headers(response, what)


@pytest.fixture
def production_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """Return the app as it runs in production: not in testing, so the handler of unexpected errors is on."""
    app = create_app({"TESTING": False, "DATABASE_URL": database_url, "SECRET_KEY": "production-secret",
                      "PUBLIC_URL": "https://kompis.test", "MAIL_OUTBOX": str(tmp_path / "outbox"),
                      "RATELIMIT_ENABLED": False, "SERVER_NAME": "kompis.test"})
    yield app
    app.extensions["kompis.engine"].dispose()


def test_a_server_error_in_production_carries_the_security_headers(production_app: Flask) -> None:
    production_app.add_url_rule("/test-only/boom", "boom", boom)
    response = production_app.test_client().get("/test-only/boom", base_url="https://kompis.test")
    assert response.status_code == 500
    assert "a bug" not in response.text
    assert_safe_headers(response, "a bug in production")


def test_a_rate_limited_answer_carries_the_security_headers(database_url: str, tmp_path: Path) -> None:
    limited = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret-key",
                          "MAIL_OUTBOX": str(tmp_path / "outbox"), "SERVER_NAME": "kompis.test",
                          "RATELIMIT_ENABLED": True, "RATELIMIT_LOGIN_PER_IP": "1 per 10 minutes"})
    try:
        client = limited.test_client()
        wrong = {"email": "nobody@example.org", "password": "not the password"}
        answers = [client.post("/coordinator/login", data=wrong) for _ in range(2)]
        assert [a.status_code for a in answers] == [400, 429]
        assert_safe_headers(answers[1], "a rate-limited login")
    finally:
        limiter.reset()
        limiter.enabled = False  # the limiter is one object for every app: leave it as the other tests expect
        limited.extensions["kompis.engine"].dispose()


# --- 4. another organisation's ids ----------------------------------------------------------------------------------


def test_another_organisations_ids_answer_404_and_change_nothing(
    app: Flask, session: Session, engine: Engine, world: World, other: World
) -> None:
    theirs = logged_in(app, other)
    token = csrf_token(theirs.get("/coordinator/runs").text)
    tried = 0
    for method in ("GET", "POST"):
        for rule in (r for r in rules(app, method) if is_staff(r) and id_arguments(r)):
            ids = id_arguments(rule)
            for own, foreign in zip(fill(rule, other), fill(rule, world), strict=True):
                for mixed in itertools.product((False, True), repeat=len(ids)):
                    if not any(mixed):
                        continue  # every id their own: that one is theirs to use
                    values = {**own, **{n: foreign[n] for n, use in zip(ids, mixed, strict=True) if use}}
                    target = url(rule, values)
                    data = MultiDict(form_data(rule, foreign, world, session))
                    data["csrf_token"] = token
                    before = row_counts(engine)
                    with writes(engine) as written:
                        response = theirs.get(target) if method == "GET" else theirs.post(target, data=data)
                    assert response.status_code == 404, f"{method} {target} by B answered {response.status_code}"
                    assert written == [], f"{method} {target} by B wrote {written}"
                    assert row_counts(engine) == before, f"{method} {target} by B changed a table"
                    assert_safe_headers(response, f"{method} {target} by B")
                    tried += 1
    assert tried > 0


def test_another_organisations_people_never_show_on_staff_pages(app: Flask, world: World, other: World) -> None:
    theirs = logged_in(app, other)
    for rule in (r for r in rules(app, "GET") if is_staff(r)):
        for values in fill(rule, other, every=True):
            target = url(rule, values)
            response = theirs.get(target)
            assert response.status_code == 200, f"GET {target} by B answered {response.status_code}"
            assert world.marker.lower() not in response.text.lower(), f"GET {target} by B shows A's people"


def test_another_organisations_ids_in_a_form_change_nothing(
    app: Flask, session: Session, engine: Engine, world: World, other: World
) -> None:
    """Ids that come in the form, not the path: A's pair in a bulk decision, A's place in B's forms."""
    theirs = logged_in(app, other)
    token = csrf_token(theirs.get("/coordinator/runs").text)
    own = other.people["volunteers"]["paired"]
    moved = answers_of(own)
    moved.setlist("help_offered", ["swedish"])
    moved["place"] = str(world.place_id)
    attempts = [
        ("/coordinator/proposals", {"pairs": [str(world.pairs["proposed"].id)], "decision": "approve"}, 404),
        ("/coordinator/newcomers/new", _newcomer_answers(world), 400),
        (f"/coordinator/volunteers/{own.id}/edit", moved, 400),
    ]
    for target, answers, status in attempts:
        data = MultiDict(answers)
        data["csrf_token"] = token
        before = row_counts(engine)
        with writes(engine) as written:
            response = theirs.post(target, data=data)
        assert response.status_code == status, f"POST {target} by B answered {response.status_code}"
        assert written == [] and row_counts(engine) == before, f"POST {target} by B wrote {written}"


# --- 5. anonymous visitors on staff routes --------------------------------------------------------------------------


def test_staff_routes_send_anonymous_visitors_to_login(
    client: FlaskClient, app: Flask, session: Session, engine: Engine, world: World
) -> None:
    """A GET is sent to the login page. A POST with a token is too; one without is refused (400) by the CSRF
    check, which runs before the login check, except where the form checks its own token (sent to log in)."""
    token = csrf_token(client.get("/coordinator/login").text)  # an anonymous visitor's session has one
    for method in ("GET", "POST"):
        for rule in (r for r in rules(app, method) if is_staff(r) and r.endpoint not in OPEN_STAFF_ENDPOINTS):
            for values in fill(rule, world):
                target, before = url(rule, values), row_counts(engine)
                data = MultiDict(form_data(rule, values, world, session))
                tries = [("GET", client.get(target))] if method == "GET" else [("POST without a token",
                                                                                client.post(target, data=data))]
                if method == "POST":
                    data["csrf_token"] = token
                    tries.append(("POST", client.post(target, data=data)))
                for how, response in tries:
                    status = response.status_code
                    assert status in (302, 400), f"anonymous {how} {target} answered {status}"
                    assert status == 302 or how == "POST without a token", f"anonymous {how} {target}: {status}"
                    if status == 302:
                        assert path_of(response) == "/coordinator/login", f"{how} {target} went to {path_of(response)}"
                    assert_safe_headers(response, f"anonymous {how} {target}")
                assert row_counts(engine) == before, f"anonymous {method} {target} changed a table"


def test_logout_is_open_but_changes_nothing_for_a_visitor(client: FlaskClient, engine: Engine, world: World) -> None:
    token = csrf_token(client.get("/coordinator/login").text)
    before = row_counts(engine)
    with writes(engine) as written:
        response = client.post("/coordinator/logout", data={"csrf_token": token})
    assert response.status_code == 302 and path_of(response) == "/"
    assert written == [] and row_counts(engine) == before


# --- the walk itself ------------------------------------------------------------------------------------------------


def test_a_rule_with_an_argument_nobody_fills_fails_the_proofs(app: Flask, world: World) -> None:
    rule = Rule("/coordinator/badges/<int:badge_id>", endpoint="coordinator.badge")
    rule.bind(app.url_map)
    with pytest.raises(pytest.fail.Exception, match="'badge_id'.*cannot fill"):
        fill(rule, world)
