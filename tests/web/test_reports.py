"""Coordinators read waiting times and match rates by group, small groups hidden, and pairs approved per month."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from models import AuditEvent, Match, MatchStatus, Newcomer, Organisation, PersonStatus, now_utc
from tests.factories import make_coordinator, make_newcomer, make_organisation, make_volunteer, municipality
from tests.signin import sign_in
from tests.web.helpers import count_queries, page
from web.chart import WIDTH, horizontal_bars
from web.reports import matches_per_month, newcomer_report

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOW = datetime(2025, 3, 15, 10, 0, tzinfo=UTC)


@pytest.fixture
def nykoping(session: Session) -> Organisation:
    return make_organisation(session, "Nyköpings kommun", municipalities=("Nyköping",))


@pytest.fixture
def kalmar(session: Session) -> Organisation:
    return make_organisation(session, "Kalmar kommun – Integra", municipalities=("Kalmar",))


@pytest.fixture
def coordinator(client: FlaskClient, session: Session, nykoping: Organisation):
    account = make_coordinator(session, nykoping)
    sign_in(client, account.email)
    return account


def newcomers(session: Session, count: int, *, place: str = "Nyköping",
              languages: Sequence[tuple[str, int]] = (("ar", 4),),
              status: PersonStatus = PersonStatus.ACTIVE) -> list[Newcomer]:
    """Create `count` newcomers in one place, all speaking the same languages."""
    return [make_newcomer(session, name=f"Nykomling{n} {place}", phone=f"+467017406{n:02d}", place=place,
                          languages=languages, status=status) for n in range(count)]


def asked(session: Session, newcomer: Newcomer, when: datetime) -> Newcomer:
    """Set when a newcomer asked for a kompis."""
    newcomer.created_at = when
    session.commit()
    return newcomer


def pair(session: Session, newcomer: Newcomer, status: MatchStatus, decided_at: datetime | None) -> Match:
    """Store a pair as if a coordinator had decided on it at `decided_at`."""
    volunteer = make_volunteer(session, place=newcomer.place.municipality.name)
    match = Match(organisation_id=newcomer.organisation_id, newcomer_id=newcomer.id, volunteer_id=volunteer.id,
                  status=status, decided_at=decided_at)
    session.add(match)
    session.commit()
    return match


def rows(soup: BeautifulSoup, dimension: str) -> dict[str, list[str]]:
    """Return a report table's rows: the group's name -> its cells' texts."""
    table = soup.find(id=f"report-{dimension}").find_parent("section").find("table")
    return {tr.th.get_text(strip=True): [td.get_text(strip=True) for td in tr.find_all("td")]
            for tr in table.tbody.find_all("tr")}


@pytest.mark.db
def test_reports_need_a_login(client: FlaskClient, nykoping: Organisation) -> None:
    for url in ("/coordinator/reports", "/coordinator/reports.csv"):
        response = client.get(url)
        assert response.status_code == 302 and "/coordinator/login" in response.headers["Location"]


@pytest.mark.db
def test_a_group_of_four_is_suppressed_and_a_group_of_five_shown(client: FlaskClient, session: Session,
                                                                  coordinator) -> None:
    newcomers(session, 4, languages=(("ti", 4),))
    newcomers(session, 5, languages=(("so", 4),))
    soup = page(client.get("/coordinator/reports?lang=en").data)
    languages = rows(soup, "language")
    assert languages["Somali"][0] == "5"
    assert languages["Tigrinya"] == ["fewer than 5", "–", "–"]
    assert list(languages) == ["Somali", "Tigrinya"]  # shown groups first, the hidden ones after
    assert rows(soup, "all")["All newcomers"][0] == "9"


@pytest.fixture
def known_waits(session: Session, nykoping: Organisation) -> datetime:
    """Six newcomers counted, one pending not: two matched, waits 4, 5, 10, 11, 50 and 100 days until now."""
    day = timedelta(days=1)
    now = now_utc()
    a, b, c, d, e = newcomers(session, 5)
    asked(session, a, now - 30 * day)
    pair(session, a, MatchStatus.APPROVED, now - 20 * day)  # matched after 10 days
    asked(session, b, now - 30 * day)
    pair(session, b, MatchStatus.ENDED, now - 26 * day)  # matched after 4 days: the first pair counts
    pair(session, b, MatchStatus.ACTIVE, now - 10 * day)
    asked(session, c, now - 11 * day)  # still waiting: 11 days
    asked(session, d, now - 50 * day)
    pair(session, d, MatchStatus.PROPOSED, None)  # a proposal is no match: 50 days
    asked(session, e, now - 5 * day)
    pair(session, e, MatchStatus.REJECTED, now - 2 * day)  # nor is a rejected pair: 5 days
    (withdrawn,) = newcomers(session, 1, status=PersonStatus.WITHDRAWN)
    asked(session, withdrawn, now - 100 * day)  # left without a kompis: counted, 100 days
    (pending,) = newcomers(session, 1, status=PersonStatus.PENDING)
    asked(session, pending, now - 365 * day)  # not checked by staff yet: not counted
    return now


@pytest.mark.db
def test_share_matched_and_median_wait_from_known_dates(app: Flask, session: Session, nykoping: Organisation,
                                                        known_waits: datetime) -> None:
    with app.test_request_context("/?lang=en"):
        report = newcomer_report(session, nykoping.id, now=known_waits)
    everyone = report.dimensions[0].groups[0]
    assert everyone.newcomers == 6
    assert everyone.matched_share == pytest.approx(2 / 6)
    assert everyone.median_wait_days == pytest.approx(10.5)  # the middle two of 4, 5, 10, 11, 50, 100
    by_name = {d.name: {g.key: g for g in d.groups} for d in report.dimensions}
    assert by_name["language"]["ar"].newcomers == 6
    assert by_name["swedish_level"]["sfi_b"].newcomers == 6
    assert by_name["swedish_level"]["none"].suppressed
    assert by_name["gender"][""].newcomers == 6 and by_name["gender"][""].label == "Not stated"
    assert by_name["gender"]["female"].suppressed
    assert by_name["municipality"][municipality(session, "Nyköping").code].label == "Nyköping"


@pytest.mark.db
@pytest.mark.usefixtures("known_waits")
def test_the_page_formats_figures_for_the_reader(client: FlaskClient, session: Session, coordinator) -> None:
    english = rows(page(client.get("/coordinator/reports?lang=en").data), "all")["All newcomers"]
    (swedish,) = rows(page(client.get("/coordinator/reports?lang=sv").data), "all").values()
    assert english == ["6", "33%", "10.5"]
    assert swedish == ["6", "33\xa0%", "10,5"]


@pytest.mark.db
@pytest.mark.usefixtures("known_waits")
def test_the_csv_holds_the_figures_and_its_download_is_audited(client: FlaskClient, session: Session,
                                                               coordinator, nykoping: Organisation) -> None:
    response = client.get("/coordinator/reports.csv?lang=en")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert table[0] == ["dimension", "group", "newcomers", "matched_share", "median_wait_days", "suppressed"]
    by_group = {(row[0], row[1]): row[2:] for row in table[1:]}
    newcomers_, share, median, marker = by_group[("all", "All newcomers")]
    assert (newcomers_, share, median, marker) == ("6", "0.3333", "10.5", "")
    assert by_group[("language", "Arabic")][0] == "6"
    assert by_group[("gender", "Woman")] == ["", "", "", "suppressed"]
    assert by_group[("municipality", "Nyköping")][0] == "6"

    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "exported_report"))
    assert event is not None
    assert (event.actor_id, event.organisation_id, event.subject_type, event.subject_id) == (
        coordinator.id, nykoping.id, "organisation", nykoping.id)


@pytest.mark.db
def test_the_page_is_not_audited_only_the_download(client: FlaskClient, session: Session, coordinator) -> None:
    client.get("/coordinator/reports")
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "exported_report")) is None


@pytest.mark.db
def test_another_organisations_newcomers_and_pairs_are_never_counted(
        app: Flask, client: FlaskClient, session: Session, coordinator, nykoping: Organisation,
        kalmar: Organisation) -> None:
    newcomers(session, 5, languages=(("so", 4),))
    theirs = newcomers(session, 7, place="Kalmar", languages=(("uk", 4),))
    for newcomer in theirs:
        pair(session, newcomer, MatchStatus.ACTIVE, now_utc())
    soup = page(client.get("/coordinator/reports?lang=en").data)
    assert rows(soup, "all")["All newcomers"][:2] == ["5", "0%"]
    assert "Ukrainian" not in rows(soup, "language")
    assert list(rows(soup, "municipality")) == ["Nyköping"]
    with app.test_request_context("/?lang=en"):
        assert newcomer_report(session, kalmar.id).dimensions[0].groups[0].matched_share == 1
    assert sum(m.matches for m in matches_per_month(session, nykoping.id, now=now_utc(), tz=STOCKHOLM)) == 0
    assert sum(m.matches for m in matches_per_month(session, kalmar.id, now=now_utc(), tz=STOCKHOLM)) == 7


@pytest.mark.db
def test_the_report_asks_no_more_queries_as_newcomers_grow(client: FlaskClient, session: Session, engine: Engine,
                                                          coordinator) -> None:
    newcomers(session, 2)
    few = count_queries(engine, client, "/coordinator/reports")
    for newcomer in newcomers(session, 12, languages=(("so", 4), ("ar", 3))):
        pair(session, newcomer, MatchStatus.APPROVED, now_utc())
    assert count_queries(engine, client, "/coordinator/reports") == few
    assert count_queries(engine, client, "/coordinator/reports.csv") <= few + 2  # + the organisation, the audit


@pytest.mark.db
def test_pairs_per_month_count_calendar_months_in_stockholm(session: Session, nykoping: Organisation) -> None:
    (someone,) = newcomers(session, 1)

    def approved(when: datetime, status: MatchStatus = MatchStatus.ENDED) -> None:
        pair(session, someone, status, when)

    approved(datetime(2024, 3, 31, 21, 30, tzinfo=UTC))  # 23:30 on 31 March in Stockholm: before the year
    approved(datetime(2024, 3, 31, 22, 30, tzinfo=UTC))  # 00:30 on 1 April (summer time): the first month
    approved(datetime(2024, 10, 10, 12, 0, tzinfo=UTC))
    approved(datetime(2024, 10, 11, 12, 0, tzinfo=UTC), MatchStatus.REJECTED)  # rejected: not made
    approved(datetime(2024, 10, 12, 12, 0, tzinfo=UTC), MatchStatus.SUPERSEDED)
    approved(datetime(2025, 2, 28, 22, 59, tzinfo=UTC))  # 23:59 on 28 February (winter time)
    approved(datetime(2025, 2, 28, 23, 30, tzinfo=UTC))  # 00:30 on 1 March: this month
    approved(datetime(2025, 3, 15, 9, 0, tzinfo=UTC), MatchStatus.ACTIVE)
    pair(session, someone, MatchStatus.PROPOSED, None)

    months = matches_per_month(session, nykoping.id, now=NOW, tz=STOCKHOLM)
    assert [m.month.isoformat() for m in months] == [
        "2024-04-01", "2024-05-01", "2024-06-01", "2024-07-01", "2024-08-01", "2024-09-01",
        "2024-10-01", "2024-11-01", "2024-12-01", "2025-01-01", "2025-02-01", "2025-03-01"]
    assert [m.matches for m in months] == [1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 2]


def test_the_bars_fit_their_values_and_mirror_for_right_to_left() -> None:
    labels, values = ["jan.", "feb.", "mars"], [0, 5, 10]
    left = horizontal_bars(labels, values, ["0", "5", "10"])
    assert [bar.width for bar in left.bars] == [0, left.bars[2].width / 2, left.bars[2].width]
    assert left.bars[2].x + left.bars[2].width < WIDTH
    assert left.label_anchor == "end" and all(bar.label_x < left.axis_x for bar in left.bars)
    right = horizontal_bars(labels, values, ["0", "5", "10"], rtl=True)
    assert right.label_anchor == "start" and all(bar.label_x > right.axis_x for bar in right.bars)
    for mirrored, bar in zip(right.bars, left.bars, strict=True):
        assert mirrored.x == pytest.approx(WIDTH - bar.x - bar.width)
        assert mirrored.value_x == pytest.approx(WIDTH - bar.value_x)
    assert [bar.width for bar in horizontal_bars(["a"], [0], ["0"]).bars] == [0]
    with pytest.raises(ValueError, match="one entry per bar"):
        horizontal_bars(labels, values, ["0"])


@pytest.mark.db
def test_the_dashboard_shows_twelve_months_as_bars_and_as_a_table(client: FlaskClient, session: Session,
                                                                  coordinator) -> None:
    for newcomer in newcomers(session, 3):
        pair(session, newcomer, MatchStatus.APPROVED, now_utc())
    response = client.get("/coordinator/?lang=en")
    assert response.status_code == 200
    soup = page(response.data)
    section = soup.find(id="pairs-per-month-heading").find_parent("section")
    svg = section.find("svg")
    assert svg["role"] == "img" and svg["viewbox"].startswith("0 0 320 ") and svg["width"] == "100%"
    assert svg.find("title").get_text(strip=True) == "Pairs approved per month"
    assert "In all: 3." in svg.find("desc").get_text()
    assert len(svg.find_all("rect")) == 12
    assert [t.get_text() for t in svg.find_all("text", class_="chart-value")] == ["0"] * 11 + ["3"]
    figures = [td.get_text(strip=True) for td in section.find("details").find("tbody").find_all("td")]
    assert figures == ["0"] * 11 + ["3"]
    assert section.find(attrs={"style": True}) is None  # the Content-Security-Policy forbids style attributes
    assert section.find("a", href="/coordinator/reports")


@pytest.mark.db
@pytest.mark.parametrize(("lang", "direction"), [("sv", "ltr"), ("en", "ltr"), ("ar", "rtl"), ("fa_AF", "rtl")])
def test_reports_and_dashboard_render_in_each_language(client: FlaskClient, session: Session, coordinator,
                                                       lang: str, direction: str) -> None:
    newcomers(session, 5)
    for url in ("/coordinator/reports", "/coordinator/"):
        response = client.get(f"{url}?lang={lang}")
        assert response.status_code == 200, (url, lang)
        soup = page(response.data)
        assert soup.html["dir"] == direction
        assert len(soup.find_all("h1")) == 1
    reports = page(client.get(f"/coordinator/reports?lang={lang}").data)
    assert reports.find("a", href="/coordinator/reports.csv")
    for table in reports.select("table.report"):
        assert table.caption and all(th["scope"] == "col" for th in table.thead.find_all("th"))
        assert all(td.get("data-label") for td in table.tbody.find_all("td"))
    svg = page(client.get(f"/coordinator/?lang={lang}").data).find("svg")
    labels = svg.find_all("text", class_="chart-label")
    assert len(labels) == 12 and svg["direction"] == "ltr"
    assert all(t["text-anchor"] == ("start" if direction == "rtl" else "end") for t in labels)
