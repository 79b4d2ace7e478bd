"""Parse the report's table appendix (text converted from PDF) into frozen records.

Pure: imports nothing from Django. Every record carries the line where it starts in the source
file, its provenance. The source's quirks, each handled here and tested in
tests/importer/test_parser.py:

- Markdown headings of any depth mark chapters ("# 1 …", "### 3 …") and, in chapter 8, regions
  ("## Region Dalarna", "#### Region Värmland", "Västra Götalandsregionen", or a plain line
  "Region Blekinge"). A "Region …" line inside a project's partner list is not a region.
- Chapters 1–7 are five-column tab-separated rows. Markdown separator rows ("---- | -- | …") and
  the header row (repeated per page) are skipped; a row repeated at a page break is imported once;
  a row with an empty region cell continues the measure above, cell by cell.
- Region cells come as "Skåne", "<p>Gotland</p>", "Norrboten", "Norrbottn" …: normalized.
- "Regionen redovisar inga insatser i tabellform." is a record that a region reported no measures;
  a row that only refers elsewhere ("Se även tabell 2.") is kept the same way, as a note of kind
  "reference" on the region's chapter, so that nothing of the source disappears without a trace.
- The name cell holds a name and, where the region gave one, a short description.
- Chapter 8 has per region six question/answer rows (answers open "Ja." or "Nej." or neither),
  continuation rows with an empty question cell, and Gotland's funded projects as plain lines.
"""

import difflib
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from catalogue.reference import CHAPTERS, REGIONS

from . import goals as goal_parser
from .html import inline_text, paragraph, sanitize, to_text, top_blocks

ALLOCATION_CHAPTER = 8
QUESTIONS = {
    1: "Beskrivning av varför regionen har fördelat anslaget mellan projektverksamhet, regionala "
    "företagsstöd och stöd till kommersiell service på det sätt de gjort.",
    2: "Beskrivning av hur regionen har integrerat ekonomisk, social och miljömässig hållbarhet i "
    "beslut om medel från anslaget till projektverksamhet, regionala företagsstöd och stöd till "
    "kommersiell service.",
    3: "Beskrivning av hur anslaget har bidragit till att nå målen i den regionala "
    "utvecklingsstrategin.",
    4: "Beskrivning av hur anslaget har bidragit till att nå målen i nationellt och regionala "
    "program för Regionalfonden.",
    5: "Beskrivning av hur anslaget har bidragit till att nå målen i Interreg-program.",
    6: "Beskrivning på vilket sätt olika territoriella perspektiv har beaktats och påverkat beslut "
    "om medel.",
}


class ParseError(Exception):
    """The source does not have the shape we expect; names the line and what was expected."""

    def __init__(self, line: int, message: str):
        self.line = line
        self.message = message
        super().__init__(f"line {line}: {message}")


@dataclass(frozen=True)
class Note:
    """Something the parser did that a person may want to check (a warning with its line)."""

    line: int
    message: str


@dataclass(frozen=True)
class ReportMeta:
    title: str
    year: int
    number: str
    publisher: str
    published: date | None
    isbn: str


@dataclass(frozen=True)
class ParsedMeasure:
    chapter: int
    region_code: str
    name: str
    description_html: str
    outputs_html: str
    effects_html: str
    goals_html: str
    goals: tuple[goal_parser.GoalRef, ...]
    source_line: int
    source_key: str

    @property
    def description(self) -> str:
        return to_text(self.description_html)

    @property
    def outputs(self) -> str:
        return to_text(self.outputs_html)

    @property
    def effects(self) -> str:
        return to_text(self.effects_html)

    @property
    def goals_text(self) -> str:
        return to_text(self.goals_html)


@dataclass(frozen=True)
class ParsedNoMeasures:
    """A region's row in a chapter that is not a measure: "no measures reported" (kind NONE) or
    a pointer to another part of the report or of the region's own report (kind REFERENCE)."""

    NONE = "none"
    REFERENCE = "reference"

    chapter: int
    region_code: str
    text: str
    source_line: int
    kind: str = NONE


@dataclass(frozen=True)
class ParsedAnswer:
    region_code: str
    question: int
    answer: str | None  # "ja", "nej" or None when the text states neither
    text_html: str
    source_line: int

    @property
    def text(self) -> str:
        return to_text(self.text_html)


@dataclass(frozen=True)
class ParsedIndicator:
    name: str
    target: str
    outcome: str


@dataclass(frozen=True)
class ParsedProject:
    region_code: str
    nyps_id: str
    title: str
    status: str  # "granted" or "completed"
    start: date | None
    end: date | None
    owner: str
    partners: tuple[str, ...]
    granted_sek: int | None
    paid_sek: int | None
    policy_objective: str
    specific_objective: str
    strategy_goals: str
    description: str
    result: str
    indicators: tuple[ParsedIndicator, ...]
    source_line: int


@dataclass(frozen=True)
class ParsedReport:
    meta: ReportMeta
    measures: tuple[ParsedMeasure, ...]
    no_measures: tuple[ParsedNoMeasures, ...]
    answers: tuple[ParsedAnswer, ...]
    projects: tuple[ParsedProject, ...]
    notes: tuple[Note, ...]
    line_count: int
    chapters: tuple[int, ...] = ()  # the chapter headings found, in the file's order


# --- regions ---------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Lower-case ASCII-ish key for matching names typed with variants."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _region_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for fact in REGIONS:
        for variant in (fact.name, fact.official_name, fact.slug.replace("-", " ")):
            keys[_fold(variant)] = fact.code
        bare = re.sub(r"^region |s lan$| lan$", "", _fold(fact.official_name))
        keys[bare] = fact.code
    keys[_fold("Västra Götalandsregionen")] = "14"
    keys[_fold("VGR")] = "14"
    return keys


_REGION_KEYS = _region_keys()


def normalize_region(raw: str) -> tuple[str, bool] | None:
    """The county code for a region as typed, and whether it took a fuzzy match; None if unknown."""
    key = _fold(inline_text(raw))
    if not key:
        return None
    if key in _REGION_KEYS:
        return _REGION_KEYS[key], False
    bare = re.sub(r"^region |s lan$| lan$", "", key)
    if bare in _REGION_KEYS:
        return _REGION_KEYS[bare], False
    close = difflib.get_close_matches(bare, list(_REGION_KEYS), n=1, cutoff=0.85)
    if close:
        return _REGION_KEYS[close[0]], True
    return None


REGION_NAMES = {fact.code: fact.name for fact in REGIONS}


# --- lines -----------------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s*(.*?)\s*#*\s*$")
_CHAPTER_HEADING = re.compile(r"^(\d)\s+(\S.*)$")
_SEPARATOR_CELL = re.compile(r"^\s*:?-*:?\s*$")
_NO_MEASURES = re.compile(
    r"redovisar inga insatser|genomför inte särskilda insatser|inga insatser i tabellform", re.I
)
_CROSS_REFERENCE = re.compile(r"^(?:Se (?:även|också)?\s*(?:tabell|regionens)\b)", re.I)
_COLOPHON = "Du kan ladda ned Tillväxtverkets publikationer"
_YEAR = re.compile(r"Regionalt utvecklingsarbete\s+(\d{4})")
_NUMBER = re.compile(r"Rapport\s+(\d{3,5})")
_PUBLISHED = re.compile(r"^\s*(?:Stockholm|Östersund),\s*(\d{4}-\d{2}-\d{2})\s*$", re.M)
_ISBN = re.compile(r"ISBN\s+([\d-]{10,17})")


def _cells(line: str) -> list[str]:
    return line.split("\t")


def _is_separator(cells: list[str]) -> bool:
    return all(_SEPARATOR_CELL.match(c) for c in cells) and any("-" in c for c in cells)


def _is_blank_row(cells: list[str]) -> bool:
    return all(not inline_text(c) for c in cells)


def _source_key(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:32]


# --- the name cell ---------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[^\s.A-ZÅÄÖ][.!?])\s+(?=[A-ZÅÄÖ0-9\"“”(])")
_COLON = re.compile(r":\s+(?=[A-ZÅÄÖ])")
_DASH = re.compile(r"\s+[–—-]\s*(?=[a-zåäöA-ZÅÄÖ])")
_LONG_GAP = re.compile(r"\s{2,}")
NAME_MAX = 160  # a first paragraph longer than this is a name running into its description


def split_name(cell_html: str) -> tuple[str, str]:
    """(name, description_html) from a sanitized name cell.

    Separate paragraphs give both; otherwise a line break (two spaces in the converted text), a
    sentence end, a colon or a dash after a short lead is where the name ends. When nothing tells
    them apart, the whole cell is the name.
    """
    blocks = top_blocks(cell_html)
    if not blocks:
        return "", ""
    first, rest = blocks[0], blocks[1:]
    if first.startswith(("<ul>", "<ol>")):
        return inline_text(cell_html), ""
    # Keep the raw first paragraph's double spaces (line breaks of the PDF) for splitting.
    first_text = "  ".join(to_text(first, keep_gaps=True).split("\n"))
    name, remainder = _split_inline(first_text, has_rest=bool(rest))
    description_blocks = ([paragraph(remainder)] if remainder else []) + rest
    name = " ".join(name.split()).strip()
    name = re.sub(r"[\s,;:–-]+$", "", name)
    if name.endswith(".") and not re.search(r"\.\w+\.$|\.\.$", name):
        name = name[:-1]
    return name, " ".join(description_blocks)


def _split_inline(text: str, *, has_rest: bool) -> tuple[str, str]:
    stripped = text.strip()
    single = " ".join(stripped.split())
    # A dash followed by a lower-case verb ("Hitta hem i Dalsland -syftar till …") or a short
    # lead with a colon ("Kompetensbarometern: En bild av …") is the clearest boundary.
    dash = _DASH.search(single)
    introduces_list = has_rest and single.endswith(":")  # "X – ett initiativ för att:" <ul>
    if (
        dash
        and (len(single) > 110 or introduces_list)
        and single[dash.end() : dash.end() + 1].islower()
    ):
        head, tail = single[: dash.start()], single[dash.end() :]
        if 3 <= len(head) <= NAME_MAX and (len(tail) >= 40 or introduces_list):
            return head, tail
    colon = _COLON.search(single)
    sentence = _SENTENCE_END.search(single)
    if (
        colon
        and len(single) > NAME_MAX
        and 3 <= colon.start() <= 40
        and not (sentence and sentence.start() < 80)
    ):
        return single[: colon.start()], single[colon.end() :]
    gap = _LONG_GAP.search(stripped)
    if gap and 3 <= gap.start() <= NAME_MAX:
        return " ".join(stripped[: gap.start()].split()), " ".join(stripped[gap.end() :].split())
    if has_rest and len(single) <= NAME_MAX and not single.endswith(":"):
        return single, ""
    for pattern, min_rest in ((_SENTENCE_END, 1), (_COLON, 20), (_DASH, 80)):
        match = pattern.search(single)
        if not match:
            continue
        head, tail = single[: match.start()], single[match.end() :]
        if 3 <= len(head) <= NAME_MAX and len(tail) >= min_rest:
            return head, tail
    return single, ""


TITLE_MAX = 120  # a title longer than this is split from its description or shortened
# Words that open the description where the source ran it into the name ("Samverkan i Sörmland
# för platsutveckling Projekt där tre av …", "Bazaren 2023 Är en utbildnings- och …").
_DESCRIPTION_START = re.compile(
    r"\s(?=(?:Är|Syfte:|Projekt där|Målet med|Under året|Stödet kan)\s"
    r"|(?:Projektet|Insatsen|Region|Regionen|Syftet|Stödet|Det|Den|Länsstyrelsen|Arbetet|"
    r"Planen|Tanken|Detta)\s+(?:\S+\s+){0,2}?(?:har|är|kan|ska|var|hade|blev)\b)"
)


def title_and_description(name: str, description_html: str) -> tuple[str, str]:
    """A title of at most about TITLE_MAX characters, and the rest as description.

    Where the name runs into its description the split is sure: at a word that opens the
    description, a sentence end, or a semicolon or colon after a short lead. Where it is not, the
    title is the lead before the first comma, or the text cut at a word boundary with "…", and
    the description keeps the whole text, so that nothing the source said is lost.
    """
    if len(name) <= TITLE_MAX:
        return name, description_html
    for pattern, longest in ((_DESCRIPTION_START, TITLE_MAX), (_SENTENCE_END, TITLE_MAX)):
        match = pattern.search(name)
        if match and match.start() >= 8 and match.start() <= longest:
            head, tail = name[: match.start()].rstrip(" .,;:"), name[match.end() :].strip()
            return head, " ".join([paragraph(tail), description_html]).strip()
    lead = re.match(r"^(.{3,80}?)\s*[;:]\s+(?=\S)", name)
    if lead:
        tail = name[lead.end() :]
        return lead.group(1), " ".join(
            [paragraph(tail[:1].upper() + tail[1:]), description_html]
        ).strip()
    whole = " ".join([paragraph(name), description_html]).strip()
    comma = name.find(", ")
    if 15 <= comma <= 90:
        return name[:comma], whole
    cut = name[: TITLE_MAX - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-")
    return cut + "…", whole


# --- chapter 8 -------------------------------------------------------------------------------

_ANSWER = re.compile(r"^\s*(Ja|Nej)\s*[.,:!]", re.I)
_QUESTION_KEYS = {n: _fold(q) for n, q in QUESTIONS.items()}


def identify_question(cell_html: str) -> int | None:
    text = _fold(inline_text(cell_html))
    if not text:
        return None
    for number, key in _QUESTION_KEYS.items():
        if text == key:
            return number
    scores = {
        n: difflib.SequenceMatcher(None, text, key).ratio() for n, key in _QUESTION_KEYS.items()
    }
    best = max(scores, key=scores.get)
    return best if scores[best] >= 0.8 else None


def answer_of(text_html: str) -> str | None:
    match = _ANSWER.match(inline_text(text_html))
    return match.group(1).casefold() if match else None


_PROJECT_TITLE = re.compile(r"^(?P<title>.+?)\s*\(\s*Nyps[-\s]?id\s*(?P<id>[\d\s]+)\)\s*$", re.I)
_PROJECT_FIELD = re.compile(r"^(?P<label>[A-ZÅÄÖ][\wåäöÅÄÖ /-]{2,60}?):\s*(?P<value>.*)$")
_DATE_RANGE = re.compile(
    r"(?P<start>\d{4}-\d{2}-\d{2})\s*(?:[–—-]|-)\s*(?P<end>\d{4}-\d{2}-?\d{2})"
)
_AMOUNTS = re.compile(
    r"(?P<granted>[\d\s\u00a0]+)\s*kr\w*\s*/\s*(?P<paid>[\d\s\u00a0]+)\s*kr", re.I
)
_TARGET_OUTCOME = re.compile(r"^(?P<target>[^/]+?)\s*/\s*(?P<outcome>.+)$")


def _parse_date(raw: str) -> date:
    digits = re.sub(r"\D", "", raw)
    return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))


def _parse_sek(raw: str) -> int:
    return int(re.sub(r"\D", "", raw))


# --- the document ----------------------------------------------------------------------------


@dataclass
class _Row:
    """A measure being assembled from one row and its continuation rows."""

    chapter: int
    region_code: str
    cells: list[str]
    line: int
    raw: str


@dataclass
class _ProjectDraft:
    line: int
    title: str
    nyps_id: str
    status: str
    fields: dict[str, str] = field(default_factory=dict)
    partners: list[str] = field(default_factory=list)
    indicators: list[ParsedIndicator] = field(default_factory=list)
    pending_indicator: str | None = None


class _Parser:
    def __init__(self, lines: list[str]):
        self.lines = lines
        self.chapter: int | None = None
        self.seen_chapters: set[int] = set()
        self.chapter_order: list[int] = []
        self.rows: list[_Row] = []
        self.no_measures: list[ParsedNoMeasures] = []
        self.answers: dict[tuple[str, int], ParsedAnswer] = {}
        self.answer_order: list[tuple[str, int]] = []
        self.projects: list[ParsedProject] = []
        self.notes: list[Note] = []
        self.allocation_region: str | None = None
        self.last_answer: tuple[str, int] | None = None
        self.project_status: str | None = None
        self.project: _ProjectDraft | None = None
        self.in_partner_list = False
        self.in_colophon = False

    def note(self, line: int, message: str) -> None:
        self.notes.append(Note(line, message))

    # The walk over all lines.
    def run(self) -> None:
        for number, line in enumerate(self.lines, start=1):
            if not line.strip():
                continue
            heading = _HEADING.match(line)
            if heading and "\t" not in line:
                self.on_heading(number, heading.group(2))
                continue
            if self.chapter is None:
                continue  # title page and table of contents
            if self.in_colophon or line.startswith(_COLOPHON):
                self.finish_project()
                self.in_colophon = True  # the back cover: contact details, ISBN
                continue
            if self.chapter == ALLOCATION_CHAPTER:
                self.on_allocation_line(number, line)
            else:
                self.on_measure_line(number, line)
        self.finish_project()
        if not self.seen_chapters:
            raise ParseError(
                1, "no chapter heading found (expected a line like '# 1 Likvärdiga …')"
            )

    def on_heading(self, number: int, text: str) -> None:
        chapter = _CHAPTER_HEADING.match(text)
        if chapter and chapter.group(1).isdigit():
            value = int(chapter.group(1))
            if value not in CHAPTERS:
                raise ParseError(number, f"chapter {value} is not one of the report's 1–8")
            if value in self.seen_chapters:
                raise ParseError(number, f"chapter {value} appears a second time")
            self.finish_project()
            self.chapter = value
            self.seen_chapters.add(value)
            self.chapter_order.append(value)
            self.allocation_region = None
            expected = _fold(CHAPTERS[value])
            if difflib.SequenceMatcher(None, _fold(chapter.group(2)), expected).ratio() < 0.8:
                self.note(number, f"chapter {value} title differs from the report's: {text!r}")
            return
        if self.chapter == ALLOCATION_CHAPTER and self.start_region(number, text):
            return
        if self.chapter is not None:
            self.note(number, f"heading ignored: {text!r}")

    # Chapters 1–7.
    def on_measure_line(self, number: int, line: str) -> None:
        cells = _cells(line)
        if len(cells) != 5:
            raise ParseError(
                number,
                f"expected a table row of 5 tab-separated cells in chapter {self.chapter}, "
                f"found {len(cells)} cell{'s' if len(cells) != 1 else ''}",
            )
        if _is_separator(cells) or _is_blank_row(cells):
            return
        if _fold(inline_text(cells[0])) == "region" and "namn pa insats" in _fold(cells[1]):
            return
        cleaned = [sanitize(c) for c in cells[1:]]
        region_raw = inline_text(cells[0])
        if not region_raw:
            self.continue_row(number, cleaned)
            return
        found = normalize_region(region_raw)
        if found is None:
            raise ParseError(
                number,
                f"unknown region {region_raw!r}; expected one of the 21 regions "
                f"(e.g. {', '.join(REGION_NAMES[c] for c in ('01', '12', '25'))})",
            )
        code, fuzzy = found
        if fuzzy:
            self.note(number, f"region {region_raw!r} read as {REGION_NAMES[code]}")
        name_text = inline_text(cleaned[0])
        if _NO_MEASURES.search(name_text) and not any(inline_text(c) for c in cleaned[1:]):
            self.add_note_row(number, code, name_text, ParsedNoMeasures.NONE)
            return
        if _CROSS_REFERENCE.match(name_text) and not any(inline_text(c) for c in cleaned[1:]):
            self.add_note_row(number, code, name_text, ParsedNoMeasures.REFERENCE)
            return
        raw = "\t".join(cells[1:])
        previous = self.rows[-1] if self.rows else None
        if (
            previous
            and previous.chapter == self.chapter
            and previous.region_code == code
            and previous.raw == raw
        ):
            self.note(number, f"row repeated at a page break (same as line {previous.line})")
            return
        self.rows.append(_Row(self.chapter, code, cleaned, number, raw))

    def add_note_row(self, number: int, code: str, text: str, kind: str) -> None:
        """Record a row that is not a measure; a second one for the same region and chapter is
        joined to the first (one note per region and chapter, as the catalogue stores them)."""
        for index, record in enumerate(self.no_measures):
            if (record.chapter, record.region_code) == (self.chapter, code):
                self.no_measures[index] = ParsedNoMeasures(
                    record.chapter, code, f"{record.text} {text}", record.source_line, record.kind
                )
                self.note(number, f"joined to the note at line {record.source_line}: {text!r}")
                return
        self.no_measures.append(ParsedNoMeasures(self.chapter, code, text, number, kind))
        if kind == ParsedNoMeasures.REFERENCE:
            self.note(number, f"cross-reference kept as a note, not a measure: {text!r}")

    def continue_row(self, number: int, cleaned: list[str]) -> None:
        if not self.rows or self.rows[-1].chapter != self.chapter:
            raise ParseError(
                number, "row without a region and no measure above it in this chapter to continue"
            )
        row = self.rows[-1]
        for index, cell in enumerate(cleaned):
            if cell:
                row.cells[index] = f"{row.cells[index]} {cell}".strip()
        self.note(number, f"continues the measure at line {row.line}")

    # Chapter 8.
    def start_region(self, number: int, text: str) -> bool:
        if self.in_partner_list:
            return False
        plain = inline_text(text)
        if not re.match(r"^(Region\s+\S|Västra Götalandsregionen)", plain):
            return False
        found = normalize_region(plain)
        if found is None:
            raise ParseError(number, f"unknown region heading {plain!r} in chapter 8")
        self.finish_project()
        self.allocation_region = found[0]
        self.last_answer = None
        self.project_status = None
        return True

    def on_allocation_line(self, number: int, line: str) -> None:
        cells = _cells(line)
        if len(cells) == 1:
            self.on_allocation_text(number, line.strip())
            return
        if len(cells) != 2:
            raise ParseError(
                number,
                f"expected a question/answer row of 2 cells in chapter 8, found {len(cells)}",
            )
        if _is_separator(cells) or _is_blank_row(cells):
            return
        self.finish_project()
        if self.allocation_region is None:
            raise ParseError(number, "chapter 8 answer before any region heading")
        question_cell, answer_cell = cells
        answer_html = sanitize(answer_cell)
        if not inline_text(question_cell):
            if self.last_answer is None:
                raise ParseError(number, "answer continuation without a question above it")
            previous = self.answers[self.last_answer]
            self.answers[self.last_answer] = ParsedAnswer(
                previous.region_code,
                previous.question,
                previous.answer,
                f"{previous.text_html} {answer_html}".strip(),
                previous.source_line,
            )
            self.note(number, f"continues the answer at line {previous.source_line}")
            return
        question = identify_question(question_cell)
        if question is None:
            raise ParseError(
                number,
                f"unrecognised chapter 8 question {inline_text(question_cell)[:80]!r}; "
                "expected one of the six questions on appropriation 1:1",
            )
        key = (self.allocation_region, question)
        if key in self.answers:
            raise ParseError(
                number,
                f"question {question} answered twice for "
                f"{REGION_NAMES[self.allocation_region]} (first at line "
                f"{self.answers[key].source_line})",
            )
        self.answers[key] = ParsedAnswer(
            self.allocation_region, question, answer_of(answer_html), answer_html, number
        )
        self.answer_order.append(key)
        self.last_answer = key

    def on_allocation_text(self, number: int, text: str) -> None:
        plain = inline_text(text)
        if self.start_region(number, plain):
            return
        if self.allocation_region is None:
            self.note(number, f"text outside any region ignored: {plain[:60]!r}")
            return
        folded = _fold(plain)
        if folded.startswith("beviljade projekt"):
            self.finish_project()
            self.project_status = "granted"
            return
        if folded.startswith("exempel pa strategiskt viktiga projekt som avslutades"):
            self.finish_project()
            self.project_status = "completed"
            return
        title = _PROJECT_TITLE.match(plain)
        if title and self.project_status:
            self.finish_project()
            self.project = _ProjectDraft(
                number,
                title.group("title").strip(),
                re.sub(r"\D", "", title.group("id")),
                self.project_status,
            )
            return
        if self.project is None:
            self.note(number, f"text outside a project or answer ignored: {plain[:60]!r}")
            return
        self.on_project_line(number, plain)

    def on_project_line(self, number: int, plain: str) -> None:
        project = self.project
        assert project is not None
        match = _PROJECT_FIELD.match(plain)
        if match:
            label = _fold(match.group("label"))
            value = match.group("value").strip()
            self.in_partner_list = False
            if label in ("projektid", "projekttid"):
                label = "projekttid"
            if label == "ovriga partners":
                if value:
                    project.partners.extend(p.strip() for p in value.split(",") if p.strip())
                else:
                    self.in_partner_list = True
                return
            if label == "indikatorutfall":
                project.pending_indicator = value
                return
            if label == "malvarde utfall":
                pair = _TARGET_OUTCOME.match(value)
                if not pair or project.pending_indicator is None:
                    raise ParseError(
                        number, f"expected 'Målvärde/utfall: TARGET/OUTCOME', got {value!r}"
                    )
                project.indicators.append(
                    ParsedIndicator(
                        project.pending_indicator,
                        pair.group("target").strip(),
                        pair.group("outcome").strip(),
                    )
                )
                project.pending_indicator = None
                return
            project.fields[label] = value
            return
        if self.in_partner_list:
            project.partners.append(plain.rstrip("."))
            return
        raise ParseError(number, f"unexpected line in project {project.title!r}: {plain[:80]!r}")

    def finish_project(self) -> None:
        project, self.project = self.project, None
        self.in_partner_list = False
        if project is None:
            return
        fields = project.fields
        start = end = None
        period = fields.get("projekttid", "")
        if period:
            dates = _DATE_RANGE.search(period)
            if not dates:
                raise ParseError(
                    project.line, f"project period {period!r} is not 'YYYY-MM-DD – YYYY-MM-DD'"
                )
            start, end = _parse_date(dates.group("start")), _parse_date(dates.group("end"))
        granted = paid = None
        amounts = fields.get("tilldelade medel utbetalda medel", "")
        if amounts:
            match = _AMOUNTS.search(amounts)
            if not match:
                raise ParseError(project.line, f"amounts {amounts!r} are not 'N kronor/N kronor'")
            granted, paid = _parse_sek(match.group("granted")), _parse_sek(match.group("paid"))
        if not project.nyps_id:
            raise ParseError(project.line, f"project {project.title!r} has no Nyps-id digits")
        self.projects.append(
            ParsedProject(
                region_code=self.allocation_region or "",
                nyps_id=project.nyps_id,
                title=project.title,
                status=project.status,
                start=start,
                end=end,
                owner=fields.get("projektagare", ""),
                partners=tuple(project.partners),
                granted_sek=granted,
                paid_sek=paid,
                policy_objective=fields.get("politiskt mal", ""),
                specific_objective=fields.get("specifikt mal", ""),
                strategy_goals=fields.get("effekt mal regional utvecklingsstrategi", ""),
                description=fields.get("projektbeskrivning", ""),
                result=fields.get("resultat", ""),
                indicators=tuple(project.indicators),
                source_line=project.line,
            )
        )

    # Results.
    def measures(self) -> list[ParsedMeasure]:
        measures = []
        ordinals: dict[tuple, int] = {}
        for row in self.rows:
            name, description_html = split_name(row.cells[0])
            if not name:
                raise ParseError(row.line, "measure without a name (the second cell is empty)")
            outputs_html, effects_html, goals_cell = row.cells[1:]
            if goal_parser.HEADER_SPILL.search(goals_cell):
                self.note(row.line, "column header text removed from the goals cell")
                goals_cell = sanitize(goal_parser.HEADER_SPILL.sub("", goals_cell))
            refs = tuple(goal_parser.parse_goals(goals_cell))
            # The identity stays on the whole name, so that records imported before titles were
            # shortened keep their source keys.
            identity = (row.chapter, row.region_code, _fold(name))
            ordinals[identity] = ordinals.get(identity, 0) + 1
            name, description_html = title_and_description(name, description_html)
            measures.append(
                ParsedMeasure(
                    chapter=row.chapter,
                    region_code=row.region_code,
                    name=name,
                    description_html=description_html,
                    outputs_html=outputs_html,
                    effects_html=effects_html,
                    goals_html=goals_cell,
                    goals=refs,
                    source_line=row.line,
                    source_key=_source_key(*identity, ordinals[identity]),
                )
            )
        return measures


def parse_meta(text: str) -> ReportMeta:
    head = text[:3000]
    year = _YEAR.search(head)
    number = _NUMBER.search(head)
    if not year or not number:
        raise ParseError(
            1,
            "no report header found: expected 'Regionalt utvecklingsarbete YYYY' and "
            "'Rapport NNNN' near the top of the file",
        )
    published = _PUBLISHED.search(text)
    isbn = _ISBN.search(text)
    return ReportMeta(
        title=f"Tabellbilaga – Regionalt utvecklingsarbete {year.group(1)}",
        year=int(year.group(1)),
        number=number.group(1),
        publisher="Tillväxtverket",
        published=date.fromisoformat(published.group(1)) if published else None,
        isbn=isbn.group(1) if isbn else "",
    )


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (a BOM is allowed); anything else is refused with the offset."""
    if not data.strip():
        raise ParseError(1, "the file is empty")
    if b"\x00" in data[:4096]:
        raise ParseError(1, "the file is binary, not text (it contains NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ParseError(
            line, f"not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_report(text: str) -> ParsedReport:
    """Parse the whole appendix. Raises ParseError naming the line on anything it cannot read."""
    lines = text.split("\n")
    meta = parse_meta(text)
    parser = _Parser(lines)
    parser.run()
    measures = parser.measures()
    missing = set(CHAPTERS) - parser.seen_chapters
    if missing:
        parser.note(len(lines), f"chapters missing from the file: {sorted(missing)}")
    answers = tuple(parser.answers[key] for key in parser.answer_order)
    return ParsedReport(
        meta=meta,
        measures=tuple(measures),
        no_measures=tuple(parser.no_measures),
        answers=answers,
        projects=tuple(parser.projects),
        notes=tuple(sorted(parser.notes, key=lambda n: n.line)),
        line_count=len(lines),
        chapters=tuple(parser.chapter_order),
    )


def parse_file(data: bytes) -> ParsedReport:
    return parse_report(decode(data))
