"""Newsroom settings, read from the environment (or a `.env` file) through django-environ.

One module for every environment: what differs between a laptop and production is the
environment, never the code. Every variable read here is listed in the README.
With DEBUG off the site is in production mode: a real SECRET_KEY and ALLOWED_HOSTS are
required, and HTTPS, HSTS and secure cookies are on.
"""

from pathlib import Path

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
    "newsroom.website",
    "newsroom.photos",
    "newsroom.stories",
    "newsroom.archive",
    "newsroom.notes",
    "newsroom.accounts",
    "newsroom.demo",
    "newsroom.search",
    "newsroom.bundles",
    "newsroom.desk",
    "newsroom.editing",
]

MIDDLEWARE = [
    # Readers' pages from the cache, stored with every header the middleware below adds: a hit
    # answers here, before any of them, and without the session, CSRF, authentication and
    # messages work a cached page never needs.
    "newsroom.website.caching.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
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
    # Events the security log hears through signals learn who asked, and from where.
    "newsroom.accounts.security_log.SecurityLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
    # A story whose address changed answers at the old one with a permanent redirect.
    "django.contrib.redirects.middleware.RedirectFallbackMiddleware",
]

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

# Static files: our own under static/, USWDS straight from the npm package's dist/.
STATIC_URL = env.str("STATIC_URL", default="/static/")
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
USWDS_DIST = BASE_DIR / "node_modules" / "@uswds" / "uswds" / "dist"
# Only the compiled assets: the package's Sass sources and component docs stay out.
STATICFILES_DIRS = [BASE_DIR / "static"] + [
    (f"uswds/{part}", USWDS_DIST / part) for part in ("css", "js", "img", "fonts")
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
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "originals": {"BACKEND": "newsroom.photos.storage.OriginalsStorage"},
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
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
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
    "loggers": {"newsroom.security": {"handlers": ["security"], "level": "INFO", "propagate": False}},
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
NEWS_PER_PAGE = 20
# Readers' pages: how long the page cache keeps one (0 turns it off), and the max-age browsers
# and CDNs are told. Neither outlives the next scheduled publication or expiry.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=300)
PAGE_MAX_AGE = env.int("PAGE_MAX_AGE", default=60)
# Each server process also keeps the pages it served lately in its own memory, up to this size,
# so a popular page costs no round trip to Redis (newsroom/website/caching.py).
PAGE_CACHE_LOCAL_BYTES = env.int("PAGE_CACHE_LOCAL_MB", default=32) * 1024 * 1024
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
# Uploads larger than these are refused; the pixel limit stops decompression bombs.
PHOTO_MAX_UPLOAD_BYTES = env.int("PHOTO_MAX_UPLOAD_BYTES", default=60 * 1024 * 1024)
PHOTO_MAX_PIXELS = env.int("PHOTO_MAX_PIXELS", default=80_000_000)
