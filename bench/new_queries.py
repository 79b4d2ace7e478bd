"""Uncached search pages under load: a different query and region filter on every request.

    .venv/bin/python bench/new_queries.py                  # the bundled report
    .venv/bin/python bench/new_queries.py --size 10        # bench/synth.py's 10x report

Imports the report into a fresh SQLite database (bench/out/newq-<size>x/, reused with --reuse),
serves it with gunicorn through docker/entrypoint.sh (page cache off, the per-address search
budget off, --workers workers) on loopback, and loads it with wrk at --clients connections for
--duration seconds: every request `/insatser/?q=<word>&region=<slug>`, a word of five letters or
more from the measures' texts (bench/run.py's sample, a share no cache has seen) and a region
drawn at random. Then Datasette 0.65 (bench/.venv-datasette, `make bench`) on the same measures
with FTS5, the same words and regions (`?_search=<word>&region=<name>&_facet=region
&_facet=chapter`), at the same load. Prints requests/s and p50/p95/p99 of both; issue 10 asks
for p99 ≤ 100 ms and ≥ 3× Datasette's throughput on the bundled report, p95 ≤ 150 ms at 10×.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.run import (  # noqa: E402
    DATASETTE,
    OUT,
    build_datasette_db,
    datasette,
    load,
    log,
    manage,
    sample_queries,
    sqlite_site,
)
from tests import servers  # noqa: E402


def regions(env: dict[str, str]) -> list[tuple[str, str]]:
    code = (
        "from catalogue.models import Region; "
        "print('\\n'.join(f'{r.slug}\\t{r.name}' for r in Region.objects.order_by('code')))"
    )
    lines = servers.run(manage("shell", "-v0", "-c", code), env).stdout.splitlines()
    return [tuple(line.split("\t")) for line in lines if "\t" in line]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1, help="1 = bundled report; N = synth Nx")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=20, help="seconds per load run")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--no-datasette", dest="datasette", action="store_false")
    parser.add_argument("--reuse", action="store_true", help="keep an earlier database and index")
    args = parser.parse_args(argv)
    if args.duration > 120:
        parser.error("runs are bounded: --duration ≤ 120")

    folder = OUT / f"newq-{args.size}x"
    env = sqlite_site(folder, args.size, args.reuse, WEB_CONCURRENCY=str(args.workers),
                      PAGE_CACHE_SECONDS="0", SEARCH_RATE_LIMIT="0")  # fmt: skip

    words = sample_queries(env)
    rng = random.Random(10)
    known = regions(env)
    pairs = [(word, rng.choice(known)) for word in words]
    half = len(pairs) // 2  # our server and Datasette each get words the other did not warm
    ours = [f"/insatser/?q={quote(w)}&region={slug}" for w, (slug, _) in pairs[:half]]
    facets = "&_facet=region&_facet=chapter"
    theirs = [
        f"/datasette/measures?_search={quote(w)}&region={quote(name)}{facets}"
        for w, (_, name) in pairs[half:]
    ]
    results = {"size": args.size, "clients": args.clients, "duration": args.duration,
               "workers": args.workers}  # fmt: skip
    with servers.gunicorn(env) as base_url:
        warm = ours[-args.workers * 4 :]
        results["ours"] = load(base_url, ours, args.clients, args.duration, warm)
        log(f"ours: {results['ours']}")
    if args.datasette and DATASETTE.exists():
        db_path = folder / "datasette.db"
        build_datasette_db(folder / "db.sqlite3", db_path)
        with datasette(db_path) as base_url:
            check = servers.fetch(base_url + theirs[0])
            assert check.status == 200, check.text[:500]
            warm = theirs[-8:]
            results["datasette"] = load(base_url, theirs, args.clients, args.duration, warm)
            log(f"datasette: {results['datasette']}")
    (folder / "results.json").write_text(json.dumps(results, indent=2))
    print(f"| {args.size}x, {args.clients} clients, {args.duration:.0f} s | requests/s | p50 ms "
          "| p95 ms | p99 ms | errors |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|")
    for name in ("ours", "datasette"):
        if name in results:
            r = results[name]
            print(f"| {name} | {r['rps']} | {r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} "
                  f"| {r['errors']} |")  # fmt: skip
    if "datasette" in results:
        print(f"throughput ratio: {results['ours']['rps'] / results['datasette']['rps']:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
