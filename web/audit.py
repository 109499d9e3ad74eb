"""Recording who read or changed a person's data, a run or a pair."""

from __future__ import annotations

from typing import Protocol

from flask import has_request_context, request
from sqlalchemy.orm import Session

from models import AuditEvent, Coordinator, Organisation

# Subject types by model, as the audit log names them.
SUBJECT_TYPES = {"Volunteer": "volunteer", "Newcomer": "newcomer", "Match": "match", "MatchRun": "run",
                 "Organisation": "organisation", "Coordinator": "staff"}


class Subject(Protocol):
    """What the log records an event about: a person, pair, run or staff account of one organisation."""

    @property
    def id(self) -> int: ...

    @property
    def organisation_id(self) -> int | None: ...


def record(session: Session, actor: Coordinator | None, action: str, subject: Subject | Organisation,
           **detail: object) -> None:
    """Add an audit event about `subject`; committed with the work it describes."""
    session.add(
        AuditEvent(
            actor_id=actor.id if actor else None,
            organisation_id=subject.id if isinstance(subject, Organisation) else subject.organisation_id,
            action=action,
            subject_type=SUBJECT_TYPES.get(type(subject).__name__, type(subject).__name__.lower()),
            subject_id=subject.id,
            detail=dict(detail),
            client_address=_client_address(),
        )
    )


def _client_address() -> str:
    """Return the client's address (ProxyFix has put the trusted proxies' word in remote_addr)."""
    return (request.remote_addr or "")[:45] if has_request_context() else ""


def record_sign_in(session: Session, account: Coordinator | None, action: str, **detail: object) -> None:
    """Add a sign-in, a failed one, or a sign-out; a failure for an unknown address names no account."""
    session.add(AuditEvent(actor_id=account.id if account else None,
                           organisation_id=account.organisation_id if account else None, action=action,
                           subject_type="staff", subject_id=account.id if account else 0, detail=dict(detail),
                           client_address=_client_address()))
