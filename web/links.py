"""Signed links sent by e-mail: purpose-bound, expiring and single-use.

A link carries the person's current `link_nonce`; using the link rotates the
nonce, so the same link cannot be used twice.
"""

from __future__ import annotations

import secrets
from typing import Protocol

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class LinkHolder(Protocol):
    id: int
    link_nonce: str


class LinkError(Exception):
    """An e-mailed link that cannot be used."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason  # "expired", "invalid" or "used"


def new_nonce() -> str:
    """Return a fresh random nonce for a person's links."""
    return secrets.token_hex(16)


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"kompis.{purpose}")


def sign(purpose: str, data: dict[str, object]) -> str:
    """Return a token carrying `data`, good only for `purpose`."""
    return _serializer(purpose).dumps(data)


def unsign(purpose: str, token: str, max_age: int) -> dict[str, object]:
    """Return the data a token for `purpose` carries, or raise LinkError."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise LinkError("expired") from exc
    except BadSignature as exc:
        raise LinkError("invalid") from exc
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        raise LinkError("invalid")
    return data


def make_link_token(purpose: str, person: LinkHolder) -> str:
    """Return a token for `purpose` (e.g. "volunteer-confirm") naming `person`."""
    return sign(purpose, {"id": person.id, "n": person.link_nonce})


def read_link_token(purpose: str, token: str, max_age: int) -> tuple[int, str]:
    """Return the (person id, nonce) a token carries, or raise LinkError."""
    data = unsign(purpose, token, max_age)
    return int(str(data["id"])), str(data.get("n", ""))


def check_nonce(person: LinkHolder | None, nonce: str) -> LinkHolder:
    """Return `person` if the link is still theirs to use, else raise LinkError."""
    if person is None:
        raise LinkError("invalid")
    if not secrets.compare_digest(person.link_nonce, nonce):
        raise LinkError("used")
    return person
