"""The forms of /me."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from ..fields import KompisForm, MultiCheckboxField, at_least_one, clean_text, options
from ..pairs.reach import Person
from ..person_form import SHARE_CHOICES


class AskForm(KompisForm):
    """The e-mail address or phone number a person gave when they signed up."""

    contact = StringField(
        _l("Your e-mail address or phone number"),
        filters=[clean_text],
        validators=[InputRequired(_l("Write the e-mail address or phone number you gave us")), Length(max=254)],
    )


class SharingForm(KompisForm):
    """Which of their contact details a person's kompis may get at the introduction."""

    page_order = ("share",)

    share = MultiCheckboxField(
        _l("What may your kompis get from us when we introduce you?"),
        validators=[at_least_one(_l("Choose what your kompis may get, so that you can reach each other"))],
    )

    def offer_details_of(self, person: Person) -> SharingForm:
        """Offer only the details the person has given."""
        held = {"email": person.email, "phone": person.phone}
        self.share.choices = options((kind, label) for kind, label in SHARE_CHOICES if held[kind])
        return self
