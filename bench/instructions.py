"""Benchmark: CPU instructions the app server spends on one request, counted by valgrind.

    .venv/bin/python bench/instructions.py                        # every case, 200 requests each
    .venv/bin/python bench/instructions.py cached redis           # some of the cases
    .venv/bin/python bench/instructions.py --without compiled-queries uncached
    .venv/bin/python bench/instructions.py --against 90199dd cached    # the site as it was at a commit

Instruction counts do not move with the machine's load, unlike requests per second, so they show a
change of a few per cent that wrk cannot. Each case runs Django's WSGI handler in one process
(production settings, PostgreSQL and Redis as bench/web.py has them; no network, no gunicorn)
under `valgrind --tool=cachegrind`, twice: once to set up and warm up, once to do the same and
then answer the page --requests more times. The difference, divided, is one request's
instructions in the Python process; PostgreSQL's and Redis's own work is not in it.
Needs bench/web.py's data set (run it first) and Debian's valgrind. Prints a table; records nothing.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import web
import without

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# What each case asks for, with the settings its server would have.
CASES = {
    "cached": ("story page, cached, from the process's memory", "story", {}),
    "redis": ("story page, cached, from Redis", "story", {"PAGE_CACHE_LOCAL_MB": "0"}),
    "uncached": ("story page, made afresh", "story", {"PAGE_CACHE_SECONDS": "0"}),
    "home": ("home page, made afresh", "home", {"PAGE_CACHE_SECONDS": "0"}),
    "listing": ("news listing, made afresh", "listing", {"PAGE_CACHE_SECONDS": "0"}),
    "tag": ("tag page, made afresh", "tag", {"PAGE_CACHE_SECONDS": "0"}),
    "feed": ("RSS feed, made afresh", "feed", {"PAGE_CACHE_SECONDS": "0"}),
    "byline": ("byline page, made afresh", "byline", {"PAGE_CACHE_SECONDS": "0"}),
    "archive": ("archive, made afresh", "archive", {"PAGE_CACHE_SECONDS": "0"}),
    "search": ("search, a repeated query (kept in the process's memory)", "search", {}),
    "search-afresh": ("search, made afresh", "search", {"PAGE_CACHE_SECONDS": "0"}),
    "healthz": ("/healthz", "healthz", {}),
}


def child(path: str, requests: int, devices: list[str]) -> None:
    """Set up Django, answer `path` a few times, then `requests` more times (under valgrind)."""
    sys.path.insert(0, os.getcwd())  # the site's tree: this one, or another revision's
    import django

    django.setup(set_prefix=False)
    without.apply(devices)
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }
    statuses = []

    def start_response(status, headers):
        statuses.append(status)

    for _ in range(5 + requests):
        body = handler(dict(environ), start_response)
        b"".join(body)
        body.close()
    if not statuses[-1].startswith("200"):
        sys.exit(f"{path} answered {statuses[-1]}")


def instructions(path: str, requests: int, devices: list[str], env: dict, tree: Path = ROOT) -> int:
    command = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--child",
        path,
        "--requests",
        str(requests),
        *[f"--without={device}" for device in devices],
    ]
    # The same hash seed in both runs, so that they do the same work up to the extra requests.
    done = subprocess.run(
        command,
        cwd=tree,
        env={**web.site_env(**env), "DJANGO_SETTINGS_MODULE": "config.settings", "PYTHONHASHSEED": "0"},
        capture_output=True,
        text=True,
    )
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if done.returncode or not found:
        sys.exit(f"valgrind failed:\n{done.stdout}\n{done.stderr[-3000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", nargs="*", help=f"of {', '.join(CASES)} (default all)")
    parser.add_argument("--requests", type=int, default=200, help="requests counted per case (default 200)")
    without.add_option(parser, "with this performance device replaced by plain Django (bench/without.py; repeatable)")
    parser.add_argument("--against", metavar="REV", help="count the site as it is at this git revision instead")
    parser.add_argument("--database", default=web.DATABASE, help=f"as for bench/web.py (default {web.DATABASE})")
    parser.add_argument("--cache-url", default=web.REDIS, help=f"as for bench/web.py (default {web.REDIS})")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.requests, args.without)
        return
    if set(args.cases) - set(CASES):
        parser.error(
            f"unknown case: {', '.join(sorted(set(args.cases) - set(CASES)))}; the cases are {', '.join(CASES)}"
        )
    if not shutil.which("valgrind"):
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    web.use(database=args.database, cache_url=args.cache_url, port=0)
    pages = {**web.pick_pages(), "healthz": "/healthz"}
    tree = web.export_tree(args.against) if args.against else ROOT
    print(
        f"Instructions per request, {args.requests} requests a case"
        + (f", the site at {args.against}" if args.against else "")
        + (f", without {', '.join(args.without)}" if args.without else "")
    )
    print()
    print("| case | instructions per request |")
    print("|---|---:|")
    for name in args.cases or CASES:
        label, page, settings = CASES[name]
        web.flush_cache_db()
        base = instructions(pages[page], 0, args.without, settings, tree)
        web.flush_cache_db()
        total = instructions(pages[page], args.requests, args.without, settings, tree)
        print(f"| {label} | {(total - base) / args.requests:,.0f} |", flush=True)
    web.flush_cache_db()


if __name__ == "__main__":
    main()
