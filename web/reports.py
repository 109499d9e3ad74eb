"""Figures for the coordinator's reports: how long newcomers wait and how many are matched, by group;
and the dashboard's chart of pairs approved per month.

Everything is scoped to one organisation and read in a fixed number of queries, whatever the
number of newcomers. Small groups are suppressed here, in the service, so that no page or file
built on it can show them by mistake. Labels are in the request's language.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton
from flask_babel import format_date, format_decimal, get_timezone, gettext
from sqlalchemy import ColumnElement, String, Subquery, and_, case, func, select, type_coerce
from sqlalchemy.orm import Session

from models import (
    OPEN_MATCH_STATUSES,
    Gender,
    Match,
    MatchStatus,
    Municipality,
    Newcomer,
    NewcomerLanguage,
    PairStatistic,
    PersonStatus,
    Place,
    SwedishLevel,
    now_utc,
)

from .chart import BarChart, horizontal_bars
from .i18n import current_language, language_name, text_direction
from .labels import GENDER_LABELS, SWEDISH_LEVEL_LABELS

# A newcomer counts as matched once a pair with them was approved, also when it has ended since.
MATCHED_STATUSES = (*OPEN_MATCH_STATUSES, MatchStatus.ENDED)
# Fewer people than this in a group could be recognised from its figures: they are not shown.
SUPPRESS_BELOW = 5
DIMENSIONS = ("all", "language", "swedish_level", "gender", "municipality")
CSV_COLUMNS = ("dimension", "group", "newcomers", "matched_share", "median_wait_days", "suppressed")
_SECONDS_PER_DAY = 86400.0


@dataclass(frozen=True)
class Wait:
    """One newcomer's wait: days from their request to their first approved pair, or until now."""

    days: float
    matched: bool


@dataclass(frozen=True)
class Group:
    """One group of newcomers and its figures; the figures are None when the group is suppressed."""

    key: str
    label: str
    newcomers: int | None
    matched_share: float | None
    median_wait_days: float | None

    @property
    def suppressed(self) -> bool:
        """Tell whether the group is too small to show."""
        return self.newcomers is None


@dataclass(frozen=True)
class Dimension:
    """The newcomers grouped one way: by language, Swedish level, gender or municipality."""

    name: str
    groups: tuple[Group, ...]


@dataclass(frozen=True)
class Report:
    """Every dimension of the report, in the order the page shows them."""

    dimensions: tuple[Dimension, ...]


def summarise(key: str, label: str, waits: list[Wait]) -> Group:
    """Return a group's figures, or a suppressed group when it has fewer than SUPPRESS_BELOW people."""
    if len(waits) < SUPPRESS_BELOW:
        return Group(key, label, None, None, None)
    matched = sum(wait.matched for wait in waits)
    return Group(key, label, len(waits), matched / len(waits), statistics.median(w.days for w in waits))


def _first_matches(organisation_id: int) -> Subquery:
    """Return each newcomer's first approved pair: when it was decided."""
    return (select(Match.newcomer_id, func.min(Match.decided_at).label("decided_at"))
            .where(Match.organisation_id == organisation_id, Match.status.in_(MATCHED_STATUSES))
            .group_by(Match.newcomer_id).subquery("first_match"))


def _counted(organisation_id: int) -> ColumnElement[bool]:
    """Return who is counted: the organisation's newcomers, except those staff have not checked yet."""
    return and_(Newcomer.organisation_id == organisation_id, Newcomer.status != PersonStatus.PENDING)


def _wait(asked: datetime, decided: datetime | None, matched: bool, now: datetime) -> Wait:
    # A matched pair always has decided_at (approving sets it); `now` only guards old rows without one.
    end = decided if matched and decided is not None else now
    return Wait(max(0.0, (end - asked).total_seconds() / _SECONDS_PER_DAY), matched)


def newcomer_report(session: Session, organisation_id: int, *, now: datetime | None = None) -> Report:
    """Return the organisation's newcomers' figures, overall and by each dimension."""
    waits, municipality_names = _waits_by_group(session, organisation_id, now or now_utc())
    return Report((
        Dimension("all", (summarise("all", gettext("All newcomers"), waits["all"]["all"]),)),
        Dimension("language", _by_size(summarise(code, language_name(code), found)
                                       for code, found in waits["language"].items())),
        # Every level and gender has its row, also an empty one: the table keeps its shape.
        Dimension("swedish_level", tuple(summarise(level.value, str(SWEDISH_LEVEL_LABELS[level]),
                                                   waits["swedish_level"].get(level.value, []))
                                         for level in SwedishLevel)),
        Dimension("gender", tuple(summarise(gender, _gender_label(gender), waits["gender"].get(gender, []))
                                  for gender in [*(g.value for g in Gender), ""])),
        Dimension("municipality", tuple(sorted(
            (summarise(code, name, waits["municipality"][code]) for code, name in municipality_names.items()),
            key=lambda group: group.label.casefold()))),
    ))


def _waits_by_group(session: Session, organisation_id: int, now: datetime
                    ) -> tuple[dict[str, defaultdict[str, list[Wait]]], dict[str, str]]:
    """Return each counted newcomer's wait filed under each dimension's group, and municipalities' names.

    Two queries whatever the size: one row per newcomer, one per language they speak. Enums are read
    as their stored strings and the rows skip the ORM's loading, which counts at 100,000 newcomers.
    """
    first = _first_matches(organisation_id)
    connection = session.connection()
    people = connection.execute(
        select(Newcomer.id, Newcomer.created_at, first.c.decided_at, first.c.newcomer_id.is_not(None),
               type_coerce(Newcomer.swedish_level, String), type_coerce(Newcomer.gender, String),
               Municipality.code, Municipality.name)
        .join(Place, Place.id == Newcomer.place_id)
        .join(Municipality, Municipality.code == Place.municipality_code)
        .outerjoin(first, first.c.newcomer_id == Newcomer.id)
        .where(_counted(organisation_id))).all()
    by_id: dict[int, Wait] = {}
    waits: dict[str, defaultdict[str, list[Wait]]] = {name: defaultdict(list) for name in DIMENSIONS}
    municipality_names: dict[str, str] = {}
    for newcomer_id, asked, decided, matched, level, gender, code, municipality_name in people:
        wait = by_id[newcomer_id] = _wait(asked, decided, bool(matched), now)
        waits["all"]["all"].append(wait)
        waits["swedish_level"][level].append(wait)
        waits["gender"][gender or ""].append(wait)
        waits["municipality"][code].append(wait)
        municipality_names[code] = municipality_name
    spoken = connection.execute(
        select(NewcomerLanguage.newcomer_id, NewcomerLanguage.language_code)
        .join(Newcomer, Newcomer.id == NewcomerLanguage.newcomer_id).where(_counted(organisation_id))).all()
    for newcomer_id, code in spoken:
        waits["language"][code].append(by_id[newcomer_id])
    return waits, municipality_names


def _gender_label(gender: str) -> str:
    return str(GENDER_LABELS[gender]) if gender else gettext("Not stated")


def _by_size(groups: Iterable[Group]) -> tuple[Group, ...]:
    """Order shown groups largest first, then suppressed ones by name, whose sizes stay unsaid."""
    found = list(groups)
    shown = sorted((g for g in found if not g.suppressed), key=lambda g: (-(g.newcomers or 0), g.label.casefold()))
    hidden = sorted((g for g in found if g.suppressed), key=lambda g: g.label.casefold())
    return tuple(shown + hidden)


def report_csv(report: Report) -> str:
    """Return the report as CSV: one row per group, suppressed figures left empty and marked."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for dimension in report.dimensions:
        for group in dimension.groups:
            writer.writerow([
                dimension.name, safe_cell(group.label),
                "" if group.newcomers is None else group.newcomers,
                "" if group.matched_share is None else f"{group.matched_share:.4f}",
                "" if group.median_wait_days is None else f"{group.median_wait_days:.1f}",
                "suppressed" if group.suppressed else "",
            ])
    return out.getvalue()


def safe_cell(text: str) -> str:
    """Return `text` as a spreadsheet shows it, never runs it."""
    # A spreadsheet runs a cell starting with one of these as a formula.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@dataclass(frozen=True)
class MonthCount:
    """How many pairs were approved in one calendar month."""

    month: date
    matches: int


def month_starts(now: datetime, tz: tzinfo, *, months: int = 12) -> list[datetime]:
    """Return the starts of the last `months` calendar months in `tz`, this month last, then the next one's."""
    local = now.astimezone(tz)
    first = local.year * 12 + local.month - 1 - (months - 1)
    return [datetime(index // 12, index % 12 + 1, 1, tzinfo=tz) for index in range(first, first + months + 1)]


def matches_per_month(session: Session, organisation_id: int, *, now: datetime, tz: tzinfo,
                      months: int = 12) -> list[MonthCount]:
    """Return how many of the organisation's pairs were approved in each of the last `months` months.

    A month runs from midnight on its first day in `tz`. One row comes back, a sum per month,
    so the query is the same on SQLite and PostgreSQL and needs no date functions of either.
    """
    starts = month_starts(now, tz, months=months)
    sums = [func.coalesce(func.sum(case((and_(Match.decided_at >= start, Match.decided_at < end), 1), else_=0)), 0)
            for start, end in zip(starts[:-1], starts[1:], strict=True)]
    row = session.execute(select(*sums).where(
        Match.organisation_id == organisation_id, Match.status.in_(MATCHED_STATUSES),
        Match.decided_at >= starts[0], Match.decided_at < starts[-1])).one()
    # The pairs of people since erased, kept as counts; their day stands for their moment.
    kept = [func.coalesce(func.sum(case((and_(PairStatistic.decided_at >= start, PairStatistic.decided_at < end),
                                         1), else_=0)), 0) for start, end in zip(starts[:-1], starts[1:], strict=True)]
    erased = session.execute(select(*kept).where(PairStatistic.organisation_id == organisation_id)).one()
    return [MonthCount(start.date(), int(count) + int(more))
            for start, count, more in zip(starts[:-1], row, erased, strict=True)]


@dataclass(frozen=True)
class MatchesChart:
    """The dashboard's chart: the months' figures, their names, and the bars to draw."""

    months: tuple[MonthCount, ...]
    month_names: tuple[str, ...]
    total: int
    bars: BarChart


def matches_chart(session: Session, organisation_id: int, *, now: datetime | None = None) -> MatchesChart:
    """Return the organisation's pairs approved per month over the last 12 months, ready to draw.

    Months are calendar months in the app's time zone (Europe/Stockholm), where coordinators work.
    """
    tz = ZoneInfo(str(get_timezone() or "UTC"))
    months = matches_per_month(session, organisation_id, now=now or now_utc(), tz=tz)
    language = current_language()
    bars = horizontal_bars([format_date(m.month, "MMM") for m in months], [m.matches for m in months],
                           [format_decimal(m.matches) for m in months], rtl=text_direction(language) == "rtl")
    return MatchesChart(tuple(months), tuple(format_skeleton("yMMMM", m.month, locale=language) for m in months),
                        sum(m.matches for m in months), bars)
