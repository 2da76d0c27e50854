"""Helpers every management command may share: help layout, date arguments, finding a collection.

They live here rather than in one command's module, so no command imports another.
"""

import argparse
import datetime

from django.core.management.base import CommandError, DjangoHelpFormatter

from newsroom.archive.models import Collection


class HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Keeps the help's examples on their own lines."""


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{value}” is not a date; write it as YYYY-MM-DD, for example 2022-01-01."
        ) from None



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
        raise CommandError(
            f"No collection has the slug “{slug}”. Existing collections: {', '.join(slugs)}."
        ) from None


