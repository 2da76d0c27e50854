"""What readers see of stories. Every public page reads through here, so "public" has one meaning."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from newsroom.stories.models import PhotoPlacement, Story


def _placements():
    return Prefetch("placements", queryset=PhotoPlacement.objects.select_related("photo"))


def listed_stories():
    """Published stories with what a listing shows: label, date, headline, summary, lead photo."""
    return Story.objects.published().select_related("collection").prefetch_related(_placements())


def current_news():
    return listed_stories().current()


def _with_everything_shown(stories):
    # A related story shows only its headline and link: its body (the bulk of a row) stays in the database.
    related = Prefetch(
        "related_stories", queryset=Story.objects.published().order_by("-published_at").only("slug", "headline")
    )
    return stories.select_related("collection").prefetch_related(_placements(), "tags", related, "corrections")


def story_for_reader(slug: str) -> Story:
    """A published story with its photos, tags, corrections and published related stories, or 404."""
    return get_object_or_404(_with_everything_shown(Story.objects.published()), slug=slug)


def story_for_preview(pk: int) -> Story:
    """Any story, whatever its state, with everything its page shows."""
    return get_object_or_404(_with_everything_shown(Story.objects.all()), pk=pk)


def lead_photo(story: Story):
    """The first placed photo, from the prefetched placements."""
    placements = list(story.placements.all())
    return placements[0].photo if placements else None
