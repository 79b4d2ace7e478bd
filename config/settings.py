"""Settings for Insatskatalogen, driven by environment variables with safe local defaults.

Environment:
    DATABASE_URL      database (default: SQLite in var/db.sqlite3); PostgreSQL in production.
    SECRET_KEY        required when DEBUG is off, unless SECRET_KEY_FILE names a readable file;
                      locally a random key is created once in var/secret_key.
    DEBUG             "1"/"true" to enable debug mode (default off).
    ALLOWED_HOSTS     comma-separated (default "127.0.0.1,localhost").
    SEARCH_INDEX_DIR  folder of the Whoosh index (default var/index).
    PAGE_CACHE_SECONDS  keep whole public pages this long while the data are unchanged
                      (default 300; 0: off). Any import or admin save shows at once.
    SHARED_CACHE_DIR  files of the cache all workers share (default var/cache).
    SECURE_SSL        "1" behind HTTPS: secure cookies, HSTS, SSL redirect.
    SESSION_IDLE_HOURS  an editor's session ends after this long without a request (default 8)
                      and when the browser closes.
    AXES_FAILURE_LIMIT, AXES_ADDRESS_FAILURE_LIMIT, AXES_COOLOFF_MINUTES  login lockout: failed
                      logins per username and address (5), per address (20), for how long (15).
    PROXY_COUNT       trusted proxies in front (read the client's address from X-Forwarded-For).

Files the app creates are private to its user: the SQLite database (0600), the secret key
(0600), the search index folder and the folders holding them when created here (0700).
"""

import contextlib
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def private_dir(path: Path) -> None:
    """Create the folder, and its missing parents, readable by this user only (0700)."""
    for missing in reversed([p for p in (path, *path.parents) if not p.exists()]):
        missing.mkdir(mode=0o700, exist_ok=True)


def private_file(path: Path) -> None:
    """Create the file empty and 0600 if it is missing; make it (and SQLite's -wal and -shm files
    beside it) 0600 if it exists, is ours and others may read it."""
    if not path.exists():
        private_dir(path.parent)
        with contextlib.suppress(FileExistsError):  # another process made it first
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(OSError):
            status = each.stat()
            if status.st_uid == os.getuid() and status.st_mode & 0o077:
                each.chmod(0o600)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    key_file = Path(os.environ.get("SECRET_KEY_FILE", VAR_DIR / "secret_key"))
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    if os.environ.get("SECRET_KEY_FILE"):
        raise ImproperlyConfigured(f"SECRET_KEY_FILE {key_file} does not exist.")
    # Local default: a random key made once and kept beside the SQLite database, private from
    # the first byte (created 0600, not chmod-ed afterwards).
    private_dir(key_file.parent)
    key = secrets.token_urlsafe(50)
    try:
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return key_file.read_text(encoding="utf-8").strip()
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(key)
    return key


DEBUG = env_bool("DEBUG")
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # Django's admin on the project's site: only the lookups its own filters use.
    "catalogue.admin_site.CatalogueAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "csp",
    "django_filters",
    "django_tables2",
    "simple_history",
    "axes",
    "django_prose_editor",  # the admin's rich-text editor (its static files; catalogue.editor)
    "catalogue",
    "importer",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "catalogue.search.limits.SearchClientMiddleware",
    # Last, as django-axes asks: turns a lockout into a 429 response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Password hashes and sessions live here: the file is the app user's alone.
    if str(DATABASES["default"]["NAME"]) not in ("", ":memory:"):
        private_file(Path(DATABASES["default"]["NAME"]))
    # Readers keep reading while an import writes (WAL), and writers wait instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses to authenticate a locked-out username/IP pair.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login lockout against password guessing: 5 failures for one username from one IP address lock
# that pair out for 15 minutes, and 20 failures from one address lock the address out for any
# username (config.lockout: a higher limit, so that a shared office address survives a few
# typos). Locking by the pair, not the username alone, keeps a stranger from locking a real
# editor out. A success resets that username's failures only. Behind a proxy, set PROXY_COUNT.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "config.lockout.AddressAwareHandler"
AXES_RESET_ON_SUCCESS = True
# Behind PROXY_COUNT trusted proxies (load balancers) REMOTE_ADDR is a proxy's address for every
# client, so the lockout reads the client's own from X-Forwarded-For, which each proxy appends to.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0") or 0)


def client_ip_address(request) -> str | None:
    """The address the outermost trusted proxy saw (or REMOTE_ADDR without proxies)."""
    if PROXY_COUNT:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        forwarded = [address.strip() for address in forwarded if address.strip()]
        if len(forwarded) >= PROXY_COUNT:
            return forwarded[-PROXY_COUNT]
    return request.META.get("REMOTE_ADDR")


AXES_CLIENT_IP_CALLABLE = client_ip_address

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

SEARCH_INDEX_DIR = Path(os.environ.get("SEARCH_INDEX_DIR", VAR_DIR / "index"))
# Whoosh keeps part of the index as pickles: whoever may write this folder may run code in the
# workers, so it is the app user's alone.
private_dir(SEARCH_INDEX_DIR)
# Seconds one search may spend collecting hits; then it answers with those found so far.
SEARCH_TIME_LIMIT = float(os.environ.get("SEARCH_TIME_LIMIT", "0.5"))
# Uncached searches one address may run per SEARCH_RATE_WINDOW seconds (0: no limit).
SEARCH_RATE_LIMIT = int(os.environ.get("SEARCH_RATE_LIMIT", "30"))
SEARCH_RATE_WINDOW = int(os.environ.get("SEARCH_RATE_WINDOW", "10"))

# Public pages served whole from the cache while the data are unchanged (catalogue.caching
# .cached_page, keyed by catalogue.snapshot.data_version(), so an import or any admin save shows
# at once); 0 turns it off. Each gunicorn worker keeps its own local-memory cache.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Files every worker of this server shares, for what may be approximate (read-then-write:
    # exact counts, such as the error form's rate limit, are database rows: catalogue.ratelimit).
    "shared": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("SHARED_CACHE_DIR", str(VAR_DIR / "cache")),
    },
}


# Sessions (only editors have one): they end after SESSION_IDLE_HOURS without a request (every
# request pushes the end forward) and when the browser closes (the cookie has no expiry date).
SESSION_COOKIE_AGE = int(float(os.environ.get("SESSION_IDLE_HOURS", "8")) * 3600)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Security headers; the HTTPS-only ones switch on with SECURE_SSL behind a TLS proxy.
SECURE_SSL = env_bool("SECURE_SSL")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
LANGUAGE_COOKIE_SECURE = SECURE_SSL
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True  # set by the language form; no script reads it
SECURE_SSL_REDIRECT = SECURE_SSL
SECURE_HSTS_SECONDS = 31536000 if SECURE_SSL else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
SECURE_HSTS_PRELOAD = SECURE_SSL
if SECURE_SSL:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (django-csp): everything from our own origin, no inline scripts or
# styles, no plugins, no framing. Templates load their JavaScript and CSS as static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
