"""catalogue.workbook without the views: every cell's type and style, the sheet's settings, the
second sheet, and Excel's limit on links, on records made here (no database)."""

import io
import zipfile

import pytest
from django.utils import translation
from openpyxl import load_workbook

from catalogue import workbook
from catalogue.exports import FORMULA_TRIGGERS, Selection

HOSTILE = [trigger + "cmd|' /C calc'!A0" for trigger in FORMULA_TRIGGERS] + [
    '=HYPERLINK("http://evil.example","Klicka")',
    "#N/A",  # an error code: also kept as text
    "=",
]


def record(pk: int, **values) -> dict:
    return {
        "id": pk,
        "url": f"http://testserver/insatser/{pk}/",
        "report_year": 2023,
        "chapter": 3,
        "chapter_title": "Innovation",
        "region": "Gotland",
        "region_code": "09",
        "name": f"Insats {pk}",
        "description": "Beskrivning.",
        "outputs": "Prestationer.",
        "effects": "Effekter.",
        "goals_text": "RUS: mål",
        "goals": [{"framework": "rus", "sdg": None, "title": "Ett mål"}],
        "source_line": 100 + pk,
        "curated": False,
        **values,
    }


def build(records: list[dict], **selection) -> tuple[bytes, object]:
    with translation.override("sv"):
        raw = workbook.build_workbook(
            iter(records),
            Selection(count=len(records), page_url="http://testserver/insatser/", **selection),
        )
    return raw, load_workbook(io.BytesIO(raw))


def column(key: str) -> int:
    return [c.key for c in workbook.COLUMNS].index(key) + 1


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("key", ["name", "region", "description", "goals_text", "url"])
def test_values_that_look_like_formulas_stay_text(key, value):
    raw, book = build([record(1, **{key: value})])
    cell = book["Insatser"].cell(row=2, column=column(key))
    # A bare carriage return may come back as a newline: XML readers normalize line ends.
    assert cell.value in (value, value.replace("\r", "\n"))
    assert cell.data_type == "s"
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        assert len(sheets) == 2
        for name in sheets:
            xml = archive.read(name)
            assert b"<f>" not in xml and b"<f " not in xml and b't="e"' not in xml


def test_the_about_sheet_keeps_hostile_filters_as_text():
    _, book = build([record(1)], query="=1+1", filters=(("Region", "+Gotland"),), sort="-x")
    about = {row[0].value: row[1] for row in book["Om urvalet"].iter_rows(min_row=2)}
    for label, value in (("Sökning", "=1+1"), ("Region", "+Gotland"), ("Sortering", "-x")):
        assert about[label].value == value and about[label].data_type == "s"
    assert about["Antal insatser"].value == 1 and about["Antal insatser"].data_type == "n"
    assert about["Urvalet på webben"].hyperlink.target == "http://testserver/insatser/"
    assert about["Utgåva"].value == "Alla utgåvor"


def test_the_sheet_has_a_frozen_bold_header_a_filter_widths_and_wrapped_text():
    _, book = build([record(pk) for pk in range(1, 4)])
    assert book.sheetnames == ["Insatser", "Om urvalet"]
    sheet = book["Insatser"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:O4"
    assert sheet.print_title_rows == "$1:$1"
    for number, spec in enumerate(workbook.COLUMNS, start=1):
        letter = sheet.cell(row=1, column=number).column_letter
        assert sheet.column_dimensions[letter].width == spec.width
        header = sheet.cell(row=1, column=number)
        assert header.value == str(spec.label)
        assert header.font.b and header.alignment.wrap_text
        cell = sheet.cell(row=2, column=number)
        assert cell.alignment.vertical == "top"
        assert bool(cell.alignment.wrap_text) == spec.wrap, spec.key
        assert not cell.font.b
    assert sheet.cell(row=2, column=column("chapter")).data_type == "n"
    assert sheet.cell(row=2, column=column("curated")).value == "Nej"
    assert sheet.cell(row=2, column=column("goals")).value == (
        "Regional utvecklingsstrategi (RUS): Ett mål"
    )


def test_the_header_alone_when_nothing_is_selected():
    _, book = build([])
    sheet = book["Insatser"]
    assert sheet.max_row == 1
    assert sheet.auto_filter.ref == "A1:O1"


def links(sheet, key: str) -> list:
    return [
        row[0].hyperlink.target if row[0].hyperlink else None
        for row in sheet.iter_rows(min_row=2, min_col=column(key), max_col=column(key))
    ]


def test_name_and_url_link_to_the_measure_page():
    _, book = build([record(1), record(2)])
    sheet = book["Insatser"]
    expected = ["http://testserver/insatser/1/", "http://testserver/insatser/2/"]
    assert links(sheet, "name") == links(sheet, "url") == expected
    assert sheet.cell(row=2, column=column("name")).font.u == "single"


def test_links_stay_within_excels_limit(monkeypatch):
    monkeypatch.setattr(workbook, "MAX_LINKS", 5)  # Excel's is 65,530 a sheet
    _, book = build([record(pk) for pk in range(1, 7)])
    sheet = book["Insatser"]
    assert links(sheet, "url") == [None] * 6  # 12 links would not fit: the name's only
    assert links(sheet, "name") == [f"http://testserver/insatser/{pk}/" for pk in range(1, 6)] + [
        None
    ]


def test_control_characters_are_dropped():
    _, book = build([record(1, description="Rad ett\x0bRad två\x1f", name="\x00Namn")])
    sheet = book["Insatser"]
    assert sheet.cell(row=2, column=column("description")).value == "Rad ettRad två"
    assert sheet.cell(row=2, column=column("name")).value == "Namn"


def test_cells_of_a_kind_share_one_style():
    _, book = build([record(pk) for pk in range(1, 4)])
    sheet = book["Insatser"]
    ids = {sheet.cell(row=row, column=column("description")).style_id for row in (2, 3, 4)}
    assert len(ids) == 1
    assert workbook.WRAPPED in book.named_styles


def test_empty_values_leave_empty_cells():
    _, book = build([record(1, outputs="", effects="")])
    sheet = book["Insatser"]
    assert sheet.cell(row=2, column=column("outputs")).value is None
    assert sheet.cell(row=2, column=column("effects")).value is None
    assert sheet.cell(row=2, column=column("description")).value == "Beskrivning."
