"""Seeing a story before readers do: staff previews, and signed links for reviewers without an account."""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from newsroom.core.apstyle import ap_datetime
from newsroom.stories.models import Status

SALT = "newsroom.stories.preview"
CHANGES_SALT = "newsroom.stories.preview.changes"
LINK_LIFETIME = datetime.timedelta(days=settings.PREVIEW_LINK_DAYS)


class LinkExpired(Exception):
    pass


def staff_preview_url(story) -> str:
    return reverse("stories:preview", args=[story.pk])


def reviewer_link(story) -> str:
    """A link anyone can open until it expires; it names the story and nothing else."""
    return reverse("stories:reviewer-preview", args=[signing.dumps(story.pk, salt=SALT)])


def changes_preview_url(story) -> str:
    """A live story's unpublished changes, as readers will see them once published."""
    return reverse("stories:preview-changes", args=[story.pk])


def changes_reviewer_link(story) -> str:
    """A reviewer link to the unpublished changes; signed apart, so a link to the live version
    cannot be turned into one to the changes."""
    return reverse("stories:reviewer-preview-changes", args=[signing.dumps(story.pk, salt=CHANGES_SALT)])


def story_id_from_link(token: str, *, salt: str = SALT) -> int:
    """The story a reviewer link names; LinkExpired when it is too old, BadSignature when forged."""
    try:
        return signing.loads(token, salt=salt, max_age=LINK_LIFETIME)
    except signing.SignatureExpired:
        raise LinkExpired from None


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
    }[story.status]


def changes_notice(pending) -> str:
    """The banner of a preview of unpublished changes."""
    if pending.publish_at:
        return (
            f"Unpublished changes, scheduled for {ap_datetime(pending.publish_at)}: "
            "readers see the live version until then."
        )
    return "Unpublished changes: readers see the live version until an editor publishes them."
