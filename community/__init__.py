"""议事厅: the application factory."""

import os
import secrets

from flask import Flask

from . import config


def create_app(test_config=None, instance_path=None):
    """Create and configure the app: settings, extensions, blueprints, commands."""
    app = Flask(__name__, instance_relative_config=True, template_folder="../templates",
                static_folder="../static", instance_path=instance_path)
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(config.defaults(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    if test_config:
        app.config.from_mapping(test_config)
    _refuse_dev_secret(app)

    from . import database, errors, hooks, models  # noqa: F401
    from .extensions import babel, csrf, db, limiter, login_manager, migrate
    from .i18n import select_locale
    from .notify import service as _notify  # noqa: F401 - registers its to-do section

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "..", "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    database.configure_engine(app)
    errors.init_app(app)
    hooks.init_app(app)
    _register_blueprints(app)
    _register_commands(app)
    return app


def _refuse_dev_secret(app):
    """Never sign sessions with the published development secret."""
    if app.config["SECRET_KEY"] != config.DEV_SECRET or app.testing:
        return
    if os.environ.get("DATABASE_URL"):
        # Several hosts must share one secret, so production has to set it explicitly.
        raise RuntimeError("SECRET_KEY is not set; set it (the same on every host).")
    # One machine: keep a random secret in the instance folder, made on first start.
    path = os.path.join(app.instance_path, "secret_key")
    if not os.path.exists(path):
        with open(path, "w") as f:
            f.write(secrets.token_urlsafe(48))
        os.chmod(path, 0o600)
    with open(path) as f:
        app.config["SECRET_KEY"] = f.read().strip()


def _register_blueprints(app):
    from .auth.views import bp as auth_bp
    from .home.views import bp as home_bp
    from .residents.views import bp as residents_bp

    app.register_blueprint(home_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(residents_bp, url_prefix="/residents")


def _register_commands(app):
    from .audit.cli import audit_verify
    from .demo.cli import seed_demo_command

    for command in (audit_verify, seed_demo_command):
        app.cli.add_command(command)
