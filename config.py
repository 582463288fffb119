"""Configuration classes. Every setting can be overridden by an environment variable."""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", BASE_DIR / "instance"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    """Settings shared by every environment; read from the environment at import time."""

    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'escales.sqlite'}"
    )
    # A server can drop idle connections: test each one as it leaves the pool. A SQLite
    # file cannot, so it is spared the extra round trip on every request.
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {
        "pool_pre_ping": not SQLALCHEMY_DATABASE_URI.startswith("sqlite")
    }
    CONTENT_DIR = os.environ.get("CONTENT_DIR", str(BASE_DIR / "content"))
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    REDIS_URL = os.environ.get("REDIS_URL")

    # Sessions: signed cookie, HttpOnly and SameSite always, Secure in production.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PERMANENT_SESSION_LIFETIME = _env_int("SESSION_LIFETIME_SECONDS", 60 * 60 * 24 * 14)

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT: int | None = None  # tied to the session instead of a clock

    # Passwords: werkzeug's scrypt by default (a memory-hard, modern algorithm).
    PASSWORD_HASH_METHOD = os.environ.get("PASSWORD_HASH_METHOD", "scrypt")
    PASSWORD_MIN_LENGTH = _env_int("PASSWORD_MIN_LENGTH", 10)
    PASSWORD_RESET_MAX_AGE = _env_int("PASSWORD_RESET_MAX_AGE", 60 * 60)
    # A new account's link to choose a password: people do not all read their mail within
    # the hour a reset link lasts.
    INVITATION_MAX_AGE = _env_int("INVITATION_MAX_AGE", 14 * 24 * 60 * 60)

    # Rate limits (Flask-Limiter syntax); storage in Redis when REDIS_URL is set.
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    # Without Redis: each process's memory (lms/rate_limit_storage.py: no thread per request).
    RATELIMIT_STORAGE_URI = (
        os.environ.get("RATELIMIT_STORAGE_URI") or REDIS_URL or "escales-memory://"
    )
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute")

    # Interface language: French by default, English available.
    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("BABEL_DEFAULT_TIMEZONE", "Europe/Paris")
    LANGUAGES = {"fr": "Français", "en": "English"}
    # Response compression (Flask-Compress): brotli, then gzip, for HTML, CSS, JS, JSON and SVG
    # over 500 bytes. Light levels: most of the gain for a fraction of the CPU.
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_ALGORITHM_STREAMING = ["br", "deflate"]
    COMPRESS_BR_LEVEL = 4
    COMPRESS_LEVEL = 5
    COMPRESS_MIMETYPES = [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "image/svg+xml",
    ]

    # Mail: SMTP when MAIL_SERVER is set, otherwise messages are written to the log.
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = _env_int("MAIL_PORT", 587)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", True)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "escales@localhost")

    # Absolute links in e-mails and certificates (no request to read the host from).
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    API_TOKEN_MAX_AGE_DAYS = _env_int("API_TOKEN_MAX_AGE_DAYS", 365)
    PAGE_SIZE = _env_int("PAGE_SIZE", 50)
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 10 * 1024 * 1024)

    # Practical work uploads (lms/practice): per-file size, files per submission, allowed types.
    # Each file must also fit in MAX_CONTENT_LENGTH with the rest of the form.
    PRACTICE_MAX_FILE_BYTES = _env_int("PRACTICE_MAX_FILE_BYTES", 5 * 1024 * 1024)
    PRACTICE_MAX_FILES = _env_int("PRACTICE_MAX_FILES", 5)
    PRACTICE_ALLOWED_EXTENSIONS = tuple(
        os.environ.get(
            "PRACTICE_ALLOWED_EXTENSIONS", "pdf,png,jpg,jpeg,odt,ods,docx,xlsx,txt,md,csv"
        ).split(",")
    )
    PRACTICE_MAX_TEXT_CHARS = _env_int("PRACTICE_MAX_TEXT_CHARS", 50_000)
    # End of practical work uploads.

    # xAPI: statements are always recorded in the outbox; they are sent to the Learning
    # Record Store by `flask xapi send` when XAPI_ENDPOINT is set (e.g. https://lrs.example/xapi).
    XAPI_ENDPOINT = os.environ.get("XAPI_ENDPOINT", "")
    XAPI_USERNAME = os.environ.get("XAPI_USERNAME", "")
    XAPI_PASSWORD = os.environ.get("XAPI_PASSWORD", "")
    XAPI_BATCH_SIZE = _env_int("XAPI_BATCH_SIZE", 50)
    XAPI_SEND_INTERVAL = _env_int("XAPI_SEND_INTERVAL", 10)  # seconds between `--loop` rounds
    # Key of the opaque actor names (HMAC of the user id); defaults to SECRET_KEY.
    XAPI_ACTOR_KEY = os.environ.get("XAPI_ACTOR_KEY")
    # End of xAPI.


class DevelopmentConfig(Config):
    """Local development: `make run`. A fixed key is generated into the instance folder."""

    DEBUG = False
    ENV_NAME = "development"


class TestConfig(Config):
    """The test suite: SQLite in memory unless TEST_DATABASE_URL names another database."""

    TESTING = True
    ENV_NAME = "test"
    SECRET_KEY = "test-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashing: tests create many accounts
    RATELIMIT_STORAGE_URI = "escales-memory://"
    WTF_CSRF_ENABLED = True


class ProductionConfig(Config):
    """Production: gunicorn behind a reverse proxy. Refuses to start without SECRET_KEY."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}
