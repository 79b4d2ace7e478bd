"""The judged query set of the search evaluation: loading, the development/test split, metrics.

The set lives in tests/search_eval/: `dev.json` (the development half: tune on it) and
`test.json` (the test half: report on it, never tune on it), plus the old `queries.json` kept as a
regression set. Each query has a kind, an optional region filter and judgments by measure key
(the source line of the bundled report, with the start of the measure's name as a check), graded
0 (not relevant), 1 (partly: the subject is one part of what the measure does) and 2 (clearly: the
subject is what the measure is about). Pure Python: no Django, so tests and tools share it.
"""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = ROOT / "tests" / "search_eval"
HALVES = {"dev": EVAL_DIR / "dev.json", "test": EVAL_DIR / "test.json"}
REGRESSION = EVAL_DIR / "queries.json"
SPLIT_SEED = 20261201
K = 10


def split(queries: list[dict], *, seed: int = SPLIT_SEED) -> dict[str, list[str]]:
    """Query ids of each half: within each kind, ids sorted then shuffled with `seed`; the
    shuffled ids alternate test, dev, test, … (the test half gets the odd one out)."""
    halves: dict[str, list[str]] = {"dev": [], "test": []}
    kinds = sorted({q["kind"] for q in queries})
    rng = random.Random(seed)
    for kind in kinds:
        ids = sorted(q["id"] for q in queries if q["kind"] == kind)
        rng.shuffle(ids)
        for i, query_id in enumerate(ids):
            halves["test" if i % 2 == 0 else "dev"].append(query_id)
    return {half: sorted(ids) for half, ids in halves.items()}


def load_half(half: str, *, until_round: int | None = None) -> list[dict]:
    """The queries of a half; with `until_round`, only the judgments of that pooling round and
    earlier (round-1 judgments have no "round"), to compare with figures of an earlier pool."""
    queries = json.loads(HALVES[half].read_text(encoding="utf-8"))["queries"]
    if until_round is not None:
        for q in queries:
            q["judgments"] = [j for j in q["judgments"] if j.get("round", 1) <= until_round]
    return queries


def load_regression() -> list[dict]:
    """The old 36 queries as judged ones: every listed line is clearly relevant (grade 2)."""
    return [
        {
            "id": f"old-{i:02d}",
            "query": q["query"],
            "kind": q["kind"],
            "region": None,
            "grades": dict.fromkeys(q["relevant"], 2),
        }
        for i, q in enumerate(json.loads(REGRESSION.read_text(encoding="utf-8"))["queries"], 1)
    ]


def grades(query: dict) -> dict[int, int]:
    """Source line → grade of the judged measures of one query of dev.json or test.json."""
    if "grades" in query:
        return query["grades"]
    return {j["line"]: j["grade"] for j in query["judgments"]}


def recall_at_k(ranked: list[int], graded: dict[int, int], k: int = K) -> float:
    """Relevant (grade ≥ 1) in the top k / min(k, number relevant): a perfect top k scores 1
    even when more than k measures are relevant."""
    relevant = {key for key, grade in graded.items() if grade > 0}
    return len(set(ranked[:k]) & relevant) / min(k, len(relevant))


def ndcg_at_k(ranked: list[int], graded: dict[int, int], k: int = K) -> float:
    """Graded nDCG: gain 2^grade − 1 (clearly relevant 3, partly 1), log2 discount."""
    gain = {key: 2**grade - 1 for key, grade in graded.items()}
    dcg = sum(gain.get(doc, 0) / math.log2(i + 2) for i, doc in enumerate(ranked[:k]))
    best = sorted(gain.values(), reverse=True)[:k]
    ideal = sum(g / math.log2(i + 2) for i, g in enumerate(best))
    return dcg / ideal


def scored(queries: list[dict]) -> list[dict]:
    """The queries that can be scored: at least one measure judged relevant."""
    return [q for q in queries if any(g > 0 for g in grades(q).values())]
