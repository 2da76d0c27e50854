"""Import a bundle written by export_newsroom.

    manage.py import_newsroom newsroom.zip              # into an empty database: the same site
    manage.py import_newsroom newsroom.zip --merge      # into one with content: add, never overwrite newer
    manage.py import_newsroom newsroom.zip --dry-run    # check and do it all, then roll back

The bundle is checked whole before anything is written. The import is one transaction: a
failure or Ctrl-C leaves the database as it was, and the files it had stored are removed.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from newsroom.accounts.security_log import record as record_security_event
from newsroom.bundles.format import Bundle, BundleError
from newsroom.bundles.restore import ADDED, CONFLICT, UNCHANGED, UPDATED, Restore, remove_files, site_content
from newsroom.core.apstyle import counted
from newsroom.core.commandline import BAD_USAGE, SOME_ITEMS_FAILED, HelpFormatter, dry_run_or_commit, progress
from newsroom.core.files import DiskFull


class Command(BaseCommand):
    help = """\
Import a bundle written by export_newsroom. Into an empty database it gives back the same
site: every record with its keys and timestamps, every photo file; then the search index is
filled (with the search documents the bundle carries when this site's search rules made
them, else made here) and cached pages are retired. A database that has content is refused
unless --merge.

With --merge, stories, tags and collections are matched by slug, photos by VIRIN, redirects by
old address, pages by URL and accounts by username. New records are added and equal ones
skipped; a record the bundle has a newer copy of is updated. A record changed here after the
bundle's copy is kept and reported as a conflict.

Accounts are matched by username to those here, which stay as they are. The bundle's other
accounts are added so that the history keeps naming who wrote and published what, but inactive,
not staff, not superusers and without roles: a bundle never makes anyone an administrator here
unless you ask, with --with-staff-accounts (then they come with their active, staff and
superuser flags and their roles). Either way they arrive without passwords: set one with
manage.py changepassword USERNAME. The report says what became of the accounts.

A live story's unpublished changes always come with it. What belongs to the staff accounts
(notes between writer and editor, working copies, notifications and notification settings) comes
only when the bundle was exported with --with-staff-accounts and is imported with it. A
notification the old site had not e-mailed yet is in its person's inbox here but is not mailed:
an import sends no old mail. With --merge, a story's newer copy brings its unpublished changes in
place of those here; notes and the rest are added to, never replacing what is here, and a story in
conflict brings none of them.

Every value's type is checked, the manifest and each record line are read only up to a limit,
and a story whose body is over STORY_BODY_MAX_KB is refused, each named; a disk that fills undoes
the import, files included.
Exit status: 0 imported; 1 conflicts (listed; the rest was imported) or the import failed
(nothing was written); 2 bad usage or a bundle that cannot be imported (what is wrong is named).

Examples:
  manage.py import_newsroom newsroom.zip
  manage.py import_newsroom newsroom.zip --merge --dry-run
  manage.py import_newsroom newsroom.zip --with-staff-accounts   # restoring this site's own backup
"""

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(prog_name, subcommand, formatter_class=HelpFormatter, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", type=Path, help="The bundle file, for example newsroom.zip.")
        parser.add_argument(
            "--merge",
            action="store_true",
            help="Import into a database that has content: add new records, skip equal ones, keep local changes.",
        )
        parser.add_argument(
            "--with-staff-accounts",
            action="store_true",
            help="Give the accounts added from the bundle the access they had there (active, staff, superuser, "
            "roles), and bring what belongs to them if the bundle carries it (notes, working copies, "
            "notifications). Without it they are added inactive, not staff, without roles, and those stay out.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the bundle and do the whole import, then roll it back: nothing is saved.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=2000,
            metavar="N",
            help="Rows written to the database at a time (default 2000).",
        )

    def handle(self, *args, path, merge, with_staff_accounts, dry_run, batch_size, verbosity, **options):
        if batch_size < 1:
            raise CommandError(f"--batch-size must be 1 or more, not {batch_size}.", returncode=BAD_USAGE)
        try:
            bundle = Bundle.open(path)
        except BundleError as error:
            raise CommandError(str(error), returncode=BAD_USAGE) from None
        try:
            if not merge:
                self.refuse_unless_empty()
            started = time.monotonic()
            try:
                bundle.check(progress)
            except BundleError as error:
                raise CommandError(str(error), returncode=BAD_USAGE) from None
            checked = time.monotonic()
            report = self.restore(
                path,
                bundle,
                merge=merge,
                with_staff_accounts=with_staff_accounts,
                dry_run=dry_run,
                batch_size=batch_size,
            )
            report.seconds = {"checking the bundle": checked - started, **report.seconds}
        except CommandError:
            raise
        except KeyboardInterrupt:
            raise CommandError(
                f"Stopped: {path} was not imported; nothing was written.", returncode=SOME_ITEMS_FAILED
            ) from None
        except DatabaseError as error:  # before the restore: the database is not what this Newsroom needs
            raise CommandError(
                f"{path} was not imported; nothing was written. The database refused: {error}. "
                "Run manage.py migrate first if this is a new database.",
                returncode=SOME_ITEMS_FAILED,
            ) from error
        except Exception as error:
            # Never a traceback: whatever a hostile or damaged bundle can still upset is named.
            raise CommandError(
                f"{path} was not imported; nothing was written. Reading it failed on something this "
                f"Newsroom did not expect ({type(error).__name__}: {error}). Export the bundle again.",
                returncode=SOME_ITEMS_FAILED,
            ) from error
        finally:
            bundle.close()
        if not dry_run:
            record_security_event(
                "bundle-import",
                obj=str(path),
                merge=merge,
                with_staff_accounts=with_staff_accounts,
                accounts_added=report.outcomes["accounts", ADDED],
                accounts_added_with_access=report.accounts["with access"],
                stories_added=report.outcomes["stories", ADDED],
                staff_work=report.staff_work is not None,
            )
        self.report(path, report, dry_run=dry_run, verbosity=verbosity)

    def restore(self, path, bundle, *, merge, with_staff_accounts, dry_run, batch_size):
        """The import itself, in one transaction; a failure undoes it, files included, and says why."""
        restore = Restore(
            bundle,
            merge=merge,
            with_staff_accounts=with_staff_accounts,
            dry_run=dry_run,
            batch_size=batch_size,
            progress=progress,
        )
        try:
            with dry_run_or_commit(dry_run):
                report = restore.run()
                finished = time.monotonic()
            report.seconds["commit"] = time.monotonic() - finished
            return report
        except BaseException as error:
            remove_files(restore.written)
            record_security_event("bundle-import", obj=str(path), outcome="failure", merge=merge, error=str(error))
            not_imported = f"{path} was not imported; nothing was written"
            if isinstance(error, DiskFull):
                raise CommandError(
                    f"{error}: {not_imported}, and the files it had stored are removed. "
                    "Free some space and import it again.",
                    returncode=SOME_ITEMS_FAILED,
                ) from error
            if isinstance(error, BundleError):
                raise CommandError(f"{not_imported}. {error}", returncode=SOME_ITEMS_FAILED) from error
            if isinstance(error, DatabaseError):
                raise CommandError(
                    f"{not_imported}. The database refused a record: {error}", returncode=SOME_ITEMS_FAILED
                ) from error
            if isinstance(error, KeyboardInterrupt):
                raise CommandError(f"Stopped: {not_imported}.", returncode=SOME_ITEMS_FAILED) from None
            raise

    def refuse_unless_empty(self):
        content = site_content()
        if content:
            has = ", ".join(f"{count} {kind}" for kind, count in content.items())
            raise CommandError(
                f"This database already has content ({has}). Without --merge, import_newsroom only "
                "restores into an empty database. To add the bundle's records to this site, keeping "
                "every change made here, run it again with --merge (try --merge --dry-run first).",
                returncode=BAD_USAGE,
            )

    def report(self, path, report, *, dry_run, verbosity):
        for note in report.notes:
            self.stderr.write(self.style.WARNING(note))
        for conflict in report.conflicts:
            self.stderr.write(self.style.WARNING(f"Conflict: {conflict}"))
        if verbosity > 1:
            for (table, outcome), count in sorted(report.outcomes.items()):
                self.stdout.write(f"  {table.replace('_', ' ')}: {count} {outcome}")
            for step, seconds in report.seconds.items():
                self.stdout.write(f"  {step.replace('_', ' ')}: {seconds:.1f} s")
        totals = {
            outcome: sum(n for (_, o), n in report.outcomes.items() if o == outcome)
            for outcome in (ADDED, UPDATED, UNCHANGED, CONFLICT)
        }
        accounts = report.outcomes["accounts", ADDED]
        summary = (
            f"{'Would import' if dry_run else 'Imported'} {path}: {totals[ADDED]} records added, "
            f"{totals[UPDATED]} updated, {totals[UNCHANGED]} unchanged, {totals[CONFLICT]} conflicts kept as here; "
            f"{report.files_written} files stored; {report.search_documents} search documents brought up to date."
        )
        summary += " " + accounts_sentence(report.accounts)
        if report.staff_work is not None:
            summary += " " + staff_work_sentence(report)
        if accounts and not dry_run:
            summary += (
                f" {accounts} accounts were added without a password: set one with manage.py changepassword USERNAME."
            )
        if dry_run:
            summary += " Dry run: nothing was saved."
        if report.conflicts:
            raise CommandError(summary, returncode=SOME_ITEMS_FAILED)
        if verbosity:
            self.stdout.write(self.style.WARNING(summary) if dry_run else self.style.SUCCESS(summary))


def accounts_sentence(accounts) -> str:
    """What became of the bundle's accounts, in a sentence for the operator."""
    if not sum(accounts.values()):
        return "Accounts: the bundle has none."
    parts = []
    if accounts["matched"]:
        parts.append(
            f"{counted(accounts['matched'], 'account', 'accounts')} matched by username to accounts here, left as they are"
        )
    if accounts["with access"]:
        parts.append(
            f"{counted(accounts['with access'], 'account', 'accounts')} added with the access they had there "
            "(active, staff, superuser, roles), as --with-staff-accounts asked"
        )
    withheld = accounts["access not given"]
    if withheld:
        parts.append(
            f"{counted(withheld, 'account', 'accounts')} added inactive, not staff and without roles, to name who wrote and "
            "published what (they had staff access or roles there; --with-staff-accounts gives them)"
        )
    if accounts["without access"]:
        parts.append(
            f"{counted(accounts['without access'], 'account', 'accounts')} added inactive, without staff access"
        )
    return "Accounts: " + "; ".join(parts) + "."


def staff_work_sentence(report) -> str:
    """What came of the staff's own work, when it came."""
    work = report.staff_work
    parts = [
        counted(work["notes"], "note", "notes"),
        counted(work["working_copies"], "working copy", "working copies"),
        counted(work["notifications"], "notification", "notifications"),
        counted(
            work["notifications_turned_off"], "kind of notification turned off", "kinds of notification turned off"
        ),
    ]
    sentence = f"With the staff accounts: {', '.join(parts[:-1])} and {parts[-1]}."
    if report.mail_not_sent:
        sentence += (
            f" {counted(report.mail_not_sent, 'notification', 'notifications')} not e-mailed there "
            f"{'is' if report.mail_not_sent == 1 else 'are'} in the inbox here but will not be e-mailed."
        )
    return sentence
