"""Auditor: mystery-shopper field audits. `create_app` wires settings, extensions and routes."""

import logging
from typing import Any
from urllib.parse import quote

from flask import Flask, flash, redirect, request, url_for
from sqlalchemy import text
from sqlalchemy.exc import DataError, IntegrityError, OperationalError
from werkzeug.middleware.proxy_fix import ProxyFix

from auditor.core import config as settings
from auditor.core.errors import Conflict, DomainError, Invalid, Unavailable
from auditor.core.extensions import csrf, db, limiter, login_manager, migrate
from auditor.core.headers import security_headers
from auditor.core.problems import error_page, is_api_request, problem
from auditor.core.strict_json import StrictJSONProvider

log = logging.getLogger(__name__)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application; `config` overrides the environment (tests use it)."""
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
    )
    app.json = StrictJSONProvider(app)  # bodies Python's json would crash on answer 400
    app.config.from_mapping(settings.from_environment(app.instance_path))
    app.config.update(config or {})
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = settings.instance_secret_key(app.instance_path)
    if app.config["PROXY_FIX"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the extension singletons and tune the database engine."""
    from auditor.core.database import tune_engine
    from auditor.photos.storage import storage_from_config

    db.init_app(app)
    with app.app_context():
        tune_engine(db.engine, app.config["DB_LOCK_TIMEOUT_MS"])
    migrate.init_app(
        app,
        db,
        directory=str(app.root_path + "/../migrations"),
        render_as_batch=True,
        compare_type=True,
    )
    login_manager.init_app(app)
    login_manager.login_view = "web_auth.login"
    login_manager.login_message_category = "info"
    login_manager.unauthorized_handler(_unauthorized)
    csrf.init_app(app)
    limiter.init_app(app)
    app.extensions["media"] = storage_from_config(app.config)
    from auditor.notify import init_app as init_notify

    init_notify(app)  # the job queue's storage and the event subscribers
    import auditor.people.authentication  # noqa: F401  (registers the login loaders)


def _unauthorized():
    if is_api_request():
        return problem(401, "Log in first.")
    # request.path is decoded: quote it again so /a%3Fb comes back as itself after login
    target = quote(request.path) + (
        f"?{request.query_string.decode()}" if request.query_string else ""
    )
    return redirect(url_for("web_auth.login", next=target))


def register_blueprints(app: Flask) -> None:
    """Mount the API and the pages."""
    from auditor.api import register_api
    from auditor.web import register_pages

    register_api(app)
    register_pages(app)
    app.after_request(security_headers)

    @app.get("/healthz")
    def healthz():
        """{"status": "ok"} once the database answers."""
        db.session.execute(text("SELECT 1"))
        return {"status": "ok"}


def _domain_error(error: DomainError):
    db.session.rollback()
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after else {}
    if is_api_request():
        return problem(error.status, error.detail, errors=error.errors, headers=headers)
    if error.status in (401,):
        return _unauthorized()
    if error.status in (403, 404, 429, 503):
        return error_page(error, error.status), error.status, headers
    flash(error.detail, "error")
    return redirect(request.referrer or url_for("web.home"))


def _database_unavailable(error: OperationalError):
    # a lock timeout or a dropped connection: nothing was committed, a retry is safe
    log.warning("database unavailable: %s", error)
    db.session.rollback()
    return _domain_error(Unavailable("The database is busy or unreachable; retry shortly."))


def _integrity_conflict(error: IntegrityError):
    # a concurrent request won the race for a unique value
    log.info("integrity conflict: %s", error.orig)
    db.session.rollback()
    return _domain_error(Conflict("This conflicts with data saved meanwhile; reload and retry."))


def _unstorable(error: Exception):
    # a value the schemas let through but the database cannot hold (out of range, NUL byte,
    # lone surrogate)
    log.info("unstorable value: %s", error)
    db.session.rollback()
    return _domain_error(Invalid({"_schema": ["A value is out of range or cannot be stored."]}))


def register_errorhandlers(app: Flask) -> None:
    """Domain errors and transient database faults become problems (API) or pages."""
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(DataError, _unstorable)
    app.register_error_handler(OverflowError, _unstorable)
    # a lone surrogate, raised by the driver (sqlite3, psycopg) while encoding a parameter
    app.register_error_handler(UnicodeEncodeError, _unstorable)
    app.register_error_handler(OperationalError, _database_unavailable)
    app.register_error_handler(IntegrityError, _integrity_conflict)


def register_commands(app: Flask) -> None:
    """The `flask` commands of DESIGN §11."""
    from auditor.cli import register

    register(app)
