"""Everything Kompis holds about one person, as JSON (GDPR articles 15 and 20).

The export is walked from the database's own metadata, the way the purpose
register finds the tables about people: every row that refers to the person,
directly or through one of their pairs, and the audit events about them. A
table added later is in the export without anyone remembering to add it.
"""

from __future__ import annotations

import base64
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import Table, or_, select, true
from sqlalchemy.orm import Session

from models import Base, Newcomer, now_utc

from ..pairs.reach import Person
from .register import tables_about_people

# Never handed out: what makes the person's own links work, and staff's network addresses.
WITHHELD = {"link_nonce", "client_address"}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _rows(session: Session, table: Table, where: Any) -> list[dict[str, Any]]:
    columns = [c for c in table.columns if c.name not in WITHHELD]
    return [{c.name: _plain(v) for c, v in zip(columns, row, strict=True)}
            for row in session.execute(select(*columns).where(where))]


def _theirs(table: Table, kind: str, person_id: int) -> Any:
    """Return what keeps the other person's rows out: their messages, notes and follow-up answers."""
    own, other = f"{kind}_id", "volunteer_id" if kind == "newcomer" else "newcomer_id"
    if "side" in table.c:
        return table.c.side == kind
    if own in table.c and other in table.c:  # addressed to one of the two, or about the pair
        return (table.c[own] == person_id) | (table.c[own].is_(None) & table.c[other].is_(None))
    return true()


def _placed(row: dict[str, Any], person: Person) -> dict[str, Any]:
    """Return the person's own row; with protected identity, their municipality stands in for their place."""
    # A file leaves the database, and may be read by others than its owner: the place never does.
    if not person.protected:
        return row
    placed = {name: value for name, value in row.items() if name != "place_id"}
    placed["municipality"] = person.place.municipality.name
    return placed


def export(session: Session, person: Person) -> dict[str, Any]:
    """Return every row about `person`, table by table; their kompis's own rows stay out."""
    own = "newcomers" if isinstance(person, Newcomer) else "volunteers"
    kind = own[:-1]
    people = Base.metadata.tables[own]
    found: dict[str, list[dict[str, Any]]] = {own: [_placed(row, person)
                                                    for row in _rows(session, people, people.c.id == person.id)]}
    keys: dict[str, set[Any]] = {own: {person.id}}
    tables = [t for t in tables_about_people() if t.name not in ("audit_events", "volunteers", "newcomers")]
    grown = True
    while grown:  # a follow-up is theirs through a pair that is theirs
        grown = False
        for table in tables:
            links = [fk for fk in table.foreign_keys if keys.get(fk.column.table.name)]
            if not links:
                continue
            linked = or_(*(fk.parent.in_(keys[fk.column.table.name]) for fk in links))
            rows = _rows(session, table, linked & _theirs(table, kind, person.id))
            if len(rows) != len(found.get(table.name, [])):
                found[table.name] = rows
                if "id" in table.c:
                    keys[table.name] = {row["id"] for row in rows}
                grown = True
    audit = Base.metadata.tables["audit_events"]
    about = ((audit.c.subject_type == kind) & (audit.c.subject_id == person.id)) | (
        (audit.c.subject_type == "match") & audit.c.subject_id.in_(keys.get("matches", set())))
    found["audit_events"] = _rows(session, audit, about)
    return {"exported_at": now_utc().isoformat(), "person": kind, "tables": found}
