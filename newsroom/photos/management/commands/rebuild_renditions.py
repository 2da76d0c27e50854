"""Audit the public copies of every photo and repair what is missing or unsafe.

    manage.py rebuild_renditions --dry-run     # report only; exit status 1 when anything is wrong
    manage.py rebuild_renditions               # remake bad copies, remove files no photo uses
    manage.py rebuild_renditions --all         # remake every photo's copies (after a size change)
    manage.py rebuild_renditions 210614-A-KX193-1002
"""

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from newsroom.photos.imaging import public_file_problems
from newsroom.photos.models import PhotoAsset
from newsroom.photos.services import photo_save

# Every photo with a file has at least these; a missing one means its copies are incomplete.
REQUIRED_COPIES = ("full", "thumb.jpg", "thumb.webp", "share.jpg", "w480.jpg", "w480.webp")


def copy_problems(photo) -> list[str]:
    """What is wrong with one photo's public copies, in an operator's words."""
    if not photo.original:
        return []
    problems = [f"no {key} copy" for key in REQUIRED_COPIES if key not in photo.renditions]
    for key, entry in photo.renditions.items():
        if not default_storage.exists(entry["name"]):
            problems.append(f"{key}: file missing")
            continue
        with default_storage.open(entry["name"], "rb") as public_file:
            problems.extend(f"{key}: {problem}" for problem in public_file_problems(public_file.read()))
    return problems


def stored_public_files(folder="photos"):
    directories, files = default_storage.listdir(folder) if default_storage.exists(folder) else ([], [])
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from stored_public_files(f"{folder}/{directory}")


class Command(BaseCommand):
    help = (
        "Check every photo's public copies (the full-size download and each rendition) for GPS "
        "positions, serial numbers, maker notes, thumbnails, unapplied rotation and missing files; "
        "remake the bad ones and delete public files no photo uses. Example: "
        "manage.py rebuild_renditions --dry-run"
    )

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
                raise CommandError(f"No photo has VIRIN {', '.join(sorted(missing))}. Check the spelling.")

        bad = remade = 0
        for photo in photos.iterator(chunk_size=200):
            problems = copy_problems(photo)
            if problems:
                bad += 1
                self.stdout.write(f"{photo.virin}: " + "; ".join(problems))
            elif verbosity > 1:
                self.stdout.write(f"{photo.virin}: fine")
            if (problems or all) and not dry_run and photo.original:
                with transaction.atomic():  # one photo at a time: an interruption loses nothing
                    photo_save(photo=photo, user=None, remake_copies=True)
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
        else:
            summary = f"{bad} photos with problems; remade {remade}; deleted {len(orphans)} unused public files."
        self.stdout.write(self.style.WARNING(summary) if (bad or orphans) else self.style.SUCCESS(summary))
        if dry_run and (bad or orphans):
            raise SystemExit(1)
