"""Answers after a state change: 303 See Other, so the browser fetches the next page with GET."""

from __future__ import annotations

from typing import Any

from flask import redirect, url_for
from werkzeug.wrappers import Response


def see_other(endpoint: str, **values: Any) -> Response:
    """Answer 303 to ``endpoint``."""
    return redirect(url_for(endpoint, **values), code=303)
