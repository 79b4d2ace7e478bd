"""Search speed: index build time and query latency at the bundled data and at N times it.

Imports the bundled report into a temporary SQLite database (the real `import_report` command),
then builds an index of COPIES copies of every measure (ids offset per copy) in a temporary
folder and times, with the searcher kept open as in a web worker:
  - search(q) with limit=None (all ranked ids, what the faceted list needs) and limit=20,
  - one excerpt per hit for the first 20 hits,
  - similar(id, limit=20, other_regions=True),
for the judged queries of tests/search_eval/queries.json.

    .venv/bin/python bench/search_speed.py [--copies 100] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "fixtures" / "tabellbilaga-regionalt-utvecklingsarbete-2023.txt"
QUERIES = ROOT / "tests" / "search_eval" / "queries.json"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="search-speed-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{work / 'db.sqlite3'}"
    os.environ["SEARCH_INDEX_DIR"] = str(work / "index")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from catalogue import search
    from catalogue.search import analysis, changes, compounds, indexing, related, storage

    call_command("migrate", verbosity=0)
    call_command("import_report", str(REPORT), stdout=open(os.devnull, "w"))  # noqa: SIM115
    documents = list(indexing._measures())  # the columns rebuild() reads, one row a measure
    step = max(row[0] for row in documents) + 1

    for copies in sorted({1, args.copies}):
        search.reset()
        compounds.lexicon.cache_clear()
        compounds.cached_parts.cache_clear()
        analysis.word_forms.cache_clear()
        started, cpu = time.perf_counter(), time.process_time()
        with storage.write_lock():
            generation = Path(os.environ["SEARCH_INDEX_DIR"]) / f"gen-speed-{copies}"
            generation.mkdir(parents=True)
            indexing._build(  # what rebuild() writes, minus reading the database
                generation,
                ((row[0] + copy * step, *row[1:]) for copy in range(copies) for row in documents),
            )
            storage.set_applied(generation, changes.last_id())
            storage.point_to(generation)
        build, build_cpu = time.perf_counter() - started, time.process_time() - cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"\n{copies}× ({copies * len(documents)} measures): index built in {build:.1f} s "
            f"({build_cpu:.1f} s CPU), process peak RSS so far {peak:.0f} MiB"
        )

        queries = [q["query"] for q in json.loads(QUERIES.read_text())["queries"]]
        search.search("uppvärmning")  # open the searcher, as a worker's first request does
        timings: dict[str, list[float]] = {"all": [], "top20": [], "excerpts": [], "similar": []}
        hits_all = []
        for _ in range(args.rounds):
            for q in queries:
                t = time.perf_counter()
                result = search.search(q)
                timings["all"].append(time.perf_counter() - t)
                hits_all.append(len(result.ids))
                t = time.perf_counter()
                result = search.search(q, limit=20)
                timings["top20"].append(time.perf_counter() - t)
                t = time.perf_counter()
                for measure_id in result.ids:
                    result.highlights[measure_id]
                timings["excerpts"].append(time.perf_counter() - t)
                if result.ids:
                    related._similar_cache.clear()  # time the work, not the per-process cache
                    t = time.perf_counter()
                    search.similar(result.ids[0], limit=20, other_regions=True)
                    timings["similar"].append(time.perf_counter() - t)
        print(
            f"hits per query with limit=None: median {statistics.median(hits_all):.0f}, "
            f"max {max(hits_all)}"
        )
        print("| operation | p50 ms | p95 ms | max ms |")
        print("|---|---|---|---|")
        labels = {
            "all": "search, all ranked ids",
            "top20": "search, limit=20",
            "excerpts": "20 excerpts",
            "similar": "similar, 20 in other regions",
        }
        for key, values in timings.items():
            ms = [v * 1000 for v in values]
            print(
                f"| {labels[key]} | {percentile(ms, 50):.1f} | {percentile(ms, 95):.1f} "
                f"| {max(ms):.1f} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
