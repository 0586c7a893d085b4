"""议事厅: the application factory."""

import os
import secrets

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

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
    _load_pin_pepper(app)

    from . import database, errors, hooks, models  # noqa: F401
    from .extensions import babel, csrf, db, limiter, login_manager, migrate
    from .i18n import install as install_gettext
    from .i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(app.root_path, "..", "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    # Only the decorated views are limited (login, PIN, check-in, intake, posting), and each
    # decorator checks its own limit; the extension's check before every request found
    # nothing to do on all the other routes and cost ~50 µs each.
    # (With RATELIMIT_ENABLED off the extension installs no hooks at all.)
    before = app.before_request_funcs.get(None, [])
    if limiter._check_request_limit in before:
        before.remove(limiter._check_request_limit)
    babel.init_app(app, locale_selector=select_locale)
    install_gettext(app)
    login_manager.init_app(app)
    database.configure_engine(app)
    errors.init_app(app)
    hooks.init_app(app)
    _register_blueprints(app)
    _register_commands(app)
    if hops := app.config["PROXY_HOPS"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    return app


def _refuse_dev_secret(app):
    """Never sign sessions with the published development secret."""
    if app.config["SECRET_KEY"] != config.DEV_SECRET or app.testing:
        return
    app.config["SECRET_KEY"] = _kept_secret(app, "SECRET_KEY", "secret_key", 48)


def _load_pin_pepper(app):
    """The PIN hashes' key: PIN_PEPPER (several hosts must share it), else a random one kept
    in the instance folder on this one machine, made on first start."""
    if app.config["PIN_PEPPER"]:
        return
    app.config["PIN_PEPPER"] = _kept_secret(app, "PIN_PEPPER", "pin_pepper", 32,
                                            required=not app.testing)


def _kept_secret(app, setting: str, filename: str, nbytes: int, required: bool = True) -> str:
    """A secret for one machine, kept in the instance folder (mode 0600) and made on first
    start. Several hosts (DATABASE_URL set) must share one, so there it must be set."""
    if required and os.environ.get("DATABASE_URL"):
        raise RuntimeError(f"{setting} is not set; set it (the same on every host).")
    path = os.path.join(app.instance_path, filename)
    if not os.path.exists(path):
        with open(path, "w") as f:
            f.write(secrets.token_urlsafe(nbytes))
        os.chmod(path, 0o600)
    with open(path) as f:
        return f.read().strip()


def _register_blueprints(app):
    """One blueprint per area, at the url_prefix of DESIGN's URL table. Importing an area's
    package imports its view modules and its to-do section (`<area>/todos.py`)."""
    from .api import bp as api_bp
    from .audit.views import bp as audit_bp
    from .auth.views import bp as auth_bp
    from .ballots import bp as ballots_bp
    from .board.views import bp as board_bp
    from .elder import bp as elder_bp
    from .evaluations.views import bp as evaluations_bp
    from .home import bp as home_bp
    from .issues import bp as issues_bp
    from .kiosk import bp as kiosk_bp
    from .meetings import bp as meetings_bp
    from .notify.views import bp as notify_bp
    from .projects import bp as projects_bp
    from .reports.views import bp as reports_bp
    from .residents.views import bp as residents_bp
    from .roster.views import bp as roster_bp
    from .volunteer.views import bp as volunteer_bp

    app.register_blueprint(home_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(residents_bp, url_prefix="/residents")
    app.register_blueprint(ballots_bp, url_prefix="/ballots")
    app.register_blueprint(issues_bp)  # /issues…, and the triage desk at /triage…
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(roster_bp, url_prefix="/roster")
    app.register_blueprint(meetings_bp, url_prefix="/meetings")
    app.register_blueprint(projects_bp, url_prefix="/projects")
    app.register_blueprint(evaluations_bp, url_prefix="/evaluations")
    app.register_blueprint(board_bp, url_prefix="/board")
    app.register_blueprint(reports_bp, url_prefix="/reports")
    app.register_blueprint(kiosk_bp, url_prefix="/kiosk")  # also recognises kiosk devices
    app.register_blueprint(volunteer_bp, url_prefix="/volunteer")
    app.register_blueprint(elder_bp)
    app.register_blueprint(notify_bp, url_prefix="/notices")
    app.register_blueprint(audit_bp, url_prefix="/audit")


def _register_commands(app):
    from .audit.cli import audit_verify
    from .ballots.cli import close_due_ballots_command
    from .demo.cli import seed_demo_command
    from .evaluations.cli import close_due_evaluations_command
    from .issues.cli import api_token, deliver_webhooks_command
    from .notify.cli import sms_deliver_command, sms_receive_command
    from .ops.cli import COMMANDS as OPS_COMMANDS
    from .reports.cli import export_report_command
    from .roster.cli import import_roster_command

    for command in (audit_verify, close_due_ballots_command, seed_demo_command,
                    import_roster_command, api_token):
        app.cli.add_command(command)
    for command in (export_report_command, close_due_evaluations_command, sms_deliver_command,
                    sms_receive_command,
                    deliver_webhooks_command, *OPS_COMMANDS):
        app.cli.add_command(command)
