"""The shipped reference data: places, vocabularies and demo-pool inputs."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import unicodedata
from collections import Counter, defaultdict
from importlib import resources

import pytest
from babel import Locale

import seed_data

PLACES = seed_data.load_places()
MUNICIPALITIES = {p.municipality_code: p.municipality for p in PLACES}
DEMO_AREAS = ["Upplands Väsby", "Nyköping", "Kalmar", "Linköping", "Haninge", "Nynäshamn", "Tyresö"]

# Names the GeoNames forms make easy to get wrong: a final s that is not a genitive,
# a genitive that is not plain -s, hyphens, two words, and exonyms.
OFFICIAL_SPELLINGS = {
    "0139": "Upplands-Bro", "0183": "Sundbyberg", "0186": "Lidingö", "0305": "Håbo",
    "0330": "Knivsta", "0331": "Heby", "0486": "Strängnäs", "0682": "Nässjö",
    "0687": "Tranås", "0834": "Torsås", "0861": "Mönsterås", "0980": "Gotland",
    "1256": "Östra Göinge", "1280": "Malmö", "1282": "Landskrona", "1283": "Helsingborg",
    "1421": "Orust", "1427": "Sotenäs", "1438": "Dals-Ed", "1462": "Lilla Edet",
    "1463": "Mark", "1480": "Göteborg", "1481": "Mölndal", "1488": "Trollhättan",
    "1489": "Alingsås", "1490": "Borås", "1493": "Mariestad", "1980": "Västerås",
    "2023": "Malung-Sälen", "2080": "Falun", "2104": "Hofors", "2183": "Bollnäs",
    "2282": "Kramfors", "2326": "Berg", "2409": "Robertsfors", "2460": "Vännäs",
}


def fold(text: str) -> str:
    """Strip diacritics: "Nyköping" -> "Nykoping"."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def test_290_municipalities_with_distinct_codes_and_names() -> None:
    assert len(MUNICIPALITIES) == 290
    assert len(set(MUNICIPALITIES.values())) == 290
    assert all(re.fullmatch(r"\d{4}", code) for code in MUNICIPALITIES)


@pytest.mark.parametrize("name", [*DEMO_AREAS, "Göteborg", "Falun", "Malung-Sälen"])
def test_municipality_names_include(name: str) -> None:
    assert name in MUNICIPALITIES.values()


def test_municipality_names_spelled_as_officially() -> None:
    assert {code: MUNICIPALITIES[code] for code in OFFICIAL_SPELLINGS} == OFFICIAL_SPELLINGS


def test_each_municipality_belongs_to_one_of_21_counties() -> None:
    counties = defaultdict(set)
    for place in PLACES:
        counties[place.municipality_code].add(place.county)
    assert all(len(names) == 1 for names in counties.values())
    all_counties = set().union(*counties.values())
    assert len(all_counties) == 21
    assert all(county.endswith(" län") for county in all_counties)
    assert counties["0480"] == {"Södermanlands län"}


def test_every_municipality_has_exactly_one_seat() -> None:
    seats = Counter(p.municipality_code for p in PLACES if p.is_seat)
    assert set(seats) == set(MUNICIPALITIES)
    assert set(seats.values()) == {1}


@pytest.mark.parametrize(
    ("municipality", "seat"),
    [("Nyköping", "Nyköping"), ("Haninge", "Handen"), ("Gotland", "Visby"), ("Mark", "Kinna"),
     ("Berg", "Svenstavik"), ("Orust", "Henån"), ("Göteborg", "Göteborg")],
)
def test_seat(municipality: str, seat: str) -> None:
    assert [p.locality for p in PLACES if p.municipality == municipality and p.is_seat] == [seat]


def test_coordinates_lie_in_sweden() -> None:
    for place in PLACES:
        assert 55.3 <= place.latitude <= 69.1, place
        assert 10.9 <= place.longitude <= 24.2, place


def test_geonames_ids_unique_and_rows_sorted() -> None:
    assert len({p.geonames_id for p in PLACES}) == len(PLACES)
    keys = [(p.municipality_code, p.locality) for p in PLACES]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)


def test_locality_names_keep_swedish_letters() -> None:
    names = {p.locality for p in PLACES} | set(MUNICIPALITIES.values())
    folded_swedish = {fold(n) for n in names if not n.isascii()}
    # Habo (Jönköpings län) and Håbo (Uppsala län) are two municipalities
    assert {n for n in names if n.isascii()} & folded_swedish == {"Habo"}
    assert not {"Nykoping", "Goteborg", "Gothenburg", "Linkoping"} & names
    assert "Nyköping" in names


def test_places_file_round_trips_as_utf8() -> None:
    raw = resources.files("seed_data").joinpath("places.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no BOM
    text = raw.decode("utf-8")
    assert text.encode("utf-8") == raw
    assert unicodedata.normalize("NFC", text) == text
    rows = list(csv.DictReader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    assert out.getvalue() == text


def test_interests_vocabulary() -> None:
    interests = seed_data.load_interests()
    codes = [i.code for i in interests]
    assert 30 <= len(interests) <= 40
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[a-z][a-z_]*", code) for code in codes)
    assert all(i.label and i.label.isascii() for i in interests)
    assert {"football", "cooking", "hiking", "knitting", "chess", "music", "fika"} <= set(codes)
    assert "childrens_activities" in codes


def test_goals_vocabulary() -> None:
    goals = seed_data.load_goals()
    assert [g.code for g in goals] == ["swedish", "social", "work_study", "everyday", "family"]
    assert all(g.label and g.description for g in goals)


def test_languages_have_babel_names_and_unique_codes() -> None:
    languages = seed_data.load_languages()
    codes = [lang.code for lang in languages]
    assert len(set(codes)) == len(codes)
    swedish = Locale.parse("sv").languages
    assert [code for code in codes if not swedish.get(code)] == []
    assert {"sv", "ar", "fa_AF", "ti", "so", "uk", "ckb"} <= set(codes)
    assert any(lang.newcomer_common for lang in languages)
    assert any(lang.volunteer_common for lang in languages)


def test_demo_areas_and_organisations_match_places() -> None:
    demo = seed_data.load_demo()
    assert sorted(a.name for a in demo.areas) == sorted(DEMO_AREAS)
    for area in demo.areas:
        assert MUNICIPALITIES[area.municipality_code] == area.name
    served = [code for org in demo.organisations for code in org.municipality_codes]
    assert sorted(served) == sorted(a.municipality_code for a in demo.areas)
    shared = [o for o in demo.organisations if len(o.municipality_codes) > 1]
    assert [set(o.municipality_codes) for o in shared] == [{"0136", "0192", "0138"}]
    assert sum(a.pool_share for a in demo.areas) == pytest.approx(1)


def test_demo_origin_groups_are_usable() -> None:
    demo = seed_data.load_demo()
    offered = {lang.code for lang in seed_data.load_languages()}
    for role in ("newcomer", "volunteer"):
        assert sum(g.shares[role] for g in demo.origin_groups) == pytest.approx(1)
    for group in demo.origin_groups:
        assert set(group.first_names) == {"female", "male"}
        assert all(len(names) >= 20 for names in group.first_names.values())
        assert len(set(group.family_names)) == len(group.family_names) >= 20
        assert sum(group.mother_tongues.values()) == pytest.approx(1)
        assert set(group.mother_tongues) <= offered
        for chance in group.other_languages:
            assert chance.code in offered
            assert 0 < chance.share <= 1
            assert set(chance.levels) <= {0, 1, 2, 3, 4}
            assert sum(chance.levels.values()) == pytest.approx(1)
    assert set(demo.language_levels) == {0, 1, 2, 3, 4}


def test_seed_data_imports_neither_flask_nor_sqlalchemy() -> None:
    code = (
        "import sys, seed_data; seed_data.load_places(); seed_data.load_demo(); "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"
