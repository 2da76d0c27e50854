import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.views import csrf

from newsroom.core.cache import page_shows
from newsroom.stories import shown
from newsroom.stories.selectors import home_page
from newsroom.website.context_processors import site
from newsroom.website.hardening import is_readers_page

HOME_STORIES = 10
# What a request meets when PostgreSQL is restarting, unreachable or refusing connections.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# Seconds a reader's browser or a proxy is told to wait before asking again.
RETRY_AFTER_SECONDS = 30


RECENT_PHOTOS = 6


def home(request):
    """The lead story, the latest current news, and the photos those stories carry."""
    # A photo with no public copy (a legacy import with no file) has no place in a strip of pictures.
    stories, photos = home_page(HOME_STORIES)
    page_shows(request, {shown.NEWS, *shown.listed(stories), *(shown.photo_key(photo.pk) for photo in photos)})
    context = {"lead": stories[0] if stories else None, "latest": stories[1:], "photos": photos[:RECENT_PHOTOS]}
    return render(request, "website/home.html", context)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; point them at USWDS's."""
    return redirect(static("uswds/img/favicons/favicon.ico"), permanent=True)


def server_error(request):
    """The 500 page, rendered without a request context: the database may be what failed.

    Django calls this while handling the exception, so a database outage met outside a view
    (in a middleware) still gets the 503 page that DatabaseUnavailableMiddleware gives views.
    """
    if isinstance(sys.exception(), DATABASE_UNAVAILABLE):
        return service_unavailable()
    html = render_to_string("500.html", site())
    return HttpResponseServerError(html)


def csrf_failure(request, reason=""):
    """A form sent without its CSRF cookie: on a reader's page (the accessibility feedback form) a
    page that says what to do, since the cookie ends when the browser closes and a tab restored
    afterwards sends the form without it. The admin keeps Django's own page."""
    if not is_readers_page(request):
        return csrf.csrf_failure(request, reason)
    response = render(
        request, "form_not_sent.html", status=403
    )  # not 403_csrf.html: Django would use it for the admin too
    response["Cache-Control"] = "no-store"
    return response


def service_unavailable():
    """The 503 page: the banner and "try again shortly", made without the database; never cached."""
    response = HttpResponse(render_to_string("503.html", site()), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
