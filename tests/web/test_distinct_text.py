"""Every public page reads in its own language: a translated page shares almost no words with the English one.

A catalog entry left untranslated shows the English msgid on, say, the Somali page; this finds it.
For each public page (and the forms refused empty, so their error messages show), the visible text
of <body> (scripts and styles left out) is cut into words, and the share of the page's words that
also occur anywhere on the English page must stay under SHARE_LIMIT.

- A word is a run of letters (combining marks included, so Arabic vowel signs do not split a word);
  digits and punctuation separate words and are dropped. Words are compared case-folded. A single
  letter is no word of any one language (Swedish "i", the "e" of e-post and e-mail) and is dropped.
- Names stay the same in every language and are dropped first: NAMES below, the labels of the language
  menu (each language named in itself, on every page), the names of places (the form's place list) and
  the names of spoken languages that the page's language, by Babel's CLDR data, spells as English does
  ("Dari", "Hindi" in Swedish; not a name Babel lacks and the page shows in English instead).
- Swedish shares some words with English (SWEDISH_LIKE_ENGLISH): they are Swedish on the Swedish page.
- share = |words of the page also on the English page| / |words of the page|, counting every
  occurrence. Swedish, the default language, is compared with English too.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

import pytest
from babel import Locale
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Language, Municipality, Place
from tests.factories import make_organisation
from tests.web.helpers import get_form, page

SHARE_LIMIT = 0.05
PUBLIC_PAGES = ["/", "/volunteer/signup", "/newcomer/request", "/coordinator/login", "/privacy", "/accessibility",
                "/me"]
FORMS = ["/volunteer/signup", "/newcomer/request"]  # posted empty, so the errors show
LANGUAGES = ["sv", "ar", "fa_AF", "so", "ti", "uk"]  # each compared with "en"

# Names, and texts that are names, that every language writes the same; documented here, case-folded.
NAMES = {
    "kompis", "kompisar",  # the service, and its plural, which English pages use too
    "bankid", "sfi", "swish",  # Swedish things known by these names
    "wcag", "web", "content", "accessibility", "guidelines",  # the standard's own title, WCAG
    "digg", "imy", "gdpr",  # Swedish authorities and the EU regulation, by their abbreviations
    "javascript",
    "example", "org", "se", "com", "namn", "name",  # the parts of example e-mail addresses (name@example.se)
    "aa",  # WCAG's conformance level
    "km",  # kilometres, a unit's symbol, as good as a number
}
# Swedish words spelled like English ones ("i" = in, "man" = one, "personal" = staff, "fika"), and
# loanwords Swedish shares with English: they are Swedish on the Swedish page, whatever English does.
SWEDISH_LIKE_ENGLISH = {"in", "man", "person", "personal", "problem", "social", "camping", "gym", "yoga",
                        "instrument", "fika"}


def words(text: str) -> list[str]:
    """Return the runs of letters (with their combining marks) of `text`, case-folded."""
    found: list[str] = []
    current: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if category.startswith("L") or (category.startswith("M") and current):
            current.append(char)
        elif current:
            found.append("".join(current).casefold())
            current = []
    if current:
        found.append("".join(current).casefold())
    return [word for word in found if len(word) > 1]


def visible_text(html: bytes) -> str:
    """Return the text of the page's body, without scripts and styles."""
    soup = page(html)
    body = soup.body
    assert body is not None
    for element in body.find_all(["script", "style"]):
        element.decompose()
    return body.get_text(" ")


def names_on(soup: BeautifulSoup) -> set[str]:
    """Return the words of the language menu: each language's own name for itself."""
    menu = soup.find("nav", class_="language-menu")
    assert menu is not None
    return set(words(menu.get_text(" ")))


def place_names(session: Session) -> set[str]:
    """Return the words of every place and municipality name."""
    names = list(session.scalars(select(Place.name))) + list(session.scalars(select(Municipality.name)))
    return {word for name in names for word in words(name)}


def language_names_as_in_english(session: Session, language: str) -> set[str]:
    """Return the words of the spoken languages' names that Babel spells in `language` as in English."""
    locale, english = Locale.parse(language), Locale.parse("en")
    same = set()
    for code in session.scalars(select(Language.code)):
        name = locale.languages.get(code)  # None where Babel has no name (the page shows English)
        if name and name.casefold() == (english.languages.get(code) or "").casefold():
            same |= set(words(name))
    return same


def page_words(client: FlaskClient, path: str, language: str, *, refused: bool, ignore: set[str]) -> list[str]:
    """Return the words of a page in a language, names left out; refused: post its form empty first."""
    if refused:
        soup, token = get_form(client, f"{path}?lang={language}")
        main = soup.find("main")
        form = main.find("form", method="post") if main else None
        assert form is not None, (path, "has no form")
        action = str(form.get("action") or path)
        joiner = "&" if "?" in action else "?"
        response = client.post(f"{action}{joiner}lang={language}", data={"csrf_token": token})
        assert response.status_code == 400, (path, language, response.status_code)
        assert page(response.data).find(class_="error-summary") is not None, (path, language)
    else:
        response = client.get(f"{path}?lang={language}")
        assert response.status_code == 200, (path, language, response.status_code)
    names = ignore | names_on(page(response.data))
    return [word for word in words(visible_text(response.data)) if word not in names]


CASES = [(path, False) for path in PUBLIC_PAGES] + [(path, True) for path in FORMS]


@pytest.mark.parametrize(("path", "refused"), CASES, ids=[f"{p}{' refused' if r else ''}" for p, r in CASES])
def test_no_page_reads_like_the_english_one(client: FlaskClient, session: Session, path: str, refused: bool) -> None:
    make_organisation(session)
    ignore = NAMES | place_names(session)
    english = set(page_words(client, path, "en", refused=refused, ignore=ignore))
    assert len(english) > 5, "the English page has hardly any text"
    problems = []
    for language in LANGUAGES:
        own = language_names_as_in_english(session, language) | (SWEDISH_LIKE_ENGLISH if language == "sv" else set())
        found = page_words(client, path, language, refused=refused, ignore=ignore | own)
        shared = Counter(word for word in found if word in english)
        share = sum(shared.values()) / len(found)
        if share >= SHARE_LIMIT:
            problems.append(f"{language}: {share:.1%} of {len(found)} words are on the English page too: "
                            f"{', '.join(f'{w} ×{n}' for w, n in shared.most_common())}")
    assert not problems, "\n".join(problems)
