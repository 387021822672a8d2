"""Settings for altprov, read from environment variables.

With nothing set it runs for development: an SQLite file in the project,
console email, DEBUG on and Celery tasks run in process. DATABASE_URL,
REDIS_URL, SECRET_KEY and the EMAIL_* variables switch to production parts.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-key-never-used-when-debug-is-off"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "simple_history",
    "altprov",
    "placements",
    "attendance",
    "monitoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "altprov.schools.CurrentSchoolMiddleware",
]

ROOT_URLCONF = "altprov.urls"
WSGI_APPLICATION = "altprov.wsgi.application"

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
                "altprov.schools.school_context",
                "altprov.notifications.unread_count",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "altprov.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["altprov.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "staticfiles")))
# Evidence files and signed documents: outside the web root, served only
# through views that check the user's rights.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private")))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": "/private-not-served/"},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
EVIDENCE_MAX_UPLOAD_BYTES = env_int("EVIDENCE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: console unless an SMTP host is configured.
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
# Seconds an SMTP connection may hang. The outbox's claim on a message lasts
# far longer, so no second worker sends it while the first still waits.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "altprov <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: with REDIS_URL, a real broker; without it, tasks run in process and
# every periodic job is also a management command for cron.
REDIS_URL = env("REDIS_URL")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Redis down must not stop a page: queuing gives up within about a second
# (altprov.notifications catches the error; the row waits in the outbox for
# the sweep). The worker itself still waits for Redis at start.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 0,
    # A job not acknowledged within this time (its worker died) is delivered again.
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 60 * 60),
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"retry_policy": {"max_retries": 1}}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A job is acknowledged when it has finished, and one whose worker was killed
# mid-run goes back on the queue: every job is idempotent (the outbox's claims,
# the flags' unique keys), so running it again sends nothing twice.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The periodic jobs, reviewed like code. Each is also a management command
# (check_missing_reports, send_register_links, check_provider_evidence,
# send_outbox) for a school without Redis. All are idempotent. The attendance jobs read each school's
# own times, so they simply run often on weekdays, across the whole window a
# school may set its times in (altprov.models.JOBS_START to JOBS_END: 06:00
# to 18:55). The outbox sweep runs at all hours: it retries failed emails and
# sends any whose task was lost.
CELERY_BEAT_SCHEDULE: dict = {
    "send-register-links": {
        "task": "attendance.tasks.send_daily_links_task",
        "schedule": crontab(minute="*/5", hour="6-18", day_of_week="mon-fri"),
    },
    "check-missing-reports": {
        "task": "attendance.tasks.check_missing_reports_task",
        "schedule": crontab(minute="*/5", hour="6-18", day_of_week="mon-fri"),
    },
    # Evidence expires by the date, so a run at 07:00 raises the day's flags
    # before learners arrive at the providers; hourly runs until 18:00 resolve
    # a flag within the hour once evidence is renewed, an approval withdrawn
    # or a placement ended. Weekdays only: placements have no weekend sessions,
    # so a lapse at the weekend is told at 07:00 on Monday.
    "check-provider-evidence": {
        "task": "placements.tasks.check_provider_evidence_task",
        "schedule": crontab(minute=0, hour="7-18", day_of_week="mon-fri"),
    },
    # Termly reviews: requests due before the term ends, reminders and overdue
    # flags go by the date, so one run before learners arrive is enough.
    "request-termly-reviews": {
        "task": "monitoring.tasks.request_termly_reviews_task",
        "schedule": crontab(minute=30, hour=7, day_of_week="mon-fri"),
    },
    # The visit rule is by date: one run before the school day tells the
    # visiting staff member a half term's visit is due soon or overdue.
    "check-visits": {
        "task": "monitoring.tasks.check_visits_task",
        "schedule": crontab(minute=15, hour=7, day_of_week="mon-fri"),
    },
    # Agreement reviews and actions fall due by the date: one run before the
    # school day puts them on the day's "Needs doing" lists. Weekdays only.
    "check-monitoring-due": {
        "task": "monitoring.tasks.check_monitoring_due_task",
        "schedule": crontab(minute=20, hour=7, day_of_week="mon-fri"),
    },
    # Agreements and contracts (placements/signing.py, signature_flags.py): reminders to
    # signers who have not signed, and the head's flag for documents unsigned a week before
    # the start, once each school day; the re-hash of stored signed PDFs at the start of
    # the jobs' window, the "nightly" check the jobs' hours allow.
    "send-signature-reminders": {
        "task": "placements.tasks.send_signature_reminders_task",
        "schedule": crontab(minute=0, hour=9, day_of_week="mon-fri"),
    },
    "check-unsigned-documents": {
        "task": "placements.tasks.check_unsigned_documents_task",
        "schedule": crontab(minute=5, hour=7, day_of_week="mon-fri"),
    },
    "check-document-hashes": {
        "task": "placements.tasks.check_document_hashes_task",
        "schedule": crontab(minute=10, hour=6, day_of_week="mon-fri"),
    },
    "send-outbox": {
        "task": "altprov.tasks.send_outbox_task",
        "schedule": crontab(minute="*/2"),
    },
}

# Absolute links in emails (provider register links, notifications).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

# The shared cache: Redis when configured. Link rate limits are counted in
# the database instead (altprov.links), so they hold across web processes
# with or without Redis.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading binds the school's whole domain to HTTPS for good: the
        # domain's owner opts in with SECURE_HSTS_PRELOAD=1, not this default.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact_links": {"()": "altprov.logfilters.RedactLinkTokens"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_links"]}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # Django's own loggers go through the same filtered handler, not its defaults.
    "loggers": {"django": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO"), "propagate": False}},
}
