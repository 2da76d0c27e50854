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
from newsroom.photos.models import PhotoAsset, copies_storage
from newsroom.photos.services import misplaced_copies, photo_gather_copies, photo_save


def stored_public_files(folder="photos", storage=None):
    """Every copy stored under `folder` in `storage` (public storage unless told)."""
    storage = storage or default_storage
    directories, files = storage.listdir(folder) if storage.exists(folder) else ([], [])
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from stored_public_files(f"{folder}/{directory}", storage)


class Command(BaseCommand):
    help = """\
Check every photo's public copies (the full-size download and each rendition) for GPS
positions, serial numbers, maker notes, thumbnails, unapplied rotation and missing files;
remake the bad ones, one photo at a time, and delete public files no photo uses.

Copies are kept where each photo's embargo puts them: in MEDIA_ROOT once readers may see the
photo, in private storage while no published story uses it (and no Editor released it). Copies
found in the wrong place are moved (after upgrading to the embargo, run this once: it takes the
copies of photos no published story uses out of MEDIA_ROOT), and a file in MEDIA_ROOT that no
public photo uses is deleted, an embargoed photo's copy included.

Copies are made here and now, not queued for the task worker: the command is the repair for
a photo whose task was lost (a queue cleared, a crash between the save and the queueing) or
failed for good ("copies not made yet", "the task worker could not make the copies"), and it
works with no worker running.

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
            misplaced = misplaced_copies(photo)
            if misplaced:
                where = "in MEDIA_ROOT, though the photo is embargoed" if photo.is_embargoed else "in private storage"
                self.stdout.write(
                    f"{photo.virin}: {len(misplaced)} copies {where}"
                    + ("" if dry_run else f"; moved to {'MEDIA_ROOT' if photo.copies_public else 'private storage'}")
                )
                if not dry_run:
                    photo_gather_copies(photo)
            problems = copy_problems(photo)
            if misplaced and dry_run:
                problems = [f"{len(misplaced)} copies misplaced", *problems]
            if problems:
                bad += 1
                self.stdout.write(f"{photo.virin}: " + "; ".join(problems))
            elif verbosity > 1:
                self.stdout.write(f"{photo.virin}: fine")
            if (problems or all) and not dry_run and photo.original:
                try:
                    with transaction.atomic():  # one photo at a time: an interruption loses nothing
                        photo_save(photo=photo, user=None, remake_copies=True, copies_now=True)
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

        orphans = []
        for public in (True, False):
            # Files in MEDIA_ROOT that no public photo uses (an embargoed photo's included: it must
            # not be reachable), and copies in private storage that no embargoed photo uses.
            storage = copies_storage(public)
            manifests = (
                PhotoAsset.objects.filter(copies_public=public)
                .values_list("renditions", flat=True)
                .iterator(chunk_size=2000)
            )
            used_names = {entry["name"] for manifest in manifests for entry in manifest.values()}
            for name in stored_public_files(storage=storage):
                if name in used_names:
                    continue
                orphans.append(name)
                self.stdout.write(
                    f"{name}: no photo uses this public file"
                    if public
                    else f"{name}: no embargoed photo uses this copy in private storage"
                )
                if not dry_run:
                    storage.delete(name)

        if dry_run:
            summary = f"{bad} photos with problems, {len(orphans)} unused public files. Nothing changed (dry run)."
            if bad or orphans:
                raise CommandError(summary, returncode=SOME_ITEMS_FAILED)
        else:
            summary = f"{bad} photos with problems; remade {remade}; deleted {len(orphans)} unused public files."
            if failed:
                raise CommandError(f"{summary} {failed} could not be remade (see above).", returncode=SOME_ITEMS_FAILED)
        self.stdout.write(self.style.WARNING(summary) if (bad or orphans) else self.style.SUCCESS(summary))
