"""What the search says besides its hits: "did you mean", and why a query found little.

- `suggest`: the query with each word the index does not know replaced by the nearest word it
  does (edit distance 1–2, also across å/ä/ö typed without them), except a term of the field
  thesaurus, which its related terms search instead;
- `english_hints`: the query's English words (english.txt) with the Swedish word the texts use;
- `only_stop_words`: a query of nothing but stop words ("och") matches nothing by design.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from catalogue.search import thesaurus
from catalogue.search.indexing import TEXT_FIELDS
from catalogue.search.query import OPERATORS
from catalogue.search.words import SWEDISH_STOPWORDS, fold, stem

ENGLISH = Path(__file__).with_name("english.txt")
_WORD = re.compile(r"\w+")
_UNFOLD = {"a": "aåä", "o": "oö", "e": "eé"}


def only_stop_words(text: str) -> bool:
    words = [w.lower() for w in _WORD.findall(text) if w not in OPERATORS]
    return bool(words) and all(w in SWEDISH_STOPWORDS for w in words)


@functools.lru_cache(maxsize=1)
def _english() -> dict[str, str]:
    found = {}
    for line in ENGLISH.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#") and "=" in line:
            english, swedish = (part.strip() for part in line.split("=", 1))
            found[english.lower()] = swedish
    return found


def english_hints(text: str) -> list[tuple[str, str]]:
    """(English word, Swedish word) for the query's English words that are not Swedish too."""
    english = _english()
    hints = []
    for word in _WORD.findall(text.lower()):
        swedish = english.get(word)
        if swedish and swedish != word and (word, swedish) not in hints:
            hints.append((word, swedish))
    return hints


def _known(reader, word: str) -> bool:
    """Whether a query word occurs in the index, in any of the ways a search would match it."""
    if reader.doc_frequency("exact", word):
        return True
    stemmed = stem(word)
    if any(reader.doc_frequency(f, stemmed) for f in TEXT_FIELDS):
        return True
    return bool(reader.doc_frequency("folded", stem(fold(word))))


def _correction(reader, word: str) -> str | None:
    maxdist = 1 if len(word) <= 5 else 2
    candidates = []
    for term in reader.terms_within("exact", word, maxdist, prefix=1):
        if term == word or not term.isalpha():
            continue
        distance = _edit_distance(fold(term), fold(word))
        candidates.append((distance, -reader.doc_frequency("exact", term), term))
    if not candidates and word.isascii():
        # Typed without å/ä/ö and misspelled ("jamstaldhet"): compare folded forms.
        for first in _UNFOLD.get(word[0], word[0]):
            for raw in reader.expand_prefix("exact", first):
                term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                folded = fold(term)
                if abs(len(term) - len(word)) > maxdist or folded[:2] != word[:2]:
                    continue
                distance = _edit_distance(folded, word)
                if term != word and distance <= maxdist and term.isalpha():
                    candidates.append((distance, -reader.doc_frequency("exact", term), term))
    return min(candidates)[2] if candidates else None


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def suggest(searcher, text: str) -> str | None:
    """The query with each unknown word replaced by the nearest word of the index, if any."""
    reader = searcher.reader()
    changed = False

    def replace(match: re.Match) -> str:
        nonlocal changed
        word = match.group()
        lower = word.lower()
        if (
            word in OPERATORS
            or len(lower) < 3
            or not lower.isalpha()
            or lower in SWEDISH_STOPWORDS
            or _known(reader, lower)
            or thesaurus.is_term(lower)
        ):
            return word
        correction = _correction(reader, lower)
        if correction is None:
            return word
        changed = True
        return correction

    suggestion = _WORD.sub(replace, text)
    return suggestion if changed else None
