"""The goal list as JSON, and the measure list's goals column (which goals, not only which
framework)."""

import pytest
from django.urls import reverse

from catalogue.models import Goal
from catalogue.tables import goal_titles_summary
from tests.catalogue.view_fixtures import PLAIN_STORAGES, build_catalogue, install_fake_search

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def plain_static(settings):
    settings.STORAGES = PLAIN_STORAGES
    settings.LANGUAGE_CODE = "sv"


@pytest.fixture
def cat(monkeypatch):
    install_fake_search(monkeypatch)
    return build_catalogue()


def test_goal_list_json(client, cat):
    response = client.get(reverse("catalogue:goal-list"), {"format": "json"})
    assert response["Content-Type"].startswith("application/json")
    goals = {g["id"]: g for g in response.json()}
    assert len(goals) == Goal.objects.count()
    rus = Goal.objects.get(key="rus:skane:hallbar")
    assert goals[rus.pk] == {
        "id": rus.pk,
        "framework": "rus",
        "sdg": None,
        "title": "Ett hållbart Skåne",
        "region": "skane",
        "programme": "",
        "objective": "",
        "measure_count": 2,
    }
    sdg8 = Goal.objects.get(sdg=8)
    assert (goals[sdg8.pk]["sdg"], goals[sdg8.pk]["region"]) == (8, None)
    assert goals[sdg8.pk]["measure_count"] == 3
    assert sum(1 for g in goals.values() if g["framework"] == "agenda2030") == 17


def test_the_list_shows_which_goals_by_framework(client, cat):
    html = client.get(reverse("catalogue:measure-list")).content.decode()
    assert "RUS: Ett hållbart Skåne<br>Agenda 2030: 13<br>Regionalfonden: Skåne-Blekinge" in html


def test_goal_titles_are_short_and_grouped():
    labels = {code: code.upper() for code in Goal.Framework.values}
    long_title = "Gävleborg har robust och kapacitetsstark infrastruktur med hög tillgänglighet"
    parts = goal_titles_summary(
        [
            ("agenda2030", 9, "Hållbar industri"),
            ("rus", None, long_title),
            ("agenda2030", 8, "Anständiga arbetsvillkor"),
            ("rus", None, "A1"),
            ("rus", None, "A2"),
            ("rus", None, "A3"),
        ],
        labels,
    )
    assert parts == [
        "RUS: Gävleborg har robust och kapacitetsstark…; A1; A2; +1",
        "AGENDA2030: 8, 9",
    ]
