"""The admin's forms: an organisation, an invitation, an account's role, the audit log's filters."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, EmailField, IntegerField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional, ValidationError

from models import MATCH_COMPONENTS, ErasurePolicy, Role

from ..coordinator.forms import WEIGHT_LEVELS
from ..fields import ChoiceField, KompisForm, RadioChoiceField, clean_text, options
from ..matching.words import COMPONENT_NAMES

ERASURE_LABELS = {
    ErasurePolicy.ERASE: _l("Erase: people's data is erased when the retention period ends (an NGO)"),
    ErasurePolicy.DISPOSAL_DECISION: _l("Disposal decision: due records wait for a recorded decision "
                                        "(a public body under archive law)"),
}
ROLE_LABELS = {Role.COORDINATOR: _l("Coordinator"), Role.ADMIN: _l("Admin")}


class OrganisationForm(KompisForm):
    """An organisation's name, where it works, its rules for data and its contact details."""

    name = StringField(_l("Name"), filters=[clean_text],
                       validators=[InputRequired(_l("Give the organisation a name")), Length(max=160)])
    municipalities = TextAreaField(
        _l("Municipalities served, one per line"), filters=[clean_text],
        validators=[InputRequired(_l("Name at least one municipality")), Length(max=4000)])
    retention_months = IntegerField(
        _l("Retention period in months, after a person's last activity"), default=24,
        validators=[InputRequired(_l("Give the retention period in months")),
                    NumberRange(1, 120, _l("Give a number of months from 1 to 120"))])
    erasure_policy = RadioChoiceField(
        _l("When the retention period ends"), default=ErasurePolicy.ERASE.value,
        choices=options((p.value, label) for p, label in ERASURE_LABELS.items()))
    proposal_days = IntegerField(
        _l("Days a proposal may wait for a decision before it is flagged"), default=7,
        validators=[InputRequired(_l("Give a number of days")),
                    NumberRange(1, 90, _l("Give a number of days from 1 to 90"))])
    contact_email = EmailField(_l("Contact e-mail address"), filters=[clean_text],
                               validators=[Optional(), Email(_l("Enter an e-mail address like "
                                                                "namn@example.se")), Length(max=254)])
    contact_phone = StringField(_l("Contact phone number"), filters=[clean_text],
                                validators=[Optional(), Length(max=40)])
    contact_address = TextAreaField(_l("Postal address"), filters=[clean_text],
                                    validators=[Optional(), Length(max=300)])


for _component in MATCH_COMPONENTS:
    setattr(OrganisationForm, f"weight_{_component}", ChoiceField(
        COMPONENT_NAMES[_component], coerce=int, default=2, choices=options(WEIGHT_LEVELS.items())))


class InviteForm(KompisForm):
    """Who to invite, in which role and organisation."""

    email = EmailField(_l("E-mail address"), filters=[clean_text],
                       validators=[InputRequired(_l("Enter an e-mail address")),
                                   Email(_l("Enter an e-mail address like namn@example.se")), Length(max=254)])
    role = RadioChoiceField(_l("Role"), default=Role.COORDINATOR.value,
                            choices=options((r.value, label) for r, label in ROLE_LABELS.items()))
    organisation = ChoiceField(_l("Organisation"), default="")


class AccountForm(KompisForm):
    """An account's role and organisation."""

    role = RadioChoiceField(_l("Role"), choices=options((r.value, label) for r, label in ROLE_LABELS.items()))
    organisation = ChoiceField(_l("Organisation"), default="")


def _a_date_of_our_time(form: KompisForm, field: DateField) -> None:
    """Refuse a date the log cannot hold, rather than fail on it: the year 1, the year 9999."""
    if field.data is not None and not 2000 <= field.data.year <= 2100:
        raise ValidationError(_l("Enter a date like 2026-12-24"))


class AuditFilterForm(KompisForm):
    """Which audit events to show: by person, staff account, action and date."""

    class Meta(KompisForm.Meta):
        csrf = False  # a GET search form

    subject = StringField(_l("Person, pair or account"), filters=[clean_text], validators=[Optional(),
                          Length(max=40)], description=_l("For example volunteer 12, newcomer 7 or match 3"))
    actor = ChoiceField(_l("Staff account"), default="")
    action = ChoiceField(_l("Action"), default="")
    start = DateField(_l("From"), validators=[Optional(), _a_date_of_our_time])
    end = DateField(_l("To"), validators=[Optional(), _a_date_of_our_time])
