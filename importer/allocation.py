"""Chapter 8 of the report (how the regions used appropriation 1:1): per region six
question/answer rows (answers open "Ja." or "Nej." or neither), continuation rows with an empty
question cell, and Gotland's funded projects as plain lines. Pure."""

import difflib
import re
from dataclasses import dataclass, field
from datetime import date

from .html import inline_text, sanitize
from .records import QUESTIONS, ParsedAnswer, ParsedIndicator, ParsedProject, ParseError
from .regions import REGION_NAMES, normalize_region
from .text import fold, is_blank_row, is_separator, split_cells

_ANSWER = re.compile(r"^\s*(Ja|Nej)\s*[.,:!]", re.I)
_QUESTION_KEYS = {n: fold(q) for n, q in QUESTIONS.items()}


def identify_question(cell_html: str) -> int | None:
    text = fold(inline_text(cell_html))
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


@dataclass
class ProjectDraft:
    """A project being assembled from its lines."""

    line: int
    title: str
    nyps_id: str
    status: str
    fields: dict[str, str] = field(default_factory=dict)
    partners: list[str] = field(default_factory=list)
    indicators: list[ParsedIndicator] = field(default_factory=list)
    pending_indicator: str | None = None


class AllocationLines:
    """The chapter 8 half of the parser's walk over the lines (importer.parser._Parser, which
    sets up the state these methods read and write: the region, the answers, the project)."""

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
        cells = split_cells(line)
        if len(cells) == 1:
            self.on_allocation_text(number, line.strip())
            return
        if len(cells) != 2:
            raise ParseError(
                number,
                f"expected a question/answer row of 2 cells in chapter 8, found {len(cells)}",
            )
        if is_separator(cells) or is_blank_row(cells):
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
        folded = fold(plain)
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
            self.project = ProjectDraft(
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
            label = fold(match.group("label"))
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
