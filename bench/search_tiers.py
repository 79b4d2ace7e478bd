"""Which tier of our ranking the judged measures come from: a debugging tool for the dev half.

    .venv/bin/python bench/search_tiers.py [--half dev|regression] [--by-kind] [--database-url URL]

For the top 10 and for ranks 11–30 of every scored query (not those with a region filter), the
count of measures per tier of the page (engine.py: the query's hits, a phrase's words apart,
related terms, most words, near hits, as the notes place them) and grade (`-` not judged). Where
the relevant measures below rank 10 sit, and which tier puts grade-0 measures in the top 10,
tell which boundary between tiers to look at. The test half is not offered: never tune on it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.search_judged import grades, load_half, load_regression, scored
from bench.search_misses import setup
from bench.search_quality import DEFAULT_URL

DEEPEST = 30


def tier_of(rank: int, notes) -> str:
    """The tier of the hit at `rank` (0-based), from where the page's notes say each begins."""
    starts = [
        (notes.phrase_hits, "phrase words"),
        (notes.related_after, "related"),
        (notes.all_words, "most words"),
        (notes.near_after, "near"),
    ]
    tier = "query"
    for start, name in sorted((s, n) for s, n in starts if s is not None):
        if rank >= start:
            tier = name
    return tier


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--half", choices=["dev", "regression"], default="dev")
    parser.add_argument("--by-kind", action="store_true", help="count per query kind too")
    parser.add_argument("--database-url", default=os.environ.get("SEARCH_QUALITY_DB", DEFAULT_URL))
    args = parser.parse_args()
    queries = load_regression() if args.half == "regression" else load_half("dev")
    search, measures = setup(args.database_url)
    line_of = {m["pk"]: line for line, m in measures.items()}
    counts: Counter = Counter()
    for q in scored(queries):
        if q.get("region"):
            continue
        result = search.search(q["query"])
        graded = grades(q)
        for rank, pk in enumerate(result.ids[:DEEPEST]):
            where = "top 10" if rank < 10 else f"11-{DEEPEST}"
            kind = q["kind"] if args.by_kind else ""
            grade = graded.get(line_of[pk], "-")
            counts[(where, kind, tier_of(rank, result.notes), str(grade))] += 1
    for key in sorted(counts):
        print(f"{key[0]:7} {key[1]:20} {key[2]:13} grade {key[3]}  {counts[key]:4}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
