"""What every request and response meets, whatever view answers: hostile addresses refused,
readers' pages read-only, HEAD without a body, and the policy headers.

`RequestGuardMiddleware` stands outermost but the public API's edge (api/edge.py), before the page
cache, so what it does holds for a cached page too:
- an address or query string with a NUL or another control character answers 400. No link
  carries one; PostgreSQL cannot even compare a text with a NUL in it, so a view, the flat pages'
  or redirects' fallback, or an admin filter handed one would fail with a 500;
- readers' pages (everything outside the admin) answer GET and HEAD only: 405 with `Allow`
  otherwise, and OPTIONS says what is allowed. What takes a POST (the admin, its login, the
  story form's autosave and presence) lives under the admin's address, but for the two readers'
  forms named in READERS_FORMS (the accessibility feedback form and the story page's "Was this
  page helpful?"), which take a POST at exactly their own addresses;
- a HEAD is answered with the headers a GET would get and no body, a cache hit included,
  whatever the server in front would do.

`PolicyHeadersMiddleware` stands with Django's SecurityMiddleware, inside the page cache, so a
cached page is stored with its headers like the others.
"""

import functools
import re

from django.conf import settings
from django.http import HttpResponse
from django.urls import get_script_prefix, reverse

READ_ONLY_METHODS = ("GET", "HEAD")
# Control characters no address carries: any in the path; in a query string all but tab and line
# breaks, which a search box's value may hold.
_PATH_REFUSED = re.compile(r"[\x00-\x1f\x7f]")
_QUERY_REFUSED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# Readers' pages that take a POST, by URL name, with the methods each answers: each address
# exactly, nothing under it. The story page's yes/no answers only a POST; its view says so to a GET.
READERS_FORMS = {"feedback:feedback": (*READ_ONLY_METHODS, "POST"), "feedback:helpful": ("POST",)}


@functools.cache
def _admin_prefix(script_prefix: str) -> str:
    return reverse("admin:index")


@functools.cache
def _readers_forms(script_prefix: str) -> dict[str, tuple[str, ...]]:
    return {reverse(name): methods for name, methods in READERS_FORMS.items()}


def is_readers_page(request) -> bool:
    return not request.path.startswith(_admin_prefix(get_script_prefix()))


class RequestGuardMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        refusal = self._refusal(request)
        if refusal is not None:
            add_policy_headers(request, refusal)
            return refusal
        response = self.get_response(request)
        if request.method == "HEAD":
            _drop_body(response)
        return response

    @staticmethod
    def _refusal(request):
        if _PATH_REFUSED.search(request.path) or (
            request.META.get("QUERY_STRING") and any(_query_refused(item) for item in request.GET.lists())
        ):
            return _plain(400, "Bad Request: the address holds a control character, which no web address may hold.")
        if request.method not in READ_ONLY_METHODS and is_readers_page(request):
            allowed = _readers_forms(get_script_prefix()).get(request.path, READ_ONLY_METHODS)
            if request.method in allowed:
                return None
            if request.method == "OPTIONS":
                response = _plain(200, "")
            else:
                response = _plain(405, f"Method Not Allowed: this page answers {', '.join(allowed)} only.")
            response["Allow"] = ", ".join(allowed)
            return response
        return None


def _query_refused(item) -> bool:
    name, values = item
    return bool(_QUERY_REFUSED.search(name)) or any(_QUERY_REFUSED.search(value) for value in values)


def _plain(status: int, text: str) -> HttpResponse:
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["Content-Length"] = str(len(response.content))
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _drop_body(response) -> None:
    """The response to a HEAD: a GET's headers, its Content-Length included, and no body."""
    if response.streaming:
        response.streaming_content = []  # a file it streamed is still closed with the response
        return
    if not response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    response.content = b""


class PolicyHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_policy_headers(request, response)
        return response


def add_policy_headers(request, response) -> None:
    """Permissions-Policy: the powerful features the site never uses are off, for it and for any
    frame (settings.PERMISSIONS_POLICY). Cross-Origin-Resource-Policy: the site's pages, scripts
    and styles are read by its own pages only; the public copies of photos by anyone's, since
    the feeds hand their addresses to feed readers and partners embed them in their pages, where
    "same-origin" or "same-site" would leave a broken image. (Served from object storage, they
    get the bucket's or CDN's headers instead.)"""
    response.headers.setdefault("Permissions-Policy", permissions_policy())
    response.headers.setdefault(
        "Cross-Origin-Resource-Policy",
        "cross-origin" if request.path.startswith(settings.MEDIA_URL) else "same-origin",
    )


def permissions_policy() -> str:
    """settings.PERMISSIONS_POLICY as the header writes it: `camera=(), fullscreen=(self "https://…")`."""
    return ", ".join(
        f"{feature}=({' '.join(origin if origin == 'self' else f'"{origin}"' for origin in origins)})"
        for feature, origins in settings.PERMISSIONS_POLICY.items()
    )
