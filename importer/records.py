"""The frozen records the parser returns (importer.parser), each with the line where it starts in
the source file, its provenance; and ParseError, which names the line the parser could not read.
Pure: imports nothing from Django."""

from dataclasses import dataclass
from datetime import date

from . import goals as goal_parser
from .html import to_text

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
