"""Threelines settings, read from the environment (see .env.example).

Defaults are the embedded ones: SQLite under var/, nothing else to run.
"""

import datetime as dt
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("THREELINES_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("DJANGO_DEBUG", default=False)

SECRET_KEY = envstr("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value "
            "(python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DJANGO_DEBUG=true for local development only."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105 - debug mode only

ALLOWED_HOSTS = envlist("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])

# Demo accounts with printed passwords may only be created where this is true.
THREELINES_ALLOW_DEMO_ACCOUNTS = envbool("THREELINES_ALLOW_DEMO_ACCOUNTS", default=DEBUG)

# Fiscal year start month (Japanese companies: April).
THREELINES_FISCAL_YEAR_START_MONTH = envint("THREELINES_FISCAL_YEAR_START_MONTH", 4)
if not 1 <= THREELINES_FISCAL_YEAR_START_MONTH <= 12:
    raise ImproperlyConfigured("THREELINES_FISCAL_YEAR_START_MONTH must be between 1 and 12.")

# Reminders: lead days before a due date, escalation steps "days overdue:level" (level 1:
# the 遵守責任者 above the owner unit; level 2: 担当役員, 統括責任者 and the second line), and
# the address links in mails point at.
THREELINES_REMINDER_LEAD_DAYS = sorted(
    (int(d) for d in envlist("THREELINES_REMINDER_LEAD_DAYS", ["30", "7", "1"])), reverse=True
)
THREELINES_ESCALATION_STEPS = [
    (int(days), int(level))
    for days, level in (
        step.split(":") for step in envlist("THREELINES_ESCALATION_STEPS", ["14:1", "30:2"])
    )
]
# The named windows of the status model (measures/statuses.py): what the dashboard lists as
# "due soon", and how far ahead an effectiveness check counts as due (the dashboard and the
# reminders alike).
THREELINES_DUE_SOON_DAYS = envint("THREELINES_DUE_SOON_DAYS", 30)
THREELINES_EFFECTIVENESS_CHECK_DAYS = envint("THREELINES_EFFECTIVENESS_CHECK_DAYS", 30)
# A request body larger than this is refused before it is read (evidence is at most 25 MB).
THREELINES_MAX_REQUEST_BYTES = envint("THREELINES_MAX_REQUEST_BYTES", 30 * 1024 * 1024)
# Refused reads and writes by one account in a day past which its company's second line is
# alerted (dashboard and digest).
THREELINES_DENIED_ALERT_THRESHOLD = envint("THREELINES_DENIED_ALERT_THRESHOLD", 20)
THREELINES_BASE_URL = envstr("THREELINES_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Committee reports: what counts as upcoming, when a render is given up as lost.
THREELINES_REPORT_UPCOMING_DAYS = envint("THREELINES_REPORT_UPCOMING_DAYS", 60)
THREELINES_REPORT_RENDER_TIMEOUT_MINUTES = envint("THREELINES_REPORT_RENDER_TIMEOUT_MINUTES", 30)
THREELINES_REPORT_MAX_ATTEMPTS = envint("THREELINES_REPORT_MAX_ATTEMPTS", 3)
# Remind the people who may request a committee's report this many days before a meeting
# for which no report has been generated.
THREELINES_MEETING_REPORT_LEAD_DAYS = envint("THREELINES_MEETING_REPORT_LEAD_DAYS", 14)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_celery_beat",
    "core",
    "governance",
    "incidents",
    "measures",
    "monitoring",
    "internalaudit",
    "registry",
    "reports",
    "reminders",
    "plans",
]
# The scale generator and the benchmarks: development, CI and a measuring host only.
if envbool("THREELINES_PERF_TOOLS", default=DEBUG):
    INSTALLED_APPS.append("perf")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.RequestSizeLimitMiddleware",
    # Static files straight from the WSGI process (compressed, cached forever by name).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "governance.middleware.AccountGuardMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.ui.context",
                "governance.context.authoring",
            ],
            "builtins": ["core.templatetags.threelines"],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'threelines.sqlite3'}"),
        # A connection per thread, reused for up to a minute from opening (its age is
        # checked when a request starts or ends; an idle thread keeps it) and checked
        # before a request reuses it: opening one took 3-4 ms of every request on the
        # loopback (more across a network, with TLS). Celery closes it around each task.
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "governance.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out accounts
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Per-person accounts only: no anonymous user object for guardian.
ANONYMOUS_USER_NAME = None

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("DJANGO_TIME_ZONE", "Asia/Tokyo")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(envstr("DJANGO_STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # `manage.py collectstatic` writes hashed, compressed copies that whitenoise serves.
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(envstr("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout after repeated failures (django-axes): per account and per address.
AXES_FAILURE_LIMIT = envint("THREELINES_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=envint("THREELINES_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]  # either one locks
# A success clears only the signing-in account's own failures from its address
# (governance.accounts.on_logged_in): axes' own reset clears every failure of the address
# or the username, so one working account could reset an attacker's guesses at another.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Behind a reverse proxy, the client address comes from this header.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Two-factor (TOTP) for administrators and second-line officers.
OTP_TOTP_ISSUER = "Threelines"

SESSION_COOKIE_AGE = envint("DJANGO_SESSION_COOKIE_AGE", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # expiry counts from the last request, not the login
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = envbool("DJANGO_HSTS_PRELOAD", default=True)
# The load balancer's health probe speaks plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if envbool("DJANGO_BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content security policy: everything from this origin, nothing inline, no frames.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Celery: Redis (or another broker) from CELERY_BROKER_URL; the embedded default is a folder.
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue = VAR_DIR / "celery-queue"
    _queue.mkdir(parents=True, exist_ok=True)  # the transport expects the folder to exist
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "store_processed": False,
        # The exchange table too, not a "control" folder in the working directory.
        "control_folder": str(VAR_DIR / "celery-control"),
    }
else:
    # Fail fast when the broker is down: a web request that queues work must not hang.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
        "max_retries": 1,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ACKS_LATE = True  # a task lost with its worker runs again
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # workers log through LOGGING (JSON in production)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

EMAIL_BACKEND = envstr("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = envstr("DJANGO_EMAIL_FILE_PATH", str(VAR_DIR / "mail"))  # file backend
EMAIL_HOST = envstr("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("DJANGO_EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = envint("DJANGO_EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = envstr("DJANGO_DEFAULT_FROM_EMAIL", "threelines@localhost")

# One JSON object per line (THREELINES_LOG_FORMAT=json, the default outside debug) for the
# log collector; plain text in development.
LOG_FORMAT = envstr("THREELINES_LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "config.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": envstr("DJANGO_LOG_LEVEL", "INFO")},
}
