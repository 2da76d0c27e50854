"""Write web records for the National Archives: a BagIt bag holding a WARC 1.0 file of every
public address of the chosen stories as readers get them, with descriptive metadata per story.

    manage.py export_records /records/2026-q1 --from 2026-01-01 --to 2026-03-31
    manage.py export_records /records/iraq --collection 2003-2011-iraq
    manage.py export_records /records/one --story hospital-ship-wraps-up

The bag is made in a hidden folder beside PATH and renamed to PATH once complete: an export that
fails or is interrupted leaves no half-written bag.
"""

import datetime
import errno
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsroom.archive.models import Collection
from newsroom.core.clock import start_of_day
from newsroom.core.commandline import BAD_USAGE, SOME_ITEMS_FAILED, HelpFormatter, iso_date, progress
from newsroom.core.files import is_disk_full
from newsroom.records.export import WARC_BYTES, export_kept_pages, export_records, selected_photos
from newsroom.records.models import PageSnapshot
from newsroom.stories.models import Story


class Command(BaseCommand):
    help = """\
Write a BagIt bag (RFC 8493, SHA-256 manifests) of web records in the form the National Archives
accepts: WARC 1.0 files (data/warc/) with every public address of the chosen stories as readers
get them (each story page, the page of each photo it shows and every public copy of that photo,
and the sitemaps and news feeds that list them; a new file past --warc-size), and descriptive
metadata per story (a JSON line each in data/metadata/stories.jsonl, and a CSV of the same,
data/metadata/stories.csv): title, creator, dates, description, rights, identifiers (address,
VIRINs), collection and records schedule (the RECORDS_SCHEDULES setting).

Only public stories are recorded (published, their time come, not expired, withdrawn or retracted); archived
stories are public and are recorded. Choose them by publication date (--from, --to), historical
collection, or slug; with none of these, every public story.

Exit status: 0 written; 1 written, but some addresses did not answer 200 or some photo copies were
missing (listed), or the disk filled up (nothing written); 2 bad usage, nothing written.

Examples:
  manage.py export_records /records/2026-q1 --from 2026-01-01 --to 2026-03-31
  manage.py export_records /records/iraq --collection 2003-2011-iraq
  manage.py export_records /records/two --story hospital-ship-wraps-up --story honor-cordon
  manage.py export_records /records/2026-q1 --from 2026-01-01 --to 2026-03-31 --dry-run
  manage.py export_records /records/taken-down-2026-q1 --kept-pages --from 2026-01-01 --to 2026-03-31
"""

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(prog_name, subcommand, formatter_class=HelpFormatter, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "path", metavar="PATH", type=Path, help="The bag to write: a folder that does not exist yet."
        )
        parser.add_argument(
            "--from", dest="since", type=iso_date, metavar="DATE", help="First day of publication, YYYY-MM-DD."
        )
        parser.add_argument(
            "--to", dest="until", type=iso_date, metavar="DATE", help="Last day of publication, YYYY-MM-DD."
        )
        parser.add_argument("--collection", metavar="SLUG", help="Only the stories of this historical collection.")
        parser.add_argument(
            "--story",
            dest="slugs",
            action="append",
            default=[],
            metavar="SLUG",
            help="Only this story (give it again for more).",
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=500,
            metavar="N",
            help="Stories read from the database at a time (default 500).",
        )
        parser.add_argument(
            "--warc-size",
            type=int,
            default=WARC_BYTES // 1_000_000,
            metavar="MB",
            help=f"Begin a new WARC file once one passes this many megabytes (default {WARC_BYTES // 1_000_000}).",
        )
        parser.add_argument(
            "--kept-pages",
            action="store_true",
            help="Instead of public stories, the pages kept before a story was withdrawn, retracted, archived or "
            "moved: --from and --to choose them by the day they were kept, --story by their story.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Say what would be recorded, and write nothing.")

    def handle(
        self,
        *args,
        path,
        since,
        until,
        collection,
        slugs,
        chunk_size,
        warc_size,
        kept_pages,
        dry_run,
        verbosity,
        **options,
    ):
        path = path.absolute()
        if chunk_size < 1:
            raise CommandError(f"--chunk-size must be 1 or more, not {chunk_size}.", returncode=BAD_USAGE)
        if warc_size < 1:
            raise CommandError(f"--warc-size must be 1 (megabyte) or more, not {warc_size}.", returncode=BAD_USAGE)
        if path.exists():
            raise CommandError(
                f"{path} already exists; give the name of a new folder for the bag.", returncode=BAD_USAGE
            )
        if not path.parent.is_dir():
            raise CommandError(f"There is no folder {path.parent} to write {path.name} in.", returncode=BAD_USAGE)
        if kept_pages:
            return self.export_kept(path, since=since, until=until, collection=collection, slugs=slugs, dry_run=dry_run)
        stories, description = self.selection(since=since, until=until, collection=collection, slugs=slugs)
        count = stories.count()
        if not count:
            raise CommandError(
                f"No public stories are in {description}, so there is nothing to record; nothing was written.",
                returncode=BAD_USAGE,
            )
        if dry_run:
            photos = selected_photos(stories).count()
            self.stdout.write(
                self.style.WARNING(
                    f"Would record {count} stories and {photos} photos of {description} in {path}. "
                    "Dry run: nothing was written."
                )
            )
            return
        try:
            report = export_records(
                path,
                stories=stories,
                description=f"Web records of {description}.",
                chunk_size=chunk_size,
                warc_bytes=warc_size * 1_000_000,
                progress=progress,
            )
        except OSError as error:
            raise _not_written(error, path) from None

        summary = (
            f"Recorded {report.stories} stories of {description} in {path}: {report.photos} photo pages, "
            f"{report.copies} public copies, {report.listings} feeds and sitemaps; {report.records} WARC records "
            f"in {_files(report.warc_files)} in data/warc/ ({sum(size for _, size in report.warc_files) / 1e6:.1f} MB), "
            "metadata in data/metadata/, "
            "SHA-256 manifests."
        )
        problems = len(report.not_ok) + len(report.missing_copies)
        if problems:
            for address, status in report.not_ok:
                self.stderr.write(self.style.WARNING(f"{address} answered {status}; it is recorded as it answered."))
            for address in report.missing_copies:
                self.stderr.write(self.style.WARNING(f"{address}: the file is missing, so it is not recorded."))
            raise CommandError(
                f"{summary} {problems} addresses were not recorded as readers should get them (listed above). "
                "Run manage.py audit_site and manage.py rebuild_renditions to find and mend them, then export again.",
                returncode=SOME_ITEMS_FAILED,
            )
        if verbosity:
            self.stdout.write(self.style.SUCCESS(summary))

    def export_kept(self, path, *, since, until, collection, slugs, dry_run):
        """The bag of the pages kept before a change, chosen by the day they were kept and their story."""
        if collection:
            raise CommandError(
                "--kept-pages chooses pages by the day they were kept (--from, --to) and by story (--story), not by "
                "collection: a page kept before archiving is kept whatever collection the story went to.",
                returncode=BAD_USAGE,
            )
        snapshots, said = _within_days(PageSnapshot.objects.all(), "taken_at", since, until), []
        if since or until:
            said.append(f"kept {since or 'up'} to {until or 'now'}")
        if slugs:
            snapshots = snapshots.filter(story__slug__in=slugs)
            said.append(f"of the stories {', '.join(slugs)}")
        description = " ".join(["pages kept before a change", *said])
        count = snapshots.count()
        if not count:
            raise CommandError(f"There are no {description}; nothing was written.", returncode=BAD_USAGE)
        if dry_run:
            self.stdout.write(
                self.style.WARNING(f"Would record {count} {description} in {path}. Dry run: nothing was written.")
            )
            return
        try:
            report = export_kept_pages(path, snapshots=snapshots, description=f"Web records: {description}.")
        except OSError as error:
            raise _not_written(error, path) from None
        summary = (
            f"Recorded {report.pages} {description} in {path}: {report.pages} WARC files in data/warc/kept/ "
            f"({report.bytes / 1e6:.1f} MB), what each is in data/metadata/kept-pages.csv, SHA-256 manifests."
        )
        if report.missing or report.changed:
            for name in report.missing:
                self.stderr.write(self.style.WARNING(f"{name} is missing from the records storage: left out."))
            for name in report.changed:
                self.stderr.write(
                    self.style.WARNING(f"{name} is not the file that was kept (its SHA-256 differs): left out.")
                )
            raise CommandError(
                f"{summary} {_count(len(report.missing) + len(report.changed), 'kept page was', 'kept pages were')} "
                "left out (listed above): "
                "restore them from a backup of the records storage, then export again.",
                returncode=SOME_ITEMS_FAILED,
            )
        self.stdout.write(self.style.SUCCESS(summary))

    def selection(self, *, since, until, collection, slugs):
        """The public stories asked for, and words for them that the bag's description uses."""
        stories, said = _within_days(Story.objects.published(), "published_at", since, until), []
        if since or until:
            said.append(f"stories published {since or 'up'} to {until or 'now'}")
        if collection:
            found = Collection.objects.filter(slug=collection).first()
            if found is None:
                known = ", ".join(Collection.objects.order_by("slug").values_list("slug", flat=True)[:20])
                raise CommandError(
                    f"There is no historical collection “{collection}”. Collections: {known or 'none yet'}.",
                    returncode=BAD_USAGE,
                )
            stories = stories.filter(collection=found)
            said.append(f"the historical collection {found.name}")
        if slugs:
            public = set(stories.filter(slug__in=slugs).values_list("slug", flat=True))
            missing = [slug for slug in slugs if slug not in public]
            if missing:
                raise CommandError(
                    f"No public story has the slug {', '.join(missing)}"
                    f"{' in that selection' if since or until or collection else ''}: give the slug of a "
                    "published story, as in its address /news/<slug>/.",
                    returncode=BAD_USAGE,
                )
            stories = stories.filter(slug__in=slugs)
            said.append(f"{len(public)} chosen stories")
        return stories, " and ".join(said) or "every public story"


def _within_days(queryset, field: str, since, until):
    """`queryset` with `field` on the days --from and --to name, on the site's clock, either end open."""
    if since and until and since > until:
        raise CommandError(f"--from {since} is after --to {until}; give the earlier day first.", returncode=BAD_USAGE)
    if since:
        queryset = queryset.filter(**{f"{field}__gte": start_of_day(since)})
    if until:
        queryset = queryset.filter(**{f"{field}__lt": start_of_day(until + datetime.timedelta(days=1))})
    return queryset


def _files(warc_files) -> str:
    return "1 WARC file" if len(warc_files) == 1 else f"{len(warc_files)} WARC files"


def _not_written(error: OSError, path: Path) -> Exception:
    """What to tell the operator when the bag could not be written (nothing of it is left)."""
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return CommandError(
            f"Cannot write in {path.parent} ({error.strerror}): nothing was written. Choose a folder "
            "this account may write in.",
            returncode=BAD_USAGE,
        )
    if not is_disk_full(error):
        return error
    return CommandError(
        f"The disk holding {path.parent} is full: the bag was not written, and no part of it is left "
        "there. Free some space, or write to a folder on another disk, and run the export again.",
        returncode=SOME_ITEMS_FAILED,
    )


def _count(number: int, one: str, more: str) -> str:
    return f"{number} {one if number == 1 else more}"
