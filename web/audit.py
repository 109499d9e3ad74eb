"""Recording who read or changed a person's data, a run or a pair."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.orm import Session

from models import AuditEvent, Coordinator, Organisation

# Subject types by model, as the audit log names them.
SUBJECT_TYPES = {"Volunteer": "volunteer", "Newcomer": "newcomer", "Match": "match", "MatchRun": "run",
                 "Organisation": "organisation"}


class Subject(Protocol):
    """What the log records an event about: a person, pair or run of one organisation."""

    id: int
    organisation_id: int


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
        )
    )
