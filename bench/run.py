"""Benchmark Insatskatalogen on this machine: import, index, and HTTP load on loopback.

    .venv/bin/python bench/run.py                       # everything (about 40 minutes)
    .venv/bin/python bench/run.py --sizes 1 --load-sizes 1 --databases sqlite --duration 5

For each report size (1 = the bundled report; N = bench/synth.py's N-times file) and database
(SQLite, PostgreSQL at 127.0.0.1:5432), in a fresh database with production settings:
  - `import_report --no-index`: wall time and peak memory (maximum resident set) of the process;
  - `rebuild_index`: the same;
  - for the load sizes: gunicorn through docker/entrypoint.sh (the production command), then
    wrk (or bench/loadgen.py without wrk) at each client count against home, a search with
    facets, a filtered list, measure pages and a CSV export: requests/s, p50/p95/p99, errors;
    and a soak: all pages mixed at the highest client count for --soak seconds;
  - Datasette 0.65 (bench/.venv-datasette) on the same measures, SQLite with FTS5, the same
    search with `_facet=region&_facet=chapter`, at the same client counts.
Results: bench/out/results.json and a Markdown summary on stdout (and bench/out/results.md);
--name changes the file names.
Load goes to 127.0.0.1 only; every run is bounded by --duration.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import next_edition, synth  # noqa: E402
from bench.loadgen import run_load  # noqa: E402
from tests import servers  # noqa: E402

OUT = BASE_DIR / "bench" / "out"
DATASETTE = BASE_DIR / "bench" / ".venv-datasette" / "bin" / "datasette"
WRK_SCRIPT = BASE_DIR / "bench" / "wrk_report.lua"
SEARCH_QUERY = "energi"
NEW_QUERIES = "search+facets, a new query each request"
WARM_UP_SECONDS = 3


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def machine() -> dict:
    memory_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(),
        "memory_gib": round(memory_kb / 1024**2, 1),
        "cpu": cpu,
        "python": platform.python_version(),
        "commit": subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=BASE_DIR, capture_output=True, text=True
        ).stdout.strip(),
        "wrk": bool(shutil.which("wrk")),
    }


def timed(args: list[str], env: dict[str, str], timeout: float = 3600) -> dict:
    """Run a command; its wall time and peak resident memory (from wait4's rusage)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        args, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    output = []
    assert process.stdout
    for line in process.stdout:
        output.append(line.decode(errors="replace"))
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {process.returncode}:\n{''.join(output)}")
    if wall > timeout:
        log(f"warning: {args[2]} took {wall:.0f} s")
    return {"seconds": round(wall, 2), "peak_mb": round(usage.ru_maxrss / 1024, 1)}


def report_file(size: int) -> Path:
    if size == 1:
        return servers.REPORT
    path = OUT / f"report-{size}x.txt"
    sources = (servers.REPORT, Path(synth.__file__))
    if not path.exists() or path.stat().st_mtime < max(p.stat().st_mtime for p in sources):
        log(f"writing {path.name}")
        synth.main(["--times", str(size), "--out", str(path)])
    return path


@contextmanager
def database(kind: str, size: int, folder: Path):
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'db.sqlite3'}"
    else:
        with servers.postgres_database(f"insatser_bench_{size}x") as url:
            yield url


def manage(*args: str) -> list[str]:
    return [sys.executable, "manage.py", *args]


def sqlite_site(folder: Path, size: int, reuse: bool, **settings: str) -> dict[str, str]:
    """A production environment on a SQLite database in `folder` (emptied first unless `reuse`
    and it holds one), migrated, with the report of `size` imported and indexed. The import runs
    with --if-changed, so a reused database keeps its import: the index folder alone says
    nothing (the search makes it at start-up, and a run that looked for it searched no data)."""
    if not (reuse and (folder / "db.sqlite3").exists()):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    env = servers.production_environment(folder, f"sqlite:///{folder / 'db.sqlite3'}", **settings)
    servers.run(manage("collectstatic", "--noinput", "-v0"), env)
    servers.run(manage("migrate", "--noinput", "-v0"), env)
    log(f"importing and indexing {size}x")
    servers.run(manage("import_report", str(report_file(size)), "--if-changed"), env, timeout=3600)
    return env


def sample_ids(env: dict[str, str], count: int = 50) -> list[int]:
    code = (
        "from catalogue.models import Measure; ids = list(Measure.objects.order_by('pk')"
        ".values_list('pk', flat=True)); step = max(1, len(ids) // "
        f"{count}); print(' '.join(map(str, ids[::step][:{count}])))"
    )
    result = servers.run(manage("shell", "-v0", "-c", code), env)
    return [int(i) for i in result.stdout.split()]


def sample_queries(env: dict[str, str], count: int = 6000) -> list[str]:
    """`count` distinct one-word queries: words of five letters or more from the measures' names
    and descriptions, drawn with a fixed seed. Each load run gets its own share, more than a
    10-second run asks, so that every request is a query no cache has seen (the warm-up asks
    another one)."""
    code = (
        "import random, re; from catalogue.models import Measure; "
        "words = sorted({w.lower() for row in Measure.objects.values_list('name', 'description') "
        "for text in row for w in re.findall(r'\\w{5,}', text) if not w.isdigit()} - {'energi'}); "
        f"print(' '.join(random.Random(1).sample(words, min({count}, len(words)))))"
    )
    result = servers.run(manage("shell", "-v0", "-c", code), env)
    return result.stdout.split()


def endpoints(ids: list[int], queries: list[str]) -> dict[str, list[str]]:
    return {
        "home": ["/"],
        "search+facets": [f"/insatser/?q={SEARCH_QUERY}"],
        # Each request a different word: the uncached price of a search page.
        NEW_QUERIES: [f"/insatser/?q={quote(q)}" for q in queries],
        "filtered list": ["/insatser/?region=skane&chapter=3"],
        "measure page": [f"/insatser/{pk}/" for pk in ids],
        "CSV export": ["/insatser/?region=skane&format=csv"],
    }


def load(
    base_url: str, paths: list[str], clients: int, duration: float, warm: list[str] | None = None
) -> dict:
    """One bounded load run: wrk when installed, else the Python load generator. `warm`: the
    paths of the unrecorded warm-up (default: `paths`)."""
    warm = warm or paths
    with suppress(OSError):  # warm the worker that answers; a server still busy may time out
        servers.fetch(base_url + warm[0], timeout=120)
    if shutil.which("wrk"):
        threads = min(clients, 2)

        def command(seconds: float, paths: list[str]) -> list[str]:
            return [
                "wrk", f"-t{threads}", f"-c{clients}", f"-d{int(seconds)}s", "--timeout", "10s",
                "-s", str(WRK_SCRIPT), base_url + paths[0], "--", *paths,
            ]  # fmt: skip

        # Unrecorded: every worker's first request reads the snapshot and opens the index
        # (about 1.5 s at 100 times the data); the figures are of the warm, steady state.
        subprocess.run(command(WARM_UP_SECONDS, warm), capture_output=True, timeout=60, check=True)
        load_before = round(os.getloadavg()[0], 2)
        output = subprocess.run(
            command(duration, paths),
            capture_output=True,
            text=True,
            timeout=duration + 60,
            check=True,
        ).stdout
        line = next(line for line in output.splitlines() if line.startswith("WRK_JSON "))
        data = json.loads(line.removeprefix("WRK_JSON "))
        errors = sum(value for key, value in data.items() if key.startswith("errors_"))
        seconds = data["duration_us"] / 1e6
        return {
            "clients": clients,
            "requests": data["requests"],
            "errors": errors,
            "rps": round(data["requests"] / seconds, 1),
            "p50_ms": round(data["p50_us"] / 1000, 1),
            "p95_ms": round(data["p95_us"] / 1000, 1),
            "p99_ms": round(data["p99_us"] / 1000, 1),
            "tool": "wrk",
            "load_avg_before": load_before,
        }
    run_load(base_url, warm, clients=clients, duration=WARM_UP_SECONDS, timeout=10)
    load_before = round(os.getloadavg()[0], 2)
    result = run_load(base_url, paths, clients=clients, duration=duration, timeout=10)
    return {**result.summary(), "tool": "loadgen", "load_avg_before": load_before}


def build_datasette_db(source: Path, target: Path) -> None:
    """The same measures in one table with an FTS5 index, as one would publish with Datasette."""
    target.unlink(missing_ok=True)
    connection = sqlite3.connect(target)
    connection.executescript(
        f"""
        ATTACH DATABASE '{source}' AS source;
        CREATE TABLE measures (
            id INTEGER PRIMARY KEY, name TEXT, description TEXT, outputs TEXT, effects TEXT,
            goals_text TEXT, region TEXT, chapter INTEGER);
        INSERT INTO measures
            SELECT m.id, m.name, m.description, m.outputs, m.effects, m.goals_text,
                   r.name, c.number
            FROM source.catalogue_measure m
            JOIN source.catalogue_region r ON r.id = m.region_id
            JOIN source.catalogue_chapter c ON c.id = m.chapter_id;
        CREATE INDEX measures_region ON measures(region);
        CREATE INDEX measures_chapter ON measures(chapter);
        CREATE VIRTUAL TABLE measures_fts USING fts5(
            name, description, outputs, effects, goals_text,
            content='measures', content_rowid='id');
        INSERT INTO measures_fts(measures_fts) VALUES ('rebuild');
        """
    )
    connection.commit()
    connection.close()


@contextmanager
def datasette(db_path: Path):
    port = servers.free_port()
    log_file = open(db_path.parent / "datasette.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(
        [str(DATASETTE), "serve", "-i", str(db_path), "-h", "127.0.0.1", "-p", str(port)],
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                servers.fetch(base_url + "/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        yield base_url
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log_file.close()


def bench_size(size: int, kind: str, args: argparse.Namespace, results: dict) -> None:
    folder = OUT / f"{kind}-{size}x"
    # --reuse: an SQLite database and index left by an earlier run of this size (not re-timed).
    reuse = args.reuse and kind == "sqlite" and (folder / "db.sqlite3").exists()
    if not reuse:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    report = report_file(size)
    with database(kind, size, folder) as database_url:
        env = servers.production_environment(
            folder,
            database_url,
            WEB_CONCURRENCY=str(args.workers),
            PAGE_CACHE_SECONDS=str(args.page_cache),
        )
        servers.run(manage("collectstatic", "--noinput", "-v0"), env)
        servers.run(manage("migrate", "--noinput", "-v0"), env)
        entry = {"database": kind, "size": size, "report_mb": round(report.stat().st_size / 1e6, 1)}
        entry["import"] = entry["index"] = {"seconds": "reused", "peak_mb": "reused"}
        if not reuse:
            log(f"{kind} {size}x: import {report.name} ({report.stat().st_size / 1e6:.1f} MB)")
            entry["import"] = timed(manage("import_report", str(report), "--no-index"), env)
            log(f"  import {entry['import']}")
            if args.next_edition is not None:  # a second edition beside it (issue 9)
                nxt = next_edition.generate(
                    report.read_text(encoding="utf-8"), seed=args.next_edition
                )
                path = folder / f"next-edition-seed{args.next_edition}.txt"
                path.write_text(nxt.text, encoding="utf-8")
                entry["next_edition"] = timed(manage("import_report", str(path), "--no-index"), env)
                log(f"  next edition {entry['next_edition']}")
        if not reuse and not args.skip_index:
            entry["index"] = timed(manage("rebuild_index"), env)
            log(f"  index {entry['index']}")
        elif args.skip_index:
            entry["index"] = {"seconds": "not run", "peak_mb": "not run"}
        count = servers.run(
            manage("shell", "-v0", "-c", "from catalogue.models import Measure; "
                   "print(Measure.objects.count())"), env,
        ).stdout.strip()  # fmt: skip
        entry["measures"] = int(count)
        entry["load"] = {}
        if size in args.load_sizes and not args.skip_index:
            ids = sample_ids(env)
            queries = sample_queries(env)
            with servers.gunicorn(env) as base_url:
                warm = [f"/insatser/?q={SEARCH_QUERY}"]
                for name, paths in endpoints(ids, queries).items():
                    checked = warm if name == NEW_QUERIES else paths[:3]
                    for response in (servers.fetch(base_url + p, timeout=300) for p in checked):
                        assert response.status == 200, (name, response.status)
                    entry["load"][name] = []
                    for number, clients in enumerate(args.clients):
                        if name == NEW_QUERIES:  # each run its own queries, warmed by another
                            shared = paths[number :: len(args.clients)]
                            figures = load(base_url, shared, clients, args.duration, warm)
                        else:
                            figures = load(base_url, paths, clients, args.duration)
                        log(f"  {name} ×{clients}: {figures}")
                        entry["load"][name].append(figures)
                if args.soak:
                    mixed = [p for paths in endpoints(ids, queries).values() for p in paths[:5]]
                    entry["soak"] = load(base_url, mixed, max(args.clients), args.soak)
                    log(f"  soak: {entry['soak']}")
            if kind == "sqlite" and args.datasette and DATASETTE.exists():
                db_path = folder / "datasette.db"
                build_datasette_db(folder / "db.sqlite3", db_path)
                facets = "&_facet=region&_facet=chapter"
                path = f"/datasette/measures?_search={SEARCH_QUERY}{facets}"
                distinct = [f"/datasette/measures?_search={quote(q)}{facets}" for q in queries]
                with datasette(db_path) as base_url:
                    check = servers.fetch(base_url + path)
                    assert check.status == 200, check.text[:500]
                    entry["datasette"] = {"search+facets": [], NEW_QUERIES: []}
                    for name, paths in zip(entry["datasette"], ([path], distinct), strict=True):
                        for number, clients in enumerate(args.clients):
                            if name == NEW_QUERIES:
                                shared = paths[number :: len(args.clients)]
                                figures = load(base_url, shared, clients, args.duration, [path])
                            else:
                                figures = load(base_url, paths, clients, args.duration)
                            log(f"  datasette {name} ×{clients}: {figures}")
                            entry["datasette"][name].append(figures)
        results["runs"].append(entry)
        (OUT / f"{args.name}.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))


def markdown(results: dict) -> str:
    m = results["machine"]
    loads = [
        figures["load_avg_before"]
        for run in results["runs"]
        for group in [*run["load"].values(), *run.get("datasette", {}).values(), [run.get("soak")]]
        for figures in group
        if figures
    ]
    lines = [
        f"Measured {m['date']} on {m['cores']} cores, {m['memory_gib']} GiB ({m['cpu']}), "
        f"Python {m['python']}, commit {m['commit']}, gunicorn with {results['workers']} workers, "
        f"page cache {results.get('page_cache', 0) or 'off'}"
        f"{' s' if results.get('page_cache') else ''}, "
        f"{results['duration']} s per run, {'wrk' if m['wrk'] else 'bench/loadgen.py'}; "
        f"1-minute load average before the runs {min(loads, default=0)}–{max(loads, default=0)} "
        "(other work on the machine shows there).",
        "",
        "| data | database | measures | import s | import peak MB | index s | index peak MB |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for run in results["runs"]:
        lines.append(
            f"| {run['size']}× ({run['report_mb']} MB) | {run['database']} | {run['measures']} | "
            f"{run['import']['seconds']} | {run['import']['peak_mb']} | "
            f"{run['index']['seconds']} | {run['index']['peak_mb']} |"
        )
    lines += [
        "",
        "| data | server | page | clients | req/s | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for run in results["runs"]:
        rows = [(run["database"], name, figures) for name, figures in run["load"].items()]
        for name, figures in run.get("datasette", {}).items():
            rows.append(("Datasette 0.65", name, figures))
        if run.get("soak"):
            rows.append((run["database"], f"all pages, {results['soak']} s", [run["soak"]]))
        for server, name, figures in rows:
            for f in figures:
                lines.append(
                    f"| {run['size']}× | {server} | {name} | {f['clients']} | {f['rps']} | "
                    f"{f['p50_ms']} | {f['p95_ms']} | {f['p99_ms']} | {f['errors']} |"
                )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    numbers = lambda text: [int(x) for x in text.split(",") if x]  # noqa: E731
    parser.add_argument("--sizes", type=numbers, default=[1, 10, 100])
    parser.add_argument("--load-sizes", type=numbers, default=[1, 100])
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--clients", type=numbers, default=[1, 16, 64])
    parser.add_argument("--duration", type=float, default=10, help="seconds per load run")
    parser.add_argument("--soak", type=float, default=60, help="seconds of mixed load (0: none)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument(
        "--page-cache",
        type=int,
        default=0,
        metavar="SECONDS",
        help="PAGE_CACHE_SECONDS for the server (default 0: every page rendered afresh)",
    )
    parser.add_argument("--no-datasette", dest="datasette", action="store_false")
    parser.add_argument("--name", default="results", help="bench/out/NAME.json and NAME.md")
    parser.add_argument(
        "--reuse", action="store_true", help="keep an SQLite database and index already built"
    )
    parser.add_argument("--skip-index", action="store_true", help="time the import only")
    parser.add_argument(
        "--next-edition",
        type=int,
        metavar="SEED",
        help="also import a generated next edition (bench/next_edition.py) before the load runs",
    )
    args = parser.parse_args(argv)
    # Stopped with SIGTERM, still stop the servers and drop the benchmark databases.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.duration > 120 or args.soak > 600:
        parser.error("runs are bounded: --duration ≤ 120, --soak ≤ 600")
    OUT.mkdir(parents=True, exist_ok=True)
    results = {
        "machine": machine(),
        "workers": args.workers,
        "page_cache": args.page_cache,
        "duration": args.duration,
        "soak": args.soak,
        "runs": [],
    }
    for size in args.sizes:
        for kind in args.databases.split(","):
            bench_size(size, kind, args, results)
    summary = markdown(results)
    (OUT / f"{args.name}.md").write_text(summary)
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
