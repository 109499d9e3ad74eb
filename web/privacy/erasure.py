"""Erasing a person (GDPR article 17): their data leaves every table and the outbox at once.

Their pairs stay only as anonymous counts (`PairStatistic`), so the
organisation's reports still count them. Whoever is left in an open pair is
told, gracefully and in their own language, and so are the organisation's
coordinators; nothing they are told names the person who left.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from models import (
    OPEN_MATCH_STATUSES,
    ContactNote,
    Coordinator,
    EndReason,
    FollowUp,
    Match,
    MatchEvent,
    MatchStatus,
    Message,
    Newcomer,
    PairStatistic,
    Side,
    UnmatchedNewcomer,
    Volunteer,
)

from .. import audit, mail, sms
from ..pairs.lifecycle import end_in_transaction
from ..pairs.reach import Person, message_language, side_of

log = logging.getLogger(__name__)
# Pairs that were once approved are counted; proposals nobody took up were never pairs.
COUNTED = (*OPEN_MATCH_STATUSES, MatchStatus.ENDED)


@dataclass
class Erasure:
    """What an erasure did, for the page that confirms it and for the command that runs it."""

    pairs_counted: int = 0
    pairs_ended: int = 0
    outbox_files: int = 0
    told: list[str] = field(default_factory=list)  # "kompis", "coordinator"


@dataclass(frozen=True)
class _Left:
    """Someone left in a pair that ended because the other was erased."""

    address: str
    by_sms: bool
    language: str
    reference: str


def _day(moment: datetime | None) -> datetime | None:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0) if moment else None


def count_pair(session: Session, match: Match) -> bool:
    """Keep a pair that was once approved as an anonymous count, before its rows go; tell whether it was one."""
    if match.status not in COUNTED:
        return False
    session.add(PairStatistic(organisation_id=match.organisation_id, status=match.status.value,
                              decided_at=_day(match.decided_at), introduced_at=_day(match.introduced_at),
                              ended_at=_day(match.ended_at), end_reason=match.reason))
    return True


def erase(session: Session, person: Person, actor: Coordinator | None) -> Erasure:
    """Erase `person` now: end their open pairs, keep their pairs as counts, delete everything else of theirs."""
    done = Erasure()
    column = Match.newcomer_id if isinstance(person, Newcomer) else Match.volunteer_id
    pairs = list(session.scalars(select(Match).where(column == person.id)))
    left = [kompis for match in pairs if match.status in OPEN_MATCH_STATUSES
            if (kompis := _kompis_left(session, match, person, actor)) is not None]
    done.pairs_ended = len(left)
    # Read again, once: ending a pair changed its status and dates in the database, not in `pairs`.
    for match in session.scalars(select(Match).where(column == person.id)
                                 .execution_options(populate_existing=True)):
        if count_pair(session, match):
            done.pairs_counted += 1
    pair_ids = [m.id for m in pairs]
    messages = list(session.scalars(select(Message.id).where(_mine(Message, person, pair_ids))))
    session.execute(delete(Message).where(Message.id.in_(messages)))
    session.execute(delete(ContactNote).where(_mine(ContactNote, person, pair_ids)))
    session.execute(delete(FollowUp).where(FollowUp.match_id.in_(pair_ids)))
    session.execute(delete(MatchEvent).where(MatchEvent.match_id.in_(pair_ids)))
    session.execute(delete(Match).where(Match.id.in_(pair_ids)))
    if isinstance(person, Newcomer):
        session.execute(delete(UnmatchedNewcomer).where(UnmatchedNewcomer.newcomer_id == person.id))
    needles = [n for n in (person.email, person.phone, person.name) if n]
    audit.record(session, actor, "erased", person, pairs_counted=done.pairs_counted, pairs_ended=done.pairs_ended)
    organisation_id = person.organisation_id
    session.delete(person)
    session.commit()
    done.outbox_files = remove_from_outbox(needles, [f"message-{ident}" for ident in messages])
    for kompis in left:
        _tell_kompis(kompis)
        done.told.append("kompis")
    if left and _tell_coordinators(session, organisation_id, len(left)):
        done.told.append("coordinator")
    return done


def _mine(model: type[Message] | type[ContactNote], person: Person, pair_ids: list[int]):  # noqa: ANN202
    own = model.newcomer_id if isinstance(person, Newcomer) else model.volunteer_id
    return or_(own == person.id, model.match_id.in_(pair_ids))


def _kompis_left(session: Session, match: Match, person: Person, actor: Coordinator | None) -> _Left | None:
    """End an open pair because `person` left; return whom to tell."""
    kompis: Newcomer | Volunteer = match.volunteer if side_of(person) == Side.NEWCOMER else match.newcomer
    if not end_in_transaction(session, match.id, actor, EndReason.PARTICIPANT_LEFT, ""):
        return None
    by_sms = not kompis.email
    address = kompis.phone or "" if by_sms else kompis.email or ""
    if not address:
        return None
    return _Left(address, by_sms, message_language(kompis), f"kompis-left-{match.id}")


def _tell_kompis(kompis: _Left) -> None:
    """Tell someone their kompis has left, in their language; a failure is logged, the erasure stands."""
    try:
        if kompis.by_sms:
            with force_locale(kompis.language):
                sms.send(kompis.address, _("Your kompis has left Kompis. We will contact you about a new "
                                           "kompis. Thank you for the time you gave. / Kompis"),
                         reference=kompis.reference)
        else:
            mail.send(mail.compose(kompis.address, "kompis_left", kompis.language))
    except Exception as problem:  # noqa: BLE001 - the erasure is done; telling the kompis is best effort
        log.warning("could not tell a kompis their kompis left: %s", type(problem).__name__)


def _tell_coordinators(session: Session, organisation_id: int, pairs: int) -> bool:
    """Tell the organisation's coordinators that pairs ended because someone's data was erased."""
    addresses = list(session.scalars(select(Coordinator.email).where(
        Coordinator.organisation_id == organisation_id, Coordinator.active)))
    for address in addresses:
        mail.send(mail.compose(address, "staff_kompis_left", current_app.config["BABEL_DEFAULT_LOCALE"], pairs=pairs))
    return bool(addresses)


def remove_from_outbox(needles: list[str], references: list[str]) -> int:
    """Remove the outbox files of the given messages, and every file addressed to or naming a needle."""
    folder = mail.outbox_path()
    if not folder.exists():
        return 0
    wanted = [n.casefold() for n in needles if n]
    removed = 0
    for path in (p for p in folder.rglob("*") if p.is_file()):
        if any(path.stem.startswith(reference + "_") or path.stem == reference for reference in references) \
                or any(needle in _readable(path) for needle in wanted):
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _readable(path: Path) -> str:
    """Return a file's words as a person would read them: e-mail decoded, JSON unescaped; case folded."""
    raw = path.read_bytes()
    try:
        if path.suffix == ".eml":
            message = message_from_bytes(raw, policy=policy.default)
            parts = [str(value) for value in message.values()]
            assert isinstance(message, EmailMessage)  # noqa: S101 - policy.default parses into EmailMessage
            for part in message.walk():
                if part.get_content_maintype() == "text":
                    parts.append(str(part.get_content()))
            return "\n".join(parts).casefold()
        if path.suffix == ".json":
            return json.dumps(json.loads(raw), ensure_ascii=False).casefold()
    except (ValueError, LookupError):
        pass
    return raw.decode("utf-8", "replace").casefold()
