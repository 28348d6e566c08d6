"""The one settings module, configured from environment variables.

Required in production (DEBUG off): SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL (PostgreSQL)
and REDIS_URL. Missing values fail loudly at start-up rather than at the first request;
nothing falls back silently to the demo's SQLite file, eager Celery or a per-process cache.
``DAODAO_ALLOW_SQLITE=1`` is the one explicit opt-in for a one-box install (SQLite, no Redis).
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-only-for-DEBUG-mode-never-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
if not ALLOWED_HOSTS and not DEBUG:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The form-expired page in the site layout and in Chinese (Django's is bare English).
CSRF_FAILURE_VIEW = "daodao.errors.csrf_failure"

# Project apps come first: their templates and translations take precedence over
# Django's own (e.g. our "Filter" is 筛选, not the admin's 过滤器).
PROJECT_APPS = [
    "audit",
    "accounts",
    "venues",
    "alerts",
    "staff",
    "inspections",
    "hairtests",
    "notices",
    "exports",
    "pledges",
    "outreach",
    "training",
    "ratings",
    "appeals",
    "dashboard",
    "reports",
]
INSTALLED_APPS = PROJECT_APPS + [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "accounts.axes_app.AxesConfig",  # django-axes with a Chinese admin heading
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "daodao.middleware.SecurityHeadersMiddleware",
    "daodao.middleware.RequestLimitsMiddleware",
    # POST /api/v1/signins/ answered here, past the security middlewares and before the
    # session, locale, CSRF, auth, lockout and DRF layers it does not need (staff/fastpath.py).
    "staff.fastpath.SignInFastPathMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Axes must come last: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "daodao.urls"
WSGI_APPLICATION = "daodao.wsgi.application"

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
                "accounts.context_processors.navigation",
                "notices.context_processors.unread",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
# The embedded SQLite file is the demo default; production and tests use PostgreSQL.
# With DEBUG off SQLite needs the explicit opt-in: it has none of the PostgreSQL triggers
# (append-only audit log and pledges) and serialises every write.
ALLOW_SQLITE = env_bool("DAODAO_ALLOW_SQLITE", False)
if not DEBUG and not ALLOW_SQLITE and not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured(
        "DATABASE_URL must be set when DEBUG is off (PostgreSQL); DAODAO_ALLOW_SQLITE=1 allows SQLite "
        "for a one-box install.")
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# Behind PgBouncer in transaction pooling (docker-compose.yml) a connection is shared between
# transactions: no server-side cursors (QuerySet.iterator() opens one that would outlive its
# transaction). Advisory locks are transaction-scoped (daodao/joblock.py), so they hold.
if env_bool("DATABASE_TRANSACTION_POOLING", False):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
if not DEBUG and not ALLOW_SQLITE and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    raise ImproperlyConfigured(
        "DATABASE_URL points at SQLite with DEBUG off; use PostgreSQL or set DAODAO_ALLOW_SQLITE=1.")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery ---------------------------------------------------------
# Without Redis, Celery runs tasks eagerly inside the web request and the cache (rate
# limits, login lockout counters) is per process, so every limit multiplies by the number
# of workers: the demo's shape, never production's unless explicitly opted into.
REDIS_URL = os.environ.get("REDIS_URL", "")
if not DEBUG and not ALLOW_SQLITE and not REDIS_URL:
    raise ImproperlyConfigured(
        "REDIS_URL must be set when DEBUG is off (Celery broker and shared cache); DAODAO_ALLOW_SQLITE=1 allows "
        "a one-box install without Redis.")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "daodao.cache.RedisCache", "LOCATION": REDIS_URL}}  # one client per pool
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Two queues: quick work (notices, overdue flags, reminders) never waits behind the heavy
# nightly jobs (detector, ratings, reports, the home's cache). docker-compose.yml runs a
# worker per queue and one beat.
CELERY_TASK_DEFAULT_QUEUE = "quick"
CELERY_TASK_ROUTES = {
    "staff.detect_signin_anomalies": {"queue": "heavy"},
    "ratings.*": {"queue": "heavy"},
    "reports.*": {"queue": "heavy"},
    "dashboard.*": {"queue": "heavy"},
    "exports.export_run": {"queue": "heavy"},
    "*.maintain_*partitions": {"queue": "heavy"},
}
# POST /api/v1/signins/ answered by staff/fastpath.py (on by default; 0 sends it through DRF,
# for comparison in bench/run.py).
DAODAO_SIGNIN_FAST_PATH = env_bool("DAODAO_SIGNIN_FAST_PATH", True)
# Partitions of sign-ins and audit events (daodao/partitions.py): months created ahead,
# and how long rows are kept before whole months are detached to the archive schema.
DAODAO_PARTITION_MONTHS_AHEAD = int(os.environ.get("DAODAO_PARTITION_MONTHS_AHEAD", "3"))
DAODAO_SIGNIN_RETENTION_MONTHS = int(os.environ.get("DAODAO_SIGNIN_RETENTION_MONTHS", "36"))
DAODAO_AUDIT_RETENTION_MONTHS = int(os.environ.get("DAODAO_AUDIT_RETENTION_MONTHS", "36"))
# Appeals (appeals/): a venue may appeal a frozen quarterly rating until this many days after
# the quarter's last day; a narcotics officer decides within DECISION days of the filing.
# Background exports (exports/): files are deleted this many days after they were asked for.
DAODAO_EXPORT_KEEP_DAYS = int(os.environ.get("DAODAO_EXPORT_KEEP_DAYS", "7"))
DAODAO_APPEAL_WINDOW_DAYS = int(os.environ.get("DAODAO_APPEAL_WINDOW_DAYS", "15"))
DAODAO_APPEAL_DECISION_DAYS = int(os.environ.get("DAODAO_APPEAL_DECISION_DAYS", "20"))

# --- Auth and security baseline -----------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "accounts.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]

# Lock an account from one address for 15 minutes after 5 failures: the lockout is keyed by
# username AND address together, so a stranger's failures (or a colleague's typos behind
# the same office NAT) never lock other accounts, and never lock the account from the
# owner's own address; one account is still limited to 5 guesses per address per 15
# minutes. The client address is daodao.clientip.client_ip, which honours only the
# configured number of trusted reverse proxies, so X-Forwarded-For cannot be forged past it.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "daodao.clientip.client_ip"
# How many reverse proxies in front of gunicorn append the address they saw to
# X-Forwarded-For (0: the socket's address is the client, headers are ignored).
DAODAO_TRUSTED_PROXIES = int(os.environ.get("DAODAO_TRUSTED_PROXIES", "0"))
if DAODAO_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("DAODAO_TRUSTED_PROXIES must be 0 or more.")
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False

# Sessions end after 30 minutes idle and 12 hours in all (accounts.middleware).
SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=12)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The dashboard's venue map draws a plain coordinate plot, fetching nothing. Where the police
# intranet has a map tile server, its URL template ("https://tiles.gaj.local/{z}/{x}/{y}.png")
# puts the venues on its tiles (Web Mercator); the tiles' origin is allowed as an image source.
DAODAO_MAP_TILE_URL = os.environ.get("DAODAO_MAP_TILE_URL", "")
DAODAO_MAP_TILE_ATTRIBUTION = os.environ.get("DAODAO_MAP_TILE_ATTRIBUTION", "")
_tiles = urlsplit(DAODAO_MAP_TILE_URL)
if DAODAO_MAP_TILE_URL and (_tiles.scheme not in ("http", "https") or not _tiles.netloc
                            or not all(k in DAODAO_MAP_TILE_URL for k in ("{z}", "{x}", "{y}"))):
    raise ImproperlyConfigured("DAODAO_MAP_TILE_URL must be an http(s) URL with {z}, {x} and {y}.")
_tile_origin = f" {_tiles.scheme}://{_tiles.netloc}" if DAODAO_MAP_TILE_URL else ""
CONTENT_SECURITY_POLICY = (
    f"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:{_tile_origin}; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

if not DEBUG:
    # TLS terminates at the reverse proxy in front of gunicorn (see docker-compose.yml).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media files ---------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "daodao@localhost")

# --- REST API -----------------------------------------------------------------
REST_FRAMEWORK = {
    "EXCEPTION_HANDLER": "daodao.api.exception_handler",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: the first class supplies the WWW-Authenticate header, so a request
        # without credentials is answered 401 (with Session first it would be 403).
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PARSER_CLASSES": [
        "daodao.parsers.BoundedJSONParser",
        "daodao.parsers.BoundedFormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_RATES": {"token": "10/min"},
    # DRF throttles identify clients by the same trusted-proxy count as daodao.clientip;
    # DRF's default (None) would take the whole, client-written X-Forwarded-For as the key.
    "NUM_PROXIES": DAODAO_TRUSTED_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "DaoDao API",
    "DESCRIPTION": "Anti-drug supervision of drug-risk-prone venues. Every read is scoped to the caller.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets sharing the field name "outcome" (inspections, appeals, hair-test results): name
    # the appeal's and the hair-test result's.
    "ENUM_NAME_OVERRIDES": {"AppealOutcomeEnum": "appeals.models.Outcome",
                            "HairTestOutcomeEnum": "hairtests.models.HairTestResult.Outcome"},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "daodao.schema.add_error_responses",
    ],
}

# --- Request and upload limits -------------------------------------------------
# Django applies DATA_UPLOAD_MAX_MEMORY_SIZE to request.body and forms; the API's
# parsers apply it too (daodao/parsers.py). A whole request may not exceed
# DAODAO_MAX_REQUEST_BYTES (413, daodao.middleware.RequestLimitsMiddleware); each upload
# is checked against its own cap and type in daodao/files.py.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DAODAO_MAX_IMAGE_BYTES = 8 * 1024 * 1024
DAODAO_MAX_IMAGE_PIXELS = 40_000_000
DAODAO_MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
DAODAO_MAX_VIDEO_BYTES = 100 * 1024 * 1024  # training videos, uploaded in Django admin
DAODAO_MAX_REQUEST_BYTES = DAODAO_MAX_VIDEO_BYTES + 1024 * 1024

# --- Logging ------------------------------------------------------------------
# Requests are logged by path only; ID numbers never travel in paths, so they never
# reach a log line.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

