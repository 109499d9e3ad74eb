"""Flagging a person's protected identity (skyddad identitet), and naming the coordinators who may see them."""

from __future__ import annotations

from typing import Any

from flask import flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response
from wtforms import BooleanField
from wtforms.validators import ValidationError

from models import Coordinator, Newcomer, Volunteer

from .. import db, protection
from ..fields import KompisForm, MultiCheckboxField
from ..people import get_participant
from .access import bp, coordinator_required
from .redirects import see_other


class ProtectionForm(KompisForm):
    """Whether a person has protected identity, and which of the organisation's coordinators may see them."""

    page_order = ("protected", "viewers")

    protected = BooleanField(_l("Protected identity (skyddad identitet)"))
    viewers = MultiCheckboxField(_l("Coordinators who may see this person"), coerce=int)

    def __init__(self, *args: Any, account_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account_id = account_id

    def validate_viewers(self, field: MultiCheckboxField) -> None:
        # Whoever flags a person would otherwise lose them at once, with nobody left to undo it.
        if self.protected.data and self.account_id not in (field.data or []):
            raise ValidationError(_l("Tick your own name too. Without it, you could not see this person any more."))


def _coordinators(session: Session, organisation_id: int) -> list[Coordinator]:
    """Return the organisation's active staff accounts, who alone can be named."""
    return list(session.scalars(select(Coordinator).where(Coordinator.organisation_id == organisation_id,
                                                          Coordinator.active.is_(True))
                                .order_by(Coordinator.name, Coordinator.email)))


def protection_form(session: Session, person: Volunteer | Newcomer, *, posted: bool = False) -> ProtectionForm:
    """Return the form for a person's protected identity, filled in from what is stored unless posted."""
    viewers = [v.id for v in person.viewers] or [current_user.id]
    form = (ProtectionForm(account_id=current_user.id) if posted else
            ProtectionForm(formdata=None, account_id=current_user.id, data={"protected": person.protected,
                                                                             "viewers": viewers}))
    form.viewers.choices = [(c.id, Markup("<bdi>{}</bdi>").format(c.name or c.email))
                            for c in _coordinators(session, person.organisation_id)]
    return form


@bp.post("/<any(volunteers, newcomers):kind>/<int:person_id>/protection")
@coordinator_required
def set_protection(kind: str, person_id: int) -> Response | tuple[str, int]:
    """Flag or unflag a person's protected identity, with the coordinators who may see them."""
    from .routes import person_page

    session = db.session()
    person = get_participant(session, kind, person_id, current_user.organisation_id)
    form = protection_form(session, person, posted=True)
    if not form.validate_on_submit():
        return person_page(kind, person, protection=form, status=400)
    chosen = set(form.viewers.data or [])
    viewers = [c for c in _coordinators(session, person.organisation_id) if c.id in chosen]
    changed = protection.set_protection(session, person, current_user._get_current_object(),
                                        protected=bool(form.protected.data), viewers=viewers)
    if not changed:
        flash(_("Nothing was changed."), "info")
    elif person.protected:
        flash(_("Protected identity is on. Only the coordinators you ticked can see this person."), "success")
    else:
        flash(_("Protected identity is off. Every coordinator can see this person again."), "success")
    return see_other("coordinator.person", kind=kind, person_id=person_id)


# Staff pages say where a person lives through this, so a protected person's locality is never on one.
bp.add_app_template_global(protection.place_name, "place_name")
