"""Which measure of one edition continues which measure of the edition before: the matcher.

Pure logic on plain records (no database): catalogue.lineage feeds it measures and stores its
links. Regions report their own measures, so a measure is only ever compared with measures of the
same region in the other edition; joint measures that several regions report in near-identical
words stay apart that way.

Within a region, a pair of measures is scored by how alike their texts are, as TF-IDF cosines
over Swedish word stems (catalogue.search.words) with the inverse document frequencies counted over
the region's measures of both editions, so that words every measure of the region uses ("Region
Gävleborg", "länet") count little and a project's own words count much:

- the names (stems, and character 4-grams that survive rewording of compounds);
- the names and descriptions together;
- the proper names (capitalised words after the first, acronyms, case numbers): a measure that
  is largely rewritten usually keeps its project's name;
- how much of the shorter name the other text contains (a kept project name);
- outputs and effects, weakly: they are new every year;
- the chapter, weakly: a measure may move to another chapter.

Pairs are then assigned one to one, best score first (greedy: within a region the lists are
short and a clear pair rarely competes), and kept above THRESHOLD. Every link carries a
confidence from 0 to 1: its score, and how far it stands above the next best candidate of either
measure (a link whose measures had a close rival is less certain). See README, "Editions".
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

from .search.words import SWEDISH_STOPWORDS, fold, stem

WEIGHTS = {
    "name": 0.22,
    "grams": 0.18,
    "text": 0.22,
    "proper": 0.14,
    "contained": 0.12,
    "results": 0.06,
    "chapter": 0.06,
}
THRESHOLD = 0.28  # below this score no link is suggested
# The confidence: a logistic curve over the score, lowered when another candidate of either
# measure scored within CLEAR_MARGIN of the link (set on the tuning seeds, bench/lineage_quality).
CONFIDENCE_MIDPOINT = 0.25
CONFIDENCE_SLOPE = 12.0
CLEAR_MARGIN = 0.15
MARGIN_WEIGHT = 10.0

_WORD = re.compile(r"[0-9A-Za-zÀ-ÖØ-öø-ÿ][0-9A-Za-zÀ-ÖØ-öø-ÿ\-]*")
# Words that say nothing about which measure it is (beyond the stop words).
_GENERIC_WORDS = """region regionen regional regionala regionalt län länet länets insats insatser
    arbete arbetet projekt projektet under året samt även genom inom"""
_GENERIC = frozenset(stem(w) for w in _GENERIC_WORDS.split())


@dataclass(frozen=True)
class Entry:
    """A measure as the matcher sees it; `key` is whatever identifies it to the caller."""

    key: Hashable
    region: str
    chapter: int
    name: str
    description: str = ""
    outputs: str = ""
    effects: str = ""


@dataclass(frozen=True)
class Link:
    previous: Hashable
    measure: Hashable
    score: float
    confidence: float


@dataclass
class _Features:
    entry: Entry
    bags: dict[str, Counter] = field(default_factory=dict)
    vectors: dict[str, dict[str, float]] = field(default_factory=dict)
    name_terms: frozenset[str] = frozenset()
    text_terms: frozenset[str] = frozenset()


def _stems(text: str) -> list[str]:
    words = (w.strip("-").casefold() for w in _WORD.findall(text))
    return [s for w in words if w and w not in SWEDISH_STOPWORDS and (s := stem(w)) not in _GENERIC]


def _proper(text: str) -> list[str]:
    """Capitalised words after the first of a sentence, acronyms and numbers of four or more
    digits (case numbers, years are skipped): the names a project is known by."""
    found = []
    for sentence in re.split(r"(?<=[.!?:])\s+|\n+", text):
        words = _WORD.findall(sentence)
        for index, word in enumerate(words):
            upper_inside = any(c.isupper() for c in word[1:])
            if word.isdigit():
                if len(word) >= 5:
                    found.append(word)
            elif upper_inside or (index > 0 and word[0].isupper()):
                found.append(fold(word.casefold()))
    return found


def _grams(text: str) -> list[str]:
    grams = []
    for word in _WORD.findall(fold(text.casefold())):
        padded = f" {word} "
        grams.extend(padded[i : i + 4] for i in range(max(1, len(padded) - 3)))
    return grams


def _features(entry: Entry) -> _Features:
    name_stems = _stems(entry.name)
    description_stems = _stems(entry.description)
    features = _Features(entry)
    features.bags = {
        "name": Counter(name_stems),
        "grams": Counter(_grams(entry.name)),
        "text": Counter(name_stems * 2 + description_stems),
        "proper": Counter(_proper(f"{entry.name}\n{entry.description}")),
        "results": Counter(_stems(f"{entry.outputs}\n{entry.effects}")),
    }
    features.name_terms = frozenset(name_stems)
    features.text_terms = frozenset(name_stems + description_stems)
    return features


def _idf(documents: list[_Features], bag: str) -> dict[str, float]:
    counts: Counter = Counter()
    for document in documents:
        counts.update(document.bags[bag].keys())
    total = len(documents)
    return {term: math.log((total + 1) / (df + 1)) + 1.0 for term, df in counts.items()}


def _vector(bag: Counter, idf: dict[str, float]) -> dict[str, float]:
    weights = {t: (1.0 + math.log(n)) * idf[t] for t, n in bag.items()}
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())


def _contained(a: _Features, b: _Features, idf: dict[str, float]) -> float:
    """How much of the shorter name (by IDF weight) the other measure's name and description
    contain: a project name kept inside a rewritten title."""
    best = 0.0
    for short, other in ((a, b), (b, a)):
        terms = short.name_terms
        total = sum(idf.get(t, 1.0) for t in terms)
        if total:
            found = sum(idf.get(t, 1.0) for t in terms & other.text_terms)
            best = max(best, found / total)
    return best


def score_pair(old: _Features, new: _Features, idf: dict[str, dict[str, float]]) -> float:
    parts = {
        name: _cosine(old.vectors[name], new.vectors[name])
        for name in ("name", "grams", "text", "proper", "results")
    }
    parts["contained"] = _contained(old, new, idf["text"])
    parts["chapter"] = 1.0 if old.entry.chapter == new.entry.chapter else 0.0
    return sum(WEIGHTS[name] * value for name, value in parts.items())


def confidence(score: float, margin: float) -> float:
    """0–1: the score, lowered when the next best candidate came within CLEAR_MARGIN."""
    shortfall = max(0.0, CLEAR_MARGIN - margin)
    value = CONFIDENCE_SLOPE * (score - CONFIDENCE_MIDPOINT) - MARGIN_WEIGHT * shortfall
    return round(1.0 / (1.0 + math.exp(-value)), 3)


def _score_region(
    previous: list[Entry], current: list[Entry], forbidden: set[tuple[Hashable, Hashable]]
) -> dict[tuple[int, int], float]:
    """Scores of every pair of a region's measures (indexes into previous and current)."""
    old = [_features(e) for e in previous]
    new = [_features(e) for e in current]
    everything = old + new
    idf = {bag: _idf(everything, bag) for bag in ("name", "grams", "text", "proper", "results")}
    for features in everything:
        features.vectors = {bag: _vector(features.bags[bag], idf[bag]) for bag in idf}
    scores = {}
    for i, o in enumerate(old):
        for j, n in enumerate(new):
            if (o.entry.key, n.entry.key) not in forbidden:
                scores[i, j] = score_pair(o, n, idf)
    return scores


def match(
    previous: Iterable[Entry],
    current: Iterable[Entry],
    *,
    forbidden: Iterable[tuple[Hashable, Hashable]] = (),
    threshold: float = THRESHOLD,
) -> list[Link]:
    """Link measures of `current` to the measures of `previous` they continue, one to one,
    within each region. `forbidden` pairs (previous key, current key), e.g. links an editor
    rejected, are never suggested. Leave out of both lists the measures whose links an editor
    already set, so that the matcher only places the rest."""
    forbidden = set(forbidden)
    by_region: dict[str, tuple[list[Entry], list[Entry]]] = {}
    for entry in previous:
        by_region.setdefault(entry.region, ([], []))[0].append(entry)
    for entry in current:
        by_region.setdefault(entry.region, ([], []))[1].append(entry)
    links = []
    for region in sorted(by_region):
        old, new = by_region[region]
        if not old or not new:
            continue
        scores = _score_region(old, new, forbidden)
        links.extend(_assign(old, new, scores, threshold))
    return links


def _assign(
    old: list[Entry], new: list[Entry], scores: dict[tuple[int, int], float], threshold: float
) -> list[Link]:
    """Greedy one-to-one assignment, best pair first; the margin is the gap to the best other
    candidate of either measure (taken or not)."""
    best_of_old: dict[int, list[float]] = {}
    best_of_new: dict[int, list[float]] = {}
    for (i, j), value in scores.items():
        best_of_old.setdefault(i, []).append(value)
        best_of_new.setdefault(j, []).append(value)
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    taken_old: set[int] = set()
    taken_new: set[int] = set()
    links = []
    for (i, j), value in ranked:
        if value < threshold:
            break
        if i in taken_old or j in taken_new:
            continue
        taken_old.add(i)
        taken_new.add(j)
        rival = max(_second(best_of_old[i], value), _second(best_of_new[j], value))
        certainty = confidence(value, value - rival)
        links.append(Link(old[i].key, new[j].key, round(value, 4), certainty))
    return links


def _second(values: list[float], taken: float) -> float:
    """The best value other than one occurrence of `taken` (0 when there is none)."""
    rest = sorted(values, reverse=True)
    rest.remove(taken)
    return rest[0] if rest else 0.0
