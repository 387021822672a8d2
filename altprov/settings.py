"""Settings for altprov, read from environment variables.

With nothing set it runs for development: an SQLite file in the project,
console email, DEBUG on and Celery tasks run in process. DATABASE_URL,
REDIS_URL, SECRET_KEY and the EMAIL_* variables switch to production parts.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
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
    # Django's admin on a site that asks for the second factor (altprov.admin_site).
    "altprov.admin_site.SecondFactorAdminConfig",
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
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "axes",
    "csp",
    "altprov",
    "placements",
    "attendance",
    "monitoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads a body: one over the limit is refused unread (413).
    "altprov.uploads.UploadLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "altprov.security.SessionLimitsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "altprov.mfa.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "altprov.schools.CurrentSchoolMiddleware",
    "csp.middleware.CSPMiddleware",
    "altprov.security.PrivateResponsesMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
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
# django-axes first: it refuses a locked-out login before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Second factor (altprov/mfa.py): every staff account enrols an authenticator
# app before using the site when MFA_REQUIRED is on, which it is unless DEBUG
# (the demo of `make run`). A user who has enrolled is always asked for a code.
# Reading the safeguarding log asks for a code again when the last one is
# older than MFA_STEP_UP_SECONDS, even inside a live session.
MFA_REQUIRED = env_bool("MFA_REQUIRED", not DEBUG)
MFA_STEP_UP_SECONDS = env_int("MFA_STEP_UP_SECONDS", 15 * 60)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "altprov")
MFA_BACKUP_CODES = 10

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
# Bodies over the limit are refused before they are read (altprov/uploads.py):
# a multipart form's at EVIDENCE_MAX_UPLOAD_BYTES plus its other fields, any
# other at DATA_UPLOAD_MAX_MEMORY_SIZE; the first handler counts a body sent
# without a length as it streams.
FILE_UPLOAD_HANDLERS = [
    "altprov.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Email: console unless an SMTP host is configured. The console and file
# backends print mail with link secrets and reset tokens redacted
# (altprov/mail.py), even when Django's own are named; in production a
# missing SMTP host fails `check --deploy` (altprov/checks.py).
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "altprov.mail.ConsoleEmailBackend",
)
EMAIL_BACKEND = {
    "django.core.mail.backends.console.EmailBackend": "altprov.mail.ConsoleEmailBackend",
    "django.core.mail.backends.filebased.EmailBackend": "altprov.mail.FileEmailBackend",
}.get(EMAIL_BACKEND, EMAIL_BACKEND)
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
# One queue per installation sharing a Redis. Under pytest-xdist each test
# process has its own (the Celery workers its tests start inherit the
# variable), so two tests' workers never take each other's jobs.
_TEST_PROCESS = os.environ.get("PYTEST_XDIST_WORKER", "")
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", f"celery-{_TEST_PROCESS}" if _TEST_PROCESS else "celery")
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
    # The retention review (monitoring/retention.py): records past their period are
    # listed for the head at 07:40 on the 1st of each month.
    "retention-review": {
        "task": "monitoring.tasks.retention_review_task",
        "schedule": crontab(minute=40, hour=7, day_of_month="1"),
    },
    "send-outbox": {
        "task": "altprov.tasks.send_outbox_task",
        "schedule": crontab(minute="*/2"),
    },
}

# Retention: how long each kind of record is kept before it is due for a
# disposal review (monitoring/retention.py, the monthly `retention_review`).
# "model" is the record, "from" the date its period counts from (a field path;
# the learner's date of birth for records kept "until the learner is 25"),
# "years" the period. Nothing is ever deleted automatically: the review lists
# what is due and tells the head, who decides. "disposable": False marks
# records the app never deletes at all (child protection: the DSL transfers
# or keeps them, KCSIE and the school's own schedule).
# Defaults follow the IRMS Academies Toolkit where it speaks; every period
# marked TBC is to be confirmed with the data protection officer and set to the
# school's own retention schedule.
RETENTION: dict[str, dict] = {
    # The School Attendance (Pupil Registration) (England) Regulations 2024: registers kept 6 years.
    "attendance_marks": {
        "label": "attendance marks",
        "model": "attendance.attendancemark",
        "from": "date",
        "years": 6,
        "disposable": True,
    },
    # TBC with the DPO: attendance follow-up is part of the attendance record.
    "attendance_interventions": {
        "label": "attendance interventions",
        "model": "attendance.intervention",
        "from": "date",
        "years": 6,
        "disposable": True,
    },
    "parent_contacts": {
        "label": "contacts with parents about attendance",
        "model": "attendance.parentcontact",
        "from": "at",
        "years": 6,
        "disposable": True,
    },
    # TBC with the DPO: the pupil file, passport and SEN detail until the learner is 25
    # (IRMS: SEN files to date of birth + 31 years where the school holds the EHC plan history).
    "learners": {
        "label": "learner records (with passport and SEN detail)",
        "model": "placements.learner",
        "from": "date_of_birth",
        "years": 25,
        "disposable": True,
    },
    # TBC with the DPO: a placement and its monitoring, 6 years after it ended.
    "placements": {
        "label": "placements",
        "model": "placements.placement",
        "from": "end_date",
        "years": 6,
        "disposable": True,
    },
    "visits": {
        "label": "visit records",
        "model": "monitoring.visit",
        "from": "visited_on",
        "years": 6,
        "disposable": True,
    },
    "termly_reviews": {
        "label": "termly reviews",
        "model": "monitoring.termlyreview",
        "from": "due_date",
        "years": 6,
        "disposable": True,
    },
    "review_meetings": {
        "label": "review meetings",
        "model": "monitoring.reviewmeeting",
        "from": "held_on",
        "years": 6,
        "disposable": True,
    },
    # Limitation Act 1980: a signed agreement 6 years after it was signed (TBC with the DPO).
    "agreements": {
        "label": "signed agreements",
        "model": "placements.agreement",
        "from": "frozen_at",
        "years": 6,
        "disposable": True,
    },
    "parent_contracts": {
        "label": "signed parent/carer contracts",
        "model": "placements.parentcontract",
        "from": "frozen_at",
        "years": 6,
        "disposable": True,
    },
    # TBC with the DPO: serious incidents may bear on safeguarding, so until the learner is 25.
    "incidents": {
        "label": "serious incidents",
        "model": "monitoring.incident",
        "from": "placement__learner__date_of_birth",
        "years": 25,
        "disposable": True,
    },
    # KCSIE: child-protection files move with the child and are kept until they are 25
    # (IRMS), longer where the school's schedule or an inquiry says so. Never automatic.
    "child_protection": {
        "label": "safeguarding concerns (child protection)",
        "model": "monitoring.safeguardingconcern",
        "from": "learner__date_of_birth",
        "years": 25,
        "disposable": False,
    },
}

# Absolute links in emails (provider register links, notifications).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

# Passkeys (WebAuthn, altprov.passkeys), a second factor added beside the app.
# A passkey belongs to one domain, the site's (SITE_URL's host; "localhost"
# for the demo, as browsers refuse an IP address), and answers only pages
# served from the allowed origins. Passkeys never replace the password.
_site = urlsplit(SITE_URL)
_site_host = "localhost" if _site.hostname in ("127.0.0.1", "::1") else (_site.hostname or "localhost")
_site_port = f":{_site.port}" if _site.port else ""
OTP_WEBAUTHN_RP_ID = env("OTP_WEBAUTHN_RP_ID", _site_host)
OTP_WEBAUTHN_RP_NAME = env("OTP_WEBAUTHN_RP_NAME", "altprov")
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list(
    "OTP_WEBAUTHN_ALLOWED_ORIGINS", f"{_site.scheme}://{_site_host}{_site_port}"
)
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False

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

# How many proxies of ours stand in front of the app (a load balancer, nginx):
# 0 takes the client's address from the connection, so a client cannot pick
# it with an X-Forwarded-For header. Login lockouts and password-reset limits
# count by it (altprov.security.client_ip).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Login lockout (django-axes): 5 failed logins for one username from one
# address lock that pair out for 15 minutes, on the app's login and the
# admin's. Attempts are recorded in the database (AccessAttempt,
# AccessFailureLog, in the admin for superusers); log lines name the page only.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_CLIENT_IP_CALLABLE = "altprov.security.client_ip"
AXES_CLIENT_STR_CALLABLE = "altprov.security.axes_client_str"
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "altprov.security.lockout_response"

# Password reset emails: a few an hour per account, a few more per address
# (altprov.forms.ThrottledPasswordResetForm); the page answers the same either way.
PASSWORD_RESET_EMAILS_PER_ACCOUNT_PER_HOUR = env_int("PASSWORD_RESET_EMAILS_PER_ACCOUNT_PER_HOUR", 3)
PASSWORD_RESET_REQUESTS_PER_ADDRESS_PER_HOUR = env_int("PASSWORD_RESET_REQUESTS_PER_ADDRESS_PER_HOUR", 10)

# Sessions end after SESSION_IDLE_SECONDS unused and SESSION_MAX_SECONDS after
# signing in (altprov.security.SessionLimitsMiddleware), and when the browser
# closes if the school says so (School.end_sessions_on_browser_close).
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_MAX_SECONDS = env_int("SESSION_MAX_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# No inline script or style anywhere: scripts and styles come from static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
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
    "filters": {
        "redact_links": {"()": "altprov.logfilters.RedactLinkTokens"},
        "error_reference": {"()": "altprov.errors.AddErrorReference"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact_links"]}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # Django's own loggers go through the same filtered handler, not its defaults.
    "loggers": {
        "django": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO"), "propagate": False},
        # A server error's record carries the reference shown on its 500 page.
        "django.request": {"filters": ["error_reference"]},
    },
}
