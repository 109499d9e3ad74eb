"""Interface languages: which exist, which one a request uses, names and direction."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from babel import Locale
from flask import Flask, Response, current_app, g, request
from flask_babel import get_locale

DEFAULT_LANGUAGE = "sv"
LANGUAGE_COOKIE = "kompis_lang"
# The menu lists these first, in this order; any other catalog follows.
MENU_ORDER = ("sv", "en", "ar", "fa_AF", "so", "ti", "uk")
# Babel calls fa_AF "فارسی (افغانستان)"; people who speak it call it Dari.
MENU_LABELS = {"fa_AF": "دری"}
# Other names people or browsers use for an interface language: ISO 639-3 "prs" is Dari,
# and Persian readers read the Dari interface (the same written language).
ALIASES = {"prs": "fa_AF", "fa": "fa_AF"}
# Where CLDR's name of a spoken language misleads the people who use Kompis, by interface language:
# Swedish CLDR calls Pashto "afghanska", easily taken for Dari; Kurds name their two languages by dialect.
LANGUAGE_NAME_OVERRIDES = {
    "sv": {"ps": "pashto", "ku": "kurdiska (kurmanji)", "ckb": "kurdiska (sorani)"},
    "en": {"ku": "Kurdish (Kurmanji)", "ckb": "Kurdish (Sorani)"},
}
TRANSLATIONS = Path(__file__).parent / "translations"


@cache
def available_languages() -> tuple[str, ...]:
    """Return the interface languages: Swedish, English and every shipped catalog."""
    found = {p.name for p in TRANSLATIONS.iterdir() if (p / "LC_MESSAGES").is_dir()}
    codes = {DEFAULT_LANGUAGE, "en"} | found
    ordered = [c for c in MENU_ORDER if c in codes]
    return tuple(ordered + sorted(codes - set(ordered)))


def normalise(code: str | None) -> str | None:
    """Return the interface language a user-supplied code names, or None."""
    if not code:
        return None
    wanted = code.strip().replace("-", "_")
    wanted = ALIASES.get(wanted.lower(), wanted)
    for available in available_languages():
        if wanted.lower() == available.lower():
            return available
    return None


def from_browser(header_languages: list[tuple[str, float]]) -> str | None:
    """Return the interface language a browser's Accept-Language asks for first, if Kompis has one.

    A regional variant falls back to its language ("ar-SY" is Arabic), except that
    "fa-AF" is Dari itself.
    """
    for code, quality in header_languages:
        if quality <= 0:
            continue
        found = normalise(code) or normalise(code.replace("_", "-").split("-")[0])
        if found:
            return found
    return None


def interface_language_for(spoken: str | None, *, fallback: str = DEFAULT_LANGUAGE) -> str:
    """Return the interface language for someone who speaks `spoken`, if Kompis has it, else `fallback`."""
    return normalise(spoken) or fallback


def select_locale() -> str:
    """Pick the request's language: `?lang=`, the remembered choice, the browser's, then Swedish."""
    chosen = normalise(request.args.get("lang"))
    if chosen:
        g.language_chosen = chosen
        return chosen
    return (normalise(request.cookies.get(LANGUAGE_COOKIE)) or from_browser(list(request.accept_languages))
            or DEFAULT_LANGUAGE)


def remember_choice(response: Response) -> Response:
    """Keep a language picked with `?lang=` for the next visit."""
    chosen = g.get("language_chosen")
    if chosen:
        response.set_cookie(
            LANGUAGE_COOKIE,
            chosen,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
        )
    return response


def current_language() -> str:
    """Return the code of the language this request is rendered in."""
    return str(get_locale() or DEFAULT_LANGUAGE)


def text_direction(code: str) -> str:
    """Return `rtl` or `ltr` for a language, from Babel's locale data."""
    return "rtl" if Locale.parse(code).character_order == "right-to-left" else "ltr"


def menu_label(code: str) -> str:
    """Return a language's name in that language itself, for the language menu."""
    if code in MENU_LABELS:
        return MENU_LABELS[code]
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def language_name(code: str, in_language: str | None = None) -> str:
    """Return the name of a spoken language in the interface language, from Babel."""
    language = in_language or current_language()
    override = LANGUAGE_NAME_OVERRIDES.get(language, {}).get(code)
    if override:
        return override
    locale = Locale.parse(language)
    return locale.languages.get(code) or Locale.parse("en").languages.get(code) or code


def language_url(code: str) -> str:
    """Return this page's address in another language, keeping its other query arguments."""
    args = {key: values for key, values in request.args.lists() if key != "lang"}
    return f"{request.path}?{urlencode({**args, 'lang': code}, doseq=True)}"


def _choose_early() -> None:
    # Flask-Babel picks the language only when a text is translated; a response that
    # only redirects would otherwise never see `?lang=`, and not remember it.
    get_locale()


def init_app(app: Flask) -> None:
    """Expose language helpers to templates and remember `?lang=` choices."""
    app.before_request(_choose_early)
    app.after_request(remember_choice)

    @app.context_processor
    def language_context() -> dict[str, object]:
        code = current_language()
        return {
            "current_language": code,
            "html_lang": code.replace("_", "-"),
            "text_direction": text_direction(code),
            "interface_languages": [(c, menu_label(c)) for c in available_languages()],
            "language_name": language_name,
            "language_url": language_url,
        }
