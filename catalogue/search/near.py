"""Near hits: measures that share the telling words of a query's best hits, after all its hits.

A civil servant's word and the report's often differ with no rule between them: a task about
"turism" is answered by measures about "besöksnäring" or "Gold of Lapland", one about
"integration" by measures for "nyanlända". The words that the best hits of a query share, and
that are rare in the rest of the report, name the subject as the report writes it
(pseudo-relevance feedback): the measures with those words that the query did not find are
listed after every hit of the query itself, and the page says which words found them.

Data, not a list: the words are those of the `exact` field (as written, so the page can show
them) in at least MIN_SEEDS of the first SEED_HITS hits' texts and in more of them than chance
would put there, weighted by how many of those have them times their inverse document
frequency; a word in more than MAX_SHARE of the measures tells nothing, and fewer than
MIN_TERMS such words name no subject. A measure needs two of the words, or one that weighs at
least ALONE_SHARE of the heaviest. The measures with those words are scored here from their
postings (the words' weights, each count saturating as in BM25, over the square root of the
text's length): Whoosh's own scoring of an Or of ten words cost 4.6 ms of CPU per query on the
bundled report, this about 1.5.
"""

from __future__ import annotations

import heapq
import math
import sys
from array import array
from collections import Counter
from dataclasses import dataclass

from catalogue.search import storage
from catalogue.search.analysis import exact_words
from catalogue.search.words import fold, stem

# The best hits whose texts give the words; more drift from the query's subject.
SEED_HITS = 5
SEED_FIELDS = ("name", "description", "outputs", "effects")  # not the region or the goals
# A word must be in this many of the seeds: one measure's own words are its own subject, not
# the query's (a query with one hit gets no near hits).
MIN_SEEDS = 2
MAX_SHARE = 0.1
# ... and in more of them than chance would put it there: the chance that as many measures
# drawn at random have it must be below CHANCE (a rare word in two of five measures passes,
# a word of every tenth measure in two of five does not).
CHANCE = 0.001
NUM_TERMS = 10
# Fewer telling words than this are no subject ("bas", "teman"): no near hits.
MIN_TERMS = 2
# A near hit has two of the words, or one of those weighing at least ALONE_SHARE of the
# heaviest: a light word alone ("målsättningen" among a tourism query's, "oberoende" among
# hydrogen's) is as often another subject.
ALONE_SHARE = 0.6
SHOWN_TERMS = 5  # the words the page names
MAX_NEAR = 20  # near hits listed at most
# A word's weight grows with its count in a text, less and less (BM25's k1).
TF_SATURATION = 1.2


@dataclass(frozen=True)
class Near:
    """The near hits, (measure id, docnum) best first, the words that found them (`terms`)
    and those of them the page names (`words`: not the query's own, the first SHOWN_TERMS)."""

    hits: list[tuple[int, int]]
    words: tuple[str, ...]
    terms: tuple[str, ...]


NOTHING = Near([], (), ())


def near_hits(searcher, seeds: list[int], found: set[int], query_words: list[str]) -> Near:
    """Measures with the telling words of `seeds` (docnums of the best hits, best first) that
    are not among `found` (measure ids), best first, at most MAX_NEAR; the words named exclude
    the query's own."""
    terms = telling_words(searcher, seeds[:SEED_HITS])
    if len(terms) < MIN_TERMS:
        return NOTHING
    scores: dict[int, float] = {}
    shared: dict[int, int] = {}
    alone = terms[0][1] * ALONE_SHARE  # the weight a word needs to find a measure by itself
    for term, weight in terms:
        docnums, frequencies = _postings(searcher, term)
        counts = 1 if weight < alone else 2
        for docnum, frequency in zip(docnums, frequencies, strict=True):
            scores[docnum] = scores.get(docnum, 0) + weight * frequency / (
                frequency + TF_SATURATION
            )
            shared[docnum] = shared.get(docnum, 0) + counts
    column = storage.measure_ids(searcher)
    size = searcher.doc_count_all()
    lengths = _lengths.get(searcher, "exact", lambda: array("i", [UNREAD]) * size)
    # Longer texts have more words by chance: divided by the square root of their length.
    candidates = [
        (-score / math.sqrt(_length(searcher, lengths, docnum)), docnum)
        for docnum, score in scores.items()
        if shared[docnum] >= 2 and column[docnum] not in found
    ]
    hits = [(column[docnum], docnum) for _, docnum in heapq.nsmallest(MAX_NEAR, candidates)]
    if not hits:
        return NOTHING
    # The query's own words are not named, typed without å/ä/ö or not ("innovationsframjande").
    own = {fold(stem(w.lower())) for w in query_words}
    words = tuple(term for term, _ in terms if fold(stem(term)) not in own)[:SHOWN_TERMS]
    return Near(hits, words, tuple(term for term, _ in terms))


def _length(searcher, lengths: array, docnum: int) -> int:
    """The length of a measure's `exact` text, read once per searcher into `lengths`."""
    length = lengths[docnum]
    if length == UNREAD:
        length = lengths[docnum] = searcher.doc_field_length(docnum, "exact", 1)
    return length


def telling_words(searcher, seeds: list[int]) -> list[tuple[str, float]]:
    """Up to NUM_TERMS (word, weight) that the seeds' texts share and few other measures have,
    the heaviest first."""
    if len(seeds) < MIN_SEEDS:  # no word can be in MIN_SEEDS of them
        return []
    shared = Counter()
    for docnum in seeds:
        shared.update(_seed_words(searcher, docnum))
    reader = searcher.reader()
    total = reader.doc_count()
    weighted = []
    for term, count in shared.items():
        if count < MIN_SEEDS:
            continue
        frequency = _doc_frequencies.get(
            searcher, term, lambda term=term: reader.doc_frequency("exact", term)
        )
        # Only in the seeds themselves: it finds no other measure.
        if count < frequency <= total * MAX_SHARE:
            if _chance(count, len(seeds), frequency / total) >= CHANCE:
                continue
            weighted.append((count * math.log(total / frequency), term))
    weighted.sort(reverse=True)
    return [(term, weight) for weight, term in weighted[:NUM_TERMS]]


# A measure's words and a word's document frequency, read once per searcher (storage.PerSearcher):
# the best hits of new queries are often the same measures, and analysing their texts again was
# most of the tier's time. About 2 KB per measure kept.
_seed_words_kept = storage.PerSearcher(maxsize=5000)
_doc_frequencies = storage.PerSearcher(maxsize=100_000)
# The postings of the words that found near hits: the best hits of new queries share their words
# too. 12 bytes a posting; a telling word is in under 1 % of the measures mostly (the chance
# test), at most MAX_SHARE: at 100 times the report (52,000 measures) some 6 MB, at most 60.
_postings_kept = storage.PerSearcher(maxsize=1000)
# The length of each measure's `exact` text, by docnum (UNREAD until a near hit needs it): 4 bytes
# a measure.
_lengths = storage.PerSearcher(maxsize=1)
UNREAD = -1


def _postings(searcher, term: str) -> tuple[array, array]:
    """The docnums of the measures with `term` in `exact`, and its count in each (the posting's
    weight: `exact` has no field boost; matcher calls, as `items_as` costs twice as much)."""

    def read() -> tuple[array, array]:
        docnums, frequencies = array("i"), array("d")
        postings = searcher.reader().postings("exact", term)
        while postings.is_active():
            docnums.append(postings.id())
            frequencies.append(postings.weight())
            postings.next()
        return docnums, frequencies

    return _postings_kept.get(searcher, term, read)


def _seed_words(searcher, docnum: int) -> tuple[str, ...]:
    """The distinct words (as written) of a measure's SEED_FIELDS, of three letters or more."""

    def read() -> tuple[str, ...]:
        stored = searcher.stored_fields(docnum)
        text = "\n".join(stored.get(name) or "" for name in SEED_FIELDS)
        words = exact_words(text)  # as the `exact` field holds them
        return tuple({sys.intern(t) for t in words if t.isalpha() and len(t) > 2})

    return _seed_words_kept.get(searcher, docnum, read)


def _chance(count: int, seeds: int, share: float) -> float:
    """The chance that at least `count` of `seeds` measures drawn at random have a word that
    `share` of all measures have (binomial)."""
    return sum(
        math.comb(seeds, k) * share**k * (1 - share) ** (seeds - k) for k in range(count, seeds + 1)
    )
