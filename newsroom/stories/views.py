import re
import unicodedata

from django.conf import settings
from django.contrib.auth.decorators import user_passes_test
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.db.models.functions import Upper
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache

from newsroom.accounts.second_factor import staff_with_second_factor
from newsroom.core.pagination import ListingView
from newsroom.photos.models import PhotoAsset
from newsroom.photos.virin import VirinError, parse_virin
from newsroom.stories import preview
from newsroom.stories.body import reader_blocks
from newsroom.stories.models import Label, Story, Tag
from newsroom.stories.selectors import (
    current_news,
    story_for_preview,
    story_for_reader,
    story_links,
    story_with_changes,
)

# Newest first, written so that no index provides the order: for a few thousand stories among
# a million (a small tag's, one writer's) PostgreSQL then starts from those stories and sorts
# them. Published stories all have a date, so where nulls would go changes nothing.
SORTED_AFTER_MATCHING = [F("published_at").desc(nulls_last=True), F("id").desc()]

# Staff previews, like the admin, open only once the session has passed the second factor too;
# anyone else goes to the admin's login (which sends a signed-in editor on to their key).
staff_member_required = user_passes_test(staff_with_second_factor, login_url="admin:login")


def _upper_case_pattern(word: str) -> str:
    """A word of a byline's address as a pattern for UPPER(byline). A letter outside ASCII is
    either case (SQLite's UPPER, and PostgreSQL's under the C locale, change ASCII letters only),
    composed or not ("é" or "e" and its combining accent, as some keyboards and pastes write it)."""
    return "".join(char.upper() if char.isascii() else _letter_pattern(char) for char in word.lower())


def _letter_pattern(char: str) -> str:
    forms = {form for case in (char, char.upper()) for form in (case, unicodedata.normalize("NFD", case))}
    return "(" + "|".join(sorted(re.escape(form) for form in forms)) + ")"


class NewsListView(ListingView):
    """Current news, newest first: all of it, or one tag's, one label's or one writer's.

    Archived stories live in the archive section instead.
    """

    template_name = "stories/story_list.html"
    context_object_name = "stories"
    paginate_by = settings.NEWS_PER_PAGE
    tag = None

    def get_queryset(self):
        stories = current_news()
        self.count_key = "news"
        self.heading = "News Stories"
        self.description = f"The latest news stories from {settings.SITE_NAME}, newest first."
        if "slug" in self.kwargs:
            self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
            self.heading = f"News Stories: {self.tag.name}"
            self.description = f"News stories about {self.tag.name} from {settings.SITE_NAME}, newest first."
            stories = stories.filter(tags=self.tag)
            self.count_key = f"news:tag:{self.tag.pk}"
            self.small_set_ordering = SORTED_AFTER_MATCHING
        elif "label" in self.kwargs:
            if self.kwargs["label"] not in Label.values:
                raise Http404("No such kind of story.")
            label = Label(self.kwargs["label"])
            self.heading = f"{label.label} Stories"
            self.description = f"{label.label} stories from {settings.SITE_NAME}, newest first."
            stories = stories.filter(label=label)
            self.count_key = f"news:label:{label}"
        elif "byline" in self.kwargs:
            # A byline is free text ("Staff Sgt. Maria Delgado, Army"); its address is the
            # slug of the name (models.byline_slug), matched word by word whatever the
            # punctuation between. Matched in upper case, the form the byline's trigram index
            # holds, so PostgreSQL finds the writer's stories through it rather than testing
            # every story's byline.
            words = [word for word in self.kwargs["byline"].split("-") if word]
            if not words:
                raise Http404("No published story has that byline.")
            pattern = r"^" + r"[^A-Z0-9]+".join(_upper_case_pattern(word) for word in words) + r"([^A-Z0-9]|$)"
            by_writer = Story.objects.alias(byline_upper=Upper("byline")).filter(byline_upper__regex=pattern)
            stories = stories.filter(pk__in=by_writer.values("pk"))
            self.count_key = f"news:byline:{self.kwargs['byline']}"
            self.small_set_ordering = SORTED_AFTER_MATCHING
            first = stories.first()
            if first is None:
                raise Http404("No published story has that byline.")
            writer = first.byline.split(",")[0]
            self.heading = f"Stories by {writer}"
            self.description = f"News stories by {writer}, newest first."
        return stories

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, heading=self.heading, description=self.description, **kwargs)


def story_detail(request, slug):
    return _render_story(request, story_for_reader(slug))


def _render_story(request, story, *, preview_mode=False, notice=None):
    blocks = reader_blocks(story.body, story.placements.all(), story_links(story))
    if preview_mode and notice is None:
        notice = preview.notice(story)
    context = {"story": story, "blocks": blocks, "preview": notice or ""}
    return render(request, "stories/story_detail.html", context)


def _render_changes(request, pk):
    """A live story's unpublished changes as readers will see them once published; 404 when it has none."""
    story, pending = story_with_changes(pk)
    return _render_story(request, story, preview_mode=True, notice=preview.changes_notice(pending))


@never_cache
@staff_member_required
def changes_preview(request, pk):
    if not request.user.has_perm("stories.view_story"):
        raise PermissionDenied
    return _render_changes(request, pk)


@never_cache
def changes_reviewer_preview(request, token):
    try:
        story_id = preview.story_id_from_link(token, salt=preview.CHANGES_SALT)
    except preview.LinkExpired:
        return render(request, "stories/preview_expired.html", status=410)
    except signing.BadSignature:
        raise Http404("No such preview link.") from None
    return _render_changes(request, story_id)


@never_cache
@staff_member_required
def story_preview(request, pk):
    """The story exactly as readers will see it, whatever its state; staff only, never cached."""
    if not request.user.has_perm("stories.view_story"):
        raise PermissionDenied
    return _render_story(request, story_for_preview(pk), preview_mode=True)


@never_cache
def reviewer_preview(request, token):
    """The same preview, through a signed link for a reviewer without an account."""
    try:
        story_id = preview.story_id_from_link(token)
    except preview.LinkExpired:
        return render(request, "stories/preview_expired.html", status=410)
    except signing.BadSignature:
        raise Http404("No such preview link.") from None
    return _render_story(request, story_for_preview(story_id), preview_mode=True)


def photo_detail(request, virin):
    """A photo readers have met in a published story.

    Photos no published story uses may be embargoed, so readers get 404; staff see the page
    as a preview, marked as such and never cached.
    """
    if virin != virin.strip().upper():
        return redirect("photos:detail", virin.strip().upper(), permanent=True)
    photo = get_object_or_404(PhotoAsset, virin=virin)
    stories = Story.objects.published().filter(placements__photo=photo).order_by("-published_at")
    if not stories.exists():
        if not staff_with_second_factor(request.user):
            raise Http404("No published story uses this photo.")
        return never_cache(_render)(request, photo, stories, preview=True)
    return _render(request, photo, stories)


def _render(request, photo, stories, preview=False):
    try:
        explained = parse_virin(photo.virin, lenient=True).explain()
    except VirinError:
        explained = []
    context = {"photo": photo, "stories": stories, "explained": explained, "preview": preview}
    return render(request, "photos/photo_detail.html", context)
