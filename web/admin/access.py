"""The admin blueprint and who may enter it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.after_request
def never_cache(response: Response) -> Response:
    """Keep account and audit pages out of every cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let in only a signed-in admin; a coordinator gets 403."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped
