"""Readers' feedback on the admin home (new messages, the latest yes/no counts, a statement due for
review) and a story's yes/no counts on its form."""

from django import template
from django.utils.html import format_html

from newsroom.feedback.models import StoryHelpfulness
from newsroom.feedback.selectors import latest_answers, new_messages, statement_review_due

register = template.Library()


@register.inclusion_tag("admin/feedback/home.html", takes_context=True)
def reader_feedback(context):
    """For those who answer readers (Editors, Site administrators); nothing for Writers."""
    user = context["request"].user
    if not (user.is_active and user.has_perm("feedback.view_feedbackmessage")):
        return {"shown": False}
    return {
        "shown": True,
        **new_messages(),
        "answers": latest_answers(),
        "review_due": statement_review_due() if user.has_perm("feedback.view_accessibilitystatement") else None,
        "may_review": user.has_perm("feedback.change_accessibilitystatement"),
    }


@register.simple_tag
def helpful_answers(story):
    """`Was this page helpful? Readers answered yes 12 times and no 3 times.` on a story's form."""
    if story is None or not story.pk:
        return ""
    counts = StoryHelpfulness.objects.filter(story=story).values("yes_count", "no_count").first()
    if counts is None:
        words = "No reader has answered yet."
    else:
        words = f"Readers answered yes {_times(counts['yes_count'])} and no {_times(counts['no_count'])}."
    return format_html('<p class="newsroom-helpful-answers"><strong>Was this page helpful?</strong> {}</p>', words)


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count:,} times"
