"""`{% site_part %}`: the parts of every page that depend only on the site's settings, made once.

The banner, header, footer and the stylesheet and script links in <head> are the same on every
page but for the header's current section, yet they hold a dozen `{% static %}` and `{% url %}`
lookups. Each is rendered once per process for each set of values and kept; a changed setting
(tests change them) forgets them all. A part must read nothing but the site context and the
values it is given: no request, no nonce.
"""

from django import template
from django.core.signals import setting_changed
from django.template.loader import get_template

from newsroom.website.context_processors import site

register = template.Library()
_made = {}


@register.simple_tag
def site_part(template_name, **values):
    key = (template_name, *sorted(values.items()))
    part = _made.get(key)
    if part is None:
        part = _made[key] = get_template(template_name).render({**site(), **values})
    return part


@register.simple_tag(takes_context=True)
def current_section(context):
    """"stories" or "archive", the navigation item to mark current; "" on other pages."""
    match = getattr(context.get("request"), "resolver_match", None)
    app = getattr(match, "app_name", "")
    if app == "archive" or getattr(context.get("story"), "is_archived", False):
        return "archive"
    return "stories" if app == "stories" else ""


def _forget(**kwargs):
    _made.clear()


setting_changed.connect(_forget, dispatch_uid="site-parts-forget")
