"""The Kompis web application."""

from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import auth, db, errors, i18n, labels
from .config import DEFAULTS, MISSING_PUBLIC_URL, MISSING_SECRET, development_secret, from_environment
from .extensions import babel, csrf, limiter
from .matching import words
from .pairs import words as pair_words


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the app: defaults, then the environment, then `config`, then extensions."""
    app = Flask(__name__, instance_relative_config=True)
    overrides = {**from_environment(os.environ), **(config or {})}
    app.config.from_mapping(DEFAULTS)
    app.config.update(overrides)
    _settle_secrets(app, secure_cookies_set="SESSION_COOKIE_SECURE" in overrides)

    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        # Not X-Forwarded-Host: links in e-mails are built on PUBLIC_URL, never on a header.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]

    db.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale, default_translation_directories="translations")
    limiter.init_app(app)
    auth.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    labels.init_app(app)
    words.init_app(app)
    pair_words.init_app(app)
    _register_blueprints(app)

    from .cli import register_commands

    register_commands(app)
    logging.basicConfig(level=logging.INFO)
    return app


def _settle_secrets(app: Flask, *, secure_cookies_set: bool) -> None:
    """Refuse to start without a secret key and a public address, except in tests and local use."""
    local = app.config["TESTING"] or app.config["DEVELOPMENT"]
    if not app.config.get("SECRET_KEY"):
        if not local:
            raise RuntimeError(MISSING_SECRET)
        app.config["SECRET_KEY"] = development_secret(app.instance_path)
    if not app.config.get("PUBLIC_URL") and not local:
        raise RuntimeError(MISSING_PUBLIC_URL)
    if local and not secure_cookies_set:
        # Local use runs on plain http://127.0.0.1, where a Secure cookie is never sent back.
        app.config["SESSION_COOKIE_SECURE"] = False


def _register_blueprints(app: Flask) -> None:
    from .admin import bp as admin_bp
    from .coordinator import bp as coordinator_bp
    from .followup.routes import bp as followup_bp
    from .me.routes import bp as me_bp
    from .newcomer.routes import bp as newcomer_bp
    from .public.routes import bp as public_bp
    from .volunteer.routes import bp as volunteer_bp

    for blueprint in (public_bp, volunteer_bp, newcomer_bp, coordinator_bp, admin_bp, followup_bp, me_bp):
        app.register_blueprint(blueprint)
