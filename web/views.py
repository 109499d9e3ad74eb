"""Helpers shared by views of every audience."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, url_for

from .extensions import csrf

View = TypeVar("View", bound=Callable[..., object])


def form_checks_csrf(view: View) -> View:
    """Let the view's own form check the CSRF token, so a refused form keeps its answers.

    The global check would answer an expired token with a bare error page and the
    typed answers lost; the form refuses the same token but re-renders what was typed.
    """
    return csrf.exempt(view)  # type: ignore[no-any-return]


def external_url(endpoint: str, **values: object) -> str:
    """Return an absolute URL for e-mails, on the configured public address.

    Only tests and local use lack PUBLIC_URL (the app refuses to start without it
    otherwise); there the request's own address is the right one.
    """
    public = current_app.config.get("PUBLIC_URL")
    if public:
        return str(public).rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
