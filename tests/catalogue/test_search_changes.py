"""The change log keeps the index current: any save or delete through the ORM, goal links, bulk
writes that are logged, and imports reach the search before it answers."""

import threading

import pytest
from django.db import connection, transaction

from catalogue import search
from catalogue.models import Goal, Measure, SearchChange
from catalogue.search import changes, engine, indexing, storage

from .test_feedback import needs_postgres, reference_data  # noqa: F401 (fixture)
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


def test_an_abbreviation_a_saved_text_spells_out_is_known_at_once(index):  # noqa: F811
    spelled, plain = index["vind"], index["vatten"]
    plain.description = "Regionala testbäddar för avsaltning på öarna."
    plain.save()
    assert ids("RTA") == []
    spelled.description = "Vi driver regionala testbäddar för avsaltning (RTA) i länet."
    spelled.save()  # another node learns it from the change log, without a rebuild
    assert set(ids("RTA")) == {spelled.pk, plain.pk}
    assert "RTA" in indexing.read_abbreviations(storage.current_path())


def _late_entry(measure, name, entry_id):
    """A change whose log entry has a lower id than one already applied, as when two writers'
    transactions commit out of order (the earlier id commits last)."""
    Measure.objects.filter(pk=measure.pk).update(name=name)  # no signal
    SearchChange.objects.create(id=entry_id, measure_id=measure.pk)


def test_an_entry_that_commits_late_is_still_applied(index, monkeypatch):  # noqa: F811
    # (On PostgreSQL the rebuild also keeps the ids other tests used as gaps: not these.)
    position, before = storage.applied(), set(storage.applied_state().gaps)
    SearchChange.objects.create(id=position + 2, measure_id=index["vatten"].pk)
    assert changes.catch_up() == 1
    state = storage.applied_state()
    assert state.position == position + 2 and set(state.gaps) - before == {position + 1}

    _late_entry(index["vind"], "Solparker", position + 1)
    monkeypatch.setattr(changes, "GAP_RECHECK", 3600.0)
    assert changes.catch_up() == 0  # looked for gaps just now: not again within GAP_RECHECK
    monkeypatch.setattr(changes, "GAP_RECHECK", 0.0)
    assert ids("solparker") == [index["vind"].pk]
    assert storage.applied_state().position == position + 2
    assert set(storage.applied_state().gaps) == before - {position + 1}


def test_a_gap_is_given_up_after_a_while(index, monkeypatch):  # noqa: F811
    position, before = storage.applied(), set(storage.applied_state().gaps)
    SearchChange.objects.create(id=position + 3, measure_id=index["vatten"].pk)
    changes.catch_up()
    assert set(storage.applied_state().gaps) - before == {position + 1, position + 2}
    monkeypatch.setattr(changes, "GAP_RECHECK", 0.0)
    monkeypatch.setattr(changes, "GAP_KEEP", 0.0)  # a rolled-back write: the id never appears
    changes.catch_up()
    assert storage.applied_state() == storage.Applied(position + 3, {})
    assert changes.catch_up() == 0


def test_a_rebuild_keeps_missing_recent_ids_as_gaps(index, monkeypatch):  # noqa: F811
    last = SearchChange.objects.create(measure_id=index["vatten"].pk).pk
    SearchChange.objects.create(id=last + 3, measure_id=index["vatten"].pk)
    search.rebuild()
    assert storage.applied_state().position == last + 3
    assert sorted(storage.applied_state().gaps)[-2:] == [last + 1, last + 2]
    _late_entry(index["vind"], "Solparker", last + 2)
    monkeypatch.setattr(changes, "GAP_RECHECK", 0.0)
    assert ids("solparker") == [index["vind"].pk]


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_writers_that_commit_out_of_order(reference_data, index_dir, request, monkeypatch):  # noqa: F811
    made = request.getfixturevalue("measures")
    search.rebuild()
    slow, fast = made["vatten"], made["vind"]
    saved, go_on = threading.Event(), threading.Event()

    def slow_writer():  # its entry gets the lower id, but commits last
        try:
            with transaction.atomic():
                # A bulk write, logged: a save() would also bump the data's version, whose row
                # lock makes the other writer wait for this one to commit.
                Measure.objects.filter(pk=slow.pk).update(name="Avsaltning av havsvatten")
                search.record_changes([slow.pk])
                saved.set()
                go_on.wait(10)
        finally:
            connection.close()

    writer = threading.Thread(target=slow_writer)
    writer.start()
    assert saved.wait(10)
    fast.name = "Solparker"
    fast.save()  # commits at once, with the higher id
    assert ids("solparker") == [fast.pk]  # the node moved past the slow writer's entry
    assert ids("avsaltning") == []  # not committed yet
    go_on.set()
    writer.join(10)
    monkeypatch.setattr(changes, "GAP_RECHECK", 0.0)
    assert ids("avsaltning") == [slow.pk]


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


def test_an_abbreviation_no_text_spells_out_any_more_is_forgotten_at_once(index):  # noqa: F811
    spelled = index["vind"]
    spelled.description = "Vi driver regionala testbäddar för avsaltning (RTA) i länet."
    spelled.save()
    assert ids("RTA") == [spelled.pk]  # the change log applied before the search answers
    assert "RTA" in indexing.read_abbreviations(storage.current_path())
    spelled.description = "Vi driver testbäddar i länet."
    spelled.save()  # every node reads the list again from the change log, without a rebuild
    search.search("RTA")
    assert "RTA" not in indexing.read_abbreviations(storage.current_path())
    assert "rta" not in engine._meanings(storage.searcher())


def test_a_generation_without_sources_keeps_its_abbreviations(index):  # noqa: F811
    """An index built before the sources were kept: its list is kept, new ones still join."""
    search.rebuild()
    generation = storage.current_path()
    (generation / indexing.SOURCES_FILE).unlink()
    (generation / indexing.ABBREVIATIONS_FILE).write_text('{"KKN": ["kulturella näringar"]}')
    spelled = index["vind"]
    spelled.description = "Vi driver regionala testbäddar för avsaltning (RTA) i länet."
    spelled.save()
    search.search("RTA")
    found = indexing.read_abbreviations(generation)
    assert found["KKN"] == ["kulturella näringar"] and "RTA" in found
