"""Changes to a story's workflow state. Admin actions, views and commands call these.

Each transition checks it is allowed from the story's current state, and records a revision
saying who did it and when.
"""

from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from newsroom.photos.models import PhotoAsset
from newsroom.photos.virin import VirinError, parse_virin
from newsroom.stories.importers.text_story import headline_key
from newsroom.stories.models import Action, Correction, PhotoPlacement, RelatedHeadline, Revision, Status, Story, Tag
from newsroom.stories.revisions import DATETIME_FIELDS, RESTORED_FIELDS, record_baseline, record_revision


def story_publication_problems(story: Story, *, needs_byline: bool = True) -> list[str]:
    """Everything that must be fixed before readers may see the story, in editor's words.

    ``needs_byline=False`` is for legacy imports only: those stories were public once already,
    and their saved text rarely names the writer.
    """
    required = [("Headline", story.headline), ("Summary", story.summary), ("Body", story.body)]
    if needs_byline:
        required.insert(2, ("Byline", story.byline))
    problems = [f"{label} is missing" for label, value in required if not value.strip()]
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


def _move(story: Story, *, to: Status, allowed_from: tuple, user, action: Action, fields=()) -> Story:
    record_baseline(story)
    if story.status not in allowed_from:
        names = ", ".join(Status(state).label.lower() for state in allowed_from)
        raise ValidationError(
            f"“{story.headline}” is {story.get_status_display().lower()}; only a story that is {names} can be "
            f"{action.label.lower()}.",
            code="wrong_state",
        )
    story.status = to
    story.version = F("version") + 1
    story.save(update_fields=["status", "version", "updated_at", *fields])
    story.refresh_from_db(fields=["version"])
    record_revision(story=story, user=user, action=action)
    return story


@transaction.atomic
def story_submit(*, story: Story, user) -> Story:
    """A writer hands a draft to the editors."""
    return _move(story, to=Status.IN_REVIEW, allowed_from=(Status.DRAFT,), user=user, action=Action.SUBMITTED)


@transaction.atomic
def story_publish(*, story: Story, user, at=None, needs_byline: bool = True) -> Story:
    """Publish now, or schedule for `at` (or the story's own publication time) when that is ahead.

    Refused with a ValidationError listing every missing item; nothing changes then.
    """
    problems = story_publication_problems(story, needs_byline=needs_byline)
    if problems:
        raise ValidationError(problems, code="not_ready")
    story.published_at = at or story.published_at or timezone.now()
    if story.expires_at and story.expires_at <= story.published_at:
        raise ValidationError("The expiry time must come after the publication time.", code="expires_first")
    action = Action.SCHEDULED if story.published_at > timezone.now() else Action.PUBLISHED
    return _move(
        story,
        to=Status.PUBLISHED,
        allowed_from=(Status.DRAFT, Status.IN_REVIEW, Status.WITHDRAWN, Status.PUBLISHED),
        user=user,
        action=action,
        fields=["published_at"],
    )


@transaction.atomic
def story_withdraw(*, story: Story, user) -> Story:
    """Take a story out of public view; it keeps its publication time for the record."""
    return _move(story, to=Status.WITHDRAWN, allowed_from=(Status.PUBLISHED,), user=user, action=Action.WITHDRAWN)


@transaction.atomic
def story_return_to_draft(*, story: Story, user) -> Story:
    """Send a story back for more work: from review, or off the site."""
    return _move(
        story,
        to=Status.DRAFT,
        allowed_from=(Status.IN_REVIEW, Status.PUBLISHED, Status.WITHDRAWN),
        user=user,
        action=Action.RETURNED,
    )


def keep_old_address(*, story: Story, old_slug: str) -> None:
    """A story readers may have seen keeps answering at its old address, with a permanent redirect."""
    if story.published_at is None:
        return  # never public: nobody can have linked to it
    site = Site.objects.get_current()
    old_path, new_path = reverse("stories:detail", args=[old_slug]), story.get_absolute_url()
    Redirect.objects.filter(site=site, new_path=old_path).update(new_path=new_path)  # earlier renames too
    Redirect.objects.filter(site=site, old_path=new_path).delete()  # the slug came back
    Redirect.objects.update_or_create(site=site, old_path=old_path, defaults={"new_path": new_path})


def link_waiting_related(story: Story) -> int:
    """Link ``story`` into every story whose "Related Stories" named its headline before it existed.

    Called after each save of a story (see apps.py), so an import, the admin or a restore all
    resolve waiting headlines the same way. Returns how many stories were linked.
    """
    waiting = RelatedHeadline.objects.filter(key=headline_key(story.headline)).exclude(story=story)
    linked = 0
    for wanted in waiting.select_related("story"):
        wanted.story.related_stories.add(story)
        wanted.delete()
        linked += 1
    return linked


@transaction.atomic
def revision_restore(*, revision: Revision, user) -> Story:
    """Put the story's content back as it was in `revision`, and record that as a new revision.

    Restores the headline, slug, label, summary, byline, body, publication and expiry times, tags,
    related stories, placed photos and corrections. It does not restore workflow state: status and
    the historical collection change only through the workflow services (stories.services and
    archive.services), so a restore never publishes, withdraws, archives or brings back a story.
    For the same reason a published story keeps its publication time when the revision has none
    (the story was a draft then).

    Tags, related stories and photos deleted since are skipped; `story.restore_skipped` names
    them, for the editor. Raises ValidationError, changing nothing, if the old content no longer
    passes the story's checks, for example when another story has taken the slug since. A changed
    slug keeps the old address answering, as an edit in the admin does.
    The restore is itself a revision (Action.RESTORED), so it can be undone the same way.
    """
    story = Story.objects.select_for_update().get(pk=revision.story_id)
    data = revision.snapshot
    published_at, old_slug = story.published_at, story.slug
    for name in RESTORED_FIELDS:
        value = data.get(name)
        setattr(story, name, parse_datetime(value) if name in DATETIME_FIELDS and value else value)
    if story.published_at is None and story.status == Status.PUBLISHED:
        story.published_at = published_at
    if story.slug != old_slug and Story.objects.filter(slug=story.slug).exclude(pk=story.pk).exists():
        raise ValidationError(
            {"slug": f"Another story now has the web address “{story.slug}”. Change that story's slug first."},
            code="slug_taken",
        )
    story.full_clean()
    story.version = F("version") + 1
    story.save(update_fields=[*RESTORED_FIELDS, "version", "updated_at"])
    if story.slug != old_slug:
        keep_old_address(story=story, old_slug=old_slug)

    skipped = []
    tags = Tag.objects.in_bulk(data.get("tags", []))
    skipped += [f"tag #{pk}" for pk in data.get("tags", []) if pk not in tags]
    story.tags.set(tags.values())

    related = Story.objects.exclude(pk=story.pk).in_bulk(data.get("related_stories", []))
    skipped += [f"related story #{pk}" for pk in data.get("related_stories", []) if pk not in related]
    story.related_stories.set(related.values())

    placements = data.get("placements", [])
    photos = PhotoAsset.objects.in_bulk({placement["photo"] for placement in placements})
    skipped += [
        f"the photo placed after paragraph {p['after_paragraph']} (photo #{p['photo']})"
        for p in placements
        if p["photo"] not in photos
    ]
    story.placements.all().delete()
    PhotoPlacement.objects.bulk_create(
        PhotoPlacement(
            story=story,
            photo=photos[p["photo"]],
            after_paragraph=p["after_paragraph"],
            order=p["order"],
            caption=p["caption"],
        )
        for p in placements
        if p["photo"] in photos
    )

    story.corrections.all().delete()
    Correction.objects.bulk_create(
        Correction(story=story, kind=c["kind"], noted_on=parse_date(c["noted_on"]), text=c["text"])
        for c in data.get("corrections", [])
    )

    story.refresh_from_db()
    record_revision(story=story, user=user, action=Action.RESTORED)
    story.restore_skipped = skipped
    return story
