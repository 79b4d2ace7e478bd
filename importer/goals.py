"""Split a measure's goals cell into goal references and classify each by framework.

Pure functions. The cells are free text typed by 21 regions: "Mål i RUS: …", "RUFS 2050 Mål 1: …",
"Mål i Agenda 2030: 3 God hälsa och välbefinnande 9 Hållbar industri …", "Agenda 2030: Mål 8 Mål 9",
"ERUF: 1.3 Stärk små och medelstora …", "Interreg Aurora: …", or just a goal's wording. The goals
column asks for RUS, Regionalfonden/Interreg and FRO goals, so unlabelled text is read as RUS.

Numbers that are not SDGs are common: RUS sub-goal numbers ("RUFS 2050 Mål 1: En tillgänglig
region"), a programme's "specifikt mål 1.4", "Tematiskt mål 13", "Mål 2030", "Agtech 2030". An
SDG number therefore counts only when the SDG's own name follows it, or inside an Agenda 2030
clause ("Agenda 2030: Mål 8 Mål 9").
"""

import functools
import hashlib
import re
from dataclasses import dataclass

from catalogue.reference import SDGS

from .html import to_text

RUS = "rus"
AGENDA2030 = "agenda2030"
REGIONALFONDEN = "regionalfonden"
INTERREG = "interreg"
FRO = "fro"
SMART_SPECIALISATION = "smart_specialisation"
NATIONAL_STRATEGY = "national_strategy"
OTHER = "other"

REGION_SPECIFIC = {RUS, OTHER, SMART_SPECIALISATION}

# The column header's second line, spilled into some first rows of a table.
HEADER_SPILL = re.compile(
    r"Vilket eller vilka mål i den regionala utvecklingsstrategin, Regionalfonden inklusive "
    r"Interreg samt i förekommande fall Fonden för en rättvis omställning som insatsen ska "
    r"bidra till\s*[.:]?",
    re.IGNORECASE,
)

# Framework markers, most specific first. A segment takes the framework of its first marker.
_MARKERS: list[tuple[str, re.Pattern]] = [
    (FRO, re.compile(r"rättvis omställning|Omställningsplanen|\bFRO\b|\bJTF\b", re.I)),
    (AGENDA2030, re.compile(r"Agenda 20[23][03]|[Gg]lobala (?:hållbarhets)?mål")),
    (
        INTERREG,
        re.compile(
            r"\bInterreg\b|Central Baltic|\bAurora\b|Sverige[–-]Norge|"
            r"Öresund[–-]Kattegat[–-]Skagerrak|Botnia[–-]Atlantica|North Sea|Baltic Sea Region",
            re.I,
        ),
    ),
    (
        REGIONALFONDEN,
        re.compile(
            r"\bE[RU][RU]F\b|\bEruf\b|Regionalfond\w*|regionalfondsprogram\w*|"
            r"[Rr]egionala strukturfondsprogram\w*|Småland och Öarna|Skåne[–-]Blekinge|"
            r"Politiskt mål|Specifikt mål|[Pp]rogramområde|Insatsområde:"
        ),
    ),
    (
        SMART_SPECIALISATION,
        re.compile(
            r"[Ss]mart specialiser\w*|\bS3\b|S3-strateg\w*|[Ii]nnovationsstrateg\w*|"
            r"[Ss]mart specialisation|[Ii]nnovation- och smart"
        ),
    ),
    (
        NATIONAL_STRATEGY,
        re.compile(
            r"[Nn]ationella? strategi\w* för hållbar regional utveckling|[Nn]ationella strategin"
        ),
    ),
    (
        RUS,
        re.compile(
            r"\bRUS\b|\bRUS:\w+|\bRus\b|RUFF?S|[Rr]egionala? utvecklingsstrategi\w*|"
            r"[Uu]tvecklingsstrategi\w*|strategi för hållbar tillväxt|Värmlandsstrategin|"
            r"målbilden för|VG2021|Vårt Gotland 2040|Gotland 2040|Dalarna 2020"
        ),
    ),
    (
        OTHER,
        re.compile(
            r"\bESF\+?|\bAMIF\b|AMIF:s|REACT-EU|Tematiskt mål|[Tt]rafikförsörjningsprogram\w*|"
            r"[Kk]ulturplan\w*|[Bb]re(?:d)?dbandsstrat\w*|Genomförandeprogram\w*|"
            r"[Ll]ivsmedelsstrateg\w*|Nationell utlysning|[Tt]ransportpolitiska|"
            r"[Ll]ife science strategi|[Nn]äringslivs- och tillväxtstrategi|[Rr]egionplan\w*|"
            r"Strategi för industriell omställning|[Ff]ärdplan\w*"
        ),
    ),
]

# Where a new labelled clause starts inside a run of text ("… tillväxtmotor Mål i Agenda 2030: …").
_CLAUSE_START = re.compile(
    r"(?<!\si)(?<!\sinom)\s(?=(?:Mål (?:i |enligt )?)?"
    r"(?:RUS\b|RUFF?S 2050|ERUF\b|EURF\b|Agenda 20[23][03]|"
    r"Interreg\b|Regionalfonden\b|Fonden för en rättvis)(?:[^.:]{0,40}):)"
    r"|\s(?=(?:Mål (?:i |enligt )?(?:RUS|ERUF|Agenda 2030|Interreg))\b)"
    r"|\s(?=RUS (?:mål|prioritering|effektmål)\b)"
)

# Lead-in words that only announce a goal ("Mål i RUS:", "RUS effektmål", "Delmål:" …).
_LEAD_IN = re.compile(
    r"^(?:(?:Målet|Mål|Delmål|Prioriteringar|Prioritering|Prioriterat område|Långsiktigt mål|"
    r"Långsiktiga prioriteringar|Strategiskt område|Effekt ?mål|Effektmål|Insatsområde|"
    r"Regional prioritering|Programmål)\b\s*(?:i|enligt|för)?\s*)?"
    r"(?:(?:RUS 20\d\d|RUS:ens|RUS:en|RUS|Rus|RUFF?S 2050|ERUF(?: 2021[–-]2027)?|"
    r"EURF|Regionalfonden|Interreg|Agenda 20[23]0|Regional utvecklingsstrategi\w*)"
    r"(?:\s+(?:mål|effektmål|prioritering|övergripande mål|delstrategi|insatsområden och mål|"
    r"insatsområde|mål \d+(?: och \d+)?))?)?"
    r"\s*[:\-–]?\s*",
)
_LABEL_ONLY = re.compile(
    r"^(?:Mål|Målet|Delmål|Prioritering|Prioriteringar|Långsiktigt mål|Strategiskt område|"
    r"Effektmål|RUS|Rus|RUFF?S 2050|ERUF|Agenda 2030|Regional utvecklingsstrategi)?"
    r"[\s:,.\-–]*$",
)
_BULLET = re.compile(r"^[•·▪◦\-–]\s*")
_NUMBERING = re.compile(r"^(?:(?:[Mm]ål|[Dd]elmål)\s*)?\d+(?:\.\d+)*\s*[:.]\s+(?=[A-ZÅÄÖ])")
_PLACE = re.compile(
    r"^(?:Blekinge|Dalarna|Gotland|Gävleborg|Halland|Jämtland|Härjedalen|Jönköping|Kalmar|"
    r"Kronoberg|Norrbotten|Skåne|Stockholm|Sörmland|Uppsala|Värmland|Västerbotten|"
    r"Västernorrland|Västmanland|Västra Götaland|Götaland|Örebro|Östergötland|Sverige|Europa|"
    r"Norden|Öland|Småland|\w+sverige)\w*"
)
_GOAL_VERBS = {"ska", "har", "är", "blir", "kan"}
_PROSE = re.compile(
    r"\b(?:bidrar|insatsen|projektet|kopplar|ligger|syftar|uppfyller|relaterar|knyter|"
    r"stödjer|främjar|tar avstamp|är i linje)\b",
    re.I,
)
# A capitalised word right after a lower-case one usually starts the next goal in a run of RUS
# goals that lost its line breaks ("… tillväxtmotor Skåne ska ha en god miljö …").
_RUN_SPLIT = re.compile(r"(?<=[a-zåäö.)])\s+(?=[A-ZÅÄÖ][a-zåäö])")
_FUNCTION_WORDS = {
    "i", "för", "och", "av", "med", "till", "på", "om", "från", "inom", "mot", "samt", "via",
    "som", "att", "en", "ett", "den", "det", "de", "genom", "vid", "under", "över", "mellan",
    "hela", "region", "regionen", "länet", "kallas", "projektet", "insatsen", "mål", "målet",
}  # fmt: skip

_SDG_NUMBER = re.compile(
    r"(?<![\d.,])(?:(?:[Mm]ål|[Nn]r|[Dd]elmål|SDG)\s*)?(\d{1,2})(?![\d.,]\d)\s*[:.)]?\s*"
)
_SDG_WORDS = {
    n: {w for w in re.findall(r"[a-zåäö]+", title.casefold()) if len(w) > 3 and w != "alla"}
    for n, title in SDGS.items()
}
_NOT_SDG_BEFORE = re.compile(
    r"(?:[Tt]ematiskt|[Ss]pecifikt|[Pp]olitiskt|delmål|[Dd]elmål)\s*(?:mål)?\s*$"
)
MAX_TITLE = 300


@dataclass(frozen=True)
class GoalRef:
    """A goal a measure says it serves."""

    framework: str
    sdg: int | None
    title: str

    @property
    def region_specific(self) -> bool:
        return self.framework in REGION_SPECIFIC


def goal_key(ref: GoalRef, region_code: str | None) -> str:
    """A stable natural key: framework, region (for region-specific goals) or SDG, title."""
    if ref.framework == AGENDA2030 and ref.sdg:
        return f"agenda2030:{ref.sdg}"
    normalized = normalize_title(ref.title)
    digest = hashlib.sha1(normalized.encode("utf-8")).hexdigest()[:12]
    scope = region_code if ref.region_specific and region_code else "-"
    return f"{ref.framework}:{scope}:{normalized[:160]}:{digest}"


def normalize_title(title: str) -> str:
    return " ".join(re.findall(r"\w+", title.casefold()))


def _any_marker() -> re.Pattern:
    """All markers in one pattern: the earliest match wins, ties go to the more specific."""
    parts = []
    for framework, pattern in _MARKERS:
        flags = "i" if pattern.flags & re.IGNORECASE else ""
        body = f"(?{flags}:{pattern.pattern})" if flags else f"(?:{pattern.pattern})"
        parts.append(f"(?P<{framework}>{body})")
    return re.compile("|".join(parts))


_ANY_MARKER = _any_marker()
_AGENDA = _MARKERS[1][1]


def framework_of(text: str) -> str | None:
    """The framework of the earliest marker in the text, or None."""
    match = _ANY_MARKER.search(text)
    return match.lastgroup if match else None


def find_sdgs(text: str, *, in_agenda_clause: bool) -> list[tuple[int, int, int]]:
    """SDG numbers in the text as (sdg, start, end) spans.

    A number counts when the SDG's name follows it; inside an Agenda 2030 clause a bare "Mål N"
    or a list of numbers counts too.
    """
    found = []
    for match in _SDG_NUMBER.finditer(text):
        number = int(match.group(1))
        if not 1 <= number <= 17:
            continue
        before = text[max(0, match.start() - 20) : match.start()]
        if _NOT_SDG_BEFORE.search(before):
            continue
        if re.search(r"(?:Agenda|Mål|mål)\s*$", before) and number in (20,):
            continue
        following = re.findall(r"[a-zåäö]+", text[match.end() : match.end() + 40].casefold())[:3]
        named = bool(following) and any(
            word[:5] == candidate[:5] for word in following[:2] for candidate in _SDG_WORDS[number]
        )
        label = match.group(0).strip()
        explicit = label[:1].isalpha()  # "Mål 8", "Nr 3"
        if named or (in_agenda_clause and (explicit or not following or following[0] == "mål")):
            end = match.end()
            if named:
                # Swallow the SDG's name so it is not read as another goal.
                name_end = _name_end(text, match.end(), number)
                end = max(end, name_end)
            found.append((number, match.start(), end))
    return found


def _name_end(text: str, start: int, number: int) -> int:
    words = list(re.finditer(r"[\wåäöÅÄÖ-]+", text[start:]))
    title_words = set(re.findall(r"[a-zåäö]+", SDGS[number].casefold()))
    end = start
    for word in words[: len(title_words) + 2]:
        token = word.group(0).casefold()
        if token in title_words or any(token[:5] == t[:5] for t in title_words if len(t) > 3):
            end = start + word.end()
        else:
            break
    return end


def _sdg_by_name(text: str) -> int | None:
    folded = normalize_title(text)
    for number, title in SDGS.items():
        if normalize_title(title) in folded:
            return number
    return None


def segments(goals_html: str) -> list[str]:
    """The cell's text cut at blocks, line breaks (double spaces) and labelled clauses."""
    text = HEADER_SPILL.sub("\n", goals_html)
    pieces = []
    for line in to_text(text, keep_gaps=True).split("\n"):
        for part in re.split(r"\s{2,}|\s\|\s", line):
            pieces.extend(_CLAUSE_START.split(part))
    return [p.strip() for p in pieces if p and p.strip()]


@functools.lru_cache(maxsize=8192)
def parse_goals(goals_html: str) -> tuple[GoalRef, ...]:
    """Goal references of one cell, in order, without duplicates.

    Cached: a region repeats the same goals cell over many measures.
    """
    refs: list[GoalRef] = []
    context: str | None = None  # framework of the last label-only line ("RUFS 2050", "Agenda 2030")
    for segment in segments(goals_html):
        own = framework_of(segment)
        framework = own or context or RUS
        agenda_clause = framework == AGENDA2030 or bool(_AGENDA.search(segment))
        sdgs = find_sdgs(segment, in_agenda_clause=agenda_clause)
        remainder = segment
        refs.extend(GoalRef(AGENDA2030, number, SDGS[number]) for number, _, _ in sdgs)
        for _, start, end in reversed(sdgs):
            remainder = remainder[:start] + " " + remainder[end:]
        if agenda_clause and not sdgs:
            number = _sdg_by_name(segment)
            if number:
                refs.append(GoalRef(AGENDA2030, number, SDGS[number]))
                remainder = ""
        if own and _is_label_only(remainder):
            context = own
            continue
        if framework == AGENDA2030:
            # What is left of an Agenda clause is its label or connecting words.
            rest_framework = framework_of(_AGENDA.sub(" ", remainder))
            if rest_framework in (None, AGENDA2030):
                continue
            framework = rest_framework
        for title in _titles(remainder, framework):
            refs.append(GoalRef(framework, None, title))
    return tuple(_unique(refs))


def _is_label_only(text: str) -> bool:
    stripped = _LEAD_IN.sub("", text.strip(), count=1)
    return bool(_LABEL_ONLY.match(stripped)) or (text.rstrip().endswith(":") and len(text) < 90)


_ANNOUNCEMENT = re.compile(
    r"^(?:(?:Insatsen |Projektet )?[Bb]idrar (?:även )?till|Mål|Delmål|Prioritering|"
    r"Strategiskt område)\b[^:]{0,90}:\s+(?=\S)"
)


def _titles(text: str, framework: str) -> list[str]:
    text = _BULLET.sub("", text.strip())
    while _ANNOUNCEMENT.match(text):
        text = _ANNOUNCEMENT.sub("", text, count=1)
    text = _LEAD_IN.sub("", text, count=1).strip()
    text = _NUMBERING.sub("", text).strip(" :;,.-–()")
    if len(text) < 4 or text.endswith(":"):
        return []
    parts = [text]
    if framework == RUS and len(text) < 400 and not _PROSE.search(text):
        parts = _split_run(text)
    titles = []
    for part in parts:
        part = part.strip(" :;,.-–")
        if len(part) < 4:
            continue
        if len(part) > MAX_TITLE:
            part = part[: MAX_TITLE - 1].rsplit(" ", 1)[0] + "…"
        titles.append(part)
    return titles


def _split_run(text: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for match in _RUN_SPLIT.finditer(text):
        previous_word = text[start : match.start()].split()[-1:] or [""]
        word = previous_word[0].strip(".,)").casefold()
        if word in _FUNCTION_WORDS or len(word) < 3:
            continue
        piece = text[start : match.start()]
        if len(piece.split()) < 2:
            continue
        following = text[match.end() :]
        if _PLACE.match(following):
            after = following.split()[1:2]
            if not after or after[0] not in _GOAL_VERBS:
                continue
        parts.append(piece)
        start = match.end()
    parts.append(text[start:])
    return parts


def _unique(refs: list[GoalRef]) -> list[GoalRef]:
    seen = set()
    unique = []
    for ref in refs:
        key = (ref.framework, ref.sdg, normalize_title(ref.title) if not ref.sdg else "")
        if key not in seen:
            seen.add(key)
            unique.append(ref)
    return unique
