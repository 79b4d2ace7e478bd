"""Read a measure's goals cell into goal references: framework, SDG number, the goal's own words,
and for the EU funds the programme and objective code.

Pure functions. The cells are free text typed by 21 regions: "Mål i RUS: …", "RUFS 2050 Mål 1: …",
"Mål i Agenda 2030: 3 God hälsa och välbefinnande 9 Hållbar industri …", "Agenda 2030: Mål 8 Mål 9",
"ERUF: 1.3 Stärk små och medelstora …", "Interreg Aurora: …", sentences about the measure, or just
a goal's wording. The goals column asks for RUS, Regionalfonden/Interreg and FRO goals, so
unlabelled goal wording is read as RUS; unlabelled prose (effects typed in the wrong column) is no
goal at all. A framework named without any goal of it ("samtliga mål", "länets S3-strategi") gives
that framework's goal "Strategin som helhet" (or "Programmet som helhet"). Frameworks and clauses
come from importer.goal_frameworks; the words are cleaned in importer.goal_words.

Numbers that are not SDGs are common: RUS sub-goal numbers ("RUFS 2050 Mål 1: En tillgänglig
region"), a programme's "specifikt mål 1.4", "Tematiskt mål 13", "Mål 2030", "Agtech 2030". An
SDG number therefore counts only when the SDG's own name follows it, or inside an Agenda 2030
clause ("Agenda 2030: Mål 8 Mål 9").
"""

import functools
import hashlib
import re
from dataclasses import dataclass

from catalogue.reference import CHAPTERS, SDGS

from . import goal_words as words
from .goal_frameworks import (
    AGENDA,
    AGENDA2030,
    ANY_MARKER,
    EU,
    FRO,
    HEADER_SPILL,
    INTERREG,
    LEAD_IN,
    MARKERS,
    NATIONAL_STRATEGY,
    OTHER,
    REGION_SPECIFIC,
    REGIONALFONDEN,
    RUS,
    SMART_SPECIALISATION,
    WHOLE_PROGRAMME_FRAMEWORKS,
    framework_of,
    is_label_only,
    programme_of,
    segments,
)
from .goal_sdgs import find_sdgs, sdg_by_name

# Re-exported: the parser and the tests read these here.
__all__ = [
    "AGENDA2030",
    "FRO",
    "HEADER_SPILL",
    "INTERREG",
    "NATIONAL_STRATEGY",
    "OTHER",
    "REGIONALFONDEN",
    "RUS",
    "SMART_SPECIALISATION",
    "GoalRef",
    "framework_of",
    "goal_key",
    "normalize_title",
    "parse_goals",
    "segments",
]

_BULLET = re.compile(r"^[•·▪◦\-–]\s*")
_NUMBERING = re.compile(
    r"^(?:(?:[Mm]ål|[Dd]elmål)\s*)?(?:\d+(?:\.\d+)*\s*[:.]|\d+(?:\.\d+)+|[A-Z]\.\d+\.?)\s+"
    r"(?=[A-ZÅÄÖ])"
)
# The EU funds' objective codes ("1.3 …") are read by _objective(); only "2. Ett …" goes.
_EU_NUMBERING = re.compile(r"^(?:Mål\s+)?\d\s*[.:]\s+(?=[A-ZÅÄÖ])")
# "Interreg Aurora: …", "Smart specialisering: …", "Föregående RUS (Dalarna 2020): …": a head
# naming the framework before a colon.
_FRAMEWORK_HEAD = re.compile(r"^\(?([^:()]{0,60}(?:\([^)]*\))?)\s*:\s+(?=\S)")
# Policy objectives of the EU funds 2021–2027, by their names.
_POLICY_OBJECTIVES = [
    ("PO1", re.compile(r"smartare Europa", re.I)),
    ("PO2", re.compile(r"grönare (?:och koldioxidsnål\w* )?(?:övergång|Europa)", re.I)),
    ("PO3", re.compile(r"mer sammanlänkat Europa", re.I)),
    ("PO4", re.compile(r"mer socialt", re.I)),
    ("PO5", re.compile(r"närmare medborgarna", re.I)),
]
_OBJECTIVE_CODE = re.compile(
    r"^(?:Mål\s+|Område\s+|PO\s*)?([1-5])(?:\s*[.,:]\s*([1-9]))?(?!\d)\s*[-–:.]?\s*"
    r"(?=[A-ZÅÄÖa-zåäö]|$)"
)
_BEFORE_CODE = re.compile(
    r"[\s,]+(?=(?:Mål\s+)?[1-5][.,:][1-9](?!\d))|\s+(?=(?:och\s+)?Särskilt mål)"
)
MAX_TITLE = 300


@dataclass(frozen=True)
class GoalRef:
    """A goal a measure says it serves."""

    framework: str
    sdg: int | None
    title: str
    programme: str = ""  # the EU programme named ("Norra Mellansverige", "Aurora")
    objective: str = ""  # the EU funds' objective code ("1.3", "PO2")

    @property
    def region_specific(self) -> bool:
        if self.framework == REGIONALFONDEN:
            return not self.objective  # "Programområde 1" means another thing in each region
        return self.framework in REGION_SPECIFIC


def goal_key(ref: GoalRef, region_code: str | None) -> str:
    """A stable natural key: framework, region (for region-specific goals) or SDG or objective
    code, and the title's stemmed words, so that near-duplicates share one goal."""
    if ref.framework == AGENDA2030 and ref.sdg:
        return f"agenda2030:{ref.sdg}"
    if ref.framework == REGIONALFONDEN and ref.objective:
        return f"regionalfonden:-:{ref.objective}"
    normalized = words.stem_key(ref.title)
    if ref.framework == INTERREG:
        normalized = f"{words.stem_key(ref.programme)}|{normalized}"
    digest = hashlib.sha1(normalized.encode("utf-8")).hexdigest()[:12]
    scope = region_code if ref.region_specific and region_code else "-"
    return f"{ref.framework}:{scope}:{normalized[:160]}:{digest}"


def normalize_title(title: str) -> str:
    return " ".join(re.findall(r"\w+", title.casefold()))


@functools.lru_cache(maxsize=8192)
def parse_goals(goals_html: str) -> tuple[GoalRef, ...]:
    """Goal references of one cell, in order, without duplicates.

    Cached: a region repeats the same goals cell over many measures.
    """
    refs: list[GoalRef] = []
    context: str | None = None  # framework of the last label-only line ("RUFS 2050", "ERUF …")
    programme = ""
    waiting: tuple[str, str] | None = None  # a framework named, none of its goals seen yet
    for segment in segments(goals_html):
        if words.is_funding_note(segment):
            continue
        own = framework_of(segment)
        if waiting and own and own != waiting[0]:
            _flush(refs, waiting)  # the named framework's goals did not follow
            waiting = None
        framework = own or context
        agenda_clause = framework == AGENDA2030 or bool(AGENDA.search(segment))
        sdgs = find_sdgs(segment, in_agenda_clause=agenda_clause)
        remainder = segment
        refs.extend(GoalRef(AGENDA2030, number, SDGS[number]) for number, _, _ in sdgs)
        for _, start, end in reversed(sdgs):
            remainder = remainder[:start] + " " + remainder[end:]
        if agenda_clause and not sdgs:
            number = sdg_by_name(segment)
            if number:
                refs.append(GoalRef(AGENDA2030, number, SDGS[number]))
                remainder = ""
        if own and is_label_only(remainder):
            _flush(refs, waiting)
            context, programme = own, programme_of(segment, own)
            waiting = (own, programme, segment) if own != AGENDA2030 else None
            continue
        if framework == AGENDA2030:
            # What is left of an Agenda clause is its label or connecting words.
            rest = ANY_MARKER.search(AGENDA.sub(" ", remainder))
            if rest is None or rest.lastgroup == AGENDA2030:
                continue
            framework = rest.lastgroup
            remainder = AGENDA.sub(" ", remainder)[rest.start() :]
        if own and own != context:
            programme = ""
            if ANY_MARKER.match(segment):  # "RUFS 2050 och …": a label for the lines below
                context = own
        found = _refs(
            remainder,
            framework or RUS,
            labelled=framework is not None,
            programme=programme_of(segment, framework or RUS) or programme,
        )
        if waiting and any(ref.framework == waiting[0] for ref in found):
            waiting = None
        refs.extend(found)
    _flush(refs, waiting)
    return tuple(_unique(refs))


def _flush(refs: list[GoalRef], waiting: tuple[str, str, str] | None) -> None:
    """A framework named with none of its goals: the framework as a whole is the goal."""
    if waiting and not any(ref.framework == waiting[0] for ref in refs):
        framework, programme, text = waiting
        refs.append(GoalRef(framework, None, _whole(framework, text), programme))


def _whole(framework: str, text: str = "") -> str:
    """The goal that stands for a whole framework; "other" names the strategy or plan cited."""
    if framework == OTHER:
        return _other_title(text)
    if framework in WHOLE_PROGRAMME_FRAMEWORKS:
        return words.WHOLE_PROGRAMME
    return words.WHOLE_STRATEGY


def _refs(text: str, framework: str, *, labelled: bool, programme: str) -> list[GoalRef]:
    text = _BULLET.sub("", text.strip())
    if text.endswith(":"):
        return []  # a label for the lines below
    text = LEAD_IN.sub("", text, count=1).strip()
    head = _FRAMEWORK_HEAD.match(text)
    if head and (ANY_MARKER.search(head.group(1)) or programme_of(head.group(1), framework)):
        text = text[head.end() :]
    if programme:
        name = re.escape(programme.removeprefix("Interreg "))
        text = re.sub(rf"^(?:Interreg\s+)?{name}\b[\s,:]*", "", text)
    eu = framework in EU
    text = (_EU_NUMBERING if eu else _NUMBERING).sub("", text).strip()
    pieces = _BEFORE_CODE.split(text) if eu else [text]
    refs = []
    for piece in pieces:
        titles = _titles(piece, framework, labelled=labelled)
        for title in titles:
            objective = ""
            if eu:
                title, objective = _objective(title, framework)
                if not title:
                    continue
            if is_label_only(title) and not objective:
                if len(titles) > 1:
                    continue
                title = _whole(framework, piece)
            if programme and words.stem_key(title) == words.stem_key(programme):
                title = words.WHOLE_PROGRAMME
            if framework == NATIONAL_STRATEGY:
                title = _chapter_title(title)
            refs.append(GoalRef(framework, None, title, programme, objective))
    return refs


def _titles(text: str, framework: str, *, labelled: bool) -> list[str]:
    """The goals' words in a clause; a whole-framework goal when the clause names none."""
    original = text
    text = words.strip_lead_ins(text)
    if not text:
        return []
    titles: list[str] = []
    whole, text = words.all_goals(text)
    if whole:
        titles.append(_whole(framework, text))
        if re.match(r"(?:samtliga|alla)\b", text, re.I):
            text = ""  # "alla mål förutom …, samtliga insatsområden och …": the whole, again
    numbers, text = words.numbered(text) if framework not in EU else ([], text)
    titles.extend(f"Mål {n}" for n in numbers)
    if numbers:
        again, text = words.all_goals(words.strip_lead_ins(text))
        if again:
            titles.append(_whole(framework, text))
    text = (_EU_NUMBERING if framework in EU else _NUMBERING).sub("", text).strip()
    if not text:
        return titles
    if not labelled and (words.is_prose(text) or re.match(r"^Att\s", text)):
        return titles  # effects or aims typed in the goals column
    if words.is_prose(text):
        found = _from_prose(original)
        if not found and labelled and not titles:
            found = [_whole(framework, text)]
        return titles + found
    for part in words.split_goals(text, runs=framework == RUS):
        numbers, part = words.numbered(part) if framework not in EU else ([], part)
        titles.extend(f"Mål {n}" for n in numbers)
        title = words.clean(words.cut_elaboration(part))
        if len(title) < 4 or words.is_prose(title):
            continue
        if len(title) > MAX_TITLE:
            title = title[: MAX_TITLE - 1].rsplit(" ", 1)[0] + "…"
        titles.append(title)
    return titles


_PROSE_STOP = re.compile(
    r"(?:,\s*|\s+)(?:då|vilket|i och med|eftersom|för att|där|genom att|som|så att|och bedöms)"
    r"\b.*$"
)


def _from_prose(text: str) -> list[str]:
    """Goal names inside sentences about the measure: after "prioriteringen …", or in quotes."""
    titles: list[str] = []
    for sentence in re.split(r"(?<=[.!?])\s+(?=[A-ZÅÄÖ])", text):
        quoted = words.quoted(sentence)
        if quoted:
            titles.extend(words.clean(q) for q in quoted)
            continue
        stripped = words.strip_lead_ins(sentence)
        if stripped == sentence.strip():
            continue  # no lead-in: a sentence about the measure
        head = _PROSE_STOP.sub("", words.cut_elaboration(stripped))
        for part in words.split_goals(head):
            title = words.clean(part)
            if len(title) >= 4 and not words.is_prose(title) and len(title.split()) <= 12:
                titles.append(title)
    return titles


def _other_title(text: str) -> str:
    """The name of the other strategy or plan a sentence cites ("länets Kulturplan")."""
    match = MARKERS[-1][1].search(text)
    if not match:
        return words.WHOLE_STRATEGY
    start = match.start()
    before = re.search(r"([A-ZÅÄÖ][\wåäö-]*)\s+$", text[:start])
    if before and before.group(1) not in ("RUS", "ERUF", "Mål", "Målen"):
        start = before.start(1)
    tail = re.match(
        r"(?:\s+(?:för|i|inom)\s+[A-ZÅÄÖ][\wåäö-]*(?:\s+[A-ZÅÄÖ][\wåäö-]*)*)?", text[match.end() :]
    )
    return words.clean(text[start : match.end() + (tail.end() if tail else 0)])


def _objective(title: str, framework: str) -> tuple[str, str]:
    """(words, code) of an EU fund's objective: "1.3 Stärk små …" → ("Stärk små …", "1.3"),
    "Ett grönare Europa" → ("Ett grönare Europa", "PO2"); Interreg priorities: "3 Education …"."""
    match = _OBJECTIVE_CODE.match(title)
    if match and (match.group(2) or framework == INTERREG):
        rest = words.clean(title[match.end() :])
        code = f"{match.group(1)}.{match.group(2)}" if match.group(2) else match.group(1)
        return rest or title, code
    if framework in EU and re.match(r"(?:Ett|En|PO\s?\d|Politiskt|Smartare)\b", title):
        for code, pattern in _POLICY_OBJECTIVES:
            if pattern.search(title[:70]):
                return title, code
    return title, ""


def _chapter_title(title: str) -> str:
    """The national strategy's priorities are the chapter titles: use their exact words."""
    key = words.stem_key(title)
    for number, chapter in CHAPTERS.items():
        if number != 8 and words.stem_key(chapter) in key:
            return chapter
    return title


def _unique(refs: list[GoalRef]) -> list[GoalRef]:
    seen = set()
    unique = []
    for ref in refs:
        key = goal_key(ref, "region")
        if key not in seen:
            seen.add(key)
            unique.append(ref)
    return unique
