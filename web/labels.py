"""Words for stored codes, in the visitor's language: statuses, levels, slots."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from babel.lists import format_list
from flask import Flask
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from matcher.records import DAY_PARTS, DAYS

from .fields import availability_slots
from .i18n import current_language, language_name
from .interest_labels import catalog_word, interest_label
from .newcomer.forms import SWEDISH_LEVEL_LABELS
from .person_form import COMPONENT_LABELS

STATUS_LABELS = {
    "pending": _l("Waiting"),
    "active": _l("Active"),
    "paused": _l("Paused"),
    "matched": _l("Matched"),
    "withdrawn": _l("Withdrawn"),
}
LEVEL_LABELS = {1: _l("A little"), 2: _l("Well enough to talk"), 3: _l("Fluently"), 4: _l("Mother tongue")}
DAY_LABELS = dict(zip(DAYS, (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"),
                             _l("Friday"), _l("Saturday"), _l("Sunday")), strict=True))
PART_LABELS = dict(zip(DAY_PARTS, (_l("morning"), _l("afternoon"), _l("evening")), strict=True))
GENDER_LABELS = {"female": _l("Woman"), "male": _l("Man"), "other": _l("Other")}


def listing(items: Iterable[object], *, style: Literal["standard", "or"] = "standard") -> str:
    """Join words as the reader's language does ("a, b och c"; Arabic joins with "،")."""
    return format_list([str(item) for item in items], style=style, locale=current_language())


def availability_labels(mask: int) -> list[str]:
    """Return the free slots of a weekly mask in words ("Monday morning")."""
    labels = []
    for slot in availability_slots(mask):
        day, _, part = slot.partition("-")
        labels.append(f"{DAY_LABELS[day]} {PART_LABELS[part]}")
    return labels


def _code(value: Any) -> str:
    """Return the stored code of an enum member, or the value itself as text."""
    return str(getattr(value, "value", value))


def init_app(app: Flask) -> None:
    """Make the label helpers available in templates."""
    app.jinja_env.globals.update(
        status_label=lambda s: STATUS_LABELS.get(_code(s), s),
        level_label=lambda n: LEVEL_LABELS.get(n, n),
        gender_label=lambda g: GENDER_LABELS.get(_code(g), gettext("Not stated")),
        swedish_label=lambda s: SWEDISH_LEVEL_LABELS.get(s, s),
        availability_labels=availability_labels,
        translate=gettext,
        interest_labels=lambda interests: [interest_label(i.code, i.label) for i in interests],
        catalog_word=catalog_word,
    )
    app.jinja_env.filters["component_label"] = lambda c: COMPONENT_LABELS.get(c, c)
    app.jinja_env.filters["language_name"] = language_name
    app.jinja_env.filters["translate"] = gettext
    app.jinja_env.filters["listing"] = listing
