"""Settings for the review blog, configured from environment variables.

Every variable is listed in `.env.example`. Safe defaults: SQLite in `var/`, DEBUG off,
no secret key unless DEBUG is on. A `.env` file next to manage.py (written by `make run` for
development) is read when present; variables of the real environment win over it.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse_lazy

from config import envfile, release

BASE_DIR = Path(__file__).resolve().parent.parent

# DJANGO_ENV_FILE names another file; set it empty to read none (the test suite does).
ENV_FILE = os.environ.get("DJANGO_ENV_FILE", str(BASE_DIR / ".env"))
ENV_FILE_VALUES = envfile.read(ENV_FILE) if ENV_FILE else {}
if ENV_FILE:
    envfile.load(ENV_FILE)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def env_float(name, default):
    value = os.environ.get(name, "")
    return float(value) if value.strip() else default


DEBUG = env_bool("DJANGO_DEBUG")

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(set DJANGO_DEBUG=1 for local development)."
        )
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"  # noqa: S105
elif (
    not DEBUG
    and ENV_FILE_VALUES.get("DJANGO_DEBUG") == "1"
    and ENV_FILE_VALUES.get("DJANGO_SECRET_KEY") == SECRET_KEY
):
    # DEBUG was turned off in the real environment, but the key is the development one.
    raise ImproperlyConfigured(
        f"DJANGO_SECRET_KEY must be set in the environment when DJANGO_DEBUG is off: the key in "
        f"{Path(ENV_FILE).name} is for development only."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    # Third party
    "django_tasks",
    "django_tasks_db",
    "django_comments_xtd",
    "django_comments",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.twitter_oauth2",
    "allauth.socialaccount.providers.facebook",
    "csp",
    # Ours: the plumbing first, then the domain apps that build on it
    "infra",
    "blog",
    "reviews",
    "comments",
    "comments.spam",
    "comments.wpcom",
    "importer",
    "security",
    "followers",
    "fediverse",
    "viewcounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # --- Security (security/, comments/middleware.py) ------------------------------------
    # Outside whitenoise, so static files and error pages get these headers too:
    # Content-Security-Policy (django-csp), then Permissions-Policy and Reporting-Endpoints.
    "csp.middleware.CSPMiddleware",
    "security.middleware.SecurityHeadersMiddleware",
    # Not found instead of a crash: ids past 64 bits or NUL in an address, a social login
    # without keys.
    "security.middleware.ImpossibleAddressMiddleware",
    "comments.middleware.UnconfiguredProviderMiddleware",
    # --- end of security -------------------------------------------------------------------
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A database or storage outage answers 503 with Retry-After, and no request waits long for
    # a database that does not answer (infra.outages, infra.dbwatch).
    "infra.outages.OutageMiddleware",
    # Whole pages for readers who carry none of our cookies (infra.pages).
    "infra.pages.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Old WordPress addresses (?p=ID, /category/…) answer 301 where a page would be 404.
    "importer.middleware.WordPressRedirectMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its "too many attempts" answer.
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "blog.context_processors.site",
            ],
        },
    },
]

# Database: SQLite file by default, tuned for a web server; DATABASE_URL selects another.
DATA_DIR = Path(os.environ.get("DJANGO_DATA_DIR", BASE_DIR / "var"))
DATABASE_URL = os.environ.get("DATABASE_URL", "")
# Bounded waits (infra.outages): connecting, a statement on the server, a transaction left open,
# and, for requests, a reply the client waits for (a silent proxy ACKs but never answers, which
# no server-side timeout and no TCP keepalive notices).
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 2)  # seconds; libpq's minimum is 2
DATABASE_STATEMENT_TIMEOUT = env_float("DATABASE_STATEMENT_TIMEOUT", 10.0)
DATABASE_IDLE_IN_TRANSACTION_TIMEOUT = env_float("DATABASE_IDLE_IN_TRANSACTION_TIMEOUT", 30.0)
DATABASE_REPLY_TIMEOUT = env_float("DATABASE_REPLY_TIMEOUT", 1.5)
# After a failed connect or a reply that did not come, connecting fails at once for so long.
DATABASE_BREAKER_OPEN = env_float("DATABASE_BREAKER_OPEN", 3.0)
# What a 503 during an outage tells browsers and crawlers to wait, in seconds.
OUTAGE_RETRY_AFTER = env_int("OUTAGE_RETRY_AFTER", 30)
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # The same backend, with a breaker in front of connecting (infra.postgresql).
        DATABASES["default"]["ENGINE"] = "infra.postgresql"
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {
                "connect_timeout": DATABASE_CONNECT_TIMEOUT,
                "options": (
                    f"-c statement_timeout={int(DATABASE_STATEMENT_TIMEOUT * 1000)}"
                    " -c idle_in_transaction_session_timeout="
                    f"{int(DATABASE_IDLE_IN_TRANSACTION_TIMEOUT * 1000)}"
                ),
            }
        )
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "db.sqlite3",
            # Kept open between requests: opening one costs more than a whole query here.
            "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
            "OPTIONS": {
                # Writers queue for the lock at BEGIN instead of failing mid-transaction;
                # WAL lets readers carry on while one comment is written.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, otherwise memory of this process; the page cache
# ("pages") must be shared by every worker: Redis, or files in DATA_DIR.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "atoz")
# A Redis that hangs costs a call REDIS_SOCKET_TIMEOUT; after CACHE_BREAKER_FAILURES such
# failures within CACHE_BREAKER_WINDOW seconds the cache is not asked for CACHE_BREAKER_OPEN
# seconds (infra.cachebreaker), and readers get pages rendered from the database meanwhile.
REDIS_OPTIONS = {
    "socket_connect_timeout": env_float("REDIS_SOCKET_CONNECT_TIMEOUT", 0.5),
    "socket_timeout": env_float("REDIS_SOCKET_TIMEOUT", 0.5),
    "breaker_failures": env_int("CACHE_BREAKER_FAILURES", 3),
    "breaker_window": env_float("CACHE_BREAKER_WINDOW", 10.0),
    "breaker_open": env_float("CACHE_BREAKER_OPEN", 5.0),
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "infra.cachebreaker.BreakerRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": REDIS_OPTIONS,
        },
        "pages": {
            "BACKEND": "infra.cachebreaker.BreakerRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{CACHE_KEY_PREFIX}-pages",
            "OPTIONS": REDIS_OPTIONS,
        },
        # The parts of pages kept by {% cache %} (a post's article, a thread), beside them.
        "fragments": {
            "BACKEND": "infra.cachebreaker.FragmentRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{CACHE_KEY_PREFIX}-pages",
            "OPTIONS": REDIS_OPTIONS,
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "infra.filecache.FileCache",
            "LOCATION": str(
                Path(os.environ.get("PAGE_CACHE_DIR") or DATA_DIR / "cache" / "pages").resolve()
            ),
            "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_MAX_ENTRIES", 2000)},
        },
    }
    CACHES["fragments"] = CACHES["pages"]
# A request with one of these cookies is rendered for its reader alone.
PAGE_CACHE_COOKIES = ("sessionid", "csrftoken", "comment_author", "reader", "messages")
PAGE_CACHE_SKIP_PATHS = (
    "/admin/",
    "/accounts/",
    "/privacy/personal-data/",
    "/healthz",
    "/follow/",  # a follower's own pages show their address
)
# Part of every page-cache key: a deploy renders every page anew (config/release.py).
RELEASE = release.release(BASE_DIR, os.environ.get("DJANGO_RELEASE", ""), DEBUG)

# Sessions live in the database, so a reader logged in through one app server is logged in on all.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Admin safety: django-axes refuses logins for a while after repeated failures.
AUTHENTICATION_BACKENDS = [
    "config.auth_backends.LoginAttemptsBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 30) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# allauth's login form (username or e-mail) counts against the same name as the admin's.
AXES_USERNAME_CALLABLE = "config.auth_backends.login_username"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", DATA_DIR / "media"))
# Hashed, compressed names in production (run `collectstatic` first); plain names otherwise.
STATIC_MANIFEST = env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
# Uploads (posters, in-post images, their renditions) go to an S3-compatible bucket when one is
# named, so every app server sees the same files; to MEDIA_ROOT on this disk otherwise.
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
if AWS_STORAGE_BUCKET_NAME:
    from botocore.config import Config as botocore_config

    AWS_S3_ADDRESSING_STYLE = os.environ.get("AWS_S3_ADDRESSING_STYLE") or "path"
    MEDIA_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "access_key": os.environ.get("AWS_ACCESS_KEY_ID", ""),
            "secret_key": os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
            # A CDN in front of the bucket (MEDIA_CDN_HOST, e.g. media.example.com).
            "custom_domain": os.environ.get("MEDIA_CDN_HOST") or None,
            "url_protocol": os.environ.get("MEDIA_URL_PROTOCOL", "https:"),
            # Public files with plain addresses: pages cache the same URL for everyone.
            "querystring_auth": False,
            "default_acl": os.environ.get("AWS_DEFAULT_ACL") or None,
            # Two uploads named poster.jpg keep both files, as on disk.
            "file_overwrite": False,
            "addressing_style": AWS_S3_ADDRESSING_STYLE,
            "object_parameters": {"CacheControl": "public, max-age=2592000"},
            # A stalled endpoint costs an upload at most (connect + read) x attempts, twice
            # (the name check, then the upload); pages never wait for the bucket.
            "client_config": botocore_config(
                s3={"addressing_style": AWS_S3_ADDRESSING_STYLE},
                connect_timeout=env_float("AWS_S3_CONNECT_TIMEOUT", 2.0),
                read_timeout=env_float("AWS_S3_READ_TIMEOUT", 2.0),
                retries={
                    "total_max_attempts": env_int("AWS_S3_MAX_ATTEMPTS", 2),
                    "mode": "standard",
                },
            ),
        },
    }
else:
    MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": MEDIA_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

# The blog
SITE_ID = 1
BLOG_TITLE = os.environ.get("BLOG_TITLE", "A to Z Documentaries")
BLOG_TAGLINE = os.environ.get("BLOG_TAGLINE", "Documentary reviews, one letter at a time")
BLOG_POSTS_PER_PAGE = env_int("BLOG_POSTS_PER_PAGE", 10)
# Where readers write to the author (the privacy page and the footer name it); empty: nowhere.
BLOG_CONTACT_EMAIL = os.environ.get("BLOG_CONTACT_EMAIL", "")
# How long a shared preview link of a draft keeps working.
BLOG_PREVIEW_LINK_DAYS = env_int("BLOG_PREVIEW_LINK_DAYS", 7)
# Uploaded images (infra.images): refused above these sizes, served at these widths.
IMAGE_MAX_BYTES = env_int("IMAGE_MAX_BYTES", 10 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
IMAGE_RENDITION_WIDTHS = (320, 640, 960, 1280)

# Comments (django-comments-xtd)
COMMENTS_APP = "django_comments_xtd"
# Depth of threads as WordPress counts it (5: a comment and four levels of replies);
# xtd counts levels from 0.
COMMENTS_THREAD_DEPTH = max(env_int("COMMENTS_THREAD_DEPTH", 5), 1)
COMMENTS_XTD_MAX_THREAD_LEVEL = COMMENTS_THREAD_DEPTH - 1
COMMENTS_XTD_CONFIRM_EMAIL = False
COMMENTS_XTD_SALT = SECRET_KEY.encode()
COMMENTS_XTD_APP_MODEL_OPTIONS = {
    "blog.post": {
        "allow_flagging": True,
        "allow_feedback": True,
        "show_feedback": True,
        "who_can_post": "all",
    },
}
COMMENTS_XTD_FORM_CLASS = "comments.forms.CommentForm"
COMMENT_MAX_LENGTH = env_int("COMMENT_MAX_LENGTH", 3000)
# How long a comment form stays good after its page was rendered (pages are cached up to an hour).
COMMENTS_FORM_MAX_AGE_HOURS = env_int("COMMENTS_FORM_MAX_AGE_HOURS", 24)
# Top-level comments per page of a thread, as WordPress's "break comments into pages" (0: off).
COMMENTS_PER_PAGE = env_int("COMMENTS_PER_PAGE", 0)
# Comments close this many days after publication (0: never); each post can also close them.
COMMENTS_CLOSE_AFTER_DAYS = env_int("COMMENTS_CLOSE_AFTER_DAYS", 0)
# Anonymous likes of one post or comment counted from one IP address per day.
COMMENTS_LIKES_PER_IP = env_int("COMMENTS_LIKES_PER_IP", 3)
# Address of the site in mail and feeds, e.g. https://reviews.example.com (default: the Site).
SITE_URL = os.environ.get("SITE_URL", "")

# Commenters' accounts (django-allauth): local accounts, and social login with each provider
# whose keys are set here or as a "Social application" in the admin.
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "optional")
# Account mail goes out through the task queue, as all mail does.
ACCOUNT_ADAPTER = "comments.adapters.AccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_QUERY_EMAIL = True
# Only who someone is is needed; their provider tokens are not kept.
SOCIALACCOUNT_STORE_TOKENS = False


def social_apps(prefix):
    client_id = os.environ.get(f"{prefix}_CLIENT_ID", "")
    secret = os.environ.get(f"{prefix}_CLIENT_SECRET", "")
    return [{"client_id": client_id, "secret": secret, "key": ""}] if client_id and secret else []


SOCIALACCOUNT_PROVIDERS = {
    "google": {"APPS": social_apps("GOOGLE"), "SCOPE": ["profile", "email"]},
    "twitter_oauth2": {"APPS": social_apps("X")},
    # "oauth2", not the JavaScript SDK: no script from Facebook on our pages.
    "facebook": {"APPS": social_apps("FACEBOOK"), "METHOD": "oauth2", "SCOPE": ["email"]},
    "wordpress": {"APPS": social_apps("WORDPRESS")},
}
# Commenters' own comments: editable for a few minutes; IP addresses kept for so many days.
COMMENTS_EDIT_MINUTES = env_int("COMMENTS_EDIT_MINUTES", 15)
COMMENTS_IP_RETENTION_DAYS = env_int("COMMENTS_IP_RETENTION_DAYS", 60)

# Spam moderation (comments.spam): every check can be tuned or turned off here.
SPAM_HONEYPOT_FIELD = "honeypot"
SPAM_MIN_SUBMIT_SECONDS = env_int("SPAM_MIN_SUBMIT_SECONDS", 3)
SPAM_RATE_LIMIT_PER_IP = env_int("SPAM_RATE_LIMIT_PER_IP", 5)
SPAM_RATE_LIMIT_PER_EMAIL = env_int("SPAM_RATE_LIMIT_PER_EMAIL", 5)
SPAM_RATE_LIMIT_WINDOW = env_int("SPAM_RATE_LIMIT_WINDOW", 600)  # seconds
# Behind a proxy: the header it sets with the client's address (e.g. X-Forwarded-For).
# Only for `manage.py bench`: serve a stock django-comments-xtd page to measure against.
BENCH_STOCK_XTD = env_bool("BENCH_STOCK_XTD")
# Behind a proxy: the header that carries the client's address (infra.clients).
CLIENT_IP_HEADER = os.environ.get("DJANGO_CLIENT_IP_HEADER", "")
SPAM_MAX_LINKS = env_int("SPAM_MAX_LINKS", 2)
SPAM_DUPLICATE_DAYS = env_int("SPAM_DUPLICATE_DAYS", 30)
SPAM_CLASSIFIER_HOLD = float(os.environ.get("SPAM_CLASSIFIER_HOLD") or 0.4)
SPAM_CLASSIFIER_SPAM = float(os.environ.get("SPAM_CLASSIFIER_SPAM") or 0.9)
SPAM_FIRST_COMMENT_HOLD = env_bool("SPAM_FIRST_COMMENT_HOLD", True)
SPAM_SIGNALS = env_bool("SPAM_SIGNALS", True)
# Who gets `manage.py spam_digest`'s mail; empty: every active superuser with an address.
SPAM_DIGEST_TO = env_list("SPAM_DIGEST_TO")
SPAM_PURGE_DAYS = env_int("SPAM_PURGE_DAYS", 30)
AKISMET_API_KEY = os.environ.get("AKISMET_API_KEY", "")
AKISMET_SITE_URL = os.environ.get("AKISMET_SITE_URL", "")
AKISMET_TIMEOUT = float(os.environ.get("AKISMET_TIMEOUT") or 2.0)

# Work that can wait (mail, reports to Akismet, image renditions, retraining) is a task, stored in
# the database with the write that asks for it and run by `manage.py run_tasks`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Delays in seconds before each new attempt of a task that failed for a passing reason (a mail
# server down or slow); after the last one the task is marked failed.
TASKS_RETRY_DELAYS = [
    int(delay) for delay in env_list("TASKS_RETRY_DELAYS", "30,60,120,300,600,1800,3600,7200")
]
# A task still "running" this long after it started was left by a worker that died: run it again.
TASKS_STALE_SECONDS = env_int("TASKS_STALE_SECONDS", 600)

# The fediverse (fediverse/): the blog is @FEDIVERSE_NAME@host (default: a slug of BLOG_TITLE).
FEDIVERSE_NAME = os.environ.get("FEDIVERSE_NAME", "")
FEDIVERSE_CONNECT_TIMEOUT = env_float("FEDIVERSE_CONNECT_TIMEOUT", 3.0)  # seconds, other servers
FEDIVERSE_READ_TIMEOUT = env_float("FEDIVERSE_READ_TIMEOUT", 5.0)
FEDIVERSE_INBOX_MAX_BYTES = env_int("FEDIVERSE_INBOX_MAX_BYTES", 256 * 1024)
FEDIVERSE_ACTOR_CACHE_SECONDS = env_int("FEDIVERSE_ACTOR_CACHE_SECONDS", 24 * 3600)
FEDIVERSE_ALLOW_PRIVATE_ADDRESSES = env_bool("FEDIVERSE_ALLOW_PRIVATE_ADDRESSES")  # tests only

# Followers (followers/): readers who get new posts by email.
FOLLOWERS_BATCH_SIZE = env_int("FOLLOWERS_BATCH_SIZE", 100)  # mails per task
FOLLOWERS_PER_SECOND = env_int("FOLLOWERS_PER_SECOND", 20)  # at most; 0: as fast as SMTP goes
FOLLOWERS_HARD_BOUNCE_LIMIT = env_int("FOLLOWERS_HARD_BOUNCE_LIMIT", 3)  # 5xx refusals in a row
# Posts that went live longer ago than this are never announced (an import of old posts).
FOLLOWERS_ANNOUNCE_WITHIN_HOURS = env_int("FOLLOWERS_ANNOUNCE_WITHIN_HOURS", 48)
FOLLOWERS_DIGEST_WEEKDAY = env_int("FOLLOWERS_DIGEST_WEEKDAY", 0)  # 0: Monday, 00:00 local
FOLLOWERS_CONFIRM_RESEND_MINUTES = env_int("FOLLOWERS_CONFIRM_RESEND_MINUTES", 60)
FOLLOWERS_RATE_LIMIT_PER_IP = env_int("FOLLOWERS_RATE_LIMIT_PER_IP", 5)
FOLLOWERS_RATE_LIMIT_PER_EMAIL = env_int("FOLLOWERS_RATE_LIMIT_PER_EMAIL", 3)
FOLLOWERS_RATE_LIMIT_WINDOW = env_int("FOLLOWERS_RATE_LIMIT_WINDOW", 3600)  # seconds
FOLLOWERS_MIN_SUBMIT_SECONDS = env_int("FOLLOWERS_MIN_SUBMIT_SECONDS", 2)
FOLLOWERS_FORM_MAX_AGE_HOURS = env_int("FOLLOWERS_FORM_MAX_AGE_HOURS", 24)
# A mail "sending" this long was left by a dead worker: it goes again.
FOLLOWERS_SENDING_STALE_SECONDS = env_int("FOLLOWERS_SENDING_STALE_SECONDS", 300)

# Mail: console by default; SMTP when EMAIL_HOST is set.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "blog@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# No connection may hang a worker: a mail server that does not answer is given up on and retried.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)

# Security: strict by default when DEBUG is off; plain HTTP can be allowed for a local run.
SECURE_HTTPS = not DEBUG and env_bool("DJANGO_SECURE_HTTPS", True)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS and env_bool("DJANGO_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000 if SECURE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
if env_bool("DJANGO_BEHIND_PROXY"):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Load balancers ask for /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# No script of ours reads the CSRF cookie: forms (and fetch with FormData) carry the token.
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
# Powerful browser features no page here uses, refused for this site and anything it embeds.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "camera": [],
    "geolocation": [],
    "gyroscope": [],
    "magnetometer": [],
    "microphone": [],
    "payment": [],
    "usb": [],
}

# Content-Security-Policy (django-csp 4): scripts and styles only from our static files.
# Images from elsewhere: hosts an imported blog's posts still point at (comma-separated origins
# such as https://example.files.wordpress.com).
CSP_EXTRA_IMG_SRC = env_list("CSP_EXTRA_IMG_SRC")
# Where the login buttons' forms end up: the providers that have keys (see SOCIALACCOUNT_...).
OAUTH_FORM_ACTION_HOSTS = {
    "google": ["https://accounts.google.com"],
    "twitter_oauth2": ["https://x.com", "https://twitter.com"],
    "facebook": ["https://www.facebook.com"],
    "wordpress": ["https://public-api.wordpress.com"],
}
CSP_FORM_ACTION_EXTRA = env_list("CSP_EXTRA_FORM_ACTION")
# Violation reports: logged by security.views.csp_report, at most so many per address a window.
CSP_REPORTS_PER_IP = env_int("CSP_REPORTS_PER_IP", 20)
CSP_REPORTS_WINDOW = env_int("CSP_REPORTS_WINDOW", 600)  # seconds
CSP_REPORT_GROUP = "csp-endpoint"
_csp_directives = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:", *CSP_EXTRA_IMG_SRC],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": [
        "'self'",
        *(
            host
            for provider, hosts in OAUTH_FORM_ACTION_HOSTS.items()
            if SOCIALACCOUNT_PROVIDERS[provider]["APPS"]
            for host in hosts
        ),
        *CSP_FORM_ACTION_EXTRA,
    ],
    "frame-ancestors": ["'none'"],
    "report-uri": [reverse_lazy("security:csp_report")],
    "report-to": CSP_REPORT_GROUP,
}
# CSP_REPORT_ONLY=1 sends Content-Security-Policy-Report-Only instead: nothing is blocked, every
# violation is reported. (Not a setting of that name: django-csp 4 reads one as a 3.x config.)
CSP_REPORT_ONLY_MODE = env_bool("CSP_REPORT_ONLY")
if CSP_REPORT_ONLY_MODE:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _csp_directives}
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _csp_directives}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
