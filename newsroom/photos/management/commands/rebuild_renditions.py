"""Audit the public copies of every photo and repair what is missing or unsafe.

manage.py rebuild_renditions --dry-run     # report only; exit status 1 when anything is wrong
manage.py rebuild_renditions               # remake bad copies, remove files no photo uses
manage.py rebuild_renditions --all         # remake every photo's copies (after a size change)
manage.py rebuild_renditions 210614-A-KX193-1002
"""

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from newsroom.core.commandline import BAD_USAGE, SOME_ITEMS_FAILED, HelpFormatter, progress
from newsroom.core.files import DiskFull
from newsroom.photos.audit import copy_problems
from newsroom.photos.models import PhotoAsset
from newsroom.photos.services import photo_save


def stored_public_files(folder="photos"):
    directories, files = default_storage.listdir(folder) if default_storage.exists(folder) else ([], [])
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from stored_public_files(f"{folder}/{directory}")


class Command(BaseCommand):
    help = """\
Check every photo's public copies (the full-size download and each rendition) for GPS
positions, serial numbers, maker notes, thumbnails, unapplied rotation and missing files;
remake the bad ones, one photo at a time, and delete public files no photo uses.

--dry-run only reports: remaking a copy rewrites files readers are being served, which a
rollback could not restore. Exit status: 0 done (or nothing wrong), 1 a dry run found
problems or a photo could not be remade, 2 bad usage.

Examples:
  manage.py rebuild_renditions --dry-run              # report; exit status 1 if anything is wrong
  manage.py rebuild_renditions                        # remake bad copies, remove unused files
  manage.py rebuild_renditions --all                  # remake every copy (after a size change)
  manage.py rebuild_renditions 210614-A-KX193-1002 -v 2
"""

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(prog_name, subcommand, formatter_class=HelpFormatter, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("virins", nargs="*", metavar="VIRIN", help="Only these photos.")
        parser.add_argument("--dry-run", action="store_true", help="Report problems; change nothing.")
        parser.add_argument("--all", action="store_true", help="Remake every photo's copies, good or not.")

    def handle(self, *args, virins, dry_run, all, verbosity, **options):
        photos = PhotoAsset.objects.order_by("pk")
        if virins:
            photos = photos.filter(virin__in=[virin.upper() for virin in virins])
            missing = {virin.upper() for virin in virins} - set(photos.values_list("virin", flat=True))
            if missing:
                raise CommandError(
                    f"No photo has VIRIN {', '.join(sorted(missing))}. Check the spelling.", returncode=BAD_USAGE
                )

        bad = remade = failed = 0
        for photo in progress(
            photos.iterator(chunk_size=200), total=photos.count(), desc="Checking copies", unit="photo"
        ):
            problems = copy_problems(photo)
            if problems:
                bad += 1
                self.stdout.write(f"{photo.virin}: " + "; ".join(problems))
            elif verbosity > 1:
                self.stdout.write(f"{photo.virin}: fine")
            if (problems or all) and not dry_run and photo.original:
                try:
                    with transaction.atomic():  # one photo at a time: an interruption loses nothing
                        photo_save(photo=photo, user=None, remake_copies=True)
                except DiskFull as full:
                    # Every photo after it would fail the same way. Its copies stay as they were.
                    raise CommandError(
                        f"{full}: the copies of {photo.virin} were not remade (its old ones stay), and "
                        f"{remade} photos were remade before it. Free some space and run this again.",
                        returncode=SOME_ITEMS_FAILED,
                    ) from None
                except (OSError, ValidationError) as error:
                    failed += 1
                    reason = "its original is missing" if isinstance(error, FileNotFoundError) else str(error)
                    self.stderr.write(
                        self.style.ERROR(
                            f"{photo.virin}: copies not remade: {reason}. Restore the original from a backup "
                            "or upload the photo's file again in the admin, then run this again."
                        )
                    )
                    continue
                remade += 1

        manifests = PhotoAsset.objects.values_list("renditions", flat=True).iterator(chunk_size=2000)
        used_names = {entry["name"] for manifest in manifests for entry in manifest.values()}
        orphans = [name for name in stored_public_files() if name not in used_names]
        for name in orphans:
            self.stdout.write(f"{name}: no photo uses this public file")
            if not dry_run:
                default_storage.delete(name)

        if dry_run:
            summary = f"{bad} photos with problems, {len(orphans)} unused public files. Nothing changed (dry run)."
            if bad or orphans:
                raise CommandError(summary, returncode=SOME_ITEMS_FAILED)
        else:
            summary = f"{bad} photos with problems; remade {remade}; deleted {len(orphans)} unused public files."
            if failed:
                raise CommandError(f"{summary} {failed} could not be remade (see above).", returncode=SOME_ITEMS_FAILED)
        self.stdout.write(self.style.WARNING(summary) if (bad or orphans) else self.style.SUCCESS(summary))
