"""Sweep the search's weights on the development half and the regression set, in one process.

    .venv/bin/python bench/search_sweep.py [--database-url URL] [--set NAME=VALUE …]
        [--vary NAME=V1,V2,… …]

NAME is a module constant of catalogue.search (`expansion.COMPOUND_BOOST`), an entry of a dict
constant (`indexing.FIELD_BOOSTS.goals_text`), or `bm25.K1` / `bm25.B` (the searcher's BM25F
parameters, set on each new searcher); VALUE a number, or `none` to drop a dict entry. `--set`
changes the base; each `--vary` is tried value by value from the base, one parameter at a time
(coordinate descent by hand), and a row is printed per setting: recall@10
and nDCG@10 on the development half and on the regression set, and their change from the base.
The weights are query-time settings: the index is built once (as bench/search_misses.py does);
between settings the searcher, the kept results and the parsed queries are forgotten. The test
half is not offered: never tune on it. `--changed` lists the queries each setting moved;
`--condensed` scores with the unjudged measures left out of each ranking (the regression set was
judged before most of the search's expansions: a measure it never read counts as not relevant).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search_judged import (  # noqa: E402
    grades,
    load_half,
    load_regression,
    ndcg_at_k,
    recall_at_k,
    scored,
)
from bench.search_misses import ranked_lines, setup  # noqa: E402
from bench.search_quality import DEFAULT_URL  # noqa: E402

BM25 = {}  # "K1"/"B" → value, set on each new searcher


def _target(name: str):
    """(object, key, is_dict) that NAME names."""
    parts = name.split(".")
    if parts[0] == "bm25":
        return BM25, parts[1], True
    module = importlib.import_module(f"catalogue.search.{parts[0]}")
    if len(parts) == 2:
        return module, parts[1], False
    return getattr(module, parts[1]), parts[2], True


def _get(name: str):
    obj, key, is_dict = _target(name)
    return obj.get(key) if is_dict else getattr(obj, key)


def _put(name: str, value) -> None:
    obj, key, is_dict = _target(name)
    if is_dict:
        if value is None:
            obj.pop(key, None)
        else:
            obj[key] = value
    else:
        setattr(obj, key, value)


def apply(settings: dict[str, float | None]) -> dict[str, float | None]:
    """Set these values; returns the values they replaced (to restore)."""
    old = {}
    for name, value in settings.items():
        old[name] = _get(name)
        _put(name, value)
    _refresh()
    return old


def _refresh() -> None:
    """Forget what was computed from the constants: the parser's field boosts, parsed terms,
    the searcher (its BM25F parameters) and kept results."""
    from catalogue.search import engine, indexing, storage, thesaurus
    from catalogue.search import query as query_module

    query_module._FIELD_BOOSTS = indexing.FIELD_BOOSTS | indexing.FOLDED_BOOSTS
    query_module._PARSER = query_module._parser(query_module._FIELD_BOOSTS)
    query_module._ANALYSED_AS = query_module._same_analysis()
    thesaurus._parsed_cached.cache_clear()
    engine.reset()
    weighting = storage.searcher().weighting
    for key, value in BM25.items():
        setattr(weighting, key, value)


CONDENSED = False  # --condensed: unjudged measures left out of each ranking before scoring


def evaluate(search, measures, queries) -> tuple[float, float, dict]:
    """Mean recall@10 and nDCG@10 over the scored queries, and per query."""
    per_query = {}
    for q in scored(queries):
        lines, _ = ranked_lines(search, measures, q)
        graded = grades(q)
        if CONDENSED:
            lines = [line for line in lines if line in graded]
        per_query[q["id"]] = (recall_at_k(lines, graded), ndcg_at_k(lines, graded))
    n = len(per_query)
    recall = sum(p[0] for p in per_query.values()) / n
    ndcg = sum(p[1] for p in per_query.values()) / n
    return recall, ndcg, per_query


def _value(text: str):
    return None if text == "none" else float(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("SEARCH_QUALITY_DB", DEFAULT_URL))
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--vary", action="append", default=[], metavar="NAME=V1,V2")
    parser.add_argument("--changed", action="store_true", help="list the queries that moved")
    parser.add_argument(
        "--condensed", action="store_true",
        help="score judged measures only (a ranking with its unjudged measures left out: how "
        "much of a change is measures no judge has read)",
    )  # fmt: skip
    args = parser.parse_args()
    global CONDENSED
    CONDENSED = args.condensed

    search, measures = setup(args.database_url)
    halves = {"dev": load_half("dev"), "reg": load_regression()}
    base = {s.split("=")[0]: _value(s.split("=")[1]) for s in args.set}
    apply(base)

    def run() -> dict:
        return {h: evaluate(search, measures, qs) for h, qs in halves.items()}

    print("setting                                   dev R   dev N   reg R   reg N   "
          "ΔdevR  ΔdevN  ΔregR  ΔregN")  # fmt: skip
    first = run()
    _row("base " + " ".join(args.set), first, first)
    for vary in args.vary:
        name, values = vary.split("=")
        for text in values.split(","):
            old = apply({name: _value(text)})
            found = run()
            _row(f"{name}={text}", found, first)
            if args.changed:
                _moved(found, first)
            apply(old)
    return 0


def _row(label: str, found: dict, first: dict) -> None:
    figures = [found[h][i] for h in ("dev", "reg") for i in (0, 1)]
    deltas = [found[h][i] - first[h][i] for h in ("dev", "reg") for i in (0, 1)]
    print(f"{label[:40]:40} " + " ".join(f"{f:7.3f}" for f in figures) + " "
          + " ".join(f"{d:+6.3f}" for d in deltas), flush=True)  # fmt: skip


def _moved(found: dict, first: dict) -> None:
    for half in ("dev", "reg"):
        for qid, pair in found[half][2].items():
            was = first[half][2][qid]
            if abs(pair[0] - was[0]) > 1e-9 or abs(pair[1] - was[1]) > 1e-9:
                print(f"      {qid:22} R {was[0]:.2f}→{pair[0]:.2f}  N {was[1]:.2f}→{pair[1]:.2f}")


if __name__ == "__main__":
    sys.exit(main())
