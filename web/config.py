"""Configuration: defaults for local use, overridden by the environment and by tests."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

# Bumped whenever the privacy notice changes, so every consent says which text it was.
PRIVACY_NOTICE_VERSION = "2026-12"

DEFAULTS: dict[str, Any] = {
    "DATABASE_URL": None,  # None: SQLite file in the instance folder
    "REDIS_URL": None,
    "SECRET_KEY": None,
    "DEVELOPMENT": False,
    "MAIL_SERVER": None,
    "MAIL_PORT": 587,
    "MAIL_USERNAME": None,
    "MAIL_PASSWORD": None,
    "MAIL_USE_TLS": True,  # STARTTLS on MAIL_PORT
    "MAIL_USE_SSL": False,  # implicit TLS, usually port 465
    "MAIL_SENDER": "Kompis <kompis@localhost>",
    "MAIL_OUTBOX": None,  # None: instance/outbox
    # Outbox files name people: `kompis purge-expired` removes those older than this many days.
    "OUTBOX_RETENTION_DAYS": 30,
    # An HTTP SMS gateway taking a JSON POST (see web/sms.py); None: SMS go to instance/outbox/sms.
    "SMS_GATEWAY_URL": None,
    "SMS_GATEWAY_TOKEN": None,
    "SMS_SENDER": "Kompis",
    # How long a follow-up link works.
    "FOLLOW_UP_LINK_MAX_AGE": int(timedelta(days=30).total_seconds()),
    # e.g. https://kompis.example.se: e-mailed links are built on it, never on the request's Host.
    "PUBLIC_URL": None,
    "PROXY_COUNT": 0,  # reverse proxies in front of the app whose X-Forwarded-* to trust
    "CONFIRM_LINK_MAX_AGE": int(timedelta(days=3).total_seconds()),
    # Staff: a session ends after this long without a page, and after this long in any case.
    "STAFF_IDLE_MINUTES": 30,
    "STAFF_SESSION_HOURS": 12,
    # How long an invitation to a staff account, and a password-reset link, work.
    "INVITATION_MAX_AGE": int(timedelta(days=7).total_seconds()),
    "PASSWORD_RESET_MAX_AGE": int(timedelta(hours=1).total_seconds()),
    # A newcomer filling in a form with staff may take over an hour: the token lives
    # as long as the session instead of the default hour.
    "WTF_CSRF_TIME_LIMIT": None,
    "MAX_CONTENT_LENGTH": 64 * 1024,
    "MAX_FORM_PARTS": 300,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": True,
    "SESSION_COOKIE_NAME": "kompis_session",
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_HEADERS_ENABLED": True,
    "RATELIMIT_SIGNUP_PER_IP": "200 per hour",
    "RATELIMIT_SIGNUP_PER_EMAIL": "5 per hour",
    "RATELIMIT_LOGIN_PER_IP": "30 per 10 minutes",
    "RATELIMIT_LOGIN_PER_EMAIL": "10 per 10 minutes",
    "PAGE_SIZE": 25,
    "PROPOSALS_PAGE_SIZE": 10,
    # A running run writes a heartbeat this often; one silent for RUN_STALE_SECONDS lost its worker.
    "RUN_HEARTBEAT_SECONDS": 5,
    "RUN_STALE_SECONDS": 60,
    "BABEL_DEFAULT_LOCALE": "sv",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Stockholm",
}

_ENV_TYPES: dict[str, type] = {
    "MAIL_PORT": int,
    "OUTBOX_RETENTION_DAYS": int,
    "MAIL_USE_TLS": bool,
    "MAIL_USE_SSL": bool,
    "PROXY_COUNT": int,
    "DEVELOPMENT": bool,
    "SESSION_COOKIE_SECURE": bool,
    "RATELIMIT_ENABLED": bool,
    "RUN_HEARTBEAT_SECONDS": int,
    "RUN_STALE_SECONDS": int,
    "FOLLOW_UP_LINK_MAX_AGE": int,
    "STAFF_IDLE_MINUTES": int,
    "STAFF_SESSION_HOURS": int,
    "INVITATION_MAX_AGE": int,
    "PASSWORD_RESET_MAX_AGE": int,
}


def _parse(name: str, raw: str) -> Any:
    kind = _ENV_TYPES.get(name, str)
    if kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if kind is int:
        return int(raw)
    return raw


def from_environment(environ: os._Environ[str] | dict[str, str]) -> dict[str, Any]:
    """Return the settings given in the environment, as `KOMPIS_X` or plain `X`."""
    found: dict[str, Any] = {}
    for name in DEFAULTS:
        for key in (f"KOMPIS_{name}", name):
            if key in environ and environ[key] != "":
                found[name] = _parse(name, environ[key])
                break
    if "REDIS_URL" in found and "RATELIMIT_STORAGE_URI" not in found:
        found["RATELIMIT_STORAGE_URI"] = found["REDIS_URL"]
    return found


def development_secret(instance_path: str | Path) -> str:
    """Return a secret kept in the instance folder, so local sessions survive restarts."""
    folder = Path(instance_path)
    path = folder / "secret_key"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


MISSING_SECRET = (
    "SECRET_KEY is not set. Kompis signs sessions and e-mailed links with it, so it "  # noqa: S105
    "must be secret and stable. Make one with\n"
    "    python -c 'import secrets; print(secrets.token_hex(32))'\n"
    "and set it as SECRET_KEY in the environment (or KOMPIS_DEVELOPMENT=1 for local use)."
)

MISSING_PUBLIC_URL = (
    "PUBLIC_URL is not set. Links in e-mails (confirm your address) are built on it, so that "
    "a forged Host header can never send people elsewhere. Set it to the address people "
    "reach, e.g. PUBLIC_URL=https://kompis.example.se (or KOMPIS_DEVELOPMENT=1 for local use)."
)
