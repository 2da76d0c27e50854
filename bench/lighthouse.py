"""Benchmark: Lighthouse's scores for each type of reader page, on mobile, from a production-mode server.

    .venv/bin/python bench/lighthouse.py                  # from the project folder; about 10 minutes
    .venv/bin/python bench/lighthouse.py --runs 1         # one Lighthouse run a page, not the median of 3
    .venv/bin/python bench/lighthouse.py --no-record      # print only
    .venv/bin/python bench/lighthouse.py --against 4a71587  # and that revision, page by page in turn

Serves this tree the way production does: gunicorn with `config/gunicorn.conf.py`, `DEBUG=false`,
static files collected by whitenoise's manifest storage (hashed, compressed), the page cache on.
The data is the demo content (`manage.py load_demo`) in its own SQLite database under
bench/.cache/lighthouse/, made once and kept. Media are served by Django (`SERVE_MEDIA=true`),
as a proxy would serve them in production. Lighthouse (the npm package, a dev dependency) then
loads the home page, a story with photos, a photo's page, the news listing, the archive and a
search with results, each with its default mobile settings (Moto G Power screen, simulated slow
4G and a 4x slower CPU) in Debian's Chromium, headless. It prints, for each page, the median
score of each category over --runs runs, the performance metrics and what the performance
audits still find, and rewrites the "Lighthouse" section of bench/RESULTS.md.

With --against REV it also serves the site as it is at that git revision (exported with
`git archive` into bench/.cache/against/, as bench/web.py does, sharing this tree's node_modules and building its
USWDS stylesheet if it has one to build) from the same data, and scores the two in turn, page
by page, so that both meet the same load on the machine; both are printed and recorded.
Every server it starts is stopped when it ends, whatever happens.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import web
from machine import cpu_model, usable_cores, write_section

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
HERE = BENCH / ".cache" / "lighthouse"
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
METRICS = (
    ("first-contentful-paint", "FCP"),
    ("largest-contentful-paint", "LCP"),
    ("total-blocking-time", "TBT"),
    ("cumulative-layout-shift", "CLS"),
    ("speed-index", "SI"),
)
SECTION_START = "<!-- bench/lighthouse.py: start -->"
SECTION_END = "<!-- bench/lighthouse.py: end -->"
TARGET = 100  # issue 18: every reader page type at 100 on mobile


def preflight() -> None:
    problems = []
    if not LIGHTHOUSE.exists():
        problems.append(f"{LIGHTHOUSE.relative_to(ROOT)} is missing (run npm ci, or bin/dev --setup-only)")
    if not Path(CHROMIUM).exists():
        problems.append(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium; or set CHROME_PATH)")
    if not web.GUNICORN.exists():
        problems.append(f"gunicorn is not in {web.GUNICORN.parent} (install requirements.txt into .venv)")
    if problems:
        sys.exit("Cannot run Lighthouse:\n  " + "\n  ".join(problems))


def settings_for(static_root: Path = HERE / "static") -> dict:
    """What differs from bench/web.py's production settings on loopback: the demo data on SQLite,
    the cache in memory, photos served by Django, tasks run at once."""
    return {
        "DATABASE_URL": f"sqlite:///{HERE / 'db.sqlite3'}",
        "CACHE_URL": "locmemcache://lighthouse",
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(HERE / "media"),
        "PRIVATE_MEDIA_ROOT": str(HERE / "private"),
        "SERVE_MEDIA": "true",
        "TASKS_BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
    }


def manage(*args: str, root: Path = ROOT, static_root: Path = HERE / "static") -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=root,
        env=web.site_env(**settings_for(static_root)),
        stdout=subprocess.PIPE,
        text=True,
    )
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed (status {done.returncode})")
    return done.stdout


def prepare() -> dict:
    """The demo data (made once), this tree's static files, and the addresses of the pages to score."""
    HERE.mkdir(parents=True, exist_ok=True)
    (BENCH / ".cache" / ".gitignore").write_text("*\n")
    print("Migrating, loading the demo content and collecting static files ...", flush=True)
    manage("migrate", "--no-input", "--verbosity", "0")
    manage("load_demo", "--verbosity", "0")
    script = (
        "import json, re\n"
        "from newsroom.archive.models import Collection\n"
        "from newsroom.stories.selectors import current_news\n"
        "stories = current_news().prefetch_related('placements')\n"
        "story = next(s for s in stories if len(s.placements.all()) > 1)\n"
        "photo = story.placements.all()[0].photo\n"
        "word = max(re.findall(r'[a-z]+', story.headline.lower()), key=len)\n"
        "print(json.dumps({'story': story.get_absolute_url(), 'photo': photo.get_absolute_url(), 'word': word}))\n"
    )
    found = json.loads(manage("shell", "--verbosity", "0", "-c", script).strip().splitlines()[-1])
    return {
        "home": "/",
        "story": found["story"],
        "photo": found["photo"],
        "listing": "/news/",
        "archive": "/archive/",
        "search": f"/search/?q={found['word']}",
    }


def export_tree(revision: str) -> Path:
    """The project at a git revision (bench/web.py's export), with this tree's node_modules and
    its USWDS stylesheet built if it builds one."""
    tree = web.export_tree(revision)
    if not (tree / "node_modules").exists():
        (tree / "node_modules").symlink_to(ROOT / "node_modules")
    if '"build:css"' in (tree / "package.json").read_text():
        subprocess.run(["npm", "run", "--silent", "build:css"], cwd=tree, check=True)
    return tree


@contextlib.contextmanager
def serving(root: Path = ROOT):
    """bench/web.py's gunicorn (2 workers, production settings, its own process group, stopped
    however the run ends) for the tree at `root`, its static files collected first."""
    static_root = HERE / ("static" if root == ROOT else f"static-{root.name}")
    manage("collectstatic", "--no-input", "--clear", "--verbosity", "0", root=root, static_root=static_root)
    site = web.Site(root.name, root=root)
    with web.serving(f"lighthouse-{root.name}", 2, site, **settings_for(static_root)) as server:
        yield server.base


def warm(base: str, path: str) -> None:
    """Each page once from each worker's side, so Lighthouse meets the cached page a reader would."""
    for _ in range(2):
        with urllib.request.urlopen(base + path, timeout=30) as response:
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path} answered {response.status}")


def lighthouse(url: str, report: Path, *, tries: int = 3) -> dict:
    """One Lighthouse run with its default (mobile) settings; the JSON report as a dict. Lighthouse
    now and then loses the trace of a load (NO_NAVSTART) on a busy machine: that run is made again."""
    for tried in range(1, tries + 1):
        try:
            return _lighthouse(url, report)
        except RuntimeError as failed:
            if "NO_NAVSTART" not in str(failed) or tried == tries:
                raise
            print(f"  (Lighthouse lost the trace of {url}; running it again)", file=sys.stderr)
    raise AssertionError("unreachable")


def _lighthouse(url: str, report: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="lighthouse-profile-") as profile:
        command = [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            f"--output-path={report}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS} --user-data-dir={profile}",
            "--quiet",
        ]
        done = subprocess.run(
            command, env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True, timeout=300
        )
    if done.returncode or not report.exists():
        raise RuntimeError(f"Lighthouse failed on {url}:\n{done.stdout}\n{done.stderr}")
    result = json.loads(report.read_text())
    if result.get("runtimeError"):
        raise RuntimeError(f"Lighthouse could not load {url}: {result['runtimeError']}")
    return result


def summary(result: dict) -> dict:
    audits = result["audits"]
    scores = {name: round(100 * (result["categories"][name]["score"] or 0)) for name in CATEGORIES}
    metrics = {label: audits[key]["numericValue"] for key, label in METRICS}
    weighted = {ref["id"] for ref in result["categories"]["performance"]["auditRefs"]}
    # What the performance audits still find: opportunities and diagnostics that did not pass.
    findings = sorted(
        audits[ref]["title"]
        for ref in weighted | {a for a in audits if audits[a].get("details", {}).get("type") == "opportunity"}
        if ref in audits
        and audits[ref].get("score") is not None
        and audits[ref]["scoreDisplayMode"] in ("numeric", "binary", "metricSavings")
        and audits[ref]["score"] < 0.9
    )
    return {"scores": scores, "metrics": metrics, "findings": findings}


def median_run(runs: list[dict]) -> dict:
    """The run with the median performance score, so its metrics and findings belong together."""
    ordered = sorted(runs, key=lambda run: run["scores"]["performance"])
    chosen = dict(ordered[len(ordered) // 2])
    chosen["scores"] = {name: round(statistics.median(run["scores"][name] for run in runs)) for name in CATEGORIES}
    chosen["performance_runs"] = [run["scores"]["performance"] for run in runs]
    return chosen


def format_metrics(metrics: dict) -> str:
    parts = []
    for _, label in METRICS:
        value = metrics[label]
        parts.append(f"{label} {value:.3f}" if label == "CLS" else f"{label} {value / 1000:.1f} s")
    return ", ".join(parts)


def versions(result: dict) -> dict:
    python = subprocess.run(
        [sys.executable, "-c", "import django, gunicorn; print(django.get_version(), gunicorn.__version__)"],
        capture_output=True,
        text=True,
    ).stdout.split()
    return {
        "lighthouse": result["lighthouseVersion"],
        "chromium": result["environment"]["hostUserAgent"].split("Chrome/")[-1].split()[0],
        "django": python[0],
        "gunicorn": python[1],
        "python": platform.python_version(),
    }


def table(rows: dict) -> list[str]:
    lines = [
        "| page | performance (each run) | accessibility | best practices | SEO | metrics (median run) |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for page, row in rows.items():
        scores = row["scores"]
        each = "/".join(str(score) for score in row["performance_runs"])
        lines.append(
            f"| {page} (`{row['path']}`) | **{scores['performance']}** ({each}) | {scores['accessibility']}"
            f" | {scores['best-practices']} | {scores['seo']} | {format_metrics(row['metrics'])} |"
        )
    findings = {page: row["findings"] for page, row in rows.items() if row["findings"]}
    lines.append("")
    if findings:
        lines += ["Performance audits not passed (median run):", ""]
        lines.extend(f"- {page}: {'; '.join(titles)}" for page, titles in findings.items())
    else:
        lines.append("Every performance audit passed on every page (median run).")
    return lines


def met(rows: dict) -> bool:
    return all(row["scores"]["performance"] >= TARGET for row in rows.values())


def report_text(results: dict, info: dict, runs: int, load: str) -> str:
    when = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "## Lighthouse: `bench/lighthouse.py`",
        "",
        f"{when}: Lighthouse {info['lighthouse']}, Chromium {info['chromium']} (headless), Django"
        f" {info['django']}, gunicorn {info['gunicorn']} (2 workers, DEBUG off), Python {info['python']};"
        f" {cpu_model()}, {usable_cores()} cores, load average {load}. Demo content on SQLite, page cache on"
        " (each page requested before it is scored). Mobile defaults: simulated slow 4G, 4x CPU slowdown."
        f" Median of {runs} run(s) a page; target {TARGET} on performance for every page type.",
    ]
    for label, rows in results.items():
        lines += ["", f"### {label}", "", *table(rows), "", f"Target met: {'yes' if met(rows) else 'no'}."]
    return "\n".join(lines)


def describe(root: Path) -> str:
    done = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True)
    return f"this tree ({done.stdout.strip()})" if root == ROOT else root.name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs a page (the median is kept)")
    parser.add_argument("--pages", default="", help="comma-separated page types (default all)")
    parser.add_argument("--against", default="", help="a git revision to score as well, in turn with this tree")
    parser.add_argument("--no-record", action="store_true", help="print only; leave bench/RESULTS.md alone")
    args = parser.parse_args()
    preflight()
    pages = prepare()
    if args.pages:
        pages = {name: pages[name] for name in args.pages.split(",")}
    roots = [ROOT] + ([export_tree(args.against)] if args.against else [])
    results = {describe(root): {} for root in roots}
    last = None
    loads = []
    with contextlib.ExitStack() as stack:
        bases = {describe(root): stack.enter_context(serving(root)) for root in roots}
        for name, path in pages.items():
            for label, base in bases.items():
                warm(base, path)
                runs = []
                for run in range(args.runs):
                    loads.append(os.getloadavg()[0])
                    last = lighthouse(
                        base + path, HERE / f"{name}-site{list(bases).index(label) + 1}-run{run + 1}.report.json"
                    )
                    runs.append(summary(last))
                row = results[label][name] = {**median_run(runs), "path": path}
                print(
                    f"{name:8} {label[:24]:24} performance {row['scores']['performance']:3}"
                    f" ({'/'.join(map(str, row['performance_runs']))})  accessibility {row['scores']['accessibility']:3}"
                    f"  best practices {row['scores']['best-practices']:3}  SEO {row['scores']['seo']:3}"
                    f"  {format_metrics(row['metrics'])}",
                    flush=True,
                )
                for title in row["findings"]:
                    print(f"{'':34}- {title}")
    load = f"{min(loads):.1f} to {max(loads):.1f} (1-minute, while scoring)"
    text = report_text(results, versions(last), args.runs, load)
    print(f"\nReports: {HERE.relative_to(ROOT)}/*.report.json")
    if not args.no_record:
        write_section(SECTION_START, SECTION_END, text)
        print("Recorded in bench/RESULTS.md")
    for label, rows in results.items():
        print(f"{label}: target {'met' if met(rows) else 'not met'} (performance {TARGET} on every page type)")


if __name__ == "__main__":
    main()
