"""The answers volunteers and newcomers both give, as one form base and its data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional, StopValidation

from models import MATCH_COMPONENTS, Gender

from . import choices
from .fields import (
    AVAILABILITY_CHOICES,
    ChoiceField,
    KompisForm,
    LanguagesField,
    MultiCheckboxField,
    RadioChoiceField,
    YearField,
    at_least_one,
    at_most,
    availability_mask,
    clean_name,
    clean_text,
    options,
)

DISTANCE_CHOICES = [2, 5, 10, 20, 30, 50]
COMPONENT_LABELS = {
    "language": _l("Speaking the same language"),
    "interests": _l("Sharing interests"),
    "location": _l("Living close by"),
    "availability": _l("Being free at the same times"),
    "goals": _l("Help with what I need / can offer"),
    "age": _l("Being close in age"),
}


SHARE_CHOICES = [("email", _l("My e-mail address")), ("phone", _l("My phone number"))]


def _gender_choices() -> list[SelectChoice]:
    return options([
        (Gender.FEMALE.value, _l("Woman")),
        (Gender.MALE.value, _l("Man")),
        (Gender.OTHER.value, _l("Other")),
        ("", _l("I prefer not to say")),
    ])


class PersonForm(KompisForm):
    """Fields shared by the volunteer sign-up and the newcomer request."""

    name = StringField(
        _l("Full name"),
        filters=[clean_name],
        validators=[
            InputRequired(_l("Enter your name")),
            Length(max=120, message=_l("Enter a name of at most 120 characters")),
        ],
    )
    share = MultiCheckboxField(
        _l("What may your kompis get from us when we introduce you?"),
        choices=options(SHARE_CHOICES),
        validators=[at_least_one(_l("Choose what your kompis may get, so that you can reach each other"))],
    )
    gender = RadioChoiceField(_l("Gender (optional)"), choices=_gender_choices(), default="", validators=[Optional()])
    place = ChoiceField(
        _l("Where do you live?"),
        coerce=int,
        message=_l("Choose the place where you live"),
        validators=[InputRequired(_l("Choose the place where you live"))],
    )
    max_distance_km = ChoiceField(
        _l("How far can you travel to meet?"),
        coerce=int,
        choices=options((d, _l("%(km)s km", km=d)) for d in DISTANCE_CHOICES),
        default=10,
    )
    languages = LanguagesField(_l("Languages you speak"))
    interests = MultiCheckboxField(_l("Interests (optional)"))
    availability = MultiCheckboxField(
        _l("When are you usually free?"),
        choices=options(AVAILABILITY_CHOICES),
        validators=[at_least_one(_l("Choose at least one time when you are free"))],
    )
    gender_preference = RadioChoiceField(
        _l("Would you like your kompis to be a woman or a man?"),
        choices=options([("", _l("It does not matter")), (Gender.FEMALE.value, _l("A woman")),
                         (Gender.MALE.value, _l("A man"))]),
        default="",
        validators=[Optional()],
    )
    what_matters = MultiCheckboxField(
        _l("What matters most to you? (optional, at most two)"),
        choices=options((c, COMPONENT_LABELS[c]) for c in MATCH_COMPONENTS),
        validators=[at_most(2, _l("Choose at most two things that matter most"))],
    )
    notes = TextAreaField(
        _l("Anything else you want us to know? (optional)"),
        filters=[clean_text],
        validators=[Length(max=1000, message=_l("Write at most 1,000 characters"))],
    )
    consent = BooleanField(
        validators=[InputRequired(_l("Tick the box to agree to how we keep and use your details"))]
    )
    # Left empty by people; filled in by robots that fill in every field.
    website = StringField(_l("Leave this field empty"), validators=[Optional(), Length(max=200)])

    def validate_share(self, field: Any) -> None:
        if "email" in (field.data or []) and not self.email.data:
            raise StopValidation(_l("You chose to share an e-mail address: enter it above, or untick it"))
        if "phone" in (field.data or []) and not self.phone.data:
            raise StopValidation(_l("You chose to share a phone number: enter it above, or untick it"))

    def offer_choices(self, session: Session, *, languages: list[str], listed: list[str]) -> None:
        """Fill in the choices that come from the reference data, in the UI language."""
        self.place.choices = choices.place_choices(session)
        self.interests.choices = choices.interest_choices(session)
        self.languages.allowed = languages
        self.languages.listed = listed
        self.language_options = choices.language_choices(languages)

    def is_robot(self) -> bool:
        """Tell whether the hidden field a person never sees was filled in."""
        return bool(self.website.data)


@dataclass
class PersonData:
    """What a person told us, checked and ready to store."""

    name: str
    email: str | None
    phone: str | None
    birth_year: int
    gender: str | None
    place_id: int
    max_distance_km: int
    languages: dict[str, int]
    interests: list[str]
    availability: int
    gender_preference: str | None
    what_matters: list[str]
    notes: str
    ui_language: str
    share: list[str] = field(default_factory=list)
    goals: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def person_data(form: Any, *, ui_language: str, goals: list[str], **extra: Any) -> PersonData:
    """Return the checked answers of a person form as plain data."""
    return PersonData(
        name=form.name.data,
        email=(form.email.data or None) and form.email.data.strip(),
        phone=form.phone.data or None,
        birth_year=form.birth_year.data,
        gender=form.gender.data or None,
        place_id=form.place.data,
        max_distance_km=form.max_distance_km.data,
        languages=dict(form.languages.data),
        interests=list(form.interests.data or []),
        availability=availability_mask(form.availability.data or []),
        gender_preference=form.gender_preference.data or None,
        what_matters=list(form.what_matters.data or []),
        notes=form.notes.data or "",
        ui_language=ui_language,
        share=list(form.share.data or []),
        goals=goals,
        extra=extra,
    )


__all__ = ["PersonForm", "PersonData", "person_data", "YearField", "COMPONENT_LABELS"]
