"""The organisation's default weights, in plain words, with a preview of what a run would match."""

from __future__ import annotations

from flask import flash, render_template
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

import matcher
from models import MATCH_COMPONENTS, Organisation

from .. import audit, db
from ..matching.pools import load_pools
from ..matching.words import COMPONENT_EXPLANATIONS
from .access import bp, coordinator_required
from .forms import WeightsForm
from .redirects import see_other


def _organisation() -> Organisation:
    organisation = db.session().get(Organisation, current_user.organisation_id)
    assert organisation is not None
    return organisation


def preview(organisation: Organisation, weights: dict[str, float]) -> int | None:
    """Return how many newcomers a stable run with ``weights`` would match now; None when too large to try here."""
    pools = load_pools(db.session(), organisation.id)
    if len(pools.newcomers) * len(pools.volunteers) > matcher.DENSE_MAX_PAIRS:
        return None
    if len(pools.newcomers) == 0 or pools.free_seats == 0:
        return 0
    result = matcher.match(pools.newcomers, pools.volunteers, weights=weights, excluded=pools.excluded)
    return len(result.proposals)


def _render(form: WeightsForm, status: int = 200, matched: int | None = None, previewed: bool = False
            ) -> tuple[str, int]:
    return render_template("coordinator/weights.html", form=form, components=MATCH_COMPONENTS,
                           explanations=COMPONENT_EXPLANATIONS, matched=matched, previewed=previewed), status


@bp.get("/weights")
@coordinator_required
def weights() -> tuple[str, int]:
    """Show the organisation's weights, each explained."""
    organisation = _organisation()
    form = WeightsForm(formdata=None, data={c: int(round(organisation.weights.get(c, 0))) for c in MATCH_COMPONENTS})
    return _render(form)


@bp.post("/weights")
@coordinator_required
def save_weights() -> Response | tuple[str, int]:
    """Preview or save the organisation's weights."""
    form = WeightsForm()
    if not form.validate_on_submit():
        return _render(form, 400)
    chosen = {c: float(getattr(form, c).data) for c in MATCH_COMPONENTS}
    if not any(value > 0 for name, value in chosen.items() if name != "age"):
        form.language.errors = [_("Let at least one part other than age count")]
        return _render(form, 400)
    organisation = _organisation()
    if form.action.data != "save":
        return _render(form, matched=preview(organisation, chosen), previewed=True)
    organisation.weights = chosen
    audit.record(db.session(), current_user._get_current_object(), "weights_changed", organisation,
                 weights=chosen)
    db.session().commit()
    flash(_("The weights are saved. The next run uses them."), "success")
    return see_other("coordinator.weights")
