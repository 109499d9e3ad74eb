"""Staff accounts: loading the logged-in coordinator, logging in, creating accounts."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Coordinator, Organisation, Role, now_utc

from . import db
from .extensions import login_manager
from .links import new_nonce
from .passwords import DUMMY_HASH, MIN_LENGTH, hash_password, needs_rehash, verify_password
from .registration import email_key


def init_app(app: Flask) -> None:
    """Tell Flask-Login how to find a coordinator and where to log in."""
    login_manager.init_app(app)
    login_manager.login_view = "coordinator.login"
    login_manager.login_message = _l("Log in to see this page.")
    # Flask-Login flashes the message as it is; str() translates it in the visitor's language.
    login_manager.localize_callback = str
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_coordinator)


def load_coordinator(user_id: str) -> Coordinator | None:
    """Return the coordinator a session names, if the session is still theirs."""
    ident, _, nonce = user_id.partition(":")
    if not ident.isdigit():
        return None
    coordinator = db.session().get(Coordinator, int(ident))
    if coordinator is None or coordinator.session_nonce != nonce or not coordinator.active:
        return None
    return coordinator


def authenticate(session: Session, email: str, password: str) -> Coordinator | None:
    """Return the coordinator with these credentials, upgrading an old hash."""
    coordinator = session.scalar(select(Coordinator).where(Coordinator.email_key == email_key(email)))
    if coordinator is None or not coordinator.active:
        verify_password(DUMMY_HASH, password)  # same cost as a real check
        return None
    if not verify_password(coordinator.password_hash, password):
        return None
    if needs_rehash(coordinator.password_hash):
        coordinator.password_hash = hash_password(password)
    coordinator.last_login_at = now_utc()
    session.commit()
    return coordinator


class AccountError(ValueError):
    """A staff account that cannot be created as asked."""


def create_coordinator(
    session: Session, email: str, password: str, *, organisation: Organisation | None, admin: bool = False
) -> Coordinator:
    """Create a staff account; a coordinator belongs to one organisation."""
    if len(password) < MIN_LENGTH:
        raise AccountError(f"the password must have at least {MIN_LENGTH} characters")
    if organisation is None and not admin:
        raise AccountError("a coordinator needs an organisation (--org)")
    key = email_key(email)
    if not key or "@" not in key:
        raise AccountError(f"{email!r} is not an e-mail address")
    if session.scalar(select(Coordinator).where(Coordinator.email_key == key)) is not None:
        raise AccountError(f"there is already an account for {email}")
    coordinator = Coordinator(
        email=email.strip(),
        email_key=key,
        password_hash=hash_password(password),
        role=Role.ADMIN if admin else Role.COORDINATOR,
        organisation_id=organisation.id if organisation else None,
        session_nonce=new_nonce(),
    )
    session.add(coordinator)
    session.commit()
    return coordinator
