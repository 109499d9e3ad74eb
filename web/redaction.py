"""Access logs without personal data: no query strings (searches hold names) and no tokens of sent links."""

from __future__ import annotations

import logging
import re

# Path segments that are the token of a link sent to a person: whoever holds it can use it.
_TOKEN = re.compile(r"(/(?:confirm|followup|available)/)[^/?\s\"]+")
_QUERY = re.compile(r"\?[^\s\"]*")


def redact_path(path: str) -> str:
    """Return a request path fit for a log: the query left out, link tokens replaced."""
    return _TOKEN.sub(r"\1[token]", _QUERY.sub("", path))


class RedactingFilter(logging.Filter):
    """Rewrite each access-log line of the development server (Werkzeug) through `redact_path`."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = redact_path(message), None
        return True


def redact_development_log() -> None:
    """Attach the filter to Werkzeug's logger, which writes the development server's access log."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())
