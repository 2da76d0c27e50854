"""Generated newsroom content at any scale, for benchmarks and load tests (`manage.py generate_content`).

Stories read like a defense newsroom's: labels, bylines, bodies of 7-15 paragraphs (600-1,200
words) with subheadings, and in some a bulleted list or a pull quote, two photos in the body and
five related stories each, a few tags each from a few hundred,
publication dates over fifteen years, the oldest in historical collections, a few drafts,
stories in review, withdrawn and scheduled ones. Photos are records only (VIRIN, title,
caption, alt text, photographer, credit, date, place, keywords) with no image file, so pages
show "Image not available" where the picture would be.

Everything comes from the seed: the same seed, counts and end date give the same rows. Each
table has its own random stream, so the tables are written one after another without keeping
a million stories in memory. Ids are assigned here (the tables start empty), which lets the
join tables be written without reading anything back.

PostgreSQL gets every table through COPY and the search documents through one INSERT ... SELECT
per range of stories, computed by the same to_tsvector weighting as search/indexing.py; other
databases (SQLite in development) get bulk_create batches and no search documents, as there.
"""

from __future__ import annotations

import array
import datetime
import hashlib
import html
import json
import random
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, connections, models, transaction
from django.utils import timezone

from newsroom.archive.models import Collection
from newsroom.bundles.restore import timestamps_as_given
from newsroom.core.apstyle import ap_date
from newsroom.core.cache import retire_pages
from newsroom.demo.words import (
    COUNTRIES,
    EXERCISE_FIRST,
    EXERCISE_SECOND,
    FIRST_NAMES,
    HEADLINES,
    LAST_NAMES,
    LIST_ITEMS,
    OFFICIALS,
    OUTLETS,
    PHOTO_ACTIONS,
    PHOTO_TITLES,
    PLACES,
    QUOTES,
    SENTENCES,
    SERVICE_WEIGHTS,
    SERVICES,
    SUBHEADINGS,
    SUMMARIES,
    TOPICS,
    UNIT_KINDS,
    slug_words,
    tag_names,
)
from newsroom.photos.imaging import RENDITION_SPECS
from newsroom.photos.models import PhotoAsset, original_name
from newsroom.photos.renditions import copies_folder
from newsroom.search.indexing import CONFIG, WEIGHTS, index_in_use
from newsroom.search.models import StorySearchDocument
from newsroom.stories.models import ArchiveStatus, Label, PhotoPlacement, Status, Story, Tag

YEARS = 15
PHOTOS_PER_STORY = 2
RELATED_PER_STORY = 5
# Shares of stories that are not simply published. Scheduled ones go live after `until`.
DRAFT_SHARE = 0.002
REVIEW_SHARE = 0.001
WITHDRAWN_SHARE = 0.001
SCHEDULED_SHARE = 0.001
NEVER_ARCHIVE_SHARE = 0.01
SCHEDULED = "scheduled"  # not a stored status: published, its time after `until`
# Stories published before the last two four-year terms are in a historical collection.
CURRENT_TERMS = 2
COPY_BATCH = 20_000  # rows per bulk_create batch, and stories per search-document statement

LABEL_WEIGHTS = {
    Label.NEWS: 70,
    Label.FEATURE: 12,
    Label.RELEASE: 10,
    Label.ADVISORY: 3,
    Label.TRANSCRIPT: 3,
    Label.SPEECH: 2,
}

# --------------------------------------------------------------------------- the plan


@dataclass(frozen=True)
class Plan:
    """What to generate: counts, the seed, and the newest publication day."""

    stories: int
    photos: int
    seed: int = 1
    until: datetime.date = field(default_factory=timezone.localdate)
    # Each photo recorded with the full set of public copies a made photo has (the files are not written).
    photo_copies: bool = False

    def rng(self, stream: str) -> random.Random:
        """One random stream per table, so each table is written independently of the others."""
        return random.Random(f"{self.seed}:{stream}")


@dataclass
class Generated:
    stories: int = 0
    photos: int = 0
    tags: int = 0
    collections: int = 0
    placements: int = 0
    story_tags: int = 0
    related: int = 0
    search_documents: int = 0


class Writer:
    """The words of the generated newsroom: people, units and places, and a pool of body blocks.

    Blocks (paragraphs, then subheadings, bulleted lists and pull quotes) come from a pool made
    once, each as its HTML in the canonical form (docs/STORY_BODY.md) and its text as
    stories.body.body_text reads it, so a million bodies cost a join each; the pool is large
    enough that neighbouring stories rarely share a paragraph.
    """

    POOL = 6000  # paragraphs
    SUBHEADINGS, LISTS, QUOTES = 300, 600, 600

    def __init__(self, plan: Plan):
        rng = plan.rng("words")
        self.rng = rng
        self.writers = [
            f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}, {rng.choice(OUTLETS)}" for _ in range(300)
        ]
        self.officials = [
            f"{rng.choice(OFFICIALS)} {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(400)
        ]
        ordinals = [_ordinal(n) for n in range(1, 121)]
        self.units = [f"{rng.choice(ordinals)} {rng.choice(UNIT_KINDS)}" for _ in range(600)]
        self.exercises = [f"Exercise {rng.choice(EXERCISE_FIRST)} {rng.choice(EXERCISE_SECOND)}" for _ in range(200)]
        self.photographers = self._photographers(rng, 2000)
        blocks = [self.paragraph(rng) for _ in range(self.POOL)]
        self.first_subheading = len(blocks)
        blocks += [self.subheading(rng) for _ in range(self.SUBHEADINGS)]
        self.first_list = len(blocks)
        blocks += [self.bulleted_list(rng) for _ in range(self.LISTS)]
        self.first_quote = len(blocks)
        blocks += [self.pull_quote(rng) for _ in range(self.QUOTES)]
        self.block_html = [markup for markup, _ in blocks]
        self.block_text = [text for _, text in blocks]
        self.pool_numbers = range(self.POOL)

    @staticmethod
    def _photographers(rng, count):
        """(name with rank, credit, service letter, originator ID); IDs are two letters and three digits."""
        letters = "ABCDEFGHJKLMNPRSTUVWXY"
        seen, people = set(), []
        while len(people) < count:
            originator = f"{rng.choice(letters)}{rng.choice(letters)}{rng.randrange(100, 1000)}"
            if originator in seen:
                continue
            seen.add(originator)
            credit, letter, ranks = rng.choices(SERVICES, weights=SERVICE_WEIGHTS)[0]
            rank = rng.choice(ranks)
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            people.append((f"{rank} {name}".strip(), credit, letter, originator))
        return people

    def slots(self, rng, when: datetime.date | None = None) -> dict:
        city, state = rng.choice(PLACES)
        topic = rng.choice(TOPICS)
        return {
            "official": rng.choice(self.officials),
            "unit": rng.choice(self.units),
            "place": f"{city}, {state}",
            "city": city,
            "state": state,
            "country": rng.choice(COUNTRIES),
            "exercise": rng.choice(self.exercises),
            "topic": topic,
            "n": rng.randrange(120, 4000),
            "n2": rng.randrange(3, 60),
            "n3": rng.randrange(2, 30),
            "month": rng.choice(
                (
                    "January",
                    "February",
                    "March",
                    "April",
                    "May",
                    "June",
                    "July",
                    "August",
                    "September",
                    "October",
                    "November",
                    "December",
                )
            ),
            "year": rng.randrange(1990, 2024),
            "date": ap_date(when) if when else "Monday",
        }

    def paragraph(self, rng) -> tuple[str, str]:
        slots = self.slots(rng)
        text = " ".join(template.format(**slots) for template in rng.sample(SENTENCES, rng.randint(4, 6)))
        return f"<p>{html.escape(text, quote=False)}</p>", text

    def subheading(self, rng) -> tuple[str, str]:
        title = {key.capitalize(): _title(value) for key, value in self.slots(rng).items()}
        text = rng.choice(SUBHEADINGS).format(**title)
        return f"<h2>{html.escape(text, quote=False)}</h2>", text

    def bulleted_list(self, rng) -> tuple[str, str]:
        slots = self.slots(rng)
        items = [template.format(**slots) for template in rng.sample(LIST_ITEMS, rng.randint(3, 5))]
        markup = "".join(f"<li><p>{html.escape(item, quote=False)}</p></li>" for item in items)
        return f"<ul>{markup}</ul>", "\n\n".join(items)

    def pull_quote(self, rng) -> tuple[str, str]:
        text = rng.choice(QUOTES).format(**self.slots(rng))
        return f'<blockquote class="pull-quote"><p>{html.escape(text, quote=False)}</p></blockquote>', text

    def headline_and_summary(self, rng, when: datetime.date) -> tuple[str, str]:
        slots = self.slots(rng, when)
        title = {key.capitalize(): _title(value) for key, value in slots.items()}
        headline = rng.choice(HEADLINES).format(**title)
        summary = rng.choice(SUMMARIES).format(**slots)
        return headline, summary[0].upper() + summary[1:]

    def body(self, rng, photo_ids: list[int]) -> tuple[str, list[int]]:
        """A body of 7-15 paragraphs from the pool, a subheading before a later part (two in a long
        story), a bulleted list in two stories of five and a pull quote in half; the first photo
        above it all and the second further down. Returns the HTML and the pool blocks it is made
        of, in order (search indexes them by pool number)."""
        count = rng.randint(7, 15)
        chosen = rng.choices(self.pool_numbers, k=count)
        heading = rng.randint(3, count // 2 if count >= 11 else count - 2)
        extras = [(heading, self.first_subheading + rng.randrange(self.SUBHEADINGS))]
        if count >= 11:
            extras.append(
                (rng.randint(heading + 2, count - 1), self.first_subheading + rng.randrange(self.SUBHEADINGS))
            )
        if rng.random() < 0.4:
            extras.append((rng.randint(2, count - 1), self.first_list + rng.randrange(self.LISTS)))
        if rng.random() < 0.5:
            extras.append((rng.randint(1, count - 1), self.first_quote + rng.randrange(self.QUOTES)))
        for position, number in sorted(extras, reverse=True):
            chosen.insert(position, number)
        blocks = [self.block_html[number] for number in chosen]
        if len(photo_ids) > 1:
            blocks.insert(rng.randint(2, len(blocks) - 1), f'<figure data-photo="{photo_ids[1]}"></figure>')
        if photo_ids:
            blocks.insert(0, f'<figure data-photo="{photo_ids[0]}"></figure>')
        return "".join(blocks), chosen


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _title(value) -> str:
    if not isinstance(value, str):
        return str(value)
    small = {"the", "of", "for", "and", "in", "on", "to", "a"}
    words = value.split()
    return " ".join(w if (i and w in small) else w[:1].upper() + w[1:] for i, w in enumerate(words))


# --------------------------------------------------------------------------- dates and states


def publication_times(plan: Plan) -> list[datetime.datetime]:
    """Each story's publication time, oldest first (ids follow), spread over the last fifteen years.

    Newsrooms publish on weekdays in office hours, mostly; so do these.
    """
    rng = plan.rng("dates")
    end = timezone.make_aware(datetime.datetime.combine(plan.until, datetime.time(17, 0)), datetime.UTC)
    span = datetime.timedelta(days=365 * YEARS).total_seconds()
    start = end - datetime.timedelta(seconds=span)
    offsets = sorted(rng.random() * span for _ in range(plan.stories))
    return [start + datetime.timedelta(seconds=round(offset)) for offset in offsets]


def term_collections(plan: Plan) -> list[tuple[str, str, datetime.date, datetime.date]]:
    """Historical collections, one per four-year term before the current ones: (name, slug, from, before)."""
    latest_term = plan.until.year - (plan.until.year - 1) % 4  # terms start in 2021, 2025, ...
    first_year = plan.until.year - YEARS - 4
    terms = []
    start = latest_term - 4 * CURRENT_TERMS
    while start + 4 > first_year:
        terms.append(
            (
                f"{start}-{start + 4} Administration (Generated)",
                f"generated-{start}-{start + 4}-administration",
                datetime.date(start, 1, 20),
                datetime.date(start + 4, 1, 20),
            )
        )
        start -= 4
    return terms


def unpublished_states(plan: Plan) -> dict[int, str]:
    """Which stories (by index) are drafts, in review, scheduled or withdrawn; the rest are published.

    Drafts, stories in review and scheduled ones are among the newest, as in a real newsroom;
    a withdrawn story can be of any age. From 20 stories up there is at least one of each.
    """
    count = plan.stories
    if count < 20:
        return {}
    rng = plan.rng("states")
    newest = range(count - max(20, count // 20), count)
    wanted = {Status.DRAFT: DRAFT_SHARE, Status.IN_REVIEW: REVIEW_SHARE, SCHEDULED: SCHEDULED_SHARE}
    states = {}
    for state, share in wanted.items():
        for index in rng.sample(newest, max(1, round(count * share))):
            states.setdefault(index, state)
    for index in rng.sample(range(count), max(1, round(count * WITHDRAWN_SHARE))):
        states.setdefault(index, Status.WITHDRAWN)
    return states


# --------------------------------------------------------------------------- rows


# A photo recorded with copies (Plan.photo_copies) is a 24-megapixel camera's 6000x4000 JPEG.
COPIED_WIDTH, COPIED_HEIGHT = 6000, 4000
# Bytes a pixel of each copy takes, about what bench/renditions.py's photo-like picture gives.
_BYTES_PER_PIXEL = {"jpeg": 0.11, "webp": 0.045}


def copy_records(virin: str, full_size: int) -> dict:
    """The renditions record the worker leaves for a 6000x4000 photo (photos/renditions.py): each
    copy's storage name with a content hash, its size in pixels and in bytes. No file is written."""
    folder = copies_folder(virin)

    def entry(stem, extension, width, height, size):
        digest = hashlib.sha256(f"{virin}/{stem}.{extension}".encode()).hexdigest()[:10]
        return {"name": f"{folder}/{stem}.{digest}.{extension}", "width": width, "height": height, "bytes": size}

    records = {"full": entry("full", "jpg", COPIED_WIDTH, COPIED_HEIGHT, full_size)}
    for spec in RENDITION_SPECS:
        width, height = spec.width, spec.height or round(COPIED_HEIGHT * spec.width / COPIED_WIDTH)
        for image_format in spec.formats:
            extension = "jpg" if image_format == "jpeg" else image_format
            size = round(width * height * _BYTES_PER_PIXEL[image_format])
            records[f"{spec.name}.{extension}"] = entry(spec.name, extension, width, height, size)
    return records


class Rows:
    """The rows of every table, as tuples in the column order of `*_FIELDS`, produced lazily."""

    STORY_FIELDS = (
        "id",
        "headline",
        "slug",
        "label",
        "summary",
        "byline",
        "body",
        "status",
        "published_at",
        "expires_at",
        "archive_status",
        "collection_id",
        "archived_at",
        "created_by_id",
        "created_at",
        "updated_at",
        "version",
    )
    PHOTO_FIELDS = (
        "id",
        "original",
        "width",
        "height",
        "file_size",
        "file_hash",
        "renditions",
        "virin",
        "virin_notes",
        "title",
        "caption",
        "alt_text",
        "photographer",
        "credit",
        "date_taken",
        "place",
        "keywords",
        "metadata_sources",
        "copies_public",
        "released_at",
        "uploaded_by_id",
        "created_at",
        "updated_at",
    )
    PLACEMENT_FIELDS = ("story_id", "photo_id", "order", "caption")
    STORY_TAG_FIELDS = ("story_id", "tag_id")
    RELATED_FIELDS = ("from_story_id", "to_story_id")

    def __init__(
        self,
        plan: Plan,
        *,
        first_story_id: int,
        first_photo_id: int,
        tag_ids: list[int],
        collections: list[tuple[int, datetime.datetime, datetime.datetime]],
    ):
        self.plan = plan
        self.writer = Writer(plan)
        self.times = publication_times(plan)
        self.first_story_id = first_story_id
        self.first_photo_id = first_photo_id
        self.tag_ids = tag_ids
        # (collection id, from, before); the archive moved them a month after the term ended.
        self.collections = collections
        # Which pool blocks each story's body is made of, in order, flat: search documents are
        # assembled from the blocks' own vectors and text instead of re-reading every body.
        self.block_counts = bytearray(plan.stories)
        self.body_blocks = array.array("H")

    def story_id(self, index: int) -> int:
        return self.first_story_id + index

    def photo_indexes(self, index: int) -> list[int]:
        """The photos placed in story `index`: photos are made in story order, two a story."""
        count = self.plan.photos
        if not count:
            return []
        return sorted({(PHOTOS_PER_STORY * index + k) % count for k in range(PHOTOS_PER_STORY)})

    def stories(self):
        rng = self.plan.rng("stories")
        writer = self.writer
        labels, weights = list(LABEL_WEIGHTS), list(LABEL_WEIGHTS.values())
        collections = self.collections
        until = timezone.make_aware(datetime.datetime.combine(self.plan.until, datetime.time(23, 59)), datetime.UTC)
        states = unpublished_states(self.plan)
        for index, published_at in enumerate(self.times):
            story_id = self.story_id(index)
            headline, summary = writer.headline_and_summary(rng, published_at.date())
            photo_ids = [self.first_photo_id + photo for photo in self.photo_indexes(index)]
            body, blocks = writer.body(rng, photo_ids)
            self.block_counts[index] = len(blocks)
            self.body_blocks.extend(blocks)
            status = states.get(index, Status.PUBLISHED)
            if status in (Status.DRAFT, Status.IN_REVIEW):
                published_at = None
            elif status == SCHEDULED:
                status = Status.PUBLISHED
                published_at = until + datetime.timedelta(days=rng.randint(1, 14), hours=rng.randint(0, 10))
            written = (published_at or self.times[index]) - datetime.timedelta(hours=rng.randint(2, 72))
            archive_status, collection_id, archived_at = ArchiveStatus.CURRENT, None, None
            if rng.random() < NEVER_ARCHIVE_SHARE:
                archive_status = ArchiveStatus.NEVER
            elif published_at is not None:
                for pk, start, before in collections:
                    if start <= published_at < before:
                        archive_status, collection_id = ArchiveStatus.ARCHIVED, pk
                        archived_at = before + datetime.timedelta(days=30)
                        break
            yield (
                story_id,
                headline,
                f"{slug_words(headline)[:150]}-{story_id}",
                rng.choices(labels, weights)[0],
                summary,
                rng.choice(writer.writers),
                body,
                status,
                published_at,
                None,
                archive_status,
                collection_id,
                archived_at,
                None,
                written,
                published_at or written,
                1,
            )

    def photos(self):
        rng = self.plan.rng("photos")
        writer = self.writer
        stories = self.plan.stories
        sequences: dict[tuple, int] = {}
        for index in range(self.plan.photos):
            story_index = index // PHOTOS_PER_STORY
            if story_index < stories:
                taken_at = self.times[story_index] - datetime.timedelta(days=rng.randint(0, 3))
            else:  # more photos than stories use: library photos from any day
                taken_at = self.times[rng.randrange(stories)] if stories else timezone.now()
            taken = taken_at.date()
            photographer, credit, letter, originator = rng.choice(writer.photographers)
            # Scene 1-9 and item 001-999 per photographer per day, as a photographer numbers a shoot.
            key = (taken, originator)
            number = sequences.get(key, 0)
            if number >= 9 * 999:
                raise ValueError(f"Too many photos on {taken} for {originator}; ask for fewer photos.")
            sequences[key] = number + 1
            virin = f"{taken:%y%m%d}-{letter}-{originator}-{number // 999 + 1}{number % 999 + 1:03d}"
            city, state = rng.choice(PLACES)
            action, alt_text = rng.choice(PHOTO_ACTIONS)
            unit = rng.choice(writer.units)
            exercise = rng.choice(writer.exercises)
            caption = (
                f"{photographer.split(' ', 1)[-1] if credit == 'DOD' else 'A service member'} with the {unit} "
                f"{action} during {exercise} in {city}, {state}, {ap_date(taken)}."
            )
            keywords = ", ".join(
                rng.sample(
                    (
                        "training",
                        "readiness",
                        "exercise",
                        "community",
                        "medical",
                        "aviation",
                        "engineers",
                        "ceremony",
                        "logistics",
                        "partnership",
                    ),
                    3,
                )
            )
            original, width, height, size, digest, copies = "", 0, 0, 0, "", {}
            if self.plan.photo_copies:
                original = original_name(virin, ".jpg")
                width, height, size = COPIED_WIDTH, COPIED_HEIGHT, rng.randint(6_000_000, 9_000_000)
                digest = hashlib.sha256(virin.encode()).hexdigest()
                copies = copy_records(virin, size)
            yield (
                self.first_photo_id + index,
                original,
                width,
                height,
                size,
                digest,
                copies,
                virin,
                "",
                rng.choice(PHOTO_TITLES),
                caption,
                alt_text,
                photographer,
                credit,
                taken,
                f"{city}, {state}, United States",
                keywords,
                {},
                self.plan.photo_copies,
                taken_at if self.plan.photo_copies else None,
                None,
                taken_at,
                taken_at,
            )

    def placements(self):
        """The rows of the body's two photo blocks, as the write path keeps them: in body order."""
        for index in range(self.plan.stories):
            for order, photo in enumerate(self.photo_indexes(index)):
                yield (self.story_id(index), self.first_photo_id + photo, order, "")

    def story_tags(self):
        """Two to five tags a story, the popular ones far more often (tag pages of every size)."""
        rng = self.plan.rng("tags")
        tags = self.tag_ids
        if not tags:
            return
        weights = [1 / (rank + 1) for rank in range(len(tags))]
        cumulative = list(_accumulate(weights))
        for index in range(self.plan.stories):
            chosen = set(rng.choices(tags, cum_weights=cumulative, k=rng.randint(2, 5)))
            for tag_id in sorted(chosen):
                yield (self.story_id(index), tag_id)

    def related(self):
        """Five related stories each, from the stories published shortly before (or after, for the first)."""
        rng = self.plan.rng("related")
        count = self.plan.stories
        wanted = min(RELATED_PER_STORY, count - 1)
        for index in range(count):
            chosen: set[int] = set()
            while len(chosen) < wanted:
                other = index - rng.randint(1, 200)
                if other < 0:
                    other = rng.randrange(count)
                if other != index:
                    chosen.add(other)
            for other in sorted(chosen):
                yield (self.story_id(index), self.story_id(other))


def _accumulate(values):
    total = 0.0
    for value in values:
        total += value
        yield total


# --------------------------------------------------------------------------- writing


class ContentNotEmpty(Exception):
    """The database already has stories or photos; generated content goes into an empty one."""


def existing_content() -> tuple[int, int]:
    return Story.objects.count(), PhotoAsset.objects.count()


def generate(plan: Plan, *, progress=None) -> Generated:
    """Write the plan's content into the (empty) database. `progress(total=, desc=)` makes a bar."""
    stories, photos = existing_content()
    if stories or photos:
        raise ContentNotEmpty(f"{stories} stories and {photos} photos")
    progress = progress or _no_progress
    done = Generated()
    loaded = [Story, PhotoAsset, PhotoPlacement, Story.tags.through, Story.related_stories.through]
    with transaction.atomic(), _bulk_load(loaded):
        tag_ids = _tags(plan)
        collections = _collections(plan)
        rows = Rows(plan, first_story_id=1, first_photo_id=1, tag_ids=tag_ids, collections=collections)
        done.tags, done.collections = len(tag_ids), len(collections)
        write = _copy if connection.vendor == "postgresql" else _bulk_create
        done.stories = write(Story, Rows.STORY_FIELDS, rows.stories(), progress(total=plan.stories, desc="stories"))
        done.photos = write(PhotoAsset, Rows.PHOTO_FIELDS, rows.photos(), progress(total=plan.photos, desc="photos"))
        done.placements = write(
            PhotoPlacement,
            Rows.PLACEMENT_FIELDS,
            rows.placements(),
            progress(total=plan.stories * PHOTOS_PER_STORY, desc="placed photos"),
        )
        done.story_tags = write(
            Story.tags.through,
            Rows.STORY_TAG_FIELDS,
            rows.story_tags(),
            progress(total=plan.stories * 3, desc="story tags"),
        )
        done.related = write(
            Story.related_stories.through,
            Rows.RELATED_FIELDS,
            rows.related(),
            progress(total=plan.stories * RELATED_PER_STORY, desc="related stories"),
        )
        _reset_sequences()
    if index_in_use() and plan.stories:
        done.search_documents = write_search_documents(rows, progress(total=plan.stories, desc="search index"))
    _analyze()
    retire_pages()  # pages cached before this no longer show what the site has
    return done


@contextmanager
def _bulk_load(models):
    """On PostgreSQL, within the caller's transaction: the tables' foreign keys and the indexes
    no constraint needs are dropped and made again at the end, as pg_restore does: each key is
    then checked by one join instead of a trigger per row, and each index is built once, in
    order, instead of being updated a million times. Long texts are compressed with lz4 where
    the server has it (several times faster than pglz).
    """
    if connection.vendor != "postgresql":
        yield
        return
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        _fast_compression(cursor, local=True)
        # Checks any rows a caller changed earlier in the transaction now: a table with checks
        # still pending cannot have its keys dropped.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY conrelid::regclass::text, conname",
            [tables],
        )
        keys = cursor.fetchall()
        for table, name, _ in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
            "ORDER BY 1",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")


def _fast_compression(cursor, *, local: bool):
    cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
    if cursor.fetchone()[0]:
        cursor.execute(f"SET {'LOCAL ' if local else ''}default_toast_compression = 'lz4'")


def _no_progress(*, total=None, desc=""):
    return _Silent()


class _Silent:
    def update(self, n=1):
        pass

    def close(self):
        pass


def _tags(plan: Plan) -> list[int]:
    """The generated tags' ids, most popular first; tags that already exist (by slug) are reused."""
    names = tag_names()
    slugs = [slug_words(name) for name in names]
    Tag.objects.bulk_create([Tag(name=n, slug=s) for n, s in zip(names, slugs)], ignore_conflicts=True)
    ids = dict(Tag.objects.filter(slug__in=slugs).values_list("slug", "pk"))
    order = list(slugs)
    plan.rng("tag-popularity").shuffle(order)
    return [ids[slug] for slug in order if slug in ids]


def _collections(plan: Plan) -> list[tuple[int, datetime.datetime, datetime.datetime]]:
    notice = (
        "You have accessed part of a historical collection. Some of the information contained within "
        "may be outdated and links may not function. Please contact the webmaster with any questions."
    )
    found = []
    for name, slug, start, before in term_collections(plan):
        collection, _ = Collection.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "notice": notice,
                "published_after": start,
                "published_before": before,
                "description": f"Stories published from {ap_date(start)} to {ap_date(before)}.",
            },
        )
        found.append(
            (
                collection.pk,
                timezone.make_aware(datetime.datetime.combine(start, datetime.time()), datetime.UTC),
                timezone.make_aware(datetime.datetime.combine(before, datetime.time()), datetime.UTC),
            )
        )
    return found


def _field(model, name):
    """The model field behind a row's column name ("story_id" is the field "story")."""
    return model._meta.get_field(name.removesuffix("_id") if name.endswith("_id") and name != "id" else name)


def _columns(model, fields):
    return [_field(model, name).column for name in fields]


def _copy(model, fields, rows, bar) -> int:
    """COPY the rows into the model's table: far faster than INSERTs for millions of rows."""
    columns = ", ".join(connection.ops.quote_name(column) for column in _columns(model, fields))
    # JSON values go as their text; the generated ones are all empty objects.
    json_positions = [i for i, name in enumerate(fields) if isinstance(_field(model, name), models.JSONField)]
    count = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            if json_positions:
                row = list(row)
                for position in json_positions:
                    row[position] = json.dumps(row[position])
            copy.write_row(row)
            count += 1
            if not count % 10_000:
                bar.update(10_000)
    bar.update(count % 10_000)
    bar.close()
    return count


def _bulk_create(model, fields, rows, bar) -> int:
    # bulk_create would stamp created/updated with the time of the run; keep the generated ones.
    with timestamps_as_given([model]):
        return _bulk_create_batches(model, fields, rows, bar)


def _bulk_create_batches(model, fields, rows, bar) -> int:
    count = 0
    batch = []
    for row in rows:
        batch.append(model(**dict(zip(fields, row))))
        if len(batch) == COPY_BATCH:
            model.objects.bulk_create(batch)
            count += len(batch)
            bar.update(len(batch))
            batch = []
    if batch:
        model.objects.bulk_create(batch)
        count += len(batch)
        bar.update(len(batch))
    bar.close()
    return count


def _reset_sequences():
    """Ids were given explicitly; the next story or photo an editor makes must not collide."""
    from django.core.management.color import no_style

    sql = connection.ops.sequence_reset_sql(no_style(), [Story, PhotoAsset])
    with connection.cursor() as cursor:
        for statement in sql:
            cursor.execute(statement)


def _search_document_sql() -> str:
    """The search documents of a batch of stories, weighted exactly as indexing.py weights them.

    The body's vector (weight WEIGHTS[2]) is its pool blocks' vectors joined in order: the same
    vector to_tsvector makes of the whole body's text (each block ends on a word that counts, so
    positions carry on), for a fraction of the work; its text is theirs joined as body_text joins it.
    """
    story, placement, photo = Story._meta.db_table, PhotoPlacement._meta.db_table, PhotoAsset._meta.db_table
    document = StorySearchDocument._meta.db_table
    return f"""
        INSERT INTO {document} (story_id, vector, text, refreshed_at)
        SELECT s.id,
               setweight(to_tsvector(%(config)s::regconfig, s.headline), '{WEIGHTS[0]}')
               || setweight(to_tsvector(%(config)s::regconfig, s.summary), '{WEIGHTS[1]}')
               || b.vector
               || setweight(to_tsvector(%(config)s::regconfig, concat_ws(' ', p.captions, p.virins)), '{WEIGHTS[3]}'),
               concat_ws(E'\\n\\n', nullif(s.summary, ''), nullif(b.text, ''), p.paragraphs),
               now()
        FROM unnest(%(ids)s::bigint[], %(bodies)s::text[]) AS batch (story_id, paragraphs)
        JOIN {story} s ON s.id = batch.story_id
        CROSS JOIN LATERAL (
            SELECT pg_temp.generated_tsvector_agg(g.vector ORDER BY u.position) AS vector,
                   string_agg(g.text, E'\\n\\n' ORDER BY u.position) AS text
            FROM unnest(string_to_array(batch.paragraphs, ',')::int[]) WITH ORDINALITY AS u (number, position)
            JOIN pg_temp.generated_paragraph g ON g.number = u.number
        ) b
        LEFT JOIN LATERAL (
            SELECT string_agg(ph.caption, ' ' ORDER BY pl."order", pl.id) AS captions,
                   string_agg(ph.caption, E'\\n\\n' ORDER BY pl."order", pl.id) AS paragraphs,
                   string_agg(ph.virin, ' ' ORDER BY pl."order", pl.id) AS virins
            FROM {placement} pl JOIN {photo} ph ON ph.id = pl.photo_id
            WHERE pl.story_id = s.id
        ) p ON true
    """


def _prepare_paragraphs(cursor, texts: list[str]):
    """This connection's temporary table of the pool blocks' vectors and text, and an aggregate joining them."""
    cursor.execute(
        "CREATE AGGREGATE pg_temp.generated_tsvector_agg(tsvector) "
        "(sfunc = tsvector_concat, stype = tsvector, initcond = '')"
    )
    cursor.execute(
        "CREATE TEMPORARY TABLE generated_paragraph (number int PRIMARY KEY, vector tsvector NOT NULL, text text NOT NULL)"
    )
    cursor.execute(
        "INSERT INTO generated_paragraph "
        f"SELECT number - 1, setweight(to_tsvector(%s::regconfig, text), '{WEIGHTS[2]}'), text "
        "FROM unnest(%s::text[]) WITH ORDINALITY AS pool (text, number)",
        [CONFIG, texts],
    )


def _drop_paragraphs(cursor):
    cursor.execute("DROP TABLE pg_temp.generated_paragraph")
    cursor.execute("DROP AGGREGATE pg_temp.generated_tsvector_agg(tsvector)")


def _search_batches(rows: Rows):
    """(story ids, each body's pool block numbers as "3,17,4052") per batch of stories."""
    counts, numbers = rows.block_counts, rows.body_blocks
    start = 0
    for first in range(0, len(counts), COPY_BATCH):
        ids, bodies = [], []
        for index in range(first, min(first + COPY_BATCH, len(counts))):
            ids.append(rows.story_id(index))
            bodies.append(",".join(map(str, numbers[start : start + counts[index]])))
            start += counts[index]
        yield ids, bodies


def write_search_documents(rows: Rows, bar, *, workers: int = 2) -> int:
    """Every story's search document, on `workers` connections at once.

    Each batch commits on its own: if this stops half way, `manage.py rebuild_search_index`
    finishes the job. Inside a caller's transaction (a test's) other connections could not see
    the stories, so the work stays on this connection.
    """
    sql = _search_document_sql()
    batches = _search_batches(rows)
    if connection.in_atomic_block:
        workers = 0
        with connection.cursor() as cursor:
            _fast_compression(cursor, local=True)
            _prepare_paragraphs(cursor, rows.writer.block_text)
            for ids, bodies in batches:
                cursor.execute(sql, {"config": CONFIG, "ids": ids, "bodies": bodies})
                bar.update(len(ids))
            _drop_paragraphs(cursor)
    lock = threading.Lock()
    failures = []

    def work():
        # Each thread has its own connection (Django's connections are per thread); closed at the end.
        try:
            with connections["default"].cursor() as cursor:
                _fast_compression(cursor, local=False)
                _prepare_paragraphs(cursor, rows.writer.block_text)
                while not failures:
                    with lock:
                        batch = next(batches, None)
                    if batch is None:
                        return
                    ids, bodies = batch
                    cursor.execute(sql, {"config": CONFIG, "ids": ids, "bodies": bodies})
                    with lock:
                        bar.update(len(ids))
        except Exception as error:  # raised again in the caller's thread
            failures.append(error)
        finally:
            connections["default"].close()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    bar.close()
    if failures:
        raise failures[0]
    return StorySearchDocument.objects.count()


def _analyze():
    """Fresh planner statistics: without them PostgreSQL plans a million rows as if there were none."""
    if connection.vendor != "postgresql":
        return
    tables = [
        Story,
        PhotoAsset,
        PhotoPlacement,
        Story.tags.through,
        Story.related_stories.through,
        StorySearchDocument,
        Tag,
    ]
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {model._meta.db_table}")
