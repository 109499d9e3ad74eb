"""A pair's later life in words: purposes and channels of messages, follow-up answers, concerns."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from models import Channel, MessagePurpose

PURPOSE_LABELS = {
    MessagePurpose.INTRODUCTION: _l("Introduction"),
    MessagePurpose.MEETING: _l("Invitation to a first meeting"),
    MessagePurpose.FOLLOW_UP: _l("Follow-up"),
    MessagePurpose.NUDGE: _l("Reminder to meet"),
    MessagePurpose.STILL_AVAILABLE: _l("Still available?"),
    MessagePurpose.PAUSED: _l("Sign-up paused"),
}
CHANNEL_NAMES = {Channel.EMAIL: _l("e-mail"), Channel.SMS: _l("SMS"), Channel.PHONE: _l("said on the phone")}
OFTEN_LABELS = {"weekly": _l("Every week"), "monthly": _l("A few times a month"), "rarely": _l("Less often")}
CONCERN_LABELS = {
    "not_met": _l("they have not met"),
    "wants_to_stop": _l("wants to stop"),
    "low_score": _l("says it goes badly"),
    "no_answer": _l("no answer in two weeks"),
}


def _value(code: Any) -> str:
    return str(getattr(code, "value", code))


def init_app(app: Flask) -> None:
    """Make these words available in templates."""
    app.jinja_env.globals.update(
        message_purpose_label=lambda p: PURPOSE_LABELS.get(MessagePurpose(_value(p)), p),
        channel_label=lambda c: CHANNEL_NAMES.get(Channel(_value(c)), c),
        often_label=lambda o: OFTEN_LABELS.get(o, o),
    )
    app.jinja_env.filters["concern_label"] = lambda c: str(CONCERN_LABELS.get(c, c))
