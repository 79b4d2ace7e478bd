"""Exports of a list of measures as JSON (the open-data shape of issue 2), CSV and Excel.

Each takes the measures in the order they should appear and streams or writes them; the views
decide which measures and in which order.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator

from django.http import HttpResponse, StreamingHttpResponse

from .models import Measure

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


def measure_record(measure: Measure, absolute_url: Callable[[str], str]) -> dict:
    """One measure in the open-data shape; needs region, chapter, report and goals loaded."""
    return {
        "id": measure.pk,
        "url": absolute_url(measure.get_absolute_url()),
        "report_year": measure.report.year,
        "chapter": measure.chapter.number,
        "chapter_title": measure.chapter.title,
        "region": measure.region.name,
        "region_code": measure.region.code,
        "name": measure.name,
        "description": measure.description,
        "outputs": measure.outputs,
        "effects": measure.effects,
        "goals_text": measure.goals_text,
        "goals": [
            {"framework": goal.framework, "sdg": goal.sdg, "title": goal.title}
            for goal in measure.goals.all()
        ],
        "source_line": measure.source_line,
        "curated": measure.curated,
    }


def _flat(record: dict) -> list:
    """A record as spreadsheet cells; goals become "framework[:sdg]: title" lines."""
    goals = "\n".join(
        f"{goal['framework']}{':' + str(goal['sdg']) if goal['sdg'] else ''}: {goal['title']}"
        for goal in record["goals"]
    )
    return [goals if column == "goals" else record[column] for column in COLUMNS]


def _json_chunks(count: int, records: Iterable[dict]) -> Iterator[str]:
    yield f'{{"count": {count:d}, "results": ['
    for position, record in enumerate(records):
        yield ("," if position else "") + json.dumps(record, ensure_ascii=False)
    yield "]}"


def json_response(count: int, records: Iterable[dict]) -> StreamingHttpResponse:
    return StreamingHttpResponse(_json_chunks(count, records), content_type=CONTENT_TYPES["json"])


class _Echo:
    def write(self, value):
        return value


def _csv_lines(records: Iterable[dict]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # BOM: Excel then reads the file as UTF-8 (å, ä, ö)
    yield writer.writerow(COLUMNS)
    for record in records:
        yield writer.writerow(_flat(record))


def csv_response(records: Iterable[dict], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_lines(records), content_type=CONTENT_TYPES["csv"])
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


# Characters that Excel XML cannot hold (control characters other than tab, newline, return).
_ILLEGAL = {c: None for c in range(32) if c not in (9, 10, 13)}


def xlsx_response(records: Iterable[dict], filename: str) -> HttpResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Insatser")
    sheet.append(list(COLUMNS))
    for record in records:
        sheet.append(
            [cell.translate(_ILLEGAL) if isinstance(cell, str) else cell for cell in _flat(record)]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
