"""Forms of the volunteer's journey: sign-up and e-mail confirmation."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField
from wtforms.validators import Email, InputRequired, Length, StopValidation

from ..fields import (
    KompisForm,
    MultiCheckboxField,
    RadioChoiceField,
    YearField,
    at_least_one,
    clean_text,
    options,
    phone_number,
)
from ..person_form import PersonForm


def _speaks_a_language(form: Any, field: Any) -> None:
    if not field.data:
        raise StopValidation(_l("Choose at least one language you speak and how well"))


class VolunteerForm(PersonForm):
    """Everything a volunteer tells us when signing up."""

    page_order = ("name", "email", "phone", "share", "birth_year", "gender", "place", "max_distance_km", "languages",
                  "help_offered", "interests", "availability", "capacity", "gender_preference", "what_matters",
                  "notes", "consent")

    email = EmailField(
        _l("E-mail address"),
        filters=[clean_text],
        validators=[
            InputRequired(_l("Enter your e-mail address")),
            Length(max=254, message=_l("Enter an e-mail address of at most 254 characters")),
            Email(_l("Enter an e-mail address in the right format, like name@example.se")),
        ],
    )
    phone = StringField(_l("Phone number (optional)"), filters=[clean_text], validators=[phone_number])
    birth_year = YearField(
        _l("Year of birth"),
        min_year=1920,
        min_age=18,
        validators=[InputRequired(_l("Enter the year you were born"))],
    )
    capacity = RadioChoiceField(
        _l("How many newcomers can you be a kompis for at the same time?"),
        coerce=int,
        choices=options([(1, "1"), (2, "2"), (3, "3")]),
        default=1,
        validators=[InputRequired(_l("Choose how many newcomers you can meet"))],
    )
    help_offered = MultiCheckboxField(
        _l("What can you help with?"),
        validators=[at_least_one(_l("Choose at least one thing you can help with"))],
    )

    def validate_languages(self, field: Any) -> None:
        _speaks_a_language(self, field)


class ConfirmEmailForm(KompisForm):
    """The button that confirms an e-mail address; a link alone never changes anything."""


class StillAvailableForm(KompisForm):
    """A volunteer's answer to "are you still available?"."""

    answer = RadioChoiceField(_l("Do you still want to be a kompis?"),
                              choices=options([("yes", _l("Yes, I still want to be a kompis")),
                                               ("no", _l("No, not now"))]),
                              validators=[InputRequired(_l("Choose yes or no"))])
