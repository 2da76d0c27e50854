import re
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.text import slugify

from newsroom.core.addresses import address
from newsroom.core.indexes import TrigramIndex
from newsroom.core.planning import Moment, Word
from newsroom.core.visible import VisibleSlugField, VisibleText
from newsroom.stories.body import validate_body


def byline_slug(name: str) -> str:
    """A writer's name as an address: its words, accents kept, joined by hyphens. Every mark
    between letters parts words, as the listing's match does (O'Brien is "o-brien", J.R. is
    "j-r"); slugify alone would drop the apostrophe and run the words together, and fold "José"
    into "jose", neither of which the byline matches any more."""
    return slugify(re.sub(r"\W+", " ", unicodedata.normalize("NFKC", name)), allow_unicode=True)


class Label(models.TextChoices):
    """The kind of story, printed above the headline (`NEWS | Sept. 22, 2020`)."""

    NEWS = "news", "News"
    FEATURE = "feature", "Feature"
    RELEASE = "release", "Release"
    ADVISORY = "advisory", "Advisory"
    TRANSCRIPT = "transcript", "Transcript"
    SPEECH = "speech", "Speech"


LABEL_NAMES = dict(Label.choices)


class Status(models.TextChoices):
    """Where a story is in the editorial workflow.

    "Scheduled" is not stored: it is a published story whose publication time is still
    ahead, so it goes live at that second with no job to flip it.
    """

    DRAFT = "draft", "Draft"
    IN_REVIEW = "review", "In review"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"
    # Taken back for good, saying why: unlike a withdrawn story, its address still answers, with
    # the retraction notice (410), and it never returns to any other state.
    RETRACTED = "retracted", "Retracted"


class ArchiveStatus(models.TextChoices):
    """Where a story stands with the historical collections (docs/DOMAIN.md section 5)."""

    CURRENT = "current", "Current"
    ARCHIVED = "archived", "In a historical collection"
    NEVER = "never", "Never archive"


class Tag(models.Model):
    name = models.CharField(
        max_length=80, unique=True, validators=[VisibleText("name")], help_text="For example “Disaster Response”."
    )
    slug = VisibleSlugField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("stories:tag", self.slug)


class StoryQuerySet(models.QuerySet):
    def published(self, *, now=None):
        """The one definition of what readers may see: published, its time come, not yet expired."""
        now = Moment(now or timezone.now())  # core/planning.py: one plan per listing, not one per request
        return self.filter(status=Word(Status.PUBLISHED), published_at__lte=now).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )

    def scheduled(self, *, now=None):
        return self.filter(status=Status.PUBLISHED, published_at__gt=now or timezone.now())

    def current(self):
        """Not in a historical collection: what current news listings show."""
        return self.exclude(archive_status=Word(ArchiveStatus.ARCHIVED))

    def archived(self):
        return self.filter(archive_status=Word(ArchiveStatus.ARCHIVED))


# Addresses under /news/ that are the site's own pages, not stories' (stories/urls.py lists them first).
RESERVED_SLUGS = frozenset({"corrections", "feed", "preview"})


def validate_story_slug_free(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(
            f"“{value}” is the address of one of the site's own pages under /news/; give the story another slug.",
            code="reserved_slug",
        )


class Story(models.Model):
    headline = models.CharField(
        max_length=200,
        validators=[VisibleText("headline")],
        help_text="The story's one headline, for example “Hospital Ship Wraps Up Mission”.",
    )
    slug = VisibleSlugField(
        max_length=200,
        validators=[validate_story_slug_free],
        help_text="The last part of the story's web address, made from the headline.",
    )
    label = models.CharField(max_length=20, choices=Label, default=Label.NEWS)
    summary = models.TextField(
        max_length=600,
        validators=[VisibleText("summary")],
        help_text="One or two sentences shown under the headline, in listings and in search results.",
    )
    byline = models.CharField(
        max_length=200,
        blank=True,
        validators=[VisibleText("byline")],
        help_text="Who wrote it, without “By”, for example “Jim Garamone, DOD News”.",
    )
    # Stored in the canonical form of docs/STORY_BODY.md: the write path cleans every save.
    body = models.TextField(
        blank=True,
        validators=[validate_body],
        help_text="Paragraphs, subheadings, lists, quotes, tables, links, photos and videos, in reading order.",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="stories")
    related_stories = models.ManyToManyField("self", symmetrical=False, blank=True, verbose_name="related stories")
    status = models.CharField(max_length=20, choices=Status, default=Status.DRAFT, editable=False)
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        help_text="When readers first see the story: “Save and schedule” publishes at a time ahead; “Save and publish now” at once.",
    )
    expires_at = models.DateTimeField(
        "expiry time",
        null=True,
        blank=True,
        help_text="Optional: when readers stop seeing the story, for example the end of an event.",
    )
    archive_status = models.CharField(
        max_length=20, choices=ArchiveStatus, default=ArchiveStatus.CURRENT, editable=False
    )
    collection = models.ForeignKey(
        "archive.Collection",
        verbose_name="historical collection",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="stories",
    )
    archived_at = models.DateTimeField("archived", null=True, blank=True, editable=False)
    # A draft readers never saw, deleted by an editor: kept TRASH_DAYS so it can be restored.
    trashed_at = models.DateTimeField("moved to the trash", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("created", auto_now_add=True)
    updated_at = models.DateTimeField("updated", auto_now=True)
    # Counts saves; an edit made from an older version is refused rather than overwriting.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Reviewer preview links carry the number they were made under; raising it (the story form's
    # "Revoke preview links", a withdrawal, a return to draft) makes every earlier link stop working.
    preview_generation = models.PositiveIntegerField("preview link generation", default=0, db_default=0, editable=False)

    objects = StoryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "stories"
        ordering = ["-published_at", "-id"]
        permissions = [
            ("publish_story", "Can publish, schedule and withdraw stories"),
            ("archive_story", "Can move stories into and out of historical collections"),
        ]
        get_latest_by = "published_at"
        # Every listing reads newest first; each has a partial index in exactly that order, so a
        # page is a short index walk and a count or a deep page never reads the table itself
        # (expires_at, which the filters also read, is the last column). Conditions are written as
        # StoryQuerySet.published()/current()/archived() write them, so PostgreSQL matches them.
        indexes = [
            models.Index(fields=["status", "archive_status", "-published_at"], name="story_listing_idx"),
            models.Index(
                fields=["-published_at", "-id", "expires_at"],
                name="story_current_news_idx",
                condition=models.Q(status=Status.PUBLISHED) & ~models.Q(archive_status=ArchiveStatus.ARCHIVED),
            ),
            models.Index(
                fields=["label", "-published_at", "-id", "expires_at"],
                name="story_label_news_idx",
                condition=models.Q(status=Status.PUBLISHED) & ~models.Q(archive_status=ArchiveStatus.ARCHIVED),
            ),
            models.Index(
                fields=["-published_at", "-id", "expires_at"],
                name="story_archive_idx",
                condition=models.Q(status=Status.PUBLISHED, archive_status=ArchiveStatus.ARCHIVED),
            ),
            models.Index(
                fields=["collection", "-published_at", "-id", "expires_at"],
                name="story_collection_idx",
                condition=models.Q(status=Status.PUBLISHED, archive_status=ArchiveStatus.ARCHIVED),
            ),
            # Search ranks among the newest matches of all published stories, archived ones too.
            models.Index(
                fields=["-published_at", "-id", "expires_at"],
                name="story_published_idx",
                condition=models.Q(status=Status.PUBLISHED),
            ),
            # The next moment readers' pages change by themselves (the page cache keeps nothing past
            # it): the next publication walks story_published_idx backward from now, the next expiry
            # this one, which holds only the few stories that have an expiry time.
            models.Index(
                fields=["expires_at"],
                name="story_expiry_idx",
                condition=models.Q(status=Status.PUBLISHED, expires_at__isnull=False),
            ),
            # The admin's changelist sorted by publication time (drafts, with no date, on top),
            # and its search by words in the headline, summary or byline.
            models.Index(fields=["-published_at", "-id"], name="story_changelist_idx"),
            # ... which opens on the stories changed last, all of them or those in one state.
            models.Index(fields=["-updated_at", "-id"], name="story_recently_changed_idx"),
            # ... leaving out the drafts in the trash, as the list does unless its trash filter is on.
            models.Index(
                fields=["-updated_at", "-id"], name="story_not_trashed_idx", condition=models.Q(trashed_at__isnull=True)
            ),
            models.Index(fields=["status", "-updated_at", "-id"], name="story_status_changed_idx"),
            TrigramIndex(fields=["headline"], name="story_headline_trgm_idx"),
            TrigramIndex(fields=["summary"], name="story_summary_trgm_idx"),
            TrigramIndex(fields=["byline"], name="story_byline_trgm_idx"),
        ]
        constraints = [
            models.UniqueConstraint("slug", name="story_slug_unique"),
            models.CheckConstraint(condition=models.Q(label__in=Label.values), name="story_label_valid"),
            models.CheckConstraint(condition=models.Q(status__in=Status.values), name="story_status_valid"),
            models.CheckConstraint(
                condition=models.Q(archive_status__in=ArchiveStatus.values), name="story_archive_status_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=Status.PUBLISHED) | models.Q(published_at__isnull=False),
                name="story_published_has_time",
                violation_error_message="A published story needs a publication time.",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__isnull=True)
                | models.Q(published_at__isnull=True)
                | models.Q(expires_at__gt=models.F("published_at")),
                name="story_expires_after_publication",
                violation_error_message="The expiry time must come after the publication time.",
            ),
            # In a collection exactly when archived, and then with the date it moved there.
            models.CheckConstraint(
                condition=models.Q(
                    archive_status=ArchiveStatus.ARCHIVED, collection__isnull=False, archived_at__isnull=False
                )
                | (
                    ~models.Q(archive_status=ArchiveStatus.ARCHIVED)
                    & models.Q(collection__isnull=True, archived_at__isnull=True)
                ),
                name="story_archived_in_collection",
            ),
        ]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return address("stories:detail", self.slug)

    @property
    def byline_name(self):
        """The writer in "Jim Garamone, DOD News"; the rest names their outlet."""
        return self.byline.split(",")[0].strip()

    @property
    def byline_outlet(self):
        """What follows the name, as written: ", DOD News"."""
        return self.byline.strip()[len(self.byline_name) :]

    def get_label_display(self):
        # Django's own makes a dictionary of the choices at every call; a listing asks twenty times.
        return LABEL_NAMES.get(self.label, self.label)

    @property
    def label_url(self):
        """The listing of stories of this kind (`/news/label/feature/`)."""
        return address("stories:label", self.label)

    @property
    def byline_url(self):
        """The listing of the writer's stories: `/news/by/jim-o-brien/`, `/news/by/josé-núñez/`."""
        slug = byline_slug(self.byline_name)
        return address("stories:byline", slug) if slug else ""

    @property
    def is_archived(self):
        return self.archive_status == ArchiveStatus.ARCHIVED

    def is_public(self, *, now=None):
        now = now or timezone.now()
        return (
            self.status == Status.PUBLISHED
            and self.published_at <= now
            and (self.expires_at is None or self.expires_at > now)
        )

    @property
    def last_updated(self):
        """The date of the newest correction or update note, which readers see as "Updated"."""
        notes = list(self.corrections.all())
        return max((note.noted_on for note in notes), default=None)

    @property
    def updated_on(self):
        """The "Updated" date readers see: the newest note's, when it is a later day than publication."""
        updated = self.last_updated
        if updated and self.published_at and updated > timezone.localdate(self.published_at):
            return updated
        return None

    @property
    def is_scheduled(self):
        return self.status == Status.PUBLISHED and self.published_at > timezone.now()


class PhotoPlacement(models.Model):
    """A photo block of a story's body, as a row: what asks which photos a story uses (the lead
    photo, publication checks, search, sitemaps, a photo's "Used in") asks these.

    The body is what the editor writes; the write path (services.py) keeps these rows in step with
    its photo blocks, and nothing else writes them.
    """

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="placements")
    photo = models.ForeignKey("photos.PhotoAsset", on_delete=models.PROTECT, related_name="placements")
    order = models.PositiveSmallIntegerField(
        "position", default=0, help_text="Its place among the story's photos, in reading order: 0 is the first."
    )
    caption = models.TextField(
        "caption in this story",
        blank=True,
        help_text="Optional; replaces the photo's own caption in this story only.",
    )

    class Meta:
        verbose_name = "placed photo"
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                "story",
                "photo",
                name="placement_photo_once_per_story",
                violation_error_message="This photo is already placed in the story.",
            ),
        ]

    def __str__(self):
        return f"{self.photo.virin}, photo {self.order + 1} in the story"

    @property
    def shown_caption(self):
        return self.caption or self.photo.caption


class RelatedHeadline(models.Model):
    """A "Related Stories" headline an imported story names before that story exists.

    Kept, not dropped, so the link is made when a story with that headline arrives
    (services._link_waiting_related), whichever way it arrives.
    """

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="waiting_related")
    headline = models.CharField(max_length=300)
    # headline_key(headline): what matches despite case, quotes and spacing.
    key = models.CharField(max_length=300, db_index=True, editable=False)

    class Meta:
        verbose_name = "related story not found yet"
        verbose_name_plural = "related stories not found yet"
        ordering = ["story", "id"]
        constraints = [models.UniqueConstraint("story", "key", name="related_headline_once_per_story")]

    def __str__(self):
        return self.headline


class Action(models.TextChoices):
    """What a revision records: a plain save, or a step in the workflow."""

    SAVED = "saved", "Saved"
    SUBMITTED = "submitted", "Submitted for review"
    PUBLISHED = "published", "Published"
    SCHEDULED = "scheduled", "Scheduled"
    WITHDRAWN = "withdrawn", "Withdrawn"
    RETRACTED = "retracted", "Retracted"
    RETURNED = "returned", "Returned to draft"
    ARCHIVED = "archived", "Moved to a historical collection"
    UNARCHIVED = "unarchived", "Brought back from a historical collection"
    MARKED_NEVER_ARCHIVE = "never_archive", "Marked never to archive"
    ALLOWED_ARCHIVE = "archive_allowed", "Allowed to be archived"
    RESTORED = "restored", "Restored from an earlier revision"
    TRASHED = "trashed", "Moved to the trash"
    UNTRASHED = "untrashed", "Taken out of the trash"
    # A live story's next version, kept apart until an editor publishes it (PendingChanges).
    CHANGES_SAVED = "changes_saved", "Saved changes, not yet published"
    CHANGES_SUBMITTED = "changes_submitted", "Changes submitted for review"
    CHANGES_SCHEDULED = "changes_scheduled", "Changes scheduled"
    CHANGES_PUBLISHED = "changes_published", "Published changes"
    CHANGES_DISCARDED = "changes_discarded", "Discarded unpublished changes"


# Revisions that record a live story's pending version, not the story as readers see it.
PENDING_ACTIONS = frozenset({Action.CHANGES_SAVED, Action.CHANGES_SUBMITTED, Action.CHANGES_SCHEDULED})


class Revision(models.Model):
    """A story as it stood after one save or workflow step: who, when, what changed, and all of it."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    action = models.CharField(max_length=20, choices=Action, default=Action.SAVED)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    changed_fields = models.JSONField(default=list, blank=True)
    snapshot = models.JSONField(help_text="Every editable field, tags, related stories and placed photos.")
    # The checks before publishing, on a revision that published or scheduled the story: what was
    # checked, what was found, and who published past the warnings and why (stories/checks.py).
    publish_checks = models.JSONField(default=dict, blank=True)
    # Why a workflow step was taken: required to withdraw a story or return it to draft.
    reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["story", "-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint("story", "number", name="revision_number_unique_per_story"),
            models.CheckConstraint(condition=models.Q(action__in=Action.values), name="revision_action_valid"),
        ]

    def __str__(self):
        return f"Revision {self.number} of “{self.story}”"


class PendingChanges(models.Model):
    """The next version of a published story, prepared while readers keep seeing the live one.

    The Story row keeps the live content, so everything readers get (pages, the page cache, feeds,
    search, sitemaps, JSON-LD) reads it unchanged; this holds the pending content as a revision's
    snapshot does, until services.story_publish_changes writes it into the story.
    """

    story = models.OneToOneField(Story, on_delete=models.CASCADE, related_name="pending_changes")
    snapshot = models.JSONField(help_text="The story's fields, tags and related stories as they will be.")
    submitted_at = models.DateTimeField("submitted for review", null=True, blank=True)
    publish_at = models.DateTimeField(
        "changes publish at",
        null=True,
        blank=True,
        help_text="When the changes go live (manage.py publish_scheduled_changes, run every minute).",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "unpublished changes"
        verbose_name_plural = "unpublished changes"
        indexes = [
            models.Index(
                fields=["publish_at"], name="pending_publish_at_idx", condition=models.Q(publish_at__isnull=False)
            )
        ]

    def __str__(self):
        return f"Unpublished changes to “{self.story}”"


class NoteKind(models.TextChoices):
    CORRECTION = "correction", "Correction"
    UPDATE = "update", "Update"
    # Written by the Retract step only (services.story_retract): the reason readers read.
    RETRACTION = "retraction", "Retraction"


class Correction(models.Model):
    """A dated correction or update, shown to readers at the end of the story."""

    story = models.ForeignKey(Story, on_delete=models.CASCADE, related_name="corrections")
    kind = models.CharField(max_length=20, choices=NoteKind, default=NoteKind.CORRECTION)
    noted_on = models.DateField("date", default=timezone.localdate)
    text = models.TextField(
        help_text="What changed, for example “An earlier version misstated the number of patients treated.”"
    )
    # A note added to a live story waits with its unpublished changes (PendingChanges) and goes
    # out with them: a correction must never reach readers before the fix it describes.
    pending = models.BooleanField(
        "waits for the changes to be published", default=False, db_default=False, editable=False
    )

    class Meta:
        verbose_name = "correction or update"
        verbose_name_plural = "corrections and updates"
        ordering = ["noted_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=NoteKind.values), name="correction_kind_valid"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}, {self.noted_on}"
