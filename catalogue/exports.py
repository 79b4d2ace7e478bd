"""Exports of a list of measures as JSON (the open-data shape of issue 2), CSV and Excel.

Each takes the measures in the order they should appear and streams or writes them; the views
decide which measures and in which order, and describe the selection (`Selection`): it names the
file and fills the workbook's "about" sheet. Every CSV and Excel cell is written so that a
spreadsheet never reads it as a formula (issue 13): see `formula_safe` and catalogue.workbook.
"""

from __future__ import annotations

import csv
import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import Goal, Measure, Report

MeasureGoal = Measure.goals.through

CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

COLUMNS = (
    "id",
    "url",
    "report_year",
    "chapter",
    "chapter_title",
    "region",
    "region_code",
    "name",
    "description",
    "outputs",
    "effects",
    "goals_text",
    "goals",
    "source_line",
    "curated",
)


_PK_MARK = 987654321  # stands for the id in a reversed URL
_FIELDS = (
    "pk",
    "report_id",
    "region_id",
    "chapter_id",
    "name",
    "description",
    "outputs",
    "effects",
    "goals_text",
    "source_line",
    "curated",
)
BATCH = 1000


def measure_records(
    ids: Iterable[int], absolute_url: Callable[[str], str], dimensions=None
) -> Iterator[dict]:
    """The measures with these ids, in this order, in the open-data shape (missing ids skipped);
    `dimensions`: the request's catalogue.snapshot.Dimensions, if already read.

    Plain values, 1,000 measures per two queries: building model instances with their region,
    chapter, report and goals was nine tenths of a large export's time.
    """
    from .selectors import ids_subquery
    from .snapshot import Dimensions

    dimensions = dimensions or Dimensions.load()
    regions, chapters, years = dimensions.regions, dimensions.chapters, dimensions.years
    url = absolute_url(reverse("catalogue:measure-detail", kwargs={"pk": _PK_MARK}))
    goal_order = [f"goal__{name}" for name in Goal._meta.ordering]
    ids = iter(ids)
    while chunk := list(itertools.islice(ids, BATCH)):
        wanted = ids_subquery(chunk)
        rows = {
            row[0]: row
            for row in Measure.objects.filter(pk__in=wanted).order_by().values_list(*_FIELDS)
        }
        goals: dict[int, list[dict]] = {}
        for measure_id, framework, sdg, title in (
            MeasureGoal.objects.filter(measure_id__in=wanted)
            .order_by("measure_id", *goal_order)
            .values_list("measure_id", "goal__framework", "goal__sdg", "goal__title")
        ):
            goals.setdefault(measure_id, []).append(
                {"framework": framework, "sdg": sdg, "title": title}
            )
        for pk in chunk:
            row = rows.get(pk)
            if row is None:
                continue
            (_, report_id, region_id, chapter_id, name, description, outputs, effects,
             goals_text, source_line, curated) = row  # fmt: skip
            _, region_name = regions[region_id]
            number, chapter_title = chapters[chapter_id]
            yield {
                "id": pk,
                "url": url.replace(str(_PK_MARK), str(pk)),
                "report_year": years[report_id],
                "chapter": number,
                "chapter_title": chapter_title,
                "region": region_name,
                "region_code": dimensions.region_codes[region_id],
                "name": name,
                "description": description,
                "outputs": outputs,
                "effects": effects,
                "goals_text": goals_text,
                "goals": goals.get(pk, []),
                "source_line": source_line,
                "curated": curated,
            }


# Spreadsheet programs read a cell that starts with one of these as a formula (or, for tab and
# carriage return, as the start of one): an editor's `=HYPERLINK(…)` would run on the reader's
# machine. OWASP's advice, applied to every value a CSV or Excel export writes.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value):
    """A CSV cell that a spreadsheet shows as text: a string starting with a formula trigger gets
    a leading apostrophe (the XLSX export types its cells as strings instead)."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _flat(record: dict) -> list:
    """A record as CSV cells; goals become "framework[:sdg]: title" lines (the open-data codes,
    as in the JSON)."""
    goals = "\n".join(
        f"{goal['framework']}{':' + str(goal['sdg']) if goal['sdg'] else ''}: {goal['title']}"
        for goal in record["goals"]
    )
    return [formula_safe(goals if column == "goals" else record[column]) for column in COLUMNS]


@dataclass(frozen=True)
class Selection:
    """What an export holds, as the page showed it: its file name and the XLSX's second sheet.

    `filters` are (label, chosen values) in the page's language; `name_parts` are ASCII slugs
    that name the selection in the file name (year, regions, chapters, …).
    """

    count: int
    page_url: str
    query: str = ""
    filters: tuple[tuple[str, str], ...] = ()
    sort: str = ""
    report: Report | None = None
    name_parts: tuple[str, ...] = ()

    def filename(self, extension: str) -> str:
        """E.g. "insatser-2023-jamtland-harjedalen-kapitel-3.xlsx" (at most about 120 chars)."""
        stem = "-".join(part for part in (slugify(str(_("insatser"))), *self.name_parts) if part)
        stem = stem[:120].rstrip("-")
        return f"{stem}.{extension}"


def _disposition(kind: str, filename: str) -> str:
    return f'{kind}; filename="{filename}"'


CHUNK_CHARS = 64 * 1024


def _chunked(pieces: Iterable[str], size: int = CHUNK_CHARS) -> Iterator[str]:
    """The pieces joined into chunks of about `size` characters: the gzip middleware flushes its
    stream after every chunk, and flushing after each CSV line or JSON record cost more CPU than
    making them."""
    batch: list[str] = []
    length = 0
    for piece in pieces:
        batch.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(batch)
            batch, length = [], 0
    if batch:
        yield "".join(batch)


def _json_chunks(count: int, records: Iterable[dict]) -> Iterator[str]:
    yield f'{{"count": {count:d}, "results": ['
    for position, record in enumerate(records):
        yield ("," if position else "") + json.dumps(record, ensure_ascii=False)
    yield "]}"


def json_response(records: Iterable[dict], selection: Selection) -> StreamingHttpResponse:
    """Shown in the browser (open data), with a file name for those who save it."""
    response = StreamingHttpResponse(
        _chunked(_json_chunks(selection.count, records)), content_type=CONTENT_TYPES["json"]
    )
    response["Content-Disposition"] = _disposition("inline", selection.filename("json"))
    return response


class _Echo:
    def write(self, value):
        return value


# The separators a CSV export offers: RFC 4180's comma, and the semicolon that Excel expects where
# the comma is the decimal mark (Swedish settings), so that a double click opens it in columns.
SEPARATORS = {"comma": ",", "semicolon": ";"}


def _csv_lines(records: Iterable[dict], delimiter: str = ",") -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=delimiter)
    yield "\ufeff"  # BOM: Excel then reads the file as UTF-8 (å, ä, ö)
    yield writer.writerow(COLUMNS)
    for record in records:
        yield writer.writerow(_flat(record))


def csv_response(
    records: Iterable[dict], selection: Selection, *, separator: str = "comma"
) -> StreamingHttpResponse:
    """RFC 4180 with a BOM; `separator` "semicolon" for Excel under Swedish settings."""
    response = StreamingHttpResponse(
        _chunked(_csv_lines(records, SEPARATORS[separator])), content_type=CONTENT_TYPES["csv"]
    )
    response["Content-Disposition"] = _disposition("attachment", selection.filename("csv"))
    return response


def xlsx_response(records: Iterable[dict], selection: Selection) -> HttpResponse:
    from .workbook import build_workbook  # openpyxl is loaded only when asked for

    response = HttpResponse(build_workbook(records, selection), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = _disposition("attachment", selection.filename("xlsx"))
    return response
