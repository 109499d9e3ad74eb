"""Staff forms of a pair's later life: the introduction, ending a pair, and an organisation's wordings."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, StringField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, StopValidation

from models import Channel, EndReason, Side

from ..fields import KompisForm, RadioChoiceField, clean_text, options
from ..pairs.calendar import Meeting
from ..pairs.introductions import Draft, Method

METHOD_LABELS = {
    Method.MESSAGE: _l("By message: each gets the other's contact details"),
    Method.MEETING: _l("At a first meeting that I book (matchningsträff)"),
}
CHANNEL_LABELS = {
    Channel.EMAIL: _l("By e-mail"),
    Channel.SMS: _l("By SMS"),
    Channel.PHONE: _l("I tell them on the phone or in person"),
}
END_LABELS = {
    EndReason.RAN_ITS_COURSE: _l("It went well, and the pair has run its course"),
    EndReason.NEVER_MET: _l("They never met"),
    EndReason.NOT_WORKING: _l("They met, but it did not work"),
    EndReason.MOVED: _l("One of them moved or has no time any more"),
    EndReason.PARTICIPANT_LEFT: _l("One of them left Kompis"),
    EndReason.OTHER: _l("Another reason"),
}


class ForMeeting:
    """Require a field for an introduction at a meeting, and ignore it (even malformed) for one by message.

    In place of ``Optional()``, which would stop the chain before the form's own
    ``validate_<field>`` and so let a meeting through without a date or time.
    """

    def __init__(self, message: Any) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        if form.method.data != Method.MEETING.value:
            field.errors[:] = []
            raise StopValidation()
        if field.data is None:
            field.errors[:] = []  # "Not a valid date value" says less than our message
            raise StopValidation(self.message)


class IntroduceForm(KompisForm):
    """How the coordinator introduces a pair; the messages follow in a preview."""

    page_order = ("method", "meeting_date", "meeting_time", "meeting_place", "channel_newcomer",
                  "channel_volunteer")

    method = RadioChoiceField(_l("How do you introduce them?"), default=Method.MESSAGE.value,
                              choices=options((m.value, METHOD_LABELS[m]) for m in Method),
                              validators=[InputRequired(_l("Choose how you introduce them"))])
    meeting_date = DateField(_l("Date of the meeting"),
                             validators=[ForMeeting(_l("Enter the date of the meeting, like 2026-12-24"))],
                             render_kw={"autocomplete": "off"})
    meeting_time = TimeField(_l("Time"), validators=[ForMeeting(_l("Enter the time of the meeting, like 17:30"))])
    meeting_place = StringField(_l("Place"), filters=[clean_text],
                                validators=[Length(max=200, message=_l("Write at most 200 characters"))])
    channel_newcomer = RadioChoiceField(_l("How does the newcomer get their message?"),
                                        validators=[InputRequired(_l("Choose how the newcomer gets it"))])
    channel_volunteer = RadioChoiceField(_l("How does the volunteer get their message?"),
                                         validators=[InputRequired(_l("Choose how the volunteer gets it"))])

    def offer_channels(self, side: Side, channels: list[Channel]) -> None:
        """Offer the ways this person can be reached, the usual one chosen."""
        field = self.channel_newcomer if side == Side.NEWCOMER else self.channel_volunteer
        field.choices = options((c.value, CHANNEL_LABELS[c]) for c in channels)
        if not field.data:
            field.data = channels[0].value

    def channel(self, side: Side) -> Channel:
        return Channel((self.channel_newcomer if side == Side.NEWCOMER else self.channel_volunteer).data)

    def validate_meeting_date(self, field: Any) -> None:
        if field.data < date.today():  # reached only for a meeting with a date (see ForMeeting)
            raise StopValidation(_l("Choose a date that has not passed"))
        if field.data > date.today() + timedelta(days=2 * 365):  # a slip of the keyboard, like 9999-12-31
            raise StopValidation(_l("Enter the date of the meeting, like 2026-12-24"))

    def validate_meeting_place(self, field: Any) -> None:
        if self.method.data == Method.MEETING.value and not field.data:
            raise StopValidation(_l("Enter where they meet"))

    @property
    def meeting(self) -> Meeting | None:
        """Return the meeting booked, in the organisation's time zone, or None for an introduction by message."""
        if self.method.data != Method.MEETING.value or self.meeting_date.data is None:
            return None
        zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
        chosen: time = self.meeting_time.data or time(0, 0)
        return Meeting(datetime.combine(self.meeting_date.data, chosen, tzinfo=zone), self.meeting_place.data or "")


class SendIntroductionForm(IntroduceForm):
    """The two messages as the coordinator edited them, with the choices they were drafted from."""

    subject_newcomer = StringField(_l("Subject"), filters=[clean_text],
                                   validators=[InputRequired(_l("Write a subject")), Length(max=200)])
    body_newcomer = TextAreaField(_l("Message"), validators=[InputRequired(_l("Write the message")),
                                                              Length(max=5000)])
    subject_volunteer = StringField(_l("Subject"), filters=[clean_text],
                                    validators=[InputRequired(_l("Write a subject")), Length(max=200)])
    body_volunteer = TextAreaField(_l("Message"), validators=[InputRequired(_l("Write the message")),
                                                               Length(max=5000)])
    told_newcomer = BooleanField(_l("I have told the newcomer this"))
    told_volunteer = BooleanField(_l("I have told the volunteer this"))

    def validate_told_newcomer(self, field: Any) -> None:
        if self.channel_newcomer.data == Channel.PHONE.value and not field.data:
            raise StopValidation(_l("Tell the newcomer first, then tick this box"))

    def validate_told_volunteer(self, field: Any) -> None:
        if self.channel_volunteer.data == Channel.PHONE.value and not field.data:
            raise StopValidation(_l("Tell the volunteer first, then tick this box"))

    def fill_from(self, drafts: dict[Side, Draft]) -> None:
        """Put the drafted words in the fields, for the coordinator to read and edit."""
        self.subject_newcomer.data, self.body_newcomer.data = drafts[Side.NEWCOMER].subject, drafts[Side.NEWCOMER].body
        self.subject_volunteer.data = drafts[Side.VOLUNTEER].subject
        self.body_volunteer.data = drafts[Side.VOLUNTEER].body

    def edited(self, drafts: dict[Side, Draft]) -> list[Draft]:
        """Return the drafts with the words as the coordinator left them."""
        for side, draft in drafts.items():
            draft.subject = self[f"subject_{side.value}"].data
            draft.body = self[f"body_{side.value}"].data.replace("\r\n", "\n").strip()
        return list(drafts.values())


class EndForm(KompisForm):
    """Why a pair ends: a reason from the list, and the coordinator's words."""

    reason = RadioChoiceField(_l("Why does the pair end?"),
                              choices=options((r.value, END_LABELS[r]) for r in EndReason),
                              message=_l("Choose why the pair ends"),
                              validators=[InputRequired(_l("Choose why the pair ends"))])
    note = TextAreaField(_l("What happened?"), filters=[clean_text],
                         validators=[InputRequired(_l("Write a few words about what happened")),
                                     Length(max=1000, message=_l("Write at most 1,000 characters"))])


class WordingForm(KompisForm):
    """An organisation's own wording of one message in one language."""

    subject = StringField(_l("Subject"), filters=[clean_text],
                          validators=[InputRequired(_l("Write a subject")), Length(max=200)])
    body = TextAreaField(_l("Message"), validators=[InputRequired(_l("Write the message")), Length(max=5000)])
    action = StringField(default="save")
