"""Organisations: where each works, its default weights, its rules for data, and how people reach it."""

from __future__ import annotations

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from models import MATCH_COMPONENTS, ErasurePolicy, Organisation

from .. import audit, db
from ..coordinator.redirects import see_other
from ..organisations import OrganisationError, OrganisationNameError, create_organisation, update_organisation
from .access import admin_required, bp
from .forms import ERASURE_LABELS, OrganisationForm

# The settings an admin changes, as the audit log names them (which changed, never to what).
SETTINGS = ("name", "municipalities", "retention_months", "erasure_policy", "proposal_days", "weights",
            "contact_email", "contact_phone", "contact_address")


@bp.get("/organisations")
@admin_required
def organisations() -> str:
    """List the organisations and the municipalities each serves."""
    found = db.session().scalars(select(Organisation).order_by(Organisation.name))
    return render_template("admin/organisations.html", organisations=list(found), erasure_labels=ERASURE_LABELS)


def _form_for(organisation: Organisation) -> OrganisationForm:
    data = {
        "name": organisation.name,
        "municipalities": "\n".join(m.name for m in organisation.municipalities),
        "retention_months": organisation.retention_months,
        "erasure_policy": organisation.erasure_policy.value,
        "proposal_days": organisation.proposal_days,
        "contact_email": organisation.contact_email,
        "contact_phone": organisation.contact_phone,
        "contact_address": organisation.contact_address,
        **{f"weight_{c}": int(round(organisation.weights.get(c, 0))) for c in MATCH_COMPONENTS},
    }
    return OrganisationForm(formdata=None, data=data)


def _snapshot(organisation: Organisation) -> dict[str, object]:
    return {"name": organisation.name, "municipalities": sorted(m.code for m in organisation.municipalities),
            "retention_months": organisation.retention_months, "erasure_policy": organisation.erasure_policy,
            "proposal_days": organisation.proposal_days, "weights": dict(organisation.weights),
            "contact_email": organisation.contact_email, "contact_phone": organisation.contact_phone,
            "contact_address": organisation.contact_address}


def _apply(form: OrganisationForm, organisation: Organisation) -> None:
    organisation.retention_months = form.retention_months.data
    organisation.erasure_policy = ErasurePolicy(form.erasure_policy.data)
    organisation.proposal_days = form.proposal_days.data
    organisation.weights = {c: float(getattr(form, f"weight_{c}").data) for c in MATCH_COMPONENTS}
    organisation.contact_email = form.contact_email.data or ""
    organisation.contact_phone = form.contact_phone.data or ""
    organisation.contact_address = form.contact_address.data or ""


def _names(form: OrganisationForm) -> list[str]:
    return [line for line in (form.municipalities.data or "").splitlines() if line.strip()]


def _page(form: OrganisationForm, organisation: Organisation | None, status: int = 200) -> tuple[str, int]:
    return render_template("admin/organisation.html", form=form, organisation=organisation,
                           components=MATCH_COMPONENTS), status


@bp.route("/organisations/new", methods=["GET", "POST"])
@admin_required
def new_organisation() -> Response | tuple[str, int]:
    """Create an organisation."""
    form = OrganisationForm() if request.method == "POST" else OrganisationForm(formdata=None)
    if not form.validate_on_submit():
        return _page(form, None, 400 if request.method == "POST" else 200)
    session = db.session()
    try:
        organisation = create_organisation(session, form.name.data, _names(form))
    except OrganisationError as problem:
        (form.name if isinstance(problem, OrganisationNameError) else form.municipalities).errors = [str(problem)]
        return _page(form, None, 400)
    _apply(form, organisation)
    audit.record(session, current_user, "organisation_created", organisation)
    session.commit()
    flash(_("The organisation is created. Invite its coordinators on Staff accounts."), "success")
    return see_other("admin.organisation", organisation_id=organisation.id)


@bp.route("/organisations/<int:organisation_id>", methods=["GET", "POST"])
@admin_required
def organisation(organisation_id: int) -> Response | tuple[str, int]:
    """Show and change one organisation."""
    session = db.session()
    found = session.get(Organisation, organisation_id) or abort(404)
    if request.method == "GET":
        return _page(_form_for(found), found)
    form = OrganisationForm()
    if not form.validate_on_submit():
        return _page(form, found, 400)
    before = _snapshot(found)
    try:
        update_organisation(session, found, form.name.data, _names(form))
    except OrganisationError as problem:
        session.rollback()
        (form.name if isinstance(problem, OrganisationNameError) else form.municipalities).errors = [str(problem)]
        return _page(form, session.get(Organisation, organisation_id), 400)
    _apply(form, found)
    session.flush()
    session.refresh(found, ["municipalities"])
    after = _snapshot(found)
    changed = [name for name in SETTINGS if before[name] != after[name]]
    if changed:
        audit.record(session, current_user, "organisation_changed", found, changed=changed)
    session.commit()
    flash(_("The organisation is saved."), "success")
    return see_other("admin.organisation", organisation_id=organisation_id)
