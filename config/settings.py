"""Newsroom settings, read from the environment (or a `.env` file) through django-environ.

One module for every environment: what differs between a laptop and production is the
environment, never the code. Every variable read here is listed in the README.
With DEBUG off the site is in production mode: a real SECRET_KEY and ALLOWED_HOSTS are
required, and HTTPS, HSTS and secure cookies are on.
"""

import datetime
import re
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django_prose_editor.config import html_tags
from js_asset import static_lazy

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)

if DEBUG:
    # Only for a developer's own machine; production has no fallback (see below).
    SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-local-development-only-never-in-production")
else:
    try:
        SECRET_KEY = env.str("SECRET_KEY")
    except ImproperlyConfigured:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off Newsroom needs a long random secret: "
            "set SECRET_KEY in the environment or in .env "
            "(for example the output of: python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=true on a development machine."
        ) from None

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS is not set. With DEBUG off, list the site's host names, "
        "comma-separated, for example ALLOWED_HOSTS=www.example.gov,example.gov."
    )
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "newsroom.website.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "newsroom.website.apps.StaticFilesConfig",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.redirects",
    "django.contrib.sitemaps",
    # Full-text search on PostgreSQL; harmless on SQLite, where search falls back to plain matching.
    "django.contrib.postgres",
    # Widget templates from templates/ too, so the admin's can be overridden there (FORM_RENDERER).
    "django.forms",
    # The story body's editor: its built scripts and styles, served from our static files.
    "django_prose_editor",
    # Every staff account's second factor (newsroom/accounts/second_factor.py): django-otp's
    # verified sessions, security keys and passkeys (WebAuthn), and one-time recovery codes.
    "django_otp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "newsroom.website",
    "newsroom.photos",
    "newsroom.stories",
    "newsroom.archive",
    "newsroom.notes",
    "newsroom.accounts",
    "newsroom.demo",
    "newsroom.search",
    "newsroom.bundles",
    # The public read API at /api/v1/ (newsroom/api/); "ninja" so its docs page's scripts are our static files, no CDN.
    "newsroom.api",
    "ninja",
    "newsroom.desk",
    "newsroom.editing",
    "newsroom.feedback",
    "newsroom.records",  # web records for the National Archives: manage.py export_records
    # Failed sign-ins and lockouts (django-axes), under a name Site administrators recognize.
    "newsroom.accounts.apps.LockoutConfig",
    # Django's Tasks kept in the database: the queue the worker (manage.py db_worker) takes work from.
    "newsroom.website.apps.TasksConfig",
]

MIDDLEWARE = [
    # The public API's edge (newsroom/api/edge.py), outside everything so that it holds for the
    # request guard's answers and cached responses too: each client's requests counted in the
    # shared cache (429 with Retry-After past API_RATE_LIMIT), CORS for any origin, HEAD as GET.
    "newsroom.api.edge.ApiEdgeMiddleware",
    # Outermost but the API's edge, so it holds for cached pages too: an address with a NUL or another control
    # character answers 400, readers' pages answer GET and HEAD only, a HEAD gets no body
    # (newsroom/website/hardening.py).
    "newsroom.website.hardening.RequestGuardMiddleware",
    # Readers' pages from the cache, stored with every header the middleware below adds: a hit
    # answers here, before any of them, and without the session, CSRF, authentication and
    # messages work a cached page never needs.
    "newsroom.website.caching.PageCacheMiddleware",
    # Readers' pages gzip-compressed for browsers that ask, stored compressed by the page cache
    # above; never a page with a secret in it (BREACH: newsroom/website/compression.py).
    "newsroom.website.compression.ReadersPagesGZipMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Permissions-Policy and Cross-Origin-Resource-Policy, on static files too.
    "newsroom.website.hardening.PolicyHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # PostgreSQL down or restarting: readers get a 503 page with Retry-After, not a 500.
    "newsroom.website.health.DatabaseUnavailableMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): the session has passed the second factor as well as the password.
    "django_otp.middleware.OTPMiddleware",
    # Events the security log hears through signals learn who asked, and from where.
    "newsroom.accounts.security_log.SecurityLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff sessions end after SESSION_IDLE_MINUTES without activity or SESSION_MAX_HOURS in all.
    "newsroom.accounts.sessions.SessionLimitsMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
    # A story whose address changed answers at the old one with a permanent redirect.
    "django.contrib.redirects.middleware.RedirectFallbackMiddleware",
    # Turns a sign-in refused for a lockout into the login page saying so (last, as axes asks).
    "axes.middleware.AxesMiddleware",
]

# The lockout's check comes first: a locked account or address is refused before its password is tried.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    # Readers' pages: Jinja2, from templates/readers/ (why: newsroom/website/jinja.py).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "templates" / "readers"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "newsroom.website.jinja.environment",
            "context_processors": ["newsroom.website.context_processors.site"],
        },
    },
    # The admin's pages, sitemaps and robots.txt: Django's engine, from templates/ and the apps.
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "newsroom.website.context_processors.site",
            ],
        },
    },
]

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env.bool(
    "DATABASE_PREPARED_STATEMENTS", default=True
):
    # A query run five times on a connection is prepared: PostgreSQL then skips parsing and
    # planning it, which was two thirds of its work for a story page (bench/RESULTS.md). Turn it
    # off behind a pooler that shares server connections between clients (PgBouncer in
    # transaction mode before 1.21).
    DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the task worker write to one file: WAL lets readers on while one writes,
    # IMMEDIATE takes the write lock at BEGIN (no deadlock between two upgrading readers), and a
    # writer waits up to 20 s for the other rather than failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE", timeout=20, init_command="PRAGMA journal_mode=WAL;"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://newsroom")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # The same backend, sharing one Redis client instead of building one per operation.
    CACHES["default"]["BACKEND"] = "newsroom.core.redis_cache.RedisCache"
    # A Redis that hangs must not hold readers' pages: past these seconds they are made uncached.
    CACHES["default"].setdefault("OPTIONS", {})
    CACHES["default"]["OPTIONS"].setdefault("socket_connect_timeout", 1)
    CACHES["default"]["OPTIONS"].setdefault("socket_timeout", 1)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True
# The admin shows moments AP style with their zone (config/formats/en/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]

# Static files: our own under static/; USWDS's scripts, images and fonts straight from the npm
# package's dist/, and its stylesheet built from the package's Sass with only the components
# readers' pages use (assets/uswds.scss; bin/dev and bin/test build it into build/static/).
STATIC_URL = env.str("STATIC_URL", default="/static/")
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
USWDS_DIST = BASE_DIR / "node_modules" / "@uswds" / "uswds" / "dist"
# Only the compiled assets: the package's Sass sources and component docs stay out.
STATICFILES_DIRS = [BASE_DIR / "static", BASE_DIR / "build" / "static"] + [
    (f"uswds/{part}", USWDS_DIST / part) for part in ("js", "img", "fonts")
]
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Photo originals as uploaded, and the copies of embargoed photos (no published story uses them
# yet): kept private, never under MEDIA_URL. Readers get cleaned copies, once a photo is public.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private")
# Let Django itself serve MEDIA_ROOT at MEDIA_URL, with DEBUG on or off: fine on a laptop or a small
# site, slower than a web server behind real traffic. In production leave it off and have the proxy
# serve MEDIA_ROOT at MEDIA_URL (or use MEDIA_STORAGE=s3). Only public copies are ever in MEDIA_ROOT.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)
STORAGES = {
    "default": {"BACKEND": "newsroom.core.files.MediaStorage"},  # a full disk leaves no partial file
    "originals": {"BACKEND": "newsroom.photos.storage.OriginalsStorage"},
    # Pages kept before a public story was withdrawn, retracted, archived or moved (newsroom/records):
    # private like the originals, under PRIVATE_MEDIA_ROOT/records.
    "records": {"BACKEND": "newsroom.records.storage.RecordsStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Public copies of photos on S3-compatible object storage, so every app server shares them and a
# CDN can serve them. Credentials come from boto3's usual places (AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY, or an instance role), never from this file.
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")
if MEDIA_STORAGE not in ("filesystem", "s3"):
    raise ImproperlyConfigured(f'MEDIA_STORAGE must be "filesystem" or "s3", not "{MEDIA_STORAGE}".')
if MEDIA_STORAGE == "s3":
    try:
        _bucket = env.str("AWS_STORAGE_BUCKET_NAME")
    except ImproperlyConfigured:
        raise ImproperlyConfigured(
            "MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME: the bucket readers' photo copies go in."
        ) from None
    _s3 = {
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,  # empty for AWS itself
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
    }
    MEDIA_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "bucket_name": _bucket,
            "custom_domain": MEDIA_DOMAIN,
            # Public copies are public: plain URLs, no signatures that would expire in a cached page.
            "querystring_auth": False,
            # Their names carry a hash of their content, so browsers and CDNs may keep them for good.
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    # Originals stay private: in a bucket of their own that readers cannot reach, or else on
    # PRIVATE_MEDIA_ROOT (then a volume every app server mounts).
    _originals_bucket = env.str("ORIGINALS_BUCKET_NAME", default="")
    if _originals_bucket:
        STORAGES["originals"] = {
            "BACKEND": "newsroom.photos.private_bucket.PrivateBucketStorage",
            "OPTIONS": {**_s3, "bucket_name": _originals_bucket, "default_acl": "private"},
        }
        STORAGES["records"] = {
            "BACKEND": "newsroom.records.private_bucket.RecordsBucketStorage",
            "OPTIONS": {**_s3, "bucket_name": _originals_bucket, "default_acl": "private", "location": "records"},
        }
WHITENOISE_KEEP_ONLY_HASHED_FILES = True

# Mail: the desk's notifications (newsroom/desk). EMAIL_URL names the server, for example
# smtp+tls://USER:PASSWORD@smtp.example.gov:587; in development the console shows each message.
# A send that fails or takes longer than EMAIL_TIMEOUT seconds is retried by send_notifications.
_email = env.email_url("EMAIL_URL", default="consolemail://" if DEBUG else "smtp://localhost:25")
_smtp = _email["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS"),
    "use_ssl": _email.get("EMAIL_USE_SSL"),
    "timeout": env.int("EMAIL_TIMEOUT", default=10),
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": {name: value for name, value in _options.items() if value not in (None, "")} if _smtp else {},
    }
}
# Slow work (the desk's mail, first) runs as Django Tasks, queued in the database and run by
# `manage.py db_worker` (bin/dev starts one; production runs one or more beside the web servers,
# all sharing the one queue). TASKS_BACKEND=django.tasks.backends.immediate.ImmediateBackend runs
# them in the request instead, for a site with no worker (slower for the person who waits).
TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="newsroom@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Uploads: Django streams anything larger than this to a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Security. The federal rules (HTTPS only, HSTS for a year with preload) hold whenever DEBUG is off.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
if env.bool("BEHIND_HTTPS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 0 if DEBUG else 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
# The one cookie a reader can get (from the accessibility feedback form, newsroom/feedback/) lasts until
# the browser closes, as staff sessions do: the privacy policy says so.
CSRF_COOKIE_AGE = None
# A reader's form sent without that cookie (a tab restored after the browser closed) gets a page saying
# what to do, not Django's technical one.
CSRF_FAILURE_VIEW = "newsroom.website.views.csrf_failure"
SESSION_COOKIE_HTTPONLY = True
# Staff sessions (newsroom/accounts/sessions.py): they end after this many minutes without a request
# the person made (a story form's heartbeat does not count; its autosave of typed text does), after
# this many hours in all, and when the browser closes.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_MAX_HOURS = env.int("SESSION_MAX_HOURS", default=12)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 60 * 60
X_FRAME_OPTIONS = "DENY"
# Django's own default, said here: no page of another site keeps a handle on a window of ours.
# Django has no setting for Cross-Origin-Resource-Policy or Permissions-Policy; see PERMISSIONS_POLICY.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [
        CSP.SELF,
        "data:",
        *([f"https://{MEDIA_DOMAIN}"] if MEDIA_STORAGE == "s3" and MEDIA_DOMAIN else []),
        *env.list("CSP_IMG_SOURCES", default=[]),
    ],
    "font-src": [CSP.SELF],
    # Video blocks' privacy-enhanced players, and nothing else (newsroom/stories/body/videos.py,
    # EMBED_ORIGINS; a test holds the two the same).
    "frame-src": ["https://www.youtube-nocookie.com", "https://www.dvidshub.net"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
# Powerful browser features the site never uses, off for its pages and any frame in them
# (Permissions-Policy, newsroom/website/hardening.py). Video blocks' players, the frames CSP allows,
# keep full screen, picture-in-picture and protected media, which their `allow` asks for. The
# camera, microphone, location, payment, USB and the rest are never delegated; interest-cohort
# and browsing-topics keep readers out of ad-interest groups. Passkeys and the clipboard keep
# their default (this site only): the admin uses them.
_PLAYERS = ["self", *SECURE_CSP["frame-src"]]
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "ambient-light-sensor": [],
    "autoplay": [],
    "bluetooth": [],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": _PLAYERS,
    "fullscreen": _PLAYERS,
    "gamepad": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "identity-credentials-get": [],
    "idle-detection": [],
    "interest-cohort": [],
    "local-fonts": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "otp-credentials": [],
    "payment": [],
    "picture-in-picture": _PLAYERS,
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "web-share": [],
    "window-management": [],
    "xr-spatial-tracking": [],
}

# The story body's editor (django-prose-editor) with the newsroom's own extensions: each group is a
# module in static/js/story-editor/ and the HTML its extensions write (docs/STORY_BODY.md).
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("js/story-editor/writing.js"), static_lazy("js/story-editor/toolbar.js")],
        "extensions": {
            "StoryBody": html_tags([]),  # word count, Ctrl+S, unsaved changes, paste from Word or Docs
            "StoryToolbar": html_tags([]),  # names, tooltips, keyboard shortcuts, Alt+F10
            "NumberedList": html_tags(["ol"], {"ol": ["start"]}),
            "PullQuote": html_tags(["blockquote"], {"blockquote": ["class"]}),
            "Abbreviation": html_tags(["abbr"], {"abbr": ["title"]}),
            "StoryTable": html_tags(
                ["table", "tbody", "tr", "th", "td"], {"th": ["colspan", "rowspan"], "td": ["colspan", "rowspan"]}
            ),
        },
    },
    {
        "js": [static_lazy("js/story-editor/links.js")],
        "extensions": {
            "WebLink": html_tags(["a"], {"a": ["href"]}),
            "StoryLink": html_tags(["a"], {"a": ["href", "data-story"]}),
        },
    },
    {
        "js": [static_lazy("js/story-editor/photo-block.js")],
        "extensions": {"PhotoBlock": html_tags(["figure"], {"figure": ["data-photo", "data-caption"]})},
    },
    {
        "js": [static_lazy("js/story-editor/video-block.js")],
        "extensions": {"VideoBlock": html_tags(["figure"], {"figure": ["data-video", "data-title"]})},
    },
]

# The security log (newsroom/accounts/security_log.py): one JSON line per event, to a file (kept
# open across logrotate's moves) or to standard output ("stdout"), where the platform collects it.
SECURITY_LOG = env.str("SECURITY_LOG", default="stdout")
# How many proxies of ours stand in front (load balancer, CDN): the client's address is read that
# far from the right of X-Forwarded-For (newsroom/core/clients.py). 0: REMOTE_ADDR itself.
PROXY_COUNT = env.int("PROXY_COUNT", default=0)

# Sign-in lockout (django-axes; newsroom/accounts/lockout.py). After LOGIN_FAILURES_ALLOWED failed
# sign-ins for one account, or from one address, each within LOCKOUT_MINUTES of the one before, that
# account or address is refused for LOCKOUT_MINUTES after the last of them, its right password too.
LOGIN_FAILURES_ALLOWED = env.int("LOGIN_FAILURES_ALLOWED", default=5)
LOCKOUT_MINUTES = env.int("LOCKOUT_MINUTES", default=30)
AXES_FAILURE_LIMIT = LOGIN_FAILURES_ALLOWED
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "newsroom.core.clients.client_address"
AXES_LOCKOUT_CALLABLE = "newsroom.accounts.lockout.lockout_response"
# Records lifting a lockout (the admin, axes_reset_username and its kin) in the security log.
AXES_HANDLER = "newsroom.accounts.lockout.LockoutHandler"
# Tries while locked are refused without moving the end of the lockout: the time the login page
# names holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# The security log already records every sign-in; axes' own table of them would only grow.
AXES_DISABLE_ACCESS_LOG = True
# newsroom/accounts/admin.py registers the failed sign-ins for Site administrators to unlock.
AXES_ENABLE_ADMIN = False
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json_line": {"format": "%(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "security": (
            {"class": "logging.StreamHandler", "stream": "ext://sys.stdout", "formatter": "json_line"}
            if SECURITY_LOG == "stdout"
            else {"class": "logging.handlers.WatchedFileHandler", "filename": SECURITY_LOG, "formatter": "json_line"}
        ),
    },
    "loggers": {
        "newsroom.security": {"handlers": ["security"], "level": "INFO", "propagate": False},
        # The security log records each failed sign-in, lockout and unlock; axes would say each again.
        "axes": {"level": "ERROR"},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# The newsroom itself.
SITE_NAME = env.str("SITE_NAME", default="Newsroom")
# Where readers reach the site, e.g. https://www.example.gov: the admin's "View on site" links open
# there. Empty: the host the editor is using, which is right when the admin and the site share one.
SITE_URL = env.str("SITE_URL", default="").rstrip("/")
if SITE_URL and (not SITE_URL.startswith(("https://", "http://")) or SITE_URL.count("/") > 2):
    raise ImproperlyConfigured(
        f'SITE_URL must be the site\'s scheme and host with no path, for example https://www.example.gov, not "{SITE_URL}".'
    )
# Records schedules for export_records' metadata (newsroom/records/metadata.py), as JSON: a story
# label or "collection:<slug>" -> the schedule, e.g. {"release": "Permanent, N1-330-10-1"}.
RECORDS_SCHEDULES = env.json("RECORDS_SCHEDULES", default={})
if not isinstance(RECORDS_SCHEDULES, dict):
    raise ImproperlyConfigured(
        'RECORDS_SCHEDULES must be a JSON object, for example {"release": "Permanent, N1-330-10-1"}.'
    )
# "gov" or "mil": which official-site banner readers see (docs/DOMAIN.md section 4).
BANNER_DOMAIN = env.str("BANNER_DOMAIN", default="gov")
if BANNER_DOMAIN not in ("gov", "mil"):
    raise ImproperlyConfigured(f'BANNER_DOMAIN must be "gov" or "mil", not "{BANNER_DOMAIN}".')
INSPECTOR_GENERAL_URL = env.url("INSPECTOR_GENERAL_URL", default="https://www.oversight.gov/").geturl()
# Where researchers report vulnerabilities: security.txt's Contact (RFC 9116), a mailto:, https: or tel: URI.
SECURITY_CONTACT = env.str("SECURITY_CONTACT", default="mailto:security@example.gov")
if not SECURITY_CONTACT.startswith(("mailto:", "https://", "tel:")):
    raise ImproperlyConfigured(
        f'SECURITY_CONTACT must be a mailto:, https:// or tel: URI (RFC 9116), not "{SECURITY_CONTACT}".'
    )
# GSA's Digital Analytics Program (OMB M-23-22): with DAP_AGENCY set (the agency's abbreviation as
# DAP registered it, e.g. DOD; DAP_SUBAGENCY optional, e.g. USAF), every public page carries DAP's
# script tag (templates/readers/includes/analytics.html) and the Content-Security-Policy allows its
# hosts and no others: the script from dap.digitalgov.gov, the GA4 library it loads from
# www.googletagmanager.com, and the measurements it sends to Google Analytics (DAP's gov-wide-code
# README, "Content Security Policy"). Unset, no page carries it and the policy allows none of them.
DAP_AGENCY = env.str("DAP_AGENCY", default="")
DAP_SUBAGENCY = env.str("DAP_SUBAGENCY", default="")
for _name, _value in (("DAP_AGENCY", DAP_AGENCY), ("DAP_SUBAGENCY", DAP_SUBAGENCY)):
    if _value and not re.fullmatch(r"[A-Za-z0-9_-]{1,40}", _value):
        raise ImproperlyConfigured(
            f'{_name} must be the abbreviation DAP registered, letters, digits, "-" or "_" only (for example DOD), not "{_value}".'
        )
if DAP_SUBAGENCY and not DAP_AGENCY:
    raise ImproperlyConfigured("DAP_SUBAGENCY is set but DAP_AGENCY is not: DAP needs the agency as well.")
DAP_CSP_SOURCES = {
    "script-src": ["https://dap.digitalgov.gov", "https://www.googletagmanager.com"],
    "connect-src": [
        "https://www.google-analytics.com",
        "https://*.google-analytics.com",
        "https://*.analytics.google.com",
    ],
}
if DAP_AGENCY:
    for _directive, _sources in DAP_CSP_SOURCES.items():
        SECURE_CSP[_directive] = [*SECURE_CSP.get(_directive, [CSP.SELF]), *_sources]
# After the password, staff confirm it is them with a security key or passkey (WebAuthn: phishing-
# resistant, as OMB M-22-09 requires) or a one-time recovery code; an account without a key adds
# one first (newsroom/accounts/second_factor.py). Off only on a development machine, so the demo
# accounts sign in with their password; `check --deploy` reports newsroom.E011 if it is off.
REQUIRE_SECOND_FACTOR = env.bool("REQUIRE_SECOND_FACTOR", default=not DEBUG)
if not REQUIRE_SECOND_FACTOR and not DEBUG:
    raise ImproperlyConfigured(
        "REQUIRE_SECOND_FACTOR=false is for a development machine only (DEBUG=true): with DEBUG off "
        "every staff account signs in with a security key after its password. Remove the setting."
    )
# Security keys are bound to this domain (WebAuthn's relying party ID): change it and everyone must
# add their key again. Default: SITE_URL's host, else the host the editor's browser uses.
WEBAUTHN_RP_ID = env.str("WEBAUTHN_RP_ID", default=urlsplit(SITE_URL).hostname or "")
# Where a key's answer may come from (scheme, host and port). Default: SITE_URL, else the admin's
# own address as the browser uses it. The browser writes the real origin into what the key signs,
# so an answer given on a look-alike site is refused.
WEBAUTHN_ORIGINS = env.list("WEBAUTHN_ORIGINS", default=[SITE_URL] if SITE_URL else [])
OTP_WEBAUTHN_RP_ID_CALLABLE = "newsroom.accounts.second_factor.relying_party_id"
OTP_WEBAUTHN_RP_NAME = SITE_NAME
OTP_WEBAUTHN_HELPER_CLASS = "newsroom.accounts.second_factor.KeyCeremonies"
# The key is the second factor, never the only one: the password comes first.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
# django-otp-webauthn wants OTP_WEBAUTHN_ALLOWED_ORIGINS set; KeyCeremonies reads WEBAUTHN_ORIGINS
# instead, falling back to the admin's own origin.
SILENCED_SYSTEM_CHECKS = ["otp_webauthn.E030"]
NEWS_PER_PAGE = 20
# Readers' pages: how long the page cache keeps one (0 turns it off), and the max-age browsers
# and CDNs are told. Neither outlives the next scheduled publication or expiry.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
PAGE_MAX_AGE = env.int("PAGE_MAX_AGE", default=60)
# Each server process also keeps the pages it served lately in its own memory, up to this size,
# so a popular page costs no round trip to Redis (newsroom/website/caching.py).
PAGE_CACHE_LOCAL_BYTES = env.int("PAGE_CACHE_LOCAL_MB", default=32) * 1024 * 1024
# The public API (/api/v1/): requests each client address (an IPv6 client's /64) may make a
# minute, counted in the shared cache across every server; past it, 429 with Retry-After. 0 turns it off.
API_RATE_LIMIT = env.int("API_RATE_LIMIT", default=300)
# Readers' accessibility feedback (newsroom/feedback/): how many messages, and how many answers to a
# story's "Was this page helpful?", one client address may send in an hour before getting a 429.
FEEDBACK_MESSAGES_PER_HOUR = env.int("FEEDBACK_MESSAGES_PER_HOUR", default=10)
HELPFUL_ANSWERS_PER_HOUR = env.int("HELPFUL_ANSWERS_PER_HOUR", default=30)
# How long a reviewer's preview link works.
PREVIEW_LINK_DAYS = env.int("PREVIEW_LINK_DAYS", default=7)
# The checks before publishing (newsroom/stories/checks.py): each check's id and "blocker" or
# "warning", over the defaults there, e.g. PUBLISH_CHECKS=reading-grade=blocker,table-header=warning.
PUBLISH_CHECKS = env.dict("PUBLISH_CHECKS", default={})
if set(PUBLISH_CHECKS.values()) - {"blocker", "warning"}:
    raise ImproperlyConfigured(f'Each of PUBLISH_CHECKS is "blocker" or "warning", not {PUBLISH_CHECKS}.')
# The reading grade (Flesch-Kincaid) a story's body should be at or below.
READING_GRADE_TARGET = env.float("READING_GRADE_TARGET", default=10)
# The story form saves what is typed to the user's working copy this often, and tells the server
# it is still open this often (newsroom/editing/).
EDITING_AUTOSAVE_SECONDS = 30
EDITING_HEARTBEAT_SECONDS = 20
# Content Credentials (C2PA, issue 20): with a certificate chain (PEM, the signing certificate
# first) and its private key (PEM), or instead of the key a function that signs bytes with it (a
# dotted path, for a key in an HSM or a KMS), every public copy of a photo carries a signed manifest
# (newsroom/photos/imaging/credentials.py). Unset, copies are made unsigned, as before. The key
# must be out of readers' reach: not under MEDIA_ROOT or STATIC_ROOT, and readable by its owner only.
C2PA_SIGNING_CERT = env.str("C2PA_SIGNING_CERT", default="")
C2PA_SIGNING_KEY = env.str("C2PA_SIGNING_KEY", default="")
C2PA_SIGNING_CALLBACK = env.str("C2PA_SIGNING_CALLBACK", default="")
if (C2PA_SIGNING_KEY or C2PA_SIGNING_CALLBACK) and not C2PA_SIGNING_CERT:
    raise ImproperlyConfigured(
        "C2PA_SIGNING_KEY or C2PA_SIGNING_CALLBACK is set but C2PA_SIGNING_CERT is not: set it to the "
        "signing certificate chain (PEM), or remove both to make copies unsigned."
    )
if C2PA_SIGNING_CERT and bool(C2PA_SIGNING_KEY) == bool(C2PA_SIGNING_CALLBACK):
    raise ImproperlyConfigured(
        "C2PA_SIGNING_CERT is set: set C2PA_SIGNING_KEY to its private key (PEM) or C2PA_SIGNING_CALLBACK "
        "to the dotted path of a function that signs with it, one of the two."
    )
for _name, _value in (("C2PA_SIGNING_CERT", C2PA_SIGNING_CERT), ("C2PA_SIGNING_KEY", C2PA_SIGNING_KEY)):
    if not _value:
        continue
    _path = Path(_value).resolve()
    if not _path.is_file():
        raise ImproperlyConfigured(f"{_name} names {_value}, which is not a file.")
    for _public in (MEDIA_ROOT, STATIC_ROOT):
        if _path.is_relative_to(Path(_public).resolve()):
            raise ImproperlyConfigured(
                f"{_name} is {_value}, inside {_public}, which readers can download: keep it out of "
                "MEDIA_ROOT and STATIC_ROOT."
            )
if C2PA_SIGNING_KEY and Path(C2PA_SIGNING_KEY).stat().st_mode & 0o077:
    raise ImproperlyConfigured(f"C2PA_SIGNING_KEY {C2PA_SIGNING_KEY} can be read by other users: run chmod 600 on it.")
# Uploads larger than these are refused; the pixel limit stops decompression bombs.
PHOTO_MAX_UPLOAD_BYTES = env.int("PHOTO_MAX_UPLOAD_BYTES", default=60 * 1024 * 1024)
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=80_000_000)
# An upload kept between rounds of the photo form (so the file need not be chosen again) is kept
# this many hours (clean_pending_uploads removes older ones), and at most this many per person:
# keeping another removes that person's oldest.
PENDING_UPLOAD_HOURS = env.int("PENDING_UPLOAD_HOURS", default=24)
PENDING_UPLOADS_PER_PERSON = env.int("PENDING_UPLOADS_PER_PERSON", default=5)
# A story body larger than this (its HTML, in KB) is refused by every path that writes one: the
# admin, imports, bundles. The longest real stories run to some 200 KB.
STORY_BODY_MAX_KB = env.int("STORY_BODY_MAX_KB", default=512)
# A file import_text_stories reads: larger ones are refused before a byte is read.
IMPORT_FILE_MAX_MB = env.int("IMPORT_FILE_MAX_MB", default=5)
