"""Export the whole newsroom into one bundle file: every story, photo (with its files), tag,
collection, redirect, information page and account; with --with-staff-accounts the staff's own
work too (notes, working copies, notifications).

    manage.py export_newsroom /backups/newsroom-2026-11-25.zip
    manage.py export_newsroom site.zip --overwrite -v 0
    manage.py export_newsroom move.zip --with-staff-accounts    # moving this newsroom, staff and all

The bundle is written beside PATH under a hidden temporary name and renamed to PATH when it
is complete: an export that fails or is interrupted leaves no half bundle.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsroom.bundles.export import ExportFailed, export_bundle
from newsroom.core.commandline import BAD_USAGE, SOME_ITEMS_FAILED, HelpFormatter, progress
from newsroom.core.files import is_disk_full


class Command(BaseCommand):
    help = """\
Write every story (with its revisions, corrections, placed photos, tags, related stories and
unpublished changes), photo (with its original and public copies), collection, redirect,
information page and account (without its password) into one bundle file that import_newsroom
reads. On PostgreSQL each story's search document goes too, so an import under the same search
rules need not compute them again.

What belongs to the staff accounts stays behind unless you ask, with --with-staff-accounts:
notes between writer and editor, each person's working copies (autosave) and their
notifications and notification settings. A bundle may be handed to another site; notes are
candid working talk and working copies private. Give it when moving this newsroom, and import
with --with-staff-accounts too: the import brings them only with the accounts' access.

Exit status: 0 exported; 1 exported, but some photo files were missing (listed), or not
exported because an original no longer matches its record; 2 bad usage.

Examples:
  manage.py export_newsroom /backups/newsroom.zip
  manage.py export_newsroom newsroom.zip --overwrite
  manage.py export_newsroom move.zip --with-staff-accounts
"""

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(prog_name, subcommand, formatter_class=HelpFormatter, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "path", metavar="PATH", type=Path, help="The bundle file to write, for example newsroom.zip."
        )
        parser.add_argument(
            "--overwrite", action="store_true", help="Replace PATH if it exists (only once the new bundle is complete)."
        )
        parser.add_argument(
            "--with-staff-accounts",
            action="store_true",
            help="Also carry what belongs to the staff accounts: notes between writer and editor, working "
            "copies (autosave), notifications and notification settings. For moving this newsroom; leave it "
            "off for a bundle handed to another site.",
        )
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=2000,
            metavar="N",
            help="Rows read from the database at a time (default 2000).",
        )

    def handle(self, *args, path, overwrite, with_staff_accounts, chunk_size, verbosity, **options):
        if chunk_size < 1:
            raise CommandError(f"--chunk-size must be 1 or more, not {chunk_size}.", returncode=BAD_USAGE)
        if not path.parent.is_dir():
            raise CommandError(f"There is no folder {path.parent} to write {path.name} in.", returncode=BAD_USAGE)
        if path.is_dir():
            raise CommandError(
                f"{path} is a folder; give a file name such as {path / 'newsroom.zip'}.", returncode=BAD_USAGE
            )
        if path.exists() and not overwrite:
            raise CommandError(
                f"{path} already exists; choose another name, or pass --overwrite to replace it.", returncode=BAD_USAGE
            )
        try:
            report = export_bundle(
                path, with_staff_accounts=with_staff_accounts, chunk_size=chunk_size, progress=progress
            )
        except ExportFailed as error:
            raise CommandError(f"Nothing was written to {path}. {error}", returncode=SOME_ITEMS_FAILED) from None
        except OSError as error:
            if not is_disk_full(error):
                raise
            raise CommandError(
                f"The disk holding {path.parent} is full: the bundle was not written, and no part of it is "
                "left there. Free some space, or export to a folder on another disk, and run the export again.",
                returncode=SOME_ITEMS_FAILED,
            ) from None

        records = ", ".join(f"{count} {name.replace('_', ' ')}" for name, count in report.records.items())
        summary = f"Exported to {path}: {records}; {report.files} files ({report.file_bytes / 1e6:.1f} MB)"
        if report.search_documents is not None:
            summary += f"; {report.search_documents} search documents"
        summary += "."
        if not report.staff_work:
            summary += " Notes, working copies and notifications stayed behind (--with-staff-accounts carries them)."
        if report.missing_files:
            for virin, name in report.missing_files:
                self.stderr.write(
                    self.style.WARNING(f"Photo {virin}: {name} is missing here, so it is not in the bundle.")
                )
            raise CommandError(
                f"{summary} {len(report.missing_files)} photo files were missing (listed above); their photos "
                "are in the bundle as they are here. Run manage.py rebuild_renditions to remake missing "
                "public copies, then export again.",
                returncode=SOME_ITEMS_FAILED,
            )
        if verbosity:
            self.stdout.write(self.style.SUCCESS(summary))
