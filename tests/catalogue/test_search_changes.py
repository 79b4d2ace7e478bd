"""The change log keeps the index current: any save or delete through the ORM, goal links, bulk
writes that are logged, and imports reach the search before it answers."""

import pytest

from catalogue import search
from catalogue.models import Goal, Measure, SearchChange
from catalogue.search import changes, storage

from .test_search import index, index_dir, measures  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def ids(query):
    return search.search(query).ids


def test_a_save_through_the_orm_is_searchable_at_once(index):  # noqa: F811
    measure = index["vatten"]
    assert ids("avsaltning") == []
    measure.name = "Avsaltning av havsvatten"
    measure.save()  # no call to the search module: the signal logged it
    assert ids("avsaltning") == [measure.pk]
    assert storage.applied() == SearchChange.objects.latest("id").pk


def test_a_delete_through_the_orm_leaves_the_search(index):  # noqa: F811
    pk = index["vind"].pk
    assert ids("vindkraft") == [pk]
    Measure.objects.filter(pk=pk).delete()
    assert ids("vindkraft") == []


def test_goal_links_are_logged(index):  # noqa: F811
    goal = Goal.objects.create(key="test-goal", framework="rus", title="Mål")
    before = SearchChange.objects.count()
    index["vind"].goals.add(goal)
    assert SearchChange.objects.count() == before + 1
    assert SearchChange.objects.latest("id").measure_id == index["vind"].pk


def test_bulk_writes_reach_the_search_once_logged(index):  # noqa: F811
    pk = index["vind"].pk
    Measure.objects.filter(pk=pk).update(name="Solparker")  # no signals
    assert ids("solparker") == []
    search.record_changes([pk])
    assert ids("solparker") == [pk]


def test_catch_up_applies_only_what_is_pending(index):  # noqa: F811
    assert changes.catch_up() == 0  # the rebuild started from the log's last entry
    index["vind"].save()
    index["vatten"].save()
    assert changes.catch_up() == 2
    assert changes.catch_up() == 0


def test_a_busy_index_answers_as_it_is(index):  # noqa: F811
    measure = index["vatten"]
    measure.name = "Avsaltning"
    measure.save()
    with storage.write_lock():  # another process is rebuilding
        assert changes.catch_up(wait=0.1) == 0
    assert ids("avsaltning") == [measure.pk]  # applied by the next search


def test_a_rebuild_applies_saves_made_while_it_built(index, monkeypatch):  # noqa: F811
    measure = index["vind"]
    point_to = storage.point_to

    def save_then_point_to(generation):  # a save after the build read the database
        measure.name = "Solparker i Norrbotten"
        measure.save()
        point_to(generation)

    monkeypatch.setattr(storage, "point_to", save_then_point_to)
    search.rebuild()
    assert ids("solparker") == [measure.pk]


def test_an_import_logs_its_measures(db, tmp_path, settings):
    from django.core.management import call_command

    from tests.importer.test_loader import SMALL

    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    path = tmp_path / "report.txt"
    path.write_text(SMALL, encoding="utf-8")
    call_command("import_report", str(path), "--no-index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    logged = set(SearchChange.objects.values_list("measure_id", flat=True))
    assert logged and logged == set(Measure.objects.values_list("pk", flat=True))
