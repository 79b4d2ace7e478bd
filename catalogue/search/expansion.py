"""Query words that also find what they mean in other forms, ranked below the words as written.

For each word of a parsed query (the parser's Or of one term per field), alternatives are added
at a low weight:

- compounds that begin with it: `exact` terms (word forms as written) that start with the word's
  stem ("vätgas" → "vätgasmack", "kompetensförsörjning" → "kompetensförsörjningsarbete");
- compounds that end with it: `reversed` terms (stems backwards) that start with the word's stem
  backwards ("vätgas" → "grönvätgas");
- a compound's parts written apart ("vätgasmack" → "vätgas mack"), where the index knows both;
- an abbreviation's meaning ("KKN" → "kulturella och kreativa näringar"), and the other way
  round: words of the query that spell out an abbreviation also find it.

Short words do not flood: the stem must have MIN_PART letters, and a compound must be
MIN_REST letters longer than it. Each direction takes at most MAX_COMPOUNDS terms (the most
frequent), for the first MAX_WORDS words of the query. What was added is returned
(`Expanded`) for the excerpts and the page's notes.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from whoosh import query as wq

from catalogue.search import abbreviations, compounds, phrases, query
from catalogue.search.words import SWEDISH_STOPWORDS, has_swedish_letters, stem

MIN_PART = 4
MIN_REST = 3
MAX_COMPOUNDS = 12
# Compounds and parts are searched for the first MAX_WORDS words of a query only: a longer
# query is specific already, and each word's alternatives cost matchers.
MAX_WORDS = 4
SCAN_LIMIT = 1000
COMPOUND_BOOST = 0.25
PARTS_BOOST = 0.5
ABBREVIATION_BOOST = 0.5
RESTORED_BOOST = 0.8
# A synonym of synonyms.txt names the same thing as the word: it weighs near a spelling restored
# with å/ä/ö, above a compound's parts (bench/search_sweep.py: 0.7 to 0.8 alike on the
# development half, the regression set unchanged).
SYNONYM_BOOST = 0.75
MAX_ABBREVIATION = 5  # letters of an abbreviation matched only as written
BASE_FORM_BOOST = 0.9
# Endings after which a word ending in -el, -er or -en loses its e ("kluster" → "klustren",
# "regel" → "regler", "öken" → "öknar"), longest first: Snowball stems the two apart.
_E_DROPPING_ENDINGS = (
    "erna",
    "arna",
    "orna",
    "ena",
    "ets",
    "ens",
    "en",
    "et",
    "ar",
    "er",
    "or",
    "na",
    "a",
)
_VOWELS = frozenset("aeiouyåäö")
_LATIN_STEMS = ("centr", "muse", "gymnasi", "kriteri", "stipendi")
# A word typed without å/ä/ö is tried with them (a → a/å/ä, o → o/ö; "lakemedel" →
# "läkemedel"), at most this many spellings at a time.
MAX_SPELLINGS = 27
_VARIANTS = {"a": "aåä", "o": "oö"}


@dataclass
class Expanded:
    """What the expansion added to a query."""

    forms: set[str] = field(default_factory=set)  # word forms as written (`exact`)
    stems: set[str] = field(default_factory=set)  # stems of words that end with a query word
    abbreviations: list[tuple[str, str]] = field(default_factory=list)  # (abbreviation, meaning)
    synonyms: list[tuple[str, str]] = field(default_factory=list)  # (word, synonym)

    def __bool__(self) -> bool:
        return bool(self.forms or self.stems or self.abbreviations or self.synonyms)


def expand(q, reader, meanings: Mapping[str, tuple[str, ...]], parse: Callable[[str], object]):
    """The query with its words' alternatives added, and what was added.

    `meanings`: lowercase abbreviation → what it stands for; `parse`: text → query, as the
    search parses the user's text."""
    expanded = Expanded()
    budget = [MAX_WORDS]  # words left whose compounds and parts are searched too
    key = (id(meanings), id(reader))
    spelled = _spelled_cache.get(key)
    if spelled is None:
        _spelled_cache.clear()
        spelled = _spelled_cache[key] = _spelled(meanings, lambda t: _rewritten(reader, t))

    def visit(node):
        if phrases.is_phrase(node):
            return phrases.with_words_scored(node)
        if isinstance(node, (wq.Not, wq.Phrase)):
            return node
        if isinstance(node, wq.AndNot):
            return wq.AndNot(visit(node.a), node.b)
        word = query.word_of(node)
        if word is not None:
            return _with_alternatives(node, word)
        if isinstance(node, wq.And):
            children = [visit(child) for child in node.children()]
            return _with_abbreviations(node, children)
        if isinstance(node, wq.Or):
            return _either_with_abbreviation(node, node.apply(visit))
        return node.apply(visit)

    def _either_with_abbreviation(node, visited):
        """Words in an Or (a coordination written out: "studievägledning OR yrkesvägledning",
        flattened by the parser into one Or of terms) that spell out an abbreviation also find
        the abbreviation."""
        written = [
            c.text for c in node.children() if isinstance(c, wq.Term) and c.fieldname == "exact"
        ]
        stems = tuple(stem(w) for w in written)
        for abbreviation, (meaning, parts) in spelled.items():
            if len(stems) >= 2 and parts == stems:
                expanded.abbreviations.append((abbreviation, meaning))
                expanded.forms.add(abbreviation)
                alias = wq.Term("exact", abbreviation, boost=ABBREVIATION_BOOST)
                return wq.Or([visited, alias], boost=node.boost)
        return visited

    def _with_alternatives(node, word: str):
        alternatives = []
        budget[0] -= 1
        spellings = [word]
        restored = _restored(reader, word) if budget[0] >= 0 else None
        if restored:
            # Typed without å/ä/ö: the folded field finds the word itself; its compounds and
            # parts are found through the spelling with them.
            spellings = [restored]
            expanded.forms.add(restored)
            alternatives.append(_boosted(parse(restored), RESTORED_BOOST))
        base = _base_form(reader, spellings[0]) if budget[0] >= 0 else None
        if base:
            spellings.append(base)
            expanded.forms.add(base)
            alternatives.append(_boosted(parse(base), BASE_FORM_BOOST))
        for spelling in spellings:
            stemmed = stem(spelling)
            if budget[0] < 0 or not spelling.isalpha() or len(stemmed) < MIN_PART:
                continue
            forms = _longer_terms(reader, "exact", stemmed, exclude_stem=stemmed)
            if forms:
                expanded.forms.update(forms)
                alternatives += [wq.Term("exact", t, boost=COMPOUND_BOOST) for t in forms]
            backwards = _longer_terms(reader, "reversed", stemmed[::-1])
            if backwards:
                expanded.stems.update(t[::-1] for t in backwards)
                alternatives += [wq.Term("reversed", t, boost=COMPOUND_BOOST) for t in backwards]
            parts = _parts(reader, spelling)
            if parts:
                expanded.forms.update(parts)
                alternatives.append(_boosted(parse(" ".join(parts)), PARTS_BOOST / len(parts)))
        for synonym in abbreviations.synonyms().get(stem(spellings[0]), ()):
            expanded.synonyms.append((word, synonym))
            expanded.forms.add(synonym)
            alternatives.append(_boosted(parse(synonym), SYNONYM_BOOST))
        for meaning in meanings.get(word, ()):
            expanded.abbreviations.append((word, meaning))
            text = _rewritten(reader, meaning)
            # Divided among the meaning's words: several words must not outweigh the one written.
            size = max(1, len([w for w in text.split() if w.lower() not in SWEDISH_STOPWORDS]))
            alternatives.append(_boosted(parse(text), ABBREVIATION_BOOST / size))
        if word in meanings and len(word) <= MAX_ABBREVIATION:
            # An abbreviation is matched as written, not by its stem: RIS is not "RISE".
            node = wq.And([node, wq.Term("exact", word, boost=0)], boost=node.boost)
        if not alternatives:
            return node
        return wq.Or([node, *alternatives])

    def _with_abbreviations(node, children):
        words = [query.word_of(c.subqueries[0] if _is_expanded(c) else c) for c in children]
        stems = [stem(w) if w else None for w in words]
        for abbreviation, (meaning, parts) in spelled.items():
            size = len(parts)
            for start in range(len(stems) - size + 1):
                if tuple(stems[start : start + size]) == parts:
                    group = wq.And(children[start : start + size])
                    alias = wq.Term("exact", abbreviation, boost=ABBREVIATION_BOOST)
                    children = [*children[:start], wq.Or([group, alias]), *children[start + size :]]
                    expanded.abbreviations.append((abbreviation, meaning))
                    expanded.forms.add(abbreviation)
                    break
            else:
                continue
            break
        return wq.And(children, boost=node.boost)

    return visit(q), expanded


def _is_expanded(node) -> bool:
    return isinstance(node, wq.Or) and node.subqueries and query.word_of(node.subqueries[0])


def _boosted(q, boost: float):
    q = q.normalize()
    if q is wq.NullQuery:
        return q
    q.boost = boost
    return q


def _longer_terms(reader, fieldname: str, prefix: str, exclude_stem: str | None = None):
    """Up to MAX_COMPOUNDS terms of the field that start with `prefix` and are MIN_REST letters
    longer, the most frequent first; not those whose stem is `exclude_stem`."""
    found = []
    # (term, its TermInfo): the document frequency without looking the term up again.
    for raw, info in itertools.islice(reader.iter_prefix(fieldname, prefix), SCAN_LIMIT):
        term = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        if len(term) >= len(prefix) + MIN_REST and term.isalpha():
            found.append((info.doc_frequency(), term))
    found.sort(reverse=True)
    # Stemmed only until enough are kept (a new word's stem is Snowball's work, not a cache's).
    kept = []
    for _, term in found:
        if exclude_stem is not None and stem(term) == exclude_stem:
            continue  # an inflected form: the stemmed fields match it already
        kept.append(term)
        if len(kept) == MAX_COMPOUNDS:
            break
    return kept


def _parts(reader, word: str) -> list[str] | None:
    """A query compound's two parts, if the index has both as words of their own
    ("vätgasmack" → ["vätgas", "mack"]); a linking s may join them ("läns|styrelse")."""
    if len(word) < 2 * MIN_PART or not word.isalpha():
        return None
    known = functools.partial(_known, reader)
    for cut in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        head, tail = word[:cut], word[cut:]
        if not known(tail):
            continue
        if known(head):
            return [head, tail]
        if head.endswith("s") and len(head) > MIN_PART and known(head[:-1]):
            return [head[:-1], tail]
    return None


def _base_form(reader, word: str) -> str | None:
    """The dictionary form the texts write of an inflected word whose stem differs from it,
    because the form dropped the e of an -el/-er/-en ending ("klustren" → "kluster",
    "cyklar" → "cykel"): one of the field's frequent words of that kind, found in the index."""
    if len(word) < MIN_PART + 2 or not word.isalpha():
        return None
    for ending in _E_DROPPING_ENDINGS:
        if not word.endswith(ending):
            continue
        rest = word[: -len(ending)]
        if len(rest) < 3 or rest[-1] not in "lrn" or rest[-2] in _VOWELS:
            continue
        base = rest[:-1] + "e" + rest[-1]
        if stem(base) != stem(word) and reader.doc_frequency("exact", base) > 0:
            return base
    # Latin nouns in -um: "centrum", "centret", "centra" ("lärcentrum" → "lärcentra").
    for ending in ("um", "et", "a"):
        if word.endswith(ending) and word[: -len(ending)].endswith(_LATIN_STEMS):
            rest = word[: -len(ending)]
            found = [
                (reader.doc_frequency("exact", rest + other), rest + other)
                for other in ("um", "et", "a")
                if other != ending
            ]
            frequency, base = max(found)
            if frequency and stem(base) != stem(word):
                return base
    return None


def _restored(reader, word: str) -> str | None:
    """The spelling with å/ä/ö of a word typed without them that the texts use most, if the
    word as typed is rarer ("lakemedel" → "läkemedel", "utlandsk" → "utländsk"): a word is
    counted as written (`exact`) or as the start of longer words (its stem a prefix there).

    Spellings are built letter by letter; within the stem's length a spelling goes on only
    while some word of the texts begins with it, so few of the 3 × 2 choices per a and o are
    ever looked up, and at most MAX_SPELLINGS spellings are alive at a time."""
    if has_swedish_letters(word) or len(word) < MIN_PART or not word.isalpha():
        return None
    if not any(c in _VARIANTS for c in word):
        return None
    checked = len(stem(word))
    spellings = [""]
    for i, letter in enumerate(word):
        grown = [s + choice for s in spellings for choice in _VARIANTS.get(letter, letter)]
        if letter in _VARIANTS and i < checked:
            grown = [s for s in grown if _begins_a_word(reader, s)]
        spellings = grown[:MAX_SPELLINGS]
        if not spellings:
            return None

    def weight(spelling: str) -> int:
        found = reader.doc_frequency("exact", spelling)
        if found:
            return found
        return 1 if _begins_a_word(reader, stem(spelling)) else 0

    best, best_weight = None, weight(word)
    for spelling in spellings:
        if spelling == word:
            continue
        found = weight(spelling)
        if found > best_weight:
            best, best_weight = spelling, found
    return best


def _begins_a_word(reader, prefix: str) -> bool:
    """Whether some word of the texts (`exact`) begins with `prefix`."""
    return any(True for _ in itertools.islice(reader.expand_prefix("exact", prefix), 1))


def _known(reader, word: str) -> bool:
    return word not in SWEDISH_STOPWORDS and reader.doc_frequency("exact", word) > 0


def _rewritten(reader, text: str) -> str:
    """The text with its hyphen-elided coordinations written out, for searching."""
    return compounds.rewrite_coordinations(text, lambda w: is_known_word(reader, w))


def is_known_word(reader, word: str) -> bool:
    """Whether the index knows `word` as a word or as the part of a compound."""
    return len(word) >= compounds.MIN_HEAD_PART and (
        reader.doc_frequency("exact", word) > 0
        or reader.doc_frequency("description", stem(word)) > 0
    )


# The abbreviations' meanings as compared, for the current reader (one entry: a new reader after
# an index change computes them again).
_spelled_cache: dict[tuple[int, int], dict] = {}


def _spelled(meanings, rewrite) -> dict[str, tuple[str, tuple[str, ...]]]:
    """abbreviation → (a meaning of two or more words, its words' stems without stop words, as
    the query's words are compared: coordinations written out by `rewrite`)."""
    spelled = {}
    for abbreviation, forms in meanings.items():
        for meaning in forms:
            plain = query.plain_words(rewrite(meaning)).replace(" or ", " ")
            words = [w for w in plain.split() if w not in SWEDISH_STOPWORDS]
            if len(words) >= 2:
                spelled[abbreviation] = (meaning, tuple(stem(w) for w in words))
                break
    return spelled
