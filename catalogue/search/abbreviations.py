"""Abbreviations tied to what they stand for: a curated list (abbreviations.txt) and those the
report spells out itself ("kulturella och kreativa näringar (KKN)"), found when the index is
built (indexing.rebuild keeps them with the index generation, and which measures spell each out),
added when a saved text spells out a new one and dropped when none does any more
(indexing.update).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path

from catalogue.search.words import SWEDISH_STOPWORDS, stem

CURATED = Path(__file__).with_name("abbreviations.txt")
SYNONYMS = Path(__file__).with_name("synonyms.txt")
MAX_WORDS = 8  # words an abbreviation may stand for

# "(KKN)", "(FoI)": two to seven letters or digits, first a capital, at least two capitals.
_IN_PARENTHESES = re.compile(r"\(([A-ZÅÄÖ][A-Za-zÅÄÖåäö0-9]{1,6})\)")
_WORD = re.compile(r"\w+(?:-\w+)*-?")


def _capitals(abbreviation: str) -> int:
    return sum(c.isupper() for c in abbreviation)


def spelled_out(text: str) -> Iterator[tuple[str, str]]:
    """(abbreviation, the words before it that it stands for) for each abbreviation in
    parentheses whose letters are the initials of the words just before it, with or without
    the stop words ("forskning och innovation (FoI)", "små och medelstora företag (SMF)")."""
    for match in _IN_PARENTHESES.finditer(text):
        abbreviation = match.group(1)
        if _capitals(abbreviation) < 2 or not abbreviation.isalpha():
            continue
        letters = abbreviation.lower()
        before = _WORD.findall(text[max(0, match.start() - 200) : match.start()])[-MAX_WORDS:]
        for size in range(1, len(before) + 1):
            words = [w.lower() for w in before[-size:]]
            content = [w for w in words if w not in SWEDISH_STOPWORDS]
            if words[0] in SWEDISH_STOPWORDS:
                continue
            initials = "".join(w[0] for w in words)
            if letters in (initials, "".join(w[0] for w in content)):
                yield abbreviation, " ".join(words)
                break


@functools.lru_cache(maxsize=1)
def curated() -> dict[str, tuple[str, ...]]:
    """The curated list: abbreviation (as written) → what it stands for."""
    found: dict[str, tuple[str, ...]] = {}
    for line in CURATED.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        abbreviation, meanings = line.split("=", 1)
        found[abbreviation.strip()] = tuple(m.strip() for m in meanings.split("|") if m.strip())
    return found


def merged(from_texts: dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
    """The curated list and the abbreviations found in the texts, keyed by lowercase
    abbreviation."""
    merged: dict[str, list[str]] = {}
    for source in (curated(), from_texts):
        for abbreviation, meanings in source.items():
            forms = merged.setdefault(abbreviation.lower(), [])
            forms.extend(m for m in meanings if m not in forms)
    return {key: tuple(forms) for key, forms in merged.items()}


@functools.lru_cache(maxsize=1)
def synonyms() -> dict[str, tuple[str, ...]]:
    """The curated synonyms (synonyms.txt): a word's stem → the other words of its group."""
    found: dict[str, tuple[str, ...]] = {}
    for line in SYNONYMS.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        group = [w.strip().lower() for w in line.split("|") if w.strip()]
        for word in group:
            others = tuple(w for w in group if w != word)
            found[stem(word)] = tuple(dict.fromkeys((*found.get(stem(word), ()), *others)))
    return found
