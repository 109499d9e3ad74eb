"""Recording who read or changed a person's data."""

from __future__ import annotations

from sqlalchemy.orm import Session

from models import AuditEvent, Coordinator, Newcomer, Volunteer


def record(
    session: Session, actor: Coordinator | None, action: str, person: Volunteer | Newcomer, **detail: object
) -> None:
    """Add an audit event for `person`; committed with the work it describes."""
    session.add(
        AuditEvent(
            actor_id=actor.id if actor else None,
            organisation_id=person.organisation_id,
            action=action,
            subject_type=type(person).__name__.lower(),
            subject_id=person.id,
            detail=dict(detail),
        )
    )
