"""Django settings for Guanxi, read only from ``GUANXI_*`` environment variables.

Every variable is documented in the README's configuration table.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(f"GUANXI_{name}", default)


def envbool(name: str, default: str) -> bool:
    return env(name, default).strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(env(name, str(default)))


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DATA_DIR = Path(env("DATA_DIR", "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The configured key, or one generated once and kept in the data dir."""
    if configured := env("SECRET_KEY"):
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", "1")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tables2",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "huey.contrib.djhuey",
    "ninja",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "guanxi.core",
    "guanxi.accounts",
    "guanxi.customers",
    "guanxi.catalog",
    "guanxi.orders",
    "guanxi.sales",
    "guanxi.service",
    "guanxi.analytics",
    "guanxi.transfer",
    "guanxi.administration",
    "guanxi.web",
]

MIDDLEWARE = [
    "guanxi.core.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "guanxi.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "guanxi.accounts.middleware.UserLanguageMiddleware",
    "guanxi.accounts.middleware.SessionSeenMiddleware",
    "guanxi.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "guanxi.urls"
WSGI_APPLICATION = "guanxi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "guanxi.web.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            # Persistent connections: ~1,000 req/s instead of ~120 with one connection a request.
            conn_max_age=envint("DB_CONN_MAX_AGE", 600),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "guanxi.sqlite3"),
            "OPTIONS": {
                # WAL lets readers go on while one writer writes; IMMEDIATE avoids lock upgrades.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and jobs -------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "guanxi",
        }
    }
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": env("QUEUE_NAME", "guanxi"),
        "url": REDIS_URL,
        "immediate": envbool("JOBS_IMMEDIATE", "0"),
        "consumer": {"workers": envint("WORKER_THREADS", 2), "worker_type": "thread"},
    }
else:
    # On disk in the data dir, so the web server and the job worker share it (import progress).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": env("QUEUE_NAME", "guanxi"),
        "filename": str(DATA_DIR / "jobs.sqlite3"),
        "immediate": envbool("JOBS_IMMEDIATE", "0"),
        "consumer": {"workers": envint("WORKER_THREADS", 2), "worker_type": "thread"},
    }

# --- Mail -----------------------------------------------------------------------------------
# Without an SMTP host, mail is written to files in DATA_DIR/mail (nothing leaves the machine).
SMTP_HOST = env("SMTP_HOST")
if SMTP_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = SMTP_HOST
    EMAIL_PORT = envint("SMTP_PORT", 25)
    EMAIL_HOST_USER = env("SMTP_USER")
    EMAIL_HOST_PASSWORD = env("SMTP_PASSWORD")
    EMAIL_USE_TLS = envbool("SMTP_TLS", "0")
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")
DEFAULT_FROM_EMAIL = env("MAIL_FROM", "Guanxi CRM <crm@localhost>")
# Where customers' answers to replies should go, when not to MAIL_FROM (the IMAP mailbox).
SERVICE_REPLY_TO = env("SERVICE_REPLY_TO")
# Where links in e-mails and calendar feeds point.
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# A mailbox whose new messages become service requests (polled by the worker every 2 minutes).
IMAP_HOST = env("IMAP_HOST")
IMAP_PORT = envint("IMAP_PORT", 993)
IMAP_SSL = envbool("IMAP_SSL", "1")
IMAP_USER = env("IMAP_USER")
IMAP_PASSWORD = env("IMAP_PASSWORD")
IMAP_FOLDER = env("IMAP_FOLDER", "INBOX")

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "guanxi.accounts.validators.MinimumLengthValidator",
        "OPTIONS": {"min_length": envint("PASSWORD_MIN_LENGTH", 8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "guanxi.accounts.validators.CharacterClassesValidator"},
    {
        "NAME": "guanxi.accounts.validators.PasswordHistoryValidator",
        "OPTIONS": {"remember": envint("PASSWORD_HISTORY", 5)},
    },
]
SESSION_COOKIE_AGE = envint("SESSION_AGE", 14 * 24 * 3600)
# Sign-in throttling (guanxi.accounts.signin): wrong passwords before a lock, per account and
# per address, counted over and locked for the same minutes.
SIGNIN_ACCOUNT_FAILURES = envint("SIGNIN_ACCOUNT_FAILURES", 5)
SIGNIN_ADDRESS_FAILURES = envint("SIGNIN_ADDRESS_FAILURES", 20)
SIGNIN_LOCK_MINUTES = envint("SIGNIN_LOCK_MINUTES", 15)
# Two-factor sign-in (guanxi.accounts.twofactor): the name authenticator apps show. Wrong codes
# count as failed sign-ins above, so django-otp's own per-device delay is off.
OTP_TOTP_ISSUER = env("OTP_ISSUER", "Guanxi CRM")
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# Reverse proxies whose X-Forwarded-For names the client (comma-separated addresses).
TRUSTED_PROXIES = [a.strip() for a in env("TRUSTED_PROXIES", "").split(",") if a.strip()]

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = env("LANGUAGE", "zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
DEFAULT_CURRENCY = env("CURRENCY", "CNY")

# Uploaded files (service request attachments), served only through permission-checked views.
MEDIA_ROOT = DATA_DIR / "media"
# Days the read audit (who saw which customer, every export) is kept.
ACCESS_LOG_DAYS = envint("ACCESS_LOG_DAYS", 365)
# The nightly backup (guanxi.core.tasks.nightly_backup): off unless a folder is given.
BACKUP_DIR = env("BACKUP_DIR", "")
BACKUP_KEEP = envint("BACKUP_KEEP", 7)
BACKUP_HOUR = envint("BACKUP_HOUR", 1)
MEDIA_URL = "media/"
SERVICE_ATTACHMENT_MAX_BYTES = envint("ATTACHMENT_MAX_MB", 10) * 1024 * 1024

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Serve straight from the app folders: no collectstatic step to forget.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5-responsive.html"

# --- Production hardening (GUANXI_DEBUG=0) --------------------------------------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("SSL_REDIRECT", "1")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("HSTS_PRELOAD", "1")
    SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Sent by guanxi.core.middleware.SecurityHeadersMiddleware. Scripts come from this site only
# (guanxi/static/guanxi/app.js carries every page's behaviour); inline style attributes stay
# allowed for the charts' and htmx's own styling.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
API_DOCS_PATH = "/api/v1/docs"
CONTENT_SECURITY_POLICY_API_DOCS = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; frame-ancestors 'none'"
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)
X_FRAME_OPTIONS = "DENY"

# --- Logging: one line a request and a job, on stdout ---------------------------------------
LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "line": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "line"}},
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        # Our request log replaces Django's own, which would print a second line a request.
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        "huey": {"level": LOG_LEVEL},
    },
}

# --- Guanxi ---------------------------------------------------------------------------------
API_PAGE_SIZE = 50
API_COUNT_CAP = envint("API_COUNT_CAP", 1000)
API_MAX_PAGE_SIZE = 200
WORKER_STALE_AFTER = envint("WORKER_STALE_AFTER", 180)
AUTHENTICATION_BACKENDS = ["guanxi.accounts.backends.RoleBackend"]
