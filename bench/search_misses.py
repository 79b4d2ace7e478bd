"""Where our search misses on judged queries: a debugging tool for tuning on the development half.

    .venv/bin/python bench/search_misses.py [--half dev|regression] [--database-url URL] [ID …]

Without ids: each scored query's recall@10 and nDCG@10, the share of its relevant measures
anywhere in our list (so not yet lost to ranking) and the recall@10 that list would reach in
the best order (what better ranking alone could give), and the means per kind, ours only (no
PostgreSQL or FTS5 run, so it takes seconds, not a minute). With ids (e.g. `multi_word-04`): each
query's top 10 with their grades (`-` not judged), the page's notes, and the relevant measures
that missed the top 10 with their rank in our whole ranking (or "not found"). With --cpu N:
the CPU time of our search per query text instead (before/after comparisons of the search).

The database at URL is imported from the bundled report only when it has no measures yet (it is
never dropped: bench/search_quality.py's database serves, e.g. iq_NAME_quality); our index is
built afresh in a temporary folder on every run, so a change to the analysis counts. The test
half is not offered: never tune on it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search_judged import (  # noqa: E402
    K,
    grades,
    load_half,
    load_regression,
    ndcg_at_k,
    recall_at_k,
    scored,
)
from bench.search_quality import DEFAULT_URL, REPORT  # noqa: E402


def setup(url: str):
    """Our search over the database at `url` (imported if empty) with a fresh index."""
    os.environ["DATABASE_URL"] = url
    os.environ["SEARCH_INDEX_DIR"] = tempfile.mkdtemp(prefix="search-misses-")
    os.environ["SEARCH_RATE_LIMIT"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from catalogue import search
    from catalogue.models import Measure

    call_command("migrate", verbosity=0)
    if not Measure.objects.exists():
        call_command("import_report", str(REPORT), stdout=open(os.devnull, "w"))  # noqa: SIM115
    search.rebuild()
    return search, {
        m["source_line"]: m
        for m in Measure.objects.values("pk", "source_line", "name", "region__name")
    }


def ranked_lines(search, measures: dict, q: dict) -> tuple[list[int], object]:
    """Our ranking of a judged query as source lines, the region filter applied as the search
    page applies it, and the page's notes (`measures`: setup()'s)."""
    line_of = {m["pk"]: line for line, m in measures.items()}
    result = search.search(q["query"])
    lines = [line_of[pk] for pk in result.ids]
    if q.get("region"):
        lines = [line for line in lines if measures[line]["region__name"] == q["region"]]
    return lines, result.notes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ids", nargs="*", help="query ids to show in detail")
    parser.add_argument("--half", choices=["dev", "regression"], default="dev")
    parser.add_argument("--database-url", default=os.environ.get("SEARCH_QUALITY_DB", DEFAULT_URL))
    parser.add_argument(
        "--cpu", type=int, default=0, metavar="N",
        help="instead: CPU of search() per query text, the median of N rounds, each with the "
        "results forgotten (search.reset())",
    )  # fmt: skip
    args = parser.parse_args()

    queries = load_regression() if args.half == "regression" else load_half("dev")
    search, measures = setup(args.database_url)

    def ranked(q: dict) -> tuple[list[int], object]:
        return ranked_lines(search, measures, q)

    if args.cpu:
        cpu_time(search, [q["query"] for q in queries], args.cpu)
        return 0
    if args.ids:
        wanted = {q["id"]: q for q in queries}
        for query_id in args.ids:
            show(wanted[query_id], *ranked(wanted[query_id]), measures)
        return 0

    scores: dict[str, list[tuple[float, ...]]] = defaultdict(list)
    for q in scored(queries):
        lines, _ = ranked(q)
        graded = grades(q)
        relevant = {line for line, grade in graded.items() if grade > 0}
        in_list = len(relevant.intersection(lines))
        found = in_list / len(relevant)  # anywhere in the list
        best_order = min(K, in_list) / min(K, len(relevant))  # recall@10, the list reordered
        row = (recall_at_k(lines, graded), ndcg_at_k(lines, graded), found, best_order)
        scores[q["kind"]].append(row)
        scores["overall"].append(row)
        region = f" [{q['region']}]" if q.get("region") else ""
        print(
            f"{q['id']:22} {q['query'] + region:42} {row[0]:.2f} {row[1]:.2f}  {len(lines)} hits"
            f", {found:.0%} of the relevant"
        )
    print()
    for kind in [*sorted(k for k in scores if k != "overall"), "overall"]:
        rows = scores[kind]
        recall, ndcg, found, best = (sum(row[i] for row in rows) / len(rows) for i in range(4))
        print(
            f"{kind:20} {len(rows):3}  recall@10 {recall:.3f}  nDCG@10 {ndcg:.3f}"
            f"  relevant found anywhere {found:.3f}  recall@10 in the best order {best:.3f}"
        )
    return 0


def cpu_time(search, texts: list[str], rounds: int) -> None:
    """Print the slowest queries and the sum over all texts of each one's median CPU time."""
    times: dict[str, list[float]] = defaultdict(list)
    for _ in range(rounds):
        search.reset()
        search.search("uppvärmning")  # open the searcher outside the timing
        for text in texts:
            started = time.process_time()
            search.search(text)
            times[text].append(time.process_time() - started)
    median = {text: sorted(t)[len(t) // 2] * 1000 for text, t in times.items()}
    for text in sorted(median, key=median.get, reverse=True)[:5]:
        print(f"{median[text]:7.1f} ms  {text}")
    print(f"{sum(median.values()):.0f} ms of CPU for {len(median)} queries (median of {rounds})")


def show(q: dict, lines: list[int], notes, measures: dict) -> None:
    graded = grades(q)
    region = f" [{q['region']}]" if q.get("region") else ""
    print(f"## {q['id']}: {q['query']}{region} ({q.get('task', '')})")
    print(
        f"recall@10 {recall_at_k(lines, graded):.2f}  nDCG@10 {ndcg_at_k(lines, graded):.2f}  "
        f"{len(lines)} hits"
    )
    told = {k: v for k, v in vars(notes).items() if v not in (None, False, (), 0)}
    if told:
        print(f"notes: {told}")
    for rank, line in enumerate(lines[:K], 1):
        grade = graded.get(line, "-")
        print(f"  {rank:2}. [{grade}] {line:5} {measures[line]['name'][:90]}")
    missed = [line for line, g in graded.items() if g > 0 and line not in lines[:K]]
    if missed:
        print("  missed:")
    position = {line: i for i, line in enumerate(lines, 1)}
    for line in sorted(missed, key=lambda x: (-graded[x], position.get(x, 10**6))):
        where = f"rank {position[line]}" if line in position else "not found"
        print(f"     [{graded[line]}] {line:5} {where:10} {measures[line]['name'][:80]}")
    print()


if __name__ == "__main__":
    sys.exit(main())
