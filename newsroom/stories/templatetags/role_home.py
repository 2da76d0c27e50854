"""The admin home's lists by role (stories/worklists.py), as one include beside the others."""

from django import template

from newsroom.stories.worklists import home_lists

register = template.Library()


@register.inclusion_tag("admin/stories/role_home.html", takes_context=True)
def role_home(context):
    return {**home_lists(context["request"].user), "user": context["request"].user}
