"""Search quality: our search beside PostgreSQL `swedish` and SQLite FTS5, on judged queries.

Imports the bundled report into a fresh PostgreSQL database (the real `import_report` command),
builds our index in a temporary folder, runs the judged queries through the three engines and
prints recall@10 and nDCG@10 per kind of query and overall, as Markdown tables: the test half
(tests/search_eval/test.json, the figures to report), the development half (dev.json, the one to
tune on) and the old 36 queries (queries.json, a regression set).

    .venv/bin/python bench/search_quality.py [--database-url URL] [--half test|dev|regression]
                                             [--verbose]

The database (default: insatskatalogen_search_quality on the local server, or $SEARCH_QUALITY_DB)
is dropped and created: give each developer's run its own name.

The engines, each asked for its whole ranking; a query with a region filter keeps that region's
measures of it (as the search page's region facet does), then the top 10 count:
- ours: `catalogue.search.search(query).ids`;
- PostgreSQL: to_tsvector('swedish', …) per field with the weights of our fields (name A,
  description and region B, outputs and effects C, goals D; ts_rank weights {0.2, 0.33, 0.5, 1.0}),
  websearch_to_tsquery('swedish', query) (quotes make phrases), ts_rank order;
- SQLite FTS5: one row per measure, tokenizer unicode61 with diacritics removed (so å/ä/ö fold,
  no stemming), every query word must match (quoted phrases as phrases), bm25 order with column
  weights in the same proportions.
Metrics: bench/search_judged.py (recall counts grade ≥ 1 as relevant; nDCG is graded).
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
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

REPORT = ROOT / "fixtures" / "tabellbilaga-regionalt-utvecklingsarbete-2023.txt"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/insatskatalogen_search_quality"
ENGINES = ("ours", "postgres", "fts5")

PG_VECTOR = """(
    setweight(to_tsvector('swedish', m.name), 'A')
    || setweight(to_tsvector('swedish', m.description || ' ' || r.name || ' '
                             || r.official_name), 'B')
    || setweight(to_tsvector('swedish', m.outputs || ' ' || m.effects), 'C')
    || setweight(to_tsvector('swedish', m.goals_text), 'D'))"""
PG_SEARCH = f"""
    SELECT m.source_line
    FROM catalogue_measure m JOIN catalogue_region r ON r.id = m.region_id,
         websearch_to_tsquery('swedish', %(q)s) query
    WHERE query @@ {PG_VECTOR}
    ORDER BY ts_rank('{{0.2, 0.33, 0.5, 1.0}}', {PG_VECTOR}, query) DESC, m.id
"""
FTS5_COLUMNS = ("name", "description", "region", "outputs", "effects", "goals")
FTS5_WEIGHTS = (10.0, 5.0, 5.0, 3.3, 3.3, 2.0)  # bm25 column weights, as A, B, B, C, C, D


def fts5_query(text: str) -> str:
    """The query in FTS5 syntax: quoted phrases stay phrases, every other word is quoted (so
    hyphens and other operators cannot break it) and all must match."""
    parts = []
    for phrase, word in re.findall(r'"([^"]*)"|([^\s"]+)', text):
        words = re.findall(r"\w+", phrase or word)
        if words:
            parts.append('"' + " ".join(words) + '"')
    return " ".join(parts)


class Fts5:
    """An in-memory FTS5 table of the measures, keyed by source line."""

    def __init__(self, rows: list[tuple]):
        self.db = sqlite3.connect(":memory:")
        columns = ", ".join(FTS5_COLUMNS)
        self.db.execute(
            f"CREATE VIRTUAL TABLE measure USING fts5({columns}, "
            "tokenize='unicode61 remove_diacritics 2')"
        )
        self.db.executemany(
            f"INSERT INTO measure(rowid, {columns}) VALUES (?, ?, ?, ?, ?, ?, ?)", rows
        )

    def search(self, text: str) -> list[int]:
        match = fts5_query(text)
        if not match:
            return []
        weights = ", ".join(str(w) for w in FTS5_WEIGHTS)
        return [
            row[0]
            for row in self.db.execute(
                f"SELECT rowid FROM measure WHERE measure MATCH ? "
                f"ORDER BY bm25(measure, {weights}), rowid",
                (match,),
            )
        ]


def prepare_database(url: str) -> None:
    """Create an empty database at `url`, dropping an old one of that name."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup(url: str) -> tuple[dict[str, Callable[[str], list[int]]], dict[int, dict]]:
    """Import the report into a fresh database at `url`, build our index; return the engines
    (query → source lines, best first) and the measures by source line."""
    prepare_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["SEARCH_INDEX_DIR"] = tempfile.mkdtemp(prefix="search-quality-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
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

    measures = {
        m["source_line"]: m
        for m in Measure.objects.values(
            "pk", "source_line", "name", "description", "outputs", "effects", "goals_text",
            "region__name", "region__official_name",
        )
    }  # fmt: skip
    line_of = {m["pk"]: line for line, m in measures.items()}
    fts5 = Fts5(
        [
            (line, m["name"], m["description"],
             f"{m['region__name']} {m['region__official_name']}",
             m["outputs"], m["effects"], m["goals_text"])
            for line, m in measures.items()
        ]
    )  # fmt: skip

    def ours(text: str) -> list[int]:
        return [line_of[pk] for pk in search.search(text).ids]

    def postgres(text: str) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(PG_SEARCH, {"q": text})
            return [row[0] for row in cursor.fetchall()]

    return {"ours": ours, "postgres": postgres, "fts5": fts5.search}, measures


def ranking(engine, query: dict, measures: dict[int, dict]) -> list[int]:
    """The engine's source lines for the query, kept to the query's region if it has one."""
    lines = engine(query["query"])
    if query.get("region"):
        lines = [line for line in lines if measures[line]["region__name"] == query["region"]]
    return lines


def evaluate(queries, engines, measures, *, verbose: bool = False) -> dict:
    """Per kind and overall: per engine, mean recall@10 and nDCG@10."""
    scores: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for q in scored(queries):
        graded = grades(q)
        row = {}
        for name in ENGINES:
            ranked = ranking(engines[name], q, measures)[:K]
            row[f"{name} R"] = recall_at_k(ranked, graded)
            row[f"{name} nDCG"] = ndcg_at_k(ranked, graded)
            row[f"{name} unjudged"] = sum(line not in graded for line in ranked)
        for kind in (q["kind"], "overall"):
            for metric, value in row.items():
                scores[kind][metric].append(value)
        if verbose:
            figures = " | ".join(
                f"{name} {row[f'{name} R']:.2f} {row[f'{name} nDCG']:.2f}" for name in ENGINES
            )
            region = f" [{q['region']}]" if q.get("region") else ""
            print(f"{q['id']:22} {q['query'] + region:42} {figures}")
    return scores


def table(scores: dict) -> str:
    head = "| kind | queries | " + " | ".join(
        f"{name} recall@10 | {name} nDCG@10" for name in ENGINES
    )
    lines = [head + " |", "|---|---:|" + "---:|" * (2 * len(ENGINES))]
    kinds = [*sorted(k for k in scores if k != "overall"), "overall"]
    for kind in kinds:
        s = {metric: sum(v) / len(v) for metric, v in scores[kind].items()}
        n = len(scores[kind]["ours R"])
        cells = " | ".join(f"{s[f'{name} R']:.3f} | {s[f'{name} nDCG']:.3f}" for name in ENGINES)
        name = f"**{kind}**" if kind == "overall" else kind
        lines.append(f"| {name} | {n} | {cells} |")
    return "\n".join(lines)


def goal_check(scores: dict) -> list[str]:
    """What keeps our figures from the goal (recall@10 ≥ 0.90, nDCG@10 ≥ 0.85 overall; no kind
    below 0.80 in either)."""
    mean = {k: {m: sum(v) / len(v) for m, v in s.items()} for k, s in scores.items()}
    misses = []
    if mean["overall"]["ours R"] < 0.90:
        misses.append(f"overall recall@10 {mean['overall']['ours R']:.3f} < 0.90")
    if mean["overall"]["ours nDCG"] < 0.85:
        misses.append(f"overall nDCG@10 {mean['overall']['ours nDCG']:.3f} < 0.85")
    for kind, s in sorted(mean.items()):
        low = [m for m in ("ours R", "ours nDCG") if s[m] < 0.80]
        if kind != "overall" and low:
            misses.append(f"{kind}: " + ", ".join(f"{m[5:]} {s[m]:.3f}" for m in low))
    return misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("SEARCH_QUALITY_DB", DEFAULT_URL))
    parser.add_argument(
        "--half", action="append", choices=["test", "dev", "regression"],
        help="which set(s) to score (default: all three)",
    )  # fmt: skip
    parser.add_argument("--verbose", action="store_true", help="print each query's scores")
    parser.add_argument(
        "--until-round", type=int, metavar="N",
        help="only the judgments of pooling rounds 1..N (tests/search_eval/README.md)",
    )  # fmt: skip
    args = parser.parse_args()

    engines, measures = setup(args.database_url)
    titles = {
        "test": "Test half (tests/search_eval/test.json): the figures to report",
        "dev": "Development half (tests/search_eval/dev.json): the one to tune on",
        "regression": "Regression set (tests/search_eval/queries.json, the old 36)",
    }
    for half in args.half or ["test", "dev", "regression"]:
        if half == "regression":
            queries = load_regression()
        else:
            queries = load_half(half, until_round=args.until_round)
        unknown = {line for q in queries for line in grades(q) if line not in measures}
        if unknown:
            print(f"Judged lines that are no measure's source line: {sorted(unknown)}")
            return 1
        print(f"### {titles[half]}\n")
        scores = evaluate(queries, engines, measures, verbose=args.verbose)
        print(table(scores))
        if half != "regression":
            unjudged = ", ".join(
                f"{name} {sum(scores['overall'][f'{name} unjudged'])}" for name in ENGINES
            )
            print(f"\nMeasures in the top 10s never judged (counted not relevant): {unjudged}")
            misses = goal_check(scores)
            print("\nGoal " + ("met." if not misses else "not met: " + "; ".join(misses) + "."))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
