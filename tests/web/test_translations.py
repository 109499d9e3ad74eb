"""Every text of the interface is translated in every shipped catalog, placeholders intact."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "web" / "translations"
LANGUAGES = sorted(p.name for p in TRANSLATIONS.iterdir() if (p / "LC_MESSAGES" / "messages.po").exists())


def catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, locale=locale)


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """Extract the texts from the code and templates as they are now."""
    pot = tmp_path_factory.mktemp("extract") / "messages.pot"
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
         "-k", "lazy_gettext", "--no-location", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    return catalog(pot)


def test_swedish_english_and_arabic_ship() -> None:
    assert {"sv", "ar"} <= set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_is_translated(sources: Catalog, language: str) -> None:
    translated = catalog(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", language)
    missing = []
    for message in sources:
        if not message.id:
            continue
        found = translated.get(message.id)
        strings = found.string if found else None
        values = strings if isinstance(strings, tuple) else (strings,)
        if found is None or found.fuzzy or not all(values):
            missing.append(message.id)
    assert missing == [], f"{len(missing)} texts untranslated in {language}; run `kompis translate update`"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language: str) -> None:
    translated = catalog(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", language)
    problems = [(message.id, str(error)) for message, errors in translated.check() for error in errors]
    assert problems == []
