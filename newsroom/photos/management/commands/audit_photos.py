"""Audit the photo library and say what to fix; changes nothing.

    manage.py audit_photos                          # every photo, every check
    manage.py audit_photos --format json > audit.json
    manage.py audit_photos --virin 210614-A-KX193-1002
    manage.py audit_photos --check gps --check file-missing
    manage.py audit_photos || exit 1                # in a deployment script: stop on any problem

The checks are listed in newsroom/photos/audit.py. Exit status 0 when every photo is in
order, 1 when something was found, 2 on bad usage.

JSON output is one object:

    {"photos_checked": 2, "checks": ["virin-invalid", ...], "problems": 1,
     "content_credentials": "checked",
     "findings": [{"photo_id": 7, "virin": "210614-A-KX193-1002", "check": "gps",
                   "message": "...", "fix": "...", "file": "photos/21/...jpg",
                   "admin_url": "/admin/photos/photoasset/7/change/"}]}

``file`` is null when the finding is about the record rather than a file. ``content_credentials``
is "checked", "unsigned" (signing is not configured, so there was nothing to check) or "not
checked" (the credentials check was left out).
"""

import json

from django.core.management.base import BaseCommand, CommandError

from newsroom.core.commandline import BAD_USAGE, SOME_ITEMS_FAILED, HelpFormatter, progress
from newsroom.photos.audit import CHECKS, audit_photo
from newsroom.photos.credentials import signing_configured
from newsroom.photos.models import PhotoAsset


class Command(BaseCommand):
    help = f"""\
Check every photo and report what to fix: invalid or legacy VIRINs, VIRIN dates that differ
from the date taken, missing alt text or credit, records without an image, originals or
public copies missing from storage, GPS positions left in a public copy, and originals whose
SHA-256 changed since upload, and (with signing configured) public copies whose Content
Credentials are missing or do not validate. Read-only: it changes nothing.

Exit status: 0 no problems, 1 problems found, 2 bad usage; so it can gate a deployment.

Checks: {", ".join(CHECKS)}.

Examples:
  manage.py audit_photos
  manage.py audit_photos --format json > audit.json
  manage.py audit_photos --virin 210614-A-KX193-1002
  manage.py audit_photos --check gps --check file-missing
  manage.py audit_photos --skip hash-mismatch      # skip reading every original in full
  manage.py audit_photos --check credentials       # every public copy's C2PA manifest validates
  manage.py audit_photos || exit 1                 # in a deployment script
"""

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(prog_name, subcommand, formatter_class=HelpFormatter, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument(
            "--virin",
            action="append",
            default=[],
            metavar="VIRIN",
            help="Audit only this photo; repeat for more.",
        )
        parser.add_argument(
            "--check",
            action="append",
            default=[],
            choices=list(CHECKS),
            metavar="CODE",
            help="Run only this check; repeat for more. Codes: " + ", ".join(CHECKS) + ".",
        )
        parser.add_argument(
            "--skip",
            action="append",
            default=[],
            choices=list(CHECKS),
            metavar="CODE",
            help="Leave out this check; repeat for more.",
        )
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help="text (default): grouped by check, one line a problem; json: for other programs.",
        )

    def handle(self, *args, virin, check, skip, format, verbosity, **options):
        checks = [code for code in CHECKS if (code in check or not check) and code not in skip]
        if not checks:
            raise CommandError("--skip leaves no check to run; drop a --skip or name a --check.", returncode=BAD_USAGE)
        photos = PhotoAsset.objects.order_by("pk")
        if virin:
            wanted = {value.strip().upper() for value in virin}
            photos = photos.filter(virin__in=wanted)
            unknown = wanted - set(photos.values_list("virin", flat=True))
            if unknown:
                raise CommandError(
                    f"No photo has VIRIN {', '.join(sorted(unknown))}. Check the spelling, or search the "
                    "admin's photo library.",
                    returncode=BAD_USAGE,
                )

        # Without a signing certificate the copies are unsigned by design: said, not counted as a problem.
        unsigned = "credentials" in checks and not signing_configured()
        findings, checked = [], 0
        for photo in progress(
            photos.iterator(chunk_size=500), total=photos.count(), desc="Auditing photos", unit="photo"
        ):
            findings.extend(audit_photo(photo, checks=checks))
            checked += 1

        if format == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "photos_checked": checked,
                        "checks": checks,
                        "problems": len(findings),
                        "content_credentials": "unsigned"
                        if unsigned
                        else "checked"
                        if "credentials" in checks
                        else "not checked",
                        "findings": [finding.as_json() for finding in findings],
                    },
                    indent=2,
                    ensure_ascii=False,
                )
            )
        elif verbosity > 0:
            self.write_report(findings)
            if unsigned:
                self.stdout.write(
                    "Content Credentials: the public copies are unsigned (C2PA_SIGNING_CERT is not set), "
                    "so they were not checked."
                )

        photos_word = "photo" if checked == 1 else "photos"
        if findings:
            with_problems = len({finding.photo_id for finding in findings})
            raise CommandError(
                f"Audited {checked} {photos_word}: {len(findings)} problem{'s' if len(findings) != 1 else ''} "
                f"in {with_problems} photo{'s' if with_problems != 1 else ''}. Fix them and run audit_photos again.",
                returncode=SOME_ITEMS_FAILED,
            )
        if format == "text" and verbosity > 0:
            self.stdout.write(self.style.SUCCESS(f"Audited {checked} {photos_word}: no problems."))

    def write_report(self, findings):
        for code, heading in CHECKS.items():
            group = [finding for finding in findings if finding.check == code]
            if not group:
                continue
            self.stdout.write(self.style.MIGRATE_HEADING(f"{heading} [{code}]: {len(group)}"))
            for finding in group:
                self.stdout.write(f"  {finding.virin}: {finding.message} To fix: {finding.fix} ({finding.admin_url})")
