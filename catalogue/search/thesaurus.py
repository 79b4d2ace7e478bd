"""Related terms of the field: a query about "sjöfart" also finds the measures about ports.

A civil servant's word and the report's often name one subject in different words: "sjöfart"
and "hamnar", "läkemedel" and "life science", "utländsk arbetskraft" and "International
House". No model of Swedish meaning can be installed here, and a general thesaurus is loose for
this field (../shared/LIBRARIES.md), so the relations are a curated list of the field's own
terms (thesaurus.txt: broader, narrower and related terms, not only synonyms).

A plain query's words (or several of them together, the longest first; a quoted phrase as a
whole; folded when typed without å/ä/ö; for a hyphen coordination that is no term as typed, each
of its alternatives as searched: "hotell- och restaurangbranschen" as "hotell", "restaurang")
that are a term of the list are searched again as their related terms, the query's other words
as written; the measures found so, and not by the query itself, follow the hits with all of its
words (and a phrase's hits with its words apart), before those with only most of its words:
they are about the whole query's subject (`related_hits`), best first within the tier, and the
page names the terms some measure has (SearchNotes.related). The list is read once per
process, each related term parsed once; a query costs a dictionary look-up per word, and one
more search only when one of its words is in the list.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from whoosh import query as wq

from catalogue.search import compounds, scoring, storage
from catalogue.search import query as query_module
from catalogue.search.words import SWEDISH_STOPWORDS, fold, has_swedish_letters, stem

TERMS_FILE = Path(__file__).with_name("thesaurus.txt")
MAX_TERM_WORDS = 6  # the longest term of the list, in words
MAX_RELATED = 40  # measures listed at most through related terms
MAX_QUERY_WORDS = 6  # a longer query is specific already: no related terms
SHOWN_TERMS = 6  # related terms the page names per query word


def key(text: str) -> tuple[str, ...]:
    """The stems of a term's or a query's words, without stop words: how both are compared
    ("utländska arbetskraften" and "utländsk arbetskraft" alike)."""
    words = query_module.plain_words(text).split()
    return tuple(stem(w) for w in words if w not in SWEDISH_STOPWORDS)


def parse_line(line: str) -> list[tuple[str, tuple[str, ...]]]:
    """(term, its related terms) for one line of thesaurus.txt: "a | b" relates a and b both
    ways; "a | b > c | d" also relates a and b to c and d, but not c and d to a and b, nor c
    and d to each other (an airport and a road are both transport infrastructure, not related
    to each other)."""
    line = line.split("#", 1)[0].strip()
    if not line:
        return []
    if line.count(">") > 1:
        raise ValueError(f"more than one '>' in {line!r}")
    broad, _, narrow = line.partition(">")
    broader = [t.strip() for t in broad.split("|") if t.strip()]
    narrower = [t.strip() for t in narrow.split("|") if t.strip()]
    if len(broader) + len(narrower) < 2 or (">" in line and not narrower):
        raise ValueError(f"a group needs two terms: {line!r}")
    return [(term, tuple(t for t in (*broader, *narrower) if t != term)) for term in broader]


@functools.lru_cache(maxsize=1)
def related_terms() -> dict[tuple[str, ...], tuple[str, ...]]:
    """The list as read: a term's key → its related terms (as written, each once, in the list's
    order), a term's own inflected forms and other spellings left out (they find its measures
    already)."""
    found: dict[tuple[str, ...], list[str]] = {}
    for number, line in enumerate(TERMS_FILE.read_text(encoding="utf-8").splitlines(), 1):
        try:
            pairs = parse_line(line)
        except ValueError as error:
            raise ValueError(f"{TERMS_FILE.name}:{number}: {error}") from None
        for term, others in pairs:
            term_key = key(term)
            if not term_key or len(term_key) > MAX_TERM_WORDS:
                raise ValueError(f"{TERMS_FILE.name}:{number}: bad term {term!r}")
            kept = found.setdefault(term_key, [])
            seen = {key(t) for t in kept} | {term_key}
            for other in others:
                if key(other) not in seen:
                    kept.append(other.lower())
                    seen.add(key(other))
    return {term_key: tuple(terms) for term_key, terms in found.items()}


@functools.lru_cache(maxsize=1)
def folded_terms() -> dict[tuple[str, ...], tuple[str, ...]]:
    """The list keyed by folded stems, for queries typed without å/ä/ö ("sjofart")."""
    found: dict[tuple[str, ...], tuple[str, ...]] = {}
    for term_key, terms in related_terms().items():
        folded = tuple(fold(s) for s in term_key)
        found[folded] = tuple(dict.fromkeys((*found.get(folded, ()), *terms)))
    return found


def is_term(word: str) -> bool:
    """Whether one word is a term of the list, as typed or without å/ä/ö: a word of the field
    that the report may not use ("sjöfart"), not a misspelling of one it does ("sjömat")."""
    stemmed = stem(word.lower())
    return (stemmed,) in related_terms() or (fold(stemmed),) in folded_terms()


@dataclass(frozen=True)
class Match:
    """Query words (`words`, as typed) that are a term of the list, and its related terms."""

    start: int
    end: int
    words: str
    related: tuple[str, ...]


def matches(text: str) -> list[Match]:
    """The terms of the list in a plain query, longest first from the left, over its words
    without stop words (positions in that sequence); a quoted phrase only as a whole term;
    none for a query with operators or more than MAX_QUERY_WORDS words. A query without
    å/ä/ö is compared folded ("lakemedel")."""
    whole = query_module.is_one_phrase(text) or "-" in text
    if not (query_module.is_plain(text) or query_module.is_one_phrase(text)):
        return []
    words = [w for w in query_module.plain_words(text).split() if w not in SWEDISH_STOPWORDS]
    if not words or len(words) > MAX_QUERY_WORDS:
        return []
    stems = [stem(w) for w in words]
    terms = related_terms()
    if not has_swedish_letters(text):
        stems, terms = [fold(s) for s in stems], folded_terms()
    if whole:
        # A phrase ("psykisk hälsa"; a hyphenated word "e-hälsa" is one too, "cykel-arbete"):
        # only as a whole term of the list.
        related = terms.get(tuple(stems))
        return [Match(0, len(words), " ".join(words), related)] if related else []
    found, start = [], 0
    while start < len(words):
        for end in range(min(len(words), start + MAX_TERM_WORDS), start, -1):
            related = terms.get(tuple(stems[start:end]))
            if related:
                found.append(Match(start, end, " ".join(words[start:end]), related))
                start = end
                break
        else:
            start += 1
    return found


def related_query(text: str, parse: Callable[[str], object]):
    """The query with one of its terms of the list replaced by its related terms (any of them),
    its other words as written; None if it has no term of the list. And the matches.

    With several terms of the list in a query, each is replaced in turn and the others kept
    as written: "digitala tjänster i glesbygd" finds "e-tjänster i glesbygd" and "digitala
    tjänster på landsbygden", not any measure with some digitalisation and some countryside."""
    found = matches(text)
    if not found:
        return None, found
    words = [w for w in query_module.plain_words(text).split() if w not in SWEDISH_STOPWORDS]
    readings = []
    for replaced in found:
        groups, position = [], 0
        for match in found:
            groups += [parse(w) for w in words[position : match.start]]
            if match is replaced:
                alternatives = [_parsed(term, parse) for term in match.related]
                groups.append(wq.Or([a for a in alternatives if a is not wq.NullQuery]))
            else:
                groups.append(parse(" ".join(words[match.start : match.end])))
            position = match.end
        groups += [parse(w) for w in words[position:]]
        groups = [g for g in groups if g is not wq.NullQuery]
        readings.append(wq.And(groups) if len(groups) > 1 else groups[0])
    return (wq.Or(readings) if len(readings) > 1 else readings[0]), found


@functools.lru_cache(maxsize=4096)
def _parsed_cached(term: str, parse: Callable[[str], object]):
    return parse(f'"{term}"' if len(term.split()) > 1 else term)


def _parsed(term: str, parse):
    """A related term as searched: one word as the query parser reads it, several as a phrase
    (parsed once per process)."""
    return _parsed_cached(term, parse)


@dataclass(frozen=True)
class Related:
    """Measures found through related terms, (measure id, docnum) best first, and what found
    them: (query words, related terms named) per term of the list in the query."""

    hits: list[tuple[int, int]]
    terms: tuple[tuple[str, tuple[str, ...]], ...]
    query: object = None  # the query that found them (its terms are marked in the excerpts)


NOTHING = Related([], ())


def related_hits(
    searcher, text: str, found: set[int], parse, collect, variants: Sequence[str] = ()
) -> Related:
    """The measures that a query's related terms find and the query did not (`found`: measure
    ids), best first, at most MAX_RELATED. `collect`: query → ((score, docnum) best first,
    timed out), as the search collects its own hits. `variants`: the query once per
    alternative of its hyphen coordinations (`coordination_variants`), looked up when the
    query as typed has no term of the list; their related queries are alternatives too."""
    q, matched = related_query(text, parse)
    if q is None and variants:
        pairs = [related_query(variant, parse) for variant in variants]
        pairs = [(query, terms) for query, terms in pairs if query is not None]
        matched = [match for _, terms in pairs for match in terms]
        if pairs:
            q = wq.Or([query for query, _ in pairs]) if len(pairs) > 1 else pairs[0][0]
    if q is None:
        return NOTHING
    results = _collected(searcher, q, collect)
    column = storage.measure_ids(searcher)
    hits = []
    for _, docnum in results:
        pk = column[docnum]
        if pk not in found:
            hits.append((pk, docnum))
            if len(hits) == MAX_RELATED:
                break
    if not hits:
        return NOTHING
    terms = tuple((m.words, _named(searcher, m.related, parse)) for m in matched)
    return Related(hits, terms, q)


# Whether some measure has a related term's words, per searcher (see _named).
_in_index_kept = storage.PerSearcher(maxsize=20_000)


def _named(searcher, related: tuple[str, ...], parse) -> tuple[str, ...]:
    """The related terms the page names (SHOWN_TERMS): those some measure has first, in the
    list's order, so that the terms that found the hits are named rather than those no measure
    writes ("hotell" → besöksnäring, not "vandrarhem")."""
    reader = searcher.reader()

    def in_index(term: str) -> bool:
        def read() -> bool:
            terms = query_module.positive_terms(_parsed(term, parse))
            return any(reader.doc_frequency(field, text) for field, text in terms)

        return _in_index_kept.get(searcher, term, read)

    used = [term for term in related if in_index(term)]
    return tuple([*used, *(t for t in related if t not in used)][:SHOWN_TERMS])


def coordination_variants(text: str, rewrite: Callable[[str, list], str]) -> list[str]:
    """The query once per alternative of its hyphen coordinations as the search reads them
    (`rewrite`: compounds.rewrite_coordinations with the search's words, filling its list with
    the alternatives): "hotell- och restaurangbranschen" → ["hotell", "restaurang"] where no
    measure writes the trade with "bransch"; [] without a coordination. The alternatives of a
    coordination are what it names, so their terms of the list name its subject too."""
    spans = []
    for match in compounds.COORDINATION.finditer(text):
        readings: list[tuple[str, ...]] = []
        rewrite(match.group(), readings)
        if readings:
            spans.append((match.start(), match.end(), readings[0]))
    variants = []
    for i in range(max((len(alternatives) for *_, alternatives in spans), default=0)):
        parts, position = [], 0
        for start, end, alternatives in spans:
            parts += [text[position:start], alternatives[min(i, len(alternatives) - 1)]]
            position = end
        variants.append("".join([*parts, text[position:]]))
    return variants


def _collected(searcher, q, collect) -> list[tuple[float, int]]:
    """The hits of `q`, (score, docnum) best first. An Or of single words and phrases (a term's
    related terms alone) is collected as its words and its phrases apart, the scores summed as
    the Or sums them: a phrase leaves the whole tree to Whoosh's slower collector, which on the
    bundled report cost 2 to 9 ms for a group of 15 terms (catalogue.search.scoring)."""
    if not isinstance(q, wq.Or):
        return collect(searcher, q, None)[0]
    phrases = [c for c in q.subqueries if not scoring.supported(c, searcher)]
    words = [c for c in q.subqueries if scoring.supported(c, searcher)]
    if not phrases or not words:
        return collect(searcher, q, None)[0]
    scores: dict[int, float] = {}
    for part in (wq.Or(words, boost=q.boost), wq.Or(phrases, boost=q.boost)):
        for score, docnum in collect(searcher, part, None)[0]:
            scores[docnum] = scores.get(docnum, 0.0) + score
    return scoring.sort(scores)
