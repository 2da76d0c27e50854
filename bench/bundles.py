"""Benchmark export_newsroom and import_newsroom on PostgreSQL at scale.

    .venv/bin/python bench/bundles.py                          # 100,000 stories, 200,000 photo records
    .venv/bin/python bench/bundles.py --stories 10000 --photos 20000 --no-record
    .venv/bin/python bench/bundles.py --reuse                  # keep the source database made last time

Makes a source database (`newsroom_bundle_src`) with `manage.py generate_content` when that
command exists, or with this script's own bulk_create filler otherwise; exports it under
`/usr/bin/time -v` (peak memory is its "Maximum resident set size"); then imports the bundle
into a new empty database (`newsroom_bundle_dst`) with `-v 2`, which prints each step's time.
The source's search documents travel in the bundle and are loaded as they are (same search rules).
Photo records only: no image files (as the targets say). Targets: import under 2 minutes,
export under 300 MB. Prints a table and rewrites this benchmark's section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

from machine import RESULTS, cpu_model, write_section

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
CACHE = BENCH / ".cache"
PYTHON = sys.executable
SECTION_START = "<!-- bench/bundles.py: start -->"
SECTION_END = "<!-- bench/bundles.py: end -->"
SERVER = "postgres://postgres@127.0.0.1:5432"
IMPORT_TARGET_SECONDS = 120
EXPORT_TARGET_MB = 300


def environment(database: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{database}",
        # Production mode, as an operator runs commands (with DEBUG on, Django keeps every query's text).
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-not-for-any-real-site-0123456789",
        "ALLOWED_HOSTS": "localhost",
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "locmemcache://bench"),
        "MEDIA_ROOT": str(CACHE / "bundles-media"),
        "PRIVATE_MEDIA_ROOT": str(CACHE / "bundles-private"),
    }


def manage(database: str, *args: str, timed: bool = False) -> tuple[str, float]:
    command = [PYTHON, "manage.py", *args]
    if timed:
        command = ["/usr/bin/time", "-v", *command]
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=environment(database), capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout + done.stderr, seconds


def new_database(name: str) -> None:
    for statement in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(["psql", SERVER + "/postgres", "-qc", statement], check=True, capture_output=True)
    manage(name, "migrate", "-v", "0")


def fill(database: str, stories: int, photos: int) -> str:
    """Source content: generate_content if it is there, else the filler below."""
    listing, _ = manage(database, "help", "--commands")
    if "generate_content" in listing.split():
        manage(database, "generate_content", "--stories", str(stories), "--photos", str(photos))
        return "manage.py generate_content"
    done = subprocess.run(
        [PYTHON, __file__, "--fill", str(stories), str(photos)],
        cwd=ROOT,
        env={**environment(database), "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    if done.returncode:
        sys.exit("The filler failed.")
    return "bench/bundles.py's own bulk_create filler"


def own_filler(stories: int, photos: int) -> None:
    """Stories of ~8 paragraphs with two placed photos and two tags each; photo records with no file."""
    import datetime

    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from newsroom.photos.models import PhotoAsset
    from newsroom.stories.models import PhotoPlacement, Status, Story, Tag

    paragraph = (
        "Engineers from the state's National Guard worked through the night to raise the levee "
        "along the river, filling sandbags and placing them where the water rose fastest. "
    ) * 6
    start = timezone.now() - datetime.timedelta(days=3650)
    with transaction.atomic():
        tags = Tag.objects.bulk_create([Tag(name=f"Topic {n}", slug=f"topic-{n}") for n in range(300)])
        for first in range(0, photos, 5000):
            PhotoAsset.objects.bulk_create(
                [
                    PhotoAsset(
                        virin=f"{(start + datetime.timedelta(minutes=n)):%y%m%d}-A-KX{n % 900 + 100:03d}-{1000 + n % 9000}"
                        f"-{n // 9000:04d}"[:40].upper(),
                        title=f"Photo {n}",
                        caption=f"A soldier fills sandbags, photo {n}.",
                        alt_text="A soldier fills a sandbag.",
                        photographer="Sgt. Avery Clune",
                        credit="Army",
                        metadata_sources={"caption": "iptc", "photographer": "xmp"},
                    )
                    for n in range(first, min(photos, first + 5000))
                ]
            )
        photo_ids = list(PhotoAsset.objects.order_by("pk").values_list("pk", flat=True))
        tag_link, placement = Story.tags.through, PhotoPlacement

        def placed(n):
            """Story n's two photos, above its first and its second paragraph (the body's form)."""
            return [photo_ids[(2 * n + k) % len(photo_ids)] for k in (0, 1)] if photo_ids else []

        def body(n):
            figures = [f'<figure data-photo="{pk}"></figure>' for pk in placed(n)]
            paragraphs = [f"<p>{paragraph.strip()}</p>"] * 8
            return "".join([*figures[:1], paragraphs[0], *figures[1:], *paragraphs[1:]])

        for first in range(0, stories, 2000):
            numbers = range(first, min(stories, first + 2000))
            batch = Story.objects.bulk_create(
                [
                    Story(
                        headline=f"Guard Engineers Shore Up Levee {n}",
                        slug=f"guard-engineers-levee-{n}",
                        summary="Soldiers worked through the night as the river rose.",
                        byline="Jane Doe, DOD News",
                        body=body(n),
                        status=Status.PUBLISHED,
                        published_at=start + datetime.timedelta(minutes=30 * n),
                    )
                    for n in numbers
                ]
            )
            tag_link.objects.bulk_create(
                [tag_link(story_id=s.pk, tag_id=tags[(s.pk + k) % 300].pk) for s in batch for k in (0, 1)]
            )
            placement.objects.bulk_create(
                [
                    placement(story_id=s.pk, photo_id=photo_id, order=k)
                    for n, s in zip(numbers, batch, strict=True)
                    for k, photo_id in enumerate(placed(n))
                ]
            )


def machine() -> dict:
    server = subprocess.run(
        ["psql", SERVER + "/postgres", "-Atc", "SHOW server_version"], capture_output=True, text=True
    ).stdout.strip()
    return {"cpu": cpu_model(), "cores": os.cpu_count(), "python": platform.python_version(), "postgresql": server}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--photos", type=int, default=200_000)
    parser.add_argument("--source", default="newsroom_bundle_src", help="source database (made again unless --reuse)")
    parser.add_argument("--target", default="newsroom_bundle_dst", help="target database (always made again)")
    parser.add_argument("--reuse", action="store_true", help="keep the source database of an earlier run")
    parser.add_argument("--no-record", action="store_true", help="print only; leave RESULTS.md alone")
    parser.add_argument("--fill", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fill:
        own_filler(*args.fill)
        return

    CACHE.mkdir(exist_ok=True)
    bundle = CACHE / "bundle.zip"
    source_made_by = "an earlier run (kept with --reuse)"
    if not args.reuse:
        new_database(args.source)
        print(f"Filling {args.source} with {args.stories:,} stories and {args.photos:,} photo records …")
        source_made_by = fill(args.source, args.stories, args.photos)

    load_before = os.getloadavg()[0]
    print("Exporting …")
    output, export_seconds = manage(args.source, "export_newsroom", str(bundle), "--overwrite", timed=True)
    export_mb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", output).group(1)) / 1024
    records = re.search(r"Exported to \S+: (.*?);", output).group(1)
    carried = re.search(r"; (\d+) search documents", output)
    carried = f"{int(carried.group(1)):,} search documents carried" if carried else "no search documents carried"

    new_database(args.target)
    print("Importing …")
    output, import_seconds = manage(args.target, "import_newsroom", str(bundle), "-v", "2", timed=True)
    import_mb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", output).group(1)) / 1024
    steps = [(step, float(seconds)) for step, seconds in re.findall(r"^  (.+?): ([\d.]+) s$", output, re.M)]
    load_after = os.getloadavg()[0]

    import_ok, export_ok = import_seconds < IMPORT_TARGET_SECONDS, export_mb < EXPORT_TARGET_MB
    rows = [
        ("export_newsroom", f"{export_seconds:.0f} s", f"{export_mb:.0f} MB"),
        ("import_newsroom into an empty database", f"{import_seconds:.0f} s", f"{import_mb:.0f} MB"),
    ]
    info = machine()
    text = "\n".join(
        [
            "## Bundles: `bench/bundles.py`",
            "",
            f"Run {time.strftime('%Y-%m-%d')} on {info['cpu']}, {info['cores']} cores; Python {info['python']}, "
            f"PostgreSQL {info['postgresql']}; load average {load_before:.1f} when it started, {load_after:.1f} at the end.",
            "",
            f"Source: {args.stories:,} stories and {args.photos:,} photo records (no image files), made by "
            f"{source_made_by}. Bundle: {bundle.stat().st_size / 1e6:.0f} MB; {records}; {carried}.",
            "",
            "| command | wall time | peak memory (max RSS) |",
            "|---|---:|---:|",
            *[f"| {name} | {seconds} | {memory} |" for name, seconds, memory in rows],
            "",
            "Import steps (`import_newsroom -v 2`): "
            + "; ".join(f"{step} {seconds:.1f} s" for step, seconds in steps if seconds >= 0.1)
            + ".",
            "",
            f"Targets: import under {IMPORT_TARGET_SECONDS} s: **{'met' if import_ok else 'not met'}**; "
            f"export under {EXPORT_TARGET_MB} MB: **{'met' if export_ok else 'not met'}**.",
        ]
    )
    print(text)
    if not args.no_record:
        write_section(SECTION_START, SECTION_END, text)
        print(f"Recorded in {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
