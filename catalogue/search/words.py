"""Swedish words as the search compares them: stop words, å/ä/ö folding and stemming.

- Stemming: the Snowball Swedish stemmer (`snowballstemmer`), applied until it stops changing the
  word ("kompetensen" → "kompetens" → "kompet", the same stem as "kompetens"), with two repairs:
  adjectives in -bar keep their "bar" ("hållbar", "hållbara", "hållbarhet" → "hållbar") and common
  neuter adjective endings lose their -t ("hållbart", "digitalt", "cirkulärt").
- Folding: å, ä → a, ö → o, é → e (and the like), for people who type without Swedish letters.
"""

from __future__ import annotations

import functools
import unicodedata

import snowballstemmer

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
