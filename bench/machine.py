"""What every benchmark needs to say where it ran and to record its figures in bench/RESULTS.md.

The scripts import it as a sibling (`from machine import ...`): run as `python bench/<name>.py`,
bench/ is first on sys.path.
"""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
PREAMBLE = "# Benchmark results\n\nEach benchmark in `bench/` rewrites its own section when it runs.\n"


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, or what the platform says where there is none."""
    try:
        found = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
    except OSError:
        found = None
    return found.group(1).strip() if found else platform.processor() or "unknown CPU"


def usable_cores() -> int:
    """Cores this process may run on: a container or taskset can allow fewer than the machine has."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def write_section(start_marker: str, end_marker: str, text: str, results: Path = RESULTS) -> None:
    """Put `text` between the markers in RESULTS.md, replacing what a previous run left there, or
    add the section at the end; the other benchmarks' sections stay as they are."""
    section = f"{start_marker}\n{text}\n{end_marker}"
    current = results.read_text() if results.exists() else PREAMBLE
    if start_marker in current and end_marker in current:
        before, rest = current.split(start_marker, 1)
        current = before + section + rest.split(end_marker, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + section + "\n"
    results.write_text(current)
