"""Every Swedish text a newcomer reads is plain Swedish: a LIX readability index of at most 40.

LIX = words / sentences + 100 × long words / words, where a word is a run of letters, a long
word has more than six letters, and a sentence ends at . ! ? : or at the end of a catalog entry
(labels and buttons are read on their own, so each entry counts as at least one sentence).

The texts are found the way `pybabel extract` finds them (babel.cfg decides the extractor of
each file), but only in the files a newcomer reads. To cover a new page, add its files to
NEWCOMER_SOURCES. Run with `pytest -s` to see the figure and the hardest entries.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
SWEDISH = ROOT / "web" / "translations" / "sv" / "LC_MESSAGES" / "messages.po"
MAX_LIX = 40

# Files whose texts a newcomer reads, relative to the repository root; globs allowed.
NEWCOMER_SOURCES = (
    # The request form and the page after it.
    "web/templates/newcomer/*.html",
    "web/newcomer/forms.py",
    "web/person_form.py",
    "web/fields.py",
    "web/templates/macros/forms.html",
    # The e-mail a newcomer gets, and the messages of the pair's later life (introduction, first
    # meeting, follow-up, reminder) with the words filled into them.
    "web/templates/email/newcomer_received.txt",
    "web/pairs/wording.py",
    "web/pairs/reach.py",
    # The follow-up questionnaire.
    "web/templates/followup/*.html",
    # Their own data: asking for the link, seeing, pausing and erasing it; and being told their kompis left.
    "web/templates/me/*.html",
    "web/me/*.py",
    "web/templates/email/me_link.txt",
    "web/templates/email/kompis_left.txt",
    "web/privacy/erasure.py",
    "web/followup/forms.py",
    # The start page, where a newcomer finds the way in.
    "web/templates/public/landing.html",
    # The interests and goals a newcomer chooses from.
    "seed_data/interests.csv",
    "seed_data/goals.csv",
)

# Texts in those files that a newcomer never reads, with the reason.
NOT_FOR_NEWCOMERS = {
    # web/person_form.py: the hidden field only robots fill in.
    "Leave this field empty",
}
# The assisted request (web/newcomer/forms.py AssistedNewcomerForm, `form.staff` in the templates)
# puts the same questions to a coordinator, about "the newcomer"; the newcomer's own form says "you".
# Vocabulary hints (CSV files) also speak of the newcomer, and a newcomer reads those: they stay.
STAFF_TEXT = re.compile(r"\bthe newcomer\b|\bnewcomer's\b", re.IGNORECASE)

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]|\{\w*\}")
TAG = re.compile(r"<[^>]+>")
WORD = re.compile(r"[^\W\d_]+")  # \w without digits or underscore: letters, åäö included
SENTENCE_END = re.compile(r"[.!?:]+(?=\s|$)")  # not the dot in name@example.se
LONG_WORD = 6  # a word with more letters than this is long


def source_files() -> list[Path]:
    files = []
    for pattern in NEWCOMER_SOURCES:
        found = sorted(ROOT.glob(pattern))
        assert found, f"{pattern} matches no file; update NEWCOMER_SOURCES"
        files.extend(found)
    return files


def for_newcomers(msgid: str, locations: Iterable[tuple[str, object]]) -> bool:
    """Tell whether a newcomer reads this text, rather than staff or robots only."""
    if msgid in NOT_FOR_NEWCOMERS:
        return False
    if STAFF_TEXT.search(msgid):
        return any(path.endswith(".csv") for path, _line in locations)
    return True


def extract(files: list[Path], pot: Path) -> Catalog:
    """Extract the texts of these files as `pybabel extract` does, babel.cfg choosing each extractor.

    Run in a subprocess, as in tests/web/test_translations.py: the vocabulary extractor leaves its
    text wrapper to the garbage collector, a ResourceWarning that pytest here turns into an error.
    """
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
         "-k", "lazy_gettext", "-o", str(pot), *(str(f.relative_to(ROOT)) for f in files)],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as file:
        return read_po(file)


@pytest.fixture(scope="module")
def newcomer_texts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Return the Swedish forms (all plural forms) of every text a newcomer reads, by msgid."""
    sources = extract(source_files(), tmp_path_factory.mktemp("plain") / "newcomer.pot")
    with SWEDISH.open("rb") as file:
        swedish = read_po(file, locale="sv")
    texts: dict[str, list[str]] = {}
    for message in sources:
        msgid = str(message.id[0] if isinstance(message.id, (list, tuple)) else message.id)
        if not msgid or not for_newcomers(msgid, message.locations):
            continue
        entry = swedish.get(msgid)
        if entry is None or entry.fuzzy:
            continue  # not Swedish yet; tests/web/test_translations.py reports it
        strings = entry.string if isinstance(entry.string, (list, tuple)) else (entry.string,)
        texts[msgid] = [str(string) for string in strings if string]
    return texts


def readable(text: str) -> str:
    """Return the text as a reader sees it: placeholders filled in, no HTML tags."""
    return TAG.sub(" ", PLACEHOLDER.sub("Anna", text))


@dataclass
class Counts:
    words: int = 0
    long_words: int = 0
    sentences: int = 0

    def add(self, text: str) -> None:
        words = WORD.findall(readable(text))
        if not words:
            return
        self.words += len(words)
        self.long_words += sum(len(word) > LONG_WORD for word in words)
        # Each entry ends a sentence, whether or not it ends with a full stop.
        text = readable(text).strip()
        self.sentences += len(SENTENCE_END.findall(text)) + (not SENTENCE_END.search(text[-1:]))

    @property
    def lix(self) -> float:
        if not self.words:
            return 0.0
        return self.words / self.sentences + 100 * self.long_words / self.words


def lix(*texts: str) -> float:
    counts = Counts()
    for text in texts:
        counts.add(text)
    return counts.lix


def test_lix_counts_as_described() -> None:
    # 6 words, 2 sentences, 2 long words ("hjälpmedel", "Kontakta"): 3 + 33.3.
    assert lix("Vi har många hjälpmedel. Kontakta oss!") == pytest.approx(6 / 2 + 100 * 2 / 6)
    # A label without a full stop is a sentence of its own; a placeholder is a short word.
    assert lix("Hej %(name)s,") == pytest.approx(2 / 1 + 0)
    assert lix("Skidor och skridskor", "Fika") == pytest.approx(4 / 2 + 100 * 1 / 4)
    # Digits and tags are not words; the dots of an address end no sentence.
    assert lix("Skriv namn@exempel.se här.") == pytest.approx(5 / 1 + 100 * 1 / 5)
    assert lix("<b>Till exempel</b> 1990.") == pytest.approx(2 / 1 + 100 * 1 / 2)


def test_newcomer_texts_are_plain_swedish(newcomer_texts: dict[str, list[str]]) -> None:
    texts = newcomer_texts
    assert len(texts) > 100, "the extraction found hardly any texts"
    total = Counts()
    scored = []
    for msgid, strings in texts.items():
        for string in strings:
            total.add(string)
            scored.append((lix(string), string, msgid))
    # Hardest first; among equals, the longer text, which has more to rewrite.
    scored.sort(key=lambda item: (-item[0], -len(item[1])))

    print(f"\nLIX of the Swedish a newcomer reads: {total.lix:.1f} (at most {MAX_LIX}); "
          f"{len(texts)} texts, {total.words} words, {total.sentences} sentences, "
          f"{total.long_words} long words")
    print("Hardest texts:")
    for score, string, _msgid in scored[:10]:
        print(f"  {score:5.1f}  {string}")

    assert total.lix <= MAX_LIX, (
        f"LIX of the newcomer's Swedish is {total.lix:.1f}, above {MAX_LIX}; "
        f"hardest: {[string for _score, string, _msgid in scored[:5]]}"
    )
