"""The Excel export one can hand on (catalogue.workbook), the export file names, the semicolon CSV
and formula injection (issue 13): hostile values stay text in every CSV and Excel export."""

import csv
import io

import pytest
from django.utils import translation
from openpyxl import load_workbook

from catalogue.exports import formula_safe
from catalogue.workbook import readable_goals
from tests.catalogue.view_fixtures import PLAIN_STORAGES, build_catalogue, install_fake_search

pytestmark = pytest.mark.django_db

HOSTILE = '=HYPERLINK("http://evil.example","Klicka")'

HEADERS_SV = [
    "Insats",
    "Region",
    "Länskod",
    "Kapitel",
    "Kapitlets titel",
    "Beskrivning",
    "Prestationer",
    "Effekter",
    "Mål",
    "Mål som de skrivits",
    "Rapportår",
    "Rad i källan",
    "Kurerad",
    "Länk",
    "Id",
]


@pytest.fixture(autouse=True)
def plain_static(settings):
    settings.STORAGES = PLAIN_STORAGES


@pytest.fixture
def cat(monkeypatch):
    install_fake_search(monkeypatch)
    return build_catalogue()


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def workbook(client, language="sv", **params):
    response = client.get(
        "/insatser/", {"format": "xlsx", **params}, headers={"accept-language": language}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return response, load_workbook(io.BytesIO(body(response)))


def test_xlsx_has_named_styled_frozen_filtered_columns(client, cat):
    _, book = workbook(client, sort="name")
    assert book.sheetnames == ["Insatser", "Om urvalet"]
    sheet = book["Insatser"]
    header = [cell.value for cell in sheet[1]]
    assert header == HEADERS_SV
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:O8"  # the header and seven measures
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABFIN"}
    assert widths == {"A": 45, "B": 18, "F": 60, "I": 45, "N": 40}
    description = sheet.cell(row=2, column=6)
    assert description.alignment.wrap_text


def test_xlsx_rows_link_to_the_pages_and_name_goals_by_framework(client, cat):
    _, book = workbook(client, q="kompetens")
    rows = list(book["Insatser"].iter_rows(min_row=2))
    assert [row[0].value for row in rows] == [
        "Kompetenslyft för industrin",
        "Kompetensförsörjning i vården",
    ]
    first = rows[0]
    pk = first[14].value
    assert first[0].hyperlink.target == f"http://testserver/insatser/{pk}/"
    assert first[13].value == first[13].hyperlink.target == f"http://testserver/insatser/{pk}/"
    assert first[3].value == 2  # the chapter stays a number
    assert first[12].value == "Nej"
    _, book = workbook(client, region="skane", chapter="7")
    goals = book["Insatser"].cell(row=2, column=9).value
    assert goals.split("\n") == [
        "Regional utvecklingsstrategi (RUS): Ett hållbart Skåne",
        "Agenda 2030: 13 Bekämpa klimatförändringarna",
        "Regionalfonden (ERUF): Skåne-Blekinge",
    ]
    assert "rus:" not in goals and "agenda2030" not in goals


def test_xlsx_in_english_has_english_names_and_goals(client, cat):
    response, book = workbook(client, "en", chapter="7", region="skane")
    assert book.sheetnames == ["Measures", "About this selection"]
    sheet = book["Measures"]
    assert [cell.value for cell in sheet[1]][:4] == ["Measure", "Region", "County code", "Chapter"]
    row = [cell.value for cell in sheet[2]]
    assert row[4] == "Environment and climate"
    assert "13 Climate action" in row[8]
    assert row[12] == "No"
    assert response["Content-Disposition"] == (
        'attachment; filename="measures-2023-skane-chapter-7.xlsx"'
    )


def test_xlsx_second_sheet_describes_the_selection(client, cat):
    response, book = workbook(client, q="kompetens", region="skane", chapter="2")
    about = {row[0]: row[1] for row in book["Om urvalet"].iter_rows(min_row=2, values_only=True)}
    assert about["Sökning"] == "kompetens"
    assert about["Region"] == "Skåne"
    assert about["Kapitel"].startswith("2 Kompetensförsörjning")
    assert about["Sortering"] == "Relevans"
    assert about["Utgåva"] == "2023 (Rapport 0480)"
    assert about["Källa"] == (
        "Tillväxtverket, Tabellbilaga – Regionalt utvecklingsarbete 2023, Rapport 0480 (2024-04-16)"
    )
    assert about["Antal insatser"] == 1
    assert about["Exporterad"][:2] == "20"
    assert about["Urvalet på webben"].startswith("http://testserver/insatser/?q=kompetens")
    assert "format=" not in about["Urvalet på webben"]
    assert book["Om urvalet"]["A1"].font.b
    assert response["Content-Disposition"] == (
        'attachment; filename="insatser-2023-skane-kapitel-2-sok-kompetens.xlsx"'
    )


@pytest.mark.parametrize(
    ("path", "params", "name"),
    [
        ("/insatser/", {}, "insatser-2023"),
        ("/insatser/", {"region": ["skane", "gotland"]}, "insatser-2023-gotland-skane"),
        ("/insatser/", {"sdg": "13", "curated": "on"}, "insatser-2023-mal-13-kurerade"),
        ("/insatser/", {"framework": "regionalfonden"}, "insatser-2023-regionalfonden"),
        ("/kapitel/7/", {"region": "skane"}, "insatser-2023-kapitel-7-skane"),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_export_file_names_say_what_is_in_them(client, cat, path, params, name, fmt):
    response = client.get(path, {"format": fmt, **params})
    assert response.status_code == 200
    kind = "inline" if fmt == "json" else "attachment"
    assert response["Content-Disposition"] == f'{kind}; filename="{name}.{fmt}"'


def test_csv_with_semicolons_for_swedish_excel(client, cat):
    response = client.get("/insatser/", {"format": "csv", "sep": "semicolon", "region": "skane"})
    raw = body(response).decode("utf-8")
    assert raw.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(raw[1:]), delimiter=";"))
    assert rows[0][:3] == ["id", "url", "report_year"]
    assert {row[5] for row in rows[1:]} == {"Skåne"}
    comma = body(client.get("/insatser/", {"format": "csv", "sep": "nonsense"})).decode()
    assert comma.splitlines()[0].startswith("\ufeffid,url,")


def test_the_list_page_links_the_semicolon_csv(client, cat):
    html = client.get("/insatser/", {"region": "skane"}).content.decode()
    assert "format=csv&amp;sep=semicolon" in html


def test_readable_goals_group_titles_by_framework():
    with translation.override("sv"):
        text = readable_goals(
            [
                {"framework": "agenda2030", "sdg": 13, "title": "Bekämpa klimatförändringarna"},
                {"framework": "rus", "sdg": None, "title": "B-mål"},
                {"framework": "agenda2030", "sdg": 8, "title": "Eget namn"},
                {"framework": "rus", "sdg": None, "title": "A-mål"},
            ]
        )
    assert text == (
        "Regional utvecklingsstrategi (RUS): B-mål; A-mål\n"
        "Agenda 2030: 8 Eget namn; 13 Bekämpa klimatförändringarna"
    )


# --- formula injection ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (HOSTILE, "'" + HOSTILE),
        ("+46 8 123", "'+46 8 123"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Vanlig text = 2", "Vanlig text = 2"),
        ("", ""),
        (-5, -5),
        (None, None),
    ],
)
def test_formula_safe(value, expected):
    assert formula_safe(value) == expected


@pytest.fixture
def hostile(cat):
    measure = cat.measures["vindkraft"]
    measure.name = HOSTILE
    measure.description = "+cmd|' /C calc'!A0"
    measure.outputs = "@SUM(1+1)*cmd|' /C calc'!A0"
    measure.effects = "-2+3"
    measure.goals_text = "\t=1+1"
    measure.save()
    return measure


def test_xlsx_writes_hostile_values_as_text(client, hostile):
    response = client.get("/insatser/", {"format": "xlsx", "region": "skane", "chapter": "7"})
    raw = body(response)
    book = load_workbook(io.BytesIO(raw))
    row = book["Insatser"][2]
    cells = {cell.column_letter: cell for cell in row}
    assert cells["A"].value == HOSTILE
    for letter in "AFGHJ":
        assert cells[letter].data_type == "s", letter
    assert cells["F"].value.startswith("+cmd")
    # No formula anywhere in the file's sheets.
    import zipfile

    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)


def test_xlsx_about_sheet_keeps_a_hostile_query_as_text(client, hostile):
    _, book = workbook(client, q="=1+1")
    cell = next(
        row[1] for row in book["Om urvalet"].iter_rows(min_row=2) if row[0].value == "Sökning"
    )
    assert cell.value == "=1+1" and cell.data_type == "s"


@pytest.mark.parametrize("sep", ["comma", "semicolon"])
def test_csv_prefixes_hostile_values(client, hostile, sep):
    response = client.get("/insatser/", {"format": "csv", "sep": sep, "region": "skane"})
    delimiter = ";" if sep == "semicolon" else ","
    rows = list(csv.reader(io.StringIO(body(response).decode("utf-8-sig")), delimiter=delimiter))
    row = next(r for r in rows if r[0] == str(hostile.pk))
    assert row[7] == "'" + HOSTILE
    assert row[8] == "'+cmd|' /C calc'!A0"
    assert row[9] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row[10] == "'-2+3"
    assert row[11] == "'\t=1+1"
    for r in rows[1:]:
        for value in r:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_xlsx_survives_control_characters(client, cat):
    measure = cat.measures["besok"]
    measure.description = "Rad ett\x0bRad två\x1f"
    measure.save()
    _, book = workbook(client, curated="on")
    assert book["Insatser"].cell(row=2, column=6).value == "Rad ettRad två"
