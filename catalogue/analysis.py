"""Swedish text analysis for the search index: tokenizing, stemming, å/ä/ö folding, decompounding.

The analyzers built here are pickled into the Whoosh index, so every class and function they use
lives at module level in this module: renaming the module means rebuilding the index.

- Stemming: the Snowball Swedish stemmer (`snowballstemmer`), applied until it stops changing the
  word ("kompetensen" → "kompetens" → "kompet", the same stem as "kompetens"), with two repairs:
  adjectives in -bar keep their "bar" ("hållbar", "hållbara", "hållbarhet" → "hållbar") and common
  neuter adjective endings lose their -t ("hållbart", "digitalt", "cirkulärt").
- Folding: å, ä → a, ö → o, é → e (and the like), for people who type without Swedish letters.
- Decompounding, at index time only: a compound such as "kompetensförsörjningen" also yields its
  parts ("kompetens", "försörjningen") at the same position, so that a search for "försörjning"
  finds it. Parts are checked against the hunspell-sv word list, allowing a linking "s"
  ("vindkrafts|etablering") and a dropped final a/e ("skol|utveckling"). Proper nouns in the word
  list ("Örebro" is not "öre" + "bro") and a short never-split list are left whole. The word list is
  read only when a compound has to be split, i.e. when indexing, and cached once per process.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import snowballstemmer
from whoosh.analysis import Filter, LowercaseFilter, RegexTokenizer, StopFilter

logger = logging.getLogger(__name__)

# Snowball's Swedish stop word list (snowballstem.org/algorithms/swedish/stop.txt).


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


SWEDISH_STOPWORDS = _words(
    """
    och det att i en jag hon som han på den med var sig för så till är men ett om hade de av icke
    mig du henne då sin nu har inte hans honom skulle hennes där min man ej vid kunde något från ut
    när efter upp vi dem vara vad över än dig kan sina här ha mot alla under någon eller allt mycket
    sedan ju denna själv detta åt utan varit hur ingen mitt ni bli blev oss din dessa några deras
    blir mina samma vilken er sådan vår blivit dess inom mellan sådant varför varje vilka ditt vem
    vilket sitta sådana vart dina vars vårt våra ert era vilkas
    """
)

TOKEN_PATTERN = r"\w+"

# Folding for people who type without Swedish letters (and without accents).
_FOLD = str.maketrans(
    {
        "å": "a",
        "ä": "a",
        "ö": "o",
        "æ": "a",
        "ø": "o",
        "ü": "u",
        "é": "e",
        "è": "e",
        "ê": "e",
        "á": "a",
        "à": "a",
        "í": "i",
        "ó": "o",
        "ú": "u",
    }
)
SWEDISH_LETTERS = frozenset("åäöÅÄÖ")

# Neuter adjective endings whose -t Snowball keeps ("digitalt" would not meet "digital").
_NEUTER_T_ENDINGS = ("alt", "ellt", "ärt", "iskt", "igt", "bart", "ivt", "ënt")


def fold(text: str) -> str:
    """Fold å/ä/ö and accents to plain ASCII letters ("jämställdhet" → "jamstalldhet")."""
    text = text.translate(_FOLD)
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def has_swedish_letters(text: str) -> bool:
    return any(c in SWEDISH_LETTERS for c in text)


_snowball = snowballstemmer.stemmer("swedish")


@functools.lru_cache(maxsize=100_000)
def _snowball_stem(word: str) -> str:
    # Memoized: stem() asks again for each stem it finds until one stays the same, and many
    # stems are words of their own (about a fifth of the calls when indexing the report).
    return _snowball.stemWord(word)


@functools.lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The Swedish stem of a lowercase word, stable across its inflected forms."""
    if len(word) < 3 or not word.isalpha():
        return word
    if word.endswith(_NEUTER_T_ENDINGS):
        word = word[:-1]
    current = word
    for _ in range(4):
        stemmed = _snowball_stem(current)
        if stemmed == current:
            break
        current = stemmed
    # "hållbar" → "hållb" but "hållbara" → "hållbar": keep the adjective suffix -bar whole.
    if current.endswith("b") and word.startswith(current + "ar"):
        current += "ar"
    return current


class SwedishStemFilter(Filter):
    """Replaces each token's text by its Swedish stem (see `stem`)."""

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        for t in tokens:
            if not t.stopped:
                t.text = stem(t.text)
            yield t


class FoldFilter(Filter):
    """Folds å/ä/ö and accents (see `fold`)."""

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        for t in tokens:
            t.text = fold(t.text)
            yield t


# ---------------------------------------------------------------------------------------------
# Decompounding

# Compounds that must stay whole: splitting them gives hits nobody wants ("arbete" → samarbete).
NEVER_SPLIT = _words(
    """
    samarbete samarbeten samarbetet samarbeta samarbetar samverkan samverka samhälle samhället
    samhällen arbetskraft arbetskraften tillväxtverket företag företaget företagen företagare
    företagande
    förening föreningar föreningen förutsättning förutsättningar förhållande förhållanden
    verksamhet verksamheten verksamheter landskap landskapet kunskap kunskaper kunskapen
    tillväxt tillväxten tillgång tillgången tillgänglighet underlag underlaget
    översyn översikt överenskommelse överenskommelser bostad bostäder bostaden
    näring näringar näringen regering regeringen ledning ledningen utveckling utvecklingen
    utbildning utbildningen utbildningar omställning omställningen miljö miljön miljöer
    """
)

# Place names the word list may lack as proper nouns ("Väster|norrland" must not meet "Västerås").
NEVER_SPLIT |= _words(
    """
    västernorrland västerbotten norrbotten östergötland västmanland gävleborg jämtland härjedalen
    kronoberg blekinge värmland dalarna sörmland halland gotland skåne uppsala stockholm örebro
    kalmar jönköping götaland västragötaland västsverige norrland svealand mellansverige
    """
)

# Heads that are prefixes or particles far more often than words of their own in a compound
# ("för|utsättning", "till|växt", "sam|verkan").
_BANNED_HEADS = _words(
    "för före till upp över under sam mot med efter från genom vid ute inne bort"
)
_BANNED_HEADS |= _words("hem fram sen")
# Tails that are derivational suffixes rather than words ("jämställd|het", "hållbar|het").
_BANNED_TAILS = _words("het else ning skap dom ande ende are lig isk bar ism ist ens barhet ring")
_BANNED_TAILS |= _words("liga ingar rare")

MIN_COMPOUND = 7  # shortest word worth splitting
MIN_HEAD = 4  # a part's dictionary form; 3 letters only before a linking s ("läns|styrelsen")
# Short words that often begin compounds: "små|företag", "el|nät", "tåg|trafik", "bio|gas".
SHORT_HEADS = _words("el små sol tåg kol bio eko ung mat")
MIN_TAIL = 4

# Inflectional endings stripped from a compound's final part to find its dictionary form
# ("försörjningen" → "försörjning"), longest first.
_ENDINGS = tuple(
    sorted(
        _words(
            """s n t a e r en et er ar or na ns ts es as rs ens ets ers ars ors ena ade ades at
            ats arna erna orna rna arnas ernas ornas rnas enas de des te tes da ta"""
        ),
        key=len,
        reverse=True,
    )
)


_ENDING_SET = frozenset(_ENDINGS)
_LONGEST_ENDING = len(_ENDINGS[0])


@dataclass(frozen=True)
class Lexicon:
    """The Swedish word list: common words and lowercased proper nouns (not also common words)."""

    words: frozenset[str]
    proper: frozenset[str]

    def __contains__(self, word: str) -> bool:
        return word in self.words


def hunspell_path() -> Path | None:
    """The hunspell-sv dictionary: $HUNSPELL_SV_DIC, the environment's share/ (the hunspell-sv
    wheel puts it there), or Debian's /usr/share/hunspell."""
    candidates = [
        os.environ.get("HUNSPELL_SV_DIC"),
        Path(sys.prefix) / "share" / "hunspell" / "sv_SE.dic",
        Path(sys.base_prefix) / "share" / "hunspell" / "sv_SE.dic",
        "/usr/share/hunspell/sv_SE.dic",
    ]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def read_lexicon(path: Path) -> Lexicon:
    """Read a hunspell .dic file (first line: count; then "word/FLAGS") into a `Lexicon`."""
    words: set[str] = set()
    capitalised: set[str] = set()
    with open(path, encoding="utf-8") as dic:
        next(dic, None)
        for line in dic:
            word = line.split("/", 1)[0].strip()
            if len(word) < 3 or not word.isalpha():
                continue
            if word[0].isupper():
                capitalised.add(word.lower())
            else:
                words.add(word)
    return Lexicon(words=frozenset(words), proper=frozenset(capitalised - words))


_EMPTY_LEXICON = Lexicon(frozenset(), frozenset())


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """The cached word list, read on first use (indexing only)."""
    path = hunspell_path()
    if path is None:
        logger.warning("No Swedish hunspell word list found: compounds will not be split.")
        return _EMPTY_LEXICON
    return read_lexicon(path)


def _head_word(head: str, lex: Lexicon) -> str | None:
    """The dictionary word a compound's non-final part stands for, if any."""
    if head in SHORT_HEADS:
        return head
    words = lex.words
    if head.endswith("s") and len(head) > 3:
        base = head[:-1]  # linking s: "vindkrafts|etablering", "läns|styrelsen"
        if base in words:
            return None if base in _BANNED_HEADS else base
        if len(base) >= MIN_HEAD and base + "e" in words:
            return base + "e"  # "arbets|marknad" (arbete)
    if len(head) < MIN_HEAD or head in _BANNED_HEADS:
        return None
    if head in words:
        return head
    for vowel in "ae":  # dropped final vowel: "skol|utveckling" (skola)
        if head + vowel in words:
            return head + vowel
    return None


def base_form(word: str, lex: Lexicon) -> str | None:
    """The dictionary form of an inflected word, found by stripping an ending, or None."""
    words = lex.words
    if word in words:
        return word
    # Longest ending first, as in _ENDINGS (at most one ending of each length can match).
    for size in range(min(_LONGEST_ENDING, len(word) - MIN_TAIL), 0, -1):
        if word[-size:] in _ENDING_SET:
            base = word[:-size]
            if base in words:
                return base
    return None


def _is_tail(tail: str, lex: Lexicon) -> bool:
    """Whether a compound's final part, possibly inflected, is a word."""
    if len(tail) < MIN_TAIL or tail in _BANNED_TAILS or tail in SWEDISH_STOPWORDS:
        return False
    base = base_form(tail, lex)
    return base is not None and base not in _BANNED_TAILS


def _split(word: str, lex: Lexicon, depth: int = 0) -> list[str] | None:
    """The best split of `word` into parts (non-final ones in dictionary form), or None.

    Fewest parts win; among those, the longest final part (the compound's head word).
    """
    best = None
    best_key = None
    for i in range(2, len(word) - MIN_TAIL + 1):
        head, tail = word[:i], word[i:]
        head_word = _head_word(head, lex)
        if head_word is None or (i == 2 and len(tail) < 5):
            continue
        if _is_tail(tail, lex):
            parts = [head_word, tail]
        elif depth < 2 and len(tail) >= MIN_COMPOUND:
            rest = _split(tail, lex, depth + 1)
            if rest is None:
                continue
            parts = [head_word, *rest]
        else:
            continue
        key = (-len(parts), len(parts[-1]))
        if best_key is None or key > best_key:
            best, best_key = parts, key
    return best


def compound_parts(word: str, lex: Lexicon | None = None) -> list[str]:
    """The words inside a lowercase compound, or [] if it is not one.

    "kompetensförsörjningen" → ["kompetens", "försörjningen"]; "vindkraftsetablering" →
    ["vindkraft", "etablering"]. Parts that are dictionary words are not split further: without
    word frequencies, "transport" would become "tran" + "sport".
    """
    if lex is None:
        lex = lexicon()
    if (
        len(word) < MIN_COMPOUND
        or not word.isalpha()
        or word in NEVER_SPLIT
        or word in lex.proper
        or stem(word) in NEVER_SPLIT
    ):
        return []
    parts = _split(word, lex)
    if parts is None:
        return []
    if len(parts) == 2 and base_form(word, lex) is not None:
        # A word of its own in the list ("transport", "kompetens") splits only with a linking s
        # or into two long parts ("tran|sport" and "komp|etens" are accidents of spelling).
        head_surface = word[: len(word) - len(parts[1])]
        if (
            parts[0] not in SHORT_HEADS
            and not (head_surface.endswith("s") and parts[0] != head_surface)
            and min(len(head_surface), len(parts[1])) < 5
        ):
            return []
    if len(parts) > 2:
        # A three-part compound also holds its last two parts as one word:
        # "vätgas|tank|stationer" → "tankstationer".
        rest = parts[-1]
        for part in reversed(parts[1:-1]):
            i = word.rfind(rest)
            start = word.rfind(part[:3], 0, i)
            if start < 0:
                break
            rest = word[start:]
            parts.append(rest)
    return [p for p in dict.fromkeys(parts) if p != word]


@functools.lru_cache(maxsize=200_000)
def _cached_parts(word: str) -> tuple[str, ...]:
    return tuple(compound_parts(word))


class DecompoundFilter(Filter):
    """At index time, adds the parts of each compound at the compound's own position."""

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        for t in tokens:
            if t.mode != "index" or t.stopped:
                yield t
                continue
            parts = _cached_parts(t.text)
            yield t
            for part in parts:
                t.text = part
                yield t


# ---------------------------------------------------------------------------------------------
# The same steps fused into one filter, each distinct word analysed once per process.


@functools.lru_cache(maxsize=200_000)
def word_forms(word: str, index: bool, folding: bool) -> tuple[str, ...]:
    """The terms a lowercase word stands for: its stem, then (at index time) its compound parts'
    stems, all folded first when `folding`. The same terms, in the same order, as
    DecompoundFilter → [FoldFilter →] SwedishStemFilter give."""
    words = (word, *_cached_parts(word)) if index else (word,)
    if folding:
        return tuple(stem(fold(w)) for w in words)
    return tuple(stem(w) for w in words)


class SwedishFilter(Filter):
    """Lowercase, stop words, decompounding (index time), folding (if `folding`) and stemming in
    one pass: the chain LowercaseFilter | StopFilter | DecompoundFilter | [FoldFilter |]
    SwedishStemFilter, with the result for each distinct word memoized (`word_forms`).
    Stop words are renumbered away as StopFilter(renumber=True) does."""

    def __init__(self, folding: bool = False):
        self.folding = folding

    def __eq__(self, other):
        return (
            other is not None
            and self.__class__ is other.__class__
            and self.folding == other.folding
        )

    def __call__(self, tokens):
        stoplist = SWEDISH_STOPWORDS
        folding = self.folding
        forms = word_forms
        pos = None
        for t in tokens:
            text = t.text.lower()
            if text in stoplist:
                if not t.removestops:
                    t.text = fold(text) if folding else text
                    t.stopped = True
                    yield t
                continue
            if t.positions:
                if pos is None:
                    pos = t.pos
                else:
                    pos += 1
                    t.pos = pos
            t.stopped = False
            for form in forms(text, t.mode == "index", folding):
                t.text = form
                yield t


class ExactFilter(Filter):
    """LowercaseFilter | StopFilter(SWEDISH_STOPWORDS, minsize=1) in one pass."""

    def __eq__(self, other):
        return other is not None and self.__class__ is other.__class__

    def __call__(self, tokens):
        stoplist = SWEDISH_STOPWORDS
        pos = None
        for t in tokens:
            text = t.text.lower()
            if text in stoplist:
                if not t.removestops:
                    t.text = text
                    t.stopped = True
                    yield t
                continue
            if t.positions:
                if pos is None:
                    pos = t.pos
                else:
                    pos += 1
                    t.pos = pos
            t.text = text
            t.stopped = False
            yield t


# ---------------------------------------------------------------------------------------------
# The same analysis without Token objects, for building the index in bulk.

_TOKEN = re.compile(TOKEN_PATTERN)


@dataclass(frozen=True)
class Words:
    """What RegexTokenizer | SwedishFilter/ExactFilter see in a text: `count` tokens, of which
    `words` (lowercase) are not stop words; the first of them is token number `lead`.

    The analyzers number a text's words from `lead` on, one position each, so word i of `words`
    is at position lead + i; the stemming and folding analyzers then replace each word by
    `word_forms(word, True, folding)`, all at that word's position, and the exact analyzer keeps
    it as it is."""

    count: int
    lead: int
    words: tuple[str, ...]


def line_words(line: str) -> Words:
    """The `Words` of a text (one line or many)."""
    tokens = _TOKEN.findall(line)
    stoplist = SWEDISH_STOPWORDS
    words = []
    lead = -1
    for i, token in enumerate(tokens):
        text = token.lower()
        if text in stoplist:
            continue
        if lead < 0:
            lead = i
        words.append(text)
    return Words(len(tokens), max(lead, 0), tuple(words))


def join_words(parts: list[Words]) -> Words:
    """The `Words` of texts joined with a separator that is no word character ("\n")."""
    if len(parts) == 1:
        return parts[0]
    count = 0
    lead = -1
    words: list[str] = []
    for part in parts:
        if lead < 0 and part.words:
            lead = count + part.lead
        words.extend(part.words)
        count += part.count
    return Words(count, max(lead, 0), tuple(words))


# ---------------------------------------------------------------------------------------------
# Analyzers: one per kind of index field.


def stemming_analyzer():
    """Words → stems, with compounds' parts added at index time."""
    return RegexTokenizer(TOKEN_PATTERN) | SwedishFilter()


def folding_analyzer():
    """Like `stemming_analyzer`, with å/ä/ö folded before stemming (index and query alike)."""
    return RegexTokenizer(TOKEN_PATTERN) | SwedishFilter(folding=True)


def exact_analyzer():
    """Lowercase word forms as written: ranks exact forms first and feeds "did you mean"."""
    return RegexTokenizer(TOKEN_PATTERN) | ExactFilter()


# The chains the fused filters replace (indexes built before them pickled these; kept so that
# such an index still opens, and for tests comparing the two).


def chained_stemming_analyzer():
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | StopFilter(stoplist=SWEDISH_STOPWORDS, minsize=1)
        | DecompoundFilter()
        | SwedishStemFilter()
    )


def chained_folding_analyzer():
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | StopFilter(stoplist=SWEDISH_STOPWORDS, minsize=1)
        | DecompoundFilter()
        | FoldFilter()
        | SwedishStemFilter()
    )


def chained_exact_analyzer():
    return (
        RegexTokenizer(TOKEN_PATTERN)
        | LowercaseFilter()
        | StopFilter(stoplist=SWEDISH_STOPWORDS, minsize=1)
    )
