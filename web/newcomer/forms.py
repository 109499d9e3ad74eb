"""The newcomer's request for a kompis, in plain language."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, StringField
from wtforms.validators import Email, InputRequired, Length, Optional, StopValidation

from models import SwedishLevel

from ..fields import (
    ChoiceField,
    MultiCheckboxField,
    RadioChoiceField,
    YearField,
    at_least_one,
    clean_text,
    options,
    phone_number,
)
from ..person_form import PersonForm

SWEDISH_LEVEL_LABELS = {
    SwedishLevel.NONE: _l("I do not speak Swedish yet"),
    SwedishLevel.SFI_A: _l("SFI course A"),
    SwedishLevel.SFI_B: _l("SFI course B"),
    SwedishLevel.SFI_C: _l("SFI course C"),
    SwedishLevel.SFI_D: _l("SFI course D"),
    SwedishLevel.FLUENT: _l("I speak Swedish well"),
}


class NewcomerForm(PersonForm):
    """What a newcomer tells us when asking for a kompis."""

    page_order = ("name", "phone", "email", "contact_language", "birth_year", "gender", "arrival_year", "place",
                  "max_distance_km", "swedish_level", "languages", "goals", "interests", "availability",
                  "gender_preference", "what_matters", "notes", "consent")

    phone = StringField(_l("Phone number"), filters=[clean_text], validators=[phone_number])
    email = EmailField(
        _l("E-mail address (optional)"),
        filters=[clean_text],
        validators=[
            Optional(),
            Length(max=254, message=_l("Enter an e-mail address of at most 254 characters")),
            Email(_l("Enter an e-mail address in the right format, like name@example.se")),
        ],
    )
    contact_language = ChoiceField(
        _l("Which language should we use when we contact you?"),
        validators=[InputRequired(_l("Choose a language for us to contact you in"))],
    )
    birth_year = YearField(
        _l("Year of birth"),
        min_year=1920,
        min_age=16,
        validators=[InputRequired(_l("Enter the year you were born"))],
    )
    arrival_year = YearField(_l("Year you came to Sweden (optional)"), min_year=1950)
    swedish_level = RadioChoiceField(
        _l("How much Swedish do you speak?"),
        choices=options(SWEDISH_LEVEL_LABELS.items()),
        validators=[InputRequired(_l("Choose how much Swedish you speak"))],
    )
    goals = MultiCheckboxField(
        _l("What would you like help with?"),
        validators=[at_least_one(_l("Choose at least one thing you would like help with"))],
    )

    def validate_phone(self, field: Any) -> None:
        if not field.data and not self.email.data:
            raise StopValidation(_l("Enter a phone number or an e-mail address, so we can reach you"))

    def validate_languages(self, field: Any) -> None:
        if not field.data and self.swedish_level.data in (None, "", SwedishLevel.NONE.value):
            raise StopValidation(_l("Choose at least one language you speak"))

    def offer_contact_languages(self, languages: list[tuple[str, str]]) -> None:
        """Offer the languages we can contact people in."""
        self.contact_language.choices = options([("", _l("Choose a language")), *languages])


class AssistedNewcomerForm(NewcomerForm):
    """The same request, filled in by staff together with the newcomer."""

    consent = BooleanField(
        validators=[InputRequired(_l("Confirm that the newcomer has heard and agreed to how we keep their details"))]
    )
