"""The search collects an Or as a tree of union matchers (engine._as_union_tree, for speed):
on the bundled report, the same hits with the same scores as Whoosh's own choice of matcher."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from whoosh import query as wq

from catalogue import search
from catalogue.models import Measure
from catalogue.search import engine, expansion, limits, storage
from catalogue.search import query as query_module
from tests.servers import REPORT

from .test_search import index_dir  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_union_tree_gives_the_same_hits_and_scores(index_dir):  # noqa: F811
    call_command("import_report", str(REPORT), "--no-index", stdout=StringIO())
    search.rebuild()
    texts = Measure.objects.values_list("name", "description")
    vocabulary = sorted({w.lower() for row in texts for t in row for w in re.findall(r"\w{4,}", t)})
    queries = vocabulary[::40] + [
        "studie- och yrkesvägledning",
        "bredband på landsbygden",
        '"smart specialisering"',
        "vätgas OR vindkraft",
        "kompetens -vård",
        "innov*",
    ]
    searcher = storage.searcher()
    reader = searcher.reader()
    meanings = engine._meanings(searcher)
    compared = with_or = 0
    for text in queries:
        q, _ = limits.expand_prefixes(query_module.parse(text), reader)
        if q is wq.NullQuery:
            continue
        wider, _ = expansion.expand(q, reader, meanings, query_module.parse)
        converted = wider.accept(engine._as_union_tree)
        with_or += converted != wider
        own = searcher.search(wider, limit=None)
        tree = searcher.search(converted, limit=None)
        assert [(hit.docnum, round(hit.score, 9)) for hit in own] == [
            (hit.docnum, round(hit.score, 9)) for hit in tree
        ], text
        compared += 1
    assert compared > 80
    assert with_or > 80  # the queries did have Or nodes to convert
