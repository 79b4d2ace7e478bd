"""Excerpts: a window of a hit's text around the words the query matched, escaped, with the
matches in <mark> (<mark class="expanded"> for those found through a compound, its parts or an
abbreviation rather than the word as written; <mark class="near"> in a near hit for the telling
words that found it, catalogue.search.near). Made on demand: a list page shows a few hits.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Mapping

from whoosh import query as wq

from catalogue.search.query import positive_terms
from catalogue.search.words import fold, stem

EXCERPT_FIELDS = ("description", "outputs", "effects", "goals_text")
EXCERPT_CHARS = 240
DIRECT, EXPANDED, NEAR = 1, 2, 3
_OPENING = {DIRECT: "<mark>", EXPANDED: '<mark class="expanded">', NEAR: '<mark class="near">'}


class Matcher:
    """Decides which words of a stored text a query matched, for highlighting."""

    def __init__(
        self,
        stems: set[str],
        folded: set[str],
        exact: set[str],
        prefixes: set[str],
        expanded=None,
        *,
        direct: int = DIRECT,
    ):
        self.direct = direct  # what a word matched as written counts as
        self.stems = stems
        self.folded = folded
        self.exact = exact
        self.prefixes = prefixes
        # Compound parts: "försörjning" marks "kompetensförsörjningen" (as expanded).
        self.parts = {s for s in stems if len(s) >= 4}
        self.folded_parts = {s for s in folded if len(s) >= 4}
        # What catalogue.search.expansion added: word forms, and stems of words that end with
        # a query word.
        self.expanded_forms = set(expanded.forms) if expanded else set()
        self.expanded_stems = set(expanded.stems) if expanded else set()
        self._seen: dict[str, int] = {}  # word as written → DIRECT, EXPANDED or 0

    # Every word matches() accepts contains one of these (stems are prefixes of the words they
    # come from, parts and prefixes are substrings): a text is scanned for them and only the
    # words around a hit are checked. Compiled when a first excerpt is made: many new queries
    # with a region filter show none (no hit there); compiling them on every search cost about
    # 0.2 ms of a new-query page's CPU.
    @functools.cached_property
    def needles(self) -> re.Pattern | None:
        return _needles(
            self.stems | self.exact | self.prefixes | self.expanded_forms | self.expanded_stems
        )

    @functools.cached_property
    def folded_needles(self) -> re.Pattern | None:
        return _needles(self.folded) if self.folded else None

    @classmethod
    def from_query(cls, q, *, folding: bool, expanded=None, direct: int = DIRECT) -> Matcher:
        stems, folded, exact, prefixes = set(), set(), set(), set()
        for fieldname, text in positive_terms(q):
            if isinstance(text, bytes):
                text = text.decode("utf-8")
            if fieldname in ("folded", "folded_name"):
                if folding:
                    folded.add(text)
            elif fieldname in ("exact", "exact_name"):
                exact.add(text)
            else:
                stems.add(text)
        for sub in q.leaves():
            if isinstance(sub, (wq.Prefix, wq.Wildcard)):
                prefixes.add(sub.text.rstrip("*?").lower())
        return cls(stems, folded, exact, {p for p in prefixes if p}, expanded, direct=direct)

    @classmethod
    def of_words(cls, words, *, how: int = NEAR) -> Matcher:
        """Marks these words as written (a near hit's telling words)."""
        return cls(set(), set(), set(words), set(), direct=how)

    def matches(self, word: str) -> int:
        """DIRECT if the query matched the word as written (or stemmed, or folded), EXPANDED
        if through a compound or an abbreviation, else 0."""
        seen = self._seen.get(word)
        if seen is None:
            seen = self._seen[word] = self._matches(word)
        return seen

    def _matches(self, word: str) -> int:
        lower, stemmed, folded, folded_stem = _word_keys(word)
        if lower in self.exact or stemmed in self.stems:
            return self.direct
        if any(lower.startswith(p) for p in self.prefixes):
            return self.direct
        if self.folded and folded_stem in self.folded:
            return self.direct
        if lower in self.expanded_forms or stemmed in self.expanded_stems:
            return EXPANDED
        if any(part in lower for part in self.parts):
            return EXPANDED
        if self.folded and any(part in folded for part in self.folded_parts):
            return EXPANDED
        return 0


def _needles(terms: set[str]) -> re.Pattern | None:
    terms = {t for t in terms if t}
    if not terms:
        return None
    return re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)))


@functools.lru_cache(maxsize=100_000)
def _word_keys(word: str) -> tuple[str, str, str, str]:
    """A word of a stored text as excerpts compare it: lowercased, stemmed, folded, both."""
    lower = word.lower()
    folded = fold(lower)
    return lower, stem(lower), folded, stem(folded)


_WORD = re.compile(r"\w+")


class _Word:
    """A word of a text, as much of re.Match as excerpt() uses, and how it matched."""

    __slots__ = ("_end", "_start", "_text", "how")

    def __init__(self, start: int, end: int, text: str, how: int = DIRECT):
        self._start, self._end, self._text, self.how = start, end, text, how

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end

    def group(self) -> str:
        return self._text


def _marked_words(text: str, matcher: Matcher) -> list:
    """The words of `text` that the query matched, in order."""
    lower = text.lower()
    if len(lower) != len(text):  # a letter whose lowercase is longer: scan every word
        found = ((m, matcher.matches(m.group())) for m in _WORD.finditer(text))
        return [_Word(m.start(), m.end(), m.group(), how) for m, how in found if how]
    spans: set[tuple[int, int]] = set()
    for needles, haystack in (
        (matcher.needles, lower),
        (matcher.folded_needles, fold(lower) if matcher.folded_needles else ""),
    ):
        if needles is None:
            continue
        for hit in needles.finditer(haystack):
            start, end = hit.start(), hit.end()
            while start > 0 and _is_word_char(text[start - 1]):
                start -= 1
            while end < len(text) and _is_word_char(text[end]):
                end += 1
            spans.add((start, end))
    marked = []
    for start, end in sorted(spans):
        word = text[start:end]
        how = matcher.matches(word)
        if how:
            marked.append(_Word(start, end, word, how))
    return marked


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def excerpt(text: str, matcher: Matcher, *, size: int = EXCERPT_CHARS) -> tuple[str, int]:
    """A window of `text` around its most matched words, escaped, matches in <mark>.

    Returns (html, number of matched words in the window).
    """
    marked = _marked_words(text, matcher)
    if not marked:
        return "", 0
    # The window of `size` characters that holds the most matches.
    best_start, best_count = marked[0].start(), 0
    last = 0  # marked[i:last] are the matches that end within `size` of marked[i]'s start
    for i, first in enumerate(marked):
        last = max(last, i)
        while last < len(marked) and marked[last].end() - first.start() <= size:
            last += 1
        if last - i > best_count:
            best_start, best_count = first.start(), last - i
    start = max(0, best_start - size // 4)
    if start:
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 30 else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.find(" ", end)
        end = space if space != -1 and space - end < 30 else end
    parts = ["…" if start else ""]
    position = start
    for m in marked:
        if m.start() < start or m.end() > end:
            continue
        parts.append(html.escape(text[position : m.start()]))
        parts.append(f"{_OPENING[m.how]}{html.escape(m.group())}</mark>")
        position = m.end()
    parts.append(html.escape(text[position:end]))
    parts.append("…" if end < len(text) else "")
    return "".join(parts).strip(), best_count


def _lead(text: str, size: int = EXCERPT_CHARS) -> str:
    if len(text) <= size:
        return html.escape(text)
    cut = text.rfind(" ", 0, size)
    return html.escape(text[: cut if cut > 0 else size]) + "…"


def highlight(fields: Mapping[str, str], matcher: Matcher) -> str:
    """The best excerpt among a document's body fields, or the start of its description."""
    best, best_count = "", 0
    for name in EXCERPT_FIELDS:
        text = fields.get(name) or ""
        if not text:
            continue
        snippet, count = excerpt(text, matcher)
        if count > best_count:
            best, best_count = snippet, count
    if best:
        return best
    for name in EXCERPT_FIELDS:
        if fields.get(name):
            return _lead(fields[name])
    return ""


class Highlights(Mapping):
    """Excerpts by measure id, made when first asked for (a list page shows only a few hits).

    `near`: the ids of the near hits and the telling words that found them, marked there;
    `related`: the ids of the hits of related terms (catalogue.search.thesaurus) and the
    matcher that marks those terms there."""

    def __init__(
        self, searcher, hits: list[tuple[int, int]], matcher: Matcher, near=((), ()),
        related=((), None),
    ):  # fmt: skip
        self._searcher = searcher
        self._docnums = dict(hits)
        self._matcher = matcher
        self.near_ids = frozenset(near[0])
        self._near_matcher = Matcher.of_words(near[1]) if near[1] else matcher
        self._related_ids = frozenset(related[0])
        self._related_matcher = related[1] or matcher
        self._cache: dict[int, str] = {}

    def __getitem__(self, measure_id: int) -> str:
        if measure_id not in self._cache:
            docnum = self._docnums[measure_id]  # KeyError for ids that are not hits
            try:
                fields = self._searcher.stored_fields(docnum)
            except Exception:  # the searcher was replaced meanwhile
                fields = {}
            matcher = self._near_matcher if measure_id in self.near_ids else self._matcher
            if measure_id in self._related_ids:
                matcher = self._related_matcher
            self._cache[measure_id] = highlight(fields, matcher)
        return self._cache[measure_id]

    def __iter__(self):
        return iter(self._docnums)

    def __len__(self):
        return len(self._docnums)
