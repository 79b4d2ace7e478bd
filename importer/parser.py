"""Parse the report's table appendix (text converted from PDF) into frozen records.

Pure: imports nothing from Django. Every record (importer.records) carries the line where it
starts in the source file, its provenance. The source's quirks, each handled here or in the module
named and tested in tests/importer/test_parser.py:

- Markdown headings of any depth mark chapters ("# 1 …", "### 3 …") and, in chapter 8, regions
  ("## Region Dalarna", "#### Region Värmland", "Västra Götalandsregionen", or a plain line
  "Region Blekinge"). A "Region …" line inside a project's partner list is not a region.
- Chapters 1–7 are five-column tab-separated rows. Markdown separator rows ("---- | -- | …") and
  the header row (repeated per page) are skipped; a row repeated at a page break is imported once;
  a row with an empty region cell continues the measure above, cell by cell.
- Region cells come as "Skåne", "<p>Gotland</p>", "Norrboten", "Norrbottn" …: normalized
  (importer.regions).
- "Regionen redovisar inga insatser i tabellform." is a record that a region reported no measures;
  a row that only refers elsewhere ("Se även tabell 2.") is kept the same way, as a note of kind
  "reference" on the region's chapter, so that nothing of the source disappears without a trace.
- The name cell holds a name and, where the region gave one, a short description
  (importer.titles).
- Chapter 8 has per region six question/answer rows (answers open "Ja." or "Nej." or neither),
  continuation rows with an empty question cell, and Gotland's funded projects as plain lines
  (importer.allocation).
"""

import difflib
import hashlib
import re
from dataclasses import dataclass
from datetime import date

from catalogue.reference import CHAPTERS

from . import goals as goal_parser
from .allocation import AllocationLines, ProjectDraft, answer_of, identify_question
from .html import inline_text, sanitize
from .records import (
    ALLOCATION_CHAPTER,
    QUESTIONS,
    Note,
    ParsedAnswer,
    ParsedIndicator,
    ParsedMeasure,
    ParsedNoMeasures,
    ParsedProject,
    ParsedReport,
    ParseError,
    ReportMeta,
)
from .regions import REGION_NAMES, normalize_region
from .text import fold, is_blank_row, is_separator, split_cells
from .titles import NAME_MAX, TITLE_MAX, split_name, title_and_description

# The parser's public names, wherever they are defined (the importer, the tests and bench/ read
# them here).
__all__ = [
    "ALLOCATION_CHAPTER",
    "NAME_MAX",
    "QUESTIONS",
    "REGION_NAMES",
    "TITLE_MAX",
    "Note",
    "ParseError",
    "ParsedAnswer",
    "ParsedIndicator",
    "ParsedMeasure",
    "ParsedNoMeasures",
    "ParsedProject",
    "ParsedReport",
    "ReportMeta",
    "answer_of",
    "decode",
    "identify_question",
    "normalize_region",
    "parse_file",
    "parse_meta",
    "parse_report",
    "split_name",
    "title_and_description",
]

# --- lines -----------------------------------------------------------------------------------

_HEADING = re.compile(r"^(#{1,6})\s*(.*?)\s*#*\s*$")
_CHAPTER_HEADING = re.compile(r"^(\d)\s+(\S.*)$")
_NO_MEASURES = re.compile(
    r"redovisar inga insatser|genomför inte särskilda insatser|inga insatser i tabellform", re.I
)
_CROSS_REFERENCE = re.compile(r"^(?:Se (?:även|också)?\s*(?:tabell|regionens)\b)", re.I)
_COLOPHON = "Du kan ladda ned Tillväxtverkets publikationer"
_YEAR = re.compile(r"Regionalt utvecklingsarbete\s+(\d{4})")
_NUMBER = re.compile(r"Rapport\s+(\d{3,5})")
_PUBLISHED = re.compile(r"^\s*(?:Stockholm|Östersund),\s*(\d{4}-\d{2}-\d{2})\s*$", re.M)
_ISBN = re.compile(r"ISBN\s+([\d-]{10,17})")


def _source_key(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:32]


# --- the document ----------------------------------------------------------------------------


@dataclass
class _Row:
    """A measure being assembled from one row and its continuation rows."""

    chapter: int
    region_code: str
    cells: list[str]
    line: int
    raw: str


class _Parser(AllocationLines):
    """The walk over the lines: headings, chapters 1–7 here, chapter 8 in AllocationLines."""

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
        self.project: ProjectDraft | None = None
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
            expected = fold(CHAPTERS[value])
            if difflib.SequenceMatcher(None, fold(chapter.group(2)), expected).ratio() < 0.8:
                self.note(number, f"chapter {value} title differs from the report's: {text!r}")
            return
        if self.chapter == ALLOCATION_CHAPTER and self.start_region(number, text):
            return
        if self.chapter is not None:
            self.note(number, f"heading ignored: {text!r}")

    # Chapters 1–7.
    def on_measure_line(self, number: int, line: str) -> None:
        cells = split_cells(line)
        if len(cells) != 5:
            raise ParseError(
                number,
                f"expected a table row of 5 tab-separated cells in chapter {self.chapter}, "
                f"found {len(cells)} cell{'s' if len(cells) != 1 else ''}",
            )
        if is_separator(cells) or is_blank_row(cells):
            return
        if fold(inline_text(cells[0])) == "region" and "namn pa insats" in fold(cells[1]):
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
            identity = (row.chapter, row.region_code, fold(name))
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
