"""Rate limits: generous per address (a whole SFI class may share one), strict per e-mail."""

from __future__ import annotations

import re

from flask import current_app, request

from .fields import normalise_phone


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


def contact_from_form() -> str:
    """Key a limit on the e-mail address posted, or else on the phone number.

    Never on the IP address: a whole SFI class may send phone-only requests from
    one library, and the per-IP limit already covers the address.
    """
    email = request.form.get("email", "").strip().casefold()
    if email:
        return f"email:{email[:254]}"
    phone = request.form.get("phone", "")[:40]
    digits = re.sub(r"\D", "", phone)
    return f"phone:{normalise_phone(phone) or digits}"


def no_contact_given() -> bool:
    """Tell whether a form names no e-mail address and no phone number (nothing to key on)."""
    return not (request.form.get("email", "").strip() or request.form.get("phone", "").strip())
