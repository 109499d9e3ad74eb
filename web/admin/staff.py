"""Staff accounts: invite, change role and organisation, disable and enable, reset the second factor."""

from __future__ import annotations

from flask import abort, flash, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from models import Coordinator, Organisation, RecoveryCode, Role

from .. import audit, db, mail, staff_sessions
from ..auth import AccountError, create_coordinator
from ..coordinator.forms import ActionForm
from ..coordinator.redirects import see_other
from ..coordinator.signin import INVITATION
from ..fields import options
from ..links import make_link_token, new_nonce
from ..views import external_url
from .access import admin_required, bp
from .forms import ROLE_LABELS, AccountForm, InviteForm


def _organisation_choices(session: Session) -> list:
    return options([("", _("None (an admin of no organisation sees no people)")),
                    *((str(o.id), o.name) for o in session.scalars(select(Organisation).order_by(Organisation.name)))])


def _chosen(session: Session, role: str, organisation_id: str) -> tuple[Role, Organisation | None] | str:
    """Return the role and organisation asked for, or why they do not go together."""
    organisation = session.get(Organisation, int(organisation_id)) if organisation_id else None
    if Role(role) == Role.COORDINATOR and organisation is None:
        return _("A coordinator belongs to an organisation: choose one.")
    return Role(role), organisation


@bp.get("/staff")
@admin_required
def staff() -> str:
    """List every staff account, with its role, organisation and state."""
    accounts = db.session().scalars(select(Coordinator).order_by(Coordinator.email_key))
    return render_template("admin/staff.html", accounts=list(accounts), role_labels=ROLE_LABELS)


@bp.route("/staff/invite", methods=["GET", "POST"])
@admin_required
def invite() -> Response | tuple[str, int]:
    """Invite someone by e-mail: the link lets them choose a password and set up their second factor."""
    session = db.session()
    form = InviteForm() if request.method == "POST" else InviteForm(formdata=None)
    form.organisation.choices = _organisation_choices(session)
    if form.validate_on_submit():
        chosen = _chosen(session, form.role.data, form.organisation.data)
        if isinstance(chosen, str):
            form.organisation.errors = [chosen]
        else:
            role, organisation = chosen
            try:
                account = create_coordinator(session, form.email.data, None, organisation=organisation,
                                             admin=role == Role.ADMIN)
            except AccountError:
                form.email.errors = [_("There is already an account for this address.")]
            else:
                _send_invitation(account)
                audit.record(session, current_user, "staff_invited", account, role=role.value)
                session.commit()
                flash(_("The invitation is sent. The link works for seven days."), "success")
                return see_other("admin.account", account_id=account.id)
    return render_template("admin/invite.html", form=form), 400 if form.is_submitted() else 200


def _send_invitation(account: Coordinator) -> None:
    language = str(get_locale())
    link = external_url("coordinator.invitation", token=make_link_token(INVITATION, account), lang=language)
    organisation = account.organisation.name if account.organisation else "Kompis"
    mail.send(mail.compose(account.email, "staff_invitation", language, link=link,
                           inviter=current_user.name or current_user.email, organisation=organisation))


def _account(account_id: int) -> Coordinator:
    found = db.session().get(Coordinator, account_id)
    if found is None:
        abort(404)
    return found


def _page(found: Coordinator, form: AccountForm, status: int = 200) -> tuple[str, int]:
    return render_template("admin/account.html", account=found, form=form, action_form=ActionForm(),
                           role_labels=ROLE_LABELS, me=found.id == current_user.id), status


@bp.get("/staff/<int:account_id>")
@admin_required
def account(account_id: int) -> tuple[str, int]:
    """Show one account and what may be changed."""
    found = _account(account_id)
    form = AccountForm(formdata=None, data={"role": found.role.value,
                                            "organisation": str(found.organisation_id or "")})
    form.organisation.choices = _organisation_choices(db.session())
    return _page(found, form)


@bp.post("/staff/<int:account_id>")
@admin_required
def change_account(account_id: int) -> Response | tuple[str, int]:
    """Change an account's role and organisation; its sessions end, so it signs in again with the new rights."""
    session = db.session()
    found = _account(account_id)
    form = AccountForm()
    form.organisation.choices = _organisation_choices(session)
    if not form.validate_on_submit():
        return _page(found, form, 400)
    chosen = _chosen(session, form.role.data, form.organisation.data)
    if isinstance(chosen, str):
        form.organisation.errors = [chosen]
        return _page(found, form, 400)
    role, organisation = chosen
    if found.id == current_user.id and role != Role.ADMIN:
        form.role.errors = [_("You cannot take away your own admin role. Ask another admin.")]
        return _page(found, form, 400)
    new_organisation_id = organisation.id if organisation else None
    if (role, new_organisation_id) != (found.role, found.organisation_id):
        found.role, found.organisation_id = role, new_organisation_id
        ended = staff_sessions.end_all(session, found)
        audit.record(session, current_user, "staff_changed", found, role=role.value, sessions_ended=ended)
        session.commit()
        flash(_("The account is changed. It signs in again to use its new rights."), "success")
    return see_other("admin.account", account_id=account_id)


@bp.post('/staff/<int:account_id>/<any(disable, enable, "reset-second-factor", "invite-again"):action>')
@admin_required
def account_action(account_id: int, action: str) -> Response:
    """Disable (ending every session at once), enable, reset the second factor, or invite again."""
    session = db.session()
    found = _account(account_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if found.id == current_user.id and action != "invite-again":
        flash(_("You cannot do this to your own account. Ask another admin."), "error")
        return see_other("admin.account", account_id=account_id)
    if action == "disable":
        found.active = False
        ended = staff_sessions.end_all(session, found)
        audit.record(session, current_user, "staff_disabled", found, sessions_ended=ended)
        flash(_("The account is disabled and signed out everywhere."), "success")
    elif action == "enable":
        found.active = True
        audit.record(session, current_user, "staff_enabled", found)
        flash(_("The account can sign in again."), "success")
    elif action == "reset-second-factor":
        found.totp_secret, found.totp_last_step = "", None
        session.execute(delete(RecoveryCode).where(RecoveryCode.coordinator_id == found.id))
        staff_sessions.end_all(session, found)
        audit.record(session, current_user, "second_factor_reset", found)
        flash(_("The second factor is reset. The account sets up a new one at its next sign-in."), "success")
    elif found.password_hash:
        flash(_("The invitation was accepted already. Ask the person to use Forgot your password."), "info")
    else:
        found.link_nonce = new_nonce()  # the earlier invitation stops working
        _send_invitation(found)
        audit.record(session, current_user, "staff_invited", found, role=found.role.value)
        flash(_("A new invitation is sent."), "success")
    session.commit()
    return see_other("admin.account", account_id=account_id)
