"""Swedish compounds: splitting them into their parts, and expanding hyphen-elided coordination.

- Decompounding, at index time only: a compound such as "kompetensförsörjningen" also yields its
  parts ("kompetens", "försörjningen") at the same position, so that a search for "försörjning"
  finds it. Parts are checked against the hunspell-sv word list, allowing a linking "s"
  ("vindkrafts|etablering") and a dropped final a/e ("skol|utveckling"). Proper nouns in the word
  list ("Örebro" is not "öre" + "bro") and a short never-split list are left whole. The word list is
  read only when a compound has to be split, i.e. when indexing, and cached once per process.
- Coordination: Swedish writes "studie- och yrkesvägledning" for "studievägledning och
  yrkesvägledning"; `coordinations` finds such phrases in a text (or a query) and gives the
  compounds they stand for, the bare first conjunct joined to the head of the last compound;
  `rewrite_coordinations` writes them out in a query ("(studievägledning OR yrkesvägledning)"),
  asking `found_together` whether some measure has a compound's two parts.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from catalogue.search.words import SWEDISH_STOPWORDS, fold, stem

logger = logging.getLogger(__name__)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


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
def cached_parts(word: str) -> tuple[str, ...]:
    return tuple(compound_parts(word))


# ---------------------------------------------------------------------------------------------
# Hyphen-elided coordination

# One or more bare first conjuncts ("studie-", "kultur-, fritids-"), a conjunction, a compound.
COORDINATION = re.compile(
    r"((?:\b\w+-,?\s+)+)(?:och|eller|samt|respektive|&)\s+(\w{6,})", re.IGNORECASE
)
_CONJUNCT = re.compile(r"(\w+)-")
MIN_HEAD_PART = 4  # the shared head ("vägledning") has at least this many letters


def compound_head(word: str, known: Callable[[str], bool]) -> str | None:
    """The head a coordination shares: the longest ending of `word` that `known` accepts as a
    word and whose beginning is a word too, perhaps with a linking s or es ("klimat|strategi",
    "yrkes|vägledning", "dryckes|företag"); failing that, the longest known ending."""
    fallback = None
    for start in range(2, len(word) - MIN_HEAD_PART + 1):
        tail = word[start:]
        if not known(tail):
            continue
        modifier = word[:start]
        bases = (modifier, modifier[:-1] if modifier.endswith("s") else None,
                 modifier[:-2] if modifier.endswith("es") else None)  # fmt: skip
        if any(base and len(base) >= 3 and known(base) for base in bases):
            return tail
        fallback = fallback or tail
    return fallback


def coordinations(text: str, known: Callable[[str], bool]) -> list[str]:
    """The compounds a text's hyphen-elided coordinations stand for, lowercase:
    "studie- och yrkesvägledning" → ["studievägledning"]; "kultur-, fritids- och
    idrottsförvaltningen" → ["kulturförvaltningen", "fritidsförvaltningen"]."""
    found = []
    for match in COORDINATION.finditer(text):
        last = match.group(2).lower()
        head = compound_head(last, known)
        if head is None:
            continue
        for conjunct in _CONJUNCT.findall(match.group(1)):
            if conjunct.isalpha():
                found.append(conjunct.lower() + head)
    return list(dict.fromkeys(found))


def found_together(reader) -> Callable[[str, str], bool]:
    """Whether some measure has both words, in any form or inside compounds (`folded`)."""

    def together(a: str, b: str) -> bool:
        found = []
        for word in (a, b):
            term = stem(fold(word))
            if reader.doc_frequency("folded", term) == 0:
                return False
            found.append(set(reader.postings("folded", term).all_ids()))
        return bool(found[0] & found[1])

    return together


def rewrite_coordinations(
    text: str,
    known: Callable[[str], bool],
    *,
    parts: bool = False,
    together: Callable[[str, str], bool] | None = None,
    readings: list[tuple[str, ...]] | None = None,
) -> str:
    """ "studie- och yrkesvägledning" → "(studievägledning OR yrkesvägledning)" (see
    compounds.coordinations): a measure about either is about what the words name together.
    The rest of the text unchanged.

    With `parts` (a query), a compound the texts never write is searched as its two parts
    instead ("mat- och dryckesföretag" → "((mat företag) OR (dryck företag))"): the texts
    may well write "företag inom mat" or "livsmedelsföretag". Where no measure has both parts
    (`together`), the modifier alone: it is what tells the coordinated compounds apart, and the
    texts name the trade ("restauranger") rather than the sector ("restaurangbranschen").

    `readings`, if given, gets each coordination's alternatives as searched, for the page
    ("studievägledning", "yrkesvägledning"), ("mat företag", "dryck företag")."""

    def replace(match):
        written = coordinations(match.group(), known)
        if not written:
            return match.group()
        last = match.group(2).lower()
        head = compound_head(last, known) if parts else None
        alternatives = []
        for word in [*written, last]:
            modifier = word[: len(word) - len(head)] if head else ""
            if not head or known(word) or len(modifier) < 3:
                alternatives.append(word)
                continue
            for ending in ("es", "s"):  # a linking s or es: "dryckes|företag"
                base = modifier.removesuffix(ending)
                if base != modifier and len(base) >= 3 and known(base):
                    modifier = base
                    break
            if together is None or together(modifier, head):
                alternatives.append(f"({modifier} {head})")
            else:
                alternatives.append(modifier)
        if readings is not None:
            readings.append(tuple(a.strip("()") for a in alternatives))
        return "(" + " OR ".join(alternatives) + ")"

    return COORDINATION.sub(replace, text)


def is_word(word: str, lex: Lexicon | None = None) -> bool:
    """Whether the word list knows `word` (possibly inflected) as a word that can end a compound."""
    return _is_tail(word, lexicon() if lex is None else lex)
