"""The text analysis of the search index: one analyzer per kind of field.

The analyzers are pickled into the Whoosh index, so every class they use lives at module level
in this module: renaming or moving it means rebuilding the index.

- stemming: words → stems (catalogue.search.words), with compounds' parts added at index time
  (catalogue.search.compounds);
- folding: the same with å/ä/ö folded first, for queries typed without Swedish letters;
- exact: lowercase word forms as written (exact forms rank first; "did you mean"; prefixes);
- reversed: each word's stem written backwards, so that a query word that ends a compound
  ("vätgas" in "grönvätgas") is a prefix there.
"""

from __future__ import annotations

import functools
import re

from whoosh.analysis import Filter, RegexTokenizer

from catalogue.search.compounds import cached_parts
from catalogue.search.words import SWEDISH_STOPWORDS, fold, stem

TOKEN_PATTERN = r"\w+"


@functools.lru_cache(maxsize=200_000)
def word_forms(word: str, index: bool, folding: bool) -> tuple[str, ...]:
    """The terms a lowercase word stands for: its stem, then (at index time) its compound parts'
    stems, all folded first when `folding`."""
    words = (word, *cached_parts(word)) if index else (word,)
    if folding:
        return tuple(stem(fold(w)) for w in words)
    return tuple(stem(w) for w in words)


def _kept_words(tokens, stopped_text):
    """The words of a token stream as SwedishFilter and ExactFilter both read them: each token
    lowercased, positions renumbered past stop words (as StopFilter(renumber=True) does); yields
    (token, lowercase word). A stop word is yielded as (token, None), marked `stopped` with the
    text `stopped_text(word)`, only where the caller keeps stop words (`removestops` off)."""
    stoplist = SWEDISH_STOPWORDS
    pos = None
    for t in tokens:
        text = t.text.lower()
        if text in stoplist:
            if not t.removestops:
                t.text = stopped_text(text)
                t.stopped = True
                yield t, None
            continue
        if t.positions:
            if pos is None:
                pos = t.pos
            else:
                pos += 1
                t.pos = pos
        t.stopped = False
        yield t, text


class SwedishFilter(Filter):
    """Lowercase, stop words, decompounding (index time), folding (if `folding`) and stemming in
    one pass, the result for each distinct word memoized (`word_forms`). Stop words are
    renumbered away as StopFilter(renumber=True) does."""

    def __init__(self, folding: bool = False):
        self.folding = folding

    def __eq__(self, other):
        return (
            other is not None
            and self.__class__ is other.__class__
            and self.folding == other.folding
        )

    def __call__(self, tokens):
        folding = self.folding
        forms = word_forms
        for t, text in _kept_words(tokens, fold if folding else _same):
            if text is None:
                yield t
                continue
            for form in forms(text, t.mode == "index", folding):
                t.text = form
                yield t


class ExactFilter(Filter):
    """LowercaseFilter | StopFilter(SWEDISH_STOPWORDS, minsize=1) in one pass."""

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        for t, text in _kept_words(tokens, _same):
            if text is not None:
                t.text = text
            yield t


def _same(text: str) -> str:
    return text


def stemming_analyzer():
    """Words → stems, with compounds' parts added at index time."""
    return RegexTokenizer(TOKEN_PATTERN) | SwedishFilter()


def folding_analyzer():
    """Like `stemming_analyzer`, with å/ä/ö folded before stemming (index and query alike)."""
    return RegexTokenizer(TOKEN_PATTERN) | SwedishFilter(folding=True)


_TOKEN = re.compile(TOKEN_PATTERN)


def exact_words(text: str) -> set[str]:
    """The distinct terms `exact_analyzer` makes of a text (its words lowercased, stop words
    left out), without making a token of each: near hits read the words of whole measures."""
    return set(map(str.lower, _TOKEN.findall(text))) - SWEDISH_STOPWORDS


def exact_analyzer():
    """Lowercase word forms as written: ranks exact forms first and feeds "did you mean"."""
    return RegexTokenizer(TOKEN_PATTERN) | ExactFilter()


class ReverseFilter(Filter):
    """Lowercase, stop words away, each word's stem written backwards ("vätgasmacken" →
    "kcamsagtäv"). No positions: the field serves prefix lookups of word endings only."""

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        for t in tokens:
            text = t.text.lower()
            if text in SWEDISH_STOPWORDS:
                continue
            t.text = reverse_stem(text)
            t.stopped = False
            yield t


@functools.lru_cache(maxsize=200_000)
def reverse_stem(word: str) -> str:
    """A lowercase word's stem, backwards: what the `reversed` field holds for it."""
    return stem(word)[::-1]


def reversed_analyzer():
    """Stems backwards: a word ending ("vätgas" in "grönvätgasen") becomes a prefix."""
    return RegexTokenizer(TOKEN_PATTERN) | ReverseFilter()
