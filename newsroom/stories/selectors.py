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


def story_for_reader(slug: str) -> Story:
    """A published story with its photos, tags and published related stories, or 404."""
    related = Prefetch("related_stories", queryset=Story.objects.published().order_by("-published_at"))
    queryset = Story.objects.published().select_related("collection").prefetch_related(
        _placements(), "tags", related
    )
    return get_object_or_404(queryset, slug=slug)


def lead_photo(story: Story):
    """The first placed photo, from the prefetched placements."""
    placements = list(story.placements.all())
    return placements[0].photo if placements else None
