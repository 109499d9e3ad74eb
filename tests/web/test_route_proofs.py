"""Proofs over the whole URL map: each holds for every route, those added later included.

Each proof walks ``app.url_map``, fills every rule's converters from an organisation's
own people, pairs, run and signed links, and fails on an argument it cannot fill: a new
route is proved like the others, or whoever adds it extends ``_choices`` below.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
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
from tests.signin import fresh_code, give_password, sign_in
from web import create_app, jobs
from web.auth import create_coordinator
from web.coordinator.signin import INVITATION, RESET_LINK
from web.correction import answers_of
from web.extensions import limiter
from web.i18n import available_languages
from web.links import make_link_token
from web.matching.runs import create_run, execute_run
from web.me.access import link_token as me_link_token
from web.newcomer.steps import STEPS
from web.pairs import followups, housekeeping
from web.pairs.introductions import Method, draft, introduce, people
from web.pairs.reach import channels
from web.pairs.wording import wording_for
from web.volunteer.routes import CONFIRM

KINDS = ("volunteers", "newcomers")
STATES = ("free", "paired", "introduced", "paused", "pending", "leaving", "own")
COORDINATOR, ADMIN = "/coordinator/", "/admin/"
# The steps of signing in, which need a session begun with the password and send the browser back without one.
SIGN_IN_STEPS = {"coordinator.login_code", "coordinator.enrol"}
# The staff rules open to anyone: signing in and out, and the links that set a password.
OPEN_STAFF_ENDPOINTS = {"coordinator.login", "coordinator.logout", "coordinator.password_reset",
                        "coordinator.new_password", "coordinator.invitation", *SIGN_IN_STEPS}
# Every signed-in account's own page, admin or coordinator.
OWN_ACCOUNT = "coordinator.account"
# The pair each state change is tried on, so that the change would go through if the request were let in.
PAIR_FOR = {"coordinator.approve": "proposed", "coordinator.reject": "proposed",
            "coordinator.activate_pair": "introduced", "coordinator.end_pair": "introduced"}
# Query strings that route one rule to different code: the newcomer's request is posted a step at a time.
VARIANTS = {"newcomer.request_contact": ["", *(f"?step={step.slug}" for step in STEPS)]}
WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|UPSERT|MERGE)\b", re.IGNORECASE)
AUDIT_INSERT = re.compile(r'\s*INSERT\s+INTO\s+"?audit_events"?\s', re.IGNORECASE)
# The idle limit of a staff session is held on the server: a page now and then moves its clock, and nothing else.
SESSION_CLOCK = re.compile(r'\s*UPDATE\s+"?staff_sessions"?\s+SET\s+last_seen_at=\S+\s+WHERE', re.IGNORECASE)


# --- what the routes are walked over --------------------------------------------------------------------------------


@dataclass
class World:
    """One organisation: its coordinator, people in every state, pairs, a finished run and signed links."""

    organisation: Organisation
    coordinator: Coordinator
    admin: Coordinator  # an admin of no organisation
    spare: Coordinator  # a second coordinator, whom admin actions and the reset link are tried on
    invited: Coordinator  # an account whose invitation has not been accepted
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
    admin = make_coordinator(session, None, email=f"admin.{marker.lower()}@example.org", admin=True)
    spare = make_coordinator(session, organisation, email=f"spare.{marker.lower()}@example.org")
    invited = create_coordinator(session, f"invited.{marker.lower()}@example.org", None, organisation=organisation)
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
                  "volunteer.still_available": make_link_token(housekeeping.STILL_AVAILABLE, volunteers["free"]),
                  "coordinator.new_password": make_link_token(RESET_LINK, spare),
                  "coordinator.invitation": make_link_token(INVITATION, invited),
                  # Whoever opens their own page may erase themselves: a person of their own.
                  "me.open:volunteer": me_link_token(volunteers["own"]),
                  "me.open:newcomer": me_link_token(newcomers["own"])}
    return World(organisation, coordinator, admin, spare, invited, marker, seat_of(session, municipality).id, everyone,
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
    if rule.endpoint == "coordinator.erase_person":
        return "leaving"  # erased by the walk: nobody else's rule is tried on them
    if rule.endpoint in ("coordinator.activate", "coordinator.resend_confirmation"):
        return "pending"
    if rule.endpoint in ("coordinator.candidates", "coordinator.propose"):
        return "free"
    return "paired"


# Arguments whose values depend only on the World: (all of them, the one to try).
PLAIN_ARGUMENTS: dict[str, Callable[[World], tuple[list[Any], list[Any]]]] = {
    "volunteer_id": lambda w: ([w.people["volunteers"]["free"].id],) * 2,
    "run_id": lambda w: ([w.run.id],) * 2,
    "purpose_name": lambda w: ([p.value for p in EDITABLE_PURPOSES], [EDITABLE_PURPOSES[0].value]),
    "language_code": lambda w: (list(available_languages()), ["sv"]),
    "account_id": lambda w: ([a.id for a in (w.spare, w.invited, w.admin)], [w.spare.id]),
    "organisation_id": lambda w: ([w.organisation.id],) * 2,
    "code": lambda w: (["hiking", "fika"], ["hiking"]),  # an interest
}


def _choices(name: str, rule: Rule, values: dict[str, Any], world: World, every: bool) -> list[Any]:
    """Return the values one argument takes (all of them with `every`), or fail for an unknown argument."""
    if name == "person_id":
        group = world.people[_kind_of(rule, values)]
        return [p.id for p in group.values()] if every else [group[_state_for(rule, values)].id]
    if name == "match_id":
        pairs = world.pairs
        return [m.id for m in pairs.values()] if every else [pairs[PAIR_FOR.get(rule.endpoint, "approved")].id]
    if name == "token" and rule.endpoint in world.tokens:
        return [world.tokens[rule.endpoint]]
    if name == "token" and f"{rule.endpoint}:{values.get('kind')}" in world.tokens:
        return [world.tokens[f"{rule.endpoint}:{values['kind']}"]]
    if name in PLAIN_ARGUMENTS:
        all_of_them, one = PLAIN_ARGUMENTS[name](world)
        return all_of_them if every else one
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
    return rule.rule.startswith((COORDINATOR, ADMIN))


def is_admin(rule: Rule) -> bool:
    return rule.rule.startswith(ADMIN)


def is_coordinators(rule: Rule) -> bool:
    """Tell whether a rule is one of a coordinator's pages (not signing in, not administration)."""
    return rule.rule.startswith(COORDINATOR) and rule.endpoint not in {*OPEN_STAFF_ENDPOINTS, OWN_ACCOUNT}


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
            "contact_language": "ar", "birth_year": "1991", "gender": "female",
            "place": str(world.place_id), "max_distance_km": "5", "swedish_level": "sfi_b", "languages-ar": "4",
            "goals": ["swedish"], "interests": ["cooking"], "availability": ["tue-afternoon"],
            "gender_preference": "female", "consent": "y"}


NEW_PASSWORD = "a new and long passphrase for the proofs"  # noqa: S105 - a test's


def _organisation_answers(name: str, *municipalities: str) -> dict[str, Any]:
    return {"name": name, "municipalities": "\n".join(municipalities), "retention_months": "24",
            "erasure_policy": "erase", "proposal_days": "7", "contact_email": "", "contact_phone": "",
            "contact_address": "", **{f"weight_{c}": "2" for c in MATCH_COMPONENTS}}


def form_data(rule: Rule, values: dict[str, Any], world: World, session: Session) -> Any:
    """Return what a person would post to a rule: valid answers, so only a missing token can refuse them."""
    endpoint = rule.endpoint
    if endpoint == "coordinator.edit_person":
        posted = answers_of(world.people[values["kind"]][_state_for(rule, values)])
        posted["notes"] = "Corrected on the phone"
        # The factories give nobody goals, which the form asks for: add the answer a person would have given.
        posted.setlist("help_offered" if values["kind"] == "volunteers" else "goals", ["swedish"])
        return posted
    if endpoint == "me.edit":
        posted = answers_of(world.people["volunteers"]["own"])
        posted.setlist("help_offered", ["swedish"])  # the factories give nobody the help they offer
        return posted
    if endpoint in ("coordinator.save_wording", "admin.wording_page"):
        current = wording_for(session, world.organisation.id, MessagePurpose(values["purpose_name"]),
                              values["language_code"])
        return {"subject": current.subject + "!", "body": current.body, "action": "save"}
    fixed: dict[str, Any] = {
        "coordinator.login": {"email": world.coordinator.email, "password": PASSWORD},
        "coordinator.password_reset": {"email": world.coordinator.email},
        "me.ask": {"contact": world.people["volunteers"]["own"].email},
        "me.sharing": {"share": ["email"]},
        "coordinator.new_password": {"password": NEW_PASSWORD, "repeat": NEW_PASSWORD},
        "coordinator.invitation": {"password": NEW_PASSWORD, "repeat": NEW_PASSWORD},
        "coordinator.account": {"current": PASSWORD, "password": PASSWORD, "repeat": PASSWORD},
        "coordinator.login_code": {"code": fresh_code(session, world.coordinator.email)},
        "admin.new_organisation": _organisation_answers("Sundbybergs stad", "Sundbyberg"),
        "admin.organisation": _organisation_answers(world.organisation.name,
                                                    *(m.name for m in world.organisation.municipalities)),
        "admin.invite": {"email": f"new.{world.marker.lower()}@example.org", "role": "coordinator",
                         "organisation": str(world.organisation.id)},
        "admin.change_account": {"role": "coordinator", "organisation": str(world.organisation.id)},
        "admin.add_interest": {"label": "Kayaking"},
        "admin.interest": {"label_sv": "Matlagning", "label_ar": "طبخ"},
        "admin.disposal": {"reference": "KS 2026/123",
                           "volunteer_ids": str(world.people["volunteers"]["free"].id)},
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


def logged_in(app: Flask, world: World, account: Coordinator | None = None) -> FlaskClient:
    """Return a client of `world`'s coordinator (or `account`), signed in with password and code."""
    client = app.test_client()
    sign_in(client, (account or world.coordinator).email)
    return client


def visitor_for(rule: Rule, anonymous: FlaskClient, coordinator: FlaskClient, admin: FlaskClient) -> FlaskClient:
    """Return who a rule is tried as: the admin on /admin/, the coordinator on theirs, else anyone."""
    if is_admin(rule):
        return admin
    return coordinator if is_coordinators(rule) or rule.endpoint == OWN_ACCOUNT else anonymous


def path_of(response: TestResponse) -> str:
    return urlsplit(response.headers.get("Location", "")).path


# --- 1. CSRF --------------------------------------------------------------------------------------------------------


def test_every_post_without_a_csrf_token_is_refused_and_stores_nothing(
    app: Flask, client: FlaskClient, session: Session, engine: Engine, outbox: Path, world: World
) -> None:
    """As the admin on /admin/, the coordinator on theirs, anonymously on the others; audit_events is compared
    like every table."""
    staff, admin = logged_in(app, world), logged_in(app, world, world.admin)
    posted = 0
    for rule in rules(app, "POST"):
        for values in fill(rule, world):
            data = form_data(rule, values, world, session)
            for target in (url(rule, values) + query for query in VARIANTS.get(rule.endpoint, [""])):
                before, mail = row_counts(engine), sent(outbox)
                with writes(engine) as written:
                    response = visitor_for(rule, client, staff, admin).post(target, data=data)
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
    staff, admin = logged_in(app, world), logged_in(app, world, world.admin)
    form_page = {id(staff): "/coordinator/runs", id(admin): "/admin/staff/invite", id(client): "/volunteer/signup"}
    for rule in rules(app, "POST"):
        for values in fill(rule, world):
            target, data = url(rule, values), form_data(rule, values, world, session)
            visitor = visitor_for(rule, client, staff, admin)
            token = csrf_token(visitor.get(form_page[id(visitor)]).text)
            data = MultiDict(data)
            data["csrf_token"] = token
            response = visitor.post(target, data=data)
            jobs.wait_for_runs(app)
            # 409: an earlier post of the walk took the pair or the seat (a withdrawal ends pairs).
            assert response.status_code in (200, 302, 303, 409), f"POST {target} answered {response.status_code}"
            assert_safe_headers(response, f"POST {target}")


# --- 2. a GET never writes ------------------------------------------------------------------------------------------


# A person's own pages, which need the page they opened from their link.
OWN_PAGES = {"me.data", "me.download", "me.erase_me", "me.edit", "me.sharing", "me.notice"}


def _expected_get(rule: Rule, who: str) -> set[int]:
    """Return the statuses a GET of `rule` may answer for each role."""
    if rule.endpoint in OWN_PAGES:
        return {200} if who == "person" else {302}  # to ask for a link
    if rule.endpoint == "me.open":
        return {200, 410} if who == "person" else {200}  # the person has used their own link
    if who in ("anonymous", "person"):
        return {200, 302}  # staff pages send a visitor to log in
    if rule.endpoint in SIGN_IN_STEPS:
        return {302}  # back to the password: no sign-in is under way
    if who == "coordinator":
        return {403} if is_admin(rule) else {200}
    # An admin of no organisation: administration, never people.
    if rule.endpoint == "coordinator.dashboard":
        return {302}
    return {403} if is_coordinators(rule) else {200}


def opened_own_page(app: Flask, world: World) -> FlaskClient:
    """Return a browser that opened a volunteer's own page from their link."""
    person = app.test_client()
    link = f"/me/volunteer/{world.tokens['me.open:volunteer']}"
    assert person.post(link, data={"csrf_token": csrf_token(person.get(link).text)}).status_code == 302
    return person


def test_no_get_writes_anything_but_the_audit_log(
    app: Flask, client: FlaskClient, engine: Engine, outbox: Path, world: World
) -> None:
    """Nor sends anything: a link opened by a mail scanner or a prefetching browser changes nothing."""
    # Signing in writes the session and the time of the login: before the recording starts.
    staff, admin = logged_in(app, world), logged_in(app, world, world.admin)
    mail = sent(outbox)
    crawled = 0
    visitors: dict[str, Callable[[], FlaskClient]] = {
        "anonymous": lambda: client, "coordinator": lambda: staff, "admin": lambda: admin,
        # Last, and only then: opening one's own page spends the link the others were shown.
        "person": lambda: opened_own_page(app, world)}
    for who, opened in visitors.items():
        visitor = opened()
        for rule in rules(app, "GET"):
            for values in fill(rule, world, every=True):
                target = url(rule, values)
                with writes(engine) as written:
                    response = visitor.get(target)
                expected = _expected_get(rule, who)
                assert response.status_code in expected, f"GET {target} as {who} answered {response.status_code}"
                other_writes = [w for w in written if not (AUDIT_INSERT.match(w) or SESSION_CLOCK.match(w))]
                assert other_writes == [], f"GET {target} as {who} wrote {other_writes}"
                assert_safe_headers(response, f"GET {target} as {who}")
                crawled += 1
    assert sent(outbox) == mail, "a GET sent a message"
    assert crawled > 4 * len(rules(app, "GET"))


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
    unplaced = logged_in(app, world, world.admin)
    approved, introduced = world.pairs["approved"].id, world.pairs["introduced"].id
    expected = {
        ("a static file", 200): lambda: client.get("/static/kompis.css"),
        ("GET /coordinator/ anonymously", 302): lambda: client.get("/coordinator/"),
        ("POST a note", 303): lambda: staff.post(f"/coordinator/matches/{introduced}/notes",
                                                 data={"text": "Met at the library", "csrf_token": token}),
        ("POST without a token", 400): lambda: staff.post("/coordinator/logout"),
        ("GET people without an organisation", 403): lambda: unplaced.get("/coordinator/volunteers"),
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
        for rule in (r for r in rules(app, method) if is_coordinators(r) and id_arguments(r)):
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
    for rule in (r for r in rules(app, "GET") if is_coordinators(r)):
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


# --- 6. a password alone, a coordinator on administration, an admin on people --------------------------------------


def _try_everywhere(app: Flask, visitor: FlaskClient, token: str, world: World, session: Session, engine: Engine,
                    chosen: Any) -> Iterator[tuple[str, str, TestResponse]]:
    """GET and POST (with a token) every chosen staff rule; check that nothing was written; yield the answers."""
    for method in ("GET", "POST"):
        for rule in (r for r in rules(app, method) if chosen(r)):
            for values in fill(rule, world):
                target, before = url(rule, values), row_counts(engine)
                data = MultiDict(form_data(rule, values, world, session))
                data["csrf_token"] = token
                with writes(engine) as written:
                    response = visitor.get(target) if method == "GET" else visitor.post(target, data=data)
                stored = [w for w in written if not (AUDIT_INSERT.match(w) or SESSION_CLOCK.match(w))]
                assert stored == [] and row_counts(engine) == before, f"{method} {target} wrote {written}"
                assert_safe_headers(response, f"{method} {target}")
                yield method, target, response


def test_a_password_without_the_code_reaches_no_staff_page(
    app: Flask, session: Session, engine: Engine, world: World
) -> None:
    visitor = app.test_client()
    started = give_password(visitor, world.coordinator.email)
    assert path_of(started) == "/coordinator/login/code"
    token = csrf_token(visitor.get("/coordinator/login/code").text)
    tried = 0
    for method, target, response in _try_everywhere(
            app, visitor, token, world, session, engine,
            lambda r: is_staff(r) and r.endpoint not in OPEN_STAFF_ENDPOINTS):
        assert response.status_code == 302 and path_of(response) == "/coordinator/login", \
            f"{method} {target} with the password alone answered {response.status_code}"
        tried += 1
    assert tried > 0
    # The session is still waiting for its code, and the code still signs it in.
    assert visitor.get("/coordinator/login/code").status_code == 200


def test_a_coordinator_is_refused_every_administration_page(
    app: Flask, session: Session, engine: Engine, world: World
) -> None:
    staff = logged_in(app, world)
    token = csrf_token(staff.get("/coordinator/runs").text)
    answers = list(_try_everywhere(app, staff, token, world, session, engine, is_admin))
    assert answers and all(r.status_code == 403 for _, _, r in answers), \
        [(m, t, r.status_code) for m, t, r in answers if r.status_code != 403]


def test_an_admin_of_no_organisation_reads_and_changes_nobody(
    app: Flask, session: Session, engine: Engine, world: World
) -> None:
    """Least privilege: administration does not open people's pages; only a coordinator role does."""
    admin = logged_in(app, world, world.admin)
    token = csrf_token(admin.get("/admin/staff/invite").text)
    answers = list(_try_everywhere(app, admin, token, world, session, engine,
                                   lambda r: is_coordinators(r) and r.endpoint != "coordinator.dashboard"))
    assert answers and all(r.status_code in (403, 404) for _, _, r in answers), \
        [(m, t, r.status_code) for m, t, r in answers if r.status_code not in (403, 404)]
    assert all(world.marker.lower() not in r.text.lower() for _, _, r in answers)


# --- 7. what people wrote is isolated on staff pages ----------------------------------------------------------------


def _isolated(node: Any) -> bool:
    """Tell whether a text node sits in a <bdi>, or an element that sets its own direction."""
    return any(parent.name == "bdi" or parent.has_attr("dir") for parent in node.parents if parent.name)


def test_every_name_and_address_on_a_staff_page_is_isolated(app: Flask, world: World) -> None:
    """Names in Arabic script beside Swedish text reorder the line around them unless each is isolated."""
    from bs4 import BeautifulSoup

    staff, admin = logged_in(app, world), logged_in(app, world, world.admin)
    marker = world.marker.lower()
    seen = 0
    for visitor, chosen in ((staff, is_coordinators), (admin, is_admin)):
        for rule in (r for r in rules(app, "GET") if chosen(r)):
            for values in fill(rule, world, every=True):
                target = url(rule, values)
                response = visitor.get(target)
                if response.mimetype != "text/html":
                    continue
                soup = BeautifulSoup(response.text, "html.parser")
                for title in soup.find_all("title"):
                    title.decompose()  # the window title is plain text, drawn by the browser
                for node in soup.find_all(string=lambda text: marker in text.lower()):
                    seen += 1
                    where = f"{node.strip()[:80]!r} in <{node.parent.name}>"
                    assert _isolated(node), f"GET {target}: {where} is not isolated"
    assert seen > 0
