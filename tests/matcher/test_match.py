"""The entry point the web layer calls: proposals with reasons, the unmatched and why."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher import (
    DEFAULT_WEIGHTS,
    Obstacle,
    Reason,
    ReasonKind,
    UnmatchedReason,
    availability_mask,
    match,
    slot_names,
)

from .people import NORTH_300_KM, SOLNA, STOCKHOLM, newcomer, pools, volunteer

EVENINGS = availability_mask([(day, 2) for day in range(5)])


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Return the haversine distance in km, computed the textbook way."""
    (lat1, lon1), (lat2, lon2) = (map(math.radians, point) for point in (a, b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(
        (lon2 - lon1) / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def test_a_proposal_carries_its_scores_and_reasons() -> None:
    crowd = [newcomer(10 + i, place=NORTH_300_KM, interests={"football"}) for i in range(5)]
    result = match(*pools(
        [newcomer(1, languages={"ar": 4, "sv": 1}, interests={"chess", "football", "cooking"},
                  availability=EVENINGS, goals={"swedish", "social"}), *crowd],
        [volunteer(7, languages={"sv": 4, "ar": 3}, place=SOLNA,
                   interests={"chess", "football", "cooking"}, availability=EVENINGS,
                   help={"swedish"})]), max_reasons=6)
    (proposal,) = [p for p in result.proposals if p.newcomer_id == 1]
    assert proposal.volunteer_id == 7 and proposal.rank == 1
    assert 0 <= proposal.score <= 1
    assert proposal.score == pytest.approx(
        (proposal.newcomer_utility + proposal.volunteer_utility) / 2)
    assert set(proposal.components) == set(DEFAULT_WEIGHTS)
    reasons = {reason.kind: reason for reason in proposal.reasons}
    assert reasons[ReasonKind.MOTHER_TONGUE] == Reason(ReasonKind.MOTHER_TONGUE, "language",
                                                       ("ar",))
    assert reasons[ReasonKind.SHARED_INTERESTS].values == ("chess", "cooking", "football")
    assert reasons[ReasonKind.SHARED_AVAILABILITY].values == ("weekday_evening",)
    assert reasons[ReasonKind.GOALS_COVERED].values == ("swedish",)
    assert reasons[ReasonKind.DISTANCE].km == int(_km(STOCKHOLM, SOLNA))  # whole km
    assert ReasonKind.CLOSE_IN_AGE not in reasons  # nobody asked to be matched by age


def test_max_reasons_limits_the_components_explained() -> None:
    result = match(*pools([newcomer(interests={"chess"}, availability=EVENINGS)],
                          [volunteer(interests={"chess"}, availability=EVENINGS)]),
                   max_reasons=1)
    assert len({reason.component for reason in result.proposals[0].reasons}) == 1


def test_every_unmatched_newcomer_gets_the_reason() -> None:
    result = match(*pools(
        [newcomer(1), newcomer(2), newcomer(3, place=NORTH_300_KM),
         newcomer(4, languages={"ti": 4}), newcomer(5, gender="female",
                                                    gender_preference="female"),
         newcomer(6, active=False), newcomer(7, place=SOLNA)],
        [volunteer(1, gender="male", capacity=2), volunteer(2, active=False, place=SOLNA)]),
        excluded=[(7, 1)])
    assert result.assignments == ((1, 1), (2, 1))
    why = {u.newcomer_id: (u.reason, u.obstacle) for u in result.unmatched}
    assert why == {
        3: (UnmatchedReason.NO_ACCEPTABLE_VOLUNTEER, Obstacle.TOO_FAR),
        4: (UnmatchedReason.NO_ACCEPTABLE_VOLUNTEER, Obstacle.NO_SHARED_LANGUAGE),
        5: (UnmatchedReason.NO_ACCEPTABLE_VOLUNTEER, Obstacle.GENDER_PREFERENCE),
        6: (UnmatchedReason.INACTIVE, None),
        7: (UnmatchedReason.NO_ACCEPTABLE_VOLUNTEER, Obstacle.EXCLUDED_OR_INACTIVE),
    }


def test_a_newcomer_whose_volunteers_are_all_taken_is_told_so() -> None:
    result = match(*pools([newcomer(1, interests={"chess"}), newcomer(2)],
                          [volunteer(1, interests={"chess"})]))
    assert result.assignments == ((1, 1),)
    (left,) = result.unmatched
    assert (left.newcomer_id, left.reason, left.acceptable) == (
        2, UnmatchedReason.ALL_ACCEPTABLE_VOLUNTEERS_FULL, 1)


def test_optimal_mode_reports_both_totals() -> None:
    result = match(*pools([newcomer(1), newcomer(2)], [volunteer(1, capacity=2)]),
                   mode="optimal")
    assert result.mode == "optimal"
    assert result.optimal is not None and result.optimal.matched == 2
    assert result.stable.matched == 2 and result.stable.blocking_pairs is None
    assert set(result.timings) >= {"encode", "scoring", "stable", "optimal", "total"}


def test_results_are_deterministic_and_sorted_by_newcomer_id() -> None:
    newcomers = [newcomer(i, interests={"chess"} if i % 2 else {"fika"}) for i in (5, 3, 9, 1)]
    volunteers = [volunteer(j, interests={"chess"}) for j in (4, 2)]
    first, second = (match(*pools(newcomers, volunteers)) for _ in range(2))
    assert first.proposals == second.proposals
    assert [p.newcomer_id for p in first.proposals] == sorted(
        p.newcomer_id for p in first.proposals)
    assert [u.newcomer_id for u in first.unmatched] == sorted(
        u.newcomer_id for u in first.unmatched)


def test_slot_names_group_whole_weekdays_and_weekends() -> None:
    weekend_mornings = availability_mask([(5, 0), (6, 0)])
    assert slot_names(EVENINGS | weekend_mornings | availability_mask([(1, 0)])) == (
        "weekend_morning", "weekday_evening", "tue_morning")  # groups by time of day first
    assert slot_names(0) == ()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"mode": "best"}, "mode must be 'stable' or 'optimal'"),
        ({"method": "fast"}, "method must be"),
        ({"method": "blocked", "k": 0}, "k must be >= 1"),
        ({"method": "blocked", "threads": 0}, "threads must be >= 1"),
        ({"max_reasons": -1}, "max_reasons must be >= 0"),
        ({"weights": {"language": 1.0}}, "missing"),
        ({"weights": {**DEFAULT_WEIGHTS, "age": -1.0}}, "finite and >= 0"),
    ],
)
def test_bad_options_fail_saying_what_was_expected(options, message) -> None:
    with pytest.raises(ValueError, match=message):
        match(*pools([newcomer()], [volunteer()]), **options)


@pytest.mark.parametrize("method", ["dense", "blocked"])
@pytest.mark.parametrize(("newcomers", "volunteers"), [
    ([], [volunteer()]),
    ([newcomer()], []),
    ([], []),
    ([newcomer(languages={})], [volunteer(languages={})]),
])
def test_empty_pools_and_empty_vocabularies_give_an_empty_answer(method, newcomers,
                                                                  volunteers) -> None:
    result = match(*pools(newcomers, volunteers), method=method, compare=True)
    assert result.proposals == () and result.stable.matched == 0
    assert [u.reason for u in result.unmatched] == (
        [UnmatchedReason.NO_ACCEPTABLE_VOLUNTEER] * len(newcomers))


@settings(max_examples=200, deadline=None)
@given(st.integers(0, (1 << 21) - 1))
def test_slot_names_name_every_slot_once(mask: int) -> None:
    names = slot_names(mask)
    slots = set()
    for name in names:
        days, part = name.split("_")
        groups = {"weekday": range(5), "weekend": range(5, 7)}
        day_numbers = groups[days] if days in groups else [
            ("mon", "tue", "wed", "thu", "fri", "sat", "sun").index(days)]
        part_number = ("morning", "afternoon", "evening").index(part)
        slots |= {(day, part_number) for day in day_numbers}
    assert availability_mask(slots) == mask
    assert len(names) == len(set(names))


def test_shared_languages_are_named_best_first() -> None:
    result = match(*pools([newcomer(languages={"fa": 4, "sv": 2, "en": 3})],
                          [volunteer(languages={"sv": 4, "en": 3, "fa": 1})]), max_reasons=6)
    (language,) = [r for r in result.proposals[0].reasons if r.component == "language"]
    assert language == Reason(ReasonKind.SHARED_LANGUAGE, "language", ("en", "sv"))
