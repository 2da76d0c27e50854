"""Fault check: restart Redis, then PostgreSQL, while wrk is reading the site.

    .venv/bin/python bench/faults.py              # after bench/web.py has made its data set
    .venv/bin/python bench/faults.py --no-record  # print only

Serves the benchmark's database (newsroom_bench) with gunicorn as bench/web.py does, then runs
two wrk streams at once for each fault: readers of 1,000 cached story pages, and searches (never
cached, so every one needs PostgreSQL). A few seconds in, the service is restarted:

    Redis:       redis-cli shutdown nosave, then
                 redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
    PostgreSQL:  pg_ctlcluster --skip-systemctl-redirect <version> main restart

gunicorn is never restarted. After each fault, /healthz and a story page must answer 200 again
by themselves. Prints what each stream got and rewrites the "Faults" section of bench/RESULTS.md.
Both services are running again when it ends, whatever happens.

This restarts the machine's shared PostgreSQL and Redis: other users of them lose their
connections (and Redis its contents) for a moment.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import web
from machine import write_section

REDIS_START = [
    "redis-server",
    "--daemonize",
    "yes",
    "--bind",
    "127.0.0.1",
    "--port",
    "6379",
    "--save",
    "",
    "--appendonly",
    "no",
]
SECTION_START = "<!-- bench/faults.py: start -->"
SECTION_END = "<!-- bench/faults.py: end -->"


def postgres_version() -> str:
    return sorted(path.name for path in Path("/etc/postgresql").iterdir())[-1]


def restart_redis() -> None:
    subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], capture_output=True)
    subprocess.run(REDIS_START, check=True, capture_output=True)


def restart_postgres() -> None:
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", postgres_version(), "main", "restart"],
        check=True,
        capture_output=True,
    )


def make_sure_services_run() -> None:
    """Whatever happened, leave Redis and PostgreSQL running."""
    if subprocess.run(["redis-cli", "-p", "6379", "ping"], capture_output=True, text=True).stdout.strip() != "PONG":
        subprocess.run(REDIS_START, capture_output=True)
    status = subprocess.run(["pg_ctlcluster", postgres_version(), "main", "status"], capture_output=True)
    if status.returncode != 0:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", postgres_version(), "main", "start"], capture_output=True
        )


def wait_for_service(port: int, timeout=30) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            web.socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return time.monotonic() - started
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


def distinct_searches(path: str) -> Path:
    """A file of the search's address, each time with its own `n`: a repeated search is kept in
    the server process's memory (newsroom/website/caching.py), and these must reach PostgreSQL."""
    searches = web.CACHE / "distinct-searches.txt"
    searches.write_text("".join(f"{path}&n={number}\n" for number in range(100_000)))
    return searches


def under_fault(server, pages, fault, port, args) -> dict:
    """Two wrk streams for args.seconds; the fault strikes after a third of it. What each stream got."""
    # Searches take a worker for far longer than a cached page: one connection, so the readers'
    # stream is not starved of the 2 workers.
    streams = {
        "cached story pages": (pages["rotation"], args.connections),
        "search (needs the database)": (distinct_searches(pages["search"]), 1),
    }
    results, errors = {}, []

    def run(label, path, connections):
        try:
            results[label] = web.wrk(server, path, args.seconds, connections, 1)
        except Exception as error:  # reported below; the fault must still be undone
            errors.append(error)

    threads = [threading.Thread(target=run, args=(label, *stream)) for label, stream in streams.items()]
    for thread in threads:
        thread.start()
    time.sleep(args.seconds / 3)
    struck = time.monotonic()
    fault()
    back_after = time.monotonic() - struck + wait_for_service(port)
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    recovered = {
        path: web.urllib.request.urlopen(server.base + path, timeout=10).status
        for path in ("/healthz", pages["story"], pages["search"])
    }
    return {"streams": results, "back_after": back_after, "recovered": recovered}


def report(outcomes: dict, args) -> str:
    lines = [
        "## Faults: `bench/faults.py`",
        "",
        f"Run {web.datetime.datetime.now():%Y-%m-%d %H:%M}: one gunicorn (2 workers, production settings) on "
        f"the `bench/web.py` data set, never restarted. For each fault, two wrk streams of {args.seconds} s "
        f"run at once (cached story pages on {args.connections} connections, searches on 1), and the service "
        "is restarted a third of the way in. Non-2xx answers are the 503 page, given while PostgreSQL is down.",
        "",
        "| fault | stream | requests | non-2xx | socket errors | afterwards |",
        "|---|---|---:|---:|---:|---|",
    ]
    for fault, outcome in outcomes.items():
        afterwards = ", ".join(f"`{path.split('?')[0]}` {status}" for path, status in outcome["recovered"].items())
        for stream, result in sorted(outcome["streams"].items()):
            lines.append(
                f"| {fault} (back in {outcome['back_after']:.1f} s) | {stream} | {result['requests']} | "
                f"{result['status']} | {result['errors']} | {afterwards} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=9, help="length of each wrk stream (default 9)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections per stream (default 4)")
    parser.add_argument("--stories", type=int, default=5000, help="as for bench/web.py, if it must make the data")
    parser.add_argument("--photos", type=int, default=2000, help="as for bench/web.py, if it must make the data")
    parser.add_argument("--no-record", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()

    web.preflight()
    web.build_data(args.stories, args.photos, rebuild=False)
    web.collect_static()
    pages = web.pick_pages()
    outcomes = {}
    try:
        web.flush_cache_db()
        with web.serving("faults") as server:
            web.warm(server, pages["rotation"].read_text().split())
            outcomes["Redis restart"] = under_fault(server, pages, restart_redis, 6379, args)
            web.warm(server, pages["rotation"].read_text().split())  # the restart emptied the cache
            outcomes["PostgreSQL restart"] = under_fault(server, pages, restart_postgres, 5432, args)
    finally:
        make_sure_services_run()
    section = report(outcomes, args)
    print(section.split("\n", 1)[1])  # all but the heading
    if not args.no_record:
        write_section(SECTION_START, SECTION_END, section)
        print(f"\nRecorded in {web.RESULTS.relative_to(web.ROOT)}")


if __name__ == "__main__":
    main()
