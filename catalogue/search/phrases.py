"""Quoted phrases and neighbouring query words: a phrase's hits scored by its words too, and a
plain query's neighbouring words as phrases (engine._most_words ranks by them).

Phrases are matched on the fields that keep word positions only (indexing.PHRASE_BOOSTS).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from whoosh import query as wq

from catalogue.search import indexing, query
from catalogue.search.words import SWEDISH_STOPWORDS

PHRASE_WORDS_BOOST = 0.5
# The fields analysed by stems (analysis.stemming_analyzer), where a phrase's words are scored.
STEMMED = ("name", "region", "description", "outputs", "effects", "goals_text")


def is_phrase(node) -> bool:
    """A quoted phrase as the parser gives it: an Or of one Phrase per field that keeps
    positions (query._restrict)."""
    return (
        isinstance(node, wq.Or)
        and bool(node.subqueries)
        and all(isinstance(c, wq.Phrase) for c in node.subqueries)
    )


def with_words_scored(node):
    """A phrase's hits scored also by its words in every field as the fields weigh
    (indexing.FIELD_BOOSTS). Positions are kept in the name, the description and `folded` only,
    so a phrase in the outputs or effects weighs as little as one in the goals column (`folded`);
    its words bring back the weight of the field they are in. No hits of their own."""
    stems = next((c.words for c in node.subqueries if c.fieldname == "name"), None)
    if not stems:
        return node
    words = wq.And(
        [
            wq.Or(
                [wq.Term(f, w, boost=b) for f, b in indexing.FIELD_BOOSTS.items() if f in STEMMED]
            )
            for w in stems
        ],
        boost=PHRASE_WORDS_BOOST,
    )
    return wq.AndMaybe(node, words)


def neighbour_phrases(text: str, parse: Callable[[str], object]) -> list:
    """A plain query's neighbouring words as phrases ("digitala tjänster i glesbygd" →
    "digitala tjänster", "tjänster glesbygd"; the stop words between them are skipped, as the
    index skips them): two neighbouring words often name one thing ("små företag", "digitala
    tjänster") that the same words far apart do not."""
    words = [w for w in query.plain_words(text).split() if w not in SWEDISH_STOPWORDS]
    phrases = (parse(f'"{a} {b}"') for a, b in itertools.pairwise(words))
    return [p for p in phrases if p is not wq.NullQuery]
