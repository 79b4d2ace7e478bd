"""Chapter 8 by question (/kapitel/8/): every region's answer per question, per edition."""

import datetime

import pytest

from catalogue.models import AllocationAnswer, Project, Region, Report
from tests.catalogue.view_fixtures import build_catalogue

pytestmark = pytest.mark.django_db

URL = "/kapitel/8/"


@pytest.fixture
def catalogue():
    catalogue = build_catalogue()
    skane = Region.objects.get(slug="skane")
    AllocationAnswer.objects.create(
        report=catalogue.report,
        region=skane,
        question=3,
        answer="nej",
        text="Nej. " + " ".join(["Skånes långa förklaring"] * 30) + " SISTA ORDET",
        text_html="<p>Nej.</p><p>"
        + " ".join(["Skånes långa förklaring"] * 30)
        + " SISTA ORDET</p>",
        source_line=1300,
    )
    return catalogue


def test_json_lists_every_region_per_question(client, catalogue):
    payload = client.get(URL + "?format=json").json()
    assert payload["edition"]["year"] == 2023 and payload["edition"]["report"] == "0480"
    assert [q["number"] for q in payload["questions"]] == [1, 2, 3, 4, 5, 6]
    assert payload["questions"][0]["text"] == AllocationAnswer.QUESTIONS[1]
    third = payload["questions"][2]
    assert len(third["answers"]) == Region.objects.count() == 21
    by_region = {a["region"]: a for a in third["answers"]}
    assert (
        by_region["gotland"]["answer"] == "ja"
        and by_region["gotland"]["text"] == "Svar på fråga 3."
    )
    assert by_region["skane"]["answer"] == "nej" and by_region["skane"]["text"].endswith(
        "SISTA ORDET"
    )
    assert by_region["kalmar"] == {
        "region": "kalmar",
        "answer": None,
        "text": "",
        "answered": False,
        "source_line": None,
        "projects": 0,
    }
    first = {a["region"]: a for a in payload["questions"][0]["answers"]}
    assert first["gotland"]["answer"] is None and first["gotland"]["answered"]


def test_gotlands_projects_are_explained_where_they_appear(client, catalogue):
    # The fixture's project (line 1100) follows the answer to question 6 (line 1006).
    payload = client.get(URL + "?format=json").json()
    counts = {
        q["number"]: {a["region"]: a["projects"] for a in q["answers"]}
        for q in payload["questions"]
    }
    assert counts[6]["gotland"] == 1 and counts[4]["gotland"] == 0
    assert payload["projects"][0]["region"] == "gotland" and payload["projects"][0]["count"] == 1
    assert payload["projects"][0]["url"].endswith("/regioner/gotland/#h-projects")
    html = client.get(URL).content.decode()
    q6 = html[html.index('id="q6"') :]
    assert "räknar i sitt svar också upp 1 projekt" in q6
    assert 'href="/regioner/gotland/#h-projects"' in q6
    q4 = html[html.index('id="q4"') : html.index('id="q5"')]
    assert "projects-note" not in q4


def test_html_one_table_per_question_with_truncated_long_answers(client, catalogue):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Utgåva 2023 (Rapport 0480)" in html
    assert html.count('<table class="by-question">') == 6
    assert html.count('<th scope="row">') == 6 * 21
    # Skåne's long answer: cut in the cell, whole behind "Läs hela svaret".
    q3 = html[html.index('id="q3"') : html.index('id="q4"')]
    assert "Läs hela svaret" in q3 and q3.count("SISTA ORDET") == 1
    assert '<span class="answer answer-nej">Nej</span>' in q3
    # Free-text questions get no ja/nej column.
    q1 = html[html.index('id="q1"') : html.index('id="q2"')]
    assert "Ja/nej" not in q1 and "En fritextfråga" in q1
    assert "Ja/nej" in q3


def test_every_edition_alone(client, catalogue):
    report = Report.objects.create(
        title="T 2024", year=2024, number="0512", source_name="b", checksum="b",
        published=datetime.date(2025, 4, 1),
    )  # fmt: skip
    gotland = Region.objects.get(slug="gotland")
    AllocationAnswer.objects.create(
        report=report, region=gotland, question=3, answer="nej", text="Nej, 2024.", source_line=5
    )
    latest = client.get(URL + "?format=json").json()
    assert latest["edition"]["year"] == 2024
    third = {a["region"]: a for a in latest["questions"][2]["answers"]}
    assert third["gotland"]["text"] == "Nej, 2024." and third["skane"]["answered"] is False
    assert latest["projects"] == []
    older = client.get(URL + "?format=json&year=2023").json()
    assert {a["region"]: a for a in older["questions"][2]["answers"]}["gotland"]["answer"] == "ja"
    html = client.get(URL + "?year=2023").content.decode()
    assert '<option value="2023" selected>2023 (Rapport 0480)</option>' in html
    assert (
        '<option value="">2024 (Rapport 0512)</option>' in html
    )  # the latest edition is the clean link
    assert client.get(URL + "?year=1999").status_code == 404


def test_other_chapters_are_still_measure_lists(client, catalogue):
    response = client.get("/kapitel/2/")
    assert (
        response.status_code == 200 and "Kompetensförsörjning i vården" in response.content.decode()
    )


def test_no_project_lines_before_any_answer(client, catalogue):
    Project.objects.filter(region__slug="gotland").update(source_line=1)
    payload = client.get(URL + "?format=json").json()
    assert all(a["projects"] == 0 for q in payload["questions"] for a in q["answers"])


def test_query_counts(client, catalogue, django_assert_num_queries):
    client.get("/")  # the process reads the data's snapshot once per change of the data
    # The data's version, chapter 8, the edition's answers and its projects (regions: snapshot).
    with django_assert_num_queries(4):
        assert client.get(URL).status_code == 200
    with django_assert_num_queries(4):
        assert client.get(URL + "?format=json").status_code == 200
