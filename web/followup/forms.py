"""The five follow-up questions, short enough for a phone."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length, StopValidation

from ..fields import KompisForm, RadioChoiceField, clean_text, options
from ..pairs.followups import OFTEN_CHOICES, Answers
from ..pairs.words import OFTEN_LABELS

YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]
GOING_LABELS = [("5", _l("5 – very well")), ("4", "4"), ("3", "3"), ("2", "2"), ("1", _l("1 – badly"))]


class FollowUpForm(KompisForm):
    """Have you met, how often, how is it going, do you want to go on, and anything else."""

    page_order = ("met", "often", "going", "go_on", "note")

    met = RadioChoiceField(_l("Have you met your kompis?"), choices=options(YES_NO),
                           validators=[InputRequired(_l("Answer whether you have met"))])
    often = RadioChoiceField(_l("How often do you meet?"),
                             choices=options((o, OFTEN_LABELS[o]) for o in OFTEN_CHOICES),
                             validate_choice=False)
    going = RadioChoiceField(_l("How is it going? (1 to 5)"), choices=options(GOING_LABELS),
                             validators=[InputRequired(_l("Choose a number from 1 to 5"))])
    go_on = RadioChoiceField(_l("Do you want to go on?"), choices=options(YES_NO),
                             validators=[InputRequired(_l("Answer whether you want to go on"))])
    note = TextAreaField(_l("Is there anything we should know? (optional)"), filters=[clean_text],
                         validators=[Length(max=1000, message=_l("Write at most 1,000 characters"))])

    def validate_often(self, field: Any) -> None:
        # Asked only of those who have met; the choice is checked here, since it may be left empty.
        if (self.met.data == "yes" and not field.data) or (field.data and field.data not in OFTEN_CHOICES):
            raise StopValidation(_l("Choose how often you meet"))

    @property
    def answers(self) -> Answers:
        """Return the answers as the pair's record keeps them."""
        met = self.met.data == "yes"
        return Answers(met=met, often=(self.often.data or "") if met else "", going=int(self.going.data),
                       go_on=self.go_on.data == "yes", note=self.note.data or "")
