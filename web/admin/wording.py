"""Each organisation's wording of its messages, per language, for an admin."""

from __future__ import annotations

from flask import abort, request
from werkzeug.wrappers import Response

from models import Organisation

from .. import db
from ..coordinator.wording import WordingPages, list_wordings, save_wording_of, show_wording
from .access import admin_required, bp


def _pages(organisation_id: int) -> WordingPages:
    if db.session().get(Organisation, organisation_id) is None:
        abort(404)
    return WordingPages(organisation_id, "admin.wordings", "admin.wording_page", {"organisation_id": organisation_id})


@bp.get("/organisations/<int:organisation_id>/wording")
@admin_required
def wordings(organisation_id: int) -> str:
    """List an organisation's messages and which it words itself."""
    return list_wordings(_pages(organisation_id))


@bp.route("/organisations/<int:organisation_id>/wording/<purpose_name>/<language_code>", methods=["GET", "POST"])
@admin_required
def wording_page(organisation_id: int, purpose_name: str, language_code: str) -> Response | tuple[str, int]:
    """Show or keep an organisation's wording of one message in one language."""
    pages = _pages(organisation_id)
    if request.method == "POST":
        return save_wording_of(pages, purpose_name, language_code)
    return show_wording(pages, purpose_name, language_code)
