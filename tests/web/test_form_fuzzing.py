"""Hostile input into every form and query parameter, public and staff: never a 5xx, nothing stored from a
refused form, nothing echoed as markup.

test_bad_input.py throws random answers at the three public forms. These walk the URL map as
test_route_proofs.py does, so every rule is fuzzed, those added later included, each as the visitor it is
meant for and with a valid CSRF token: a hostile value then reaches the form's own checks instead of being
turned away at the door. Each example starts from answers the rule accepts and spoils a few: hostile text in
place of an answer or after it, the field left out, sent twice, or sent as a file, fields no form of the rule
has, and hostile query parameters. A spoiled post may still be accepted (an unknown field is ignored,
`<script>` is a fine note), so only a refused one (400) must have stored and sent nothing.

Each example meets the same world (the database is put back before each post), and hypothesis runs with a
seed of each route's own and without its example database: CI tries the same examples on every run, and a
route added later changes neither the examples of the others nor what they meet.
"""

from __future__ import annotations

import io
import re
import sqlite3
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, seed, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.routing import Rule
from werkzeug.test import TestResponse
from wtforms.fields.core import UnboundField

from tests.conftest import csrf_token
from tests.signin import give_password
from tests.web.test_route_proofs import (
    AUDIT_INSERT,
    SESSION_CLOCK,
    SIGN_IN_STEPS,
    VARIANTS,
    World,
    assert_safe_headers,
    build_world,
    fill,
    form_data,
    logged_in,
    row_counts,
    rules,
    sent,
    url,
    visitor_for,
    writes,
)
from web import jobs
from web.fields import KompisForm
from web.newcomer.steps import STEPS

pytestmark = pytest.mark.slow
EXAMPLES = 15  # per route: the whole file runs in about a minute and a half

# --- hostile text ---------------------------------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
SCRIPT_URL = "javascript:alert(1)"
# How a hostile value shows if a page echoes it as markup; escaped, none of these survive. A value cut short
# (a list's filter keeps its first 100 characters) still opens its tag, so the openings count on their own.
RAW = ("<script>alert", "<img src=x", "onerror=alert(1)>")
LINK_TO_SCRIPT = re.compile(r"""(href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)
# C0, DEL and C1: what KompisForm refuses, and what it lets through in a text area (tab, line breaks).
CONTROLS = "".join(map(chr, [*range(0x20), 0x7F, *range(0x80, 0xA0)]))
# Bidirectional controls, isolates, marks and zero-width characters: what clean_name takes out of names.
INVISIBLE = ("\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2028\u2029"
             "\u2066\u2067\u2068\u2069\ufeff")
FRAGMENTS = (
    SCRIPT, IMG, SCRIPT_URL, "'; DROP TABLE volunteers;--", "' OR '1'='1' --", '" OR ""="',
    "1 UNION SELECT password_hash FROM coordinators--", "%", "_", "\\", "\x00", "{{ 7*7 }}", "{% raw %}", "%s%n",
    "../../../etc/passwd", "\r\nBcc: victim@example.org", "😀", "e\u0301", "اسم", "ﷺ",
)
# Values near what a field or parameter parses: numbers, dates, redirect targets, audit subjects.
NUMBERS = ("0", "-1", "1.5", " 2", "0x10", "NaN", "9" * 20, "-" + "9" * 20)
DATES = ("2024-02-30", "2024-13-01", "2024-1-1", "0001-01-01", "9999-12-31", "99999-01-01")
REDIRECTS = ("//evil.example", "/\\evil.example", "/\t/evil.example", "https://evil.example/", SCRIPT_URL,
             "/coordinator/")
EDGES = ("", " ", "on", "true", *NUMBERS, *DATES)


def repeated(text: str, size: int) -> str:
    return (text * (size // len(text) + 1))[:size]


piece = st.one_of(st.sampled_from(FRAGMENTS), st.text(st.sampled_from(CONTROLS + INVISIBLE), min_size=1, max_size=6),
                  st.text(max_size=12))
# Long values are one piece repeated: a few thousand characters, without a few thousand draws.
long_text = st.builds(repeated, st.sampled_from(["x", "å", "\u202e", SCRIPT, IMG, "'; DROP TABLE volunteers;--"]),
                      st.integers(1000, 4000))
hostile = st.one_of(st.lists(piece, min_size=1, max_size=4).map("".join), long_text)

# --- spoiled posts --------------------------------------------------------------------------------------------------


class FilePart(NamedTuple):
    """A file in place of an answer; made into an open file only when posted, as the client reads it."""

    content: bytes
    filename: str


files = st.builds(FilePart, st.sampled_from([b"", b"%PDF-1.4", SCRIPT.encode(), b"\x00\xff\xfe"]),
                  st.sampled_from(["answer.txt", "answer.pdf", "../../etc/passwd", f"{SCRIPT}.html", ""]))


class Spoil(NamedTuple):
    how: str  # replace, append, repeat, drop, file
    value: str | FilePart | None = None


spoils = st.one_of(hostile.map(partial(Spoil, "replace")), st.sampled_from(EDGES).map(partial(Spoil, "replace")),
                   hostile.map(partial(Spoil, "append")), hostile.map(partial(Spoil, "repeat")),
                   st.just(Spoil("drop")), files.map(partial(Spoil, "file")))
# Names no form has: odd keys a hand-made post can carry.
JUNK_NAMES = ("", "x" * 300, SCRIPT, "\x00", "csrf_token2", "__proto__", "name[]", "languages-xx",
              "languages-other-3", "languages-other-1-level")


class Case(NamedTuple):
    """One spoiled post: changes to the rule's own fields, fields it does not have, and a query string."""

    spoils: list[tuple[str, Spoil]]
    extras: list[tuple[str, str | FilePart]]
    query: list[tuple[str, str]]


# Posts hypothesis would seldom make: the hostile answer is read only once several others agree with it.
EXPLICIT_POSTS: dict[str, list[Case]] = {
    # A meeting on the last day a date holds, sent: its calendar invitation ends an hour later.
    "coordinator.introduce_pair": [Case(
        [("method", Spoil("replace", "meeting"))],
        [("meeting_date", "9999-12-31"), ("meeting_time", "23:59"), ("meeting_place", "Biblioteket"),
         ("step", "send"), ("subject_newcomer", "Hej"), ("body_newcomer", "Hej"), ("subject_volunteer", "Hej"),
         ("body_volunteer", "Hej")], [])],
}


def cases(own: list[str], foreign: list[str]) -> st.SearchStrategy[Case]:
    """Return spoiled posts of a form with fields `own` (its token among them)."""
    return st.builds(
        Case,
        st.lists(st.tuples(st.sampled_from(own), spoils), max_size=3, unique_by=lambda s: s[0]),
        st.lists(st.tuples(st.sampled_from(foreign), st.one_of(hostile, files)), max_size=2),
        queries(["lang", "next", "step", "unknown"], 2),
    ).filter(lambda case: bool(case.spoils or case.extras or case.query))


def spoiled(valid: MultiDict, case: Case) -> MultiDict:
    """Return the valid answers with the case's changes made."""
    posted = valid.copy()
    for name, (how, value) in case.spoils:
        kept = posted.poplist(name)  # left out, unless put back below
        if how in ("replace", "file"):
            posted.setlist(name, [value])
        elif how == "append":
            posted.setlist(name, [(kept[0] if kept else "") + str(value), *kept[1:]])
        elif how == "repeat":
            posted.setlist(name, [*(kept or [""]), value])
    for name, extra in case.extras:
        posted.add(name, extra)
    return posted


def as_posted(posted: MultiDict) -> MultiDict:
    """Return the answers as the test client takes them: each file a fresh open one, since posting reads it."""
    return MultiDict([(name, (io.BytesIO(v.content), v.filename) if isinstance(v, FilePart) else v)
                      for name, v in posted.items(multi=True)])


def declared_fields() -> list[str]:
    """Return the name of every field a form of the app declares: another form's field is one a form does not
    know, and a form's own field that its valid answers leave out is one it must do without."""
    found: set[str] = set()
    forms: list[type] = [KompisForm]
    while forms:
        form = forms.pop()
        forms += form.__subclasses__()
        if form.__module__.startswith("web."):
            found |= {name for name in dir(form) if isinstance(getattr(form, name, None), UnboundField)}
    return sorted(found)


def valid_answers(rule: Rule, values: dict[str, Any], world: World, session: Session) -> MultiDict:
    return MultiDict(form_data(rule, values, world, session))


# --- query strings --------------------------------------------------------------------------------------------------

# Values near what each parameter web/ reads parses; a parameter read later is tried with ANY_EDGES.
QUERY_EDGES: dict[str, tuple[str, ...]] = {
    "page": NUMBERS, "actor": NUMBERS, "start": DATES, "end": DATES, "next": REDIRECTS,
    "subject": ("volunteer 1", "match #3", "staff -1", "newcomer 0", "volunteer " + "9" * 20),
    "lang": ("ar", "sv-SE", "EN", "xx"), "step": (*(step.slug for step in STEPS), "x"),
    "status": ("active", "paused", "proposed", "x"), "municipality": ("0180", "9" * 20),
}
ANY_EDGES = ("", "%", "_", "9" * 20)


def queries(names: list[str], most: int) -> st.SearchStrategy[list[tuple[str, str]]]:
    """Return query parameters of `names`: each once or twice, hostile or near what it parses."""

    def named(name: str) -> st.SearchStrategy[list[tuple[str, str]]]:
        value = st.one_of(hostile, st.sampled_from(QUERY_EDGES.get(name, ANY_EDGES)))
        return st.lists(value, min_size=1, max_size=2).map(lambda values: [(name, v) for v in values])

    return st.lists(st.sampled_from(names).flatmap(named), max_size=most).map(lambda lists: sum(lists, []))


def with_query(target: str, query: list[tuple[str, str]]) -> str:
    if not query:
        return target
    return target + ("&" if "?" in target else "?") + urlencode(query)


def watch_query_arguments(app: Flask) -> set[str]:
    """Make the app note each query argument a page asks for, and return the set it notes them in: each page
    is fuzzed with the arguments it reads, so an argument added later is fuzzed too, and a page that reads
    none costs few requests. Reading them all (to keep them in the language menu's links) notes none."""
    read: set[str] = set()

    class Watched(ImmutableMultiDict):
        def __getitem__(self, key: Any) -> Any:
            read.add(key)
            return super().__getitem__(key)

        def __contains__(self, key: object) -> bool:
            read.add(str(key))
            return super().__contains__(key)

        def get(self, key: Any, default: Any = None, type: Any = None) -> Any:  # noqa: A002 - werkzeug's name
            read.add(key)
            return super().get(key, default, type)

        def getlist(self, key: Any, type: Any = None) -> Any:  # noqa: A002 - werkzeug's name
            read.add(key)
            return super().getlist(key, type)

    app.request_class = type("WatchedRequest", (app.request_class,), {"parameter_storage_class": Watched})
    return read


def fuzzed(key: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Return the settings of one route's fuzzing: bounded, and seeded by the route, so CI repeats it."""

    def decorate(test: Callable[..., None]) -> Callable[..., None]:
        bounded = settings(max_examples=EXAMPLES, deadline=None, database=None,
                           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                  HealthCheck.filter_too_much])
        return seed(zlib.crc32(key.encode()))(bounded(test))

    return decorate


# --- what must hold of every answer ---------------------------------------------------------------------------------

# Writes a refused form may make, beside the audit log and a staff session's clock: a sign-in's count of wrong
# codes, and the spending of a code (the app's or a recovery code), one UPDATE guarded so that it matches no row
# when the code is refused: a code is tried by spending it, so that it cannot be spent twice at once.
STAFF_SESSION_WRITE = re.compile(r'\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?staff_sessions"?\s', re.IGNORECASE)
CODE_SPENT = re.compile(r'\s*UPDATE\s+"?(coordinators"?\s+SET\s+totp_last_step|recovery_codes"?\s+SET\s+used_at)='
                        r'\S+\s+WHERE', re.IGNORECASE)
BOOKKEEPING_WRITES = (AUDIT_INSERT, SESSION_CLOCK, STAFF_SESSION_WRITE, CODE_SPENT)
BOOKKEEPING_TABLES = {"audit_events", "staff_sessions"}
FORM_PAGES = {"anonymous": "/coordinator/login", "coordinator": "/coordinator/runs", "admin": "/admin/staff/invite"}


def stored_rows(engine: Engine) -> dict[str, int]:
    return {table: n for table, n in row_counts(engine).items() if table not in BOOKKEEPING_TABLES}


def assert_harmless(response: TestResponse, what: str) -> None:
    """Check what any answer to hostile input must be: no server error, no markup echoed, no way off the site."""
    status = response.status_code
    assert status < 500, f"{what} answered {status}"
    assert_safe_headers(response, what)
    if 300 <= status < 400:
        location = urlsplit(response.headers.get("Location", ""))
        assert location.scheme in ("", "http", "https") and location.netloc in ("", "kompis.test"), \
            f"{what} sent the browser to {response.headers.get('Location')!r}"
    if response.mimetype == "text/html":  # a CSV download is not read as markup (nosniff)
        body = response.get_data(as_text=True)
        echoed = [raw for raw in RAW if raw in body]
        assert not echoed, f"{what} echoed {echoed} unescaped"
        assert not LINK_TO_SCRIPT.search(body), f"{what} links to a javascript: address"


def the_world(app: Flask, session: Session) -> World:
    """Return the organisation the route proofs walk: someone in every state, pairs, a run, signed links."""
    return build_world(app, session, name="Stockholms stad", municipality="Stockholm", marker="Alfaström")


class Visitors:
    """Who each rule is tried as, with a valid token: the admin on /admin/, the coordinator on theirs, anyone
    on the others. Staff stay signed in over the walk (signing in costs two requests and an argon2 hash); an
    anonymous visitor is new each time, so a sign-in or a half-filled request of one example is not carried
    into the next, and hypothesis can replay an example on its own."""

    def __init__(self, app: Flask, world: World, engine: Engine, session: Session) -> None:
        self.app, self.world, self.engine, self.session = app, world, engine, session
        self.staff, self.admin = logged_in(app, world), logged_in(app, world, world.admin)
        self.saved: sqlite3.Connection | None = None
        self.cookies = [(client, cookie) for client in (self.staff, self.admin)
                        if (cookie := client.get_cookie(app.config["SESSION_COOKIE_NAME"], domain="kompis.test"))]
        if engine.dialect.name == "sqlite":
            self.saved = sqlite3.connect(":memory:")
            with self._database() as live:
                live.backup(self.saved)

    @contextmanager
    def _database(self) -> Iterator[sqlite3.Connection]:
        raw = self.engine.raw_connection()
        try:
            yield raw.driver_connection  # type: ignore[misc]
        finally:
            raw.close()

    def restore(self) -> None:
        """Put the world and the staff's browsers back as they were before the walk.

        Every example then meets the same world: the pair a post approves is still proposed for the next,
        a link good once is still good, and an example replays alike. It takes a few milliseconds on SQLite;
        on PostgreSQL (KOMPIS_TEST_DATABASE_URL) the walk goes on over what the examples before it left."""
        if self.saved is None:
            return
        jobs.wait_for_runs(self.app)
        with self._database() as live:
            self.saved.backup(live)
        self.session.expire_all()  # what the test's session read may have been changed, and is now put back
        for client, cookie in self.cookies:  # a password change gave the browser a session the copy has not
            client.set_cookie(cookie.key, cookie.decoded_value, domain=cookie.domain, origin_only=cookie.origin_only,
                              path=cookie.path, secure=cookie.secure, httponly=cookie.http_only,
                              samesite=cookie.same_site)

    def of(self, rule: Rule) -> tuple[FlaskClient, str]:
        anonymous = self.app.test_client()
        visitor = visitor_for(rule, anonymous, self.staff, self.admin)
        role = "admin" if visitor is self.admin else "coordinator" if visitor is self.staff else "anonymous"
        if visitor is anonymous and rule.endpoint in SIGN_IN_STEPS:
            give_password(anonymous, self.world.coordinator.email)  # so the code is asked for, and checked
        # A fresh token each time: a password change or a sign-in begins a new session.
        return visitor, csrf_token(visitor.get(FORM_PAGES[role]).text)

    def assert_still_signed_in(self) -> None:
        """The walk posts password changes and account actions: the staff it runs as must still be who they were."""
        assert self.staff.get("/coordinator/").status_code == 200, "the coordinator was signed out by the walk"
        assert self.admin.get("/admin/").status_code == 200, "the admin was signed out by the walk"


# --- 1. every form ----------------------------------------------------------------------------------------------


def _fuzz_post(app: Flask, engine: Engine, outbox: Path, visitors: Visitors, rule: Rule, target: str,
               valid: Callable[[], MultiDict], own: list[str], foreign: list[str]) -> None:
    """Post one rule's spoiled answers; check each answer, and that a refused one stored and sent nothing.

    The valid answers are made again for each example: a sign-in code is good once."""
    what = f"POST {target} ({rule.endpoint})"

    def post(case: Case) -> None:
        visitors.restore()
        visitor, token = visitors.of(rule)
        answers = valid()
        answers["csrf_token"] = token
        before, mail = stored_rows(engine), sent(outbox)
        with writes(engine) as written:
            response = visitor.post(with_query(target, case.query), data=as_posted(spoiled(answers, case)))
            jobs.wait_for_runs(app)  # a run started in the background writes in its own time
        assert_harmless(response, what)
        if response.status_code == 400:
            stored = [w for w in written if not any(kind.match(w) for kind in BOOKKEEPING_WRITES)]
            assert stored == [], f"{what} was refused but wrote {stored}"
            assert stored_rows(engine) == before, f"{what} was refused but changed a table"
            assert sent(outbox) == mail, f"{what} was refused but sent a message"
        elif response.status_code in (301, 302, 303, 307, 308):
            assert_harmless(visitor.get(response.headers["Location"]), f"the page after {what}")

    for case in EXPLICIT_POSTS.get(rule.endpoint, []):
        post = example(case=case)(post)
    fuzzed(what)(given(case=cases(own, foreign))(post))()


def test_hostile_posts_to_every_form_fail_safely(app: Flask, session: Session, engine: Engine, outbox: Path) -> None:
    """Every POST rule, spoiled: no 5xx; a 400 stores and sends nothing; nothing comes back as markup, on the
    answer nor on the page a redirect leads to, which shows what was stored (a note of `<script>` on its pair,
    a name with a bidi override on its person, a request's answers on its next step)."""
    world = the_world(app, session)
    visitors = Visitors(app, world, engine, session)
    everything = declared_fields()
    tried: set[str] = set()
    for rule in rules(app, "POST"):  # signing out last
        for values in fill(rule, world):
            valid = partial(valid_answers, rule, values, world, session)
            own = [*dict.fromkeys([*valid().keys(), "csrf_token"])]
            foreign = [*(n for n in everything if n not in own), *JUNK_NAMES]
            for target in (url(rule, values) + query for query in VARIANTS.get(rule.endpoint, [""])):
                _fuzz_post(app, engine, outbox, visitors, rule, target, valid, own, foreign)
        tried.add(rule.endpoint)
    assert tried == {r.endpoint for r in rules(app, "POST")}
    visitors.assert_still_signed_in()


# --- 2. every query -------------------------------------------------------------------------------------------------


def _fuzz_get(engine: Engine, visitor: FlaskClient, target: str, names: list[str]) -> None:
    """GET one page with hostile query arguments of `names`: first each alone with each value near what it
    parses, then hypothesis's mixes."""
    what = f"GET {target}"

    def get(query: list[tuple[str, str]]) -> None:
        with writes(engine) as written:
            response = visitor.get(with_query(target, query))
        assert_harmless(response, what)
        other = [w for w in written if not (AUDIT_INSERT.match(w) or SESSION_CLOCK.match(w))]
        assert other == [], f"{what} wrote {other}"

    for name in names:
        for value in QUERY_EDGES.get(name, ANY_EDGES):
            get = example(query=[(name, value)])(get)
    fuzzed(what)(given(query=queries(names, 4))(get))()


def test_hostile_query_parameters_on_every_page_fail_safely(app: Flask, session: Session, engine: Engine) -> None:
    """Every GET rule with the arguments it reads, hostile or repeated, and one it does not: no 5xx, nothing
    echoed as markup, no redirect off the site, and nothing written but the audit log, as without arguments."""
    read = watch_query_arguments(app)
    world = the_world(app, session)
    visitors = Visitors(app, world, engine, session)
    tried: set[str] = set()
    for rule in rules(app, "GET"):
        for values in fill(rule, world):
            target = url(rule, values)
            visitor, _token = visitors.of(rule)  # one for the rule: a GET carries nothing to the next
            read.clear()
            assert visitor.get(target).status_code < 500, f"GET {target} fails without arguments"
            _fuzz_get(engine, visitor, target, sorted(read | {"unknown"}))
        tried.add(rule.endpoint)
    assert tried == {r.endpoint for r in rules(app, "GET")}
    visitors.assert_still_signed_in()
