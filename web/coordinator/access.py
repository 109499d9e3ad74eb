"""The coordinator blueprint and who may enter it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

bp = Blueprint("coordinator", __name__, url_prefix="/coordinator")


@bp.after_request
def never_cache(response: Response) -> Response:
    """Keep pages with people's data out of every cache, the browser's back button included."""
    response.headers["Cache-Control"] = "no-store"
    return response


def coordinator_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let in only a signed-in account that is a coordinator of an organisation.

    An admin is a coordinator only of the organisation the account belongs to:
    an admin of none reads nobody's data (least privilege).
    """

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user.organisation_id is None:
            if current_user.is_admin and request.endpoint == "coordinator.dashboard":
                return redirect(url_for("admin.index"))
            return render_template("coordinator/no_organisation.html"), 403
        return view(*args, **kwargs)

    return wrapped
