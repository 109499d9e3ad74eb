"""Rate limits: generous per address (a whole SFI class may share one), strict per e-mail."""

from __future__ import annotations

from flask import current_app, request
from flask_limiter.util import get_remote_address


def signup_per_ip() -> str:
    """Return the limit on sign-ups from one IP address."""
    return str(current_app.config["RATELIMIT_SIGNUP_PER_IP"])


def signup_per_email() -> str:
    """Return the limit on sign-ups naming one e-mail address."""
    return str(current_app.config["RATELIMIT_SIGNUP_PER_EMAIL"])


def login_per_ip() -> str:
    """Return the limit on login attempts from one IP address."""
    return str(current_app.config["RATELIMIT_LOGIN_PER_IP"])


def login_per_email() -> str:
    """Return the limit on login attempts for one account."""
    return str(current_app.config["RATELIMIT_LOGIN_PER_EMAIL"])


def email_from_form() -> str:
    """Key a limit on the e-mail address posted, or on the IP address when there is none."""
    email = request.form.get("email", "").strip().casefold()
    return f"email:{email[:254]}" if email else f"ip:{get_remote_address()}"
