"""Staff forms for signing in and looking after one's own account."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import EqualTo, InputRequired, Length

from ..fields import KompisForm, clean_text
from ..passwords import MAX_LENGTH


class CodeForm(KompisForm):
    """The six digits from the authenticator app, or a recovery code."""

    code = StringField(
        _l("Code"),
        filters=[clean_text],
        validators=[InputRequired(_l("Enter the code from your authenticator app")), Length(max=40)],
    )


class NewPasswordForm(KompisForm):
    """A new password, typed twice."""

    password = PasswordField(
        _l("New password"),
        validators=[InputRequired(_l("Choose a password")), Length(max=MAX_LENGTH)],
    )
    repeat = PasswordField(
        _l("The new password again"),
        validators=[InputRequired(_l("Type the password again")),
                    EqualTo("password", _l("The two passwords are not the same"))],
    )


class PasswordChangeForm(NewPasswordForm):
    """The password in use, and a new one typed twice."""

    current = PasswordField(
        _l("Your password now"),
        validators=[InputRequired(_l("Enter the password you use now")), Length(max=MAX_LENGTH)],
    )


class ResetRequestForm(KompisForm):
    """The e-mail address of the account whose password is forgotten."""

    email = EmailField(
        _l("E-mail address"),
        filters=[clean_text],
        validators=[InputRequired(_l("Enter your e-mail address")), Length(max=254)],
    )
