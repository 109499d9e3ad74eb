"""Runs, reasons and refusals in words, in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from matcher import Obstacle, ReasonKind, UnmatchedReason
from models import Interest, Newcomer, RejectReason

from ..i18n import language_name
from ..interest_labels import interest_label
from ..labels import DAY_LABELS, PART_LABELS, listing
from .runs import NEVER_STARTED, QUEUE_UNREACHABLE, WORKER_STOPPED

MODE_LABELS = {
    "stable": _l("Stable"),
    "optimal": _l("Maximum total"),
}
MODE_EXPLANATIONS = {
    "stable": _l("Nobody would both rather be with someone else. Newcomers get the best kompis they can."),
    "optimal": _l("More people matched, but some pairs would rather swap."),
}
STAGE_LABELS = {
    "load": _l("Reading the people"),
    "encode": _l("Preparing the people"),
    "candidates": _l("Finding who lives near whom"),
    "scoring": _l("Scoring the pairs"),
    "selection": _l("Choosing the candidates"),
    "stable": _l("Finding the stable assignment"),
    "optimal": _l("Finding the assignment with the largest total"),
    "explain": _l("Writing the reasons"),
    "totals": _l("Comparing the assignments"),
    "store": _l("Saving the proposals"),
}
REJECT_LABELS = {
    RejectReason.LANGUAGE: _l("They would not understand each other well enough"),
    RejectReason.DISTANCE: _l("Too far apart in practice"),
    RejectReason.TIMES: _l("Not free at the same times"),
    RejectReason.ACQUAINTED: _l("They already know each other"),
    RejectReason.PERSONAL: _l("Something I know about one of them"),
    RejectReason.OTHER: _l("Another reason"),
}
COMPONENT_NAMES = {
    "language": _l("Language"),
    "interests": _l("Interests"),
    "location": _l("Distance"),
    "availability": _l("Free times"),
    "goals": _l("Help wanted and offered"),
    "age": _l("Age"),
}
COMPONENT_EXPLANATIONS = {
    "language": _l("How well they can talk: the best language both speak, by the lower of their two levels. "
                   "A volunteer who speaks the mother tongue of a newcomer new to Swedish counts extra."),
    "interests": _l("The interests they share. A rare shared interest counts more than a common one."),
    "location": _l("How close they live. Nobody is proposed beyond the distance either of them can travel."),
    "availability": _l("How many of the newcomer's free times the volunteer is free too."),
    "goals": _l("How much of what the newcomer wants help with the volunteer offers."),
    "age": _l("How close they are in age. It counts only for people who asked for it."),
}
GROUP_SLOT_LABELS = {
    "weekday_morning": _l("weekday mornings"),
    "weekday_afternoon": _l("weekday afternoons"),
    "weekday_evening": _l("weekday evenings"),
    "weekend_morning": _l("weekend mornings"),
    "weekend_afternoon": _l("weekend afternoons"),
    "weekend_evening": _l("weekend evenings"),
}


def _slot(name: str) -> str:
    if name in GROUP_SLOT_LABELS:
        return str(GROUP_SLOT_LABELS[name])
    day, _sep, part = name.partition("_")
    return f"{DAY_LABELS[day]} {PART_LABELS[part]}"


def reason_text(reason: Mapping[str, Any], interests: Mapping[str, str], goals: Mapping[str, str]) -> str:
    """Return one stored reason in words ("Both speak Arabic")."""
    kind, values = reason.get("kind"), reason.get("values", [])
    if kind == ReasonKind.SHARED_LANGUAGE:
        return _("Both speak %(languages)s", languages=listing(language_name(v) for v in values))
    if kind == ReasonKind.MOTHER_TONGUE:
        return _("The volunteer speaks the newcomer's mother tongue, %(language)s",
                 language=listing(language_name(v) for v in values))
    if kind == ReasonKind.SHARED_INTERESTS:
        return _("Both like %(interests)s", interests=listing(interest_label(v, interests.get(v, v)) for v in values))
    if kind == ReasonKind.DISTANCE:
        km = int(reason.get("km") or 0)
        return _("Less than 1 km apart") if km == 0 else _("%(km)s km apart", km=km)
    if kind == ReasonKind.SHARED_AVAILABILITY:
        return _("Both free on %(times)s", times=listing(_slot(v) for v in values))
    if kind == ReasonKind.GOALS_COVERED:
        return _("The volunteer can help with %(goals)s", goals=listing(_(goals.get(v, v)) for v in values))
    if kind == ReasonKind.CLOSE_IN_AGE:
        years = int(reason.get("years") or 0)
        return _("Born the same year") if years == 0 else ngettext(
            "%(num)d year apart in age", "%(num)d years apart in age", years)
    return str(kind)


def reasons_text(reasons: Sequence[Mapping[str, Any]], interests: Mapping[str, str],
                 goals: Mapping[str, str]) -> list[str]:
    """Return a pair's stored reasons in words."""
    return [reason_text(r, interests, goals) for r in reasons]


def vocabulary_labels(rows: Iterable[Interest]) -> dict[str, str]:
    """Return code → English label, which gettext translates."""
    return {row.code: row.label for row in rows}


def usable_languages(newcomer: Newcomer, *, min_level: int = 2) -> list[str]:
    """Return the languages a newcomer speaks well enough to talk in, Swedish by their SFI level."""
    from .pools import SWEDISH_AS_LANGUAGE_LEVEL

    codes = [s.language_code for s in newcomer.languages if s.level >= min_level]
    if SWEDISH_AS_LANGUAGE_LEVEL[newcomer.swedish_level] >= min_level and "sv" not in codes:
        codes.append("sv")
    return codes


def unmatched_text(reason: str, obstacle: str, acceptable: int, newcomer: Newcomer,
                   max_distance_km: int | None) -> str:
    """Say why a run proposed nobody to a newcomer."""
    km = min(newcomer.max_distance_km, max_distance_km or newcomer.max_distance_km)
    if reason == UnmatchedReason.ALL_ACCEPTABLE_VOLUNTEERS_FULL:
        return ngettext("%(num)d volunteer would fit, but was matched with someone else first",
                        "%(num)d volunteers would fit, but were matched with others first", acceptable)
    if obstacle == Obstacle.TOO_FAR:
        return _("No volunteer with a free seat lives within %(km)s km", km=km)
    if obstacle == Obstacle.NO_SHARED_LANGUAGE:
        spoken = usable_languages(newcomer)
        if not spoken:
            return _("The newcomer speaks no language well enough to talk in yet")
        return _("No volunteer within %(km)s km speaks %(languages)s at their level", km=km,
                 languages=listing((language_name(c) for c in spoken), style="or"))
    if obstacle == Obstacle.GENDER_PREFERENCE:
        return _("The volunteers within reach who share a language do not fit the gender asked for")
    return _("Every volunteer who would fit was rejected before for this newcomer, or is not active")


def run_error_text(error: str) -> str:
    """Say in words why a run failed."""
    if error == WORKER_STOPPED:
        return _("The worker doing the run stopped before it finished, perhaps restarted or out of memory. "
                 "Nothing was saved. You can start a new run.")
    if error == NEVER_STARTED:
        return _("The run never started: the server was restarted before it began. Nothing was saved. "
                 "You can start a new run.")
    if error == QUEUE_UNREACHABLE:
        return _("The run could not be handed to a worker: the queue does not answer. Nothing was saved. "
                 "Ask whoever runs Kompis to check Redis, then start a new run.")
    return _("The run stopped because of an error, and nothing was saved. You can start a new run. "
             "The error was: %(error)s", error=error)


RUN_STATUS_LABELS = {"queued": _l("Waiting"), "running": _l("In progress"), "finished": _l("Finished"),
                     "failed": _l("Failed")}
MATCH_STATUS_LABELS = {
    "proposed": _l("Proposed"), "approved": _l("Approved"), "introduced": _l("Introduced"),
    "active": _l("Active"), "ended": _l("Ended"), "rejected": _l("Rejected"), "superseded": _l("Replaced"),
}
EVENT_LABELS = {"approved": _l("Approved"), "rejected": _l("Rejected"), "proposed_by_hand": _l("Proposed by hand"),
                "introduced": _l("Introduced"), "activated": _l("Marked active"), "ended": _l("Ended"),
                "nudged": _l("Reminded to meet")}


def _value(code: Any) -> str:
    return str(getattr(code, "value", code))


def init_app(app: Flask) -> None:
    """Make the words about runs and pairs available in templates."""
    from .runs import reason_data

    app.jinja_env.globals.update(
        mode_label=lambda m: MODE_LABELS.get(m, m),
        run_status_label=lambda s: RUN_STATUS_LABELS.get(_value(s), s),
        match_status_label=lambda s: MATCH_STATUS_LABELS.get(_value(s), s),
        event_label=lambda a: EVENT_LABELS.get(a, a),
        unmatched_text=unmatched_text,
        obstacle_text=lambda obstacle, newcomer: unmatched_text(
            UnmatchedReason.NO_ACCEPTABLE_VOLUNTEER, _value(obstacle), 0, newcomer, None),
        proposal_reasons=lambda proposal: [reason_data(r) for r in proposal.reasons],
    )
