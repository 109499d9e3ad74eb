"""The fixed vocabularies of states and levels, shared by the database and the forms."""

from __future__ import annotations

import enum


class PersonStatus(enum.StrEnum):
    """Where a volunteer or newcomer stands."""

    PENDING = "pending"  # signed up, e-mail not confirmed or not yet checked by staff
    ACTIVE = "active"  # can be matched
    PAUSED = "paused"  # asked for a break; kept, not matched
    MATCHED = "matched"  # has as many open matches as they can take
    WITHDRAWN = "withdrawn"  # left; kept only until retention ends


class SwedishLevel(enum.StrEnum):
    """A newcomer's Swedish, in the steps of SFI (Swedish for immigrants)."""

    NONE = "none"
    SFI_A = "sfi_a"
    SFI_B = "sfi_b"
    SFI_C = "sfi_c"
    SFI_D = "sfi_d"
    FLUENT = "fluent"


class LanguageLevel(enum.IntEnum):
    """How well someone speaks a language; the matcher compares these numbers."""

    BASIC = 1
    CONVERSATIONAL = 2
    FLUENT = 3
    NATIVE = 4


class Gender(enum.StrEnum):
    """A person's gender, as they state it; not stating it is allowed (NULL)."""

    FEMALE = "female"
    MALE = "male"
    OTHER = "other"


class MatchStatus(enum.StrEnum):
    """The life of a proposed pair."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    INTRODUCED = "introduced"
    ACTIVE = "active"
    ENDED = "ended"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"  # a later run replaced it before anyone decided


OPEN_MATCH_STATUSES = (MatchStatus.APPROVED, MatchStatus.INTRODUCED, MatchStatus.ACTIVE)
# A proposed or rejected pair is held once: the database refuses to propose a rejected pair again.
HELD_PAIR_STATUSES = (MatchStatus.PROPOSED, MatchStatus.REJECTED)


class RejectReason(enum.StrEnum):
    """Why a coordinator turned a proposed pair down."""

    LANGUAGE = "language"  # they would not understand each other well enough
    DISTANCE = "distance"  # too far apart in practice
    TIMES = "times"  # never free at the same times
    ACQUAINTED = "acquainted"  # they already know each other
    PERSONAL = "personal"  # something the coordinator knows about one of them
    OTHER = "other"


class EndReason(enum.StrEnum):
    """Why a pair ended."""

    RAN_ITS_COURSE = "ran_its_course"  # they met as long as they wanted; a good ending
    NEVER_MET = "never_met"
    NOT_WORKING = "not_working"  # they met, but it did not work between them
    MOVED = "moved"  # one of them moved away or has no time any more
    PARTICIPANT_LEFT = "participant_left"  # one of them withdrew from Kompis
    OTHER = "other"


class Side(enum.StrEnum):
    """Which person of a pair."""

    NEWCOMER = "newcomer"
    VOLUNTEER = "volunteer"


class Channel(enum.StrEnum):
    """How a message reaches a person."""

    EMAIL = "email"
    SMS = "sms"
    PHONE = "phone"  # the coordinator says it on the phone and records that they did


class MessagePurpose(enum.StrEnum):
    """What a message to a person is for; each organisation may word some of them itself."""

    INTRODUCTION = "introduction"  # the two are told of each other
    MEETING = "meeting"  # the two are invited to a first meeting (matchningsträff)
    FOLLOW_UP = "follow_up"
    NUDGE = "nudge"  # a pair that has not met yet is encouraged to
    STILL_AVAILABLE = "still_available"  # an idle volunteer is asked whether they still want a kompis
    PAUSED = "paused"  # an idle volunteer who did not answer is told how to come back


# The purposes whose wording an organisation may change per language.
EDITABLE_PURPOSES = (MessagePurpose.INTRODUCTION, MessagePurpose.MEETING)

# Follow-ups go out this many weeks after the introduction.
FOLLOW_UP_WEEKS = (4, 13)


class RunStatus(enum.StrEnum):
    """The state of a matching run."""

    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"
    FAILED = "failed"


UNFINISHED_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class Role(enum.StrEnum):
    """What a staff account may do."""

    COORDINATOR = "coordinator"
    ADMIN = "admin"


class ErasurePolicy(enum.StrEnum):
    """What happens to a person's data when retention ends."""

    ERASE = "erase"  # an NGO deletes
    DISPOSAL_DECISION = "disposal_decision"  # a municipality under archive law decides on disposal


# Components of a match score; a person may mark some as "what matters most to me".
MATCH_COMPONENTS = ("language", "interests", "location", "availability", "goals", "age")

# Weekly availability is stored as the matcher's mask (`matcher.records`: 7 days × 3 parts);
# the database only bounds its width. A test keeps the two equal.
AVAILABILITY_BITS = 21
