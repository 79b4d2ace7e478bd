"""Goal curation survives imports: merged goals stay merged, renamed and reassigned goals stay."""

import hashlib

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from catalogue import admin_goals
from catalogue.goal_curation import goals_by_key, merge_goals
from catalogue.models import Goal, GoalAlias, Measure, Region
from importer.loader import load_report
from importer.parser import parse_report
from tests.importer.snippets import chapter, document, row

pytestmark = pytest.mark.django_db

TWO_WORDINGS = document(
    chapter(
        1,
        row("Norrbotten", "Kulturhus i Kiruna", "", "", "Attraktiva livsmiljöer i RUS."),
        row("Norrbotten", "Ungas livsvillkor", "", "", "Mål i RUS: Attraktiv livsmiljö för unga"),
        row("Norrbotten", "Testbäddar", "", "", "Smart specialisering: Arktiska testbäddar"),
    )
)


def load(text=TWO_WORDINGS):
    return load_report(
        parse_report(text),
        source_name="test.txt",
        checksum=hashlib.sha256(text.encode()).hexdigest(),
    )


def goal_of(name):
    return Measure.objects.get(name=name).goals.get()


def test_a_merged_goal_stays_merged_when_the_report_is_imported_again():
    load()
    kept, merged = goal_of("Kulturhus i Kiruna"), goal_of("Ungas livsvillkor")
    assert kept != merged
    changed = merge_goals(kept, [merged])
    assert changed == {Measure.objects.get(name="Ungas livsvillkor").pk}
    assert not Goal.objects.filter(pk=merged.pk).exists()
    assert GoalAlias.objects.get(key=merged.key).goal == kept
    goals_before = Goal.objects.count()

    result = load()

    assert result.goals_created == 0
    assert Goal.objects.count() == goals_before
    assert goal_of("Ungas livsvillkor") == kept
    kept.refresh_from_db()
    assert kept.curated and kept.title == "Attraktiva livsmiljöer"


def test_merging_into_a_goal_that_was_merged_before_follows_the_chain():
    load()
    first, second, third = (
        goal_of(n) for n in ("Kulturhus i Kiruna", "Ungas livsvillkor", "Testbäddar")
    )
    merge_goals(second, [first])
    merge_goals(third, [second])
    assert goals_by_key([first.key, second.key]) == {first.key: third, second.key: third}
    load()
    assert {goal_of(n) for n in ("Kulturhus i Kiruna", "Ungas livsvillkor")} == {third}


def test_renamed_and_reassigned_goals_are_not_overwritten_by_an_import():
    load()
    goal = goal_of("Testbäddar")
    goal.title = "Arktiska testbäddar (S3)"
    goal.region = Region.objects.get(name="Västerbotten")
    goal.curated = True
    goal.save()
    load()
    goal.refresh_from_db()
    assert (goal.title, goal.region.name) == ("Arktiska testbäddar (S3)", "Västerbotten")
    assert goal_of("Testbäddar") == goal


def test_an_uncurated_goal_takes_the_readers_current_words():
    load()
    goal = goal_of("Testbäddar")
    Goal.objects.filter(pk=goal.pk).update(title="Smart specialisering: Arktiska testbäddar")
    load()
    goal.refresh_from_db()
    assert goal.title == "Arktiska testbäddar"


def test_a_global_goal_is_not_merged_away():
    sdg = Goal.objects.get(sdg=5)
    load()
    with pytest.raises(ValueError):
        merge_goals(goal_of("Testbäddar"), [sdg])


@pytest.fixture
def editor_client(settings, monkeypatch):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    monkeypatch.setattr(admin_goals, "schedule_index", lambda request, **ids: None)
    user = User.objects.create_user("redaktor", password="not-used-here-8472", is_staff=True)
    user.groups.add(Group.objects.get(name="Redaktör"))
    client = Client()
    client.force_login(user)
    return client


def test_editors_merge_goals_in_the_admin(editor_client):
    load()
    kept, merged = goal_of("Kulturhus i Kiruna"), goal_of("Ungas livsvillkor")
    url = reverse("admin:catalogue_goal_changelist")
    data = {"action": "merge_selected", "_selected_action": [kept.pk, merged.pk]}
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "Behåll detta mål" in response.content.decode()
    response = editor_client.post(url, {**data, "target": kept.pk, "apply": "1"})
    assert response.status_code == 302
    assert goal_of("Ungas livsvillkor") == kept
    assert editor_client.get(reverse("admin:catalogue_goalalias_changelist")).status_code == 200
