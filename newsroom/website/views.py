from django.http import HttpResponseServerError
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.template.loader import render_to_string

from newsroom.stories.selectors import current_news
from newsroom.website.context_processors import site

HOME_STORIES = 10


def home(request):
    """The lead story and the latest current news."""
    stories = list(current_news()[:HOME_STORIES])
    return render(request, "website/home.html", {"lead": stories[0] if stories else None, "latest": stories[1:]})


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; point them at USWDS's."""
    return redirect(static("uswds/img/favicons/favicon.ico"), permanent=True)


def server_error(request):
    """The 500 page, rendered without a request context: the database may be what failed."""
    html = render_to_string("500.html", site())
    return HttpResponseServerError(html)
