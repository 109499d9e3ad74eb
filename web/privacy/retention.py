"""Retention: what `kompis purge-expired` removes each day, by each organisation's period and erasure policy.

People inactive longer than the organisation's retention period are erased
(an NGO), or listed for a formal disposal decision and erased once an admin has
recorded one (a municipality under archive law). Whatever the policy, volunteers
who never confirmed their address go after 30 days, ended pairs past the period
are kept only as counts, old rejected and superseded proposals go, and so do old
outbox files.

Each step claims its row with a conditional UPDATE before it works on it, so two
runs at once never erase or count the same thing twice, and a second run finds
nothing left to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from models import (
    OPEN_MATCH_STATUSES,
    ContactNote,
    Coordinator,
    DisposalDecision,
    ErasurePolicy,
    FollowUp,
    Match,
    MatchEvent,
    MatchStatus,
    Message,
    Newcomer,
    Organisation,
    PersonStatus,
    Volunteer,
    now_utc,
)

from .. import audit, mail
from .erasure import count_pair, erase, remove_from_outbox

# A volunteer who never opened the confirmation link is not kept: the address may not even be theirs.
UNCONFIRMED_FOR = timedelta(days=30)
# A pair in one of these states keeps both people, however long ago anything happened.
KEPT_BY = (MatchStatus.PROPOSED, *OPEN_MATCH_STATUSES)
# Proposals nobody took up; they were never pairs, so nothing of them is counted.
UNTAKEN = (MatchStatus.REJECTED, MatchStatus.SUPERSEDED)
# The disposal page lists at most this many people of each kind, the longest inactive first.
DUE_LIST_LIMIT = 500
_CHUNK = 500

PersonModel = type[Volunteer] | type[Newcomer]


def months_before(moment: datetime, months: int) -> datetime:
    """Return the same moment `months` calendar months earlier, on the month's last day if it is shorter."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    following = datetime(year + (month + 1) // 12, (month + 1) % 12 + 1, 1, tzinfo=moment.tzinfo)
    last_day = (following - timedelta(days=1)).day
    return moment.replace(year=year, month=month + 1, day=min(moment.day, last_day))


def cutoff_of(organisation: Organisation, now: datetime) -> datetime:
    """Return the moment before which a person's last activity makes them due."""
    return months_before(now, organisation.retention_months)


def _pair_column(model: PersonModel) -> Any:  # noqa: ANN401 - the column of one model or the other
    return Match.newcomer_id if model is Newcomer else Match.volunteer_id


def inactive(model: PersonModel, cutoff: datetime) -> ColumnElement[bool]:
    """Return the condition of a person inactive since before `cutoff`: no live pair, nothing changed since."""
    column = _pair_column(model)
    recent = exists().where(column == model.id, or_(Match.status.in_(KEPT_BY), Match.updated_at >= cutoff,
                                                    Match.ended_at >= cutoff))
    return and_(model.updated_at < cutoff, ~recent)


def unconfirmed(now: datetime) -> ColumnElement[bool]:
    """Return the condition of a volunteer's sign-up never confirmed within 30 days.

    Only volunteers confirm an address by e-mail; a newcomer never does (staff
    call them, or they gave only a phone), so no newcomer is treated as unconfirmed.
    """
    return and_(Volunteer.status == PersonStatus.PENDING, Volunteer.email_confirmed_at.is_(None),
                Volunteer.created_at < now - UNCONFIRMED_FOR)


@dataclass(frozen=True)
class DuePerson:
    """Someone due for disposal, as the admin's list shows them: no name, no contact."""

    kind: str  # "volunteer" or "newcomer"
    id: int
    status: PersonStatus
    last_activity: datetime


@dataclass(frozen=True)
class Due:
    """Who in an organisation waits for a disposal decision: the longest inactive, and how many in all."""

    people: tuple[DuePerson, ...]
    volunteers: int
    newcomers: int

    @property
    def total(self) -> int:
        """Return how many people are due in all."""
        return self.volunteers + self.newcomers

    def ids(self, kind: str) -> list[int]:
        """Return the ids of the listed people of one kind."""
        return [person.id for person in self.people if person.kind == kind]


def _waiting(model: PersonModel, organisation: Organisation, now: datetime) -> ColumnElement[bool]:
    return and_(model.organisation_id == organisation.id, model.disposal_decision_id.is_(None),
                inactive(model, cutoff_of(organisation, now)))


def due_for_decision(session: Session, organisation: Organisation, now: datetime | None = None) -> Due:
    """Return who is due for a disposal decision and not yet covered by one (nobody, where the policy erases)."""
    if organisation.erasure_policy != ErasurePolicy.DISPOSAL_DECISION:
        return Due((), 0, 0)
    now = now or now_utc()
    listed: list[DuePerson] = []
    counts = []
    for model in (Volunteer, Newcomer):
        waiting = _waiting(model, organisation, now)
        counts.append(session.scalar(select(func.count()).select_from(model).where(waiting)) or 0)
        column = _pair_column(model)
        latest_change = select(func.max(Match.updated_at)).where(column == model.id).scalar_subquery()
        latest_end = select(func.max(Match.ended_at)).where(column == model.id).scalar_subquery()
        rows = session.execute(select(model.id, model.status, model.updated_at, latest_change, latest_end)
                               .where(waiting).order_by(model.updated_at, model.id).limit(DUE_LIST_LIMIT))
        kind = model.__name__.lower()
        for ident, status, updated, changed, ended in rows:
            moments = [_aware(m) for m in (updated, changed, ended) if m is not None]
            listed.append(DuePerson(kind, ident, status, max(moments)))
    return Due(tuple(listed), volunteers=counts[0], newcomers=counts[1])


def _aware(moment: datetime) -> datetime:
    """Return a moment as aware UTC, whichever engine read it."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def record_decision(session: Session, organisation: Organisation, admin: Coordinator, reference: str,
                    volunteer_ids: Sequence[int], newcomer_ids: Sequence[int]) -> DisposalDecision | None:
    """Record a disposal decision over those of the given people still due now; None when none is.

    The ids come from the page the admin read: anyone on it who is no longer due
    (they came back, or a decision covers them already) is left out, so posting
    the same decision twice records it once. Where the policy erases, nobody waits for a decision.
    """
    if organisation.erasure_policy != ErasurePolicy.DISPOSAL_DECISION:
        return None
    now = now_utc()
    decision = DisposalDecision(organisation_id=organisation.id, reference=reference, decided_by_id=admin.id,
                                decided_at=now)
    session.add(decision)
    session.flush()
    covered = {}
    for model, ids in ((Volunteer, volunteer_ids), (Newcomer, newcomer_ids)):
        covered[model] = 0
        for chunk in _chunks(sorted(set(ids))):
            result = session.execute(update(model).where(model.id.in_(chunk), _waiting(model, organisation, now))
                                     .values(disposal_decision_id=decision.id, updated_at=model.updated_at)
                                     .execution_options(synchronize_session=False))
            covered[model] += result.rowcount  # type: ignore[attr-defined]
    if not any(covered.values()):
        session.rollback()
        return None
    decision.volunteers, decision.newcomers = covered[Volunteer], covered[Newcomer]
    audit.record(session, admin, "disposal_decided", organisation, reference=reference,
                 volunteers=decision.volunteers, newcomers=decision.newcomers)
    session.commit()
    return decision


def _chunks(ids: Sequence[int]) -> list[Sequence[int]]:
    return [ids[start:start + _CHUNK] for start in range(0, len(ids), _CHUNK)]


@dataclass
class OrganisationPurge:
    """What one run did in one organisation, in counts only."""

    organisation_id: int
    name: str
    retention_months: int
    unconfirmed: int = 0
    volunteers_erased: int = 0
    newcomers_erased: int = 0
    erased_by_decision: int = 0
    # Covered by a decision but active again since: kept, and listed anew once due again.
    returned: int = 0
    decisions_carried_out: int = 0
    pairs_anonymised: int = 0
    proposals_deleted: int = 0
    # Listed, not changed: where the policy asks for a decision first.
    due_for_decision: int = 0

    def counts(self) -> dict[str, int]:
        """Return what was done, by name; the list of those due is not a change."""
        skip = {"organisation_id", "name", "retention_months", "due_for_decision"}
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in skip}

    @property
    def changed(self) -> bool:
        """Tell whether the run changed anything in this organisation."""
        return any(self.counts().values())


@dataclass
class Purge:
    """What one run of `kompis purge-expired` did."""

    organisations: list[OrganisationPurge] = field(default_factory=list)
    outbox_files: int = 0
    outbox_days: int = 0

    @property
    def changed(self) -> bool:
        """Tell whether the run changed anything at all."""
        return bool(self.outbox_files) or any(o.changed for o in self.organisations)


def purge_expired(session: Session, now: datetime | None = None) -> Purge:
    """Apply every organisation's retention period and erasure policy, and remove old outbox files."""
    now = now or now_utc()
    done = Purge(outbox_days=int(current_app.config["OUTBOX_RETENTION_DAYS"]))
    for organisation in list(session.scalars(select(Organisation).order_by(Organisation.name))):
        done.organisations.append(_purge_organisation(session, organisation, now))
    done.outbox_files = remove_old_outbox_files(now, done.outbox_days)
    return done


def _purge_organisation(session: Session, organisation: Organisation, now: datetime) -> OrganisationPurge:
    """Do every step of retention in one organisation, then record what was done, if anything."""
    organisation_id, cutoff = organisation.id, cutoff_of(organisation, now)
    done = OrganisationPurge(organisation_id, organisation.name, organisation.retention_months)
    done.unconfirmed = _erase_all(session, Volunteer, organisation_id, unconfirmed(now))
    done.erased_by_decision = sum(_erase_all(session, model, organisation_id, and_(
        model.disposal_decision_id.is_not(None), inactive(model, cutoff))) for model in (Volunteer, Newcomer))
    done.returned = _release_returned(session, organisation_id, cutoff)
    done.decisions_carried_out = _mark_carried_out(session, organisation_id, now)
    if organisation.erasure_policy == ErasurePolicy.ERASE:
        done.volunteers_erased = _erase_all(session, Volunteer, organisation_id, inactive(Volunteer, cutoff))
        done.newcomers_erased = _erase_all(session, Newcomer, organisation_id, inactive(Newcomer, cutoff))
    else:
        done.due_for_decision = due_for_decision(session, organisation, now).total
    done.pairs_anonymised = _anonymise_ended_pairs(session, organisation_id, cutoff)
    done.proposals_deleted = _delete_untaken_proposals(session, organisation_id, cutoff)
    if done.changed:
        audit.record(session, None, "purge_expired", organisation, **done.counts())
        session.commit()
    return done


def _erase_all(session: Session, model: PersonModel, organisation_id: int, condition: ColumnElement[bool]) -> int:
    """Erase everyone of the organisation who meets `condition`, each claimed first; return how many."""
    mine = and_(model.organisation_id == organisation_id, condition)
    erased = 0
    for person_id in list(session.scalars(select(model.id).where(mine).order_by(model.id))):
        # The claim locks the row (PostgreSQL) or the database (SQLite): a second run waits, then finds it gone.
        claimed = session.execute(update(model).where(model.id == person_id, mine)
                                  .values(updated_at=model.updated_at).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            continue
        person = session.get(model, person_id, populate_existing=True)
        assert isinstance(person, Volunteer | Newcomer)  # noqa: S101 - claimed in this transaction
        erase(session, person, None)
        erased += 1
    return erased


def _release_returned(session: Session, organisation_id: int, cutoff: datetime) -> int:
    """Free from a decision anyone who came back since it was taken (it disposed of records that were due)."""
    released = 0
    for model in (Volunteer, Newcomer):
        result = session.execute(update(model).where(model.organisation_id == organisation_id,
                                                     model.disposal_decision_id.is_not(None), ~inactive(model, cutoff))
                                 .values(disposal_decision_id=None, updated_at=model.updated_at)
                                 .execution_options(synchronize_session=False))
        released += int(result.rowcount)  # type: ignore[attr-defined]
    session.commit()
    return released


def _mark_carried_out(session: Session, organisation_id: int, now: datetime) -> int:
    """Mark carried out each decision of the organisation of which nobody is left; return how many."""
    left = or_(exists().where(Volunteer.disposal_decision_id == DisposalDecision.id),
               exists().where(Newcomer.disposal_decision_id == DisposalDecision.id))
    marked = session.execute(update(DisposalDecision).where(DisposalDecision.organisation_id == organisation_id,
                                                            DisposalDecision.carried_out_at.is_(None), ~left)
                             .values(carried_out_at=now).execution_options(synchronize_session=False))
    session.commit()
    return int(marked.rowcount)  # type: ignore[attr-defined]


def _ended_long_ago(organisation_id: int, cutoff: datetime) -> ColumnElement[bool]:
    return and_(Match.organisation_id == organisation_id, Match.status == MatchStatus.ENDED,
                Match.ended_at < cutoff, Match.updated_at < cutoff)


def _anonymise_ended_pairs(session: Session, organisation_id: int, cutoff: datetime) -> int:
    """Keep each pair that ended before `cutoff` only as a count, and delete its rows; return how many."""
    stale = _ended_long_ago(organisation_id, cutoff)
    anonymised, messages = 0, []
    for match_id in list(session.scalars(select(Match.id).where(stale).order_by(Match.id))):
        claimed = session.execute(update(Match).where(Match.id == match_id, stale)
                                  .values(updated_at=Match.updated_at).execution_options(synchronize_session=False))
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            session.rollback()
            continue
        match = session.get(Match, match_id, populate_existing=True)
        assert match is not None  # noqa: S101 - claimed in this transaction
        count_pair(session, match)
        messages += delete_pairs(session, [match_id])[0]
        session.commit()
        anonymised += 1
    if messages:
        remove_from_outbox([], [f"message-{ident}" for ident in messages])
    return anonymised


def _delete_untaken_proposals(session: Session, organisation_id: int, cutoff: datetime) -> int:
    """Delete the rejected and superseded proposals last changed before `cutoff`; return how many."""
    old = and_(Match.organisation_id == organisation_id, Match.status.in_(UNTAKEN), Match.updated_at < cutoff)
    deleted, messages = 0, []
    for chunk in _chunks(list(session.scalars(select(Match.id).where(old).order_by(Match.id)))):
        gone, pairs = delete_pairs(session, chunk)
        session.commit()
        messages += gone
        deleted += pairs
    if messages:
        remove_from_outbox([], [f"message-{ident}" for ident in messages])
    return deleted


def delete_pairs(session: Session, pair_ids: Sequence[int]) -> tuple[list[int], int]:
    """Delete pairs with their history, follow-ups, notes and messages; return the messages' ids and how many pairs."""
    messages = list(session.scalars(select(Message.id).where(Message.match_id.in_(pair_ids))))
    session.execute(delete(Message).where(Message.id.in_(messages)))
    session.execute(delete(ContactNote).where(ContactNote.match_id.in_(pair_ids)))
    session.execute(delete(FollowUp).where(FollowUp.match_id.in_(pair_ids)))
    session.execute(delete(MatchEvent).where(MatchEvent.match_id.in_(pair_ids)))
    pairs = session.execute(delete(Match).where(Match.id.in_(pair_ids)))
    return messages, int(pairs.rowcount)  # type: ignore[attr-defined]


def remove_old_outbox_files(now: datetime, days: int) -> int:
    """Remove every outbox file (mail, SMS, unsent mail) written more than `days` days before `now`."""
    folder = mail.outbox_path()
    oldest = (now - timedelta(days=days)).timestamp()
    removed = 0
    for path in (p for p in folder.rglob("*") if p.is_file()):
        if path.stat().st_mtime < oldest:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
