"""Changes to a story's publication state. Admin actions, views and commands call these."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from newsroom.photos.virin import VirinError, parse_virin
from newsroom.stories.models import Status, Story


def story_publication_problems(story: Story) -> list[str]:
    """Everything that must be fixed before readers may see the story, in editor's words."""
    problems = [
        f"{label} is missing"
        for label, value in (
            ("Headline", story.headline),
            ("Summary", story.summary),
            ("Byline", story.byline),
            ("Body", story.body),
        )
        if not value.strip()
    ]
    for placement in story.placements.select_related("photo"):
        photo = placement.photo
        if not photo.alt_text.strip():
            problems.append(f"Photo {photo.virin} has no alt text")
        if not photo.is_credited:
            problems.append(f"Photo {photo.virin} needs a photographer and a credit organization")
        try:
            parse_virin(photo.virin)
        except VirinError as error:
            problems.append(f"Photo {photo.virin}: {error}")
    return problems


@transaction.atomic
def story_publish(*, story: Story, user, at=None) -> Story:
    """Publish now, or at `at` (or the story's own publication time) when that is ahead.

    Refused with a ValidationError listing every missing item; nothing changes then.
    """
    problems = story_publication_problems(story)
    if problems:
        raise ValidationError(problems, code="not_ready")
    story.status = Status.PUBLISHED
    story.published_at = at or story.published_at or timezone.now()
    story.full_clean()
    story.save(update_fields=["status", "published_at", "updated_at"])
    return story


@transaction.atomic
def story_withdraw(*, story: Story, user) -> Story:
    """Take a story out of public view; it keeps its publication time for the record."""
    story.status = Status.WITHDRAWN
    story.save(update_fields=["status", "updated_at"])
    return story
