"""Near hits: measures that share the telling words of a query's best hits, after all its hits.

A civil servant's word and the report's often differ with no rule between them: a task about
"turism" is answered by measures about "besöksnäring" or "Gold of Lapland", one about
"integration" by measures for "nyanlända". The words that the best hits of a query share, and
that are rare in the rest of the report, name the subject as the report writes it
(pseudo-relevance feedback): the measures with those words that the query did not find are
listed after every hit of the query itself, and the page says which words found them.

Data, not a list: the words are those of the `exact` field (as written, so the page can show
them) in at least MIN_SEEDS of the first SEED_HITS hits' texts and in more of them than chance
would put there. Each is weighted as relevance-model feedback (RM3) weighs a word: its share of
each best hit's text, summed over them (a word of the name weighs as the index weighs the name,
indexing.FIELD_BOOSTS), times its inverse document frequency; a word in more than MAX_SHARE of
the measures tells nothing, and fewer than MIN_TERMS such words name no subject. A measure needs
two of the words, or one that weighs at least ALONE_SHARE of the heaviest. The measures with
those words are scored here from their postings (the words' weights, each count saturating as
in BM25, over the square root of the text's length): Whoosh's own scoring of an Or of ten words
cost 4.6 ms of CPU per query on the bundled report, this about 1.5.
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
from catalogue.search.indexing import FIELD_BOOSTS
from catalogue.search.words import fold, stem

# The best hits whose texts give the words; more drift from the query's subject (dev half,
# README "Search": 5 and 15 found fewer relevant measures than 10).
SEED_HITS = 10
# Not the region or the goals; a word weighs as the index weighs the field it is in.
SEED_FIELDS = {name: FIELD_BOOSTS[name] for name in ("name", "description", "outputs", "effects")}
# A word must be in this many of the seeds: one measure's own words are its own subject, not
# the query's (a query with one hit gets no near hits).
MIN_SEEDS = 2
MAX_SHARE = 0.1
# ... and in more of them than chance would put it there: the chance that as many measures
# drawn at random have it must be below CHANCE (a word of one measure in a hundred in two of
# ten passes, a word of every tenth measure in three of ten does not).
CHANCE = 0.01
NUM_TERMS = 20
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
    the heaviest first: a word's weight is its share of each seed's text summed over the seeds
    (the relevance model of RM3, the seeds weighing alike) times its idf."""
    if len(seeds) < MIN_SEEDS:  # no word can be in MIN_SEEDS of them
        return []
    shares, shared = Counter(), Counter()
    for docnum in seeds:
        model = _seed_model(searcher, docnum)
        shares.update(model)
        shared.update(model.keys())
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
            weighted.append((shares[term] * math.log(total / frequency), term))
    weighted.sort(reverse=True)
    return [(term, weight) for weight, term in weighted[:NUM_TERMS]]


# A measure's words and a word's document frequency, read once per searcher (storage.PerSearcher):
# the best hits of new queries are often the same measures, and analysing their texts again was
# most of the tier's time. About 4 KB per measure kept.
_seed_models = storage.PerSearcher(maxsize=5000)
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


def _seed_model(searcher, docnum: int) -> dict[str, float]:
    """Each distinct word (as written, three letters or more) of a measure's SEED_FIELDS and its
    share of the text (as the `exact` field holds its words: stop words left out), each field's
    words weighing as SEED_FIELDS says."""

    def read() -> dict[str, float]:
        stored = searcher.stored_fields(docnum)
        counts: dict[str, float] = {}
        length = 0.0
        for name, weight in SEED_FIELDS.items():
            for word in exact_words(stored.get(name) or ""):
                length += weight
                if word.isalpha() and len(word) > 2:
                    word = sys.intern(word)
                    counts[word] = counts.get(word, 0.0) + weight
        return {word: count / length for word, count in counts.items()}

    return _seed_models.get(searcher, docnum, read)


def _chance(count: int, seeds: int, share: float) -> float:
    """The chance that at least `count` of `seeds` measures drawn at random have a word that
    `share` of all measures have (binomial)."""
    return sum(
        math.comb(seeds, k) * share**k * (1 - share) ** (seeds - k) for k in range(count, seeds + 1)
    )
