"""Kompis data model: SQLAlchemy 2.0 typed mappings, free of Flask."""

from .audit import AuditEvent
from .base import Base, UTCDateTime, now_utc
from .contact import ContactNote, FollowUp, Message, MessageTemplate
from .enums import (
    EDITABLE_PURPOSES,
    FOLLOW_UP_WEEKS,
    MATCH_COMPONENTS,
    OPEN_MATCH_STATUSES,
    Channel,
    EndReason,
    ErasurePolicy,
    Gender,
    LanguageLevel,
    MatchStatus,
    MessagePurpose,
    PersonStatus,
    RejectReason,
    Role,
    RunStatus,
    Side,
    SwedishLevel,
)
from .matching import Match, MatchEvent, MatchRun, PairStatistic, UnmatchedNewcomer
from .organisation import DEFAULT_WEIGHTS, Coordinator, Organisation
from .people import Newcomer, NewcomerLanguage, Volunteer, VolunteerLanguage
from .privacy import DisposalDecision
from .staff import RecoveryCode, StaffSession
from .vocabulary import Goal, Interest, InterestTranslation, Language, Municipality, Place

__all__ = [
    "AuditEvent",
    "RecoveryCode",
    "StaffSession",
    "Channel",
    "ContactNote",
    "EDITABLE_PURPOSES",
    "EndReason",
    "FOLLOW_UP_WEEKS",
    "FollowUp",
    "Message",
    "MessagePurpose",
    "MessageTemplate",
    "Side",
    "Base",
    "Coordinator",
    "DEFAULT_WEIGHTS",
    "DisposalDecision",
    "ErasurePolicy",
    "Gender",
    "Goal",
    "Interest",
    "InterestTranslation",
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
    "PairStatistic",
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
