"""Regions side by side (/jamfor/): HTML and JSON, per edition, and counts equal to the measure
list's for the same region and edition."""

import datetime
import json
from io import StringIO

import pytest
from django.urls import reverse

from catalogue.crosswalk import SDG_NUMBERS, THEMATIC_CHAPTERS
from catalogue.models import Chapter, Goal, Region, Report
from tests.catalogue.view_fixtures import (
    build_catalogue,
    install_fake_search,
    make_measure,
)

pytestmark = pytest.mark.django_db

COMPARE = "/jamfor/"


@pytest.fixture
def catalogue(monkeypatch):
    install_fake_search(monkeypatch)
    return build_catalogue()


def get_json(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    if getattr(response, "streaming", False):
        return json.loads(b"".join(response.streaming_content))
    return response.json()


def list_count(client, year, **filters) -> int:
    """The measure list's count for these filters (its JSON export)."""
    query = "&".join(f"{name}={value}" for name, value in filters.items())
    return get_json(client, f"/insatser/?format=json&year={year}&{query}")["count"]


def assert_counts_equal_the_list(client, payload, year):
    frameworks = [code for code, _ in Goal.Framework.choices]
    for region in payload["regions"]:
        slug = region["slug"]
        assert set(region["by_chapter"]) == {str(n) for n in THEMATIC_CHAPTERS}
        assert set(region["by_framework"]) == set(frameworks)
        assert set(region["by_sdg"]) == {str(n) for n in SDG_NUMBERS}
        for number, n in region["by_chapter"].items():
            assert n == list_count(client, year, region=slug, chapter=number), (slug, number)
        for code, n in region["by_framework"].items():
            assert n == list_count(client, year, region=slug, framework=code), (slug, code)
        for number, n in region["by_sdg"].items():
            assert n == list_count(client, year, region=slug, sdg=number), (slug, number)
        assert region["measure_count"] == list_count(client, year, region=slug)


def test_json_counts_equal_the_lists(client, catalogue):
    payload = get_json(client, f"{COMPARE}?region=skane&region=gotland&region=orebro&format=json")
    assert [r["slug"] for r in payload["regions"]] == ["skane", "gotland", "orebro"]
    assert payload["edition"] == {"year": 2023, "report": "0480", "title": catalogue.report.title}
    skane = payload["regions"][0]
    assert skane["name"] == "Skåne"
    assert skane["by_chapter"] == {"1": 0, "2": 1, "3": 1, "4": 0, "5": 0, "6": 0, "7": 1}
    assert skane["by_framework"]["rus"] == 2 and skane["by_framework"]["regionalfonden"] == 2
    assert skane["by_sdg"]["8"] == 1 and skane["by_sdg"]["13"] == 1
    assert_counts_equal_the_list(client, payload, 2023)


def test_html_shows_charts_tables_columns_and_similar(client, catalogue):
    response = client.get(f"{COMPARE}?region=skane&region=orebro")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Utgåva 2023 (Rapport 0480)" in html
    assert html.count('<svg class="chart"') == 3 and 'aria-hidden="true"' in html
    assert html.count("<caption") >= 3 and 'scope="col"' in html and 'scope="row"' in html
    # The measures in a column per region, each chapter once.
    assert "Kompetensförsörjning i vården" in html and "Kompetenslyft för industrin" in html
    assert "Service på landsbygden" not in html  # Gotland is not compared
    # Similar measures only from the other compared region (the fake index ignores regions).
    context = response.context
    for block in context["blocks"]:
        for column in block["columns"]:
            for measure in column["measures"]:
                for other in measure["similar"]:
                    assert other["region"] != column["region"].name
                    assert other["region"] in {"Skåne", "Örebro"}
    chapter_2 = next(b for b in context["blocks"] if b["number"] == 2)
    skane_measure = chapter_2["columns"][0]["measures"][0]
    # The fake index ranks by id: Örebro's two measures, at most SIMILAR_SHOWN of them.
    assert [o["name"] for o in skane_measure["similar"]] == [
        "Kompetenslyft för industrin",
        "Klimatomställning i näringslivet",
    ]
    # Figures link to the list, narrowed to the same region and edition.
    assert "/insatser/?year=2023&amp;region=skane&amp;chapter=2" in html


def test_missing_index_leaves_out_similar_measures(client, monkeypatch):
    from tests.catalogue.view_fixtures import FakeSearch

    install_fake_search(monkeypatch, FakeSearch(available=False))
    build_catalogue()
    response = client.get(f"{COMPARE}?region=skane&region=orebro")
    assert response.status_code == 200
    assert "Liknande insatser visas när sökindexet är byggt." in response.content.decode()


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("", 200),
        ("?region=skane", 200),
        ("?region=skane&region=skane", 200),
        ("?region=skane&region=narnia", 400),
        (
            "?"
            + "&".join(f"region={s}" for s in ("skane", "gotland", "orebro", "kalmar", "uppsala")),
            400,
        ),
    ],
)
def test_wrong_number_of_regions_gives_a_message_and_the_form(client, catalogue, query, status):
    response = client.get(COMPARE + query)
    assert response.status_code == status
    html = response.content.decode()
    assert 'class="compare-form"' in html and html.count('name="region"') == 21
    assert response.context["problem"]
    assert '<svg class="chart"' not in html
    json_response = client.get(COMPARE + (query + "&" if query else "?") + "format=json")
    assert json_response.status_code == 400 and "error" in json_response.json()


def test_the_form_keeps_the_chosen_regions_and_edition(client, catalogue):
    Report.objects.create(title="T", year=2024, number="0512", source_name="b", checksum="b")
    html = client.get(f"{COMPARE}?region=skane&year=2023").content.decode()
    assert 'value="skane" checked' in html
    assert '<input type="hidden" name="year" value="2023">' in html


def second_edition(catalogue):
    """A 2024 edition with two Skåne measures and one of Örebro."""
    report = Report.objects.create(
        title="Tabellbilaga – Regionalt utvecklingsarbete 2024",
        year=2024,
        number="0512",
        published=datetime.date(2025, 4, 15),
        source_name="b.txt",
        checksum="1" * 64,
    )
    skane, orebro = Region.objects.get(slug="skane"), Region.objects.get(slug="orebro")
    chapter = {n: Chapter.objects.get(number=n) for n in (4, 5)}
    goals = catalogue.goals
    make_measure(report, skane, chapter[4], "Bredband", line=10, goals=[goals["sdg8"]])
    make_measure(report, skane, chapter[5], "Jämställd tillväxt", line=20, goals=[goals["erdf"]])
    make_measure(report, orebro, chapter[4], "Tåg i Bergslagen", line=30)
    return report


def test_every_edition_counts_alone(client, catalogue):
    second_edition(catalogue)
    latest = get_json(client, f"{COMPARE}?region=skane&region=orebro&format=json")
    assert latest["edition"]["year"] == 2024
    skane = latest["regions"][0]
    assert skane["measure_count"] == 2 and skane["by_chapter"]["4"] == 1
    assert skane["by_chapter"]["2"] == 0
    assert_counts_equal_the_list(client, latest, 2024)
    older = get_json(client, f"{COMPARE}?region=skane&region=orebro&year=2023&format=json")
    assert older["edition"]["year"] == 2023 and older["regions"][0]["measure_count"] == 3
    assert_counts_equal_the_list(client, older, 2023)
    html = client.get(f"{COMPARE}?region=skane&region=orebro&year=2023").content.decode()
    assert "Bredband" not in html and "Kompetensförsörjning i vården" in html
    assert '<option value="2023" selected>2023 (Rapport 0480)</option>' in html
    assert (
        '<option value="">2024 (Rapport 0512)</option>' in html
    )  # the latest edition is the clean link


def test_unknown_year_is_404(client, catalogue):
    assert client.get(f"{COMPARE}?region=skane&region=orebro&year=1999").status_code == 404


def test_reachable_from_region_page_and_list(client, catalogue):
    region_html = client.get("/regioner/skane/").content.decode()
    assert f'href="{COMPARE}?region=skane"' in region_html
    assert 'href="/regioner/skane/mal/"' in region_html
    list_html = client.get("/insatser/?region=skane&region=orebro").content.decode()
    assert f'formaction="{reverse("catalogue:compare")}"' in list_html
    assert "Jämför markerade regioner" in list_html
    assert f'<a href="{COMPARE}?region=orebro&amp;region=skane' in list_html or (
        f'<a href="{COMPARE}?region=skane&amp;region=orebro' in list_html
    )
    one_region = client.get("/insatser/?region=skane").content.decode()
    assert 'class="compare-link"' not in one_region


@pytest.mark.slow
def test_counts_equal_the_list_on_the_bundled_report(client, monkeypatch):
    from django.core.management import call_command

    from tests.servers import REPORT

    install_fake_search(monkeypatch)
    call_command("import_report", str(REPORT), "--no-index", stdout=StringIO())
    payload = get_json(
        client, f"{COMPARE}?region=skane&region=vastra-gotaland&region=gotland&format=json"
    )
    assert sum(r["measure_count"] for r in payload["regions"]) == 28 + 29 + 28
    assert_counts_equal_the_list(client, payload, 2023)


def test_queries_do_not_grow_with_regions_or_measures(client, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.catalogue.view_fixtures import FakeSearch

    install_fake_search(monkeypatch, FakeSearch(available=False))  # the fake index queries
    build_catalogue()
    client.get("/")  # the process reads the data's snapshot once per change of the data
    counts = []
    for query in (
        "region=skane&region=orebro",
        "region=skane&region=orebro&region=gotland&region=kalmar",
    ):
        with CaptureQueriesContext(connection) as context:
            assert client.get(f"{COMPARE}?{query}").status_code == 200
        counts.append(len(context))
    assert counts == [1, 1]  # the data's version; the rest comes from the snapshot


def test_similar_measures_are_looked_up_for_the_first_of_each_column_only(
    client, catalogue, monkeypatch
):
    from catalogue import comparison_views

    skane, chapter = Region.objects.get(slug="skane"), Chapter.objects.get(number=2)
    for n, name in enumerate(("Vårdlyft", "Lärlingar", "Yrkesvux")):
        make_measure(catalogue.report, skane, chapter, name, line=201 + n)
    asked = []
    real = comparison_views.search_module().similar
    monkeypatch.setattr(
        comparison_views.search_module(),
        "similar",
        lambda pk, **options: asked.append(pk) or real(pk, **options),
    )
    response = client.get(f"{COMPARE}?region=skane&region=orebro")
    per_column = comparison_views.SIMILAR_PER_COLUMN
    columns = [c for b in response.context["blocks"] for c in b["columns"]]
    assert len(asked) == sum(min(per_column, len(c["measures"])) for c in columns) == 6
    skane_2 = next(b for b in response.context["blocks"] if b["number"] == 2)["columns"][0]
    names = [m["name"] for m in skane_2["measures"]]
    assert names == ["Kompetensförsörjning i vården", "Vårdlyft", "Lärlingar", "Yrkesvux"]
    assert [bool(m["similar"]) for m in skane_2["measures"]] == [True, True, False, False]
    assert [m["similar_elsewhere"] for m in skane_2["measures"]] == [False, False, True, True]
    html = response.content.decode()
    pk = next(m for m in skane_2["measures"] if m["name"] == "Yrkesvux")["url"]
    assert f'<a href="{pk}#h-similar">Liknande insatser' in html


def test_json_asks_only_the_datas_version(client, catalogue, django_assert_num_queries):
    client.get("/")  # the process reads the data's snapshot once per change of the data
    with django_assert_num_queries(1):
        response = client.get(f"{COMPARE}?region=skane&region=orebro&format=json")
    assert response.status_code == 200 and len(response.json()["regions"]) == 2


def test_every_edition_asks_for_the_latest(client, catalogue):
    """From the list over every edition, "Jämför markerade regioner" sends year=alla: a
    comparison is about one edition, so it redirects to the latest rather than answer 404."""
    response = client.get("/jamfor/", {"region": ["skane", "gotland"], "year": "alla"})
    assert response.status_code == 302
    assert response["Location"] == "/jamfor/?region=skane&region=gotland"
