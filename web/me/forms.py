"""The forms of /me."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from ..fields import KompisForm, clean_text


class AskForm(KompisForm):
    """The e-mail address or phone number a person gave when they signed up."""

    contact = StringField(
        _l("Your e-mail address or phone number"),
        filters=[clean_text],
        validators=[InputRequired(_l("Write the e-mail address or phone number you gave us")), Length(max=254)],
    )
