"""Benchmark export_records' memory at growing story counts on PostgreSQL.

    .venv/bin/python bench/records.py                        # 1,000, 10,000 and 100,000 stories
    .venv/bin/python bench/records.py --stories 10000 30000 100000
    .venv/bin/python bench/records.py --stories 1000 --no-record

For each count, makes a database (`newsroom_records_bench_<count>`) with `manage.py generate_content`
(one photo record for every two stories, no image files, so no public copies), then runs
`export_records` of every public story under `/usr/bin/time -v`: its "Maximum resident set size"
is the exporting process's peak memory (VmHWM). Flat memory means the peak does not grow with the
count. Prints a table and rewrites this benchmark's section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import cpu_model, usable_cores, write_section

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "bench" / ".cache"
PYTHON = sys.executable
SERVER = "postgres://postgres@127.0.0.1:5432"
CACHE_URL = "redis://127.0.0.1:6379/7"  # emptied before each export
SECTION_START = "<!-- bench/records.py: start -->"
SECTION_END = "<!-- bench/records.py: end -->"


def environment(database: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{database}",
        # Production mode, as an operator runs commands (with DEBUG on, Django keeps every query's text).
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-not-for-any-real-site-0123456789",
        "ALLOWED_HOSTS": "localhost",
        # Redis, as in production: the page cache lives outside the exporting process.
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL", CACHE_URL),
        "STATIC_ROOT": str(CACHE / "records-static"),
        "MEDIA_ROOT": str(CACHE / "records-media"),
        "PRIVATE_MEDIA_ROOT": str(CACHE / "records-private"),
    }


def manage(database: str, *args: str, timed: bool = False) -> str:
    command = [PYTHON, "manage.py", *args]
    if timed:
        command = ["/usr/bin/time", "-v", *command]
    done = subprocess.run(command, cwd=ROOT, env=environment(database), capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout + done.stderr


def make_database(database: str, stories: int) -> None:
    for statement in (f"DROP DATABASE IF EXISTS {database}", f"CREATE DATABASE {database}"):
        subprocess.run(["psql", SERVER + "/postgres", "-qc", statement], check=True, capture_output=True)
    manage(database, "migrate", "-v", "0")
    manage(database, "generate_content", "--stories", str(stories), "--photos", str(max(1, stories // 2)))


def measure(stories: int, *, reuse: bool) -> dict:
    database = f"newsroom_records_bench_{stories}"
    if not reuse:
        make_database(database, stories)
    manage(database, "migrate", "-v", "0")  # a database kept from an earlier run, brought up to this code
    manage(database, "collectstatic", "--no-input", "--verbosity", "0")  # pages name the static files' hashed names
    manage(database, "shell", "-c", "from django.core.cache import cache; cache.clear()")  # every page made afresh
    out = Path(tempfile.mkdtemp(prefix="records-bench-"))
    try:
        started = time.monotonic()
        report = manage(database, "export_records", str(out / "bag"), timed=True)
        seconds = time.monotonic() - started
        peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", report).group(1))
        recorded = re.search(r"Recorded (\d+) stories", report)
        warcs = list((out / "bag" / "data" / "warc").glob("*.warc.gz"))
        return {
            "stories": stories,
            "recorded": int(recorded.group(1)) if recorded else 0,
            "seconds": seconds,
            "peak_mb": peak_kb / 1024,
            "warc_mb": sum(warc.stat().st_size for warc in warcs) / 1e6,
            "warc_files": len(warcs),
        }
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--reuse", action="store_true", help="Keep the databases a previous run made.")
    parser.add_argument("--no-record", action="store_true", help="Print only; leave bench/RESULTS.md alone.")
    arguments = parser.parse_args()

    load_before = os.getloadavg()[0]
    rows = []
    for stories in arguments.stories:
        row = measure(stories, reuse=arguments.reuse)
        print(
            f"{row['stories']:>8,} generated, {row['recorded']:>8,} public recorded: {row['seconds']:7.0f} s, "
            f"peak {row['peak_mb']:6.0f} MB, WARC {row['warc_mb']:7.1f} MB in {row['warc_files']} files",
            flush=True,
        )
        rows.append(row)
    if arguments.no_record:
        return
    table = "\n".join(
        f"| {row['stories']:,} | {row['recorded']:,} | {row['seconds']:.0f} s | {row['peak_mb']:.0f} MB | "
        f"{row['warc_mb']:.1f} MB | {row['warc_files']} |"
        for row in rows
    )
    write_section(
        SECTION_START,
        SECTION_END,
        f"""## Web records: `bench/records.py`

Run {time.strftime("%Y-%m-%d")} on {cpu_model()}, {usable_cores()} cores; Python {platform.python_version()};
load average {load_before:.1f} when it started, {os.getloadavg()[0]:.1f} at the end.

`manage.py generate_content --stories N --photos N/2` (photo records without image files, so no
public copies), then `manage.py export_records PATH` of every public story under `/usr/bin/time -v`,
with the page cache in Redis (as in production) emptied first; peak memory is its maximum resident
set size (VmHWM).

| stories generated | public stories recorded | wall time | peak memory | WARC size | WARC files |
|---:|---:|---:|---:|---:|---:|
{table}
""",
    )


if __name__ == "__main__":
    main()
