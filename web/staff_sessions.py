"""Staff sessions held on the server: an idle limit, an absolute limit, and ending them at once.

The signed cookie carries a random token and nothing else about the session.
A session starts when the password is right and counts as signed in only
once the second factor is given; then it is replaced by a new one, so the
token a browser held before signing in is worth nothing after.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, has_request_context, request
from flask import session as cookie
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from models import Coordinator, StaffSession, now_utc

COOKIE_KEY = "staff"
# Last activity is written at most this often, not on every page.
TOUCH_EVERY = timedelta(seconds=60)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def begin(session: Session, account: Coordinator, *, verified: bool) -> StaffSession:
    """Start a session of `account` in this browser, replacing whatever session it had."""
    end_current(session)
    token = secrets.token_urlsafe(32)
    now = now_utc()
    staff_session = StaffSession(
        token_hash=_hash(token), coordinator_id=account.id, created_at=now, last_seen_at=now,
        verified_at=now if verified else None,
        client_address=(request.remote_addr or "")[:45] if has_request_context() else "",
    )
    session.add(staff_session)
    cookie[COOKIE_KEY] = token
    return staff_session


def _limits() -> tuple[timedelta, timedelta]:
    config = current_app.config
    return (timedelta(minutes=config["STAFF_IDLE_MINUTES"]), timedelta(hours=config["STAFF_SESSION_HOURS"]))


def _live(staff_session: StaffSession | None, now: datetime) -> bool:
    if staff_session is None or staff_session.ended_at is not None:
        return False
    idle, absolute = _limits()
    return now - staff_session.last_seen_at < idle and now - staff_session.created_at < absolute


def current(session: Session, *, verified: bool = True) -> StaffSession | None:
    """Return this browser's session if it is still live (and signed in, unless `verified` is False)."""
    token = cookie.get(COOKIE_KEY)
    if not isinstance(token, str) or not token:
        return None
    staff_session = session.scalar(select(StaffSession).where(StaffSession.token_hash == _hash(token)))
    now = now_utc()
    if not _live(staff_session, now):
        return None
    assert staff_session is not None  # noqa: S101 - _live said so
    if (staff_session.verified_at is not None) != verified:
        return None
    if now - staff_session.last_seen_at >= TOUCH_EVERY:
        # The idle limit is held here; a write on a GET, but of the session's own clock only.
        session.execute(update(StaffSession).where(StaffSession.id == staff_session.id)
                        .values(last_seen_at=now))
        session.commit()
    return staff_session


def end_current(session: Session) -> None:
    """End this browser's session, if it has one."""
    token = cookie.pop(COOKIE_KEY, None)
    if isinstance(token, str) and token:
        session.execute(update(StaffSession).where(StaffSession.token_hash == _hash(token),
                                                   StaffSession.ended_at.is_(None)).values(ended_at=now_utc()))


def end_all(session: Session, account: Coordinator, *, keep: StaffSession | None = None) -> int:
    """End every session of `account` (but `keep`); return how many were live."""
    statement = update(StaffSession).where(StaffSession.coordinator_id == account.id,
                                           StaffSession.ended_at.is_(None))
    if keep is not None:
        statement = statement.where(StaffSession.id != keep.id)
    return session.execute(statement.values(ended_at=now_utc())).rowcount  # type: ignore[attr-defined]
