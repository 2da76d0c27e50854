"""`manage.py load_demo`: fill the newsroom with invented demo content.

Loads the stories, photos, tags, historical collection and information pages described in
`newsroom.demo.content`, drawing each photo with `newsroom.demo.images`. Safe to run again:
everything is keyed (stories and collections by slug, photos by VIRIN, tags by slug, pages
by URL) and anything that already exists is kept exactly as it is, so an editor's changes to
a demo story or page survive. Photos go through `photo_save` and stories through
`story_create`, `story_update`, `story_publish` and `story_archive`, the same services the admin uses.
"""

from __future__ import annotations

import html
from collections import Counter

from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand

from newsroom.archive.models import Collection
from newsroom.archive.services import story_archive
from newsroom.bundles.restore import remove_files
from newsroom.core.commandline import HelpFormatter, dry_run_or_commit, progress
from newsroom.demo.content import DEMO, DRAFT, STORY_LINK, DemoContent, DemoStory, PhotoUse
from newsroom.demo.images import make_demo_jpeg
from newsroom.feedback.models import STATEMENT_ID, AccessibilityStatement, KnownLimitation
from newsroom.feedback.services import statement_save
from newsroom.photos.models import PhotoAsset, copies_storage
from newsroom.photos.services import photo_save
from newsroom.stories.models import ArchiveStatus, Story, Tag
from newsroom.stories.services import story_create, story_publish, story_update


class Command(BaseCommand):
    help = """\
Load the invented demo content: stories (published, archived, draft and scheduled), photos
with VIRINs, tags, a historical collection, the information pages and the accessibility
statement. Existing items are kept, so running it again changes nothing. The whole load is
one transaction.

Examples:
  manage.py load_demo
  manage.py load_demo --dry-run -v 2      # list what would be created or kept; save nothing
"""

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(prog_name, subcommand, formatter_class=HelpFormatter, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do everything, report what would be created, then roll back; nothing is saved.",
        )

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        self.verbosity = verbosity
        self.counts: Counter = Counter()  # (kind, "created"|"kept") -> n
        self.written_files: list[tuple[object, str]] = []  # files to remove if we roll back
        try:
            with dry_run_or_commit(dry_run):
                self.load(DEMO)
        except BaseException:  # Ctrl-C included: the rows are rolled back, so the files go too
            self.remove_written_files()
            raise
        if dry_run:
            self.remove_written_files()
        self.report(DEMO, dry_run=dry_run)

    # ------------------------------------------------------------------ loading

    def load(self, demo: DemoContent):
        self.archived_at = demo.collection.archived_at
        tags = {tag.slug: self.load_tag(tag) for tag in demo.tags}
        # Drawing each photo and making its copies is the slow part.
        photos = {
            photo.virin: self.load_photo(photo) for photo in progress(demo.photos, desc="Demo photos", unit="photo")
        }
        collection = self.load_collection(demo)
        new_stories = {}
        stories = {}
        for spec in demo.stories:
            story, created = self.load_story(spec, tags=tags, photos=photos, stories=stories, collection=collection)
            stories[spec.slug] = story
            if created:
                new_stories[spec.slug] = (spec, story)
        # Related stories last, once every story they point to exists; only on new stories,
        # so the links an editor set on an existing one are left alone.
        for spec, story in new_stories.values():
            if spec.related:
                related = [stories[slug] for slug in spec.related]
                story_update(story=story, changes={"related_stories": related}, user=None, expected_version=None)
        for page in demo.pages:
            self.load_page(page)
        if demo.statement:
            self.load_statement(demo.statement)

    def load_tag(self, spec) -> Tag:
        tag, created = Tag.objects.get_or_create(slug=spec.slug, defaults={"name": spec.name})
        self.note("tag", created, spec.slug)
        return tag

    def load_photo(self, spec) -> PhotoAsset:
        photo = PhotoAsset.objects.filter(virin=spec.virin).first()
        if photo is not None:
            self.note("photo", False, spec.virin)
            return photo
        photo = PhotoAsset(**spec.record(), original=ContentFile(make_demo_jpeg(spec), name=spec.file_name))
        photo.full_clean()
        photo_save(photo=photo, user=None, copies_now=True)  # every demo photo whole, worker or none
        self.written_files.append((photo.original.storage, photo.original.name))
        self.written_files.extend(
            (copies_storage(photo.copies_public), entry["name"]) for entry in photo.renditions.values()
        )
        self.note("photo", True, f"{spec.virin} ({photo.original.name})")
        return photo

    def load_collection(self, demo: DemoContent) -> Collection:
        spec = demo.collection
        collection, created = Collection.objects.get_or_create(
            slug=spec.slug,
            defaults={
                "name": spec.name,
                "notice": spec.notice,
                "description": spec.description,
                "published_before": spec.published_before,
            },
        )
        self.note("collection", created, spec.slug)
        return collection

    def load_story(self, spec: DemoStory, *, tags, photos, stories, collection) -> tuple[Story, bool]:
        story = Story.objects.filter(slug=spec.slug).first()
        if story is not None:
            self.note("story", False, spec.slug)
            return story, False
        story = Story(
            headline=spec.headline,
            slug=spec.slug,
            label=spec.label,
            summary=spec.summary,
            byline=spec.byline,
            body=self.body(spec, photos=photos, stories=stories),
        )
        if spec.never_archive:
            story.archive_status = ArchiveStatus.NEVER

        def write_parts(story):
            story.tags.set([tags[slug] for slug in spec.tags])

        story_create(story=story, user=None, write_parts=write_parts)
        if spec.state != DRAFT:
            story_publish(story=story, user=None, at=spec.published_at)
        if spec.archive:
            story_archive(story=story, collection=collection, user=None, at=self.archived_at)
        state = "archived" if spec.archive else spec.state
        self.note("story", True, f"{spec.slug} ({state})")
        return story, True

    @staticmethod
    def body(spec: DemoStory, *, photos, stories) -> str:
        """The story's body as the editor writes it: photo blocks by the photos' ids, and links to
        other stories by theirs (docs/STORY_BODY.md)."""

        def link(found):
            slug, words = found.groups()
            if slug not in stories:
                raise ValueError(f"The demo story {spec.slug} links to {slug}, which must come before it in STORIES.")
            return f'<a href="{stories[slug].get_absolute_url()}" data-story="{stories[slug].pk}">{words}</a>'

        blocks = []
        for block in spec.body:
            if isinstance(block, PhotoUse):
                caption = f' data-caption="{html.escape(block.caption)}"' if block.caption else ""
                blocks.append(f'<figure data-photo="{photos[block.virin].pk}"{caption}></figure>')
            else:
                blocks.append(STORY_LINK.sub(link, block))
        return "".join(blocks)

    def load_page(self, spec) -> FlatPage:
        page = FlatPage.objects.filter(url=spec.url).first()
        if page is not None and page.content in spec.replaces:
            page.content = spec.content  # an older starter version nobody edited
            page.save(update_fields=["content"])
            self.note("page", False, f"{spec.url} (brought up to date)")
            return page
        if page is not None:
            self.note("page", False, spec.url)
            return page
        page = FlatPage(url=spec.url, title=spec.title, content=spec.content)
        page.full_clean(exclude=["sites"])
        page.save()
        page.sites.set([Site.objects.get_current()])
        self.note("page", True, spec.url)
        return page

    def load_statement(self, spec) -> AccessibilityStatement:
        statement = AccessibilityStatement.objects.filter(pk=STATEMENT_ID).first()
        if statement is not None:
            self.note("statement", False, "accessibility statement")
            return statement
        statement = statement_save(
            statement=AccessibilityStatement(
                commitment=spec.commitment,
                contact_name=spec.contact_name,
                contact_email=spec.contact_email,
                contact_phone=spec.contact_phone,
                reply_days=spec.reply_days,
                reviewed_on=spec.reviewed_on,
            ),
            user=None,
        )
        KnownLimitation.objects.bulk_create(
            KnownLimitation(statement=statement, description=what, workaround=meanwhile, order=order)
            for order, (what, meanwhile) in enumerate(spec.limitations)
        )
        self.note("statement", True, "accessibility statement")
        return statement

    # ------------------------------------------------------------------ reporting

    def note(self, kind: str, created: bool, label: str):
        outcome = "created" if created else "kept"
        self.counts[kind, outcome] += 1
        if self.verbosity >= 2:
            style = self.style.SUCCESS if created else self.style.NOTICE
            self.stdout.write(f"  {style(outcome.ljust(7))} {kind} {label}")

    def remove_written_files(self):
        """The rows are rolled back; take the image files written for them too."""
        remove_files(self.written_files)
        self.written_files.clear()

    def report(self, demo: DemoContent, *, dry_run: bool):
        if self.verbosity < 1:
            return

        def part(kind, singular, plural):
            total = self.counts[kind, "created"] + self.counts[kind, "kept"]
            noun = singular if total == 1 else plural
            return f"{total} {noun} ({self.counts[kind, 'created']} new, {self.counts[kind, 'kept']} kept)"

        created = sum(n for (_, outcome), n in self.counts.items() if outcome == "created")
        kept = sum(n for (_, outcome), n in self.counts.items() if outcome == "kept")
        summary = (
            f"Demo content: {part('story', 'story', 'stories')}, {part('photo', 'photo', 'photos')}, "
            f"{part('tag', 'tag', 'tags')}, {part('collection', 'collection', 'collections')}, "
            f"{part('page', 'page', 'pages')}, {part('statement', 'accessibility statement', 'accessibility statements')}. "
            f"Created {created}, kept {kept}."
        )
        if dry_run:
            self.stdout.write(self.style.WARNING(f"Dry run, nothing saved. {summary}"))
        else:
            self.stdout.write(self.style.SUCCESS(summary))
