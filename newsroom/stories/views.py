import mimetypes
from functools import partial

from django.conf import settings
from django.contrib.auth.decorators import user_passes_test
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.generic import ListView

from newsroom.accounts.second_factor import staff_with_second_factor
from newsroom.core.cache import page_shows
from newsroom.core.pagination import ListingView, kept_count
from newsroom.core.planning import Number
from newsroom.photos.credentials import copy_credentials, signing_configured
from newsroom.photos.imaging import ACTION_WORDS
from newsroom.photos.models import PhotoAsset, embargoed_storage
from newsroom.photos.virin import VirinError, parse_virin
from newsroom.stories import embargo, preview, shown
from newsroom.stories.body import reader_blocks
from newsroom.stories.models import Label, Story
from newsroom.stories.selectors import (
    SORTED_AFTER_MATCHING,
    StoryRetracted,
    by_writer,
    current_news,
    first_listing_page,
    public_corrections,
    story_for_preview,
    story_for_reader,
    story_links,
    story_with_changes,
    tag_for_reader,
)

# Staff previews, like the admin, open only once the session has passed the second factor too;
# anyone else goes to the admin's login (which sends a signed-in editor on to their key).
staff_member_required = user_passes_test(staff_with_second_factor, login_url="admin:login")


class NewsListView(ListingView):
    """Current news, newest first: all of it, or one tag's, one label's or one writer's.

    Archived stories live in the archive section instead.
    """

    template_name = "stories/story_list.html"
    context_object_name = "stories"
    paginate_by = settings.NEWS_PER_PAGE
    tag = None

    def get_queryset(self):
        stories = news = current_news()
        self.count_key = "news"
        # A tag's or a writer's stories are part of all current news: its count, kept under the
        # news listing's own key, says whether sorting them beats walking the date index.
        self.whole_count = lambda: kept_count("news", news)
        self.shows = {shown.NEWS}
        self.heading = "News Stories"
        self.description = f"The latest news stories from {settings.SITE_NAME}, newest first."
        if "slug" in self.kwargs:
            self.tag = tag_for_reader(self.kwargs["slug"])
            self.heading = f"News Stories: {self.tag.name}"
            self.description = f"News stories about {self.tag.name} from {settings.SITE_NAME}, newest first."
            stories = stories.filter(tags=Number(self.tag.pk))  # a plan for this tag, kept (core/planning.py)
            self.count_key = f"news:tag:{self.tag.pk}"
            self.shows = {shown.tag_key(self.tag.pk), shown.tagged_key(self.tag.pk)}
            self.small_set_ordering = SORTED_AFTER_MATCHING
            self.first_page = partial(first_listing_page, tag_id=self.tag.pk)
        elif "label" in self.kwargs:
            if self.kwargs["label"] not in Label.values:
                raise Http404("No such kind of story.")
            label = Label(self.kwargs["label"])
            self.heading = f"{label.label} Stories"
            self.description = (
                f"{label.label} stories from {settings.SITE_NAME}, newest first, each with its summary and photo."
            )
            stories = stories.filter(label=label)
            self.first_page = partial(first_listing_page, label=label.value)
            self.count_key = f"news:label:{label}"
            self.shows = {shown.label_key(label)}
        elif "byline" in self.kwargs:
            stories = by_writer(stories, self.kwargs["byline"])
            if stories is None:
                raise Http404("No published story has that byline.")
            self.count_key = f"news:byline:{self.kwargs['byline']}"
            self.shows = {shown.BYLINES}
            self.small_set_ordering = SORTED_AFTER_MATCHING
            self.first_page = partial(first_listing_page, byline=self.kwargs["byline"])
        else:
            self.first_page = first_listing_page
        return stories

    def get_context_data(self, **kwargs):
        context = super().get_context_data(tag=self.tag, **kwargs)
        if "byline" in self.kwargs:
            # The page's newest story names the writer: no query of its own.
            if not context["stories"]:
                raise Http404("No published story has that byline.")
            writer = context["stories"][0].byline.split(",")[0]
            self.heading = f"Stories by {writer}"
            self.description = (
                f"News stories by {writer} for {settings.SITE_NAME}, newest first, each with its summary and photo."
            )
        context.update(heading=self.heading, description=self.description)
        page_shows(self.request, self.shows | shown.listed(context["stories"]))
        return context


class CorrectionsView(ListView):
    """Every correction to a public story, newest first: what the newsroom got wrong and put right."""

    template_name = "stories/corrections.html"
    context_object_name = "notes"
    paginate_by = settings.NEWS_PER_PAGE

    def get_queryset(self):
        return public_corrections()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page_shows(self.request, {shown.CORRECTIONS} | {shown.story_key(note.story_id) for note in context["notes"]})
        return context


def story_detail(request, slug):
    try:
        story = story_for_reader(slug)
    except StoryRetracted as gone:
        # Gone, and saying why: the retraction stays on the public record at the story's address.
        return render(request, "stories/retracted.html", {"story": gone.story, "note": gone.note}, status=410)
    page_shows(request, shown.story_page_shows(story))
    return _render_story(request, story)


def _render_story(request, story, *, preview_mode=False, notice=None):
    blocks = reader_blocks(story.body, story.placements.all(), story_links(story))
    if preview_mode and notice is None:
        notice = preview.notice(story)
    context = {"story": story, "blocks": blocks, "preview": notice or ""}
    return render(request, "stories/story_detail.html", context)


def _render_changes(request, pk, *, reviewer_token=""):
    """A live story's unpublished changes as readers will see them once published; 404 when it has none."""
    story, pending = story_with_changes(pk)
    _let_reviewer_see_photos(story, reviewer_token)
    return _render_story(request, story, preview_mode=True, notice=preview.changes_notice(pending))


def _let_reviewer_see_photos(story, reviewer_token):
    """A reviewer without an account sees the preview's embargoed photos through their link: each
    photo's copies are addressed with it (photo_copy checks it again for every picture)."""
    if reviewer_token:
        for placement in story.placements.all():
            placement.photo.reviewer_token = reviewer_token


# What a reviewer reads when their link no longer opens, by reason (preview.LinkUnusable.page).
UNUSABLE_LINK = {
    "expired": (
        "This preview link has expired",
        "Preview links work for a limited time. Ask the editor who sent it for a new one.",
    ),
    "revoked": (
        "This preview link was revoked",
        "The newsroom has withdrawn the preview links to this story. Ask the editor who sent it for a new one "
        "if you still need to see it.",
    ),
    "outdated": (
        "This preview link was made for an earlier version of the story",
        "The story has changed since this link was made; ask for a new link.",
    ),
}


def _reviewer_preview(request, token, *, salt, show):
    try:
        story = preview.story_from_link(token, salt=salt)
    except preview.LinkUnusable as unusable:
        heading, words = UNUSABLE_LINK[unusable.page]
        return render(request, "stories/preview_expired.html", {"heading": heading, "words": words}, status=410)
    except signing.BadSignature:
        raise Http404("No such preview link.") from None
    return show(story, token)


@never_cache
@staff_member_required
def changes_preview(request, pk):
    if not request.user.has_perm("stories.view_story"):
        raise PermissionDenied
    return _render_changes(request, pk)


@never_cache
def changes_reviewer_preview(request, token):
    return _reviewer_preview(
        request,
        token,
        salt=preview.CHANGES_SALT,
        show=lambda story, token: _render_changes(request, story.pk, reviewer_token=token),
    )


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

    def shown(story, token):
        story = story_for_preview(story.pk)
        _let_reviewer_see_photos(story, token)
        return _render_story(request, story, preview_mode=True)

    return _reviewer_preview(request, token, salt=preview.SALT, show=shown)


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
    stories = list(stories)
    keys = {shown.photo_key(photo.pk), shown.photo_uses_key(photo.pk)}
    page_shows(request, keys | {shown.story_key(story.pk) for story in stories})
    return _render(request, photo, stories)


def _render(request, photo, stories, preview=False):
    try:
        explained = parse_virin(photo.virin, lenient=True).explain()
    except VirinError:
        explained = []
    context = {
        "photo": photo,
        "stories": stories,
        "explained": explained,
        "preview": preview,
        # The listing thumbnail's: a few kilobytes to read, signed with the rest of the set. A site
        # that does not sign reads nothing for it.
        "credentials": copy_credentials(photo, "thumb.jpg") if signing_configured() else None,
    }
    return render(request, "photos/photo_detail.html", context)


def photo_credentials(request, virin):
    """What the Content Credentials of a photo's public copies say, read from the files themselves
    and validated by the C2PA library on the server: who signed them, whether they check out, the
    original they name and what was done to it. Readers may see it when they may see the photo."""
    if virin != virin.strip().upper():
        return redirect("photos:credentials", virin.strip().upper(), permanent=True)
    photo = get_object_or_404(PhotoAsset, virin=virin)
    preview = not Story.objects.published().filter(placements__photo=photo).exists()
    if preview and not staff_with_second_factor(request.user):
        raise Http404("No published story uses this photo.")
    copies = [(key, copy_credentials(photo, key)) for key in photo.renditions]
    full = dict(copies).get("full")
    context = {"photo": photo, "full": full, "copies": copies, "action_words": ACTION_WORDS, "preview": preview}
    if preview:
        return never_cache(render)(request, "photos/photo_credentials.html", context)
    page_shows(request, {shown.photo_key(photo.pk)})
    return render(request, "photos/photo_credentials.html", context)


@never_cache
def photo_copy(request, virin, key):
    """A copy of an embargoed photo (`key` names it in its renditions: "w800.webp", "full" ...).

    No published story uses the photo and no Editor has released it, so its copies are not in the
    public media folder and have no public URL: this view gives them to signed-in staff (the
    admin, previews), to a reviewer whose preview link shows the photo (`?link=`), and to readers
    once a story using it has become public (in the minute before publish_scheduled_changes moves
    the copies). Anyone else gets 404, as for a photo that does not exist. Never cached.
    Once the photo is public, this address redirects to its copy's public one.
    """
    photo = get_object_or_404(PhotoAsset, virin=virin)
    entry = photo.renditions.get(key)
    if entry is None:
        raise Http404("No such copy of this photo.")
    if photo.copies_public:
        return redirect(default_storage.url(entry["name"]))
    user = request.user
    staff = user.is_active and user.is_staff and user.has_perm("photos.view_photoasset")
    if not (
        staff or embargo.readers_may_see(photo) or photo.pk in preview.photos_a_link_shows(request.GET.get("link", ""))
    ):
        raise Http404("No published story uses this photo.")
    storage = embargoed_storage()
    if not storage.exists(entry["name"]) and default_storage.exists(entry["name"]):
        # Not moved yet (a site upgraded before rebuild_renditions ran): still staff's to see.
        storage = default_storage
    try:
        content = storage.open(entry["name"], "rb")
    except FileNotFoundError:
        raise Http404("This copy of the photo is missing; rebuild_renditions remakes it.") from None
    content_type = mimetypes.guess_type(entry["name"])[0] or "application/octet-stream"
    return FileResponse(content, content_type=content_type)
