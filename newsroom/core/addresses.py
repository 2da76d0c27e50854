"""Addresses of stories, tags, photos and collections, without running Django's resolver each time.

A story page builds a dozen of them, a listing dozens, a sitemap page ten thousand, and
reverse() checks the pattern's converters and regular expression on every call. Here a named
pattern with one argument is reversed once (per URLconf and script prefix) with a marker, and
later addresses are the two halves around the value. A value outside the slug alphabet goes
through reverse() itself, which quotes and checks it.
"""

import functools
import re

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

_MARKER = "0marker0"
_SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")


@functools.cache
def _halves(name, urlconf, script_prefix):
    before, after = reverse(name, urlconf=urlconf, args=[_MARKER]).split(_MARKER)
    return before, after


def address(name: str, value) -> str:
    """reverse(name, args=[value]), for a pattern with one argument."""
    value = str(value)
    if not _SLUG.match(value):
        return reverse(name, args=[value])
    before, after = _halves(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    return before + value + after


@functools.cache
def _fixed(name, urlconf, script_prefix):
    return reverse(name, urlconf=urlconf)


def fixed_address(name: str) -> str:
    """reverse(name), for a pattern without arguments: reversed once per URLconf and script prefix."""
    return _fixed(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


def on_site(address: str) -> str:
    """A page's address for a link out of the admin: on SITE_URL when set, else on the host the
    browser is already using (a relative address). Absolute addresses are left as they are."""
    if address.startswith("/") and settings.SITE_URL:
        return settings.SITE_URL + address
    return address
