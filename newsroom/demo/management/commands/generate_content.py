"""`manage.py generate_content`: fill an empty database with generated stories and photo records.

For benchmarks and load tests: a million stories take minutes on PostgreSQL. The content and
how it is written live in newsroom/demo/generate.py.
"""

import dataclasses
import time

from django.core.management.base import BaseCommand, CommandError

from newsroom.core.commandline import BAD_USAGE, HelpFormatter, dry_run_or_commit, iso_date, progress
from newsroom.demo.generate import ContentNotEmpty, Plan, generate


def count(value: str) -> int:
    number = int(value.replace(",", "").replace("_", ""))
    if number < 0:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = """Fill an empty database with generated news stories and photo records, for benchmarks.

Stories read like a defense newsroom's: 7-15 paragraphs (600-1,200 words) with subheadings, and
in some a bulleted list or a pull quote, a label, a byline, 2-5 tags from a few hundred, 2 photos
in the body and 5 related stories each, publication dates over 15 years up to --until. Stories
from before the last two four-year terms are in historical collections; a few are drafts, in
review, withdrawn or scheduled after --until.

Photos are records only: VIRIN, title, caption, alt text, photographer, credit, date and place,
with NO image file, so pages show "Image not available" where a picture would be. With
--photo-copies each photo is also recorded as a released 6000x4000 original with its full set of
public copies, so pages carry pictures, srcsets and download links as real ones do (what
benchmarks of the pages need); the files are still not written, so the pictures themselves do
not load. Use load_demo for photos with real files.

The same --seed, counts and --until give the same content. The database must have no stories
and no photos yet (generated content is not mixed with real content); start from a new
database, or empty this one with `manage.py flush`. On PostgreSQL the search index is built
too; elsewhere search reads the stories directly, as usual.

Examples:
  python manage.py generate_content --stories 1000
  python manage.py generate_content --stories 1000000 --photos 2000000 --seed 7
  python manage.py generate_content --stories 500 --photos 0 --until 2024-12-31
  python manage.py generate_content --stories 5000 --photos 2000 --photo-copies
  python manage.py generate_content --stories 100 --dry-run
"""

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(prog_name, subcommand, formatter_class=HelpFormatter, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "--stories", type=count, required=True, metavar="N", help="How many stories, for example 1000000."
        )
        parser.add_argument(
            "--photos",
            type=count,
            metavar="M",
            help="How many photo records (default: two per story). Each story places two; with fewer, "
            "photos are shared between stories; with more, the rest are in the library only.",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="Random seed; the same seed gives the same content (default 1)."
        )
        parser.add_argument(
            "--until",
            type=iso_date,
            metavar="YYYY-MM-DD",
            help="The newest publication date (default today); stories go back 15 years from it.",
        )
        parser.add_argument(
            "--photo-copies",
            action="store_true",
            help="Record each photo as released, with an original and the full set of public copies "
            "(names and sizes only: no file is written).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Generate everything in one transaction, report, then roll it back; nothing is saved.",
        )

    def handle(self, *args, stories, photos, seed, until, photo_copies=False, dry_run=False, verbosity=1, **options):
        plan = Plan(
            stories=stories, photos=2 * stories if photos is None else photos, seed=seed, photo_copies=photo_copies
        )
        if until is not None:
            plan = dataclasses.replace(plan, until=until)
        if plan.stories and plan.photos == 1:
            raise CommandError(
                "Ask for no photos or at least two: each story places two different photos.", returncode=BAD_USAGE
            )
        started = time.monotonic()
        try:
            if dry_run:
                with dry_run_or_commit(dry_run):
                    done = generate(plan, progress=progress)
            else:
                # Not inside one transaction: the search index is then built on two connections
                # at once, each batch committing (generate() keeps the rows themselves atomic).
                done = generate(plan, progress=progress)
        except ContentNotEmpty as error:
            raise CommandError(
                f"This database already has content ({error}). generate_content only fills an empty "
                "database, so generated stories are never mixed with real ones: point DATABASE_URL at a "
                "new database, or empty this one with `python manage.py flush`.",
                returncode=BAD_USAGE,
            ) from None
        if verbosity:
            style, verb = (self.style.WARNING, "Would generate") if dry_run else (self.style.SUCCESS, "Generated")
            self.stdout.write(
                style(
                    f"{verb} {done.stories:,} stories, {done.photos:,} photo records "
                    f"({'with copies recorded, ' if photo_copies else ''}no image files), "
                    f"{done.placements:,} placed photos, {done.story_tags:,} story tags from {done.tags} tags, "
                    f"{done.related:,} related-story links, {done.collections} historical collections and "
                    f"{done.search_documents:,} search documents in {time.monotonic() - started:.0f} s (seed {plan.seed}, "
                    f"until {plan.until})." + (" Dry run: nothing was saved." if dry_run else "")
                )
            )
