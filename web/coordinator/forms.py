"""Staff forms: login and the buttons that change a person's state."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired, Length

from ..fields import KompisForm, clean_text


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
