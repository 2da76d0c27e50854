"""The test suite's settings: production settings (DEBUG off) with values safe for tests.

The environment decides the database and cache, so the same suite runs on SQLite and,
with DATABASE_URL and CACHE_URL set, on PostgreSQL and Redis.
"""

import os

os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-any-real-site-0123456789")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ["SECURE_SSL_REDIRECT"] = "false"

from config.settings import *  # noqa: F403

# Pages render without a collectstatic run; tests/website/test_static.py covers the manifest.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}  # noqa: F405
# Hashing a password at full strength costs ~0.3 s; tests log in often.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests see each page as it is made; tests/website/test_page_cache.py turns the page cache on.
PAGE_CACHE_SECONDS = 0
# Most tests sign in with force_login or a password; tests/accounts/test_second_factor.py and the
# security key's browser test turn the second factor on (the `settings` fixture), as production has it.
REQUIRE_SECOND_FACTOR = False
# Transactional tests empty PostgreSQL's tables with DELETE rather than TRUNCATE (tests/postgresql).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["ENGINE"] = "tests.postgresql"  # noqa: F405
