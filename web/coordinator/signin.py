"""Signing staff in with a password and a second factor, and their own account: password, reset, invitation."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from models import Coordinator, StaffSession, now_utc

from .. import audit, db, mail, second_factor, staff_sessions
from ..auth import AccountError, authenticate, set_password
from ..extensions import limiter
from ..links import LinkError, check_nonce, make_link_token, read_link_token
from ..passwords import verify_password
from ..ratelimits import contact_from_form, login_per_email, login_per_ip, no_contact_given
from ..registration import email_key
from ..views import external_url, form_checks_csrf
from .access import bp
from .forms import ActionForm, LoginForm
from .signin_forms import CodeForm, NewPasswordForm, PasswordChangeForm, ResetRequestForm

# Wrong codes allowed in one sign-in before the password must be given again.
MAX_FAILED_CODES = 5
INVITATION = "staff-invitation"
RESET_LINK = "staff-password-reset"


def _safe_next(target: str | None) -> str:
    """Return `target` if it is a path of this site, else the dashboard.

    Browsers forgive much that urlsplit does not: they read a backslash as a
    slash ("/\\evil.example"), drop tabs and line breaks ("/\\t/evil.example"), and
    take three slashes for two ("///evil.example"). So a path must start with one
    slash and hold no backslash, no second leading slash, and no control or space.
    """
    if not target or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return url_for("coordinator.dashboard")
    if "\\" in target or any(ord(c) <= 0x20 or 0x7F <= ord(c) <= 0x9F for c in target):
        return url_for("coordinator.dashboard")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return url_for("coordinator.dashboard")
    return target


def _second_step(session: Session, account: Coordinator) -> Response:
    """Start a session that has only the password, and send the browser on to the code."""
    pending = staff_sessions.begin(session, account, verified=False)
    if not account.is_enrolled:
        pending.enrolling_secret = second_factor.new_secret()
    session.commit()
    step = "coordinator.login_code" if account.is_enrolled else "coordinator.enrol"
    return redirect(url_for(step, next=_safe_next(request.args.get("next"))))


def _finish(session: Session, account: Coordinator, how: str) -> None:
    """Sign `account` in: a new session replaces the one that had only the password."""
    staff_sessions.begin(session, account, verified=True)
    account.last_login_at = now_utc()
    login_user(account)
    audit.record_sign_in(session, account, "signed_in", second_factor=how)
    session.commit()


def _pending(session: Session) -> StaffSession:
    """Return the session this browser started with a password, or send it back to the password."""
    pending = staff_sessions.current(session, verified=False)
    if pending is None or not pending.coordinator.active:
        abort(redirect(url_for("coordinator.login")))
    return pending


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_per_ip, methods=["POST"])
@limiter.limit(login_per_email, methods=["POST"], key_func=contact_from_form,
               exempt_when=no_contact_given)
@form_checks_csrf
def login() -> Response | str | tuple[str, int]:
    """Check a staff account's password: the first of the two steps."""
    form = LoginForm()
    if form.validate_on_submit():
        session = db.session()
        account = authenticate(session, form.email.data, form.password.data)
        if account is not None:
            return _second_step(session, account)
        # The account the address names, if any: a failure is recorded against it, never the typed words.
        audit.record_sign_in(session, session.scalar(select(Coordinator).where(
            Coordinator.email_key == email_key(form.email.data))), "sign_in_failed")
        session.commit()
        form.password.errors = [_("The e-mail address or the password is wrong")]
    status = 400 if request.method == "POST" else 200
    return render_template("coordinator/login.html", form=form), status


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(login_per_ip, methods=["POST"])
def login_code() -> Response | str | tuple[str, int]:
    """Ask for the code from the authenticator app, or a recovery code: the second step."""
    session = db.session()
    pending = _pending(session)
    account = pending.coordinator
    if not account.is_enrolled:
        return redirect(url_for("coordinator.enrol", next=request.args.get("next")))
    form = CodeForm()
    if form.validate_on_submit():
        code = form.code.data
        how = ("totp" if second_factor.accept_code(session, account, code)
               else "recovery_code" if second_factor.use_recovery_code(session, account, code) else "")
        if how:
            _finish(session, account, how)
            if how == "recovery_code":
                flash(_("You signed in with a recovery code. You have %(n)d left.",
                        n=second_factor.recovery_codes_left(session, account)), "info")
            return redirect(_safe_next(request.args.get("next")))
        pending.failed_codes += 1
        audit.record_sign_in(session, account, "second_factor_failed")
        if pending.failed_codes >= MAX_FAILED_CODES:
            staff_sessions.end_current(session)
            session.commit()
            flash(_("Too many wrong codes. Log in again."), "error")
            return redirect(url_for("coordinator.login"))
        session.commit()
        form.code.errors = [_("The code is wrong or has been used. Wait for the next code and try again.")]
    status = 400 if request.method == "POST" else 200
    return render_template("coordinator/login_code.html", form=form), status


@bp.route("/login/enrol", methods=["GET", "POST"])
@limiter.limit(login_per_ip, methods=["POST"])
def enrol() -> Response | str | tuple[str, int]:
    """Set up the second factor: a QR code for the app, then a code proving it works."""
    session = db.session()
    pending = _pending(session)
    account = pending.coordinator
    if account.is_enrolled or not pending.enrolling_secret:
        return redirect(url_for("coordinator.login_code", next=request.args.get("next")))
    form = CodeForm()
    if form.validate_on_submit():
        codes = second_factor.enrol(session, account, pending.enrolling_secret, form.code.data)
        if codes is not None:
            audit.record(session, account, "second_factor_enrolled", account)
            _finish(session, account, "totp")
            return render_template("coordinator/recovery_codes.html", codes=codes,
                                   next=_safe_next(request.args.get("next")))
        form.code.errors = [_("The code is wrong. Check that the app shows Kompis, and type the code it "
                              "shows now.")]
    uri = second_factor.provisioning_uri(account.email, pending.enrolling_secret)
    status = 400 if request.method == "POST" else 200
    qr = second_factor.qr_svg(uri, _("QR code for your authenticator app"))
    return render_template("coordinator/enrol.html", form=form, qr=qr, secret=pending.enrolling_secret), status


@bp.post("/logout")
def logout() -> Response:
    """Sign out: the session ends on the server too, so a copied cookie stops working."""
    session = db.session()
    if current_user.is_authenticated:
        audit.record_sign_in(session, current_user._get_current_object(), "signed_out")
    staff_sessions.end_current(session)
    session.commit()
    logout_user()
    return redirect(url_for("public.landing"))


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> Response | str | tuple[str, int]:
    """Change one's own password; every other session of the account ends."""
    session = db.session()
    me: Coordinator = current_user._get_current_object()
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not verify_password(me.password_hash, form.current.data):
            form.current.errors = [_("This is not the password you use now")]
        else:
            try:
                set_password(session, me, form.password.data)
            except AccountError as problem:
                form.password.errors = [str(problem)]
            else:
                audit.record(session, me, "password_changed", me)
                staff_sessions.begin(session, me, verified=True)
                session.commit()
                login_user(me)
                flash(_("Your password is changed. You were signed out everywhere else."), "success")
                return redirect(url_for("coordinator.account"))
    status = 400 if request.method == "POST" else 200
    return render_template("coordinator/account.html", form=form,
                           codes_left=second_factor.recovery_codes_left(session, me)), status


@bp.route("/password-reset", methods=["GET", "POST"])
@limiter.limit(login_per_ip, methods=["POST"])
@limiter.limit(login_per_email, methods=["POST"], key_func=contact_from_form,
               exempt_when=no_contact_given)
@form_checks_csrf
def password_reset() -> str | tuple[str, int]:
    """Send a reset link; the page answers the same whether or not the address has an account."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        session = db.session()
        found = session.scalar(select(Coordinator).where(Coordinator.email_key == email_key(form.email.data)))
        if found is not None and found.active:
            link = external_url("coordinator.new_password", token=make_link_token(RESET_LINK, found),
                                lang=str(get_locale()))
            mail.send(mail.compose(found.email, "staff_password_reset", str(get_locale()), link=link))
            audit.record(session, None, "password_reset_asked", found)
            session.commit()
        return render_template("coordinator/password_reset_sent.html")
    status = 400 if request.method == "POST" else 200
    return render_template("coordinator/password_reset.html", form=form), status


def _account_for(purpose: str, token: str, max_age: int) -> Coordinator:
    account_id, nonce = read_link_token(purpose, token, max_age)
    found = db.session().get(Coordinator, account_id)
    if found is None or not found.active:
        raise LinkError("invalid")
    check_nonce(found, nonce)
    return found


@bp.route("/password-reset/<token>", methods=["GET", "POST"])
@limiter.limit(login_per_ip, methods=["POST"])
@form_checks_csrf
def new_password(token: str) -> Response | str | tuple[str, int]:
    """Choose a new password from a reset link; it works once, and ends every session of the account."""
    try:
        found = _account_for(RESET_LINK, token, current_app.config["PASSWORD_RESET_MAX_AGE"])
    except LinkError as problem:
        return render_template("coordinator/link_problem.html", reason=problem.reason), 410
    return _choose_password(found, "password_reset", "coordinator/new_password.html")


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(login_per_ip, methods=["POST"])
@form_checks_csrf
def invitation(token: str) -> Response | str | tuple[str, int]:
    """Accept an invitation: choose a password, then set up the second factor."""
    try:
        found = _account_for(INVITATION, token, current_app.config["INVITATION_MAX_AGE"])
    except LinkError as problem:
        return render_template("coordinator/link_problem.html", reason=problem.reason), 410
    return _choose_password(found, "invitation_accepted", "coordinator/invitation.html")


def _choose_password(found: Coordinator, action: str, template: str) -> Response | str | tuple[str, int]:
    session = db.session()
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            set_password(session, found, form.password.data)
        except AccountError as problem:
            form.password.errors = [str(problem)]
        else:
            audit.record(session, None, action, found)
            logout_user()
            return _second_step(session, found)
    status = 400 if request.method == "POST" else 200
    return render_template(template, form=form, account=found, action_form=ActionForm()), status
