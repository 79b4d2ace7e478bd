"""The Excel export: a workbook one can hand on.

Sheet one lists the measures with column names in the page's language, a bold frozen header with
an autofilter, set widths and wrapped text, goals as titles grouped by framework and links to the
measure pages. Sheet two ("Om urvalet") says what the selection is: the search and filters, the
edition and report number, the source, the date and the count.

Every text cell is typed as a string, so a value such as `=HYPERLINK(…)` that an editor saved is
shown as text and never becomes a formula (openpyxl would otherwise store it as one: issue 13).
Written in openpyxl's write-only mode, row by row, so that a large export stays small in memory;
openpyxl writes the XML through lxml when it is installed (requirements.txt), a fifth faster.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, NamedStyle
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError

from .exports import Selection
from .filters import SDG_NAMES, chapter_name
from .models import Goal
from .reference import SDGS

# Characters that Excel XML cannot hold (control characters other than tab, newline, return):
# openpyxl refuses a value holding one; they are dropped then.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# The kinds of cell, one shared named style each; a cell is made with its style's array of indices
# (CellMaker). Setting a Font and an Alignment on every cell instead made openpyxl hash both
# objects each time, the largest cost of a big export after writing the XML (bench/export_speed.py).
# Hidden: they are not offered in Excel's style gallery.
HEADER, WRAPPED, TOP, LINK, LINK_WRAPPED, TITLE, LABEL, NUMBER_LEFT = (
    "insatser-rubrik",
    "insatser-radbruten",
    "insatser-text",
    "insatser-lank",
    "insatser-lank-radbruten",
    "insatser-titel",
    "insatser-etikett",
    "insatser-tal",
)


def _named_styles() -> list[NamedStyle]:
    """New style objects for each workbook (a style is bound to the workbook it is added to)."""
    bold, link = Font(bold=True), Font(color="0563C1", underline="single")
    wrap, top = Alignment(wrap_text=True, vertical="top"), Alignment(vertical="top")
    kinds = {
        HEADER: {"font": bold, "alignment": wrap},
        WRAPPED: {"alignment": wrap},
        TOP: {"alignment": top},
        LINK: {"font": link, "alignment": top},
        LINK_WRAPPED: {"font": link, "alignment": wrap},
        TITLE: {"font": Font(bold=True, size=14)},
        LABEL: {"font": bold, "alignment": top},
        NUMBER_LEFT: {"alignment": Alignment(horizontal="left", vertical="top")},
    }
    return [NamedStyle(name, hidden=True, **style) for name, style in kinds.items()]


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


def add_styles(workbook: Workbook) -> dict[str, StyleArray]:
    """Add the kinds of cell to the workbook; their style arrays by name, to give cells."""
    styles = {}
    for style in _named_styles():
        workbook.add_named_style(style)
        styles[style.name] = style.as_tuple()
    return styles


class CellMaker:
    """Cells of one sheet with the workbook's styles: a cell made with its style array (one
    copy of nine small numbers) instead of looking the style up by name for every cell."""

    def __init__(self, sheet, styles: dict[str, StyleArray]):
        self.sheet = sheet
        self.styles = styles

    def text(self, value, style: str) -> Cell:
        """A cell typed as a string whatever its text: never a formula (openpyxl makes one of a
        text starting with "="), nor an error value (such as "#N/A")."""
        cell = Cell(self.sheet, row=1, column=1, style_array=self.styles[style])
        value = str(value)
        try:
            cell.value = value
        except IllegalCharacterError:
            cell.value = _ILLEGAL.sub("", value)
        cell.data_type = "s"
        return cell

    def number(self, value, style: str) -> Cell:
        return Cell(self.sheet, row=1, column=1, value=value, style_array=self.styles[style])


# Excel keeps at most 65,530 hyperlinks on a worksheet ("Excel specifications and limits") and
# repairs a file with more when it opens it. The name and the URL both link while they fit; past
# 32,765 rows only the name does, and rows past 65,530 have none.
MAX_LINKS = 65_530
LINKED = ("name", "url")


def _measure_row(make: CellMaker, record: dict, labels: Labels, linked: tuple[str, ...]) -> list:
    """One measure's cells; those in `linked` link to the measure's page (the write-only sheet
    gives each link its cell's reference when the row is written)."""
    cells = []
    for column in COLUMNS:
        key = column.key
        if key == "goals":
            value = readable_goals(record["goals"], labels)
        elif key == "chapter_title":
            value = labels.chapter(record["chapter"], record["chapter_title"])
        elif key == "curated":
            value = labels.yes if record["curated"] else labels.no
        else:
            value = record[key]
        if value == "" or value is None:  # no cell at all: nothing to style
            cells.append(None)
        elif not isinstance(value, str):  # a number
            cells.append(make.number(value, TOP))
        elif key in linked:
            cell = make.text(value, LINK_WRAPPED if column.wrap else LINK)
            cell.hyperlink = record["url"]
            cells.append(cell)
        else:
            cells.append(make.text(value, WRAPPED if column.wrap else TOP))
    return cells


def _write_measures(workbook: Workbook, styles, records: Iterable[dict], expected: int) -> int:
    """The first sheet, one row per record as it comes (written to a temporary file at once);
    the number of rows. `expected`: about how many (the links per row depend on it)."""
    sheet = workbook.create_sheet(_("Insatser"))
    for number, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    make = CellMaker(sheet, styles)
    sheet.append([make.text(column.label, HEADER) for column in COLUMNS])
    labels = Labels()
    linked = LINKED if expected * len(LINKED) <= MAX_LINKS else LINKED[:1]
    linked_rows = MAX_LINKS // len(linked)
    written = 0
    for record in records:
        sheet.append(_measure_row(make, record, labels, linked if written < linked_rows else ()))
        written += 1
    # The filter covers the header and every row (set before saving: written at the end).
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{written + 1}"
    return written


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


def _write_about(workbook: Workbook, styles, selection: Selection, written: int) -> None:
    sheet = workbook.create_sheet(_("Om urvalet"))
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 90
    make = CellMaker(sheet, styles)
    sheet.append([make.text(_("Om urvalet"), TITLE)])
    for label, value in about_rows(selection, written):
        if isinstance(value, int):
            value_cell = make.number(value, NUMBER_LEFT)
        elif value == selection.page_url:
            value_cell = make.text(value, LINK_WRAPPED)
            value_cell.hyperlink = value
        else:
            value_cell = make.text(value, WRAPPED)
        sheet.append([make.text(label, LABEL), value_cell])


def build_workbook(records: Iterable[dict], selection: Selection) -> bytes:
    """The XLSX file's bytes."""
    workbook = Workbook(write_only=True)
    styles = add_styles(workbook)
    written = _write_measures(workbook, styles, records, selection.count)
    _write_about(workbook, styles, selection, written)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
