"""Staff forms: login and the buttons that change a person's state."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from models import MATCH_COMPONENTS, RejectReason

from ..fields import ChoiceField, KompisForm, MultiCheckboxField, RadioChoiceField, at_least_one, clean_text, options
from ..matching.runs import MODES
from ..matching.words import COMPONENT_NAMES, MODE_LABELS, REJECT_LABELS


class LoginForm(KompisForm):
    """E-mail address and password of a staff account."""

    email = EmailField(
        _l("E-mail address"),
        filters=[clean_text],
        validators=[InputRequired(_l("Enter your e-mail address")), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Enter your password")), Length(max=200)],
    )


class ActionForm(KompisForm):
    """A button that posts one action, protected by the CSRF token."""


RUN_DISTANCES = (5, 10, 20, 30, 50)
WEIGHT_LEVELS = {0: _l("Does not count"), 1: _l("A little"), 2: _l("Some"), 3: _l("Much"), 4: _l("Very much")}


class RunForm(KompisForm):
    """How to run the matching: which assignment, and how far people may live apart."""

    mode = RadioChoiceField(_l("Which pairs should the run propose?"), default="stable",
                            choices=options((m, MODE_LABELS[m]) for m in MODES))
    max_distance_km = ChoiceField(
        _l("Longest distance between a newcomer and a volunteer"), default="",
        choices=options([("", _l("As far as each person said they can travel")),
                         *((str(km), _l("At most %(km)s km", km=km)) for km in RUN_DISTANCES)]),
    )

    @property
    def distance(self) -> int | None:
        """Return the chosen maximum distance, or None for each person's own."""
        return int(self.max_distance_km.data) if self.max_distance_km.data else None


class RejectForm(KompisForm):
    """Why a coordinator rejects a pair: a reason from the list, and words if they like."""

    reason = RadioChoiceField(
        _l("Why does this pair not fit?"),
        choices=options((r.value, REJECT_LABELS[r]) for r in RejectReason),
        message=_l("Choose why the pair does not fit"),
        validators=[InputRequired(_l("Choose why the pair does not fit"))],
    )
    note = TextAreaField(_l("Anything to add? (optional)"), filters=[clean_text],
                         validators=[Length(max=1000, message=_l("Write at most 1,000 characters"))])


class BulkDecisionForm(RejectForm):
    """Approve or reject many proposed pairs at once."""

    page_order = ("pairs", "decision", "reason", "note")

    decision = RadioChoiceField(_l("What to do with the chosen pairs"),
                                choices=options([("approve", _l("Approve")), ("reject", _l("Reject"))]),
                                message=_l("Choose whether to approve or reject"),
                                validators=[InputRequired(_l("Choose whether to approve or reject"))])
    pairs = MultiCheckboxField(_l("Pairs"), coerce=int,
                               validators=[at_least_one(_l("Choose at least one pair"))])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.decision.data != "reject":
            self.reason.validators = [Optional()]
            self.reason.flags.required = False


class WeightsForm(KompisForm):
    """The organisation's default weight of each part of the score, in plain words."""

    action = StringField(default="preview")


for _component in MATCH_COMPONENTS:
    setattr(WeightsForm, _component, ChoiceField(
        COMPONENT_NAMES[_component], coerce=int, default=2,
        choices=options(WEIGHT_LEVELS.items())))
