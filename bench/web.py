"""Benchmark: readers' pages under load, against a 30 KB static file as the ceiling.

    .venv/bin/python bench/web.py                 # from the project folder
    .venv/bin/python bench/web.py --seconds 10    # longer wrk runs
    .venv/bin/python bench/web.py --rebuild       # make the data set again
    .venv/bin/python bench/web.py --against HEAD~1            # this tree against another revision
    .venv/bin/python bench/web.py --against 874adb3 --against-database newsroom_bench_before
    .venv/bin/python bench/web.py --without compiled-queries  # against itself without a device

Builds its own PostgreSQL database (newsroom_bench) with `manage.py generate_content --photo-copies`
(photos recorded with their public copies, so pages carry pictures and srcsets as real ones do), collects
static files, and serves the site with gunicorn (2 workers, production settings, Redis db 6 as
the cache) on 127.0.0.1 only. wrk then measures each page for a few seconds: a story page with
the page cache warm, a rotation over 1,000 story pages, the news listing, a tag page, search,
the RSS feed, and the static file; then, on a second server with the page cache off, the same
pages made afresh. Finally it tops the first server up to 100,000 requests and reads its
workers' memory. Prints a table and rewrites the "Web throughput" section of bench/RESULTS.md.
Every server it starts is stopped when it ends, whatever happens.

With --against REV it also serves the site as it is at that git revision (exported with
`git archive`) from the same data, and measures the two in turn, --rounds times, so that a
change is compared with what came before it in the same minutes. When the two read different
schemas (a migration between them), --against-database NAME gives the other revision its own
data set, made by its own migrations and generate_content with the same sizes; each site is then
measured on its own story pages. --without DEVICE does the same
against this tree with one of its performance devices replaced by plain Django (bench/without.py).
Both print the two sets of figures and record nothing.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import dataclasses
import datetime
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import without
from machine import RESULTS, cpu_model, usable_cores, write_section

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CACHE = BENCH / ".cache"
SECTION_START = "<!-- bench/web.py: start -->"
SECTION_END = "<!-- bench/web.py: end -->"
CHURN_START = "<!-- bench/web.py churn: start -->"
CHURN_END = "<!-- bench/web.py churn: end -->"
GUNICORN = Path(sys.executable).with_name("gunicorn")
DATABASE = "newsroom_bench"  # --database
POSTGRES = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/6"  # --cache-url
FIRST_PORT = 0  # --port; 0: any free port
SERVER_SETTINGS = {}  # --env NAME=VALUE
ROTATION_SIZE = 1000
STATIC_SIZE = 30_000
MEMORY_REQUESTS = 100_000

# The issue's targets, on the 2-core machine.
CACHED_SHARE = 0.70  # cached story page / static file
ROTATION_SHARE = 0.50  # 1,000-story rotation, cache on / static file
UNCACHED_RATE = 420  # requests/s, uncached story page (3x Wagtail's 140)
# Wagtail's 140 was measured beside a static file at 4,100 requests/s, so 420 is 10.2% of the
# static rate in the same run: the form of the target that holds when the machine runs slower.
UNCACHED_SHARE = UNCACHED_RATE / 4100
UNCACHED_P99_MS = 50
STORY_QUERIES = 5
WORKER_MB = 150
# Issue 18: the listings, made afresh, at least 40 % of the uncached story page's rate in the same run.
LISTING_SHARE = 0.40
LISTINGS = ("news listing", "tag page", "RSS feed", "label page", "byline page", "archive")
# Issue 18: readers spread over the newest 2,000 stories, the newest most read, while the desk
# edits one story every 5 seconds: the cached site keeps at least 85 % of its rate without edits.
CHURN_STORIES = 2000
CHURN_EDIT_SECONDS = 5
CHURN_SHARE = 0.85


# --- Services, data and servers ------------------------------------------------------------------


def preflight() -> None:
    """Say what is missing before doing anything slow."""
    problems = []
    if not shutil.which("wrk"):
        problems.append("wrk is not installed (Debian: apt-get install wrk)")
    if not GUNICORN.exists():
        problems.append(f"gunicorn is not in {GUNICORN.parent} (install requirements.txt into .venv)")
    for name, port in (("PostgreSQL", 5432), ("Redis", 6379)):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        except OSError:
            problems.append(f"{name} is not listening on 127.0.0.1:{port}")
    if problems:
        sys.exit("Cannot run the web benchmark:\n  " + "\n  ".join(problems))


def media_for(database: str) -> tuple[Path, Path]:
    """The public and private media folders of a data set (the default one keeps its old place)."""
    if database == DATABASE:
        return CACHE / "media", CACHE / "private"
    return CACHE / f"media-{database}", CACHE / f"private-{database}"


def site_env(**changes) -> dict:
    """Production settings for the benchmark's servers and commands; HTTPS redirect off on loopback."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "DATABASE_URL": f"{POSTGRES}/{DATABASE}",
            "CACHE_URL": REDIS,
            "STATIC_ROOT": str(CACHE / "static"),
            "MEDIA_ROOT": str(media_for(DATABASE)[0]),
            "PRIVATE_MEDIA_ROOT": str(media_for(DATABASE)[1]),
            "LOG_LEVEL": "WARNING",
        }
    )
    env.update(SERVER_SETTINGS)
    env.update(changes)
    return env


SECRET_KEY = secrets.token_urlsafe(50)


def manage(*args: str, quiet=False, root: Path = ROOT, **env) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=root,
        env=site_env(**env),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL if quiet else None,
        text=True,
    )
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed (status {done.returncode})")
    return done.stdout


def psql(sql: str, database="postgres") -> str:
    done = subprocess.run(
        ["psql", f"{POSTGRES}/{database}", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"psql failed: {done.stderr.strip()}")
    return done.stdout.strip()


def build_data(stories: int, photos: int, rebuild: bool, database: str = "", root: Path = ROOT) -> None:
    """The data set, made once (by the code in `root`) and kept until its size changes or --rebuild."""
    database = database or DATABASE  # --database, read when called
    CACHE.mkdir(exist_ok=True)
    (CACHE / ".gitignore").write_text("*\n")
    marker = CACHE / ("web-data.json" if database == DATABASE else f"web-data-{database}.json")
    # Photos with their copies recorded, so pages carry pictures as real ones do; a tree from
    # before generate_content could record them makes photos without (pages then say "Image not available").
    copies = "--photo-copies" in (root / "newsroom/demo/management/commands/generate_content.py").read_text()
    wanted = {"database": database, "stories": stories, "photos": photos, "code": str(root), "photo_copies": copies}
    media = media_for(database)
    env = {"DATABASE_URL": f"{POSTGRES}/{database}", "MEDIA_ROOT": str(media[0]), "PRIVATE_MEDIA_ROOT": str(media[1])}
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'") == "1"
    if exists and not rebuild and marker.exists() and json.loads(marker.read_text()) == wanted:
        print(
            f"Using the data set already in {database} ({stories} stories, {photos} photos; --rebuild to make it again)"
        )
        manage("migrate", "--no-input", "--verbosity", "0", root=root, **env)
        return
    marker.unlink(missing_ok=True)
    if exists:
        psql(f"DROP DATABASE {database} WITH (FORCE)")
    for folder in media:
        shutil.rmtree(folder, ignore_errors=True)
    psql(f"CREATE DATABASE {database}")
    print(f"Making the data set in {database}: {stories} stories, {photos} photos ...", flush=True)
    started = time.monotonic()
    manage("migrate", "--no-input", "--verbosity", "0", root=root, **env)
    manage(
        "generate_content",
        "--stories",
        str(stories),
        "--photos",
        str(photos),
        *(["--photo-copies"] if copies else []),
        root=root,
        **env,
    )
    print(f"  done in {time.monotonic() - started:.0f} s")
    marker.write_text(json.dumps(wanted))


def collect_static() -> None:
    manage("collectstatic", "--no-input", "--verbosity", "0")


def pick_pages(database: str = "") -> dict:
    """Real addresses from the data set: story pages, a tag with stories, a search word, the static file."""
    database = database or DATABASE
    script = (
        "import json\n"
        "from django.db.models import Count\n"
        "from newsroom.stories.selectors import current_news\n"
        "from newsroom.stories.models import Tag\n"
        f"slugs = list(current_news().values_list('slug', flat=True)[:{ROTATION_SIZE}])\n"
        "tag = Tag.objects.annotate(n=Count('stories')).order_by('-n').values_list('slug', flat=True).first()\n"
        "label = current_news().values('label').annotate(n=Count('pk')).order_by('-n')[0]['label']\n"
        "byline = current_news().values('byline').annotate(n=Count('pk')).order_by('-n')[0]['byline']\n"
        "from newsroom.stories.models import byline_slug\n"
        "words = current_news().values_list('headline', flat=True).first().split()\n"
        "print(json.dumps({'slugs': slugs, 'tag': tag, 'word': max(words, key=len), 'label': label,\n"
        "                  'byline': byline_slug(byline.split(',')[0])}))\n"
    )
    found = json.loads(
        manage("shell", "--verbosity", "0", "-c", script, DATABASE_URL=f"{POSTGRES}/{database}")
        .strip()
        .splitlines()[-1]
    )
    if not found["slugs"]:
        sys.exit(f"No published stories in {database}; run again with --rebuild.")
    manifest = json.loads((CACHE / "static" / "staticfiles.json").read_text())["paths"]
    sizes = {
        hashed: (CACHE / "static" / hashed).stat().st_size
        for hashed in manifest.values()
        # What readers' browsers load (the USWDS fonts are near 30 kB), not the admin's.
        if hashed.endswith((".css", ".js", ".svg", ".woff2", ".png")) and not hashed.startswith("admin/")
    }
    static = min(sizes, key=lambda name: abs(sizes[name] - STATIC_SIZE))
    word = re.sub(r"\W", "", found["word"]).lower() or "news"
    rotation = CACHE / ("rotation.txt" if database == DATABASE else f"rotation-{database}.txt")
    rotation.write_text("".join(f"/news/{slug}/\n" for slug in found["slugs"]))
    return {
        "story": f"/news/{found['slugs'][0]}/",
        "home": "/",
        "rotation": rotation,
        "rotation_size": len(found["slugs"]),
        "listing": "/news/",
        "tag": f"/news/tag/{found['tag']}/" if found["tag"] else "/news/",
        "search": f"/search/?q={word}",
        "feed": "/news/feed/",
        "label": f"/news/label/{found['label']}/",
        "byline": f"/news/by/{found['byline']}/",
        "archive": "/archive/",
        "static": f"/static/{static}",
        "static_bytes": sizes[static],
    }


def story_queries(path: str) -> int:
    """Queries one uncached story page makes, counted by Django in a fresh process."""
    script = (
        "from django.db import connection\n"
        "from django.test import Client\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "client = Client()\n"
        f"client.get('{path}', HTTP_HOST='127.0.0.1')\n"  # once for the per-process work (sites, templates)
        "with CaptureQueriesContext(connection) as queries:\n"
        f"    status = client.get('{path}', HTTP_HOST='127.0.0.1').status_code\n"
        "assert status == 200, status\n"
        "print(len(queries))\n"
    )
    return int(manage("shell", "--verbosity", "0", "-c", script, PAGE_CACHE_SECONDS="0").split()[-1])


def flush_cache_db() -> None:
    """Empty Redis db 6 only, so each run starts from the same cold cache."""
    import redis

    redis.Redis.from_url(REDIS).flushdb()


def free_port() -> int:
    """Any free port, or with --port the first free one from there on."""
    for port in range(FIRST_PORT, FIRST_PORT + 100) if FIRST_PORT else [0]:
        with socket.socket() as probe, contextlib.suppress(OSError):
            probe.bind(("127.0.0.1", port))
            return probe.getsockname()[1]
    sys.exit(f"No free port among {FIRST_PORT}-{FIRST_PORT + 99}")


def export_tree(revision: str) -> Path:
    """The project as it is at a git revision, in bench/.cache/against/ (made once per commit)."""
    commit = subprocess.run(
        ["git", "rev-parse", "--verify", f"{revision}^{{commit}}"], cwd=ROOT, capture_output=True, text=True
    )
    if commit.returncode:
        sys.exit(f"--against: {revision!r} is not a git revision here ({commit.stderr.strip()})")
    tree = CACHE / "against" / commit.stdout.strip()[:12]
    if not (tree / "manage.py").exists():
        tree.mkdir(parents=True, exist_ok=True)
        archive = subprocess.Popen(["git", "archive", commit.stdout.strip()], cwd=ROOT, stdout=subprocess.PIPE)
        subprocess.run(["tar", "-x", "-C", str(tree)], stdin=archive.stdout, check=True)
        if archive.wait():
            sys.exit(f"git archive {revision} failed")
    return tree


@dataclasses.dataclass(frozen=True)
class Site:
    """What a server serves: this tree's config.wsgi, another revision's, or this tree without some
    of its performance devices (bench/without.py)."""

    name: str
    root: Path = ROOT
    without: tuple[str, ...] = ()
    database: str = ""  # its own data set; empty: the one this tree serves

    def command(self) -> list[str]:
        if not self.without:
            return ["config.wsgi"]
        return ["--pythonpath", str(BENCH), "without:application()"]

    def env(self) -> dict:
        env = {"BENCH_WITHOUT": ",".join(self.without)} if self.without else {}
        if self.database:
            media = media_for(self.database)
            env.update(
                DATABASE_URL=f"{POSTGRES}/{self.database}",
                MEDIA_ROOT=str(media[0]),
                PRIVATE_MEDIA_ROOT=str(media[1]),
            )
        return env


THIS_TREE = Site("this tree")


class Server:
    """gunicorn with 2 workers in its own process group, so stopping it stops every worker."""

    def __init__(self, label: str, workers: int, site: Site = THIS_TREE, **env):
        self.label = label
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = open(CACHE / f"gunicorn-{label}.log", "w")  # noqa: SIM115 (open while the server runs)
        self.process = subprocess.Popen(
            [
                str(GUNICORN),
                "--config",
                "config/gunicorn.conf.py",
                *site.command(),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
            ],
            cwd=site.root,
            env=site_env(**site.env(), **env),
            start_new_session=True,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.requests = 0
        deadline = time.monotonic() + 60
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn ({label}) exited; see {self.log.name}")
            with contextlib.suppress(OSError, urllib.error.URLError):
                if urllib.request.urlopen(f"{self.base}/healthz", timeout=5).status == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn ({label}) did not answer /healthz; see {self.log.name}")
            time.sleep(0.2)

    def workers(self) -> list[int]:
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == self.process.pid:  # parent pid
                    pids.append(int(stat.parent.name))
        return sorted(pids)

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.workers():
            found = re.search(r"^VmRSS:\s*(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
            sizes.append(int(found.group(1)) / 1024)
        return sizes

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()


@contextlib.contextmanager
def serving(label: str, workers=2, site: Site = THIS_TREE, **env):
    server = None
    try:
        server = Server(label, workers, site, **env)
        yield server
    finally:
        if server is not None:
            server.stop()


# --- Measuring -----------------------------------------------------------------------------------


def wrk(server: Server, path, seconds: float, connections: int, threads: int) -> dict:
    """One bounded wrk run against the server on loopback; its figures as a dict."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s"]
    if isinstance(path, Path):  # a file of paths to take in turn
        command += ["-s", str(BENCH / "wrk_rotation.lua"), server.base, "--", str(path)]
    else:
        command += ["-s", str(BENCH / "wrk_report.lua"), server.base + path]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    found = re.search(r"^WRK_JSON (.+)$", done.stdout, re.M)
    if done.returncode or not found:
        raise RuntimeError(f"wrk failed: {done.stdout}\n{done.stderr}")
    result = json.loads(found.group(1))
    server.requests += result["requests"]
    result["rate"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(result[kind] for kind in ("connect", "read", "write", "timeout"))
    return result


def warm(server: Server, paths) -> None:
    """Each page once, so what is measured is the steady state (templates loaded, page cached)."""
    for path in paths:
        with urllib.request.urlopen(server.base + path, timeout=30) as response:
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path} answered {response.status}")


def measure(server: Server, label: str, path, args) -> dict:
    paths = path.read_text().split() if isinstance(path, Path) else [path]
    warm(server, paths)
    wrk(server, path, 1, args.connections, args.threads)  # warm-up, not recorded
    result = wrk(server, path, args.seconds, args.connections, args.threads)
    result["label"] = label
    print(
        f"  {label:<38} {result['rate']:>8.0f} req/s  p50 {result['p50_us'] / 1000:6.2f} ms  "
        f"p99 {result['p99_us'] / 1000:6.2f} ms",
        flush=True,
    )
    return result


def top_up_to(server: Server, total: int, path: Path, args) -> None:
    """More requests (the story rotation) until the server has answered `total` since it started."""
    while server.requests < total:
        wrk(server, path, min(30, max(2, args.seconds)), args.connections, args.threads)


# --- Churn: readers while the desk edits (issue 18) ------------------------------------------------


def newest_heavier(rank: int) -> int:
    """How often a story of this rank (0 the newest) is asked for in the churn rotation: the
    newest 100 eight times, the next 400 three times, the rest once."""
    return 8 if rank < 100 else 3 if rank < 500 else 1


def churn_rotation(database: str = "") -> tuple[Path, Path]:
    """The newest CHURN_STORIES current stories: a rotation file of their pages, each as often as
    newest_heavier says, shuffled; and the stories' ids with the same weights, for the editor."""
    database = database or DATABASE
    script = (
        "import json\n"
        "from newsroom.stories.selectors import current_news\n"
        f"print(json.dumps(list(current_news().values_list('pk', 'slug')[:{CHURN_STORIES}])))\n"
    )
    found = json.loads(
        manage("shell", "--verbosity", "0", "-c", script, DATABASE_URL=f"{POSTGRES}/{database}")
        .strip()
        .splitlines()[-1]
    )
    paths = [f"/news/{slug}/" for rank, (_, slug) in enumerate(found) for _ in range(newest_heavier(rank))]
    random.Random(18).shuffle(paths)
    rotation, edited = CACHE / f"churn-rotation-{database}.txt", CACHE / f"churn-edits-{database}.json"
    rotation.write_text("".join(f"{path}\n" for path in paths))
    edited.write_text(json.dumps([[pk, newest_heavier(rank)] for rank, (pk, _) in enumerate(found)]))
    return rotation, edited


# The desk: every few seconds one story, newest most often, gets a new summary through the
# project's own write path (story_update), as an editor's save would; its commit retires pages.
EDITOR = """
import json, os, random, time
from newsroom.stories.models import Story
from newsroom.stories.services import story_update
stories = json.load(open(os.environ["CHURN_STORIES"]))
every = float(os.environ["CHURN_EVERY"])
chance = random.Random(18)
print("ready", flush=True)
number = 0
while True:
    time.sleep(every)
    number += 1
    pk = chance.choices([pk for pk, _ in stories], weights=[weight for _, weight in stories])[0]
    story = Story.objects.get(pk=pk)
    summary = story.summary.split(" [edit ")[0][:500] + f" [edit {number}]"
    story_update(story=story, changes={"summary": summary}, user=None, expected_version=None)
    print("edited", pk, flush=True)
"""


@contextlib.contextmanager
def editing(stories: Path, every: float):
    """The desk editing stories while the block runs; yields a dict that holds the edits made once it ends."""
    script = CACHE / "churn_editor.py"
    script.write_text(EDITOR)
    editor = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", f"exec(open({str(script)!r}).read())"],
        cwd=ROOT,
        # manage.py shell -c leaves sys.argv as Django's: the stories and the pace go in the environment.
        env=site_env(CHURN_STORIES=str(stories), CHURN_EVERY=str(every)),
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    made = {"edits": 0}
    try:
        if editor.stdout.readline().strip() != "ready":
            raise RuntimeError("the churn editor did not start")
        yield made
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(editor.pid, signal.SIGTERM)
        output, _ = editor.communicate(timeout=30)
        made["edits"] = output.count("edited ")


def measure_churn(server: Server, args) -> dict:
    """The churn rotation on a cached server, in turn without and with the desk's edits, --churn-rounds
    times (without first in odd rounds, with first in even ones), each run from a fully cached site."""
    rotation, stories = churn_rotation()
    pages = sorted(set(rotation.read_text().split()))
    rates = {"without": [], "with": []}
    edits = []
    for number in range(1, args.churn_rounds + 1):
        for with_edits in (False, True) if number % 2 else (True, False):
            # Every run starts from every page cached: what a run with edits retired is made again
            # first, so that it does not weigh on the next run without edits.
            with concurrent.futures.ThreadPoolExecutor(args.connections) as pool:
                list(pool.map(lambda path: warm(server, [path]), pages))
            wrk(server, rotation, 2, args.connections, args.threads)  # warm-up, not recorded
            with editing(stories, CHURN_EDIT_SECONDS) if with_edits else contextlib.nullcontext() as made:
                result = wrk(server, rotation, args.churn_seconds, args.connections, args.threads)
            rates["with" if with_edits else "without"].append(result["rate"])
            if with_edits:
                edits.append(made["edits"])
            print(
                f"  round {number}, {'one edit every 5 s' if with_edits else 'no edits'}: "
                f"{result['rate']:8.0f} req/s  p99 {result['p99_us'] / 1000:6.2f} ms"
                + (f"  ({made['edits']} edits)" if with_edits else ""),
                flush=True,
            )
    # Each round's two runs are minutes apart at most: their ratio holds when the machine's speed drifts.
    shares = [with_edits / without for with_edits, without in zip(rates["with"], rates["without"], strict=True)]
    return {
        "rates": rates,
        "edits": edits,
        "shares": shares,
        "share": statistics.median(shares),
        "of_medians": statistics.median(rates["with"]) / statistics.median(rates["without"]),
        "pages": len(set(rotation.read_text().split())),
    }


def churn_report(info, args, measured) -> str:
    churn = measured[0][1]
    rows = []
    for name, each in measured:
        rates = each["rates"]
        rows += [
            f"| {name} | no edits | {statistics.median(rates['without']):.0f} | "
            f"{' / '.join(f'{r:.0f}' for r in rates['without'])} | |",
            f"| {name} | one edit every {CHURN_EDIT_SECONDS} s | {statistics.median(rates['with']):.0f} | "
            f"{' / '.join(f'{r:.0f}' for r in rates['with'])} (edits: {' / '.join(map(str, each['edits']))}) | "
            f"{each['share']:.0%} ({' / '.join(f'{share:.0%}' for share in each['shares'])}; "
            f"of the medians {each['of_medians']:.0%}) |",
        ]
    return "\n".join(
        [
            "## Churn: `bench/web.py`, readers while the desk edits (issue 18)",
            "",
            f"Run {info['date']} on {info['cpu']}, `nproc` {info['nproc']}; load average {info['load']:.2f} when it "
            f"started. {args.stories:,} stories; one gunicorn (2 workers, production settings, Redis cache), wrk "
            f"({args.threads} thread(s), {args.connections} connections) over the newest {churn['pages']:,} story "
            "pages, the newest 100 asked for eight times as often as the oldest 1,500 and the next 400 three times, "
            f"all cached beforehand; {args.churn_seconds} s a run, without and with one edit every "
            f"{CHURN_EDIT_SECONDS} s (a new summary through `stories.services.story_update`, newest stories edited "
            f"most), {args.churn_rounds} rounds taken in turn.",
            "",
            "| site | | requests/s (median) | each run | share of no edits: median of the rounds' (each round's) |",
            "|---|---|---:|---|---:|",
            *rows,
            "",
            f"- with edits at least {CHURN_SHARE:.0%} of the rate without, in the same round: {churn['share']:.0%}: "
            f"**{'met' if churn['share'] >= CHURN_SHARE else 'not met'}**",
        ]
    )


# --- Machine and report --------------------------------------------------------------------------


def machine() -> dict:
    memory = re.search(r"^MemTotal:\s*(\d+) kB", Path("/proc/meminfo").read_text(), re.M)
    versions = manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        "import django, gunicorn; from django.db import connection; c = connection.cursor(); "
        "c.execute('SHOW server_version'); print(django.get_version(), gunicorn.__version__, c.fetchone()[0])",
    ).split()
    import redis

    return {
        "cpu": cpu_model(),
        "nproc": usable_cores(),
        "memory_gb": int(memory.group(1)) / 1024 / 1024 if memory else 0,
        "python": platform.python_version(),
        "django": versions[0],
        "gunicorn": versions[1],
        "postgresql": versions[2],
        "redis": redis.Redis.from_url(REDIS).info("server")["redis_version"],
        "wrk": subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout.split()[1],
        "load": os.getloadavg()[0],
        "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
    }


def table(rows: list[dict], static_rate: float) -> list[str]:
    lines = [
        "| page | requests/s | share of static | p50 | p99 | non-2xx | socket errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['label']} | {row['rate']:.0f} | {row['rate'] / static_rate:.0%} | {row['p50_us'] / 1000:.2f} ms | "
            f"{row['p99_us'] / 1000:.2f} ms | {row['status']} | {row['errors']} |"
        )
    return lines


def verdicts(results: dict, queries: int, memory: list[float]) -> list[tuple[str, bool]]:
    static = results["static"]["rate"]
    cached, rotation, uncached = results["story"], results["rotation"], results["story uncached"]
    return [
        (
            f"cached story page at least {CACHED_SHARE:.0%} of the static file: {cached['rate'] / static:.0%}",
            cached["rate"] >= CACHED_SHARE * static,
        ),
        (
            f"1,000-story rotation (cache on) at least {ROTATION_SHARE:.0%} of the static file: "
            f"{rotation['rate'] / static:.0%}",
            rotation["rate"] >= ROTATION_SHARE * static,
        ),
        (
            f"uncached story page at least {UNCACHED_RATE} requests/s, or {UNCACHED_SHARE:.1%} of the static file "
            f"in the same run: {uncached['rate']:.0f} requests/s, {uncached['rate'] / static:.1%}",
            uncached["rate"] >= UNCACHED_RATE or uncached["rate"] >= UNCACHED_SHARE * static,
        ),
        (
            f"uncached story page p99 under {UNCACHED_P99_MS} ms: {uncached['p99_us'] / 1000:.1f} ms",
            uncached["p99_us"] < UNCACHED_P99_MS * 1000,
        ),
        *(
            (
                f"uncached {row['label']} at least {LISTING_SHARE:.0%} of the uncached story page's rate: "
                f"{row['rate'] / uncached['rate']:.0%}",
                row["rate"] >= LISTING_SHARE * uncached["rate"],
            )
            for row in results["listings uncached"]
        ),
        (f"uncached story page at most {STORY_QUERIES} queries: {queries}", queries <= STORY_QUERIES),
        (
            f"every worker under {WORKER_MB} MB after {MEMORY_REQUESTS:,} requests: "
            + ", ".join(f"{mb:.0f} MB" for mb in memory),
            bool(memory) and max(memory) < WORKER_MB,
        ),
    ]


def report(info, args, pages, cached_rows, uncached_rows, queries, memory, memory_requests, checks) -> str:
    static = next(row for row in cached_rows if row["label"] == "static file")["rate"]
    lines = [
        "## Web throughput: `bench/web.py`",
        "",
        f"Run {info['date']} on {info['cpu']}, `nproc` {info['nproc']}, {info['memory_gb']:.0f} GB memory; "
        f"Python {info['python']}, Django {info['django']}, gunicorn {info['gunicorn']}, "
        f"PostgreSQL {info['postgresql']}, Redis {info['redis']}, wrk {info['wrk']}; "
        f"load average {info['load']:.2f} when it started.",
        "",
        f"Data: {args.stories:,} stories, {args.photos:,} photos (`generate_content --photo-copies`: each photo "
        "recorded with its public copies, so pages carry pictures as real ones do). gunicorn "
        f"(`config/gunicorn.conf.py`, 2 workers, production settings, PostgreSQL, Redis cache) and wrk "
        f"({args.threads} thread(s), {args.connections} connections, {args.seconds} s a page after a 1 s "
        "warm-up) share the machine's cores. Static file: "
        f"`{pages['static'].split('/')[-1]}` ({pages['static_bytes'] / 1000:.0f} kB), served by whitenoise. "
        f"The rotation asks for {pages['rotation_size']:,} story pages in turn, all cached beforehand.",
        "",
        "Page cache on (what readers get):",
        "",
        *table(cached_rows, static),
        "",
        "Page cache off (`PAGE_CACHE_SECONDS=0`: every page made afresh, search too):",
        "",
        *table(uncached_rows, static),
        "",
        f"Queries for an uncached story page: {queries}. Worker memory (RSS) after {memory_requests:,} requests "
        "on the cache-on server: " + ", ".join(f"{mb:.0f} MB" for mb in memory) + ".",
        "",
        "Targets:",
        "",
        *[f"- {text}: **{'met' if ok else 'not met'}**" for text, ok in checks],
    ]
    return "\n".join(lines)


def run_churn(info, args) -> None:
    """The churn scenario on this tree and, with --against, on that revision too (its servers
    then meet the same edits, made by this tree's write path)."""
    sites = [THIS_TREE]
    if args.against:
        sites.append(Site(args.against, root=export_tree(args.against)))
    measured = []
    for site in sites:
        print(f"Churn, {site.name} (page cache on, without and with edits):", flush=True)
        flush_cache_db()
        with serving("churn", site=site) as server:
            measured.append((site.name, measure_churn(server, args)))
    flush_cache_db()
    section = churn_report(info, args, measured)
    print()
    print(section.split("\n", 1)[1])
    if not args.no_record:
        write_section(CHURN_START, CHURN_END, section)


def use(*, database: str, cache_url: str, port: int) -> None:
    """The database, Redis database and ports every function here then uses."""
    global DATABASE, REDIS, FIRST_PORT
    DATABASE, REDIS, FIRST_PORT = database, cache_url, port


PAGES = ["story", "home", "rotation", "listing", "tag", "search", "feed", "label", "byline", "archive"]  # --pages


def compare(other: Site, args, cases, other_cases=None) -> None:
    """This tree and another site, page cache on and off, in turn: in odd rounds this tree first,
    in even rounds the other, so a machine slowing down mid-run weighs on both alike. With its own
    data set the other site is measured on `other_cases`, the same pages of its own data."""
    sites = [THIS_TREE, other]
    addresses = {THIS_TREE: cases, other: other_cases or cases}
    rates = {}  # (site, cache, page) -> [requests/s per round]
    for number in range(1, args.rounds + 1):
        for site in sites if number % 2 else reversed(sites):
            mine = addresses[site]
            for cache, settings, pages in (("on", {}, mine), ("off", {"PAGE_CACHE_SECONDS": "0"}, mine[1:])):
                print(f"Round {number}, {site.name}, page cache {cache}:", flush=True)
                flush_cache_db()
                label = f"{'this' if site == THIS_TREE else 'other'}-cache-{cache}"
                with serving(label, site=site, **settings) as server:
                    for page, path in pages:
                        rates.setdefault((site, cache, page), []).append(measure(server, page, path, args)["rate"])
    flush_cache_db()
    print()
    print(f"requests/s: the median of {args.rounds} runs each, taken in turn (each run in brackets)")
    print()
    print(f"| page | page cache | {THIS_TREE.name} | {other.name} | change |")
    print("|---|---|---:|---:|---:|")
    for site, cache, page in rates:
        if site != THIS_TREE:
            continue
        mine, theirs = rates[(THIS_TREE, cache, page)], rates[(other, cache, page)]
        change = statistics.median(mine) / statistics.median(theirs) - 1
        print(
            f"| {page} | {cache} | {statistics.median(mine):.0f} ({' / '.join(f'{r:.0f}' for r in mine)}) | "
            f"{statistics.median(theirs):.0f} ({' / '.join(f'{r:.0f}' for r in theirs)}) | {change:+.1%} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=5000, help="stories in the data set (default 5000)")
    parser.add_argument("--photos", type=int, default=2000, help="photos in the data set (default 2000)")
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run (default 5)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--rebuild", action="store_true", help="make the data set again")
    parser.add_argument("--churn-only", action="store_true", help="only the churn scenario (issue 18)")
    parser.add_argument("--churn-seconds", type=int, default=20, help="length of each churn run (default 20)")
    parser.add_argument("--churn-rounds", type=int, default=3, help="churn runs without and with edits (default 3)")
    parser.add_argument("--no-record", action="store_true", help="print only; leave RESULTS.md alone")
    parser.add_argument("--database", default=DATABASE, help=f"the PostgreSQL database to use (default {DATABASE})")
    parser.add_argument(
        "--cache-url", default=REDIS, help=f"the Redis database, emptied before and after (default {REDIS})"
    )
    parser.add_argument("--port", type=int, default=0, help="servers listen from this port on (default: any free port)")
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting for every server, e.g. PAGE_CACHE_LOCAL_MB=0 (repeatable)",
    )
    parser.add_argument(
        "--against", metavar="REV", help="also serve the site as it is at this git revision and compare the two"
    )
    without.add_option(
        parser, "compare this tree with itself without this performance device (bench/without.py; repeatable)"
    )
    parser.add_argument(
        "--against-database",
        metavar="NAME",
        help="with --against: the other revision serves its own data set in this database, made by its own code",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="with --against or --without: runs of each, in turn (default 3)"
    )
    parser.add_argument(
        "--pages",
        default=",".join(PAGES),
        help=f"with --against or --without: which pages, of {', '.join(PAGES)} (default all; the static file always)",
    )
    args = parser.parse_args()
    use(database=args.database, cache_url=args.cache_url, port=args.port)
    for setting in args.env:
        name, equals, value = setting.partition("=")
        if not equals:
            parser.error(f"--env {setting}: write it as NAME=VALUE")
        SERVER_SETTINGS[name] = value

    preflight()
    build_data(args.stories, args.photos, args.rebuild)
    collect_static()
    pages = pick_pages()
    info = machine()
    if info["load"] > 0.5:
        print(
            f"Note: the machine is busy (load average {info['load']:.2f}); figures will be lower than on an idle one."
        )
    labels = [
        "static file",
        "story page",
        "home page",
        f"rotation over {pages['rotation_size']:,} story pages",
        "news listing",
        "tag page",
        "search",
        "RSS feed",
        "label page",
        "byline page",
        "archive",
    ]
    keys = ["static", "story", "home", "rotation", "listing", "tag", "search", "feed", "label", "byline", "archive"]
    cases = [(label, pages[key]) for label, key in zip(labels, keys, strict=True)]
    if args.churn_only:  # with --against, that revision's too
        run_churn(info, args)
        return
    if args.against or args.without:
        wanted = {"static", *args.pages.split(",")}
        if wanted - set(PAGES) - {"static"}:
            parser.error(f"--pages: unknown {', '.join(sorted(wanted - set(PAGES) - {'static'}))}")
        chosen = [case for key, case in zip(["static", *PAGES], cases, strict=True) if key in wanted]
        other_chosen = None
        if args.against:
            root = export_tree(args.against)
            other = Site(args.against, root=root, without=tuple(args.without), database=args.against_database or "")
            if args.against_database:
                build_data(args.stories, args.photos, args.rebuild, database=args.against_database, root=root)
                theirs = pick_pages(args.against_database)
                other_chosen = [
                    (label, theirs[key])
                    for label, key in zip(labels, keys, strict=True)
                    if key in wanted and (label, pages[key]) in chosen
                ]
        else:
            if args.against_database:
                parser.error("--against-database goes with --against")
            other = Site(f"without {', '.join(args.without)}", without=tuple(args.without))
        compare(other, args, chosen, other_chosen)
        return
    queries = story_queries(pages["story"])
    results = {}
    print("Page cache on:")
    flush_cache_db()
    with serving("cache-on") as server:
        cached_rows = [measure(server, label, path, args) for label, path in cases]
        by_key = dict(zip(keys, cached_rows, strict=True))
        results["static"], results["story"], results["rotation"] = by_key["static"], by_key["story"], by_key["rotation"]
        top_up_to(server, MEMORY_REQUESTS, pages["rotation"], args)
        memory, memory_requests = server.worker_rss_mb(), server.requests
    print("Page cache off:")
    with serving("cache-off", PAGE_CACHE_SECONDS="0") as server:
        uncached_rows = [measure(server, label, path, args) for label, path in cases[1:]]
        results["story uncached"] = uncached_rows[0]
        results["listings uncached"] = [row for row in uncached_rows if row["label"] in LISTINGS]
    flush_cache_db()
    run_churn(info, args)

    checks = verdicts(results, queries, memory)
    section = report(info, args, pages, cached_rows, uncached_rows, queries, memory, memory_requests, checks)
    print()
    print(section.split("\n", 1)[1])  # all but the heading
    if not args.no_record:
        write_section(SECTION_START, SECTION_END, section)
        print(f"\nRecorded in {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
