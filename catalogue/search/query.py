"""Reading a query: Whoosh's query parser set up for Swedish users, and what a query holds.

Query syntax: words are ANDed; "quoted phrases"; OR (or ELLER) between words; -word or NOT word
(INTE) excludes; parentheses group; a trailing * matches a prefix (within catalogue.search.limits).
A query that is not well formed (an unclosed quote or parenthesis, a dangling operator) is
searched as its plain words. A hyphenated query word ("e-handel") is a phrase. Phrases are
matched on the fields that keep word positions: the name, the description and the folded
all-text field; single words on the folded field only when the query has no å/ä/ö.

A query of plain words (letters and digits, one space between words, no operator) is built
without the parser (`_plain_query`): the same query, each word analysed once per kind of
analyzer rather than once per field, in a fifth of the parser's time
(tests/catalogue/test_search_plain_query.py compares both on every word of the report).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from whoosh import query as wq
from whoosh.qparser import (
    AndGroup,
    BoostPlugin,
    FieldsPlugin,
    MultifieldParser,
    OperatorsPlugin,
    PlusMinusPlugin,
    RangePlugin,
)

from catalogue.search import indexing
from catalogue.search.words import has_swedish_letters

OPERATORS = {"AND", "OR", "NOT", "OCH", "ELLER", "INTE"}
_BINARY = {"AND", "OR", "OCH", "ELLER"}


def _parser(fieldboosts: dict[str, float]) -> MultifieldParser:
    parser = MultifieldParser(
        list(fieldboosts), indexing.SCHEMA, fieldboosts=fieldboosts, group=AndGroup
    )
    for plugin in (FieldsPlugin, RangePlugin, BoostPlugin):
        parser.remove_plugin_class(plugin)
    parser.replace_plugin(
        OperatorsPlugin(
            And=r"(?<=\s)(AND|OCH)(?=\s)",
            Or=r"(?<=\s)(OR|ELLER)(?=\s)",
            Not=r"(^|(?<=(\s|[()])))(NOT|INTE)(?=\s)",
            AndNot=None,
            AndMaybe=None,
            Require=None,
        )
    )
    # "-word" excludes, "+word" requires; a hyphen inside a word ("e-handel") is no operator.
    at_word_start = r"(?:(?<=^)|(?<=\s)|(?<=\())"
    parser.add_plugin(
        PlusMinusPlugin(plusexpr=at_word_start + r"\+", minusexpr=at_word_start + "-")
    )
    return parser


_FIELD_BOOSTS = indexing.FIELD_BOOSTS | indexing.FOLDED_BOOSTS
_PARSER = _parser(_FIELD_BOOSTS)


def _same_analysis() -> dict[str, str]:
    """Each searched field → the first searched field whose analyzer is equal to its own (the
    six stemmed fields share one analysis of a word)."""
    first: dict[str, str] = {}
    for name in _FIELD_BOOSTS:
        analyzer = indexing.SCHEMA[name].analyzer
        first[name] = next(
            (other for other in first.values() if indexing.SCHEMA[other].analyzer == analyzer),
            name,
        )
    return first


_ANALYSED_AS = _same_analysis()
# Words the parser reads as they are: letters and digits, one space apart.
_PLAIN_WORDS = re.compile(r"[^\W_]+(?: [^\W_]+)*")


def is_well_formed(text: str) -> bool:
    """Whether the query's syntax is complete: quotes and parentheses closed, operators between
    words, no lone minus."""
    if text.count('"') % 2:
        return False
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    if depth:
        return False
    tokens = re.sub(r'"[^"]*"', " w ", text).replace("(", " ( ").replace(")", " ) ").split()
    if not tokens:
        return True
    previous = "("
    for token in tokens:
        if token in ("-", "+"):
            return False
        if token in _BINARY and (previous in OPERATORS or previous == "("):
            return False
        if token == ")" and (previous in OPERATORS or previous == "("):
            return False
        previous = token
    return previous not in OPERATORS


def plain_words(text: str) -> str:
    """The query's words, lowercased so that none reads as an operator."""
    return " ".join(re.findall(r"\w+", text.lower()))


def parse(text: str):
    folded_terms = not has_swedish_letters(text)
    q = _plain_query(text, folded_terms=folded_terms)
    if q is not None:
        return q
    return _restrict(_PARSER.parse(text), folded_terms=folded_terms).normalize()


def _plain_query(text: str, *, folded_terms: bool):
    """The query the parser, `_restrict` and `normalize()` make of plain words, built directly:
    one Or per distinct word of a term per field (with the field's boost; `folded` only with
    `folded_terms`), stop words left out, several words in an And; or None for any other text
    (syntax, operators, a word that some analyzer splits: the parser's phrases)."""
    if not _PLAIN_WORDS.fullmatch(text):
        return None
    words = text.split(" ")
    if not OPERATORS.isdisjoint(words):
        return None
    groups, seen = [], set()
    for word in words:
        analysed: dict[str, list[str]] = {}
        terms = []
        for name, boost in _FIELD_BOOSTS.items():
            shared = _ANALYSED_AS[name]
            texts = analysed.get(shared)
            if texts is None:
                field = indexing.SCHEMA[shared]
                texts = analysed[shared] = list(
                    field.process_text(word, mode="query", tokenize=True, removestops=True)
                )
            if len(texts) > 1:
                return None
            if texts and (folded_terms or name != "folded"):
                terms.append((name, texts[0], boost))
        key = tuple(terms)
        if terms and key not in seen:  # normalize() drops a stop word and a word again
            seen.add(key)
            group = [wq.Term(name, term, boost=boost) for name, term, boost in terms]
            groups.append(group[0] if len(group) == 1 else wq.Or(group))
    if not groups:
        return wq.NullQuery
    return groups[0] if len(groups) == 1 else wq.And(groups)


def _restrict(q, *, folded_terms: bool):
    """Match phrases on the fields that keep word positions (see SCHEMA), and single words on
    the folded field only when the query has no å/ä/ö (`folded_terms`)."""
    if isinstance(q, wq.Or) and q.subqueries and all(isinstance(c, wq.Phrase) for c in q):
        phrases = [
            wq.Phrase(c.fieldname, c.words, slop=c.slop, boost=indexing.PHRASE_BOOSTS[c.fieldname])
            for c in q
            if c.fieldname in indexing.PHRASE_BOOSTS
        ]
        return wq.Or(phrases) if phrases else wq.NullQuery
    if isinstance(q, wq.Phrase):
        return q if q.fieldname in indexing.PHRASE_BOOSTS else wq.NullQuery
    if not folded_terms and q.is_leaf() and getattr(q, "fieldname", None) == "folded":
        return wq.NullQuery
    return q.apply(lambda sub: _restrict(sub, folded_terms=folded_terms))


def positive_terms(q) -> Iterator[tuple[str, str]]:
    """The (field, text) terms a document is matched on, leaving out excluded ones."""
    if isinstance(q, wq.Not):
        return
    if isinstance(q, wq.AndNot):
        yield from positive_terms(q.a)
        return
    if isinstance(q, wq.Phrase):
        for word in q.words:
            yield q.fieldname, word
        return
    if isinstance(q, (wq.Term, wq.Prefix, wq.Wildcard)):
        yield q.fieldname, q.text
        return
    for child in q.children():
        yield from positive_terms(child)


def is_plain(text: str) -> bool:
    """Whether the query is words only: no quotes, groups, operators, signs or wildcards."""
    if any(c in text for c in '"()*+'):
        return False
    return not any(w in OPERATORS or w.startswith("-") for w in text.split())


def is_one_phrase(text: str) -> bool:
    """Whether the query is one quoted phrase and nothing else ("offentlig upphandling" in
    quotes; a quoted single word too)."""
    stripped = text.strip()
    return stripped.count('"') == 2 and stripped.startswith('"') and stripped.endswith('"')


def word_of(q) -> str | None:
    """The query word a parsed word query stands for (as written, lowercase), read from its
    `exact` term: the parser makes one Or of a term per field for each word."""
    if isinstance(q, wq.Term) and q.fieldname == "exact":
        return q.text
    if isinstance(q, wq.Or):
        written = [
            c.text for c in q.children() if isinstance(c, wq.Term) and c.fieldname == "exact"
        ]
        if len(written) == 1:  # one word; an Or of several words' terms is no word
            return written[0]
    return None
