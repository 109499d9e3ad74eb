"""Error pages in the visitor's language, and the security headers of every response."""

from __future__ import annotations

import logging

from flask import Flask, Response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

# Codes with a page of their own; any other 4xx falls back to the generic one.
PAGES = {400, 403, 404, 405, 410, 413, 429}

# Everything the pages load comes from the app itself; no outside script, font or tracker.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


def handle_http_error(error: HTTPException) -> tuple[str, int]:
    """Render an HTTP error as a page in the visitor's language."""
    code = error.code or 500
    template = f"errors/{code}.html" if code in PAGES else "errors/generic.html"
    return render_template(template, code=code), code


def handle_csrf_error(error: CSRFError) -> tuple[str, int]:
    """Explain a refused form token instead of showing a bare error."""
    return render_template("errors/csrf.html", code=400), 400


def handle_unexpected(error: Exception) -> tuple[str, int]:
    """Log an unexpected failure and show a calm page; never the traceback."""
    log.exception("unexpected error", exc_info=error)
    return render_template("errors/500.html", code=500), 500


def security_headers(response: Response) -> Response:
    """Add the headers that keep pages from being framed, sniffed or leaking referrers."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # same-origin, not no-referrer: Flask-WTF's HTTPS check needs the Referer.
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    # Only over HTTPS (as the request reached the app, or as the trusted proxies say it reached them):
    # on plain http a browser ignores it, and local use must stay reachable.
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def init_app(app: Flask) -> None:
    """Install the error pages and the security headers."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    if not app.testing:
        app.register_error_handler(Exception, handle_unexpected)
    app.after_request(security_headers)
