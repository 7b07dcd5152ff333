"""Settings read from KHT_* environment variables and an optional kht.toml."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated

import msgspec

from kht.errors import KhtError

DEFAULT_DATABASE_URL = "sqlite:///kht.db"
Positive = Annotated[int, msgspec.Meta(ge=1)]


class Settings(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Everything that can be configured; one instance per app, passed down in ctx."""

    database_url: str = DEFAULT_DATABASE_URL
    # Signs sessions, CSRF and web-form tokens and seals stored secrets; empty: the key the
    # database keeps (kht.instance_key).
    secret_key: str = ""
    default_language: str = "zh_CN"
    debug: bool = False
    # Cookies are Secure unless explicitly served over plain HTTP (local demo, tests).
    secure_cookies: bool = True
    trace_hooks: bool = False
    # Entry-point plugins are discovered; these names are added from import paths (tests).
    extra_plugins: list[str] = msgspec.field(default_factory=list)
    # SQLite: how long a writer waits for the database's write lock before a 503 (busy).
    sqlite_busy_timeout_ms: Positive = 5000
    # Requests that hold a database connection at once (the rest queue, holding nothing); the
    # server's connection pool and its handler threads are sized from it (see README).
    db_pool_size: Positive = 10
    # PostgreSQL: how long a writer waits for a row or advisory lock, and the longest statement,
    # before the request answers 503 (busy) instead of waiting on.
    db_lock_timeout_ms: Positive = 5000
    db_statement_timeout_ms: Positive = 60000
    # Shared pool: how many customers one user may own, and claim per day (0: no limit).
    pool_max_owned: int = 300
    pool_max_claims_per_day: int = 30
    # Background work: Redis when set (several workers), else a SQLite queue file.
    redis_url: str = ""
    huey_path: str = ""
    # Imports: upload and unpacked-workbook caps, and when an import goes to the worker.
    import_max_bytes: int = 20 * 1024 * 1024
    import_max_unpacked: int = 200 * 1024 * 1024
    import_max_entries: int = 1000
    import_max_ratio: int = 100
    import_background_rows: int = 2000
    # Lists: totals up to this many are counted exactly; past it they are estimated
    # (kht.lists.counting) unless the reader asks for the exact count.
    list_exact_count_limit: Positive = 10000
    # Outgoing mail (reminders): no host, no mail. The password is never logged or shown.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_from: str = ""
    smtp_starttls: bool = True
    # Mass mail's envelope sender (bounces go there; read it as a mail account), else the From.
    mail_bounce_address: str = ""
    # The company's time zone: automation's dates (birthdays, schedules) are days there.
    company_time_zone: str = "Asia/Shanghai"
    # Webhooks (kht.webhooks): hosts (as written in a URL) an administrator allows to be
    # private, loopback or link-local addresses; everything else must resolve to public ones.
    webhook_allow_hosts: list[str] = msgspec.field(default_factory=list)
    # Tries per delivery, failed tries in a row that disable a subscription, and the time a
    # receiver has to answer.
    webhook_max_attempts: Positive = 8
    webhook_disable_after: Positive = 20
    webhook_timeout_seconds: Positive = 10
    # The address customers reach this server at (`https://crm.example.cn`): links in mail
    # to people without a login (the service satisfaction survey) start with it.
    public_url: str = "http://127.0.0.1:8000"


_ENV_FIELDS = {
    "KHT_DATABASE_URL": "database_url",
    "KHT_SECRET_KEY": "secret_key",
    "KHT_DEFAULT_LANGUAGE": "default_language",
    "KHT_DEBUG": "debug",
    "KHT_SECURE_COOKIES": "secure_cookies",
    "KHT_TRACE_HOOKS": "trace_hooks",
    "KHT_EXTRA_PLUGINS": "extra_plugins",
    "KHT_SQLITE_BUSY_TIMEOUT_MS": "sqlite_busy_timeout_ms",
    "KHT_DB_POOL_SIZE": "db_pool_size",
    "KHT_DB_LOCK_TIMEOUT_MS": "db_lock_timeout_ms",
    "KHT_DB_STATEMENT_TIMEOUT_MS": "db_statement_timeout_ms",
    "KHT_POOL_MAX_OWNED": "pool_max_owned",
    "KHT_POOL_MAX_CLAIMS_PER_DAY": "pool_max_claims_per_day",
    "KHT_REDIS_URL": "redis_url",
    "KHT_HUEY_PATH": "huey_path",
    "KHT_IMPORT_MAX_BYTES": "import_max_bytes",
    "KHT_IMPORT_BACKGROUND_ROWS": "import_background_rows",
    "KHT_LIST_EXACT_COUNT_LIMIT": "list_exact_count_limit",
    "KHT_SMTP_HOST": "smtp_host",
    "KHT_SMTP_PORT": "smtp_port",
    "KHT_SMTP_USER": "smtp_user",
    "KHT_SMTP_PASSWORD": "smtp_password",
    "KHT_SMTP_FROM": "smtp_from",
    "KHT_SMTP_STARTTLS": "smtp_starttls",
    "KHT_PUBLIC_URL": "public_url",
    "KHT_MAIL_BOUNCE_ADDRESS": "mail_bounce_address",
    "KHT_COMPANY_TIME_ZONE": "company_time_zone",
    "KHT_WEBHOOK_ALLOW_HOSTS": "webhook_allow_hosts",
    "KHT_WEBHOOK_MAX_ATTEMPTS": "webhook_max_attempts",
    "KHT_WEBHOOK_DISABLE_AFTER": "webhook_disable_after",
    "KHT_WEBHOOK_TIMEOUT_SECONDS": "webhook_timeout_seconds",
}
_INT_FIELDS = {
    "sqlite_busy_timeout_ms",
    "db_pool_size",
    "db_lock_timeout_ms",
    "db_statement_timeout_ms",
    "pool_max_owned",
    "pool_max_claims_per_day",
    "import_max_bytes",
    "import_background_rows",
    "list_exact_count_limit",
    "smtp_port",
    "webhook_max_attempts",
    "webhook_disable_after",
    "webhook_timeout_seconds",
}


def _parse_env(field: str, raw: str) -> object:
    if field in {"debug", "secure_cookies", "trace_hooks", "smtp_starttls"}:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if field in {"extra_plugins", "webhook_allow_hosts"}:
        return [name.strip() for name in raw.split(",") if name.strip()]
    if field in _INT_FIELDS:
        return int(raw) if raw.strip().lstrip("-").isdigit() else raw  # msgspec names bad ones
    return raw


def load_settings(environ: dict[str, str] | None = None, toml_path: Path | None = None) -> Settings:
    """Build Settings from kht.toml (if present) overlaid with KHT_* environment variables."""
    environ = dict(os.environ if environ is None else environ)
    values: dict[str, object] = {}
    toml_path = toml_path or Path(environ.get("KHT_CONFIG", "kht.toml"))
    if toml_path.is_file():
        values.update(tomllib.loads(toml_path.read_text("utf-8")))
    for env_name, field in _ENV_FIELDS.items():
        if env_name in environ:
            values[field] = _parse_env(field, environ[env_name])
    try:
        settings = msgspec.convert(values, Settings)
    except msgspec.ValidationError as exc:
        raise KhtError(f"bad setting: {exc}") from None
    # No KHT_SECRET_KEY: the instance key kept in the database is filled in once an engine
    # exists (kht.instance_key.resolve_secret_key).
    return settings
