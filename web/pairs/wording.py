"""The words of each message: Kompis's own in every language, or an organisation's, with placeholders checked.

A wording is text with placeholders in braces, `{kompis}`; each purpose knows
its own. An organisation's wording with a placeholder Kompis does not know, or
a brace left open, is refused with a message rather than sent half-filled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from string import Formatter

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import MessagePurpose, MessageTemplate

PLACEHOLDERS: dict[MessagePurpose, tuple[str, ...]] = {
    MessagePurpose.INTRODUCTION: ("name", "kompis", "common", "contact", "advice", "coordinator", "organisation"),
    MessagePurpose.MEETING: ("name", "kompis", "common", "contact", "date", "time", "place", "coordinator",
                             "organisation"),
    MessagePurpose.FOLLOW_UP: ("name", "kompis", "link", "organisation"),
    MessagePurpose.NUDGE: ("name", "kompis", "contact", "organisation"),
    MessagePurpose.STILL_AVAILABLE: ("name", "link", "organisation"),
    MessagePurpose.PAUSED: ("name", "link", "organisation"),
}

# Kompis's own wording, translated in every catalog; the placeholders stay in English.
DEFAULT_SUBJECTS = {
    MessagePurpose.INTRODUCTION: _l("Meet your kompis {kompis}"),
    MessagePurpose.MEETING: _l("Come and meet your kompis {kompis}"),
    MessagePurpose.FOLLOW_UP: _l("How is it going with {kompis}?"),
    MessagePurpose.NUDGE: _l("Have you met {kompis} yet?"),
    MessagePurpose.STILL_AVAILABLE: _l("Do you still want to be a kompis?"),
    MessagePurpose.PAUSED: _l("We have paused your sign-up"),
}
DEFAULT_BODIES = {
    MessagePurpose.INTRODUCTION: _l(
        "Hi {name},\n\nWe have found a kompis for you: {kompis}.\n\nWhat you have in common:\n{common}\n\n"
        "How you can reach {kompis}:\n{contact}\n\n{advice}\n\nBest wishes,\n{coordinator}, {organisation}"),
    MessagePurpose.MEETING: _l(
        "Hi {name},\n\nWe have found a kompis for you: {kompis}.\nCome and meet {kompis} together with us.\n\n"
        "When: {date} at {time}\nWhere: {place}\n\nWhat you have in common:\n{common}\n\n"
        "How you can reach {kompis}:\n{contact}\n\nThe invitation is attached. Save it in your calendar. "
        "If you cannot come, tell us.\n\nBest wishes,\n{coordinator}, {organisation}"),
    MessagePurpose.FOLLOW_UP: _l(
        "Hi {name},\n\nHow is it going with your kompis {kompis}? Answer five short questions. "
        "It takes two minutes.\n\n{link}\n\nThe link works for 30 days. Only we read your answers.\n\n"
        "{organisation}"),
    MessagePurpose.NUDGE: _l(
        "Hi {name},\n\nYou have not met {kompis} yet. Is it hard to find a time? "
        "Send {kompis} a message and suggest a day.\n\n{contact}\n\nTell us if you need help.\n\n{organisation}"),
    MessagePurpose.STILL_AVAILABLE: _l(
        "Hi {name},\n\nYou have waited a long time for a newcomer. Thank you! Do you still want to be a kompis? "
        "Answer here:\n\n{link}\n\nIf we do not hear from you in 30 days, we pause your sign-up. "
        "You can come back at any time.\n\n{organisation}"),
    MessagePurpose.PAUSED: _l(
        "Hi {name},\n\nWe did not hear from you, so we have paused your sign-up. Nobody will be proposed to you "
        "now.\n\nDo you want to be a kompis again? Open this link and answer yes:\n\n{link}\n\n{organisation}"),
}
ADVICE = _l(
    "A few words of advice for your first meeting: meet in a public place, like a café or the library. "
    "Decide together how often you want to meet. If something feels wrong, tell us.")
NO_DETAILS = _l("We will tell you how to reach each other.")


class WordingError(ValueError):
    """A wording Kompis cannot fill in; ``message`` says why, in the reader's language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Wording:
    """A message's subject and body, with placeholders still in them."""

    subject: str
    body: str


def check(text: str, purpose: MessagePurpose) -> None:
    """Raise `WordingError` unless every placeholder in `text` is one this purpose fills in."""
    allowed = PLACEHOLDERS[purpose]
    try:
        fields = [(name, spec, conversion) for _text, name, spec, conversion in Formatter().parse(text)
                  if name is not None]
    except ValueError:
        raise WordingError(_("A brace is not closed. Write each placeholder as {kompis}, "
                             "and a brace of its own as {{ or }}.")) from None
    for name, spec, conversion in fields:
        if name not in allowed or spec or conversion:
            raise WordingError(_("{%(name)s} is not a placeholder Kompis knows here. You can use: %(known)s.",
                                 name=name or "", known=", ".join(f"{{{p}}}" for p in allowed)))


def fill(text: str, values: Mapping[str, str]) -> str:
    """Return `text` with its placeholders filled in; `text` must have passed `check`."""
    return text.format_map(values)


def default_wording(purpose: MessagePurpose, language: str) -> Wording:
    """Return Kompis's own wording of a message in `language`."""
    with force_locale(language):
        return Wording(str(DEFAULT_SUBJECTS[purpose]), str(DEFAULT_BODIES[purpose]))


def wording_for(session: Session, organisation_id: int, purpose: MessagePurpose, language: str) -> Wording:
    """Return the organisation's wording of a message in `language`, or Kompis's own."""
    own = session.scalar(select(MessageTemplate).where(
        MessageTemplate.organisation_id == organisation_id, MessageTemplate.purpose == purpose,
        MessageTemplate.language == language))
    if own is not None:
        return Wording(own.subject, own.body)
    return default_wording(purpose, language)


def compose(wording: Wording, values: Mapping[str, str]) -> Wording:
    """Return the wording filled in; a subject stays on one line."""
    return Wording(" ".join(fill(wording.subject, values).split()), fill(wording.body, values).strip())
