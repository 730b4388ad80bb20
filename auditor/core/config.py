"""Settings from the environment, with embedded defaults that need nothing but Python."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:///auditor.db"  # relative: Flask-SQLAlchemy puts it in instance/


def database_url(raw: str | None) -> str:
    """Normalise a database URL: `postgres://` and bare `postgresql://` mean psycopg 3."""
    if not raw:
        return DEFAULT_DATABASE_URL
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


def instance_secret_key(instance_path: str) -> str:
    """A secret key kept in the instance folder, so every worker and restart shares it."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        candidate = path.with_suffix(f".{os.getpid()}.tmp")
        candidate.write_text(secrets.token_urlsafe(48))
        candidate.chmod(0o600)
        # rename is atomic: workers racing at first start all end up reading one key
        if not path.exists():
            candidate.replace(path)
        else:
            candidate.unlink()
    return path.read_text().strip()


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def from_environment(instance_path: str) -> dict:
    """Build the configuration mapping from environment variables."""
    env = os.environ.get("AUDITOR_ENV", "production")
    return {
        "AUDITOR_ENV": env,
        "PROXY_FIX": os.environ.get("PROXY_FIX", "0") == "1",
        "DEMO_AUDITS": _int("DEMO_AUDITS", 300),
        "RANKING_PRIOR_WEIGHT": float(os.environ.get("RANKING_PRIOR_WEIGHT", 3)),
        **_database(),
        **_media(instance_path),
        **_sessions(development=env == "development"),
        **_credentials(),
        **_api_documentation(),
        **_mail(),
        **_jobs(),
    }


def _database() -> dict:
    return {
        "SQLALCHEMY_DATABASE_URI": database_url(os.environ.get("DATABASE_URL")),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # how long a request waits for a database lock before answering 503 (retry later)
        "DB_LOCK_TIMEOUT_MS": _int("DB_LOCK_TIMEOUT_MS", 15_000),
    }


def _media(instance_path: str) -> dict:
    return {
        "MEDIA_DIR": os.environ.get("MEDIA_DIR") or os.path.join(instance_path, "media"),
        "MEDIA_URL": os.environ.get("MEDIA_URL", ""),
        "S3_ENDPOINT_URL": os.environ.get("S3_ENDPOINT_URL"),  # for S3-compatible stores
        # photos may be 20 MB; leave room for a multipart envelope around one
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 21 * 1024 * 1024),
        "PHOTO_MAX_BYTES": _int("PHOTO_MAX_BYTES", 20 * 1024 * 1024),
        "PHOTO_MAX_PIXELS": _int("PHOTO_MAX_PIXELS", 50_000_000),
        # what one decode may cost (photos/budget.py): memory, progressive scans x pixels, and
        # CPU milliseconds; a thread of each gunicorn worker may hold PHOTO_DECODE_MEMORY
        "PHOTO_DECODE_MEMORY": _int("PHOTO_DECODE_MEMORY", 256 * 1024 * 1024),
        "PHOTO_DECODE_SCAN_PIXELS": _int("PHOTO_DECODE_SCAN_PIXELS", 1_000_000_000),
        "PHOTO_DECODE_MS": _int("PHOTO_DECODE_MS", 1000),
    }


def _sessions(development: bool) -> dict:
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY"),  # None: create_app keeps one in instance/
        # idle lifetime: a permanent session cookie refreshed on each request
        "PERMANENT_SESSION_LIFETIME": timedelta(minutes=_int("SESSION_IDLE_MINUTES", 120)),
        "SESSION_ABSOLUTE_LIFETIME": timedelta(hours=_int("SESSION_ABSOLUTE_HOURS", 12)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": not development,
        # Strict-Transport-Security (seconds; 0: none): production is served over HTTPS only
        "HSTS_MAX_AGE": _int("HSTS_MAX_AGE", 0 if development else 31_536_000),
        "REMEMBER_COOKIE_SECURE": not development,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session it belongs to
    }


def _credentials() -> dict:
    return {
        "PASSWORD_TIME_COST": _int("PASSWORD_TIME_COST", 3),
        "PASSWORD_MEMORY_COST": _int("PASSWORD_MEMORY_COST", 65536),
        "API_TOKEN_LIFETIME": timedelta(days=_int("API_TOKEN_LIFETIME_DAYS", 30)),
        # live tokens per user: a new one beyond the cap revokes the oldest
        "API_TOKEN_CAP": _int("API_TOKEN_CAP", 20),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": os.environ.get("RATELIMIT_ENABLED", "1") != "0",
        # apps sharing one Redis keep their own counters
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", ""),
        "LOGIN_FAILURE_LIMIT": os.environ.get("LOGIN_FAILURE_LIMIT", "10/minute"),
    }


def _jobs() -> dict:
    return {
        # empty: huey's SQLite storage in instance/jobs.db; redis://host:6379/0 in production
        "JOBS_URL": os.environ.get("JOBS_URL", ""),
        "JOBS_NAME": os.environ.get("JOBS_NAME", "auditor"),  # apps sharing a Redis keep apart
        "JOBS_IMMEDIATE": os.environ.get("JOBS_IMMEDIATE", "0") == "1",  # run where enqueued
        # a job a dead worker left unfinished runs again after this long (longer than any job)
        "JOBS_LEASE_SECONDS": _int("JOBS_LEASE_SECONDS", 300),
        "WEBHOOK_RETRY_BASE_SECONDS": float(os.environ.get("WEBHOOK_RETRY_BASE_SECONDS", 30)),
        "WEBHOOK_TIMEOUT_SECONDS": float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", 10)),
        "WEBHOOK_ATTEMPTS": _int("WEBHOOK_ATTEMPTS", 8),
        # loopback and private webhook targets are refused outside development unless allowed
        "WEBHOOK_ALLOW_PRIVATE": os.environ.get("WEBHOOK_ALLOW_PRIVATE", "0") == "1",
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
    }


def _mail() -> dict:
    return {
        # smtp://host:25, smtp+starttls://user:pass@host:587 or smtps://…; unset: emails are
        # logged, not sent
        "MAIL_URL": os.environ.get("MAIL_URL", ""),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Auditor <auditor@localhost>"),
        # a failed send is tried again after base x 2^(attempt - 1) seconds, MAIL_ATTEMPTS in all
        "MAIL_RETRY_BASE_SECONDS": float(os.environ.get("MAIL_RETRY_BASE_SECONDS", 60)),
        "MAIL_ATTEMPTS": _int("MAIL_ATTEMPTS", 8),
    }


def _api_documentation() -> dict:
    return {
        "API_TITLE": "Auditor API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }
