"""One settings module, configured from the environment.

FORSYN_DEBUG, FORSYN_SECRET_KEY, DATABASE_URL, FORSYN_ALLOWED_HOSTS, FORSYN_BROKER_URL,
FORSYN_VAR_DIR. Without DATABASE_URL the embedded default is an SQLite file under var/.
"""

from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from forsyn.core.env import env_bool, env_list, env_str

# Lets admin and other generic classes be subscripted at runtime, as the type stubs expect.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(env_str("FORSYN_VAR_DIR", str(PROJECT_DIR / "var")))

DEBUG = env_bool("FORSYN_DEBUG", default=False)
_DEV_KEY = "insecure-dev-key-only-for-the-embedded-demo-never-in-production-0123456789"  # noqa: S105
SECRET_KEY = env_str("FORSYN_SECRET_KEY", _DEV_KEY)
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
    "forsyn.economics",
    "forsyn.demo",
    "forsyn.web",
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
]

ROOT_URLCONF = "forsyn.urls"
WSGI_APPLICATION = "forsyn.wsgi.application"

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
                "forsyn.web.context.navigation",
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

EMAIL_BACKEND = env_str("FORSYN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str(
    "FORSYN_FROM_EMAIL", "Fælles Service Center <ikke-svar@forsyn.example>"
)

# Application logs never carry CPR numbers or health data: personal-data access goes to the
# access log (forsyn.audit), not here.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("FORSYN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Citizen log-in (SAML 2.0 / OIOSAML 3). FORSYN_SAML_IDP_METADATA: NemLog-in's metadata file.
# FORSYN_TEST_IDP turns on the local test identity provider; the demo sets it, production never.
FORSYN_SAML_IDP_METADATA = env_str("FORSYN_SAML_IDP_METADATA", "")
FORSYN_SAML_SP_KEY = env_str("FORSYN_SAML_SP_KEY", "")
FORSYN_SAML_SP_CERT = env_str("FORSYN_SAML_SP_CERT", "")
FORSYN_TEST_IDP = env_bool("FORSYN_TEST_IDP", default=False)

FORSYN_DEMO_PASSWORD = env_str("FORSYN_DEMO_PASSWORD", "forsyn-demo-2026")
