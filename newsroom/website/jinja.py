"""The template environment for readers' pages (templates/readers/, rendered by Jinja2).

Readers' pages are the hottest path there is: Jinja2 compiles each template to Python once,
where Django's engine walks a node tree on every render, so a story page renders in about half
the time (bench/RESULTS.md). The admin keeps Django's engine and templates/.

What the templates call is here: Django's `static` and `url`, the site's own filters and the
page helpers in newsroom/website/seo.py and newsroom/photos/pictures.py.
"""

import datetime

from django.core.signals import setting_changed
from django.template import defaultfilters
from django.template.loader import get_template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.timezone import template_localtime
from jinja2 import ChainableUndefined, Environment, pass_context
from markupsafe import Markup

from newsroom.core.addresses import fixed_address
from newsroom.core.apstyle import ap_date, site_time
from newsroom.photos import pictures
from newsroom.stories import structured_data
from newsroom.stories.selectors import lead_photo
from newsroom.website import seo
from newsroom.website.context_processors import site


def environment(**options) -> Environment:
    # The files end with a newline, and so do the pages made from them, as with Django's engine.
    # An unknown name, or a part of one, renders as nothing (as with Django's engine), in development too.
    env = Environment(**{**options, "keep_trailing_newline": True, "undefined": ChainableUndefined})
    env.globals.update(
        {
            "static": static,
            "url": url,
            "site_part": site_part,
            "current_section": current_section,
            "canonical_url": pass_context(seo.canonical_url),
            "share_image": pass_context(seo.share_image),
            "share_links": pass_context(seo.share_links),
            "news_article_json_ld": pass_context(seo.news_article_json_ld),
            "fallback_copy": pictures.fallback_copy,
        }
    )
    env.filters.update(
        {
            "ap_date": ap_date,
            "date": date,
            "iso": iso,
            "download_size": download_size,
            "lead_photo": lead_photo,
            "iso_8601": structured_data.iso_8601,
            "story_modified": structured_data.story_modified,
            "plain_text": seo.plain_text,
            "fit_title": seo.fit_title,
            "fit_description": seo.fit_description,
            "truncatechars": defaultfilters.truncatechars,
        }
    )
    return env


def url(name, *args, **kwargs) -> str:
    if not args and not kwargs:  # the home page's, the news listing's: the same on every request
        return fixed_address(name)
    return reverse(name, args=args or None, kwargs=kwargs or None)


# --- Filters -------------------------------------------------------------------------------------


def date(value, format_string) -> str:
    """Django's `date` filter, a moment first put in the site's time zone as Django's engine does."""
    return defaultfilters.date(template_localtime(value), format_string)


def iso(value) -> str:
    """A moment in the site's time zone as ISO 8601, for a `<time datetime>`: what `date('c')`
    gives, without Django's format machinery, which costs a listing of twenty a millisecond or two."""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = site_time(value)
    return value.isoformat()


def download_size(size_in_bytes) -> str:
    """`3.32 MB`, the way DoD download links state a photo's size (never `0.00 MB`)."""
    return f"{max(size_in_bytes or 0, 10_000) / 1_000_000:.2f} MB"


# --- The page's frame ----------------------------------------------------------------------------

# The banner, header, footer and the links in <head> are the same on every page but for the
# header's current section, yet they hold a dozen `static()` and `url()` lookups. Each is made
# once per process for each set of values and kept; a changed setting (tests change them)
# forgets them all. A part reads nothing but the site's settings and the values it is given:
# no request, no nonce.
_parts = {}


def site_part(template_name, **values) -> Markup:
    key = (template_name, *sorted(values.items()))
    part = _parts.get(key)
    if part is None:
        part = _parts[key] = Markup(get_template(template_name).render({**site(), **values}))
    return part


def _forget_parts(**kwargs):
    _parts.clear()


setting_changed.connect(_forget_parts, dispatch_uid="site-parts-forget")


@pass_context
def current_section(context) -> str:
    """ "stories" or "archive", the navigation item to mark current; "" on other pages."""
    match = getattr(context.get("request"), "resolver_match", None)
    app = getattr(match, "app_name", "")
    if app == "archive" or getattr(context.get("story"), "is_archived", False):
        return "archive"
    return "stories" if app == "stories" else ""
