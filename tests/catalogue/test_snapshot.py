"""The in-memory snapshot behind the list pages: read once, read again when the data change."""

import pytest

from catalogue import snapshot
from catalogue.models import Goal, Measure
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


def count_of(html: str, name: str, value: str) -> int:
    import re

    match = re.search(
        rf'name="{name}" value="{re.escape(value)}"[^>]*>\s*[^<]*<span class="count">\((\d+)\)',
        html,
    )
    assert match, f"no option {name}={value}"
    return int(match.group(1))


def test_snapshot_is_read_once_and_again_after_a_change(cat, django_assert_num_queries):
    first = snapshot.current()
    assert set(first.rows) == set(Measure.objects.values_list("pk", flat=True))
    with django_assert_num_queries(1):  # only the version
        assert snapshot.current() is first
    measure = cat.measures["kompetens"]
    measure.name = "Kompetensförsörjning i vården och omsorgen"
    measure.save()
    second = snapshot.current()
    assert second is not first
    assert second.rows[measure.pk].name == "Kompetensförsörjning i vården och omsorgen"


def test_a_renamed_measure_shows_at_once_in_the_list(client, cat):
    assert "Service på landsbygden" in client.get("/insatser/").content.decode()
    measure = cat.measures["landsbygd"]
    measure.name = "Service i glesbygden"
    measure.save()
    html = client.get("/insatser/").content.decode()
    assert "Service i glesbygden" in html
    assert "Service på landsbygden" not in html


def test_a_goal_edit_changes_the_counts_at_once(client, cat):
    html = client.get("/insatser/").content.decode()
    assert count_of(html, "framework", "regionalfonden") == 2
    erdf = cat.goals["erdf"]
    erdf.framework = Goal.Framework.INTERREG  # an admin reclassifies the goal
    erdf.save()
    html = client.get("/insatser/").content.decode()
    assert count_of(html, "framework", "regionalfonden") == 0
    assert count_of(html, "framework", "interreg") == 2


def test_deleted_measure_leaves_the_list(client, cat):
    cat.measures["klimat"].delete()
    html = client.get("/insatser/").content.decode()
    assert "Klimatomställning i näringslivet" not in html
    assert count_of(html, "region", "orebro") == 1


def test_goal_page_counts_only_its_measures(client, cat):
    html = client.get(cat.goals["sdg8"].get_absolute_url()).content.decode()
    # Three measures serve SDG 8: Skåne's kompetens, Gotland's landsbygd, Örebro's kompetenslyft.
    assert count_of(html, "region", "skane") == 1
    assert count_of(html, "region", "gotland") == 1
    assert count_of(html, "region", "orebro") == 1
    assert count_of(html, "chapter", "7") == 0
    html = client.get(cat.goals["sdg8"].get_absolute_url(), {"region": "skane"}).content.decode()
    assert count_of(html, "chapter", "2") == 1


def test_chapter_page_counts_only_its_chapter(client, cat):
    html = client.get("/kapitel/7/").content.decode()
    assert count_of(html, "region", "skane") == 1
    assert count_of(html, "region", "orebro") == 1
    assert count_of(html, "region", "gotland") == 0


def test_every_public_change_changes_the_version(cat):
    from catalogue.models import AllocationAnswer, ErrorReport, NoMeasures, Region

    def changes(action) -> bool:
        before = snapshot.data_version()
        action()
        return snapshot.data_version() != before

    region = Region.objects.get(slug="gotland")
    region.name = "Gotland (ändrad)"
    assert changes(region.save)  # a rename touches no measure
    no_measures = NoMeasures.objects.first()
    no_measures.text = "Inga insatser alls."
    assert changes(no_measures.save)
    answer = AllocationAnswer.objects.first()
    answer.text = "Ny text."
    assert changes(answer.save)
    measure = cat.measures["besok"]
    assert changes(lambda: measure.goals.add(cat.goals["sdg8"]))  # a link, the measure unsaved
    assert changes(lambda: measure.goals.remove(cat.goals["sdg8"]))
    assert changes(no_measures.delete)
    # Visitors' error reports are not public data.
    assert not changes(lambda: ErrorReport.objects.create(measure=measure, message="Fel årtal."))


def test_remembered_results_are_bounded_by_count_and_weight(monkeypatch):
    kept = snapshot.Snapshot("v", {}, {})
    monkeypatch.setattr(snapshot.Snapshot, "MEMO_SIZE", 3)
    monkeypatch.setattr(snapshot.Snapshot, "MEMO_WEIGHT", 10)
    calls = []

    def compute(value):
        return lambda: calls.append(value) or value

    assert kept.remember("a", compute("A")) == "A"
    assert kept.remember("a", compute("other")) == "A"  # remembered
    for key in "bcd":
        kept.remember(key, compute(key.upper()))
    assert list(kept.memo) == ["b", "c", "d"]  # at most three, the least recently used went
    kept.remember("big", compute("B" * 9), weight=len)
    assert list(kept.memo) == ["d", "big"]  # 1 + 9 ≤ 10
    assert calls == ["A", "B", "C", "D", "B" * 9]


def test_a_renamed_region_shows_at_once_in_the_facets(client, cat, django_assert_num_queries):
    client.get("/insatser/")
    with django_assert_num_queries(4):  # version, count, ids, summary lines: regions are kept
        client.get("/insatser/")
    region = cat.measures["besok"].region
    region.name = "Region Gotland"
    region.save()
    html = client.get("/insatser/").content.decode()
    assert 'value="gotland"> Region Gotland <span class="count">' in html
