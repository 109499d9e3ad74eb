"""What people enter in the forms is what the matcher gets: each field, through the bridge."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

import matcher
from models import Newcomer, PersonStatus, Volunteer
from models.enums import AVAILABILITY_BITS, LanguageLevel
from tests.factories import make_organisation
from tests.web.helpers import get_form, link_in, mails, place_id, submit
from tests.web.test_newcomer_request import answers as request_answers
from tests.web.test_volunteer_signup import answers as signup_answers
from web.matching.pools import SWEDISH_AS_LANGUAGE_LEVEL, load_pools


def _column(pool: matcher.NewcomerPool | matcher.VolunteerPool, codes: tuple[str, ...], flags) -> set[str]:
    return {code for code, on in zip(codes, flags, strict=True) if on}


def test_form_answers_reach_the_matchers_pools(client: FlaskClient, session: Session, outbox) -> None:
    organisation = make_organisation(session, "Kompis Öst", municipalities=("Kalmar", "Nyköping"))
    soup, _ = get_form(client, "/volunteer/signup")
    kalmar = place_id(soup, "Kalmar")
    submit(client, "/volunteer/signup", signup_answers(
        client, place=kalmar, max_distance_km="20", capacity="2", **{"languages-sv": "4", "languages-en": "3",
                                                                    "languages-ar": "2"},
        what_matters=["language", "interests"], gender_preference="female"))
    link = link_in(mails(outbox)[0])
    _, token = get_form(client, link)
    client.post(link, data={"csrf_token": token})
    submit(client, "/newcomer/request", request_answers(client, place=kalmar, what_matters=["location"]))
    newcomer = session.scalar(select(Newcomer))
    newcomer.status = PersonStatus.ACTIVE
    session.commit()

    pools = load_pools(session, organisation.id)
    volunteers, newcomers = pools.volunteers, pools.newcomers
    assert len(volunteers) == 1 and len(newcomers) == 1
    volunteer = session.scalar(select(Volunteer))

    assert dict(zip(volunteers.language_codes, volunteers.language_levels[0].tolist(), strict=True)) == {
        "ar": 2, "en": 3, "sv": 4}
    assert _column(volunteers, volunteers.interest_codes, volunteers.interests[0]) == {"cooking", "hiking"}
    assert _column(volunteers, volunteers.help_codes, volunteers.help[0]) == {"swedish", "everyday"}
    assert matcher.availability_slots(int(volunteers.availability[0])) == [(0, 2), (5, 0)]  # Mon evening, Sat morning
    assert _column(volunteers, matcher.COMPONENTS, volunteers.priorities[0]) == {"language", "interests"}
    assert volunteers.max_distance_km[0] == 20
    assert volunteers.capacity[0] == 2
    assert (volunteers.gender[0], volunteers.gender_preference[0]) == ("female", "female")
    assert (volunteers.latitude[0], volunteers.longitude[0]) == (volunteer.place.latitude, volunteer.place.longitude)
    assert volunteers.birth_year[0] == 1968

    # The newcomer's Swedish (SFI B) joins their languages on the matcher's scale.
    assert dict(zip(newcomers.language_codes, newcomers.language_levels[0].tolist(), strict=True)) == {
        "ar": 4, "en": 1, "sv": SWEDISH_AS_LANGUAGE_LEVEL["sfi_b"]}
    assert _column(newcomers, newcomers.interest_codes, newcomers.interests[0]) == {"cooking"}
    assert _column(newcomers, newcomers.goal_codes, newcomers.goals[0]) == {"swedish", "work_study"}
    assert matcher.availability_slots(int(newcomers.availability[0])) == [(1, 1)]  # Tuesday afternoon
    assert _column(newcomers, matcher.COMPONENTS, newcomers.priorities[0]) == {"location"}
    assert newcomers.max_distance_km[0] == 5
    assert (newcomers.gender[0], newcomers.gender_preference[0]) == ("female", "female")
    assert newcomers.birth_year[0] == 1991
    assert newcomers.active.all() and volunteers.active.all()


def test_run_distance_caps_everyones_own(client: FlaskClient, session: Session) -> None:
    from tests.factories import make_newcomer, make_volunteer

    organisation = make_organisation(session)
    make_volunteer(session)
    make_newcomer(session)
    pools = load_pools(session, organisation.id, max_distance_km=3)
    assert pools.volunteers.max_distance_km.tolist() == [3] and pools.newcomers.max_distance_km.tolist() == [3]


def test_one_encoding_of_levels_and_the_week() -> None:
    # models may not import matcher: these tests keep their shared scales equal.
    assert [level.value for level in LanguageLevel] == [matcher.records.BASIC, matcher.records.CONVERSATIONAL,
                                                        matcher.records.FLUENT, matcher.records.NATIVE]
    assert AVAILABILITY_BITS == matcher.records.AVAILABILITY_SLOTS
