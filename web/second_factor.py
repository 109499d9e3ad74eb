"""The staff second factor: TOTP codes (RFC 6238) from an authenticator app, and recovery codes.

A code is accepted one step either side of now, for clocks that drift, and
never twice: the account keeps the last step it accepted. Recovery codes are
80 random bits, so an unsalted SHA-256 keeps them as safely as a slow hash
would, and a code is found by its hash.
"""

from __future__ import annotations

import base64
import hashlib
import io
import secrets
import time

import pyotp
import segno
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from models import Coordinator, RecoveryCode, now_utc

ISSUER = "Kompis"
RECOVERY_CODE_COUNT = 10
STEP_SECONDS = 30


def new_secret() -> str:
    """Return a fresh TOTP secret (160 bits, base32, as authenticator apps expect)."""
    return pyotp.random_base32(32)


def provisioning_uri(email: str, secret: str) -> str:
    """Return the otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_svg(uri: str, title: str) -> str:
    """Return the URI as an inline SVG QR code, drawn on the server; `title` is its text alternative."""
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff", title=title,
                                                     omitsize=True)


def qr_text(uri: str) -> str:
    """Return the URI as a QR code drawn with characters, for a terminal."""
    out = io.StringIO()
    segno.make(uri, error="m").terminal(out=out, compact=True)
    return out.getvalue()


def matching_step(secret: str, code: str, *, at: float | None = None) -> int | None:
    """Return the time step `code` belongs to, within one step of `at`, or None."""
    code = "".join(code.split())
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if at is None else at
    for offset in (0, -1, 1):
        moment = now + offset * STEP_SECONDS
        if secrets.compare_digest(totp.at(moment), code):
            return totp.timecode(moment)
    return None


def accept_code(session: Session, account: Coordinator, code: str) -> bool:
    """Tell whether `code` signs `account` in, and spend its step so it cannot be replayed.

    The step is claimed by a conditional UPDATE, so two requests racing with
    the same code cannot both win.
    """
    step = matching_step(account.totp_secret, code)
    if step is None:
        return False
    claimed = session.execute(
        update(Coordinator)
        .where(Coordinator.id == account.id)
        .where((Coordinator.totp_last_step.is_(None)) | (Coordinator.totp_last_step < step))
        .values(totp_last_step=step)
    )
    return claimed.rowcount == 1  # type: ignore[attr-defined]


def _code_hash(code: str) -> str:
    normal = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(normal.encode()).hexdigest()


def issue_recovery_codes(session: Session, account: Coordinator) -> list[str]:
    """Replace the account's recovery codes with ten new ones; return them for showing once."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.coordinator_id == account.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = base64.b32encode(secrets.token_bytes(10)).decode()
        code = "-".join(raw[i:i + 4] for i in range(0, 16, 4))
        session.add(RecoveryCode(coordinator_id=account.id, code_hash=_code_hash(code)))
        codes.append(code)
    return codes


def use_recovery_code(session: Session, account: Coordinator, code: str) -> bool:
    """Tell whether `code` is one of the account's unused recovery codes, and use it up."""
    if not 16 <= len(code) <= 40:
        return False
    used = session.execute(
        update(RecoveryCode)
        .where(RecoveryCode.coordinator_id == account.id, RecoveryCode.code_hash == _code_hash(code),
               RecoveryCode.used_at.is_(None))
        .values(used_at=now_utc())
    )
    return used.rowcount == 1  # type: ignore[attr-defined]


def recovery_codes_left(session: Session, account: Coordinator) -> int:
    """Return how many recovery codes the account has not used."""
    return session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.coordinator_id == account.id, RecoveryCode.used_at.is_(None))) or 0


def enrol(session: Session, account: Coordinator, secret: str, code: str) -> list[str] | None:
    """Give `account` the second factor `secret` if `code` proves the app has it; return recovery codes."""
    step = matching_step(secret, code)
    if step is None:
        return None
    account.totp_secret = secret
    account.totp_last_step = step
    return issue_recovery_codes(session, account)
