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
    Role,
    RunStatus,
    SwedishLevel,
)
from .matching import Match, MatchRun
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
    "MatchRun",
    "MatchStatus",
    "Municipality",
    "Newcomer",
    "NewcomerLanguage",
    "OPEN_MATCH_STATUSES",
    "Organisation",
    "PersonStatus",
    "Place",
    "Role",
    "RunStatus",
    "SwedishLevel",
    "UTCDateTime",
    "Volunteer",
    "VolunteerLanguage",
    "now_utc",
]
