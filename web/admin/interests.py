"""The interest vocabulary: new interests, and an admin's own word for one in any language."""

from __future__ import annotations

import re
import unicodedata

from flask import abort, flash, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import delete, select
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import InputRequired, Length, Optional

from models import Interest, InterestTranslation

from .. import audit, db
from ..coordinator.redirects import see_other
from ..fields import KompisForm, clean_text
from ..i18n import available_languages
from ..interest_labels import forget_interest_labels
from .access import admin_required, bp


class NewInterestForm(KompisForm):
    """A new interest, in English: the catalogs and the admin's words translate it."""

    label = StringField(_l("The interest in English"), filters=[clean_text],
                        validators=[InputRequired(_l("Write the interest in English")), Length(max=120)])


def _words_form(shown: dict[str, str] | None = None) -> KompisForm:
    """Return a form with a word per interface language: `shown` to show, else what was posted."""
    fields = {f"label_{code}": StringField(code, filters=[clean_text], validators=[Optional(), Length(max=120)])
              for code in available_languages()}
    form_class = type("InterestWordsForm", (KompisForm,), fields)
    return form_class() if shown is None else form_class(formdata=None, data=shown)


def _code_for(label: str) -> str:
    ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_label.lower()).strip("_")[:40]


@bp.get("/interests")
@admin_required
def interests() -> str:
    """List every interest, with the languages that have an admin's own word for it."""
    session = db.session()
    own: dict[str, list[str]] = {}
    for row in session.scalars(select(InterestTranslation)):
        own.setdefault(row.interest_code, []).append(row.language)
    found = list(session.scalars(select(Interest).order_by(Interest.label)))
    return render_template("admin/interests.html", interests=found, own=own, form=NewInterestForm(formdata=None))


@bp.post("/interests")
@admin_required
def add_interest() -> Response | tuple[str, int]:
    """Add an interest people can choose from the next sign-up on."""
    session = db.session()
    form = NewInterestForm()
    if form.validate_on_submit():
        code = _code_for(form.label.data)
        if not code:
            form.label.errors = [_("Write the interest with letters a to z")]
        elif session.get(Interest, code) is not None:
            form.label.errors = [_("There is already an interest like this")]
        else:
            session.add(Interest(code=code, label=form.label.data))
            audit.record(session, current_user, "interest_added", current_user, interest=code)
            session.commit()
            flash(_("The interest is added. Give it its words in each language."), "success")
            return see_other("admin.interest", code=code)
    found = list(session.scalars(select(Interest).order_by(Interest.label)))
    return render_template("admin/interests.html", interests=found, own={}, form=form), 400


@bp.route("/interests/<code>", methods=["GET", "POST"])
@admin_required
def interest(code: str) -> Response | tuple[str, int]:
    """Show and change an interest's word in each language; an empty answer leaves the catalog's word."""
    session = db.session()
    found = session.get(Interest, code) or abort(404)
    own = {row.language: row.label for row in session.scalars(
        select(InterestTranslation).where(InterestTranslation.interest_code == code))}
    languages = available_languages()
    if request.method == "GET":
        form = _words_form({f"label_{c}": own.get(c, "") for c in languages})
        return render_template("admin/interest.html", interest=found, form=form, languages=languages), 200
    form = _words_form()
    if not form.validate_on_submit():
        return render_template("admin/interest.html", interest=found, form=form, languages=languages), 400
    wanted = {c: form[f"label_{c}"].data for c in languages if form[f"label_{c}"].data}
    session.execute(delete(InterestTranslation).where(InterestTranslation.interest_code == code))
    session.add_all(InterestTranslation(interest_code=code, language=c, label=label) for c, label in wanted.items())
    changed = sorted(c for c in set(own) | set(wanted) if own.get(c) != wanted.get(c))
    if changed:
        audit.record(session, current_user, "interest_words_changed", current_user, interest=code, languages=changed)
    session.commit()
    forget_interest_labels()
    flash(_("The words are saved."), "success")
    return see_other("admin.interest", code=code)
