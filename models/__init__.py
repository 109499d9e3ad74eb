"""Kompis data model: SQLAlchemy 2.0 typed mappings, free of Flask."""

from .audit import AuditEvent
from .base import Base, UTCDateTime, now_utc
from .enums import (
    MATCH_COMPONENTS,
    OPEN_MATCH_STATUSES,
    ErasurePolicy,
    Gender,
    LanguageLevel,
    MatchStatus,
    PersonStatus,
    RejectReason,
    Role,
    RunStatus,
    SwedishLevel,
)
from .matching import Match, MatchEvent, MatchRun, UnmatchedNewcomer
from .organisation import DEFAULT_WEIGHTS, Coordinator, Organisation
from .people import Newcomer, NewcomerLanguage, Volunteer, VolunteerLanguage
from .vocabulary import Goal, Interest, Language, Municipality, Place

__all__ = [
    "AuditEvent",
    "Base",
    "Coordinator",
    "DEFAULT_WEIGHTS",
    "ErasurePolicy",
    "Gender",
    "Goal",
    "Interest",
    "Language",
    "LanguageLevel",
    "MATCH_COMPONENTS",
    "Match",
    "MatchEvent",
    "MatchRun",
    "MatchStatus",
    "Municipality",
    "Newcomer",
    "NewcomerLanguage",
    "OPEN_MATCH_STATUSES",
    "Organisation",
    "PersonStatus",
    "RejectReason",
    "Place",
    "Role",
    "RunStatus",
    "SwedishLevel",
    "UnmatchedNewcomer",
    "UTCDateTime",
    "Volunteer",
    "VolunteerLanguage",
    "now_utc",
]
