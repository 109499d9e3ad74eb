"""The coordinator blueprint and who may enter it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

bp = Blueprint("coordinator", __name__, url_prefix="/coordinator")


@bp.after_request
def never_cache(response: Response) -> Response:
    """Keep pages with people's data out of every cache, the browser's back button included."""
    response.headers["Cache-Control"] = "no-store"
    return response


def coordinator_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let in only a logged-in coordinator who belongs to an organisation."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user.organisation_id is None:
            return render_template("coordinator/no_organisation.html"), 403
        return view(*args, **kwargs)

    return wrapped
