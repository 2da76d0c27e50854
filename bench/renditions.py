"""Benchmark: every public copy of a 24-megapixel photo (newsroom.photos.imaging.make_public_files).

    .venv/bin/python bench/renditions.py            # from the project folder
    .venv/bin/python bench/renditions.py --runs 15  # more runs

Makes a photo-like 6000x4000 JPEG at quality 90 once (cached in bench/.cache/), then, each in
a fresh Python process: times make_public_files over --runs runs after one warm-up run
(median and best), and measures the peak memory of a process that makes one full set.
Issue 18's targets: the orientation-1 photo in at most 0.25 s, the same photo tagged EXIF
orientation 6 (decoded, turned and re-encoded at full size) in at most 0.6 s, each under 300 MB.
Each case is measured twice: unsigned (the targets apply), and with every copy signed with
Content Credentials (issue 20), by a certificate chain made for the run (ES256, no timestamp
authority), so the cost of signing reads off the table.
Prints a table and rewrites this benchmark's section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

from machine import RESULTS, cpu_model, usable_cores, write_section

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CACHE = BENCH / ".cache"
SIZE = (6000, 4000)
QUALITY = 90
TARGET_SECONDS = {1: 0.25, 6: 0.6}  # by EXIF orientation (issue 18)
TARGET_MB = 300
SECTION_START = "<!-- bench/renditions.py: start -->"
SECTION_END = "<!-- bench/renditions.py: end -->"

sys.path.insert(0, str(ROOT))


def photo_path(orientation: int) -> Path:
    return CACHE / f"photo-{SIZE[0]}x{SIZE[1]}-q{QUALITY}-orientation{orientation}.jpg"


def make_photo() -> None:
    """A photo-like picture: sky and ground gradients, vignetting, blurred shapes and lines,
    and mild sensor-like noise, so that it compresses like a photo (several MB), not like
    flat colour (a few hundred kB) or pure noise (tens of MB)."""
    from PIL import Image, ImageChops, ImageDraw, ImageFilter

    CACHE.mkdir(exist_ok=True)
    (CACHE / ".gitignore").write_text("*\n")
    width, height = SIZE
    rnd = random.Random(5040)
    ramp = Image.linear_gradient("L").resize((width, height))
    sky = Image.merge(
        "RGB",
        (
            ramp.point(lambda v: 70 + v * 0.45),
            ramp.point(lambda v: 115 + v * 0.3),
            ramp.point(lambda v: 205 - v * 0.55),
        ),
    )
    vignette = Image.radial_gradient("L").resize((width, height))
    picture = Image.composite(sky, Image.new("RGB", (width, height), (236, 218, 182)), vignette)
    draw = ImageDraw.Draw(picture)
    for _ in range(120):
        x, y = rnd.randrange(width), rnd.randrange(height)
        w, h = rnd.randrange(80, 1400), rnd.randrange(60, 900)
        colour = tuple(rnd.randrange(40, 220) for _ in range(3))
        shape = rnd.choice(("ellipse", "rectangle", "polygon"))
        if shape == "ellipse":
            draw.ellipse((x, y, x + w, y + h), fill=colour)
        elif shape == "rectangle":
            draw.rectangle((x, y, x + w, y + h), fill=colour)
        else:
            draw.polygon([(x + rnd.randrange(-600, 600), y + rnd.randrange(-600, 600)) for _ in range(5)], fill=colour)
    for _ in range(250):
        x, y = rnd.randrange(width), rnd.randrange(height)
        draw.line(
            (x, y, x + rnd.randrange(-500, 500), y + rnd.randrange(-500, 500)),
            fill=tuple(rnd.randrange(256) for _ in range(3)),
            width=rnd.randrange(1, 12),
        )
    picture = picture.filter(ImageFilter.GaussianBlur(3))  # no lens is that sharp
    noise = Image.effect_noise((width, height), 7).convert("RGB")  # centred on 128
    picture = ImageChops.add(picture, noise, scale=1.0, offset=-128)
    picture.save(photo_path(1), "JPEG", quality=QUALITY)
    exif = Image.Exif()
    exif[0x0112] = 6  # stored landscape, shown portrait
    picture.save(photo_path(6), "JPEG", quality=QUALITY, exif=exif)


# --- What the child processes run ----------------------------------------------------------------


def child_time(path: str, runs: int, signed: bool) -> None:
    from newsroom.photos.imaging import make_public_files

    metadata, signing = _metadata(), _signing(signed)
    files = make_public_files(path, metadata=metadata, signing=signing)  # warm-up: imports, threads, caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        make_public_files(path, metadata=metadata, signing=signing)
        times.append(time.perf_counter() - start)
    print(
        json.dumps(
            {
                "times": times,
                "files": [[f.name, f.width, f.height, len(f.content)] for f in files],
            }
        )
    )


def child_memory(path: str, signed: bool) -> None:
    from newsroom.photos.imaging import make_public_files

    signing = _signing(signed)
    at_rest = peak_memory_kb()
    make_public_files(path, metadata=_metadata(), signing=signing)
    print(json.dumps({"at_rest_kb": at_rest, "peak_kb": peak_memory_kb()}))


def peak_memory_kb() -> int:
    """This process's peak resident set in kB.

    VmHWM (Linux) is reset by exec; ru_maxrss is not: a child started by fork+exec inherits
    its parent's peak, which would count the parent's memory as the child's.
    """
    try:
        found = re.search(r"^VmHWM:\s*(\d+) kB", Path("/proc/self/status").read_text(), re.M)
        if found:
            return int(found.group(1))
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux


def _metadata():
    from newsroom.photos.imaging import PublicMetadata

    return PublicMetadata(
        virin="260303-N-TV418-1107",
        title="Community Clinic",
        caption="Navy Lt. j.g. Aisha Bello checks a patient’s blood pressure at a community clinic, March 3, 2026.",
        photographer="Petty Officer 1st Class Tomas Varga",
        credit="Navy",
    )


def _signing(signed: bool):
    """A signing certificate (not a CA, e-mail protection purpose, P-256) under a root made now."""
    if not signed:
        return None
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    from newsroom.photos.imaging import Signing

    def certificate(subject, issuer, key, issuer_key, *, ca):
        now = datetime.datetime.now(datetime.UTC)
        usage = x509.KeyUsage(not ca, False, False, False, False, ca, ca, False, False)
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
            .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(usage, critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        )
        if not ca:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
            ).add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
        return builder.sign(issuer_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)

    root_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    root = certificate("Bench Root", "Bench Root", root_key, root_key, ca=True)
    signing = certificate("Bench Photo Desk", "Bench Root", key, root_key, ca=False)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return Signing(signing + root, private_key=private)


def _run_child(*args: str) -> dict:
    """Run this script in a fresh interpreter (its memory is its own); what it printed."""
    done = subprocess.run([sys.executable, __file__, *args], cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode:
        sys.exit(f"benchmark child failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- The parent: measure, print, record -----------------------------------------------------------


def machine() -> dict:
    from PIL import __version__ as pillow
    from PIL import features

    return {
        "cpu": cpu_model(),
        "cores": f"{usable_cores()} usable of {os.cpu_count()}",
        "python": platform.python_version(),
        "pillow": pillow,
        "libjpeg_turbo": (
            f"yes ({features.version('libjpeg_turbo')})" if features.check_feature("libjpeg_turbo") else "no"
        ),
        "webp": features.version("webp") or "no",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per photo (default 7)")
    parser.add_argument("--no-record", action="store_true", help="print only; leave RESULTS.md alone")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, path, *rest = args.child
        if kind == "make":
            make_photo()
        elif kind == "time":
            child_time(path, int(rest[0]), rest[1] == "signed")
        else:
            child_memory(path, rest[0] == "signed")
        return

    if not (photo_path(1).exists() and photo_path(6).exists()):
        print(f"Making the test photo in {CACHE.relative_to(ROOT)}/ (once) ...", flush=True)
        subprocess.run([sys.executable, __file__, "--child", "make", "-"], cwd=ROOT, check=True)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    if load > 0.5:
        print(f"Note: the machine is busy (load average {load:.2f}); the times will be slower than on an idle one.")
    size_mb = photo_path(1).stat().st_size / 1e6
    info = machine()
    rows = []
    for orientation, signed in ((1, False), (1, True), (6, False), (6, True)):
        path, signing = str(photo_path(orientation)), "signed" if signed else "unsigned"
        memory = _run_child("--child", "memory", path, signing)
        timing = _run_child("--child", "time", path, str(args.runs), signing)
        times = timing["times"]
        rows.append(
            {
                "orientation": orientation,
                "signed": signed,
                "median": statistics.median(times),
                "best": min(times),
                "peak_mb": memory["peak_kb"] / 1024,
                "rest_mb": memory["at_rest_kb"] / 1024,
                "files": timing["files"],
            }
        )

    main_row = rows[0]
    verdicts = [
        (
            f"{_label(row['orientation'])}: at most {TARGET_SECONDS[row['orientation']]} s (median) and under "
            f"{TARGET_MB} MB",
            row["median"] <= TARGET_SECONDS[row["orientation"]] and row["peak_mb"] < TARGET_MB,
        )
        for row in rows
        if not row["signed"]
    ]
    print()
    print(f"Photo: {SIZE[0]}x{SIZE[1]} JPEG, quality {QUALITY}, {size_mb:.1f} MB; {args.runs} runs after a warm-up")
    print(
        f"Machine: {info['cpu']}, {info['cores']} cores, Python {info['python']}, Pillow {info['pillow']}, "
        f"libjpeg-turbo {info['libjpeg_turbo']}, libwebp {info['webp']}"
    )
    print()
    print(f"{'case':<40} {'median':>9} {'best':>9} {'peak RSS':>10}")
    for row in rows:
        label = _label(row["orientation"], row["signed"])
        print(f"{label:<40} {row['median']:>8.3f}s {row['best']:>8.3f}s {row['peak_mb']:>7.0f} MB")
    print(f"(peak RSS is the whole process; Python + Pillow at rest take {main_row['rest_mb']:.0f} MB of it)")
    print()
    print(
        "Files made (orientation 1):", ", ".join(f"{n} {w}x{h} {b / 1000:.0f} kB" for n, w, h, b in main_row["files"])
    )
    print("Signed:", ", ".join(f"{n} {b / 1000:.0f} kB" for n, w, h, b in rows[1]["files"]))
    print()
    for text, ok in verdicts:
        print(f"Target: {text}: {'MET' if ok else 'NOT MET'}")
    if not args.no_record:
        record(info, rows, size_mb, args.runs, verdicts, load)
        print(f"Recorded in {RESULTS.relative_to(ROOT)}")


def _label(orientation: int, signed: bool = False) -> str:
    label = "orientation 1" if orientation == 1 else f"orientation {orientation} (turned: full copy re-encoded)"
    return f"{label}, signed (C2PA)" if signed else label


def record(info: dict, rows: list, size_mb: float, runs: int, verdicts: list, load: float) -> None:
    main_row = rows[0]
    lines = [
        "## Renditions: `bench/renditions.py`",
        "",
        f"Run {datetime.date.today().isoformat()} on {info['cpu']}, {info['cores']} cores; "
        f"Python {info['python']}, Pillow {info['pillow']}, libjpeg-turbo {info['libjpeg_turbo']}, "
        f"libwebp {info['webp']}; load average {load:.2f} when it started.",
        "",
        f"`make_public_files` on a {SIZE[0]}x{SIZE[1]} JPEG at quality {QUALITY} ({size_mb:.1f} MB, "
        f"photo-like content): full-size copy plus {len(main_row['files']) - 1} renditions. "
        f"{runs} runs after a warm-up, each case in a fresh process; peak memory is the resident "
        "set of a process that makes one full set (VmHWM).",
        "",
        "| case | median | best | peak memory |",
        "|---|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {_label(row['orientation'], row['signed'])} | {row['median']:.3f} s | {row['best']:.3f} s | {row['peak_mb']:.0f} MB |"
        )
    lines += [
        "",
        f"Python and Pillow at rest account for {main_row['rest_mb']:.0f} MB of the peak.",
        "",
        *(f"- {text}: **{'met' if ok else 'not met'}**" for text, ok in verdicts),
        "",
        "Files (orientation 1): "
        + ", ".join(f"`{n}` {w}x{h} {b / 1000:.0f} kB" for n, w, h, b in main_row["files"])
        + ".",
        "",
        "Signed (a C2PA manifest in each, ES256, no timestamp authority): "
        + ", ".join(f"`{n}` {b / 1000:.0f} kB" for n, w, h, b in rows[1]["files"])
        + ".",
    ]
    write_section(SECTION_START, SECTION_END, "\n".join(lines))


if __name__ == "__main__":
    main()
