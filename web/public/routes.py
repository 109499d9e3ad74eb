"""Pages for everyone: landing, privacy notice, health check."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template

from .. import db
from ..privacy.notice import build_notice

bp = Blueprint("public", __name__)


@bp.get("/")
def landing() -> str:
    """Show the two ways in: become a kompis, or get one."""
    return render_template("public/landing.html")


@bp.get("/privacy")
def privacy() -> str:
    """Show the privacy notice people agree to when they sign up, naming every organisation as it may be theirs."""
    return render_template("public/privacy.html", notice=build_notice(db.session()))


@bp.get("/accessibility")
def accessibility() -> str:
    """Show the accessibility statement the law asks of public digital services."""
    return render_template("public/accessibility.html")


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Report liveness and whether the database answers, as JSON."""
    healthy = db.check_database()
    body = {"status": "ok" if healthy else "unavailable", "database": "ok" if healthy else "error"}
    return jsonify(body), 200 if healthy else 503
