"""Bounded search work (issue 13): no query, however written, may cost more than a small budget.

The limits are structural (what the rewritten query may hold), so they are asserted here over a
corpus of hostile queries; the timings are measured in bench/hostile_search.py.
"""

import re
import time

import pytest
from whoosh import query as wq
from whoosh.collectors import WrappingCollector
from whoosh.searching import Searcher

from catalogue import search
from catalogue.search import indexing, scoring, storage
from catalogue.search import limits as query_limits
from catalogue.search import query as query_module
from catalogue.search.limits import MAX_DEPTH, MAX_EXPANSION, MAX_PREFIXES, MAX_TERMS, MAX_WORD

from .test_search import index, index_dir, measures  # noqa: F401 (fixtures)

HOSTILE = [
    "?* ??* ???* ????* ?????* ??????* ???????* ????????* ?????????* ??????????*",
    "*e* *a*",
    "**********",
    "*",
    "?",
    "a*",
    "ab*",
    "*tion",
    "kompe?ens",
    "k*mpetens",
    "ko**",
    '"vind* kraft?"',
    "((((((((((vatten))))))))))",
    "(" * 40 + "a" + ")" * 40,
    "(a OR (b OR (c OR (d OR (e OR f)))))",
    " ".join(["utveckling"] * 200),
    " OR ".join(f"ord{i}" for i in range(100)),
    " ".join(f"{chr(97 + i % 26) * 3}*" for i in range(40)),
    "x" * 5000,
    "vätgas" * 80 + "*",
    '"' + " ".join(["regional"] * 50) + '"',
    "-a* -b* NOT c* INTE ddd*",
    "\u202e*\u200b?*",
]


def _depth(text: str) -> int:
    depth = deepest = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        deepest = max(deepest, depth)
    return deepest


@pytest.mark.parametrize("query", HOSTILE)
def test_bound_keeps_only_trailing_wildcards_and_caps_terms_depth_and_words(query):
    text = query_limits.bound(query).text
    assert "?" not in text
    for star in re.finditer(r"\*", text):
        before = re.search(r"(\w*)\*+$", text[: star.end()])
        after = text[star.end() : star.end() + 1]
        assert len(before.group(1)) >= query_limits.MIN_PREFIX, text
        assert after in ("", " ", ")", '"'), text
    assert text.count("*") <= MAX_PREFIXES
    words = [w for w in re.findall(r"\w+", text) if w not in query_limits.OPERATORS]
    assert len(words) <= MAX_TERMS
    assert all(len(w) <= MAX_WORD for w in words)
    assert _depth(text) <= MAX_DEPTH


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kompet*", "kompet*"),
        ("vind kraft*", "vind kraft*"),
        ("*e* *a*", "e a"),
        ("?* ??*", ""),
        ("ab*", "ab"),
        ("k*mpetens", "k mpetens"),
        ("(vatten OR (el AND nät))", "(vatten OR (el AND nät))"),
        ("((((vatten))))", "vatten"),
        ("-vind*", "-vind*"),
    ],
)
def test_bound_rewrites(query, expected):
    assert query_limits.bound(query).text == expected


def test_bound_says_what_it_changed():
    assert not query_limits.bound("kompetensförsörjning i Halland").changed
    assert query_limits.bound("*e*").wildcards_dropped
    many = " ".join(f"ord{i}" for i in range(20))
    assert query_limits.bound(many).terms_dropped == 20 - MAX_TERMS
    assert query_limits.bound("turism energi turism TURISM").text == "turism energi"
    assert query_limits.bound("turism OR energi OR turism").text == "turism OR energi OR turism"
    assert query_limits.bound("(" * 5 + "a" + ")" * 5).groups_flattened
    assert query_limits.bound("a" * 100).words_shortened


def _leaves(q):
    if q.is_leaf():
        yield q
        return
    for child in q.children():
        yield from _leaves(child)


@pytest.mark.parametrize("query", HOSTILE)
def test_parsed_hostile_queries_hold_no_pattern_and_few_terms(index, query):  # noqa: F811
    searcher = storage.searcher()
    text = query_limits.bound(query).text
    if not search.is_well_formed(text):
        text = query_module.plain_words(text)
    q, _ = query_limits.expand_prefixes(query_module.parse(text), searcher.reader())
    leaves = list(_leaves(q))
    assert not any(isinstance(leaf, (wq.Prefix, wq.Wildcard, wq.Regex)) for leaf in leaves)
    fields = len(indexing.FIELD_BOOSTS) + len(indexing.FOLDED_BOOSTS)
    assert len(leaves) <= fields * (MAX_TERMS + MAX_PREFIXES * MAX_EXPANSION)


def test_a_prefix_expands_to_at_most_its_cap(index):  # noqa: F811
    reader = storage.searcher().reader()
    q, capped = query_limits.expand_prefixes(wq.Prefix("exact", "k"), reader)
    assert not capped  # the small index has few words with k
    assert all(isinstance(leaf, wq.Term) for leaf in _leaves(q))
    original = query_limits.MAX_EXPANSION
    try:
        query_limits.MAX_EXPANSION = 1
        q, capped = query_limits.expand_prefixes(wq.Prefix("exact", "k"), reader)
    finally:
        query_limits.MAX_EXPANSION = original
    assert capped and isinstance(q, wq.Term)


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_answer_and_say_they_were_simplified(index, query):  # noqa: F811
    result = search.search(query)
    assert result.available
    assert result.notes.simplified


def test_ordinary_query_is_not_marked(index):  # noqa: F811
    result = search.search("vindkraft")
    notes = result.notes
    assert result.ids
    assert not (notes.simplified or notes.prefix_capped or notes.time_limited or notes.rate_limited)


def test_a_prefix_still_finds(index):  # noqa: F811
    assert index["vind"].pk in search.search("vindkraft*").ids


class _Slow(WrappingCollector):
    def collect(self, sub_docnum):
        time.sleep(0.3)  # far beyond the limit, even when a loaded machine runs the timer late
        return self.child.collect(sub_docnum)


def test_collection_stops_at_the_time_limit_with_the_hits_so_far(index, settings, monkeypatch):  # noqa: F811
    """Whoosh's collector (a query scoring.py does not score, e.g. a phrase; the time limit of
    scoring.py itself: tests/catalogue/test_search_scoring.py)."""
    settings.SEARCH_TIME_LIMIT = 0.01
    monkeypatch.setattr(scoring, "supported", lambda q, searcher: False)
    collector = Searcher.collector
    monkeypatch.setattr(Searcher, "collector", lambda self, **kw: _Slow(collector(self, **kw)))
    result = search.search("service")
    assert result.notes.time_limited
    assert 1 <= len(result.ids) < 3  # three measures mention service


def test_the_list_page_says_so(client, index):  # noqa: F811
    page = client.get("/insatser/", {"q": "*e* ?*"}).content.decode()
    assert "Frågan förenklades" in page


def test_an_address_gets_a_budget_of_uncached_searches(client, index, settings):  # noqa: F811
    from django.core.cache import caches

    settings.SEARCH_RATE_LIMIT, settings.SEARCH_RATE_WINDOW = 2, 3600
    caches["shared"].delete(f"search-rate:127.0.0.1:{int(time.time() // 3600)}")
    for query in ("vatten", "vindkraft", "vatten"):  # the second "vatten" is a cached answer
        assert "Många nya sökningar" not in client.get("/insatser/", {"q": query}).content.decode()
    page = client.get("/insatser/", {"q": "service"}).content.decode()
    assert "Många nya sökningar" in page
    assert search.search("service").ids  # outside a request nothing is counted
