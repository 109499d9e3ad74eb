"""Helpers shared by views of every audience."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, has_request_context, url_for

from .extensions import csrf

# Where `make run` serves the app: links built by a command in local use point here.
LOCAL_URL = "http://localhost:5000"

View = TypeVar("View", bound=Callable[..., object])


def form_checks_csrf(view: View) -> View:
    """Let the view's own form check the CSRF token, so a refused form keeps its answers.

    The global check would answer an expired token with a bare error page and the
    typed answers lost; the form refuses the same token but re-renders what was typed.
    """
    exempted: View = csrf.exempt(view)
    return exempted


def external_url(endpoint: str, **values: Any) -> str:
    """Return an absolute URL for e-mails, on the configured public address.

    Only tests and local use lack PUBLIC_URL (the app refuses to start without it
    otherwise); there the request's own address is the right one.
    """
    public = current_app.config.get("PUBLIC_URL")
    if not has_request_context():  # a command run from cron builds links with no request to go by
        with current_app.test_request_context(base_url=str(public or LOCAL_URL)):
            return url_for(endpoint, _external=True, **values)
    if public:
        return str(public).rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
