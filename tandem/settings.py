"""Tandem settings: one module, read from environment variables.

Bad values fail loudly at start-up (ImproperlyConfigured) rather than being silently ignored.
SQLite is the embedded default; DATABASE_URL switches to PostgreSQL.
"""

import os
import re
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from dotenv import load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent

# A developer's checkout: `make install` writes a git-ignored .env once (DEBUG=true and a generated
# SECRET_KEY) so every `.venv/bin/tandem` command works in the folder with no extra environment.
# Real environment variables win; production has no .env (and the test settings turn this off).
if os.environ.get("TANDEM_DOTENV", "true").lower() not in ("0", "false", "no", "off"):
    load_dotenv(BASE_DIR / ".env", override=False)


def env_bool(name, default):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name, default, minimum=None):
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    return value


def env_list(name, default):
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("TANDEM_ALLOW_INSECURE_KEY", False):
        raise ImproperlyConfigured("SECRET_KEY is not set. Set it (production) or set DEBUG=true (development).")
    SECRET_KEY = "insecure-development-key-not-for-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
SITE_NAME = "Tandem"
TRUST_NAME = os.environ.get("TANDEM_TRUST_NAME", "Northvale NHS Foundation Trust")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    # The Django admin, for platform operators only (tandem.accounts.admin_site).
    "tandem.accounts.admin_config.TandemAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    # Security: two-factor (TOTP) for admin, QI and line-manager roles; sign-in lockout.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    # Rate limits of the public forms (counted in the shared cache, CACHES).
    "django_ratelimit",
    "tandem.accounts",
    "tandem.audit",
    "tandem.privacy",
    "tandem.core",
    "tandem.tutors",
    "tandem.courses",
    "tandem.qi",
    "tandem.release",
    "tandem.pipeline",
    "tandem.stories",
    "tandem.payments",
    "tandem.planning",
    "tandem.students",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy with a per-request nonce (base.jinja's inline scripts carry it).
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # A NUL character in the query string or form data answers 400 (PostgreSQL refuses NUL in text).
    "tandem.core.middleware.RejectNulMiddleware",
    # Login is required by default; public views opt out with @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle (15 minutes) and absolute (12 hours) session timeouts.
    "tandem.accounts.middleware.SessionTimeoutMiddleware",
    # Admin, QI team and line managers must verify a TOTP code before any page but sign-out.
    "tandem.accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Cache-Control: no-store on every page shown to a signed-in user.
    "tandem.accounts.middleware.NoStoreMiddleware",
    # Sign-in lockout (django-axes): last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "tandem.accounts.backends.LockoutBackend",  # django-axes: refuses a locked-out username before checking it
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "tandem.urls"
WSGI_APPLICATION = "tandem.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "tandem" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "tandem.core.jinja2.environment"},
    },
    {
        # The Django admin keeps its own Django templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]
# A name one of Tandem's templates uses but was not given fails loudly (tandem.core.jinja2) instead
# of rendering as nothing: on in the test settings, off in production; STRICT_TEMPLATES=true for a
# developer's server.
STRICT_TEMPLATES = env_bool("STRICT_TEMPLATES", False)

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    try:
        DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    except Exception as exc:  # dj-database-url raises several types for bad URLs
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "tandem.sqlite3")),
            # Wait for a lock rather than fail at once; writes are short transactions.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# One cache shared by every gunicorn worker (and server): Django's database cache, in the College's
# own database, so no further service is needed. Its table is made by `tandem createcachetable`
# (after `tandem migrate`; the test database gets it when it is created). tandem.core.cache makes
# its counters atomic for the rate limits.
CACHES = {
    "default": {
        "BACKEND": "tandem.core.cache.DatabaseCache",
        "LOCATION": "tandem_cache",
        "OPTIONS": {"MAX_ENTRIES": 10000},
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# nhsuk-frontend is installed from npm by `make install` (pinned in package.json, never committed).
STATICFILES_DIRS = [
    ("nhsuk", BASE_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"),
    BASE_DIR / "tandem" / "static",
]

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 60 * 60, minimum=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True  # shared ward and office computers
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- Security hardening (docs/deployment.md) --------------------------------------------------
# Sessions end after 15 minutes without a request and 12 hours after sign-in, whichever is first
# (tandem.accounts.middleware.SessionTimeoutMiddleware).
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 15 * 60, minimum=60)
SESSION_ABSOLUTE_TIMEOUT = env_int("SESSION_ABSOLUTE_TIMEOUT", 12 * 60 * 60, minimum=60)

# HTTPS: behind a TLS proxy set SECURE_PROXY_SSL_HEADER=true (the proxy must set
# X-Forwarded-Proto and strip it from clients).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# A refused CSRF token shows Tandem's NHS.UK 403 page with a way back.
CSRF_FAILURE_VIEW = "tandem.core.errors.csrf_failure"

# Content-Security-Policy (django-csp 4): scripts only from this site or carrying the page's nonce;
# no framing; forms post only here.
from csp.constants import NONCE, NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        # nhsuk-frontend's stylesheet loads the Frutiger web font from NHS.UK's asset server.
        "font-src": [SELF, "https://assets.nhs.uk"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The client's address (tandem.core.client_ip): behind N reverse proxies that set X-Forwarded-For
# (nginx in docs/deployment.md: 1), set TRUSTED_PROXY_COUNT=N; 0 (no proxy) ignores the header,
# which any client can write.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)

# Release requests: line managers are reminded after RELEASE_REMINDER_DAYS and requests expire after
# RELEASE_EXPIRY_DAYS undecided (tandem release_reminders, daily from cron).
RELEASE_REMINDER_DAYS = env_int("RELEASE_REMINDER_DAYS", 5, minimum=1)
RELEASE_EXPIRY_DAYS = env_int("RELEASE_EXPIRY_DAYS", 21, minimum=1)

# Term planning: the planner's defaults (the wish-list page can change the time limit per run).
PLANNER_MAX_SESSIONS = env_int("PLANNER_MAX_SESSIONS", 24, minimum=1)  # sessions a tutor teaches in a term
PLANNER_PREP_HOURS_PER_SESSION = env_int("PLANNER_PREP_HOURS_PER_SESSION", 1, minimum=0)
PLANNER_WORKERS = env_int("PLANNER_WORKERS", 2, minimum=1)
PLANNER_TIME_LIMIT = env_int("PLANNER_TIME_LIMIT", 30, minimum=1)

# The public forms ("Interested in teaching?"): at most PUBLIC_FORM_RATE posts per client address,
# e.g. "5/h" (count / s, m, h or d, optionally with a number: "20/10m"), counted in the shared cache.
PUBLIC_FORM_RATE = os.environ.get("PUBLIC_FORM_RATE", "5/h").strip()
if not re.fullmatch(r"([1-9][0-9]*)/([1-9][0-9]*)?([smhd])", PUBLIC_FORM_RATE):
    raise ImproperlyConfigured(
        f"PUBLIC_FORM_RATE must be a number of posts per period, like 5/h or 20/10m, not {PUBLIC_FORM_RATE!r}"
    )
RATELIMIT_USE_CACHE = "default"
RATELIMIT_ENABLE = True
# django-ratelimit's check knows only memcached and Redis by name; tandem.core.cache is the
# database cache with an atomic, expiry-keeping incr (see its docstring).
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

# Sign-in lockout (django-axes): 5 failed attempts for a username lock it for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
# By username only: a Trust's staff share a few outbound (NAT or proxy) addresses, so locking an
# address would lock out whole wards after a handful of typos. Password spraying across usernames is
# met by the 12-character password rule and two-factor for the roles that see most. Hence axes.W006
# (no 'ip_address' parameter) is silenced on purpose.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS += ["axes.W006"]
AXES_COOLOFF_MINUTES = env_int("AXES_COOLOFF_MINUTES", 30, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tandem.accounts.views.locked_out"
AXES_VERBOSE = False
# The sign-in records keep the client's address, not the proxy's (TRUSTED_PROXY_COUNT).
AXES_CLIENT_IP_CALLABLE = "tandem.core.client_ip.client_ip"

# Two-factor (django-otp TOTP) for the roles in TANDEM_OTP_ROLES and for platform operators.
TANDEM_OTP_REQUIRED = env_bool("TANDEM_OTP_REQUIRED", True)
TANDEM_OTP_ROLES = ("college_admin", "qi_team", "line_manager")
OTP_TOTP_ISSUER = f"Tandem ({TRUST_NAME})"

# GDPR retention periods (tandem retention); see tandem/privacy/retention.py.
TANDEM_RETENTION = {
    # Financial records: six years after the end of the financial year (HMRC).
    "payments_years": env_int("RETENTION_PAYMENTS_YEARS", 6, minimum=6),
    # A tutor who left is anonymised this long after their leaving date.
    "left_tutor_years": env_int("RETENTION_LEFT_TUTOR_YEARS", 2, minimum=0),
    # A pipeline entry that never went further (interested or lapsed) is deleted after this long.
    "pipeline_years": env_int("RETENTION_PIPELINE_YEARS", 2, minimum=0),
    # A story whose consent was withdrawn is deleted this many days after the withdrawal.
    "withdrawn_story_days": env_int("RETENTION_WITHDRAWN_STORY_DAYS", 30, minimum=0),
    # Release requests' free text (purpose, decline note) is cleared after this long.
    "release_text_years": env_int("RETENTION_RELEASE_TEXT_YEARS", 3, minimum=0),
    # A student with nothing at the College (no booking, attendance or sign-in) is anonymised after this long.
    "student_years": env_int("RETENTION_STUDENT_YEARS", 6, minimum=1),
    # Sign-in attempt records (username, address, browser) are deleted after this many days.
    "sign_in_records_days": env_int("RETENTION_SIGN_IN_RECORDS_DAYS", 90, minimum=1),
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "tandem@example.nhs.uk")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# SMTP (EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend), e.g. the Trust's relay or NHSmail.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Uploaded CSV files larger than this are refused with a clear message.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 2 * 1024 * 1024, minimum=1024)

# Backups (tandem backup / tandem restore; docs/deployment.md §7). A restore refuses an archive that
# would unpack to more than BACKUP_MAX_BYTES (zip bombs; restore needs memory of about ten times its
# largest table's JSON). Archives are signed (HMAC-SHA256) with BACKUP_SIGNING_KEY; unset, it is
# derived from SECRET_KEY, so set a separate one to restore on a server with another SECRET_KEY.
BACKUP_MAX_BYTES = env_int("BACKUP_MAX_BYTES", 256 * 1024 * 1024, minimum=1024 * 1024)
BACKUP_SIGNING_KEY = os.environ.get("BACKUP_SIGNING_KEY", "")
if BACKUP_SIGNING_KEY.strip() != BACKUP_SIGNING_KEY or 0 < len(BACKUP_SIGNING_KEY) < 32:
    raise ImproperlyConfigured("BACKUP_SIGNING_KEY must be at least 32 characters, without spaces around it")
if not BACKUP_SIGNING_KEY:
    import hashlib

    BACKUP_SIGNING_KEY = hashlib.sha256(b"tandem-backup-signing-key:" + SECRET_KEY.encode()).hexdigest()

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["stderr"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
