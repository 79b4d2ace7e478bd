"""One search: from the user's text to ranked ids, excerpts and what the page says about it.

    text → limits.bound (structural limits) → coordinations written out → query.parse →
    limits.expand_prefixes → expansion.expand (compounds, parts, abbreviations) → collected
    within the time limit → ranked ids (for a quoted phrase, then its words apart); then the
    measures that the query's related terms of the field find (catalogue.search.thesaurus:
    about the whole query's subject, so before those with only some of its words); then, for a
    query of several plain words, the measures with most of the words; then at most 20 measures
    that share the telling words of the best hits (catalogue.search.near).

The results of recent queries are kept with the searcher that found them
(`storage.KeptResults`): asked again before the index changes, a query costs no search, and its
excerpts already made are reused.
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from django.conf import settings
from whoosh import query as wq
from whoosh.collectors import TimeLimit

from catalogue.search import (
    abbreviations,
    changes,
    compounds,
    expansion,
    indexing,
    limits,
    phrases,
    scoring,
    storage,
    thesaurus,
)
from catalogue.search import query as query_module
from catalogue.search.excerpts import EXPANDED, Highlights, Matcher
from catalogue.search.near import near_hits
from catalogue.search.suggestions import english_hints, only_stop_words, suggest
from catalogue.search.words import has_swedish_letters

logger = logging.getLogger(__name__)

# The measures with most (not all) of a query's words are listed after those with all of them
# when fewer than this many have all: a second search, worth it only when few hits are found.
MOST_WORDS_BELOW = 50
# ... and for queries of at most this many words (the count per word is a search of its own).
MOST_WORDS_MAX_WORDS = 5
# A quoted phrase is followed by the measures with most of its words only when it and its words
# apart find fewer than this many: the user asked for the words together.
PHRASE_MOST_WORDS_BELOW = 10


@dataclass(frozen=True)
class SearchNotes:
    """What the list page says about how a query was searched (search_notes.html)."""

    simplified: bool = False  # rewritten within the limits: wildcards, terms or groups dropped
    prefix_capped: bool = False  # a prefix ("komp*") matched more words than it was given
    time_limited: bool = False  # collection ran out of time: the hits found so far
    rate_limited: bool = False  # this address ran too many new searches: not searched
    stop_words_only: bool = False  # "och": nothing to search for
    english: tuple[tuple[str, str], ...] = ()  # (English word, Swedish word) in the query
    all_words: int | None = None  # hits with every word, when hits with most of them follow
    most_words: int = 0  # hits with most (not all) of the words, after those
    phrase_hits: int | None = None  # hits of a quoted phrase, when those of its words follow
    phrase_words: int = 0  # hits with its words (all, then most), not as a phrase, after those
    expanded: bool = False  # compounds, parts or abbreviations were searched too
    abbreviations: tuple[tuple[str, str], ...] = ()  # (abbreviation, meaning) searched
    # Each hyphen coordination as searched: ("studievägledning", "yrkesvägledning") for "studie-
    # och yrkesvägledning", ("hotell", "restaurang") for "hotell- och restaurangbranschen".
    coordinations: tuple[tuple[str, ...], ...] = ()
    near_after: int | None = None  # hits of the query, when near hits follow (near.py)
    near: int = 0  # near hits: measures with the telling words of the best hits, after those
    near_words: tuple[str, ...] = ()  # those words
    related_after: int | None = None  # hits of the query, when related-term hits follow
    related: int = 0  # hits through related terms of the field (thesaurus.py), after those
    related_terms: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (query words, terms added)
    corrected_from: str | None = None  # nothing was found for this text: hits of `suggestion`


@dataclass
class SearchResult:
    ids: list[int] = field(default_factory=list)  # ranked, best first
    highlights: Mapping[int, str] = field(default_factory=dict)  # safe HTML with <mark>
    suggestion: str | None = None  # "did you mean", a whole query
    available: bool = True
    parsed_ok: bool = True
    notes: SearchNotes = field(default_factory=SearchNotes)


def search(query: str, *, limit: int | None = None) -> SearchResult:
    """Ranked measure ids for a Swedish query, with excerpts, "did you mean" and notes."""
    text = (query or "").strip()
    if not text:
        return SearchResult(available=storage.index_exists())
    try:
        changes.catch_up()
    except Exception:  # the index answers as it is; a rebuild repairs it
        logger.exception("Applying the search change log failed")
    try:
        searcher = storage.searcher()
    except storage.SearchUnavailable:
        return SearchResult(available=False)
    key = (text, limit)
    result = _results.get(searcher, key)
    if result is None:
        if not limits.spend():
            return SearchResult(notes=SearchNotes(rate_limited=True))
        try:
            result = _search(searcher, text, limit)
        except Exception:  # an unreadable index must not break the pages
            logger.exception("Search failed for %r", text)
            reset()
            return SearchResult(available=False)
        _results.put(searcher, key, result)
    return result


def _search(searcher, text: str, limit: int | None, *, corrected: bool = False) -> SearchResult:
    bounded = limits.bound(text)
    text = bounded.text
    notes = SearchNotes(simplified=bounded.changed, english=tuple(english_hints(text)))
    if not text:
        return SearchResult(notes=notes)
    reader = searcher.reader()
    parsed_ok = query_module.is_well_formed(text)
    if not parsed_ok:
        text = query_module.plain_words(text)
    known = _known_word(reader)
    together = compounds.found_together(reader)
    readings: list[tuple[str, ...]] = []
    rewritten = compounds.rewrite_coordinations(
        text, known, parts=True, together=together, readings=readings
    )
    if readings:
        notes = replace(notes, coordinations=tuple(readings))
    try:
        q = query_module.parse(rewritten)
    except Exception:  # a bad query is searched as plain words
        logger.info("Unparseable query %r, searching its words", text, exc_info=True)
        parsed_ok = False
        text = rewritten = query_module.plain_words(text)
        q = query_module.parse(text)
    q, capped = limits.expand_prefixes(q, reader)
    notes = replace(notes, prefix_capped=capped)
    if q is wq.NullQuery:  # nothing but stop words, or wildcards that matched nothing
        notes = replace(notes, stop_words_only=only_stop_words(text))
        return SearchResult(parsed_ok=parsed_ok, suggestion=suggest(searcher, text), notes=notes)

    meanings = _meanings(searcher)
    wider, expanded = expansion.expand(q, reader, meanings, query_module.parse)
    memo = {} if isinstance(wider, wq.And) else None  # the word groups' scores: _most_words
    results, timed_out = _collect(searcher, wider, limit, memo)
    hits = _ranked_ids(searcher, results)
    notes = replace(
        notes,
        time_limited=timed_out,
        expanded=bool(expanded),
        abbreviations=tuple(dict.fromkeys(expanded.abbreviations)),
    )
    if _one_phrase(text) and len(hits) < MOST_WORDS_BELOW and not timed_out:
        loose = _phrase_words(searcher, text, {pk for pk, _ in hits}, limit, meanings)
        if loose:
            notes = replace(notes, phrase_hits=len(hits), phrase_words=len(loose))
            hits += loose
    direct = len(hits)  # with the query's own words
    related_ids, related_matcher = set(), None
    if not timed_out and (limit is None or len(hits) < limit):
        found = {pk for pk, _ in hits}
        variants = ()
        if readings:  # the thesaurus also looks up each alternative of a coordination
            variants = thesaurus.coordination_variants(
                text,
                lambda part, alternatives: compounds.rewrite_coordinations(
                    part, known, parts=True, together=together, readings=alternatives
                ),
            )
        related = thesaurus.related_hits(
            searcher, text, found, query_module.parse, _collect, variants
        )
        more = related.hits if limit is None else related.hits[: max(0, limit - len(hits))]
        if more:
            notes = replace(notes, related_after=len(hits), related=len(more),
                            related_terms=related.terms)  # fmt: skip
            hits += more
            related_ids = {pk for pk, _ in more}
            related_matcher = Matcher.from_query(related.query, folding=False, direct=EXPANDED)
    if (
        query_module.is_plain(text)
        and isinstance(wider, wq.And)
        and direct < MOST_WORDS_BELOW
        and len(wider.subqueries) <= MOST_WORDS_MAX_WORDS
        and not timed_out
    ):
        together = phrases.neighbour_phrases(text, query_module.parse)
        most = _most_words(searcher, wider, {pk for pk, _ in hits}, limit, together, memo)
        if most:
            notes = replace(notes, all_words=direct, most_words=len(most))
            hits += most
    near_ids, near_terms = set(), ()
    if hits and not timed_out and (limit is None or len(hits) < limit):
        # After every hit, so also after a long list: a region's or a chapter's few hits of a
        # common word are followed by their near hits there (7 % of a new-query page, README).
        seeds, found = [d for _, d in hits], {pk for pk, _ in hits}
        found_near = near_hits(searcher, seeds, found, query_module.plain_words(text).split())
        more = found_near.hits if limit is None else found_near.hits[: max(0, limit - len(hits))]
        if more:
            words = found_near.words
            notes = replace(notes, near_after=len(hits), near=len(more), near_words=words)
            hits += more
            near_ids, near_terms = {pk for pk, _ in more}, found_near.terms
    suggestion = suggest(searcher, text)
    if not hits and suggestion and not corrected:
        # Nothing found, and a near word is known ("larcentrum" → "lärcentra"): show its hits.
        result = _search(searcher, suggestion, limit, corrected=True)
        if result.ids:
            result.notes = replace(result.notes, corrected_from=text)
            result.suggestion = suggestion
            return result
    matcher = Matcher.from_query(q, folding=not has_swedish_letters(text), expanded=expanded)
    highlights = Highlights(searcher, hits, matcher, near=(near_ids, near_terms),
                            related=(related_ids, related_matcher))  # fmt: skip
    return SearchResult(
        ids=[measure_id for measure_id, _ in hits],
        highlights=highlights,
        suggestion=suggestion,
        parsed_ok=parsed_ok,
        notes=notes,
    )


def _known_word(reader):
    return lambda word: expansion.is_known_word(reader, word)


def _collect(
    searcher, q, limit: int | None, memo: dict | None = None
) -> tuple[list[tuple[float, int]], bool]:
    """The query's hits, (score, docnum) best first, collected for at most
    settings.SEARCH_TIME_LIMIT seconds; and whether time ran out (the hits are then those found
    so far).

    Terms under Ors and Ands are scored term by term (catalogue.search.scoring, same scores);
    any other query by Whoosh's collector, the time checked between hits
    (limits.DeadlineCollector). The structural limits of catalogue.search.limits keep the work
    before the first hit small."""
    q = q.accept(_as_union_tree)
    if scoring.supported(q, searcher):
        try:
            hits = scoring.ranked(searcher, q, timelimit=settings.SEARCH_TIME_LIMIT, memo=memo)
        except scoring.OutOfTime as stop:
            logger.warning("Search stopped after %ss: %.200s", settings.SEARCH_TIME_LIMIT, q)
            return scoring.sort(stop.hits)[:limit], True
        return hits[:limit], False
    collector = limits.DeadlineCollector(
        searcher.collector(limit=limit), timelimit=settings.SEARCH_TIME_LIMIT
    )
    try:
        searcher.search_with_collector(q, collector)
    except TimeLimit:
        logger.warning("Search stopped after %ss: %.200s", settings.SEARCH_TIME_LIMIT, q)
        return list(collector.results().top_n), True
    return list(collector.results().top_n), False


def _as_union_tree(node):
    """An Or as Whoosh's tree of union matchers (`DefaultOr`) rather than the score array its
    automatic choice takes for an index under 5,000 documents: that array matcher fills and
    clears 2,048 slots in Python for every Or, some 15 % of a new query's time on the bundled
    report. Same hits, same scores (tests/catalogue/test_search_unions.py)."""
    if type(node) is wq.Or:
        return wq.DefaultOr(node.subqueries, boost=node.boost, minmatch=node.minmatch,
                            scale=node.scale)  # fmt: skip
    return node


def _most_words(searcher, q, found: set[int], limit: int | None, phrases=(), memo=None):
    """Hits of at least half the query's words (but not all), ranked by how much of the query
    they hold, each word weighing its rarity (idf: a measure without the query's commonest word
    is nearer than one without its rarest), and each of `phrases` (neighbouring query words
    written together) its own, then by score.

    `q` is an And of one group per word (each word with its alternatives); `memo` holds the
    groups' scores if the And was collected with it (scoring.ranked)."""
    groups = list(q.children())
    if len(groups) < 2:
        return []
    needed = max(1, math.ceil(len(groups) / 2))
    counts, weights = Counter(), Counter()
    total = searcher.doc_count_all()
    memo = {} if memo is None else memo
    for i, part in enumerate((*groups, *phrases)):
        docs = _matching(searcher, part, memo)
        rarity = math.log((total + 1) / (len(docs) + 1))
        for docnum in docs:
            counts[docnum] += i < len(groups)
            weights[docnum] += rarity
    results, _ = _collect(searcher, wq.Or(groups), None, memo)
    column = storage.measure_ids(searcher)
    ranked = []
    for rank, (_, docnum) in enumerate(results):
        pk = column[docnum]
        if pk not in found and counts[docnum] >= needed:
            ranked.append((-round(weights[docnum], 6), rank, pk, docnum))
    ranked.sort()
    most = [(pk, docnum) for _, _, pk, docnum in ranked]
    return most if limit is None else most[:limit]


def _matching(searcher, q, memo: dict):
    """The docnums `q` matches: scored term by term where it can be (the scores kept in `memo`
    for the Or of the groups), else Whoosh's matchers."""
    q = q.accept(_as_union_tree)  # as _collect scores it
    if scoring.supported(q, searcher):
        return scoring.matching(searcher, q, memo)
    return set(searcher.docs_for_query(q))


def _one_phrase(text: str) -> bool:
    """Whether the query is one quoted phrase of several words and nothing else."""
    return query_module.is_one_phrase(text) and len(query_module.plain_words(text).split()) > 1


def _phrase_words(searcher, text: str, found: set[int], limit, meanings) -> list[tuple[int, int]]:
    """After the hits of a quoted phrase, those of all its words anywhere, in any form
    ("offentlig upphandling" → "offentliga aktörer … upphandlingsdirektiv"), when the phrase
    itself is rare: searched as the same words unquoted would be."""
    words = query_module.plain_words(text)
    q = query_module.parse(words)
    if q is wq.NullQuery:
        return []
    wider, _ = expansion.expand(q, searcher.reader(), meanings, query_module.parse)
    results, _ = _collect(searcher, wider, limit)
    loose = [(pk, docnum) for pk, docnum in _ranked_ids(searcher, results) if pk not in found]
    if isinstance(wider, wq.And) and len(found) + len(loose) < PHRASE_MOST_WORDS_BELOW:
        # Fewer than a first page: then those with most of its words, the rarest weighing most.
        loose += _most_words(searcher, wider, found | {pk for pk, _ in loose}, limit)
    return loose


def _ranked_ids(searcher, results: list[tuple[float, int]]) -> list[tuple[int, int]]:
    """(measure id, docnum) of each hit, best first, read from the id column."""
    column = storage.measure_ids(searcher)
    return [(column[docnum], docnum) for _, docnum in results]


_meanings_cache: dict[str, dict] = {}


def _meanings(searcher) -> dict[str, tuple[str, ...]]:
    """Abbreviations and their meanings for this index generation (curated and found)."""
    path = storage.current_path()
    try:  # the list grows when an update finds a new one (indexing.update)
        changed = (path / indexing.ABBREVIATIONS_FILE).stat().st_mtime_ns if path else 0
    except FileNotFoundError:
        changed = 0
    key = f"{path}:{changed}"
    if key not in _meanings_cache:
        _meanings_cache.clear()
        found = indexing.read_abbreviations(path) if path else {}
        _meanings_cache[key] = abbreviations.merged(found)
    return _meanings_cache[key]


_results = storage.KeptResults()


def reset() -> None:
    """Forget this process's searcher and results (tests that switch index folders call it)."""
    storage.forget_searcher()
    _results.clear()
    _meanings_cache.clear()
