"""Scan the public site as GSA's Site Scanning does and say what to fix; changes nothing.

    manage.py audit_site                        # every kind of page, every check
    manage.py audit_site --format json > site-audit.json
    manage.py audit_site --check dap --check required-links
    manage.py audit_site || exit 1              # in a deployment script: stop on any problem

The checks are listed in newsroom/website/audit.py. Exit status 0 when every check passes, 1 when
something was found, 2 on bad usage.

JSON output is one object:

    {"host": "news.example.gov", "checks": ["status", "title", ...], "problems": 1,
     "pages": [{"kind": "story", "path": "/news/levee-holds/", "status": 200}, ...],
     "findings": [{"check": "title", "page": "story", "path": "/news/levee-holds/",
                   "message": "title is 84 characters (at most 70): ..."}]}
"""

import json

from django.core.management.base import BaseCommand, CommandError

from newsroom.core.commandline import BAD_USAGE, SOME_ITEMS_FAILED, HelpFormatter
from newsroom.website.audit import CHECKS, Site, audit_site


class Command(BaseCommand):
    help = f"""\
Render one page of each kind readers meet (home, a current and an archived story, the listings,
a photo page, the archive, a collection, search results, corrections, every information page) in
this process, over HTTPS on the site's own host (SITE_URL, else the first ALLOWED_HOSTS), and
report what GSA's Site Scanning would: titles and meta descriptions present and within length,
canonical links, og: article times, <main>, lang, viewport, the required links, the search box, the
Digital Analytics Program tag when DAP_AGENCY is set, robots.txt's Sitemap lines, sitemaps that
parse, a real 404 for a missing page, and a security.txt that has not expired. Read-only.

Exit status: 0 no problems, 1 problems found, 2 bad usage; so it can gate a deployment.

Checks: {", ".join(CHECKS)}.

Examples:
  manage.py audit_site
  manage.py audit_site --format json > site-audit.json
  manage.py audit_site --check dap --check required-links
  manage.py audit_site || exit 1                   # in a deployment script
"""

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(prog_name, subcommand, formatter_class=HelpFormatter, **kwargs)

    def add_arguments(self, parser):
        for flag, words in (("--check", "Run only this check"), ("--skip", "Leave out this check")):
            parser.add_argument(
                flag,
                action="append",
                default=[],
                choices=list(CHECKS),
                metavar="CODE",
                help=f"{words}; repeat for more. Codes: " + ", ".join(CHECKS) + ".",
            )
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help="text (default): grouped by check, one line a problem; json: for other programs.",
        )

    def handle(self, *args, check, skip, format, verbosity, **options):
        checks = [code for code in CHECKS if (code in check or not check) and code not in skip]
        if not checks:
            raise CommandError("--skip leaves no check to run; drop a --skip or name a --check.", returncode=BAD_USAGE)
        site = Site()
        findings, pages = audit_site(checks=checks, site=site)
        if format == "json":
            self.stdout.write(
                json.dumps(
                    {
                        "host": site.host,
                        "checks": checks,
                        "problems": len(findings),
                        "pages": [{"kind": kind, "path": path, "status": status} for kind, path, status in pages],
                        "findings": [finding.as_json() for finding in findings],
                    },
                    indent=2,
                    ensure_ascii=False,
                )
            )
        elif verbosity > 0:
            for kind, path, status in pages:
                self.stdout.write(f"  {status} {kind}: {path}")
            for code, heading in CHECKS.items():
                group = [finding for finding in findings if finding.check == code]
                if group:
                    self.stdout.write(self.style.MIGRATE_HEADING(f"{heading} [{code}]: {len(group)}"))
                    for finding in group:
                        self.stdout.write(f"  {finding.page} {finding.path}: {finding.message}")
        pages_word = "page" if len(pages) == 1 else "pages"
        if findings:
            raise CommandError(
                f"Audited {len(pages)} {pages_word} on {site.host}: {len(findings)} "
                f"problem{'s' if len(findings) != 1 else ''}. Fix them and run audit_site again.",
                returncode=SOME_ITEMS_FAILED,
            )
        if format == "text" and verbosity > 0:
            self.stdout.write(self.style.SUCCESS(f"Audited {len(pages)} {pages_word} on {site.host}: no problems."))
