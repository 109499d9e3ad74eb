"""The database itself refuses data that breaks the invariants, whatever Python does."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from models import Match, MatchStatus, Volunteer
from tests.factories import make_newcomer, make_organisation, make_volunteer


@pytest.fixture
def organisation(session: Session):
    return make_organisation(session)


def _refused(session: Session, statement) -> bool:
    try:
        session.execute(statement)
        session.flush()
    except IntegrityError:
        session.rollback()
        return True
    session.rollback()
    return False


@pytest.mark.parametrize("capacity", [0, 4])
def test_capacity_outside_one_to_three_is_refused(session: Session, organisation, capacity: int) -> None:
    volunteer = make_volunteer(session)
    assert _refused(session, update(Volunteer).where(Volunteer.id == volunteer.id).values(capacity=capacity))


def test_open_matches_cannot_exceed_capacity(session: Session, organisation) -> None:
    volunteer = make_volunteer(session, capacity=2)
    assert not _refused(session, update(Volunteer).where(Volunteer.id == volunteer.id).values(open_matches=2))
    assert _refused(session, update(Volunteer).where(Volunteer.id == volunteer.id).values(open_matches=3))


def test_unknown_status_is_refused(session: Session, organisation) -> None:
    volunteer = make_volunteer(session)
    with pytest.raises((IntegrityError, StatementError)):
        session.execute(update(Volunteer).where(Volunteer.id == volunteer.id).values(status="sleeping"))
        session.flush()
    session.rollback()


def test_same_email_in_other_case_is_refused(session: Session, organisation) -> None:
    make_volunteer(session, email="Anna@Example.org")
    with pytest.raises(IntegrityError):
        make_volunteer(session, email="anna@example.ORG")
    session.rollback()


def test_newcomer_needs_a_phone_or_an_email(session: Session, organisation) -> None:
    with pytest.raises(IntegrityError):
        make_newcomer(session, phone=None, email=None)
    session.rollback()


def test_newcomer_has_at_most_one_open_match(session: Session, organisation) -> None:
    newcomer = make_newcomer(session)
    first, second = make_volunteer(session, name="Anna A"), make_volunteer(session, name="Bo B")
    session.add(Match(organisation_id=organisation.id, newcomer_id=newcomer.id, volunteer_id=first.id,
                      status=MatchStatus.APPROVED))
    session.commit()
    # Proposals and ended matches may be many; a second open one may not.
    session.add(Match(organisation_id=organisation.id, newcomer_id=newcomer.id, volunteer_id=second.id,
                      status=MatchStatus.PROPOSED))
    session.commit()
    session.add(Match(organisation_id=organisation.id, newcomer_id=newcomer.id, volunteer_id=second.id,
                      status=MatchStatus.ACTIVE))
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()


def test_foreign_keys_are_enforced(session: Session, organisation) -> None:
    volunteer = make_volunteer(session)
    assert _refused(session, update(Volunteer).where(Volunteer.id == volunteer.id).values(place_id=-5))


def test_repr_shows_no_personal_data(session: Session, organisation) -> None:
    volunteer = make_volunteer(session, name="Anna Svensson")
    assert repr(volunteer) == f"Volunteer(id={volunteer.id})"
