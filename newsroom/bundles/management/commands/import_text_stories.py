"""Import stories saved in the legacy plain-text layout (docs/DOMAIN.md section 7).

    manage.py import_text_stories old/*.txt --byline "Jim Garamone, DOD News" --photos-dir old/photos
    manage.py import_text_stories levee.txt --collection 2019-2021 --published 2021-06-16 --dry-run

Each file is its own transaction: a file that fails leaves nothing behind, and the others still
import. Importing a file again updates the story with the same slug and reuses photos by VIRIN.

These stories were public on the old site, and their saved text rarely names the writer: a
published import without --byline is published without one (with a warning), while a story
written in the admin still needs one. A story carrying the archive notice goes into
--collection, else the only collection there is, else a new "Historical collection" made with
the notice the file carries; with several collections and no --collection it is refused.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.text import slugify

from newsroom.archive.commandline import collection_by_slug
from newsroom.archive.models import Collection
from newsroom.archive.services import story_archive
from newsroom.core.clock import start_of_day
from newsroom.core.commandline import BAD_USAGE, SOME_ITEMS_FAILED, HelpFormatter, iso_date, progress
from newsroom.core.files import DiskFull, FileRefused, read_limited
from newsroom.core.transactions import remove_rolled_back_files
from newsroom.photos.models import PhotoAsset, copies_storage
from newsroom.photos.services import photo_save
from newsroom.stories.body import legacy_body
from newsroom.stories.importers.text_story import (
    ParsedStory,
    TextStoryError,
    headline_key,
    parse_text_story,
    story_text,
)
from newsroom.stories.models import RelatedHeadline, Status, Story
from newsroom.stories.services import story_create, story_publish, story_update


class FileFailed(Exception):
    """One file cannot be imported; the message says what to fix. Other files go on."""


class Command(BaseCommand):
    help = """\
Import stories from the legacy plain-text layout: banner, headline, archive notice (if any),
summary, paragraphs, five-line photo blocks and a "Related Stories" list.

The publication date is --published, else the latest date in the photos' VIRINs, else the
latest date written in a caption. Without --byline a story is published with no byline
(the old site showed it without one); one that publishing refuses (a legacy VIRIN, a photo
without a credit) is kept as a draft. A story with the archive notice goes into
--collection, else the only collection, else a new "Historical collection". Each file is one transaction.
A file must be UTF-8 (UTF-16 or UTF-32 with its byte-order mark is read too) and at most
IMPORT_FILE_MAX_MB; a photo file at most PHOTO_MAX_UPLOAD_BYTES. A full disk stops the run.
Exit status: 0 all imported, 1 some files failed (the others were imported), 2 bad usage.

Examples:
  manage.py import_text_stories story.txt --byline "Jane Doe, DOD News"
  manage.py import_text_stories old/*.txt --collection 2019-2021 --photos-dir old/photos --dry-run
"""

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(prog_name, subcommand, formatter_class=HelpFormatter, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Text files to import, one story each.")
        parser.add_argument(
            "--collection",
            metavar="SLUG",
            help="Historical collection for stories that carry the archive notice, for example 2019-2021.",
        )
        parser.add_argument(
            "--published",
            type=iso_date,
            metavar="YYYY-MM-DD",
            help="Publication date for every file; otherwise taken from the photos' VIRINs or captions.",
        )
        parser.add_argument("--byline", default="", help="Who wrote the stories, for example “Jane Doe, DOD News”.")
        parser.add_argument(
            "--status",
            choices=[Status.DRAFT.value, Status.PUBLISHED.value],
            default=Status.PUBLISHED.value,
            help="published (default) or draft.",
        )
        parser.add_argument(
            "--photos-dir",
            type=Path,
            metavar="DIR",
            help="Folder of photo files named by VIRIN (210614-A-KX193-1002.jpg); each is attached to its photo.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Do every import, report it, then roll it back: nothing is saved.",
        )

    def handle(self, *args, paths, collection, published, byline, status, photos_dir, dry_run, verbosity, **options):
        self.verbosity = verbosity
        if photos_dir is not None and not photos_dir.is_dir():
            raise CommandError(
                f"--photos-dir {photos_dir} is not a folder; give the folder holding the photo files.",
                returncode=BAD_USAGE,
            )
        try:
            self.collection = collection_by_slug(collection) if collection else None
        except CommandError as error:
            raise CommandError(str(error), returncode=BAD_USAGE) from None
        try:
            self.photo_files = (
                {path.stem.upper(): path for path in photos_dir.iterdir() if path.suffix.lower() in (".jpg", ".jpeg")}
                if photos_dir
                else {}
            )
        except OSError as error:
            raise CommandError(
                f"--photos-dir {photos_dir} cannot be read: {error.strerror}.", returncode=BAD_USAGE
            ) from None
        self.byline = " ".join(byline.split())
        if status == Status.PUBLISHED and not self.byline:
            self.warn(
                "No --byline given: stories without one in the database are published with no byline; "
                "an editor can add it later."
            )
        self.status, self.published = status, published

        imported = failed = 0
        self.photo_count = self.missing_images = 0
        for path in progress(paths, desc="Importing", unit="file"):
            written = []  # files stored for this file's photos, removed if its transaction is undone
            try:
                with transaction.atomic():
                    story = self.import_file(Path(path), written)
                    if dry_run:
                        transaction.set_rollback(True)
            except (FileFailed, ValidationError) as error:
                failed += 1
                self.remove(written)
                message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                self.stderr.write(self.style.ERROR(f"{path}: not imported. {message}"))
                continue
            except DiskFull as error:
                # Every file after it would fail the same way: stop, and say where to start again.
                self.remove(written)
                raise CommandError(
                    f"{error}: {path} was not imported (nothing of it was kept); {imported} files were "
                    "imported before it. Free some space and run the import again: files imported "
                    "already are brought up to date, not doubled.",
                    returncode=SOME_ITEMS_FAILED,
                ) from None
            except BaseException:
                self.remove(written)
                raise
            finally:
                remove_rolled_back_files()  # what a rolled-back change kept (a page snapshot) goes too
            if dry_run:
                self.remove(written)
            imported += 1
            verb = "Would import" if dry_run else "Imported"
            self.stdout.write(
                self.style.SUCCESS(
                    f"{path}: {verb} “{story.headline}” as {story.get_status_display().lower()} ({story.get_absolute_url()})"
                )
            )

        summary = (
            f"{'Would import' if dry_run else 'Imported'} {imported} of {len(paths)} files; {failed} failed; "
            f"{self.photo_count} photos, {self.missing_images} without an image file."
        )
        if dry_run:
            summary += " Dry run: nothing was saved."
        if failed:
            raise CommandError(summary, returncode=SOME_ITEMS_FAILED)
        self.stdout.write(self.style.WARNING(summary) if dry_run else self.style.SUCCESS(summary))

    # One file

    def import_file(self, path: Path, written: list) -> Story:
        parsed = self.read(path)
        collection = self.collection_for(parsed) if parsed.is_archived else None
        published_at = self.publication_time(parsed)
        story = self.save_story(parsed, published_at, written)

        if self.status == Status.PUBLISHED:
            try:
                story = story_publish(story=story, user=None, at=published_at, needs_byline=False)
            except ValidationError as error:
                # Legacy photos (old VIRIN forms, missing credit) block publishing, not the import.
                self.warn(
                    f"{path}: kept as {story.get_status_display().lower()}, not published: {'; '.join(error.messages)}."
                )
        if collection and story.collection_id != collection.pk:
            story = story_archive(story=story, collection=collection, user=None)
        return story

    def collection_for(self, parsed: ParsedStory) -> Collection:
        """--collection, else the only collection, else a new one made with the file's own notice."""
        if self.collection:
            return self.collection
        collections = list(Collection.objects.order_by("slug")[:2])
        if len(collections) > 1:
            slugs = ", ".join(Collection.objects.order_by("slug").values_list("slug", flat=True))
            raise FileFailed(
                "It carries the historical-collection notice and there are several collections; "
                f"pass --collection SLUG to say which one it goes into ({slugs})."
            )
        if collections:
            return collections[0]
        # Not kept on self: it belongs to this file's transaction, which a failure or --dry-run undoes.
        made = Collection.objects.create(name="Historical collection", slug="historical", notice=parsed.archive_notice)
        self.note(
            f"  Made the collection “{made.name}” ({made.slug}) with the file's notice; "
            "rename it in the admin (Archive › Collections) if you like."
        )
        return made

    def read(self, path: Path) -> ParsedStory:
        try:
            data = read_limited(
                path, max_bytes=settings.IMPORT_FILE_MAX_MB * 1024 * 1024, limit_name="IMPORT_FILE_MAX_MB"
            )
        except FileRefused as refused:
            raise FileFailed(f"{refused} Give the .txt saved from the story page.") from None
        try:
            text = story_text(data)
        except TextStoryError as error:
            raise FileFailed(error.message) from None
        try:
            return parse_text_story(text)
        except TextStoryError as error:
            raise FileFailed(str(error)) from None

    def publication_time(self, parsed: ParsedStory):
        day = self.published
        if day is None and parsed.photos:
            day = max(photo.date_taken for photo in parsed.photos)
        if day is None and parsed.caption_dates():
            day = max(parsed.caption_dates())
        if day is None:
            if self.status == Status.PUBLISHED:
                raise FileFailed("It has no date (no photo VIRIN, no date in a caption); pass --published YYYY-MM-DD.")
            return None
        return start_of_day(day)

    def save_story(self, parsed: ParsedStory, published_at, written: list) -> Story:
        """The story with its photos and related stories: new, or the one with its slug brought up to date."""
        slug = slugify(parsed.headline)
        if not slug:
            raise FileFailed(
                f"The headline “{parsed.headline}” makes no web address; check the first line after the banner."
            )
        story = Story.objects.filter(slug=slug).first()
        # The photos first: the body names them, as photo blocks where they stood between the paragraphs.
        placed = [(found.after_paragraph, photo.pk, "") for photo, found in self.save_photos(parsed, written)]
        fields = {"headline": parsed.headline, "summary": parsed.summary, "body": legacy_body(parsed.body, placed)}
        if self.byline or story is None:
            fields["byline"] = self.byline
        if published_at is not None:
            fields["published_at"] = published_at

        def write_parts(story):
            self.relate(story, parsed)

        if story is None:
            return story_create(story=Story(slug=slug, **fields), user=None, write_parts=write_parts)
        # Importing a file again brings the story up to date, whatever its version here.
        return story_update(story=story, changes=fields, user=None, expected_version=None, write_parts=write_parts)

    def save_photos(self, parsed: ParsedStory, written: list):
        for parsed_photo in parsed.photos:
            photo = PhotoAsset.objects.filter(virin=parsed_photo.virin).first() or PhotoAsset(virin=parsed_photo.virin)
            before = {entry["name"] for entry in photo.renditions.values()}
            photo.virin_notes = "\n".join(parsed_photo.virin_notes)
            photo.alt_text, photo.title, photo.caption = parsed_photo.alt_text, parsed_photo.title, parsed_photo.caption
            photo.photographer, photo.credit = parsed_photo.photographer, parsed_photo.credit
            photo.date_taken = photo.date_taken or parsed_photo.date_taken
            image = self.photo_files.get(parsed_photo.virin.upper())
            attached = False
            if not photo.original and image is not None:
                photo.original = ContentFile(self.read_photo(image, parsed_photo), name=image.name)
                attached = True
            try:
                # The VIRIN was checked leniently by the parser: legacy forms are kept, with notes.
                photo.full_clean(exclude=["virin", "original"])
                # At once, in the import's transaction: the stories it publishes show them.
                photo = photo_save(photo=photo, user=None, copies_now=True)
            except ValidationError as error:
                raise FileFailed(
                    f"Photo {parsed_photo.virin} (line {parsed_photo.line_number}): {' '.join(error.messages)}"
                ) from None
            if attached:
                written.append((photo.original.storage, photo.original.name))
            copies = copies_storage(photo.copies_public)
            written.extend((copies, name) for name in {e["name"] for e in photo.renditions.values()} - before)
            self.photo_count += 1
            if not photo.original:
                self.missing_images += 1
                self.note(
                    f"  Photo {photo.virin}: image missing (no {photo.virin}.jpg in --photos-dir); saved without a file."
                )
            elif self.verbosity > 1:
                self.stdout.write(f"  Photo {photo.virin}: {'image attached' if attached else 'kept its image'}.")
            if photo.virin_notes:
                self.note(f"  Photo {photo.virin}: legacy VIRIN. {' '.join(parsed_photo.virin_notes)}")
            yield photo, parsed_photo

    @staticmethod
    def read_photo(image: Path, parsed_photo) -> bytes:
        """The photo file in --photos-dir, read only if it is a file within the upload limit."""
        try:
            return read_limited(image, max_bytes=settings.PHOTO_MAX_UPLOAD_BYTES, limit_name="PHOTO_MAX_UPLOAD_BYTES")
        except FileRefused as refused:
            raise FileFailed(
                f"Photo {parsed_photo.virin} (line {parsed_photo.line_number}): --photos-dir has {image}, "
                f"but it cannot be used. {refused} Put the photo's own file there, or take that one away."
            ) from None

    def relate(self, story: Story, parsed: ParsedStory) -> None:
        story.related_stories.clear()
        story.waiting_related.all().delete()
        if not parsed.related_headlines:
            return
        wanted = {headline_key(headline): headline for headline in parsed.related_headlines}
        found = {}
        for pk, headline in Story.objects.exclude(pk=story.pk).values_list("pk", "headline").iterator(chunk_size=2000):
            key = headline_key(headline)
            if key in wanted:
                found.setdefault(key, pk)
        story.related_stories.set(found.values())
        waiting = [
            RelatedHeadline(story=story, headline=headline, key=key)
            for key, headline in wanted.items()
            if key not in found
        ]
        RelatedHeadline.objects.bulk_create(waiting)
        for wanted_headline in waiting:
            self.note(f"  Related story not found yet: “{wanted_headline.headline}”; it is linked when it arrives.")

    # Output

    def note(self, message):
        if self.verbosity > 0:
            self.stdout.write(self.style.WARNING(message))

    def warn(self, message):
        self.stderr.write(self.style.WARNING(message))

    @staticmethod
    def remove(written):
        for storage, name in written:
            storage.delete(name)
