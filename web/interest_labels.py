"""Interests in the reader's language: an admin's own word where there is one, else the catalog's."""

from __future__ import annotations

from flask import g
from flask_babel import force_locale, gettext
from sqlalchemy import select

from models import InterestTranslation

from . import db
from .i18n import current_language


def interest_label(code: str, english: str) -> str:
    """Return the interest `code` (English `english`) in the language being written, as the admin worded it."""
    language = current_language()
    known: dict[str, dict[str, str]] = g.setdefault("interest_labels", {})
    if language not in known:
        known[language] = {row.interest_code: row.label for row in db.session().scalars(
            select(InterestTranslation).where(InterestTranslation.language == language))}
    return known[language].get(code) or gettext(english)


def forget_interest_labels() -> None:
    """Drop what this request read, after an admin changed a word."""
    g.pop("interest_labels", None)


def catalog_word(language: str, english: str) -> str:
    """Return the catalog's word for an interest in `language`, whatever the admin chose."""
    with force_locale(language):
        return gettext(english)
