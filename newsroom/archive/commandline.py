"""What archive_stories and unarchive_stories share: choosing stories by collection and dates, and
describing them. Kept here so neither command imports the other.
"""

from django.core.management.base import CommandError
from django.utils import timezone

from newsroom.archive.models import Collection
from newsroom.archive.services import describe_dates  # noqa: F401  (the commands import it from here)
from newsroom.core.apstyle import ap_date
from newsroom.core.commandline import BAD_USAGE, iso_date


def collection_by_slug(slug: str) -> Collection:
    try:
        return Collection.objects.get(slug=slug)
    except Collection.DoesNotExist:
        slugs = list(Collection.objects.order_by("slug").values_list("slug", flat=True))
        if not slugs:
            raise CommandError(
                f"No collection has the slug “{slug}”, and there are no collections yet. "
                "Create one in the admin (Archive › Collections) first."
            ) from None
        raise CommandError(f"No collection has the slug “{slug}”. Existing collections: {', '.join(slugs)}.") from None


def add_selection_arguments(parser, *, collection_help: str):
    parser.add_argument("--collection", required=True, metavar="SLUG", help=collection_help)
    parser.add_argument(
        "--before",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="Only stories published before this date (the day itself is not included).",
    )
    parser.add_argument(
        "--after",
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="Only stories published on or after this date. With --before, a range.",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="Do the whole run, report what it would change, then roll it back: nothing is saved.",
    )


def selected_collection(slug):
    """The --collection named; an unknown slug is bad usage (exit status 2)."""
    try:
        return collection_by_slug(slug)
    except CommandError as error:
        raise CommandError(str(error), returncode=BAD_USAGE) from None


def check_date_order(*, before, after):
    if before and after and after >= before:
        raise CommandError(
            f"--after ({after}) must be earlier than --before ({before}): --after is the first day "
            "of the range, --before the day after its last.",
            returncode=BAD_USAGE,
        )


def stories_word(count: int) -> str:
    return f"{count} {'story' if count == 1 else 'stories'}"


def story_line(story) -> str:
    day = ap_date(timezone.localdate(story.published_at)) if story.published_at else "never published"
    return f"{day} | {story.headline} ({story.get_absolute_url()})"
