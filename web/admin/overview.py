"""The admin's start page."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import func, select

from models import Coordinator, Organisation

from .. import db
from .access import admin_required, bp


@bp.get("/")
@admin_required
def index() -> str:
    """Show what an admin looks after, with counts."""
    session = db.session()
    return render_template(
        "admin/index.html",
        organisations=session.scalar(select(func.count()).select_from(Organisation)),
        accounts=session.scalar(select(func.count()).select_from(Coordinator).where(Coordinator.active)),
    )
