"""The judged query set: its shape, and our search's quality on the bundled report.

bench/search_quality.py prints the full comparison with PostgreSQL's `swedish` search.
"""

import json
import math
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from catalogue import search
from catalogue.models import Measure

QUERIES = Path(__file__).with_name("queries.json")
REPORT = settings.BASE_DIR / "fixtures" / "tabellbilaga-regionalt-utvecklingsarbete-2023.txt"
KINDS = {"simple", "inflected", "compound_part", "phrase", "no_diacritics", "organisation"}
K = 10


def queries():
    return json.loads(QUERIES.read_text(encoding="utf-8"))["queries"]


def ndcg(ranked, relevant):
    dcg = sum(1 / math.log2(i + 2) for i, doc in enumerate(ranked[:K]) if doc in relevant)
    return dcg / sum(1 / math.log2(i + 2) for i in range(min(K, len(relevant))))


def recall(ranked, relevant):
    return len(set(ranked[:K]) & relevant) / min(K, len(relevant))


def test_query_set_covers_every_kind():
    judged = queries()
    assert len(judged) >= 30
    kinds = Counter(q["kind"] for q in judged)
    assert set(kinds) == KINDS and min(kinds.values()) >= 5, kinds
    assert len({q["query"] for q in judged}) == len(judged)


def test_judged_lines_are_table_rows_of_the_report():
    lines = REPORT.read_text(encoding="utf-8").split("\n")
    for q in queries():
        assert q["relevant"] and len(set(q["relevant"])) == len(q["relevant"]), q
        for number in q["relevant"]:
            assert "\t" in lines[number - 1], (q["query"], number)


@pytest.mark.slow
@pytest.mark.django_db
def test_search_quality_on_the_bundled_report(tmp_path, settings):
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    search.reset()
    call_command("import_report", str(REPORT), stdout=open("/dev/null", "w"))  # noqa: SIM115
    search.rebuild()
    by_line = dict(Measure.objects.values_list("source_line", "pk"))
    scores = defaultdict(list)
    for q in queries():
        relevant = {by_line[line] for line in q["relevant"]}  # KeyError: not a measure's line
        ranked = search.search(q["query"], limit=K).ids
        scores[q["kind"]].append((recall(ranked, relevant), ndcg(ranked, relevant)))
    search.reset()
    for kind, values in scores.items():
        mean_recall = sum(r for r, _ in values) / len(values)
        mean_ndcg = sum(n for _, n in values) / len(values)
        # Floors well under the measured figures (bench/search_quality.py), to catch regressions.
        assert mean_recall >= 0.85 and mean_ndcg >= 0.85, (kind, mean_recall, mean_ndcg)
