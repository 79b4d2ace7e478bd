"""The goal cross-walk pages: a region's (/regioner/<slug>/mal/) and the national global goals ×
regions (/mal/agenda-2030/), HTML and JSON, per edition."""

import pytest

from catalogue.models import Chapter, Region, Report
from tests.catalogue.view_fixtures import build_catalogue, make_measure

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    return build_catalogue()


def test_region_json_counts_and_gaps(client, catalogue):
    payload = client.get("/regioner/skane/mal/?format=json").json()
    assert payload["region"] == "skane" and payload["measure_count"] == 3
    assert payload["edition"]["year"] == 2023
    assert payload["by_chapter"] == {"1": 0, "2": 1, "3": 1, "4": 0, "5": 0, "6": 0, "7": 1}
    assert payload["by_framework"]["rus"] == 2 and payload["by_framework"]["agenda2030"] == 2
    assert payload["gaps"]["chapters"] == [1, 4, 5, 6]
    assert payload["gaps"]["sdgs"] == [n for n in range(1, 18) if n not in (8, 13)]


def test_region_page_states_the_gaps_and_draws_the_tables(client, catalogue):
    response = client.get("/regioner/skane/mal/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Utgåva 2023 (Rapport 0480)" in html
    assert "Inga insatser i kapitlen 1, 4, 5 och 6." in html
    assert (
        "Inga insatser anger de globala målen 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 16 och 17."
        in html
    )
    assert "1 av 3 insatser anger inget globalt mål." in html
    assert html.count('<svg class="chart"') == 1
    assert html.count('<table class="heat">') == 2
    # Chapter 7 × RUS: the vindkraft measure, linked to the list of exactly it.
    rows = response.context["chapter_framework_rows"]
    seven = next(row for row in rows if row.key == 7)
    rus = seven.cells[0]
    assert rus.value == 1 and rus.level == 4
    assert rus.url == "/insatser/?year=2023&region=skane&chapter=7&framework=rus"
    # The goals by framework, with the measures that name them.
    groups = {g["code"]: g for g in response.context["goals_by_framework"]}
    assert [g.title for g in groups["rus"]["goals"]] == ["Ett hållbart Skåne"]
    assert groups["rus"]["goals"][0].measure_count == 2


def test_region_without_measures_in_the_edition(client, catalogue):
    html = client.get("/regioner/kalmar/mal/").content.decode()
    assert "Regionen redovisade inga insatser i den här utgåvan." in html
    assert client.get("/regioner/narnia/mal/").status_code == 404


def test_region_no_measures_statement_is_quoted(client, catalogue):
    html = client.get("/regioner/gotland/mal/").content.decode()
    assert "Inga insatser redovisades." in html


def test_national_sdg_by_region(client, catalogue):
    payload = client.get("/mal/agenda-2030/?format=json").json()
    regions = {r["slug"]: r["by_sdg"] for r in payload["regions"]}
    assert len(regions) == 21
    assert (
        regions["skane"]["8"] == 1 and regions["orebro"]["8"] == 1 and regions["orebro"]["13"] == 1
    )
    assert regions["kalmar"] == {str(n): 0 for n in range(1, 18)}
    html = client.get("/mal/agenda-2030/").content.decode()
    assert "Ingen region anger de globala målen 1, 2, 3" in html
    assert 'href="/regioner/skane/mal/"' in html
    assert "/insatser/?year=2023&amp;region=orebro&amp;sdg=13" in html
    assert 'href="/mal/agenda-2030/"' in client.get("/mal/").content.decode()


def test_each_edition_alone(client, catalogue):
    report = Report.objects.create(
        title="T", year=2024, number="0512", source_name="b", checksum="b"
    )
    make_measure(
        report, Region.objects.get(slug="skane"), Chapter.objects.get(number=5), "Ny", line=5,
        goals=[catalogue.goals["sdg13"]],
    )  # fmt: skip
    latest = client.get("/regioner/skane/mal/?format=json").json()
    assert latest["measure_count"] == 1 and latest["by_chapter"]["5"] == 1
    assert client.get("/regioner/skane/mal/?format=json&year=2023").json()["measure_count"] == 3
    national = client.get("/mal/agenda-2030/?format=json").json()
    assert {r["slug"]: r["by_sdg"]["8"] for r in national["regions"]}["orebro"] == 0
    html = client.get("/regioner/skane/mal/?year=2023").content.decode()
    assert "/insatser/?year=2023&amp;region=skane" in html
    assert '<option value="2023" selected>2023 (Rapport 0480)</option>' in html


def test_query_counts(client, catalogue, django_assert_num_queries):
    client.get("/")  # the process reads the data's snapshot once per change of the data
    # The measures, goals, regions and chapters come from the snapshot: the region page asks
    # the data's version, the region and its "no measures" notes; the national page the version.
    with django_assert_num_queries(3):
        assert client.get("/regioner/skane/mal/").status_code == 200
    with django_assert_num_queries(2):
        assert client.get("/regioner/skane/mal/?format=json").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/mal/agenda-2030/").status_code == 200
    with django_assert_num_queries(1):
        assert client.get("/mal/agenda-2030/?format=json").status_code == 200


def test_region_counts_equal_the_lists(client, catalogue):
    from tests.catalogue.test_compare import list_count

    payload = client.get("/regioner/skane/mal/?format=json").json()
    assert payload["measure_count"] == list_count(client, 2023, region="skane")
    for dimension in ("chapter", "framework", "sdg"):
        for key, n in payload[f"by_{dimension}"].items():
            assert n == list_count(client, 2023, region="skane", **{dimension: key}), key
    national = client.get("/mal/agenda-2030/?format=json").json()
    for region in national["regions"]:
        for number, n in region["by_sdg"].items():
            if n:
                assert n == list_count(client, 2023, region=region["slug"], sdg=number)
