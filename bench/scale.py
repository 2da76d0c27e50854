"""Benchmark: the public pages, the public API and the admin over a million stories (issue 7, "Scale").

    .venv/bin/python bench/scale.py              # from the project folder
    .venv/bin/python bench/scale.py --runs 40    # more timed requests per page
    .venv/bin/python bench/scale.py --no-record  # print only

Uses its own PostgreSQL database (newsroom_scale, created and migrated if missing) and Redis
database 5. If the database has no stories it first runs
`generate_content --stories 1000000 --photos 2000000` and reports how long that took.

Then, for each page, it makes one warm-up request and --runs timed ones through Django's test
client, in this process, with production settings (DEBUG off, the Redis page cache on). Each
timed request carries a different `_bench=N` parameter, so it misses the page cache and is
rendered from the database: the time is the server's time to build the page, what a reader
waits for when the cache cannot help. Counts of listings are kept per content generation as
the site keeps them (the warm-up request makes them). Admin pages are requested as a logged-in
superuser and are never cached.

For each page it prints p50 and p95 milliseconds, the number of queries, and EXPLAIN ANALYZE of
the page's slowest query, and says whether any query read the stories table sequentially.
Rewrites the "Scale" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

from machine import RESULTS, cpu_model, usable_cores, write_section

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SECTION_START = "<!-- bench/scale.py: start -->"
SECTION_END = "<!-- bench/scale.py: end -->"
DATABASE_URL = "postgres://postgres@127.0.0.1:5432/newsroom_scale"
CACHE_URL = "redis://127.0.0.1:6379/5"
PUBLIC_TARGET_MS = 100
ADMIN_TARGET_MS = 500
BIG_TABLES = (
    "stories_story",
    "photos_photoasset",
    "search_storysearchdocument",
    "stories_photoplacement",
    "stories_story_tags",
    "stories_story_related_stories",
)

sys.path.insert(0, str(ROOT))


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DATABASE_URL)
    parser.add_argument("--cache-url", default=CACHE_URL)
    parser.add_argument("--stories", type=int, default=1_000_000, help="stories to generate into an empty database")
    parser.add_argument("--photos", type=int, default=2_000_000, help="photo records to generate")
    parser.add_argument("--runs", type=int, default=20, help="timed requests per page (default 20)")
    parser.add_argument("--no-record", action="store_true", help="print only; leave RESULTS.md alone")
    return parser.parse_args()


def configure(args):
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": args.database_url,
            "CACHE_URL": args.cache_url,
            "DEBUG": "false",
            "SECRET_KEY": "bench-scale-only-" + "x" * 40,
            "ALLOWED_HOSTS": "testserver",
            "LOG_LEVEL": "ERROR",
            # One client makes every request here: counted (the API's edge costs what it costs), never refused.
            "API_RATE_LIMIT": "100000000",
        }
    )
    _create_database(args.database_url)
    import django

    django.setup()


def _create_database(url: str):
    import psycopg

    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"Created database {name}.")


def prepare(args) -> dict:
    """Migrate; generate the content if the database has none. Returns what was done."""
    from django.core.management import call_command
    from django.db import connection

    from newsroom.stories.models import Story

    call_command("migrate", verbosity=0)
    made = {"generated": False}
    if not Story.objects.exists():
        print(f"Generating {args.stories:,} stories and {args.photos:,} photo records ...", flush=True)
        started, cpu = time.monotonic(), _cpu_seconds()
        call_command("generate_content", "--stories", str(args.stories), "--photos", str(args.photos))
        made = {"generated": True, "seconds": time.monotonic() - started, "cpu": _cpu_seconds() - cpu}
    # What autovacuum would do soon after a bulk load anyway: mark pages all-visible, so a count
    # or a deep page is an index-only walk. Quick when it has nothing left to do.
    started = time.monotonic()
    with connection.cursor() as cursor:
        for table in BIG_TABLES:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    made["vacuum_seconds"] = time.monotonic() - started
    return made


def _cpu_seconds() -> float:
    """CPU time of this process (generating the text); PostgreSQL's own work is not in it."""
    return sum(os.times()[:2])


def pages() -> list[tuple[str, str, bool]]:
    """(label, URL, admin?) for every page measured, chosen from the data."""
    from django.db.models import Count, Min

    from newsroom.archive.selectors import archived_months, archived_years
    from newsroom.photos.models import PhotoAsset
    from newsroom.stories.models import Story, Tag
    from newsroom.stories.selectors import current_news

    per_page = 20
    count = current_news().count()
    last = max(1, -(-count // per_page))
    year = archived_years()[len(archived_years()) // 2]
    month = archived_months(year.year)[0]
    tags = list(Tag.objects.annotate(n=Count("stories")).filter(n__gt=0).order_by("-n").values_list("slug", "n"))
    big_tag, small_tag = tags[0], tags[-1]
    story = Story.objects.published().order_by("-published_at").first()
    headline_word = max(re.findall(r"[A-Za-z]{5,}", story.headline), key=len)
    virin = PhotoAsset.objects.filter(placements__story=story).order_by("virin").values_list("virin", flat=True).first()
    byline = story.byline_url
    first_day = Story.objects.published().aggregate(first=Min("published_at"))["first"]
    return [
        ("News listing, page 1", "/news/", False),
        ("News listing, page 2", "/news/?page=2", False),
        (f"News listing, page {last // 4:,} (a quarter in)", f"/news/?page={last // 4}", False),
        (f"News listing, page {last // 2:,} (the middle)", f"/news/?page={last // 2}", False),
        (f"News listing, page {last:,} (the last)", f"/news/?page={last}", False),
        (f"Archive, {month.name}", f"/archive/{month.year}/{month.month}/", False),
        ("Archive, all collections", "/archive/", False),
        (f"Tag page, biggest tag ({big_tag[1]:,} stories)", f"/news/tag/{big_tag[0]}/", False),
        (f"Tag page, smallest tag ({small_tag[1]:,} stories)", f"/news/tag/{small_tag[0]}/", False),
        ("Label page (speeches)", "/news/label/speech/", False),
        ("Byline page", byline, False),
        ("Search, a common word (army)", "/search/?q=army", False),
        (f"Search, a headline word ({headline_word.lower()})", f"/search/?q={headline_word.lower()}", False),
        ("Search, two words (levee repairs)", "/search/?q=levee+repairs", False),
        ("Home page", "/", False),
        ("RSS feed", "/news/feed/", False),
        (
            f"Story page (oldest: {first_day:%Y})",
            Story.objects.published().order_by("published_at").first().get_absolute_url(),
            False,
        ),
        *api_pages(story, virin, big_tag, small_tag, byline),
        ("Admin: story changelist", "/admin/stories/story/", True),
        ("Admin: story search by headline word", f"/admin/stories/story/?q={headline_word}", True),
        ("Admin: story search by VIRIN", f"/admin/stories/story/?q={virin}", True),
        ("Admin: story changelist, drafts", "/admin/stories/story/?status__exact=draft", True),
        ("Admin: photo library", "/admin/photos/photoasset/", True),
        ("Admin: photo search by VIRIN", f"/admin/photos/photoasset/?q={virin}", True),
    ]


def api_pages(story, virin, big_tag, small_tag, byline) -> list[tuple[str, str, bool]]:
    """The public API's endpoints (newsroom/api/): its lists' first and last pages by cursor, each
    filter, a story, a photo, tags, collections and search."""
    from newsroom.api.cursors import encode
    from newsroom.stories.selectors import current_news

    # The last page of current news: its cursor is the story just newer than the oldest twenty.
    oldest = list(current_news().order_by("published_at", "id").values_list("published_at", "pk")[:21])
    last = f"/api/v1/stories?archived=false&cursor={encode(*oldest[-1])}"
    writer = byline.rstrip("/").rsplit("/", 1)[-1]
    return [
        ("API: stories, page 1", "/api/v1/stories", False),
        ("API: current stories, the last page (cursor)", last, False),
        (f"API: stories, biggest tag ({big_tag[1]:,})", f"/api/v1/stories?tag={big_tag[0]}", False),
        (f"API: stories, smallest tag ({small_tag[1]:,})", f"/api/v1/stories?tag={small_tag[0]}", False),
        ("API: stories, label (speeches)", "/api/v1/stories?label=speech", False),
        ("API: stories, byline", f"/api/v1/stories?byline={writer}", False),
        ("API: stories, archived", "/api/v1/stories?archived=true", False),
        (
            "API: stories, published in 2020",
            "/api/v1/stories?published_after=2020-01-01&published_before=2021-01-01",
            False,
        ),
        ("API: a story", f"/api/v1/stories/{story.slug}", False),
        ("API: a story by id", f"/api/v1/stories/id/{story.pk}", False),
        ("API: photos, page 1", "/api/v1/photos", False),
        ("API: a photo by VIRIN", f"/api/v1/photos/{virin}", False),
        ("API: tags", "/api/v1/tags", False),
        ("API: collections", "/api/v1/collections", False),
        ("API: search, a common word (army)", "/api/v1/search?q=army", False),
    ]


# Each run's requests carry a token of their own, so none meets a page an earlier run left in Redis.
RUN = f"{time.time_ns():x}"


def measure(label: str, url: str, admin: bool, runs: int, client) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get(n):
        path = url if admin else f"{url}{'&' if '?' in url else '?'}_bench={RUN}-{n}"
        return client.get(path, secure=True)

    for _ in range(5):  # warm-up: kept counts, the database's own caches
        response = get(0)
        if response.status_code != 503:  # PostgreSQL restarting (other work on the machine): wait
            break
        time.sleep(3)
    if response.status_code != 200:
        raise SystemExit(f"{label}: {url} answered {response.status_code}")
    times = []
    for n in range(1, runs + 1):
        started = time.perf_counter()
        get(n)
        times.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        get(runs + 1)
    queries = captured.captured_queries
    slowest = max(queries, key=lambda query: float(query["time"]), default=None)
    seq_scans = sorted({table for query in queries for table in _sequential_scans(query["sql"])})
    return {
        "label": label,
        "url": url,
        "admin": admin,
        "p50": statistics.median(times),
        "p95": _percentile(times, 95),
        "queries": len(queries),
        "slowest_sql": slowest["sql"] if slowest else "",
        "slowest_ms": float(slowest["time"]) * 1000 if slowest else 0.0,
        "seq_scans": seq_scans,
    }


def _percentile(values, percent):
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(percent / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def _explain(sql: str, analyze: bool) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ({'ANALYZE, BUFFERS, ' if analyze else ''}COSTS OFF) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def _sequential_scans(sql: str) -> list[str]:
    if not sql.lstrip().upper().startswith("SELECT"):
        return []
    plan = _explain(sql, analyze=False)
    return [table for table in BIG_TABLES if re.search(rf"Seq Scan on {table}\b", plan)]


def machine() -> dict:
    import django
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cursor.fetchone()[0]
    memory = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    return {
        "cpu": cpu_model(),
        "cores": f"{usable_cores()} usable of {os.cpu_count()}",
        "memory": f"{int(memory.group(1)) / 1024 / 1024:.0f} GB" if memory else "unknown",
        "python": platform.python_version(),
        "django": django.get_version(),
        "postgresql": server.split()[0],
        "database_size": size,
    }


def content() -> dict:
    from newsroom.photos.models import PhotoAsset
    from newsroom.search.models import StorySearchDocument
    from newsroom.stories.models import Story

    return {
        "stories": Story.objects.count(),
        "photos": PhotoAsset.objects.count(),
        "current": Story.objects.published().current().count(),
        "archived": Story.objects.published().archived().count(),
        "documents": StorySearchDocument.objects.count(),
    }


def main():
    args = arguments()
    configure(args)
    from django.contrib.auth import get_user_model
    from django.test import Client

    generated = prepare(args)
    load = os.getloadavg()[0]
    info, data = machine(), content()
    print(
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory']}; PostgreSQL {info['postgresql']}; "
        f"load average {load:.2f}"
    )
    print(
        f"Content: {data['stories']:,} stories ({data['current']:,} current, {data['archived']:,} archived), "
        f"{data['photos']:,} photo records, {data['documents']:,} search documents; database {info['database_size']}"
    )

    reader = Client()
    editor = Client()
    admin_user, _ = get_user_model().objects.get_or_create(
        username="bench-scale-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    editor.force_login(admin_user)
    # With DEBUG off the admin asks for the second factor: a security key's record (never used to
    # sign anything here), as if it had just answered (django-otp keeps the device in the session).
    import hashlib

    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp_webauthn.models import WebAuthnCredential

    key, _ = WebAuthnCredential.objects.get_or_create(
        user=admin_user,
        name="bench-scale",
        defaults={
            "credential_id": b"bench-scale",
            "public_key": b"-",
            "aaguid": "00000000-0000-0000-0000-000000000000",
            "credential_id_sha256": hashlib.sha256(b"bench-scale").hexdigest(),
        },
    )
    session = editor.session
    session[DEVICE_ID_SESSION_KEY] = key.persistent_id
    session.save()

    rows = []
    for label, url, admin in pages():
        row = measure(label, url, admin, args.runs, editor if admin else reader)
        rows.append(row)
        target = ADMIN_TARGET_MS if admin else PUBLIC_TARGET_MS
        flag = "ok " if row["p95"] < target else "SLOW"
        print(
            f"{flag} {row['p50']:7.1f} {row['p95']:7.1f} ms  {row['queries']:2d} queries  {label}  {url}"
            + (f"  SEQ SCAN of {', '.join(row['seq_scans'])}" if row["seq_scans"] else ""),
            flush=True,
        )
    print()
    for row in rows:
        print(f"--- {row['label']}: slowest query ({row['slowest_ms']:.1f} ms)")
        print(
            _explain(row["slowest_sql"], analyze=True)
            if row["slowest_sql"].lstrip().upper().startswith("SELECT")
            else row["slowest_sql"]
        )
        print()
    if not args.no_record:
        record(info, data, generated, rows, args.runs, load)
        print(f"Wrote the Scale section of {RESULTS.relative_to(ROOT)}.")


def record(info, data, generated, rows, runs, load):
    today = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    public = [row for row in rows if not row["admin"]]
    admin = [row for row in rows if row["admin"]]
    public_ok = all(row["p95"] < PUBLIC_TARGET_MS for row in public)
    admin_ok = all(row["p95"] < ADMIN_TARGET_MS for row in admin)
    no_seq = not any(row["seq_scans"] for row in public)
    lines = [
        "## Scale: `bench/scale.py`",
        "",
        f"Run {today} on {info['cpu']}, {info['cores']} cores, {info['memory']} of memory, shared with other "
        f"work (load average {load:.2f} when it started); PostgreSQL {info['postgresql']} with its default "
        f"settings, Redis page cache; Python {info['python']}, Django {info['django']}.",
        "",
        f"Data: {data['stories']:,} stories ({data['current']:,} current, {data['archived']:,} in historical "
        f"collections), {data['photos']:,} photo records, {data['documents']:,} search documents; the database "
        f"takes {info['database_size']}.",
    ]
    if generated.get("generated"):
        lines += [
            "",
            f"`generate_content --stories {data['stories']:,} --photos {data['photos']:,}` took "
            f"{generated['seconds'] / 60:.1f} minutes, of which {generated['cpu'] / 60:.1f} CPU-minutes in Python "
            "(the rest is PostgreSQL: COPY, indexes and the search documents).",
        ]
    lines += [
        "",
        f"Server time per page: {runs} requests after a warm-up, each missing the page cache (a new "
        "`_bench=N` parameter); Django's test client in one process, so no network or WSGI server. "
        "Queries: how many one request makes. Sequential scans: big tables a query of the page reads "
        "row by row (EXPLAIN).",
        "",
        "| page | p50 | p95 | queries | sequential scans |",
        "|---|---:|---:|---:|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row['label']} | {row['p50']:.1f} ms | {row['p95']:.1f} ms | {row['queries']} | "
            f"{', '.join(row['seq_scans']) or 'none'} |"
        )
    lines += [
        "",
        f"Targets: public pages under {PUBLIC_TARGET_MS} ms at p95: **{'met' if public_ok else 'not met'}**; "
        f"admin under {ADMIN_TARGET_MS} ms: **{'met' if admin_ok else 'not met'}**; no sequential scan of a "
        f"big table on a public page: **{'met' if no_seq else 'not met'}**.",
    ]
    write_section(SECTION_START, SECTION_END, "\n".join(lines))


if __name__ == "__main__":
    main()
