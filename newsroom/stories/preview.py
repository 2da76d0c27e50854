"""Seeing a story before readers do: staff previews, and signed links for reviewers without an account."""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "newsroom.stories.preview"
LINK_LIFETIME = datetime.timedelta(days=settings.PREVIEW_LINK_DAYS)


class LinkExpired(Exception):
    pass


def staff_preview_url(story) -> str:
    return reverse("stories:preview", args=[story.pk])


def reviewer_link(story) -> str:
    """A link anyone can open until it expires; it names the story and nothing else."""
    return reverse("stories:reviewer-preview", args=[signing.dumps(story.pk, salt=SALT)])


def story_id_from_link(token: str) -> int:
    """The story a reviewer link names; LinkExpired when it is too old, BadSignature when forged."""
    try:
        return signing.loads(token, salt=SALT, max_age=LINK_LIFETIME)
    except signing.SignatureExpired:
        raise LinkExpired from None
