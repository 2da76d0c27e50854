"""The story form's link to its notes page, saying how many threads are open."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from newsroom.notes.selectors import may_read_notes, note_counts

register = template.Library()


@register.simple_tag(takes_context=True)
def story_notes_link(context, story):
    """`<li><a …>Notes (2 open)</a></li>` for the story form's tools; nothing for a new story."""
    if story is None or not story.pk or not may_read_notes(context["request"].user, story):
        return ""
    counts = note_counts(story)
    words = f"Notes on this story ({counts['open']} open)" if counts["open"] else "Notes on this story"
    return format_html('<li><a href="{}">{}</a></li>', reverse("admin:notes_note_story", args=[story.pk]), words)
