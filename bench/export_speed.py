"""Export speed: time and peak memory of the measure list's CSV, JSON and XLSX exports.

    .venv/bin/python bench/export_speed.py                  # the bundled report and 10 times it
    .venv/bin/python bench/export_speed.py --sizes 1,10,100 --rounds 3

For each size (1 = the bundled report; N = bench/synth.py's N-times file, written to bench/out/)
a fresh SQLite database in a temporary folder is filled by the real `import_report --no-index`
(in a process of its own), with production settings (DEBUG off, page cache off). Then
`/insatser/?format=…` (every measure of the edition, the list's order) is asked of the view
through Django's test client and the whole body read, after one unrecorded warm-up (an export of
one region) that reads the data's snapshot as a worker does once per change. Each recorded round
runs in a forked process: its wall time, and its peak resident memory above what it started with
(Linux's VmHWM after resetting it through /proc/self/clear_refs), so that one export's garbage does
not hide the next one's. Prints a Markdown table of the median wall and CPU time (the process's
CPU time is the steadier figure on a shared machine), the largest peak and the file's size.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import synth  # noqa: E402

OUT = BASE_DIR / "bench" / "out"
REPORT = synth.REPORT
FORMATS = ("csv", "json", "xlsx")


def report_file(size: int) -> Path:
    """The bundled report, or the synthetic N-times one (written again when older than its
    sources)."""
    if size == 1:
        return REPORT
    path = OUT / f"report-{size}x.txt"
    sources = (REPORT, Path(synth.__file__))
    if not path.exists() or path.stat().st_mtime < max(p.stat().st_mtime for p in sources):
        with contextlib.redirect_stdout(sys.stderr):
            synth.main(["--times", str(size), "--out", str(path)])
    return path


def _memory_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def _one_export(client, url: str) -> dict:
    """In a forked child: one export, its time, peak memory above the start, and size."""
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    before = _memory_kb("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url}: HTTP {response.status_code}")
    if response.streaming:
        size = sum(len(chunk) for chunk in response.streaming_content)
    else:
        size = len(response.content)
    response.close()
    return {
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
        "peak_mb": (_memory_kb("VmHWM") - before) / 1024,
        "bytes": size,
    }


def _forked(client, url: str) -> dict:
    from django.db import connections

    connections.close_all()  # the child opens its own
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read)
        try:
            result = _one_export(client, url)
        except BaseException as error:  # reported to the parent
            result = {"error": repr(error)}
        with os.fdopen(write, "w") as pipe:
            json.dump(result, pipe)
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        result = json.load(pipe)
    os.waitpid(pid, 0)
    if "error" in result:
        raise RuntimeError(f"{url}: {result['error']}")
    return result


def measure_size(size: int, rounds: int, formats: list[str]) -> dict:
    """In a child process of its own (one database per process): import, then export."""
    work = Path(tempfile.mkdtemp(prefix="export-speed-"))
    os.environ.update(
        DATABASE_URL=f"sqlite:///{work / 'db.sqlite3'}",
        SEARCH_INDEX_DIR=str(work / "index"),
        SHARED_CACHE_DIR=str(work / "cache"),
        SECRET_KEY="export-speed-bench",
        PAGE_CACHE_SECONDS="0",
        DEBUG="0",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    # Import in processes of their own: the heap an import grows would otherwise be reused by
    # the exports without showing in their peaks.
    for command in (["migrate", "-v0"], ["import_report", str(report_file(size)), "--no-index"]):
        subprocess.run(
            [sys.executable, "manage.py", *command], check=True, cwd=BASE_DIR, capture_output=True
        )
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from catalogue.models import Measure

    settings.ALLOWED_HOSTS = ["*"]
    result = {"size": size, "measures": Measure.objects.count(), "formats": {}}
    client = Client()
    for fmt in formats:
        url = f"/insatser/?format={fmt}"
        # Warm-up on one region: the snapshot, imports, translations, and no heap grown to a
        # whole export's size that the recorded rounds would reuse without counting it.
        client.get(f"{url}&region=gotland").close()
        runs = [_forked(client, url) for _ in range(rounds)]
        result["formats"][fmt] = {
            "seconds": statistics.median(r["seconds"] for r in runs),
            "cpu": statistics.median(r["cpu"] for r in runs),
            "runs": [round(r["seconds"], 3) for r in runs],
            "peak_mb": max(r["peak_mb"] for r in runs),
            "bytes": runs[0]["bytes"],
        }
    return result


def table(results: list[dict]) -> str:
    lines = [
        "| data | measures | format | wall (median) | CPU (median) | CPU per 1,000 rows "
        "| peak memory | file |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        label = "bundled" if result["size"] == 1 else f"{result['size']}×"
        for fmt, figures in result["formats"].items():
            per_thousand = figures["cpu"] / result["measures"] * 1000
            lines.append(
                f"| {label} | {result['measures']:,} | {fmt.upper()} | {figures['seconds']:.2f} s "
                f"| {figures['cpu']:.2f} s | {per_thousand:.2f} s | {figures['peak_mb']:.0f} MB "
                f"| {figures['bytes'] / 1e6:.1f} MB |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1,10", help="report sizes, e.g. 1,10,100")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child's size
    args = parser.parse_args(argv)
    formats = [f for f in args.formats.split(",") if f]
    if args.one:
        print(json.dumps(measure_size(args.one, args.rounds, formats)))
        return 0
    results = []
    for size in (int(s) for s in args.sizes.split(",")):
        report_file(size)  # written here, once, not in the child
        output = subprocess.run(
            [sys.executable, __file__, "--one", str(size), "--rounds", str(args.rounds),
             "--formats", ",".join(formats)],
            check=True, capture_output=True, text=True, cwd=BASE_DIR,
        ).stdout  # fmt: skip
        results.append(json.loads(output.splitlines()[-1]))
        print(f"size {size}: {results[-1]['measures']} measures", file=sys.stderr, flush=True)
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
