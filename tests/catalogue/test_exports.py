"""Exports of the measures list: exactly the filtered set, in the page's order, in three formats."""

import csv
import io
import json

import pytest

from tests.catalogue.view_fixtures import PLAIN_STORAGES, build_catalogue, install_fake_search

pytestmark = pytest.mark.django_db

RECORD_KEYS = [
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


def export(client, fmt, **params):
    response = client.get("/insatser/", {"format": fmt, **params})
    assert response.status_code == 200
    return response


def test_json_has_the_open_data_shape_and_every_measure(client, cat):
    response = export(client, "json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    raw = body(response)
    data = json.loads(raw)
    assert list(data) == ["count", "results"]
    assert data["count"] == 7 == len(data["results"])
    record = next(r for r in data["results"] if r["name"] == "Vindkraftsetablering till havs")
    assert list(record) == RECORD_KEYS
    measure = cat.measures["vindkraft"]
    assert record["id"] == measure.pk
    assert record["url"] == f"http://testserver/insatser/{measure.pk}/"
    assert record["report_year"] == 2023
    assert record["chapter"] == 7
    assert record["chapter_title"] == "Miljö och klimat"
    assert record["region"] == "Skåne"
    assert record["region_code"] == "12"
    assert record["description"] == "Beskrivning av vindkraftsetablering till havs."
    assert record["outputs"] == "Tre träffar genomfördes."
    assert record["effects"] == ""
    assert record["goals_text"].startswith("RUS:")
    assert sorted(record["goals"], key=lambda g: g["framework"]) == [
        {"framework": "agenda2030", "sdg": 13, "title": "Bekämpa klimatförändringarna"},
        {"framework": "regionalfonden", "sdg": None, "title": "Skåne-Blekinge"},
        {"framework": "rus", "sdg": None, "title": "Ett hållbart Skåne"},
    ]
    assert record["source_line"] == 900
    assert record["curated"] is False
    assert "Vindkraftsetablering" in raw.decode("utf-8")  # not \u-escaped


def test_json_is_exactly_the_filtered_set(client, cat):
    data = json.loads(body(export(client, "json", region="gotland")))
    assert data["count"] == 2
    assert {r["region"] for r in data["results"]} == {"Gotland"}


def test_json_follows_the_page_order(client, cat):
    data = json.loads(body(export(client, "json", sort="-name")))
    names = [r["name"] for r in data["results"]]
    assert names == sorted(names, reverse=True)
    default = [r["source_line"] for r in json.loads(body(export(client, "json")))["results"]]
    chapters = [r["chapter"] for r in json.loads(body(export(client, "json")))["results"]]
    assert chapters == sorted(chapters)  # the list's default order: chapter, region, line
    assert len(default) == 7


def test_json_with_a_query_is_in_relevance_order(client, cat):
    data = json.loads(body(export(client, "json", q="kompetens")))
    # the fake search ranks newer measures first
    assert [r["name"] for r in data["results"]] == [
        "Kompetenslyft för industrin",
        "Kompetensförsörjning i vården",
    ]
    assert data["count"] == 2


def test_export_in_batches_keeps_order_and_goals(client, cat, monkeypatch):
    from catalogue import exports

    whole = json.loads(body(export(client, "json", sort="-name")))
    monkeypatch.setattr(exports, "BATCH", 2)  # seven measures in four batches
    batched = json.loads(body(export(client, "json", sort="-name")))
    assert batched == whole
    goals = {r["name"]: r["goals"] for r in whole["results"]}
    assert [g["framework"] for g in goals["Vindkraftsetablering till havs"]] == [
        "agenda2030",  # the goals' own order: framework, SDG number, title
        "regionalfonden",
        "rus",
    ]
    assert goals["Besöksnäring året runt"] == []


def test_json_ignores_paging(client, cat):
    data = json.loads(body(export(client, "json", per_page="25", page="3")))
    assert data["count"] == 7 == len(data["results"])


def test_export_with_an_invalid_filter_is_a_400(client, cat):
    response = client.get("/insatser/", {"format": "json", "region": "atlantis"})
    assert response.status_code == 400
    assert "region" in response.json()["errors"]


def test_csv_has_a_bom_a_header_and_the_filtered_rows(client, cat):
    response = export(client, "csv", chapter="7", sort="name")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="insatser-2023-kapitel-7.csv"'
    raw = body(response)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == RECORD_KEYS
    assert [row[7] for row in rows[1:]] == [
        "Klimatomställning i näringslivet",
        "Vindkraftsetablering till havs",
    ]
    vindkraft = rows[2]
    assert vindkraft[5] == "Skåne"
    assert "agenda2030:13: Bekämpa klimatförändringarna" in vindkraft[12].split("\n")


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_export_query_count_is_bounded(client, cat, fmt, django_assert_max_num_queries):
    client.get("/insatser/")  # the worker's snapshot of the data, read once per change
    with django_assert_max_num_queries(8):
        body(export(client, fmt))


def test_export_answers_304_until_the_data_change(client, cat, django_assert_max_num_queries):
    first = export(client, "csv", region="skane")
    etag = first["ETag"]
    assert etag
    with django_assert_max_num_queries(1):  # the data's version; nothing is exported again
        again = client.get(
            "/insatser/", {"format": "csv", "region": "skane"}, headers={"if-none-match": etag}
        )
    assert again.status_code == 304
    other = export(client, "json", region="skane")
    assert other["ETag"] != etag  # each format and filter has its own
    measure = cat.measures["vindkraft"]
    measure.name = "Vindkraft till havs"
    measure.save()
    changed = client.get(
        "/insatser/", {"format": "csv", "region": "skane"}, headers={"if-none-match": etag}
    )
    assert changed.status_code == 200
    assert "Vindkraft till havs" in body(changed).decode("utf-8-sig")
