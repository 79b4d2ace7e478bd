"""Exports of a list of measures as JSON (the open-data shape of issue 2), CSV and Excel.

Each takes the measures in the order they should appear and streams or writes them; the views
decide which measures and in which order.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Callable, Iterable, Iterator

from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse

from .models import Goal, Measure

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


def _flat(record: dict) -> list:
    """A record as spreadsheet cells; goals become "framework[:sdg]: title" lines."""
    goals = "\n".join(
        f"{goal['framework']}{':' + str(goal['sdg']) if goal['sdg'] else ''}: {goal['title']}"
        for goal in record["goals"]
    )
    return [goals if column == "goals" else record[column] for column in COLUMNS]


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


def json_response(count: int, records: Iterable[dict]) -> StreamingHttpResponse:
    return StreamingHttpResponse(
        _chunked(_json_chunks(count, records)), content_type=CONTENT_TYPES["json"]
    )


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
    response = StreamingHttpResponse(
        _chunked(_csv_lines(records)), content_type=CONTENT_TYPES["csv"]
    )
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
