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

    staff = False  # worded to the newcomer; see AssistedNewcomerForm
    page_order = ("name", "phone", "email", "share", "contact_language", "birth_year", "gender", "place",
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


# The same questions, put to the coordinator about the newcomer: by field, the label, and the
# message for a missing answer as the newcomer's form says it and as staff read it.
STAFF_WORDING: dict[str, tuple[Any, Any, Any]] = {
    "name": (_l("The newcomer's full name"), _l("Enter your name"), _l("Enter the newcomer's name")),
    "phone": (_l("The newcomer's phone number"), None, None),
    "email": (_l("The newcomer's e-mail address (optional)"), None, None),
    "share": (_l("What may the newcomer's kompis get from us at the introduction?"),
              _l("Choose what your kompis may get, so that you can reach each other"),
              _l("Choose what the kompis may get, so that they can reach each other")),
    "contact_language": (_l("Which language should we use when we contact the newcomer?"),
                         _l("Choose a language for us to contact you in"),
                         _l("Choose a language to contact the newcomer in")),
    "birth_year": (_l("The newcomer's year of birth"), _l("Enter the year you were born"),
                   _l("Enter the year the newcomer was born")),
    "gender": (_l("The newcomer's gender (optional)"), None, None),
    "place": (_l("Where does the newcomer live?"), _l("Choose the place where you live"),
              _l("Choose the place where the newcomer lives")),
    "max_distance_km": (_l("How far can the newcomer travel to meet?"), None, None),
    "swedish_level": (_l("How much Swedish does the newcomer speak?"), _l("Choose how much Swedish you speak"),
                      _l("Choose how much Swedish the newcomer speaks")),
    "languages": (_l("Languages the newcomer speaks"), None, None),
    "goals": (_l("What would the newcomer like help with?"),
              _l("Choose at least one thing you would like help with"),
              _l("Choose at least one thing the newcomer would like help with")),
    "interests": (_l("The newcomer's interests (optional)"), None, None),
    "availability": (_l("When is the newcomer usually free?"), _l("Choose at least one time when you are free"),
                     _l("Choose at least one time when the newcomer is free")),
    "gender_preference": (_l("Would the newcomer like their kompis to be a woman or a man?"), None, None),
    "what_matters": (_l("What matters most to the newcomer? (optional, at most two)"), None, None),
    "notes": (_l("Anything else we should know about the newcomer? (optional)"), None, None),
}


class AssistedNewcomerForm(NewcomerForm):
    """The same request, filled in by staff together with the newcomer, and worded to staff."""

    staff = True
    consent = BooleanField(
        validators=[InputRequired(_l("Confirm that the newcomer has heard and agreed to how we keep their details"))]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (label, _to_newcomer, _to_staff) in STAFF_WORDING.items():
            self[name].label.text = label

    def validate(self, extra_validators: Any = None) -> bool:
        """Validate as the request does, then word the messages for a missing answer to staff."""
        valid = super().validate(extra_validators)
        for name, (_label, to_newcomer, to_staff) in STAFF_WORDING.items():
            errors = self[name].errors
            if to_newcomer is not None and errors and str(errors[0]) == str(to_newcomer):
                self[name].errors = [to_staff, *errors[1:]]
        return valid
