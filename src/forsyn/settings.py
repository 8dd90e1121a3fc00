"""One settings module, configured from the environment.

FORSYN_DEBUG, FORSYN_SECRET_KEY, DATABASE_URL, FORSYN_ALLOWED_HOSTS, FORSYN_BROKER_URL,
FORSYN_VAR_DIR. Without DATABASE_URL the embedded default is an SQLite file under var/.
"""

import hashlib
from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

from forsyn.core.env import DEV_SECRET_KEY, env_bool, env_list, env_str

# Lets admin and other generic classes be subscripted at runtime, as the type stubs expect.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(env_str("FORSYN_VAR_DIR", str(PROJECT_DIR / "var")))

DEBUG = env_bool("FORSYN_DEBUG", default=False)
SECRET_KEY = env_str("FORSYN_SECRET_KEY", DEV_SECRET_KEY)  # production refuses it: forsyn.E001
ALLOWED_HOSTS = env_list("FORSYN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "forsyn.core",
    "forsyn.audit",
    "forsyn.organisations",
    "forsyn.access",
    "forsyn.citizens",
    "forsyn.catalogue",
    "forsyn.contracts",
    "forsyn.grants",
    "forsyn.orders",
    "forsyn.fulfilment",
    "forsyn.economics",
    "forsyn.demo",
    "forsyn.site",
    "forsyn.saml",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "forsyn.core.middleware.LanguageMiddleware",
    # -- Hostile input (issue #8 §4): NUL bytes and over-deep JSON refused before any view;
    # JSON error shape for every answer under /api/.
    "forsyn.core.input_guard.InputGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # -- Personal data in transit (issue #8 §3): no caching of personal data; CSP --
    "forsyn.core.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "forsyn.urls"
WSGI_APPLICATION = "forsyn.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Every template lives in an app: the shell (base.html, error pages, shared partials) in
        # forsyn.site, each app's pages in its own templates/ (docs/adr/0021).
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "forsyn.site.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'forsyn.sqlite3'}"),
        conn_max_age=60,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout keep the embedded demo responsive with a few concurrent users.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "organisations.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and env_bool("FORSYN_HTTPS", default=False):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

CELERY_BROKER_URL = env_str("FORSYN_BROKER_URL", "memory://")
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE

# -- E-mail (issue #8 §3): receipts list health products, so they never go to the console (and
# from there into application logs). Without FORSYN_EMAIL_BACKEND mail is written as files under
# VAR_DIR/mail/ (the demo); production must configure a backend (a `check --deploy` error,
# forsyn.core.checks_privacy). The test runner uses pytest-django's in-memory backend.
EMAIL_BACKEND_CONFIGURED = bool(env_str("FORSYN_EMAIL_BACKEND", ""))
EMAIL_BACKEND = env_str("FORSYN_EMAIL_BACKEND", "forsyn.core.mail.PrivateFileBackend")
EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env_str(
    "FORSYN_FROM_EMAIL", "Fælles Service Center <ikke-svar@forsyn.example>"
)

# -- Content-Security-Policy (issue #8 §3, django-csp 4): no inline script or style anywhere.
# form-action 'self' suffices: the SAML log-in leaves by a redirect (GET), and the IdP's page
# that posts the response to our ACS is the IdP's, not under this policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "style-src": [SELF],
        "script-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Application logs never carry CPR numbers or health data: personal-data access goes to the
# access log (forsyn.audit), not here.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Every handler masks CPR numbers, whoever logs them (forsyn.core.logfilters).
    "filters": {
        "mask_cpr": {"()": "forsyn.core.logfilters.MaskCpr"},
        "denial_without_traceback": {"()": "forsyn.core.logfilters.DenialWithoutTraceback"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "request": {"format": "[%(server_time)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_cpr"],
        },
        # The development server's request lines (URLs with their query strings).
        "requests": {
            "class": "logging.StreamHandler",
            "formatter": "request",
            "filters": ["mask_cpr"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("FORSYN_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # axes announces itself at INFO on every start, which would clutter every CLI command.
        "axes": {"level": "WARNING"},
        "django.server": {"handlers": ["requests"], "level": "INFO", "propagate": False},
        # A 403 (a page the role may not open) is one line, without a traceback.
        "django.request": {"filters": ["denial_without_traceback"]},
    },
}

# Citizen log-in (SAML 2.0 / OIOSAML 3). FORSYN_SAML_IDP_METADATA: NemLog-in's metadata file.
# FORSYN_TEST_IDP turns on the local test identity provider; the demo sets it, production never.
FORSYN_SAML_IDP_METADATA = env_str("FORSYN_SAML_IDP_METADATA", "")
FORSYN_SAML_SP_KEY = env_str("FORSYN_SAML_SP_KEY", "")
FORSYN_SAML_SP_CERT = env_str("FORSYN_SAML_SP_CERT", "")
FORSYN_TEST_IDP = env_bool("FORSYN_TEST_IDP", default=False)

FORSYN_DEMO_PASSWORD = env_str("FORSYN_DEMO_PASSWORD", "forsyn-demo-2026")

# -- Production marker, access log key and checkpoints (issue #8 §1, docs/adr/0010) --
# Production is any run with DEBUG off on a real database (not the embedded SQLite demo). It
# must set FORSYN_SECRET_KEY and FORSYN_AUDIT_KEY: `check --deploy` errors forsyn.E001/E002, and
# wsgi.py refuses to start. The demo generates its access log key in FORSYN_AUDIT_KEY_FILE.
FORSYN_PRODUCTION = not DEBUG and DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3"
FORSYN_AUDIT_KEY = env_str("FORSYN_AUDIT_KEY", "")
FORSYN_AUDIT_RETIRED_KEYS = env_list("FORSYN_AUDIT_RETIRED_KEYS", [])
# Entries written before the chain was keyed (audit migration 0004) that verify still accepts.
FORSYN_AUDIT_LEGACY_ENTRIES = int(env_str("FORSYN_AUDIT_LEGACY_ENTRIES", "0"))
FORSYN_AUDIT_KEY_FILE = VAR_DIR / "audit.key"
FORSYN_AUDIT_CHECKPOINT_FILE = Path(
    env_str("FORSYN_AUDIT_CHECKPOINT_FILE", str(VAR_DIR / "audit-checkpoints.jsonl"))
)
CELERY_BEAT_SCHEDULE = {
    "audit-checkpoint": {"task": "forsyn.audit.tasks.audit_checkpoint_task", "schedule": 600.0},
    # Retries of outbox messages whose handler failed (forsyn.core.outbox, back-off per message).
    "outbox-dispatch": {"task": "forsyn.core.tasks.dispatch_outbox", "schedule": 60.0},
}

# Days the service centre, the warehouse and the carriers close although they are not public
# holidays (MM-DD); public holidays come from the `holidays` package (forsyn.core.calendar).
FORSYN_CLOSED_DAYS = env_list("FORSYN_CLOSED_DAYS", ["06-05", "12-24", "12-31"])

# -- Log-in throttling (issue #8 §2, docs/adr/0012-login-throttling-and-saml-replay.md) --
# django-axes counts failed staff log-ins (password form and /admin/) per account and per client
# address. FORSYN_LOGIN_FAILURE_LIMIT failures on one account, or FORSYN_LOGIN_IP_FAILURE_LIMIT
# from one address (all accounts together), lock further attempts for
# FORSYN_LOGIN_COOLOFF_MINUTES; each attempt while locked restarts the wait. An admin unlocks with
# `forsyn axes_reset_username NAME` / `axes_reset_ip ADDRESS` or in /admin/axes/.
# FORSYN_LOGIN_PROXY_COUNT: reverse proxies in front of gunicorn that append X-Forwarded-For
# (0: the client is REMOTE_ADDR).
FORSYN_LOGIN_FAILURE_LIMIT = int(env_str("FORSYN_LOGIN_FAILURE_LIMIT", "5"))
FORSYN_LOGIN_IP_FAILURE_LIMIT = int(env_str("FORSYN_LOGIN_IP_FAILURE_LIMIT", "20"))
FORSYN_LOGIN_COOLOFF_MINUTES = int(env_str("FORSYN_LOGIN_COOLOFF_MINUTES", "15"))
FORSYN_LOGIN_PROXY_COUNT = int(env_str("FORSYN_LOGIN_PROXY_COUNT", "0"))
INSTALLED_APPS.append("axes")
MIDDLEWARE.append("axes.middleware.AxesMiddleware")  # last, as axes requires
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses locked-out log-ins before the password check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "forsyn.site.login.LoginThrottle"
AXES_FAILURE_LIMIT = FORSYN_LOGIN_FAILURE_LIMIT
AXES_LOCKOUT_PARAMETERS = [["username"], ["ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=FORSYN_LOGIN_COOLOFF_MINUTES)
AXES_RESET_ON_SUCCESS = False  # a success must not clear the address's failures on other accounts
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # one AccessFailureLog row per failure: the security log
AXES_USERNAME_CALLABLE = "forsyn.site.login.attempted_username"
AXES_CLIENT_IP_CALLABLE = "forsyn.site.login.client_address"
AXES_LOCKOUT_CALLABLE = "forsyn.site.login.lockout_response"

# -- Waves, parcels and the carrier (issue #10 §4–5, docs/fulfilment.md) --
# The wave's default cut-off (local time on the pick day); the GS1 company prefix and extension
# digit of the parcels' SSCCs (the demo's prefix is made up); the carrier adapter (the local
# simulator by default); the carrier webhook's shared secret (HMAC-SHA256; derived from
# SECRET_KEY when not set, for the demo and tests: production sets its carrier's secret), how
# old a signed request may be, and where the simulator posts its events; the label's sender.
FORSYN_WAVE_CUTOFF = env_str("FORSYN_WAVE_CUTOFF", "14:00")
FORSYN_GS1_COMPANY_PREFIX = env_str("FORSYN_GS1_COMPANY_PREFIX", "5790002")
FORSYN_SSCC_EXTENSION_DIGIT = int(env_str("FORSYN_SSCC_EXTENSION_DIGIT", "3"))
FORSYN_CARRIER_ADAPTER = env_str("FORSYN_CARRIER_ADAPTER", "forsyn.fulfilment.carrier.LocalCarrier")
FORSYN_CARRIER_WEBHOOK_SECRET = env_str(
    "FORSYN_CARRIER_WEBHOOK_SECRET",
    hashlib.sha256(f"carrier-webhook:{SECRET_KEY}".encode()).hexdigest(),
)
FORSYN_CARRIER_WEBHOOK_TOLERANCE_SECONDS = int(
    env_str("FORSYN_CARRIER_WEBHOOK_TOLERANCE_SECONDS", "300")
)
FORSYN_CARRIER_WEBHOOK_URL = env_str(
    "FORSYN_CARRIER_WEBHOOK_URL", "http://127.0.0.1:8000/api/v1/carrier/events"
)
FORSYN_PARCEL_SENDER = env_str(
    "FORSYN_PARCEL_SENDER", "Fælles Service Center, Lageret, Postboks 100, 8100 Aarhus C"
)

# -- Fulfilment (issue #10) --
# Minimum remaining shelf life in days: of a lot allocated to a citizen delivery (per product
# area code, else the default), and of goods accepted at receiving.
FORSYN_MIN_SHELF_LIFE_DAYS = int(env_str("FORSYN_MIN_SHELF_LIFE_DAYS", "180"))
FORSYN_MIN_SHELF_LIFE_DAYS_BY_AREA: dict[str, int] = {}
FORSYN_MIN_RECEIVING_SHELF_LIFE_DAYS = int(env_str("FORSYN_MIN_RECEIVING_SHELF_LIFE_DAYS", "180"))
# A hospital ward's bulk order uses its stock within weeks (docs/adr/0027). A product area's
# ShelfLifeMinimum row (admin) overrides both defaults.
FORSYN_MIN_WARD_SHELF_LIFE_DAYS = int(env_str("FORSYN_MIN_WARD_SHELF_LIFE_DAYS", "30"))
# Replenishment (docs/adr/0028): use over the last WINDOW days; call off when a product covers
# fewer than REORDER days, enough for TARGET days.
FORSYN_REPLENISH_WINDOW_DAYS = int(env_str("FORSYN_REPLENISH_WINDOW_DAYS", "28"))
FORSYN_REPLENISH_REORDER_DAYS = int(env_str("FORSYN_REPLENISH_REORDER_DAYS", "21"))
FORSYN_REPLENISH_TARGET_DAYS = int(env_str("FORSYN_REPLENISH_TARGET_DAYS", "42"))

# A refused form (CSRF) is answered with a Danish page in the site's layout.
CSRF_FAILURE_VIEW = "forsyn.site.errors.csrf_failure"
