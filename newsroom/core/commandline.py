"""Helpers every management command may share: help layout, date arguments, progress, dry runs.

They live here rather than in one command's module, so no command imports another.
"""

import argparse
import datetime
import sys
from contextlib import contextmanager

from django.core.management.base import DjangoHelpFormatter
from django.db import transaction
from tqdm import tqdm

from newsroom.core.transactions import remove_rolled_back_files

# Exit statuses every command shares: 0 done, 1 some items failed (the rest were done), 2 bad usage
# (argparse already exits 2 on unknown options; CommandError(..., returncode=BAD_USAGE) for the rest).
SOME_ITEMS_FAILED = 1
BAD_USAGE = 2


class HelpFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    """Keeps the help's examples on their own lines."""


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{value}” is not a date; write it as YYYY-MM-DD, for example 2022-01-01."
        ) from None


def progress(iterable=None, *, total=None, desc="", unit="item"):
    """A progress bar on a terminal's stderr; nothing when output goes to a file, a pipe or CI."""
    return tqdm(iterable, total=total, desc=desc, unit=unit, disable=None, file=sys.stderr, leave=False)


class _RolledBack(Exception):
    pass


@contextmanager
def dry_run_or_commit(dry_run: bool):
    """One transaction around the work; with --dry-run it runs, reports, and is rolled back.

    Files a dry run wrote must be removed by the caller (storage is not transactional), unless
    they were named to core.transactions.file_kept_if_committed: those are removed here.
    """
    try:
        with transaction.atomic():
            yield
            if dry_run:
                raise _RolledBack
    except _RolledBack:
        pass
    finally:
        remove_rolled_back_files()


def write_summary(command, summary: str, *, dry_run: bool) -> None:
    """A command's closing line: a warning that nothing was kept after a dry run, else success."""
    if dry_run:
        command.stdout.write(command.style.WARNING(f"{summary} Dry run: nothing was saved."))
    else:
        command.stdout.write(command.style.SUCCESS(summary))
