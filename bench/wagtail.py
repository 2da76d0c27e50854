"""Benchmark: Newsroom's uncached story page against a Wagtail news page, in turns, in one run.

    .venv/bin/python bench/wagtail.py                    # 3 rounds of 10 s each, about 3 minutes
    .venv/bin/python bench/wagtail.py --rounds 5 --seconds 10
    .venv/bin/python bench/wagtail.py --no-record        # print only

Issue 18 asks for the uncached story page at 6 times Wagtail's story page or more, in the same
run. The Wagtail site is bench/wagtail_site/: a plain news site as Wagtail's tutorial builds one
(a page with date, intro, byline, rich-text body, lead image with a 960-pixel rendition, tags,
and the five latest sibling stories), Wagtail 8.0.1 with the packages pip resolved for it pinned
in bench/wagtail-requirements.txt, in its own virtual environment (bench/.cache/wagtail-venv),
on PostgreSQL (database wagtail_bench, 1,000 news pages made by its make_stories command once and
kept). Newsroom is bench/web.py's data set (5,000 stories) with PAGE_CACHE_SECONDS=0. Both run on
gunicorn with 2 sync workers, production settings, no full-page cache. Each round measures
Newsroom's page, then Wagtail's, with wrk (2 threads, 8 connections, after a 1-second warm-up),
so both see the same minutes of this machine; the ratio of each round and their median are printed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import web
from machine import write_section

BENCH = Path(__file__).resolve().parent
SITE = BENCH / "wagtail_site"
VENV = web.CACHE / "wagtail-venv"
REQUIREMENTS = BENCH / "wagtail-requirements.txt"
DATABASE = "wagtail_bench"
STORIES = 1000
TARGET = 6.0  # Newsroom's uncached story page / Wagtail's story page, in the same run
START, END = "<!-- bench/wagtail.py: start -->", "<!-- bench/wagtail.py: end -->"


def wagtail_env() -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(WAGTAIL_DATABASE=DATABASE, WAGTAIL_MEDIA_ROOT=str(web.CACHE / "wagtail-media"))
    return env


def wagtail_manage(*args: str) -> None:
    done = subprocess.run([str(VENV / "bin" / "python"), "manage.py", *args], cwd=SITE, env=wagtail_env())
    if done.returncode:
        sys.exit(f"Wagtail's manage.py {' '.join(args)} failed (status {done.returncode})")


def ensure_wagtail() -> None:
    """Its venv from the pinned requirements, and its data set, each made once."""
    marker = VENV / "requirements.txt"
    if not marker.exists() or marker.read_text() != REQUIREMENTS.read_text():
        print("Making Wagtail's virtual environment ...", flush=True)
        shutil.rmtree(VENV, ignore_errors=True)
        base = getattr(sys, "_base_executable", sys.executable)
        subprocess.run([base, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "-r", str(REQUIREMENTS)], check=True)
        shutil.copy(REQUIREMENTS, marker)
    made = web.CACHE / "wagtail-data.json"
    wanted = {"stories": STORIES, "requirements": REQUIREMENTS.read_text()}
    exists = web.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'") == "1"
    if exists and made.exists() and json.loads(made.read_text()) == wanted:
        return
    print(f"Making Wagtail's data set: {STORIES} news pages ...", flush=True)
    if exists:
        web.psql(f"DROP DATABASE {DATABASE} WITH (FORCE)")
    web.psql(f"CREATE DATABASE {DATABASE}")
    shutil.rmtree(web.CACHE / "wagtail-media", ignore_errors=True)
    wagtail_manage("migrate", "--no-input", "--verbosity", "0")
    wagtail_manage("make_stories", "--stories", str(STORIES))
    made.write_text(json.dumps(wanted))


@contextlib.contextmanager
def wagtail_server():
    port = web.free_port()
    log = open(web.CACHE / "gunicorn-wagtail.log", "w")  # noqa: SIM115 (open while the server runs)
    process = subprocess.Popen(
        [str(VENV / "bin" / "gunicorn"), "newsbench.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=SITE,
        env=wagtail_env(),
        start_new_session=True,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = argparse.Namespace(base=f"http://127.0.0.1:{port}", requests=0)
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(OSError):
                if urllib.request.urlopen(f"{server.base}/news/", timeout=5).status == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Wagtail's gunicorn did not start; see {log.name}")
            time.sleep(0.2)
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 15)
        process.wait(timeout=20)
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--database", default=web.DATABASE, help="Newsroom's data set, as for bench/web.py")
    parser.add_argument("--cache-url", default=web.REDIS, help="as for bench/web.py")
    parser.add_argument("--no-record", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    web.preflight()
    web.use(database=args.database, cache_url=args.cache_url, port=0)
    web.build_data(5000, 2000, rebuild=False)
    web.collect_static()
    ensure_wagtail()
    story = web.pick_pages()["story"]
    wagtail_story = "/news/story-500/"
    rounds = []
    with web.serving("newsroom-uncached", PAGE_CACHE_SECONDS="0") as ours, wagtail_server() as theirs:
        for number in range(1, args.rounds + 1):
            print(f"Round {number} of {args.rounds}", flush=True)
            newsroom = web.measure(ours, "Newsroom story page, uncached", story, args)
            wagtail = web.measure(theirs, "Wagtail 8.0.1 news page", wagtail_story, args)
            rounds.append((newsroom["rate"], wagtail["rate"]))
    ratios = [ours_rate / theirs_rate for ours_rate, theirs_rate in rounds]
    ratio = statistics.median(ratios)
    lines = [
        "| round | Newsroom, uncached story (req/s) | Wagtail news page (req/s) | ratio |",
        "|---:|---:|---:|---:|",
        *(
            f"| {number} | {ours_rate:,.0f} | {theirs_rate:,.0f} | {ours_rate / theirs_rate:.1f}x |"
            for number, (ours_rate, theirs_rate) in enumerate(rounds, start=1)
        ),
        "",
        f"Median ratio {ratio:.1f}x; target {TARGET:.0f}x: {'met' if ratio >= TARGET else 'NOT met'}. "
        f"Load average {os.getloadavg()[0]:.1f} at the end; {time.strftime('%Y-%m-%d %H:%M')}.",
    ]
    print("\n".join(lines))
    if not args.no_record:
        heading = "## Against Wagtail: `bench/wagtail.py`\n\n`.venv/bin/python bench/wagtail.py`\n\n"
        write_section(START, END, heading + "\n".join(lines))
        print(f"\nRecorded in {web.RESULTS.relative_to(web.ROOT)}")


if __name__ == "__main__":
    main()
