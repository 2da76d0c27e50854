"""Seeing a story before readers do: staff previews, and signed links for reviewers without an account.

A reviewer link names the story, the story's preview generation when it was made, and a digest of
the content it was made for (the live version's, or the unpublished changes'). It stops working:

- after PREVIEW_LINK_DAYS (410, "This preview link has expired");
- once the links are revoked: the story form's "Revoke preview links", a withdrawal, a return to
  draft, the trash (each raises Story.preview_generation; 410, "This preview link was revoked");
- once what it shows has changed since it was made (410, "This preview link was made for an earlier
  version of the story; ask for a new link."). A reviewer asked to read a version reads that one,
  or is told it is gone: never, unknowingly, a later one nobody asked them to review. Workflow
  steps (submitted, scheduled, published) and a new publication time leave the content, and the
  link, as they were.
"""

import datetime
import hashlib
import json

from django.conf import settings
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from newsroom.core.apstyle import ap_datetime
from newsroom.stories.body import photo_blocks
from newsroom.stories.models import PendingChanges, Status, Story
from newsroom.stories.revisions import current_form, snapshot

SALT = "newsroom.stories.preview"
CHANGES_SALT = "newsroom.stories.preview.changes"
LINK_LIFETIME = datetime.timedelta(days=settings.PREVIEW_LINK_DAYS)
# What a reader of the preview reads: a change to any of these is a new version for a reviewer.
SHOWN = ("headline", "label", "summary", "byline", "body", "tags", "related_stories", "placements", "corrections")


class LinkUnusable(Exception):
    """A reviewer link that no longer opens; `page` says why, to the reviewer."""

    page = ""


class LinkExpired(LinkUnusable):
    page = "expired"


class LinkRevoked(LinkUnusable):
    page = "revoked"


class LinkOutdated(LinkUnusable):
    page = "outdated"


def staff_preview_url(story) -> str:
    return reverse("stories:preview", args=[story.pk])


def content_version(data: dict) -> str:
    """A short digest of what a preview of this snapshot shows."""
    data = current_form(data)
    shown = json.dumps({name: data.get(name) for name in SHOWN}, sort_keys=True, default=str)
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


def _token(story, data: dict, salt: str) -> str:
    return signing.dumps([story.pk, story.preview_generation, content_version(data)], salt=salt)


def reviewer_link(story) -> str:
    """A link anyone can open until it expires, is revoked or the story changes; it names the story
    and nothing else. Made from the story as stored (the admin's form may be showing its changes)."""
    stored = Story.objects.get(pk=story.pk)
    return reverse("stories:reviewer-preview", args=[_token(stored, snapshot(stored), SALT)])


def changes_preview_url(story) -> str:
    """A live story's unpublished changes, as readers will see them once published."""
    return reverse("stories:preview-changes", args=[story.pk])


def changes_reviewer_link(story) -> str:
    """A reviewer link to the unpublished changes; signed apart, so a link to the live version
    cannot be turned into one to the changes."""
    pending = PendingChanges.objects.select_related("story").get(story_id=story.pk)
    return reverse("stories:reviewer-preview-changes", args=[_token(pending.story, pending.snapshot, CHANGES_SALT)])


def story_from_link(token: str, *, salt: str = SALT) -> Story:
    """The story a reviewer link opens. LinkExpired, LinkRevoked or LinkOutdated when it no longer
    does; signing.BadSignature when it is forged; Http404 when the story is gone (or in the trash).
    A link made before links named their version is outdated."""
    try:
        payload = signing.loads(token, salt=salt, max_age=LINK_LIFETIME)
    except signing.SignatureExpired:
        raise LinkExpired from None
    if not (isinstance(payload, list) and len(payload) == 3):
        raise LinkOutdated
    story_id, generation, version = payload
    story = get_object_or_404(Story, pk=story_id, trashed_at__isnull=True)
    if generation != story.preview_generation:
        raise LinkRevoked
    if salt == CHANGES_SALT:
        pending = PendingChanges.objects.filter(story=story).first()
        if pending is None or content_version(pending.snapshot) != version:
            raise LinkOutdated
    elif content_version(snapshot(story)) != version:
        raise LinkOutdated
    return story


def photos_a_link_shows(token: str) -> set[int]:
    """The photos of the preview a working reviewer link opens (either kind); none for any other
    token. An embargoed photo's copies are served to whoever holds such a link."""
    for salt in (SALT, CHANGES_SALT):
        try:
            story = story_from_link(token, salt=salt)
        except (signing.BadSignature, LinkUnusable, Http404):
            continue
        if salt == CHANGES_SALT:
            return {block.photo_id for block in photo_blocks(story.pending_changes.snapshot.get("body") or "")}
        return set(story.placements.values_list("photo_id", flat=True))
    return set()


def notice(story, *, now=None) -> str:
    """What the preview's banner says of the story's state, as a sentence."""
    now = now or timezone.now()
    if story.status == Status.PUBLISHED:
        if story.published_at > now:
            return f"Scheduled: readers will see the story from {ap_datetime(story.published_at)}."
        if story.expires_at and story.expires_at <= now:
            return f"Expired: readers stopped seeing the story on {ap_datetime(story.expires_at)}."
        return "Published: readers see the story now."
    return {
        Status.DRAFT: "A draft: readers cannot see it yet.",
        Status.IN_REVIEW: "In review: readers cannot see it until an editor publishes it.",
        Status.WITHDRAWN: "Withdrawn: readers no longer see it.",
        Status.RETRACTED: "Retracted: readers get the retraction notice at its address.",
    }[story.status]


def changes_notice(pending) -> str:
    """The banner of a preview of unpublished changes."""
    if pending.publish_at:
        return (
            f"Unpublished changes, scheduled for {ap_datetime(pending.publish_at)}: "
            "readers see the live version until then."
        )
    return "Unpublished changes: readers see the live version until an editor publishes them."
