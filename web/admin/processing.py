"""The record of processing (GDPR article 30), generated from the purpose register."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from models import Organisation

from .. import db
from ..privacy.register import BASIS_LABELS, KEPT_LABELS, PURPOSE_LABELS, REGISTER, Purpose
from .access import admin_required, bp


@bp.get("/processing")
@admin_required
def processing() -> str:
    """Show, per purpose, what is kept about people, on what basis, for how long, and who the controllers are."""
    by_purpose: dict[Purpose, list] = {purpose: [] for purpose in Purpose}
    for category in REGISTER.values():
        if category not in by_purpose[category.purpose]:
            by_purpose[category.purpose].append(category)
    organisations = db.session().scalars(select(Organisation).order_by(Organisation.name))
    return render_template("admin/processing.html", by_purpose=by_purpose, purpose_labels=PURPOSE_LABELS,
                           basis_labels=BASIS_LABELS, kept_labels=KEPT_LABELS, organisations=list(organisations))
