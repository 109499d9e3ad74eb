"""The newcomer's request in short steps, one topic each, that work without JavaScript.

Answers wait in the visitor's own session cookie until the last step sends them,
so nothing of an unfinished request is stored on the server; each step is a
page of its own, so the browser's Back button shows the answers already given.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import session as cookie
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from .forms import NewcomerForm

DRAFT = "newcomer_request"


@dataclass(frozen=True)
class Step:
    """One page of the request: its address, heading and fields."""

    slug: str
    title: Any
    fields: tuple[str, ...]


STEPS = (
    Step("about", _l("About you"), ("name", "phone", "email", "share", "contact_language", "birth_year", "gender",
                                    "website")),
    Step("where", _l("Where you live"), ("place", "max_distance_km")),
    Step("languages", _l("Languages"), ("swedish_level", "languages")),
    Step("kompis", _l("Your kompis"), ("goals", "interests")),
    Step("times", _l("When you are free"), ("availability",)),
    Step("wishes", _l("Your wishes"), ("gender_preference", "what_matters", "notes")),
    Step("send", _l("Your personal data"), ("consent",)),
)
BY_SLUG = {step.slug: step for step in STEPS}


def step_named(slug: str | None) -> Step:
    """Return the step a link names, or the first."""
    return BY_SLUG.get(slug or "", STEPS[0])


def neighbour(step: Step, offset: int) -> Step | None:
    """Return the step before (-1) or after (+1), if any."""
    at = STEPS.index(step) + offset
    return STEPS[at] if 0 <= at < len(STEPS) else None


def _owns(step: Step, key: str) -> bool:
    # The languages question posts one key per language: languages-ar, languages-other-1, ...
    return any(key == name or key.startswith(f"{name}-") for name in step.fields)


def draft() -> MultiDict[str, str]:
    """Return the answers given so far."""
    return MultiDict([(key, value) for key, values in cookie.get(DRAFT, {}).items() for value in values])


def keep(step: Step, posted: MultiDict[str, str]) -> MultiDict[str, str]:
    """Replace the step's answers in the draft with those posted; return every answer so far."""
    answers = {key: values for key, values in cookie.get(DRAFT, {}).items() if not _owns(step, key)}
    for key in posted:
        if _owns(step, key):
            answers[key] = [value[:1000] for value in posted.getlist(key)[:30]]
    cookie[DRAFT] = answers
    return draft()


def forget() -> None:
    """Drop the draft once the request is sent."""
    cookie.pop(DRAFT, None)


def validate_step(form: NewcomerForm, step: Step) -> bool:
    """Check only the fields of one step, with the same rules as the whole form."""
    valid = form.csrf_token.validate(form) if hasattr(form, "csrf_token") else True
    for name in step.fields:
        field = form[name]
        inline = getattr(type(form), f"validate_{name}", None)
        valid &= field.validate(form, [inline] if inline else [])
    return form.refuse_control_characters(form[name] for name in step.fields) and bool(valid)


def first_step_with_errors(form: NewcomerForm) -> Step:
    """Return the first step holding a field the whole form refused."""
    for step in STEPS:
        if any(form[name].errors for name in step.fields):
            return step
    return STEPS[-1]


def fields_of(step: Step, form: NewcomerForm) -> Iterable[Any]:
    """Return the step's fields, for the error summary."""
    return [form[name] for name in step.fields]
