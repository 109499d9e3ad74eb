"""Form fields and validators shared by the sign-up, request and staff forms."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

import phonenumbers
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import Field, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation, ValidationError

import matcher
from matcher.records import DAY_PARTS, DAYS
from models.enums import LanguageLevel

# Characters no person types into a name or a note; PostgreSQL refuses NUL outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Bidirectional embeddings, overrides, isolates and marks, and zero-width spaces: never part of a name.
_INVISIBLE = re.compile(r"[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# A (non-)joiner that does not sit between two letters joins nothing.
_LOOSE_JOINER = re.compile(r"(?<![^\W\d_])[\u200c\u200d]|[\u200c\u200d](?![^\W\d_])")
# A one-line answer (a name) ends up in e-mails: a line break there could add lines of its own.
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")


class KompisForm(FlaskForm):
    """A form that refuses control characters in any text, and files in place of text, with a message."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            """Keep only text: a file posted in place of an answer is noted, and its field left empty."""
            wrapped = super().wrap_formdata(form, formdata)
            if wrapped is None or not hasattr(wrapped, "items"):
                return wrapped
            form._not_text = {key for key, value in wrapped.items(multi=True) if not isinstance(value, str)}
            if not form._not_text:
                return wrapped
            return MultiDict([(k, v) for k, v in wrapped.items(multi=True) if isinstance(v, str)])

    _not_text: set[str] = set()

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        return self.refuse_control_characters(self) and self._refuse_files() and valid

    def _refuse_files(self) -> bool:
        """Add a message to every field a file was posted to; tell whether there was none."""
        for name in self._not_text:
            if name in self._fields:
                self[name].errors = [*self[name].errors, _l("Write the answer as text")]
        return not self._not_text

    @staticmethod
    def refuse_control_characters(fields: Iterable[Field]) -> bool:
        """Add a message to every field holding a control character; tell whether none did."""
        clean = True
        for field in fields:
            values = field.data if isinstance(field.data, list) else [field.data]
            refused = _CONTROL if isinstance(field, TextAreaField) else _CONTROL_OR_BREAK
            if any(isinstance(v, str) and refused.search(v) for v in values):
                field.errors = [*field.errors, _l("Remove the special characters from this answer")]
                clean = False
        return clean

    # Field names in the order the page shows them, so the error summary reads top to bottom.
    page_order: tuple[str, ...] = ()

    def fields_in_page_order(self) -> list[Field]:
        """Return the fields in page order; fields not in `page_order` follow."""
        position = {name: n for n, name in enumerate(self.page_order)}
        return sorted(self, key=lambda field: position.get(field.name, len(position)))

    @property
    def csrf_refused(self) -> bool:
        """Tell whether the form was refused only because its token had expired."""
        token = getattr(self, "csrf_token", None)
        return bool(token is not None and token.errors)


CHOOSE_FROM_OPTIONS = _l("Choose from the options shown")


class ChoiceField(SelectField):
    """A drop-down list that refuses an answer not offered in our words, not WTForms' generic ones."""

    def __init__(self, *args: Any, message: Any = CHOOSE_FROM_OPTIONS, **kwargs: Any) -> None:
        super().__init__(*args, invalid_value_message=message, invalid_choice_message=message, **kwargs)


class RadioChoiceField(RadioField):
    """Radio buttons that refuse an answer not offered in our words."""

    def __init__(self, *args: Any, message: Any = CHOOSE_FROM_OPTIONS, **kwargs: Any) -> None:
        super().__init__(*args, invalid_value_message=message, invalid_choice_message=message, **kwargs)


def options(pairs: Iterable[tuple[Any, Any]], *, group: str | None = None) -> list[SelectChoice]:
    """Return (value, label) pairs as the choices a WTForms field takes."""
    return [SelectChoice(value, label, optgroup=group) for value, label in pairs]


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes whose answers form a list."""

    def pre_validate(self, form: Any) -> None:
        allowed = {str(value) for value, *_ in self.iter_choices()}
        if any(str(v) not in allowed for v in self.data or []):
            raise ValidationError(CHOOSE_FROM_OPTIONS)


def at_least_one(message: Any) -> Any:
    """Return a validator requiring at least one box ticked."""

    def check(form: Any, field: Field) -> None:
        if not field.data:
            raise StopValidation(message)

    return check


def at_most(count: int, message: Any) -> Any:
    """Return a validator allowing at most `count` boxes ticked."""

    def check(form: Any, field: Field) -> None:
        if field.data and len(field.data) > count:
            raise ValidationError(message)

    return check


class YearField(StringField):
    """A four-digit year, with our own messages instead of WTForms' generic ones."""

    def __init__(self, *args: Any, min_year: int, min_age: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.min_year = min_year
        self.min_age = min_age

    def process_formdata(self, valuelist: list[Any]) -> None:
        raw = valuelist[0].strip() if valuelist else ""
        self.raw_text = raw
        self.data = int(raw) if re.fullmatch(r"\d{4}", raw) else None

    def _value(self) -> str:
        return getattr(self, "raw_text", None) or ("" if self.data is None else str(self.data))

    def pre_validate(self, form: Any) -> None:
        raw = getattr(self, "raw_text", "")
        if not raw and not self.flags.required:
            return
        if self.data is None:
            raise StopValidation(_l("Enter a year with four digits, like 1985"))
        latest = date.today().year - self.min_age
        if not self.min_year <= self.data <= latest:
            raise StopValidation(
                _l("Enter a year between %(first)s and %(last)s", first=self.min_year, last=latest)
            )


def normalise_phone(raw: str) -> str | None:
    """Return a Swedish or international number in E.164 form, or None if it is not one."""
    try:
        number = phonenumbers.parse(raw, "SE")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_number(form: Any, field: Field) -> None:
    """Check a phone number and keep it in E.164 form."""
    if not field.data:
        field.data = None
        return
    normalised = normalise_phone(field.data)
    if normalised is None:
        raise ValidationError(
            _l("Enter a phone number like 070 123 45 67, or with a country code like +46 70 123 45 67")
        )
    field.data = normalised


def clean_text(value: str | None) -> str | None:
    """Trim and normalise typed text to NFC, so å typed two ways is stored one way."""
    if value is None:
        return None
    return unicodedata.normalize("NFC", value).strip()


def clean_name(value: str | None) -> str | None:
    """Clean a name like any text, drop the invisible characters that could disguise it, and let runs of
    spaces count as one.

    Bidirectional controls could make a name read differently from what is stored ("Anna" shown for
    "annA"), and zero-width characters make two names look alike. Dari and Persian names need the
    zero-width non-joiner inside a word (می‌), so it and the joiner stay between two letters.
    """
    cleaned = clean_text(value)
    if not cleaned:
        return cleaned
    cleaned = _INVISIBLE.sub("", cleaned)
    cleaned = _LOOSE_JOINER.sub("", cleaned)
    return re.sub(r"[ \u00a0]{2,}", " ", cleaned).strip()


# Weekly availability: one checkbox per day and part of day.
AVAILABILITY_CHOICES = [
    (f"{day}-{part}", f"{day}-{part}") for day in DAYS for part in DAY_PARTS
]


def availability_mask(slots: Iterable[str]) -> int:
    """Return the matcher's weekly mask of the ticked `day-part` slots."""
    pairs = []
    for slot in slots:
        day, _, part = slot.partition("-")
        pairs.append((DAYS.index(day), DAY_PARTS.index(part)))
    return matcher.availability_mask(pairs)


def availability_slots(mask: int) -> list[str]:
    """Return the `day-part` slots set in a weekly mask."""
    return [f"{DAYS[day]}-{DAY_PARTS[part]}" for day, part in matcher.availability_slots(mask)]


LEVEL_CHOICES = [level.value for level in LanguageLevel]


class LanguagesField(Field):
    """Languages with a level each: one select per listed language, plus two free rows.

    The form posts `languages-<code>=<level>` for the listed languages and
    `languages-other-<n>` / `languages-other-<n>-level` for the free rows.
    """

    OTHER_ROWS = 2

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.listed: Sequence[str] = ()
        self.allowed: Sequence[str] = ()
        self.others: list[tuple[str, str]] = [("", "")] * self.OTHER_ROWS
        self.data: dict[str, int] = {}
        self.problems: list[str] = []

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:
        self.process_errors: list[Any] = []
        self.data = dict(data) if isinstance(data, dict) else {}
        self.raw: dict[str, str] = {}
        if formdata is None:
            return
        prefix = f"{self.name}-"
        for key in formdata:
            if key.startswith(prefix) and not key.startswith(f"{prefix}other-"):
                self.raw[key.removeprefix(prefix)] = formdata.get(key, "")
        self.others = [
            (formdata.get(f"{prefix}other-{n}", ""), formdata.get(f"{prefix}other-{n}-level", ""))
            for n in range(1, self.OTHER_ROWS + 1)
        ]
        self.data = {}
        for code, level in [*self.raw.items(), *self.others]:
            if code and level:
                # Not str.isdigit(): it accepts "²", which int() refuses.
                self.data[code] = int(level) if re.fullmatch(r"[0-9]{1,2}", level) else -1

    def pre_validate(self, form: Any) -> None:
        allowed = set(self.allowed)
        if any(code not in allowed for code in self.data):
            raise StopValidation(_l("Choose languages from the list"))
        if any(level not in LEVEL_CHOICES for level in self.data.values()):
            raise StopValidation(_l("Choose how well you speak each language from the list"))
        if any(code and not level for code, level in self.others):
            raise StopValidation(_l("Choose how well you speak the language you added"))

    def level_of(self, code: str) -> int | None:
        """Return the level given for a language, for re-rendering the form."""
        return self.data.get(code)
