"""On PostgreSQL the audit log can only grow: the application's own statements cannot alter or remove an event."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import DBAPIError

from models import AuditEvent
from tests.conftest import POSTGRES_URL

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="the trigger is PostgreSQL's; `make test` runs this there")


def _event(engine: Engine) -> int:
    with engine.begin() as conn:
        return int(conn.execute(insert(AuditEvent).values(
            action="read", subject_type="volunteer", subject_id=1, detail={}, client_address="10.0.0.1",
        ).returning(AuditEvent.id)).scalar_one())


@pytest.mark.parametrize("statement", [
    lambda ident: update(AuditEvent).where(AuditEvent.id == ident).values(action="nothing_to_see"),
    lambda ident: update(AuditEvent).where(AuditEvent.id == ident).values(actor_id=None),
    lambda ident: delete(AuditEvent).where(AuditEvent.id == ident),
])
def test_an_audit_event_cannot_be_changed_or_deleted(engine: Engine, statement) -> None:
    ident = _event(engine)
    with pytest.raises(DBAPIError, match="can only be added to"), engine.begin() as conn:
        conn.execute(statement(ident))
    with engine.connect() as conn:
        assert conn.execute(select(AuditEvent.action).where(AuditEvent.id == ident)).scalar_one() == "read"


def test_events_are_still_added(engine: Engine) -> None:
    first, second = _event(engine), _event(engine)
    assert second > first
