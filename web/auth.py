"""Staff accounts: who is signed in, checking a password, creating and changing accounts."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Coordinator, Organisation, Role, now_utc

from . import db, staff_sessions
from .extensions import login_manager
from .links import new_nonce
from .passwords import DUMMY_HASH, hash_password, needs_rehash, password_problem, verify_password
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
    """Return the signed-in account, if this browser's session on the server is live and fully signed in.

    A password alone starts a session that is not signed in, so it never
    reaches here as a user: every staff page and POST also needs the code.
    """
    staff_session = staff_sessions.current(db.session())
    if staff_session is None or str(staff_session.coordinator_id) != user_id:
        return None
    account = staff_session.coordinator
    return account if account.active else None


def authenticate(session: Session, email: str, password: str) -> Coordinator | None:
    """Return the account with these credentials, upgrading an old hash."""
    account = session.scalar(select(Coordinator).where(Coordinator.email_key == email_key(email)))
    if account is None or not account.active or not account.password_hash:
        verify_password(DUMMY_HASH, password)  # same cost as a real check
        return None
    if not verify_password(account.password_hash, password):
        return None
    if needs_rehash(account.password_hash):
        account.password_hash = hash_password(password)
    return account


class AccountError(ValueError):
    """A staff account that cannot be created or changed as asked."""


def set_password(session: Session, account: Coordinator, password: str) -> None:
    """Give `account` a new password and end all its sessions; links sent before stop working."""
    problem = password_problem(password, email=account.email)
    if problem:
        raise AccountError(problem)
    account.password_hash = hash_password(password)
    account.password_changed_at = now_utc()
    account.link_nonce = new_nonce()
    staff_sessions.end_all(session, account)


def create_coordinator(
    session: Session, email: str, password: str | None, *, organisation: Organisation | None,
    admin: bool = False, totp_secret: str = "",
) -> Coordinator:
    """Create a staff account; a coordinator belongs to one organisation.

    Without a password the account waits for its invitation to be accepted.
    """
    if organisation is None and not admin:
        raise AccountError("a coordinator needs an organisation (--org)")
    key = email_key(email)
    if not key or "@" not in key:
        raise AccountError(f"{email!r} is not an e-mail address")
    if session.scalar(select(Coordinator).where(Coordinator.email_key == key)) is not None:
        raise AccountError(f"there is already an account for {email}")
    account = Coordinator(
        email=email.strip(), email_key=key, password_hash="",
        role=Role.ADMIN if admin else Role.COORDINATOR,
        organisation_id=organisation.id if organisation else None,
        link_nonce=new_nonce(), totp_secret=totp_secret,
    )
    session.add(account)
    if password is not None:
        set_password(session, account, password)
    session.flush()
    return account
