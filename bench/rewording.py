"""How bench/next_edition.py edits a measure's text: reword lightly, rewrite around the project
name, move the year on. Word lists and pure functions; seeded randomness comes from the caller."""

from __future__ import annotations

import html
import random
import re

from catalogue.reference import REGIONS

SYNONYMS = [
    ("insatser", "aktiviteter"),
    ("samverkan", "samarbete"),
    ("utveckling", "utvecklingsarbete"),
    ("stärka", "förstärka"),
    ("öka", "höja"),
    ("företag", "näringsliv"),
    ("projektet", "satsningen"),
    ("syftar till", "har som mål"),
    ("genom att", "via att"),
    ("regionala", "länets"),
    ("arbete", "arbetet"),
    ("kompetens", "kunnande"),
    ("bidra till", "medverka till"),
    ("hållbar", "långsiktigt hållbar"),
]
NAME_LEADS = ("Fortsatt arbete med", "Vidareutveckling av", "Satsningen", "Arbetet med", "Etapp 2:")
NAME_TAILS = (
    "– fortsättning",
    "(etapp 2)",
    "– genomförandefas",
    "i hela länet",
    "2024",
    "– breddning",
)
REWRITE_HEADS = (
    "{p}: ny inriktning mot {t}",
    "{p} – breddat arbete för {t}",
    "Genomförande av {p} med fokus på {t}",
    "{p}, steg två: {t}",
)
TOPICS = (
    "kompetensförsörjning och omställning",
    "digitalisering i små företag",
    "grön omställning och energi",
    "attraktiva livsmiljöer",
    "inkludering och mångfald",
    "innovation i offentlig sektor",
    "besöksnäring och kultur",
    "hållbara transporter",
)
REWRITE_SENTENCES = (
    "Under året har arbetet fått en ny organisation och en bredare målgrupp.",
    "Satsningen drivs vidare i samverkan med kommuner, akademi och näringsliv.",
    "Fokus har flyttats från kartläggning till genomförande och spridning av resultat.",
    "Arbetet finansieras delvis med medel från anslag 1:1 och Europeiska regionala "
    "utvecklingsfonden.",
    "En ny styrgrupp har inrättats och en handlingsplan har beslutats.",
    "Målgruppen har utvidgats till att omfatta fler aktörer i hela länet.",
    "Erfarenheterna från förra årets arbete har legat till grund för en ny projektplan.",
)
UPDATE_SENTENCES = (
    "Arbetet fortsatte under {year}.",
    "Under {year} har aktiviteterna fortsatt enligt plan.",
    "Verksamheten har utvecklats vidare under {year}.",
)
_TOKEN = re.compile(r"[\wÅÄÖåäö][\w\-ÅÄÖåäö]*")
_CONNECTORS = {"i", "in", "och", "för", "of", "the", "på", "&"}
_REGION_WORDS = {
    word.casefold()
    for fact in REGIONS
    for word in (*fact.name.split(), *fact.official_name.split(), "Regionen", "län", "Sverige")
} | {"regional", "regionala", "regionalt", "projekt", "projektet", "studie", "ärende-id"}


def project_name(name: str) -> str | None:
    """The proper name a measure is known by ("Elsmarta ÖMS", "Live in Blekinge"), or None.

    A run of capitalised tokens after the first word (connectors such as "i", "och" and numbers
    allowed inside), with the first word when the run starts right after it; a run of nothing
    but region names is no project name. A short name (three words at most) is a project name
    as a whole."""
    tokens = _TOKEN.findall(name)
    if not tokens:
        return None
    runs: list[list[str]] = []
    run: list[str] = []
    for index, token in enumerate(tokens[1:], start=1):
        if token[0].isupper():
            if not run and index == 1:
                run.append(tokens[0])
            run.append(token)
        elif run and (token.casefold() in _CONNECTORS or token.isdigit()):
            run.append(token)
        elif run:
            runs.append(run)
            run = []
    if run:
        runs.append(run)
    candidates = []
    for run in runs:
        while run and (run[-1].casefold() in _CONNECTORS or run[-1].isdigit()):
            run.pop()
        if any(t[0].isupper() and t.rstrip("s").casefold() not in _REGION_WORDS for t in run):
            candidates.append(" ".join(run))
    best = max(candidates, key=len, default="")
    if len(best) >= 4:
        return best
    if len(tokens) <= 3 and len(" ".join(tokens)) >= 6:
        return " ".join(tokens)
    return None


def swap_words(text: str, rng: random.Random, count: int) -> str:
    """Replace up to `count` words by synonyms, keeping the case of the first letter."""
    pairs = [pair for pair in SYNONYMS if pair[0] in text.casefold()]
    rng.shuffle(pairs)
    for old, new in pairs[:count]:
        text = re.sub(
            rf"\b{re.escape(old)}\b",
            lambda m, new=new: new[0].upper() + new[1:] if m.group(0)[0].isupper() else new,
            text,
            count=1,
            flags=re.I,
        )
    return text


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def paragraphs(sentences: list[str]) -> str:
    return " ".join(f"<p>{html.escape(s)}</p>" for s in sentences if s.strip())


def next_year(text: str, year: int) -> str:
    """Last year's year, where it stands alone (not in a period such as "2022–2023")."""
    return re.sub(rf"(?<![\d–-]){year - 1}(?![\d–-])", str(year), text)
