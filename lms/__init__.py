"""Escales: a course and competency tracker for general-interest socio-economic models."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter

from config import CONFIGS, Config

ROOT_DIR = Path(__file__).resolve().parent.parent


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` limited to the range of database ids."""

    def __init__(self, map: object, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints. Nothing else.

    The factory never creates tables, loads content or calls the network.
    """
    if config_class is None:
        config_class = CONFIGS[os.environ.get("ESCALES_ENV", "development")]
    app = Flask(
        __name__,
        template_folder=str(ROOT_DIR / "templates"),
        instance_path=os.environ.get("INSTANCE_PATH", str(ROOT_DIR / "instance")),
    )
    app.config.from_object(config_class)
    _ensure_secret_key(app)
    # Ids in URLs are database integers: anything larger than a 32-bit id is simply not found
    # (instead of overflowing the database driver).
    app.url_map.converters["int"] = BoundedIntConverter

    from lms import cli, compression, errors, extensions, i18n, page_cache, security
    from lms.models.base import render_migration_item

    extensions.db.init_app(app)
    extensions.migrate.init_app(
        app,
        extensions.db,
        directory=str(ROOT_DIR / "migrations"),
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
        render_item=render_migration_item,
    )
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    compression.init_app(app)
    extensions.babel.init_app(app, locale_selector=i18n.select_locale)
    _init_login(app)

    from lms.account.views import bp as account_bp
    from lms.admin.views import bp as admin_bp
    from lms.api import bp as api_bp
    from lms.auth.views import bp as auth_bp
    from lms.certification.views import bp as certification_bp
    from lms.cohorts.views import bp as cohorts_bp
    from lms.competency.views import bp as competency_bp
    from lms.courses.views import bp as courses_bp
    from lms.main.views import bp as main_bp
    from lms.practice.views import bp as practice_bp
    from lms.quiz.views import bp as quiz_bp
    from lms.workspace.views import bp as workspace_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(account_bp, url_prefix="/account")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(courses_bp)
    app.register_blueprint(quiz_bp)
    app.register_blueprint(practice_bp)
    app.register_blueprint(competency_bp)
    app.register_blueprint(cohorts_bp)
    app.register_blueprint(certification_bp)
    app.register_blueprint(workspace_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    extensions.csrf.exempt(api_bp)  # the API authenticates with bearer tokens, not cookies
    extensions.api_spec.app = app  # routes are read from this app; no extra doc pages

    errors.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    page_cache.init_app(app)
    from lms.content import cache as content_cache

    content_cache.init_app(app)
    cli.init_app(app)
    from lms import interop  # API reference page, xAPI outbox, statement downloads

    interop.init_app(app)
    return app


def _ensure_secret_key(app: Flask) -> None:
    """Production refuses to start without SECRET_KEY; elsewhere one is kept in the instance."""
    if app.config.get("SECRET_KEY"):
        return
    if app.config.get("ENV_NAME") == "production":
        raise RuntimeError("SECRET_KEY must be set in the environment in production.")
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        import secrets

        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def _init_login(app: Flask) -> None:
    from lms.auth import user_loading
    from lms.extensions import db, login_manager
    from lms.models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        try:
            return user_loading.load_user(db.session(), int(user_id))
        except ValueError:  # a session from elsewhere: not one of ours
            return None

    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Please sign in to see this page.")
