"""Default settings. Override in instance/config.py or with environment variables."""

import os
from datetime import timedelta

DEV_SECRET = "dev-secret-change-me"  # noqa: S105 - refused outside debug and testing


def defaults(instance_path: str) -> dict:
    """Return the default configuration, reading the few settings that come from the env."""
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEV_SECRET),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        # hide_parameters: SQL logs and error messages never carry values (a PIN in an SMS text,
        # the option of a secret vote next to its voter).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "SQLITE_SYNCHRONOUS": "FULL",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": os.environ.get("COOKIE_SECURE", "0") == "1",
        "SESSION_COOKIE_NAME": "ysting",
        "PERMANENT_SESSION_LIFETIME": timedelta(minutes=30),
        "KIOSK_IDLE_SECONDS": 60,  # a kiosk session ends after a minute without a touch
        # Not re-signed on every request: hooks.py moves the idle clock once a minute.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "WTF_CSRF_TIME_LIMIT": 12 * 3600,
        "WTF_CSRF_SSL_STRICT": False,
        "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Failed logins per address. Sized for carrier NAT: hundreds of residents on a voting
        # evening can share one public address, and some mistype; spraying one PIN across
        # accounts at this rate finds ~1 in 10^6 per try. The per-account lockout stops
        # guessing one account.
        "LOGIN_RATE_LIMIT": "300 per 10 minutes",
        # Posting (issues, comments) per account: stops a runaway script, not a busy
        # volunteer typing in a stack of paper forms.
        "POST_RATE_LIMIT": "60 per hour",
        # Proxies in front of the app (nginx: 1) whose X-Forwarded-For/-Proto are trusted, so
        # the rate limit sees residents' addresses. 0 (no proxy): those headers are ignored,
        # or anyone could pick the address they are limited by.
        "PROXY_HOPS": int(os.environ.get("PROXY_HOPS", "0")),
        # A 6-digit PIN has only 10^6 values: no slow hash protects a stolen table, so the
        # hash is keyed with a pepper kept outside the database (docs/deploy.md, "PINs") and
        # the slow hash only needs to be ~10 ms, which a voting evening's logins can afford.
        # The per-account lockout is the defence against guessing online.
        "PIN_HASH_METHOD": "scrypt:4096:8:1",
        # Several hosts: the same PIN_PEPPER on every host. One machine: made on first start
        # in the instance folder. PIN_PEPPER_OLD: the one before a rotation (still accepted,
        # upgraded at the next login).
        "PIN_PEPPER": os.environ.get("PIN_PEPPER"),
        "PIN_PEPPER_OLD": os.environ.get("PIN_PEPPER_OLD"),
        "PIN_MAX_FAILURES": 10,
        "PIN_FAILURE_WINDOW": timedelta(minutes=15),
        "PIN_LOCK_TIME": timedelta(minutes=15),
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        "SMS_BACKEND": "community.notify.sms:DatabaseBackend",
        # The key inbound SMS requests are signed with (api/sms.py); unset: all refused.
        "SMS_INBOUND_SECRET": os.environ.get("SMS_INBOUND_SECRET"),
        "SMS_DAILY_CAP": 10,  # messages a phone gets a Beijing day; the rest wait for 8:00
        # community.notify.aliyun:AliyunBackend (README, "Connecting an SMS provider").
        "ALIYUN_SMS_ACCESS_KEY_ID": os.environ.get("ALIYUN_SMS_ACCESS_KEY_ID"),
        "ALIYUN_SMS_ACCESS_KEY_SECRET": os.environ.get("ALIYUN_SMS_ACCESS_KEY_SECRET"),
        "ALIYUN_SMS_SIGN_NAME": "议事厅",  # i18n: data (the signature registered with Aliyun)
        "ALIYUN_SMS_TEMPLATE_CODE": None,  # a template "${content}" approved for notices
    }


def _database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "community.sqlite")
    # Heroku-style URLs name the driver "postgres"; SQLAlchemy wants psycopg 3 named.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
