"""Hits scored term by term (catalogue.search.scoring) are Whoosh's: on the bundled report, the
same hits in the same order with the same scores as Whoosh's collector; and the time limit."""

import re
import time
from io import StringIO

import pytest
from django.core.management import call_command
from whoosh import query as wq
from whoosh.scoring import TF_IDF
from whoosh.searching import Searcher

from catalogue import search
from catalogue.models import Measure
from catalogue.search import engine, expansion, limits, scoring, storage
from catalogue.search import query as query_module
from tests.servers import REPORT

from .test_search import index_dir  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_the_same_hits_and_scores_as_whoosh(index_dir):  # noqa: F811
    call_command("import_report", str(REPORT), "--no-index", stdout=StringIO())
    search.rebuild()
    texts = Measure.objects.values_list("name", "description")
    vocabulary = sorted({w.lower() for row in texts for t in row for w in re.findall(r"\w{4,}", t)})
    queries = vocabulary[::40] + [
        "studie- och yrkesvägledning",
        "bredband på landsbygden",
        "kompetensförsörjning inom vården",
        "vätgas OR vindkraft",
        "innov*",
        "SMF",
        '"smart specialisering"',  # a phrase: Whoosh's
        "kompetens -vård",  # NOT: Whoosh's
    ]
    searcher = storage.searcher()
    reader = searcher.reader()
    meanings = engine._meanings(searcher)
    compared = left_to_whoosh = 0
    for text in queries:
        q, _ = limits.expand_prefixes(query_module.parse(text), reader)
        if q is wq.NullQuery:
            continue
        wider, _ = expansion.expand(q, reader, meanings, query_module.parse)
        if not scoring.supported(wider, searcher):
            left_to_whoosh += 1
            continue
        whoosh = [(hit.docnum, round(hit.score, 9)) for hit in searcher.search(wider, limit=None)]
        ours = [(docnum, round(score, 9)) for score, docnum in scoring.ranked(searcher, wider)]
        assert ours == whoosh, text
        compared += 1
    assert compared > 80
    assert left_to_whoosh == 2


def test_what_is_scored_here(index_dir):  # noqa: F811
    search.rebuild()
    searcher = storage.searcher()
    term = wq.Term("name", "vätgas")
    q = wq.Or([term, wq.And([term, wq.Term("exact", "mack")])], boost=2)
    assert scoring.supported(q, searcher)
    assert not scoring.supported(wq.Or([term, wq.Phrase("name", ["vätgas", "mack"])]), searcher)
    assert not scoring.supported(wq.And([term, wq.Not(term)]), searcher)
    assert not scoring.supported(wq.Or([term, term], scale=0.5), searcher)
    other = Searcher(searcher.reader(), weighting=TF_IDF())
    assert not scoring.supported(q, other)  # another weighting: Whoosh's collector


@pytest.fixture
def slow_terms(monkeypatch, settings):
    """Every term takes far longer than the time limit."""
    settings.SEARCH_TIME_LIMIT = 0.01
    term = scoring._Scoring.term

    def slow(self, q, into=None):
        found = term(self, q, into=into)
        time.sleep(0.05)
        return found

    monkeypatch.setattr(scoring._Scoring, "term", slow)


def test_out_of_time_an_or_keeps_the_terms_read(index_dir, slow_terms):  # noqa: F811
    call_command("import_report", str(REPORT), "--no-index", stdout=StringIO())
    search.rebuild()
    searcher = storage.searcher()
    first, second, third = (
        wq.Term("exact", w) for w in ("vätgas", "kompetensförsörjning", "turism")
    )
    everything = scoring.ranked(searcher, first)
    second_hits = {d for _, d in scoring.ranked(searcher, second)}
    third_hits = {d for _, d in scoring.ranked(searcher, third)}
    assert everything and second_hits and third_hits
    q = wq.Or([first, second, third])
    with pytest.raises(scoring.OutOfTime) as stop:
        scoring.ranked(searcher, q, timelimit=0.01)
    # The first term was read whole before the clock was read; the second, read after the
    # limit, is kept too (its postings are hits); the third was never read.
    assert set(stop.value.hits) == {d for _, d in everything} | second_hits


def test_out_of_time_an_and_has_no_hits(index_dir, slow_terms):  # noqa: F811
    call_command("import_report", str(REPORT), "--no-index", stdout=StringIO())
    search.rebuild()
    q = wq.And([wq.Term("exact", "vätgas"), wq.Term("exact", "region")])
    assert scoring.ranked(storage.searcher(), q)  # hits, when there is time
    with pytest.raises(scoring.OutOfTime) as stop:
        scoring.ranked(storage.searcher(), q, timelimit=0.01)
    assert stop.value.hits == {}


def test_the_page_says_the_search_was_cut_short(index_dir, slow_terms):  # noqa: F811
    call_command("import_report", str(REPORT), "--no-index", stdout=StringIO())
    search.rebuild()
    result = search.search("vätgas")
    assert result.notes.time_limited
    assert result.ids  # the hits of the terms read


def test_the_same_after_updates_and_deletes(index_dir):  # noqa: F811
    """The change log adds segments and deletes documents: still Whoosh's hits and scores."""
    call_command("import_report", str(REPORT), "--no-index", stdout=StringIO())
    search.rebuild()
    measures = list(Measure.objects.order_by("pk")[:40])
    for measure in measures[:20]:
        measure.description += " vätgas och laddinfrastruktur"
        measure.save()
    measures[20].delete()
    search.search("vätgas")  # applies the change log before it answers
    searcher = storage.searcher()
    assert len(searcher.reader().leaf_readers()) > 1 or searcher.reader().has_deletions()
    meanings = engine._meanings(searcher)
    for text in ("vätgas", "laddinfrastruktur", "kompetensförsörjning inom vården", "turism"):
        q, _ = limits.expand_prefixes(query_module.parse(text), searcher.reader())
        wider, _ = expansion.expand(q, searcher.reader(), meanings, query_module.parse)
        assert scoring.supported(wider, searcher)
        whoosh = [(hit.docnum, round(hit.score, 9)) for hit in searcher.search(wider, limit=None)]
        ours = [(docnum, round(score, 9)) for score, docnum in scoring.ranked(searcher, wider)]
        assert ours == whoosh, text


def test_the_documents_a_group_matches_and_scores_kept_for_a_query(index_dir):  # noqa: F811
    """engine._most_words reads each word group's documents from the scores (scoring.matching)
    and scores the Or of the groups from the groups' kept scores (`memo`): the documents
    Whoosh's matchers give, the scores as without the memo."""
    call_command("import_report", str(REPORT), "--no-index", stdout=StringIO())
    search.rebuild()
    searcher = storage.searcher()
    reader = searcher.reader()
    meanings = engine._meanings(searcher)
    for text in ["utlandsk arbetskraft", "digitala tjänster i glesbygd", "mat företag",
                 "kompetensförsörjning inom vården", "smart specialisering KKN"]:  # fmt: skip
        q, _ = limits.expand_prefixes(query_module.parse(text), reader)
        wider, _ = expansion.expand(q, reader, meanings, query_module.parse)
        groups = list(wider.children())
        assert len(groups) >= 2, text
        memo = {}
        tree = wider.accept(engine._as_union_tree)
        assert scoring.ranked(searcher, tree, memo=memo) == scoring.ranked(searcher, tree)
        for group in groups:
            docs = engine._matching(searcher, group, memo)
            assert set(docs) == set(searcher.docs_for_query(group)), text
        either = wq.Or(groups).accept(engine._as_union_tree)
        kept = scoring.ranked(searcher, either, memo=memo)
        assert kept == scoring.ranked(searcher, either), text
    phrase = query_module.parse('"smart specialisering"')
    assert set(engine._matching(searcher, phrase, {})) == set(searcher.docs_for_query(phrase))
