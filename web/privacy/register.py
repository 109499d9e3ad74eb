"""The purpose register: every column that holds something about a person, with why it is kept.

It is the one place that says what each piece of personal data is for, on what
legal basis (GDPR article 6) and for how long. The admin's record of processing
(article 30) is generated from it, and a test fails when a column of a table
about people has no entry, so a column added later cannot go unexplained.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import Table

from models import Base


class Purpose(enum.StrEnum):
    """Why Kompis keeps something about a person."""

    MATCHING = "matching"
    CONTACT = "contact"
    INTRODUCTION = "introduction"
    FOLLOW_UP = "follow_up"
    ACCOUNTABILITY = "accountability"
    PROTECTION = "protection"


class Basis(enum.StrEnum):
    """The legal basis of a purpose (GDPR article 6(1))."""

    CONSENT = "consent"  # (a): the person asked for a kompis, or offered to be one
    LEGAL_OBLIGATION = "legal_obligation"  # (c): showing what was agreed and who read what (articles 5(2), 30, 32)


class Kept(enum.StrEnum):
    """How long it is kept."""

    RETENTION = "retention"  # the organisation's retention period after the person's last activity
    UNCONFIRMED = "unconfirmed"  # an unconfirmed sign-up: 30 days
    LINK = "link"  # until the link is used or the next one is sent


PURPOSE_LABELS = {
    Purpose.MATCHING: _l("Finding a kompis who fits: languages, interests, place, times and wishes"),
    Purpose.CONTACT: _l("Reaching the person about their request or offer"),
    Purpose.INTRODUCTION: _l("Introducing the two, with what each agreed to share"),
    Purpose.FOLLOW_UP: _l("Following the pair up, and ending it well"),
    Purpose.ACCOUNTABILITY: _l("Showing what the person agreed to, and who read or changed their data"),
    Purpose.PROTECTION: _l("Keeping a person with protected identity hidden from everyone but the coordinators "
                           "named for them"),
}
BASIS_LABELS = {
    Basis.CONSENT: _l("Consent (GDPR article 6.1 a)"),
    Basis.LEGAL_OBLIGATION: _l("Legal obligation (GDPR articles 5.2, 30 and 32)"),
}
KEPT_LABELS = {
    Kept.RETENTION: _l("The organisation's retention period after the person's last activity, or until erased"),
    Kept.UNCONFIRMED: _l("30 days when the e-mail address is never confirmed"),
    Kept.LINK: _l("Until the link is used"),
}


@dataclass(frozen=True)
class Category:
    """One kind of personal data, in words, and why it is kept."""

    what: LazyString
    purpose: Purpose
    basis: Basis = Basis.CONSENT
    kept: Kept = Kept.RETENTION


C = {
    "record": Category(_l("The record's number and organisation, and when it was made or changed"), Purpose.CONTACT),
    "name": Category(_l("Name"), Purpose.CONTACT),
    "email": Category(_l("E-mail address"), Purpose.CONTACT),
    "phone": Category(_l("Phone number"), Purpose.CONTACT),
    "sharing": Category(_l("Which contact details the kompis may get"), Purpose.INTRODUCTION),
    "age": Category(_l("Year of birth"), Purpose.MATCHING),
    "gender": Category(_l("Gender, and the gender of the kompis wished for"), Purpose.MATCHING),
    "place": Category(_l("Place, and how far the person can travel"), Purpose.MATCHING),
    "times": Category(_l("The times of the week the person is free"), Purpose.MATCHING),
    "wishes": Category(_l("What matters most in a kompis"), Purpose.MATCHING),
    "notes": Category(_l("What the person wrote for the coordinator"), Purpose.MATCHING),
    "status": Category(_l("Whether the person is waiting, active, paused or matched"), Purpose.MATCHING),
    "language": Category(_l("The language Kompis writes to the person in"), Purpose.CONTACT),
    "consent": Category(_l("Which privacy notice the person agreed to, and when"), Purpose.ACCOUNTABILITY,
                        Basis.LEGAL_OBLIGATION),
    "confirmed": Category(_l("When the e-mail address was confirmed"), Purpose.CONTACT, kept=Kept.UNCONFIRMED),
    "link": Category(_l("A random number that makes each e-mailed link work once"), Purpose.CONTACT,
                     kept=Kept.LINK),
    "capacity": Category(_l("How many newcomers a volunteer can be kompis to"), Purpose.MATCHING),
    "idle": Category(_l("Since when a volunteer has waited, and when we asked if they are still available"),
                     Purpose.CONTACT),
    "swedish": Category(_l("Swedish level"), Purpose.MATCHING),
    "protection": Category(_l("Whether the person has protected identity, and which coordinators may see them"),
                           Purpose.PROTECTION, Basis.LEGAL_OBLIGATION),
    "disposal": Category(_l("Which decision to dispose of old records covers the person"), Purpose.ACCOUNTABILITY,
                         Basis.LEGAL_OBLIGATION),
    "registered": Category(_l("Which coordinator filled in the request with the newcomer"),
                           Purpose.ACCOUNTABILITY, Basis.LEGAL_OBLIGATION),
    "languages": Category(_l("Languages spoken, and how well"), Purpose.MATCHING),
    "interests": Category(_l("Interests"), Purpose.MATCHING),
    "goals": Category(_l("What the newcomer wants from a kompis, or what the volunteer offers"), Purpose.MATCHING),
    "pair": Category(_l("Proposed and approved pairs: their scores, reasons, decisions and dates"),
                     Purpose.FOLLOW_UP),
    "unmatched": Category(_l("Why a matching run found nobody for a newcomer"), Purpose.MATCHING),
    "history": Category(_l("What happened to a pair, and who did it"), Purpose.ACCOUNTABILITY,
                        Basis.LEGAL_OBLIGATION),
    "messages": Category(_l("The messages sent to the person, as they went"), Purpose.INTRODUCTION),
    "follow_up": Category(_l("Answers to the follow-up questions"), Purpose.FOLLOW_UP),
    "contact_log": Category(_l("The coordinator's notes of calls and meetings"), Purpose.FOLLOW_UP),
    "audit": Category(_l("Who read or changed the person's data, and when"), Purpose.ACCOUNTABILITY,
                      Basis.LEGAL_OBLIGATION),
}

_PERSON = {
    "id": "record", "organisation_id": "record", "created_at": "record", "updated_at": "record",
    "name": "name", "email": "email", "email_key": "email", "phone": "phone",
    "share_email": "sharing", "share_phone": "sharing", "birth_year": "age",
    "gender": "gender", "gender_preference": "gender", "place_id": "place", "max_distance_km": "place",
    "availability": "times", "what_matters": "wishes", "notes": "notes", "status": "status",
    "ui_language": "language", "consent_version": "consent", "consent_at": "consent",
    "email_confirmed_at": "confirmed", "link_nonce": "link",
    "protected": "protection", "disposal_decision_id": "disposal",
}


def _columns(table: str, categories: dict[str, str]) -> dict[str, Category]:
    return {f"{table}.{column}": C[category] for column, category in categories.items()}


def _same(table: str, category: str, *columns: str) -> dict[str, Category]:
    """Return entries for a table whose every column is of one category."""
    return _columns(table, dict.fromkeys(columns, category))


REGISTER: dict[str, Category] = {
    **_columns("volunteers", {**_PERSON, "capacity": "capacity", "open_matches": "capacity",
                              "idle_since": "idle", "still_available_asked_at": "idle"}),
    **_columns("newcomers", {**_PERSON, "swedish_level": "swedish",
                             "contact_language": "language", "registered_by_id": "registered"}),
    **_same("protected_volunteer_viewers", "protection", "volunteer_id", "coordinator_id"),
    **_same("protected_newcomer_viewers", "protection", "newcomer_id", "coordinator_id"),
    **_same("volunteer_languages", "languages", "volunteer_id", "language_code", "level"),
    **_same("newcomer_languages", "languages", "newcomer_id", "language_code", "level"),
    **_same("volunteer_interests", "interests", "volunteer_id", "interest_code"),
    **_same("newcomer_interests", "interests", "newcomer_id", "interest_code"),
    **_same("volunteer_help", "goals", "volunteer_id", "goal_code"),
    **_same("newcomer_goals", "goals", "newcomer_id", "goal_code"),
    **_same("matches", "pair", "id", "organisation_id", "run_id", "newcomer_id", "volunteer_id", "status", "score",
            "newcomer_score", "volunteer_score", "rank", "components", "reasons", "decided_by_id", "decided_at",
            "reason", "reason_note", "introduced_at", "nudged_at", "ended_at", "created_at", "updated_at"),
    **_same("unmatched_newcomers", "unmatched", "run_id", "newcomer_id", "reason", "obstacle", "acceptable"),
    **_same("match_events", "history", "id", "match_id", "at", "actor_id", "action", "detail"),
    **_same("messages", "messages", "id", "organisation_id", "match_id", "newcomer_id", "volunteer_id", "purpose",
            "channel", "language", "address", "subject", "body", "calendar", "created_by_id", "created_at",
            "delivering_at", "sent_at", "error"),
    **_same("follow_ups", "follow_up", "id", "match_id", "side", "weeks", "due_at", "sent_at", "answered_at",
            "answers"),
    **_same("contact_notes", "contact_log", "id", "organisation_id", "newcomer_id", "volunteer_id", "match_id",
            "author_id", "at", "text"),
    **_same("audit_events", "audit", "id", "at", "actor_id", "organisation_id", "action", "subject_type",
            "subject_id", "detail", "client_address"),
}

PEOPLE = ("volunteers", "newcomers")


def tables_about_people() -> list[Table]:
    """Return every table that holds something about a person: the people, and what refers to them.

    A table counts when a foreign key leads from it to a person, directly or
    through another such table (a follow-up belongs to a pair, which names two
    people); the audit log names people by number, without a foreign key.
    """
    found = {name: Base.metadata.tables[name] for name in (*PEOPLE, "audit_events")}
    grown = True
    while grown:
        grown = False
        for table in Base.metadata.sorted_tables:
            if table.name not in found and any(fk.column.table.name in found for fk in table.foreign_keys):
                found[table.name] = table
                grown = True
    return list(found.values())


def unexplained_columns(tables: Iterable[Table]) -> list[str]:
    """Return the columns of `tables` that the register does not explain."""
    return [f"{t.name}.{c.name}" for t in tables for c in t.columns if f"{t.name}.{c.name}" not in REGISTER]
