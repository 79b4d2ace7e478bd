"""Search quality: our Whoosh search against PostgreSQL's `swedish` full-text search.

Imports the bundled report into a fresh PostgreSQL database (the real `import_report` command),
builds our index in a temporary folder, runs the judged queries of tests/search_eval/queries.json
through both engines and prints recall@10 and nDCG@10 per kind of query and overall.

    .venv/bin/python bench/search_quality.py [--database-url URL] [--verbose]

The database (default: insatskatalogen_search_quality on the local server) is dropped and created.
PostgreSQL's side: to_tsvector('swedish', …) per field with the same weights as ours (name A,
description and region B, outputs and effects C, goals D; ts_rank weights {0.2, 0.33, 0.5, 1.0}),
websearch_to_tsquery('swedish', query) (quotes make phrases, "or" and "-" work), ts_rank order.

Metrics, binary relevance: recall@10 = relevant in the top 10 / min(10, number relevant) (so a
perfect top 10 scores 1 even when more than 10 are relevant); nDCG@10 with the ideal ranking
putting min(10, number relevant) relevant measures first.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUERIES = ROOT / "tests" / "search_eval" / "queries.json"
REPORT = ROOT / "fixtures" / "tabellbilaga-regionalt-utvecklingsarbete-2023.txt"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/insatskatalogen_search_quality"
K = 10

PG_SEARCH = """
    SELECT m.id
    FROM catalogue_measure m JOIN catalogue_region r ON r.id = m.region_id,
         websearch_to_tsquery('swedish', %(q)s) query
    WHERE query @@ (
        setweight(to_tsvector('swedish', m.name), 'A')
        || setweight(to_tsvector('swedish', m.description || ' ' || r.name || ' '
                                 || r.official_name), 'B')
        || setweight(to_tsvector('swedish', m.outputs || ' ' || m.effects), 'C')
        || setweight(to_tsvector('swedish', m.goals_text), 'D'))
    ORDER BY ts_rank('{0.2, 0.33, 0.5, 1.0}', (
        setweight(to_tsvector('swedish', m.name), 'A')
        || setweight(to_tsvector('swedish', m.description || ' ' || r.name || ' '
                                 || r.official_name), 'B')
        || setweight(to_tsvector('swedish', m.outputs || ' ' || m.effects), 'C')
        || setweight(to_tsvector('swedish', m.goals_text), 'D')), query) DESC, m.id
    LIMIT %(k)s
"""


def recall_at_k(ranked: list[int], relevant: set[int], k: int = K) -> float:
    return len(set(ranked[:k]) & relevant) / min(k, len(relevant))


def ndcg_at_k(ranked: list[int], relevant: set[int], k: int = K) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, doc in enumerate(ranked[:k]) if doc in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal


def load_queries(path: Path = QUERIES) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["queries"]


def prepare_database(url: str) -> None:
    """Create an empty database at `url` (dropping an old one), migrate and import the report."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("SEARCH_QUALITY_DB", DEFAULT_URL))
    parser.add_argument("--verbose", action="store_true", help="print each query's scores")
    args = parser.parse_args()

    prepare_database(args.database_url)
    index_dir = tempfile.mkdtemp(prefix="search-quality-")
    os.environ["DATABASE_URL"] = args.database_url
    os.environ["SEARCH_INDEX_DIR"] = index_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from catalogue import search
    from catalogue.models import Measure

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    call_command("import_report", str(REPORT), stdout=open(os.devnull, "w"))  # noqa: SIM115
    imported = time.perf_counter() - started
    started = time.perf_counter()
    count = search.rebuild()
    indexed = time.perf_counter() - started
    print(f"{count} measures imported ({imported:.1f} s) and indexed ({indexed:.1f} s)\n")

    by_line = dict(Measure.objects.values_list("source_line", "pk"))
    queries = load_queries()
    missing = {line for q in queries for line in q["relevant"] if line not in by_line}
    if missing:
        print(f"Judged lines that are no measure's source line: {sorted(missing)}")
        return 1

    scores: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    with connection.cursor() as cursor:
        for q in queries:
            relevant = {by_line[line] for line in q["relevant"]}
            ours = search.search(q["query"], limit=K).ids
            cursor.execute(PG_SEARCH, {"q": q["query"], "k": K})
            theirs = [row[0] for row in cursor.fetchall()]
            row = {
                "ours_recall": recall_at_k(ours, relevant),
                "ours_ndcg": ndcg_at_k(ours, relevant),
                "pg_recall": recall_at_k(theirs, relevant),
                "pg_ndcg": ndcg_at_k(theirs, relevant),
            }
            for kind in (q["kind"], "overall"):
                for metric, value in row.items():
                    scores[kind][metric].append(value)
            if args.verbose:
                print(
                    f"{q['kind']:14} {q['query']:28} ours R {row['ours_recall']:.2f} "
                    f"nDCG {row['ours_ndcg']:.2f} | pg R {row['pg_recall']:.2f} "
                    f"nDCG {row['pg_ndcg']:.2f}"
                )

    print(
        "| kind | queries | ours recall@10 | ours nDCG@10 | PostgreSQL recall@10 "
        "| PostgreSQL nDCG@10 |"
    )
    print("|---|---|---|---|---|---|")
    kinds = [*dict.fromkeys(q["kind"] for q in queries), "overall"]
    worse = []
    for kind in kinds:
        s = {metric: sum(v) / len(v) for metric, v in scores[kind].items()}
        n = len(scores[kind]["ours_recall"])
        print(
            f"| {kind} | {n} | {s['ours_recall']:.3f} | {s['ours_ndcg']:.3f} "
            f"| {s['pg_recall']:.3f} | {s['pg_ndcg']:.3f} |"
        )
        if s["ours_ndcg"] <= s["pg_ndcg"] or s["ours_recall"] < s["pg_recall"]:
            worse.append(kind)
    if worse:
        print(f"\nOurs does not beat PostgreSQL on: {', '.join(worse)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
