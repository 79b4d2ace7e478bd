"""The Excel export: a workbook one can hand on.

Sheet one lists the measures with column names in the page's language, a bold frozen header with
an autofilter, set widths and wrapped text, goals as titles grouped by framework and links to the
measure pages. Sheet two ("Om urvalet") says what the selection is: the search and filters, the
edition and report number, the source, the date and the count.

Every text cell is typed as a string, so a value such as `=HYPERLINK(…)` that an editor saved is
shown as text and never becomes a formula (openpyxl would otherwise store it as one: issue 13).
Written in openpyxl's write-only mode, row by row, so that a large export stays small in memory.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .exports import Selection
from .filters import SDG_NAMES, chapter_name
from .models import Goal
from .reference import SDGS

# Characters that Excel XML cannot hold (control characters other than tab, newline, return).
_ILLEGAL = {c: None for c in range(32) if c not in (9, 10, 13)}

BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
LINK = Font(color="0563C1", underline="single")


@dataclass(frozen=True)
class Column:
    key: str  # the record's key (catalogue.exports.measure_records)
    label: str  # lazy: in the page's language
    width: int  # in characters
    wrap: bool = False


COLUMNS = (
    Column("name", gettext_lazy("Insats"), 45, wrap=True),
    Column("region", gettext_lazy("Region"), 18),
    Column("region_code", gettext_lazy("Länskod"), 9),
    Column("chapter", gettext_lazy("Kapitel"), 9),
    Column("chapter_title", gettext_lazy("Kapitlets titel"), 32, wrap=True),
    Column("description", gettext_lazy("Beskrivning"), 60, wrap=True),
    Column("outputs", gettext_lazy("Prestationer"), 50, wrap=True),
    Column("effects", gettext_lazy("Effekter"), 50, wrap=True),
    Column("goals", gettext_lazy("Mål"), 45, wrap=True),
    Column("goals_text", gettext_lazy("Mål som de skrivits"), 40, wrap=True),
    Column("report_year", gettext_lazy("Rapportår"), 11),
    Column("source_line", gettext_lazy("Rad i källan"), 12),
    Column("curated", gettext_lazy("Kurerad"), 10),
    Column("url", gettext_lazy("Länk"), 40),
    Column("id", gettext_lazy("Id"), 8),
)

FRAMEWORK_LABELS = dict(Goal.Framework.choices)
FRAMEWORK_ORDER = {code: position for position, code in enumerate(Goal.Framework.values)}


class Labels:
    """The translated words a workbook repeats on every row, looked up once per workbook (lazy
    translations cost a lookup each time they are made into text)."""

    def __init__(self):
        self.frameworks = {code: str(label) for code, label in FRAMEWORK_LABELS.items()}
        self.sdgs = {number: str(name) for number, name in SDG_NAMES.items()}
        self.yes, self.no = _("Ja"), _("Nej")
        self._chapters: dict[tuple[int, str], str] = {}

    def chapter(self, number: int, title: str) -> str:
        key = (number, title)
        if key not in self._chapters:
            self._chapters[key] = str(chapter_name(number, title))
        return self._chapters[key]


def readable_goals(goals: list[dict], labels: Labels | None = None) -> str:
    """One line per framework, in the frameworks' order: "Agenda 2030: 8 Anständiga …; 13 …".
    The global goals are named in the page's language where they keep their seeded names."""
    labels = labels or Labels()
    grouped: dict[str, list[str]] = {}
    for goal in sorted(
        goals, key=lambda g: (FRAMEWORK_ORDER.get(g["framework"], 99), g["sdg"] or 0)
    ):
        sdg, title = goal["sdg"], goal["title"]
        if sdg and title == SDGS.get(sdg):
            title = labels.sdgs[sdg]
        grouped.setdefault(goal["framework"], []).append(f"{sdg} {title}" if sdg else title)
    return "\n".join(
        f"{labels.frameworks.get(framework, framework)}: {'; '.join(titles)}"
        for framework, titles in grouped.items()
    )


def text_cell(sheet, value, *, font=None, alignment=None) -> WriteOnlyCell:
    """A cell typed as a string whatever its text: never a formula."""
    cell = WriteOnlyCell(sheet, value=str(value).translate(_ILLEGAL))
    cell.data_type = "s"
    if font is not None:
        cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _measure_cells(
    sheet, record: dict, row: int, url_column: int, name_column: int, labels: Labels
) -> list:
    values = {
        **record,
        "chapter_title": labels.chapter(record["chapter"], record["chapter_title"]),
        "goals": readable_goals(record["goals"], labels),
        "curated": labels.yes if record["curated"] else labels.no,
    }
    cells = []
    for column in COLUMNS:
        value = values[column.key]
        if isinstance(value, str):
            cell = text_cell(sheet, value, alignment=WRAP if column.wrap else TOP)
        else:
            cell = WriteOnlyCell(sheet, value=value)
            cell.alignment = TOP
        cells.append(cell)
    # Links: the name and the URL open the measure's page.
    for position in (name_column, url_column):
        cell = cells[position]
        cell.hyperlink = record["url"]
        cell.hyperlink.ref = f"{get_column_letter(position + 1)}{row}"
        cell.font = LINK
    return cells


def _write_measures(workbook: Workbook, records: Iterable[dict]) -> int:
    sheet = workbook.create_sheet(_("Insatser"))
    for number, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    sheet.append([text_cell(sheet, column.label, font=BOLD, alignment=WRAP) for column in COLUMNS])
    keys = [column.key for column in COLUMNS]
    name_column, url_column = keys.index("name"), keys.index("url")
    labels = Labels()
    row = 1
    for record in records:
        row += 1
        sheet.append(_measure_cells(sheet, record, row, url_column, name_column, labels))
    # The filter covers the header and every row (set before saving: written at the end).
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{row}"
    return row - 1


def source_text(report) -> str:
    """The edition's citation: publisher, title, report number and date of publication."""
    published = f" ({report.published.isoformat()})" if report.published else ""
    return f"{report.publisher}, {report.title}, {_('Rapport')} {report.number}{published}"


def about_rows(selection: Selection, written: int) -> list[tuple[str, object]]:
    """The second sheet's lines: what is in the first one."""
    report = selection.report
    rows: list[tuple[str, object]] = [
        (_("Sökning"), selection.query or "–"),
    ]
    rows += list(selection.filters) or [(_("Filter"), _("Inga"))]
    rows += [
        (_("Sortering"), selection.sort or "–"),
        (
            _("Utgåva"),
            f"{report.year} ({_('Rapport')} {report.number})" if report else _("Alla utgåvor"),
        ),
        (_("Källa"), source_text(report) if report else "Tillväxtverket"),
        (_("Exporterad"), date_format(timezone.localtime(), "Y-m-d H:i")),
        (_("Antal insatser"), written),
        (_("Urvalet på webben"), selection.page_url),
    ]
    return rows


def _write_about(workbook: Workbook, selection: Selection, written: int) -> None:
    sheet = workbook.create_sheet(_("Om urvalet"))
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 90
    sheet.append([text_cell(sheet, _("Om urvalet"), font=Font(bold=True, size=14))])
    for row, (label, value) in enumerate(about_rows(selection, written), start=2):
        label_cell = text_cell(sheet, label, font=BOLD, alignment=TOP)
        if isinstance(value, int):
            value_cell = WriteOnlyCell(sheet, value=value)
            value_cell.alignment = Alignment(horizontal="left", vertical="top")
        else:
            value_cell = text_cell(sheet, value, alignment=WRAP)
        if value == selection.page_url:
            value_cell.hyperlink = value
            value_cell.hyperlink.ref = f"B{row}"
            value_cell.font = LINK
        sheet.append([label_cell, value_cell])


def build_workbook(records: Iterable[dict], selection: Selection) -> bytes:
    """The XLSX file's bytes."""
    workbook = Workbook(write_only=True)
    written = _write_measures(workbook, records)
    _write_about(workbook, selection, written)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
