"""Components and hard constraints on hand-made pairs whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from matcher import COMPONENTS, availability_mask
from matcher.components import pairs
from matcher.encode import Scoring
from matcher.scoring import Evaluation, evaluate, exclusion_matrix, utilities

from .people import NORTH_300_KM, SOLNA, STOCKHOLM, encoded, newcomer, pools, volunteer

WEEKDAY_EVENINGS = availability_mask([(day, 2) for day in range(5)])
WEEKENDS = availability_mask([(day, part) for day in (5, 6) for part in range(3)])


def _evaluate(newcomers, volunteers, *, scoring=None, excluded=()) -> Evaluation:
    enc = encoded(newcomers, volunteers, scoring=scoring)
    forbidden = exclusion_matrix(*pools(newcomers, volunteers), excluded)
    return evaluate(pairs(enc), excluded=forbidden)


def _score(ev: Evaluation, name: str) -> np.ndarray:
    return ev.components[COMPONENTS.index(name)]


def test_same_town_is_near_and_300_km_is_beyond_reach() -> None:
    ev = _evaluate([newcomer(max_km=500)],
                   [volunteer(1, place=STOCKHOLM, max_km=500),
                    volunteer(2, place=SOLNA, max_km=500),
                    volunteer(3, place=NORTH_300_KM, max_km=500),
                    volunteer(4, place=NORTH_300_KM, max_km=20)])
    km, location = ev.km[0], _score(ev, "location")[0]
    assert km[0] == pytest.approx(0, abs=0.01)
    assert km[1] == pytest.approx(5.0, abs=0.3)
    assert km[2] == pytest.approx(300, rel=1e-3)
    assert location[0] == pytest.approx(1.0)
    assert location[1] == pytest.approx(np.exp(-km[1] / 10), rel=1e-5)
    assert location[2] < 1e-10
    assert ev.acceptable[0].tolist() == [True, True, True, False]  # the last travels 20 km


@pytest.mark.parametrize(("newcomer_km", "volunteer_km", "ok"),
                         [(10, 10, True), (4, 10, False), (10, 4, False)])
def test_either_sides_maximum_distance_makes_a_pair_unacceptable(newcomer_km, volunteer_km,
                                                                   ok) -> None:
    ev = _evaluate([newcomer(max_km=newcomer_km)], [volunteer(place=SOLNA, max_km=volunteer_km)])
    assert bool(ev.acceptable[0, 0]) is ok


def test_a_shared_rare_interest_counts_more_than_a_shared_common_one() -> None:
    crowd = [newcomer(10 + i, interests={"football", "fika"}) for i in range(8)]
    ev = _evaluate([newcomer(1, interests={"chess", "football"}), *crowd],
                   [volunteer(1, interests={"chess", "fika"}),
                    volunteer(2, interests={"football", "fika"}),
                    volunteer(3, interests={"chess", "football"}),
                    volunteer(4, interests=set())])
    rare, common, same, none = _score(ev, "interests")[0]
    assert rare > common > 0
    assert same == pytest.approx(1.0, abs=1e-3)
    assert none == 0.0


def test_no_common_language_makes_a_pair_unacceptable() -> None:
    ev = _evaluate([newcomer(languages={"ti": 4, "sv": 0})],
                   [volunteer(1, languages={"sv": 4, "en": 3}),
                    volunteer(2, languages={"sv": 4, "ti": 3}),
                    volunteer(3, languages={"sv": 4, "ti": 1})])  # basic is not usable
    assert ev.acceptable[0].tolist() == [False, True, False]


def test_language_score_is_the_best_shared_level_plus_the_mother_tongue_bonus() -> None:
    ev = _evaluate([newcomer(1, languages={"ar": 4, "sv": 1}),
                    newcomer(2, languages={"ar": 4, "sv": 3})],
                   [volunteer(1, languages={"sv": 4, "ar": 3}),
                    volunteer(2, languages={"sv": 4, "en": 3})])
    language = _score(ev, "language")
    assert language[0, 0] == pytest.approx(0.75 + 0.25)  # Arabic at 3, beginner's tongue
    assert not ev.acceptable[0, 1]  # Swedish at 1 is not enough, no English
    assert language[1, 0] == pytest.approx(0.75)  # Swedish or Arabic at 3, no bonus
    assert language[1, 1] == pytest.approx(0.75)


@pytest.mark.parametrize(("volunteer_gender", "ok"), [("female", True), ("male", False),
                                                       (None, False)])
def test_a_gender_preference_rules_out_everyone_else(volunteer_gender, ok) -> None:
    ev = _evaluate([newcomer(gender="female", gender_preference="female")],
                   [volunteer(gender=volunteer_gender)])
    assert bool(ev.acceptable[0, 0]) is ok


def test_the_volunteers_gender_preference_counts_too() -> None:
    ev = _evaluate([newcomer(1, gender="male"), newcomer(2, gender="female")],
                   [volunteer(gender="female", gender_preference="female")])
    assert ev.acceptable[:, 0].tolist() == [False, True]


def test_excluded_pairs_and_inactive_people_are_unacceptable() -> None:
    ev = _evaluate([newcomer(1), newcomer(2), newcomer(3, active=False)],
                   [volunteer(7), volunteer(8, active=False)], excluded=[(1, 7), (99, 7)])
    assert ev.acceptable.tolist() == [[False, False], [True, False], [False, False]]


def test_availability_is_the_overlap_of_weekly_slots() -> None:
    ev = _evaluate([newcomer(1, availability=WEEKDAY_EVENINGS), newcomer(2, availability=0)],
                   [volunteer(1, availability=WEEKDAY_EVENINGS | WEEKENDS),
                    volunteer(2, availability=WEEKENDS),
                    volunteer(3, availability=availability_mask([(0, 2)]))])
    slots = _score(ev, "availability")
    assert slots[0].tolist() == pytest.approx([1.0, 0.0, 1.0])  # over the smaller side
    assert slots[1].tolist() == pytest.approx([0.5, 0.5, 0.5])  # unknown: unknown_score


def test_goals_are_the_share_of_the_newcomers_goals_covered() -> None:
    ev = _evaluate([newcomer(1, goals={"swedish", "work_study", "social", "family"}),
                    newcomer(2, goals=set())],
                   [volunteer(1, help={"swedish", "social"}), volunteer(2, help=set())])
    goals = _score(ev, "goals")
    assert goals[0].tolist() == pytest.approx([0.5, 0.0])
    assert goals[1].tolist() == pytest.approx([0.5, 0.5])


def test_age_is_closeness_in_birth_year() -> None:
    ev = _evaluate([newcomer(birth_year=1990)],
                   [volunteer(1, birth_year=1990), volunteer(2, birth_year=1980),
                    volunteer(3, birth_year=1950)])
    assert _score(ev, "age")[0].tolist() == pytest.approx([1.0, 0.6, 0.0])


def test_every_component_lies_in_zero_to_one_and_utilities_too() -> None:
    rng = np.random.default_rng(0)
    newcomers = [newcomer(i, interests=set(rng.choice(["a", "b", "c", "d"], 2)),
                          availability=int(rng.integers(0, 1 << 21)),
                          goals={"swedish"} if i % 2 else set(),
                          priorities={"age", "interests"} if i % 3 else set()) for i in range(20)]
    volunteers = [volunteer(i, interests=set(rng.choice(["a", "b", "e"], 2)),
                            availability=int(rng.integers(0, 1 << 21)), help={"swedish"},
                            priorities={"location"}) for i in range(15)]
    enc = encoded(newcomers, volunteers)
    p = pairs(enc)
    ev = evaluate(p, excluded=sp.csr_array((20, 15), dtype=bool))
    assert np.all((ev.components >= 0) & (ev.components <= 1))
    for utility in utilities(p, ev.components):
        assert np.all((utility >= 0) & (utility <= 1.0 + 1e-6))


def test_each_side_ranks_by_its_own_priorities() -> None:
    # Volunteer 1 lives next door; volunteer 2 shares every interest, 5 km away.
    likes = {"chess", "hiking"}
    newcomers = [newcomer(1, interests=likes, priorities={"location"}),
                 newcomer(2, interests=likes, priorities={"interests"}),
                 newcomer(3, interests={"fika"})]
    volunteers = [volunteer(1, interests={"football"}), volunteer(2, place=SOLNA, interests=likes)]
    enc = encoded(newcomers, volunteers, scoring=Scoring(priority_factor=4))
    p = pairs(enc)
    ev = evaluate(p, excluded=sp.csr_array((3, 2), dtype=bool))
    wants, _ = utilities(p, ev.components)
    assert wants[0, 0] > wants[0, 1]  # location matters most to newcomer 1
    assert wants[1, 1] > wants[1, 0]  # interests matter most to newcomer 2
