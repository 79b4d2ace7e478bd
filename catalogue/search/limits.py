"""Bounds on what one search may cost, whoever writes the query.

Whoosh's query syntax is open: `?*` expands to every term of a field, `*e*` scans them all, and
a hundred terms or deeply nested groups multiply the matchers. A query is therefore rewritten,
before it is parsed, to what users need:

- a trailing `*` after at least MIN_PREFIX letters ("kompet*") is kept, at most MAX_PREFIXES of
  them per query; every other `*` and every `?` is dropped, and what remains is searched as
  plain words ("*e*" → "e", "??*" → nothing);
- at most MAX_TERMS words (the rest are dropped), none longer than MAX_WORD characters;
- parentheses nested deeper than MAX_DEPTH are removed (the words stay).

After parsing, each prefix is searched among the words as written (the `exact` field), expanded
to at most MAX_EXPANSION terms (the most frequent of the first SCAN_LIMIT it finds), and the
collection of hits stops after settings.SEARCH_TIME_LIMIT seconds (`scoring` for terms under
Ors and Ands, `DeadlineCollector` for the rest),
answering with the hits found so far. Per address, settings.SEARCH_RATE_LIMIT uncached searches
per SEARCH_RATE_WINDOW seconds (`spend`).
"""

from __future__ import annotations

import itertools
import re
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from whoosh import query as wq
from whoosh.collectors import TimeLimit, WrappingCollector

MIN_PREFIX = 3
MAX_PREFIXES = 3
MAX_EXPANSION = 30
SCAN_LIMIT = 1000
MAX_TERMS = 12
MAX_WORD = 40
MAX_DEPTH = 3

OPERATORS = {"AND", "OR", "NOT", "OCH", "ELLER", "INTE"}

# A quoted phrase, a parenthesis, or a run of anything else up to a space.
_TOKEN = re.compile(r'"[^"]*"?|[()]|[^\s()"]+')
_PREFIX = re.compile(rf"^([+-]?)(\w{{{MIN_PREFIX},}})\*+$")
_LONG_WORD = re.compile(rf"\w{{{MAX_WORD + 1},}}")


@dataclass(frozen=True)
class Bounded:
    """A query rewritten within the limits, and what was changed to get there."""

    text: str
    wildcards_dropped: bool = False
    terms_dropped: int = 0
    groups_flattened: bool = False
    words_shortened: bool = False

    @property
    def changed(self) -> bool:
        return bool(
            self.wildcards_dropped
            or self.terms_dropped
            or self.groups_flattened
            or self.words_shortened
        )


def bound(text: str) -> Bounded:
    """`text` rewritten within the structural limits (see the module's docstring)."""
    wildcards_dropped = words_shortened = groups_flattened = False

    def shorten(match: re.Match) -> str:
        nonlocal words_shortened
        words_shortened = True
        return match.group()[:MAX_WORD]

    tokens = []
    prefixes = 0
    for token in _TOKEN.findall(text):
        if token[0] == '"' or token in "()":
            if "*" in token or "?" in token:
                wildcards_dropped = True
                token = token.replace("*", " ").replace("?", " ")
            tokens.append(_LONG_WORD.sub(shorten, token))
            continue
        if "*" in token or "?" in token:
            prefix = _PREFIX.match(token.replace("?", "\0"))
            if prefix and prefixes < MAX_PREFIXES:
                prefixes += 1
                sign, word = prefix.groups()
                if len(word) > MAX_WORD:
                    word, words_shortened = word[:MAX_WORD], True
                tokens.append(f"{sign}{word}*")
                continue
            wildcards_dropped = True
            token = token.replace("*", " ").replace("?", " ").strip()
            if not token:
                continue
        tokens.append(_LONG_WORD.sub(shorten, token))

    # Nesting: deeper groups than MAX_DEPTH lose all their parentheses.
    depth = deepest = 0
    for token in tokens:
        if token == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif token == ")":
            depth -= 1
    if deepest > MAX_DEPTH:
        groups_flattened = True
        tokens = [t for t in tokens if t not in "()"]

    # Terms: the first MAX_TERMS words count; a phrase counts each of its words. A word repeated
    # outside groups and operators adds nothing to the search and is dropped.
    kept, terms, dropped, seen = [], 0, 0, set()
    plain = not any(t in "()" or t in OPERATORS for t in tokens)
    for token in tokens:
        if token in "()" or token in OPERATORS:
            kept.append(token)
            continue
        if plain and token.lower() in seen:
            dropped += 1
            continue
        seen.add(token.lower())
        words = len(re.findall(r"\w+", token))
        if terms + words > MAX_TERMS:
            dropped += words
            continue
        terms += words
        kept.append(token)
    return Bounded(
        text=" ".join(kept).replace("( ", "(").replace(" )", ")"),
        wildcards_dropped=wildcards_dropped,
        terms_dropped=dropped,
        groups_flattened=groups_flattened,
        words_shortened=words_shortened,
    )


def expand_prefixes(q, reader, *, field: str = "exact"):
    """The parsed query with each prefix ("kompet*") searched on `field` only (the words as
    written) as an Or of at most MAX_EXPANSION of its terms, the most frequent among the first
    SCAN_LIMIT; the prefix on other fields, and any other multi-term query (Wildcard, Regex,
    FuzzyTerm: `bound` leaves none, this is the second line), is removed.

    Returns (query, whether some prefix had more terms than it was given)."""
    capped = False

    def visit(sub):
        nonlocal capped
        if isinstance(sub, wq.Prefix):
            if sub.fieldname != field:
                return wq.NullQuery
            found = itertools.islice(reader.expand_prefix(field, sub.text), SCAN_LIMIT)
            terms = [(reader.doc_frequency(field, term), term) for term in found]
            if len(terms) > MAX_EXPANSION:
                capped = True
                terms = sorted(terms, reverse=True)[:MAX_EXPANSION]
            if not terms:
                return wq.NullQuery
            texts = sorted(t.decode("utf-8") if isinstance(t, bytes) else t for _, t in terms)
            return wq.Or([wq.Term(field, t, boost=sub.boost) for t in texts])
        if isinstance(sub, (wq.Wildcard, wq.Regex, wq.FuzzyTerm, wq.Variations)):
            return wq.NullQuery
        return sub.apply(visit)

    return visit(q).normalize(), capped


# ---------------------------------------------------------------------------------------------
# Per-address budget of uncached searches

_client: ContextVar[str | None] = ContextVar("search_client", default=None)


class SearchClientMiddleware:
    """Tells the search whose request it serves, so that `spend` can count per address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from catalogue.feedback import client_address

        token = _client.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            _client.reset(token)


def spend() -> bool:
    """Whether the current client may run one more uncached search now.

    settings.SEARCH_RATE_LIMIT uncached searches per SEARCH_RATE_WINDOW seconds per address
    (counted in the cache all workers of a server share; 0 turns it off). Repeated queries are
    answered from the result cache and cost nothing. Outside a request (a shell, a test calling
    the search directly) nothing is counted.
    """
    limit = getattr(settings, "SEARCH_RATE_LIMIT", 0)
    address = _client.get()
    if not limit or address is None:
        return True
    window = max(1, int(getattr(settings, "SEARCH_RATE_WINDOW", 10)))
    cache = caches["shared"]
    key = f"search-rate:{address}:{int(time.time() // window)}"
    cache.add(key, 0, timeout=window * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        count = 1
    return count <= limit


class DeadlineCollector(WrappingCollector):
    """Stops collecting `timelimit` seconds after the search began (Whoosh's `TimeLimit`, with
    the hits collected so far in the child collector).

    Whoosh's own TimeLimitCollector starts a timer thread for every search (or uses SIGALRM,
    which would interrupt whatever the worker is doing and works only in the main thread):
    starting and cancelling that thread was some 15 % of collecting a new query's hits on the
    bundled report. This one reads the clock between hits instead, as the timer's flag was."""

    def __init__(self, child, timelimit: float):
        super().__init__(child)
        self.timelimit = timelimit
        self.deadline = 0.0

    def prepare(self, top_searcher, q, context):
        self.child.prepare(top_searcher, q, context)
        self.deadline = time.monotonic() + self.timelimit

    def collect_matches(self):
        child, deadline, clock = self.child, self.deadline, time.monotonic
        for sub_docnum in child.matches():
            if clock() > deadline:
                raise TimeLimit
            child.collect(sub_docnum)
