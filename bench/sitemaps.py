"""Benchmark: the sitemaps over a million stories, as a crawler fetches them with no page cached.

    .venv/bin/python bench/sitemaps.py               # after bench/scale.py has made its database
    .venv/bin/python bench/sitemaps.py --runs 5

Uses bench/scale.py's database (newsroom_scale) and settings, with the page cache off, and times
in-process requests through Django's test client: the index, the first, middle and last page of
the stories and photos sections, and the small sections. Each page is fetched once to warm
PostgreSQL's caches, then `--runs` times; the median and the slowest are reported. Rewrites the
"Sitemaps" section of bench/RESULTS.md (`--no-record` to only print).
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import statistics
import time

from machine import cpu_model, usable_cores, write_section
from scale import CACHE_URL, DATABASE_URL, configure

SECTION_START = "<!-- bench/sitemaps.py: start -->"
SECTION_END = "<!-- bench/sitemaps.py: end -->"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DATABASE_URL)
    parser.add_argument("--cache-url", default=CACHE_URL)
    parser.add_argument("--runs", type=int, default=3, help="timed requests per sitemap page (default 3)")
    parser.add_argument("--no-record", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    os.environ["PAGE_CACHE_SECONDS"] = "0"  # what a crawler meets right after an edit
    configure(args)
    from django.test import Client

    from newsroom.stories.models import Story

    stories = Story.objects.count()
    if not stories:
        raise SystemExit("newsroom_scale has no stories: run bench/scale.py first.")
    client = Client()
    index = client.get("/sitemap.xml", secure=True).content.decode()
    pages = [location.replace("&amp;", "&") for location in re.findall(r"<loc>https://testserver([^<]+)</loc>", index)]
    urls = ["/sitemap.xml"]
    for section in ("stories", "photos"):
        section_pages = [page for page in pages if f"sitemap-{section}" in page]
        urls += [section_pages[0], section_pages[len(section_pages) // 2], section_pages[-1]]
    urls += ["/sitemap-tags.xml", "/sitemap-archive.xml", "/sitemap-news.xml"]

    rows = []
    for url in urls:
        response = client.get(url, secure=True)
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get(url, secure=True)
            times.append((time.perf_counter() - started) * 1000)
        entries = response.content.count(b"<url>") + response.content.count(b"<sitemap>")
        rows.append((url, response.status_code, entries, len(response.content), statistics.median(times), max(times)))
        print(f"{url:40s} {response.status_code} {entries:6d} entries {statistics.median(times):8.0f} ms", flush=True)

    lines = [
        "## Sitemaps: `bench/sitemaps.py`",
        "",
        f"Run {datetime.datetime.now():%Y-%m-%d %H:%M} on {cpu_model()}, `nproc` {usable_cores()}; "
        f"{stories:,} stories in newsroom_scale; page cache off; {args.runs} timed requests a page "
        f"after one warm-up; load average {os.getloadavg()[0]:.2f}. The index names {len(pages)} sitemap pages "
        "of at most 10,000 addresses.",
        "",
        "| sitemap page | status | entries | size | median | slowest |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for url, status, entries, size, median, slowest in rows:
        lines.append(
            f"| `{url}` | {status} | {entries:,} | {size / 1e6:.1f} MB | {median:,.0f} ms | {slowest:,.0f} ms |"
        )
    if not args.no_record:
        write_section(SECTION_START, SECTION_END, "\n".join(lines))
        print("Recorded in bench/RESULTS.md")


if __name__ == "__main__":
    main()
