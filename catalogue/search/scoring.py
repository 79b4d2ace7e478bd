"""A query's hits scored term by term: the scores Whoosh's matchers give, for less CPU.

Whoosh collects document by document: for every hit, each node of the query's matcher tree is
asked for its id, its score and its next posting, and one word of a query is an Or of some 8 to
30 terms (its fields, its compounds, its meanings); in Python those calls were most of the time
of collecting a new query's hits. For the shapes the search builds (terms under Ors and Ands)
this module reads each term's postings once, scores each posting with Whoosh's BM25F formula
(`whoosh.scoring.bm25` written out, the same floating-point operations, with the searcher's idf
and average field length and the document's field length, as `BM25FScorer` does), and adds the
scores up as the matchers would: an Or sums the scores of the parts a document has, an And
keeps the documents every part has and sums theirs, a boost multiplies. Same hits, order and
scores (tests/catalogue/test_search_scoring.py compares both on the whole bundled report); a
query of any other shape (a phrase, NOT) is left to Whoosh's collector (`supported`). What it
saves: README, "Search" (`page_timing --parts`).
"""

from __future__ import annotations

import time
from array import array

from whoosh import query as wq
from whoosh.reading import TermNotFound
from whoosh.scoring import BM25F

from catalogue.search import storage

# The clock is read every this many postings of a term, and after each term.
CLOCK_EVERY = 1024

_OR = (wq.Or, wq.DefaultOr)


class OutOfTime(Exception):
    """The time limit passed; `hits` are those found so far: the documents of the terms of an
    Or (or of Ors above them) already read are hits of the query, scored lower perhaps, while
    an And whose parts were not all read has none."""

    def __init__(self, hits: dict[int, float]):
        super().__init__("search time limit")
        self.hits = hits


def supported(q, searcher) -> bool:
    """Whether `q` is made only of terms, Ors and Ands, and the searcher weighs by BM25F (the
    default of the searchers storage opens, one B for every field): what this module scores."""
    return type(searcher.weighting) is BM25F and _shape_supported(q)


def _shape_supported(q) -> bool:
    kind = type(q)
    if kind is wq.Term:
        return True
    if kind in _OR:
        if q.scale or q.minmatch:
            return False
    elif kind is not wq.And:
        return False
    return all(_shape_supported(sub) for sub in q.subqueries)


def ranked(
    searcher, q, *, timelimit: float | None = None, memo: dict | None = None
) -> list[tuple[float, int]]:
    """(score, docnum) of the hits of `q`, best first (ties by docnum, as Whoosh's collector
    orders them); raises OutOfTime. `q` must be `supported`. `memo`, if given, keeps the
    scores of each Or and And (keyed by the query: equal queries, equal scores) for the next
    call with the same searcher: the measures with most words score the same word groups
    again (engine._most_words)."""
    deadline = time.monotonic() + timelimit if timelimit is not None else None
    scores = _Scoring(searcher, deadline, memo).scores(q)
    return sort(scores)


def matching(searcher, q, memo: dict | None = None):
    """The docnums `q` (`supported`) matches, as `searcher.docs_for_query(q)` gives them."""
    return _Scoring(searcher, None, memo).scores(q).keys()


def sort(scores: dict[int, float]) -> list[tuple[float, int]]:
    """(score, docnum), the highest score first, ties by docnum: sorted as (-score, docnum),
    without a key function called per hit (negating a float is exact)."""
    ranked = sorted([(-score, docnum) for docnum, score in scores.items()])
    return [(-score, docnum) for score, docnum in ranked]


class _Scoring:
    def __init__(self, searcher, deadline: float | None, memo: dict | None = None):
        self.searcher = searcher
        self.deadline = deadline
        self.memo = memo  # query -> scores; the dicts in it are never changed

    def scores(self, q) -> dict[int, float]:
        """{docnum: score} of the documents `q` matches."""
        if type(q) is wq.Term:
            return self.term(q)
        if self.memo is None:
            return self.compound(q)
        found = self.memo.get(q)
        if found is None:
            found = self.memo[q] = self.compound(q)
        return found

    def compound(self, q) -> dict[int, float]:
        """The scores of an Or or And. Whoosh's quirk is kept: a compound of one part is that
        part, its own boost ignored (CompoundQuery.matcher)."""
        kind = type(q)
        parts = q.subqueries
        if not parts:
            return {}
        if len(parts) == 1:
            return self.scores(parts[0])
        if kind is wq.And:
            try:
                found = [self.scores(part) for part in parts]
            except OutOfTime:
                raise OutOfTime({}) from None
            found.sort(key=len)
            result = found[0]
            for other in found[1:]:
                result = {d: s + other[d] for d, s in result.items() if d in other}
            return self._boosted(result, q.boost)
        result = {}
        for part in parts:
            try:
                if type(part) is wq.Term:
                    self.term(part, into=result)  # added as it is read: no dict in between
                else:
                    _add(result, self.scores(part))
            except OutOfTime as stop:
                if type(part) is not wq.Term:
                    _add(result, stop.hits)
                raise OutOfTime(self._boosted(result, q.boost)) from None
        return self._boosted(result, q.boost)

    @staticmethod
    def _boosted(scores: dict[int, float], boost: float) -> dict[int, float]:
        if boost == 1.0:
            return scores
        return {d: s * boost for d, s in scores.items()}

    def term(self, q, into: dict[int, float] | None = None) -> dict[int, float]:
        """{docnum: score} of the term's postings, or each score added to `into` (an Or's sum,
        the same sum: the first part's score is added to 0.0)."""
        searcher, field = self.searcher, q.fieldname
        scores = {} if into is None else into
        if field not in searcher.schema:
            return scores
        try:
            text = searcher.schema[field].to_bytes(q.text)
        except ValueError:
            return scores
        try:
            # The reader's matcher: the searcher's would make a BM25F scorer this does not use.
            postings = searcher.reader().postings(field, text)
        except TermNotFound:
            return scores
        is_active, next_posting = postings.is_active, postings.next
        docnum_of, weight_of = postings.id, postings.weight
        boost, score_of = q.boost, scores.get
        count = 0
        if searcher.schema[field].scorable:
            # Whoosh's bm25(idf, tf, length, average, B, K1) written out, its part that
            # depends on the document alone kept per searcher (`norms`): the same arithmetic
            # in the same order, without a call per posting.
            idf = searcher.idf(field, text)
            average = searcher.avg_field_length(field) or 1
            b, k1 = searcher.weighting.B, searcher.weighting.K1
            k1_plus_1 = k1 + 1
            norms = _norms_of(searcher, field)
            length = searcher.doc_field_length
            while is_active():
                docnum = docnum_of()
                norm = norms[docnum]
                if norm < 0:
                    norm = k1 * ((1 - b) + b * length(docnum, field, 1) / average)
                    norms[docnum] = norm
                tf = weight_of()
                score = idf * ((tf * k1_plus_1) / (tf + norm)) * boost
                scores[docnum] = score_of(docnum, 0.0) + score
                next_posting()
                count += 1
                if count % CLOCK_EVERY == 0 and self.late():
                    raise OutOfTime(scores)
        else:  # Whoosh's WeightScorer: the weight is the score
            while is_active():
                docnum = docnum_of()
                scores[docnum] = score_of(docnum, 0.0) + weight_of() * boost
                next_posting()
                count += 1
                if count % CLOCK_EVERY == 0 and self.late():
                    raise OutOfTime(scores)
        if self.late():
            raise OutOfTime(scores)
        return scores

    def late(self) -> bool:
        return self.deadline is not None and time.monotonic() > self.deadline


def _add(scores: dict[int, float], more: dict[int, float]) -> None:
    for docnum, score in more.items():
        scores[docnum] = scores.get(docnum, 0.0) + score


# Each document's part of BM25's denominator, K1 * ((1 - B) + B * length / average length) as
# whoosh.scoring.bm25 computes it, per field, kept while it is this process's searcher (8 bytes
# a document and field).
_norms = storage.PerSearcher(maxsize=64)
_NO_NORM = -1.0


def _norms_of(searcher, field: str) -> array:
    size = searcher.doc_count_all()
    return _norms.get(searcher, field, lambda: array("d", [_NO_NORM]) * size)
