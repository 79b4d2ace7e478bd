"""The in-memory snapshot behind the list pages (read once, read again when the data change),
and the one read path over it (catalogue.selectors) checked against plain querysets."""

import pytest
from django.db.models import Exists, OuterRef, Q
from django.http import QueryDict

from catalogue import selectors, snapshot
from catalogue.filters import MeasureFilter
from catalogue.models import Goal, Lineage, Measure, Report
from tests.catalogue.edition_fixtures import build_second_edition
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
    with django_assert_num_queries(1):  # the version (the summary lines were read just before)
        client.get("/insatser/")
    region = cat.measures["besok"].region
    region.name = "Region Gotland"
    region.save()
    html = client.get("/insatser/").content.decode()
    assert 'value="gotland"> Region Gotland <span class="count">' in html


def test_an_edited_description_shows_at_once_in_the_summary_line(client, cat):
    measure = cat.measures["besok"]
    assert measure.description[:20] in client.get("/insatser/").content.decode()
    measure.description = "Helt ny beskrivning av besöksnäringen."
    measure.save()
    html = client.get("/insatser/").content.decode()
    assert '<p class="summary-line">Helt ny beskrivning av besöksnäringen.</p>' in html


def test_snapshot_reads_a_fixed_number_of_queries(cat, django_assert_num_queries):
    """Goals, goal links, measures, lineage links, regions, chapters, reports; plus the version."""
    build_second_edition(cat)
    with django_assert_num_queries(8):
        snapshot.current()


# --- the selector against plain querysets ---------------------------------------------------


def change_q(value: str) -> Q:
    """A measure's change, written as plain querysets: per edition, by the active links into the
    neighbouring edition."""
    years = sorted(Report.objects.values_list("year", flat=True))
    condition = Q(pk__in=[])
    for position, year in enumerate(years):
        before = years[position - 1] if position else None
        after = years[position + 1] if position + 1 < len(years) else None
        linked_from = Lineage.objects.filter(
            status__in=Lineage.ACTIVE, measure=OuterRef("pk"), previous__report__year=before
        )
        linked_to = Lineage.objects.filter(
            status__in=Lineage.ACTIVE, previous=OuterRef("pk"), measure__report__year=after
        )
        same_chapter = linked_from.filter(previous__chapter=OuterRef("chapter"))
        if value == "new" and before:
            condition |= Q(report__year=year) & ~Q(Exists(linked_from))
        if value == "continued" and before:
            condition |= Q(report__year=year) & Q(Exists(same_chapter))
        if value == "moved" and before:
            condition |= Q(report__year=year) & Q(Exists(linked_from)) & ~Q(Exists(same_chapter))
        if value == "ended" and after:
            condition |= Q(report__year=year) & ~Q(Exists(linked_to))
    return condition


def plain(params: dict, exclude: str | None = None):
    """The measures that pass every filter in params but `exclude`, as querysets."""
    measures = Measure.objects.all()
    year = params.get("year") or str(Report.objects.order_by("-year").first().year)
    if exclude != "year" and year != "alla":
        measures = measures.filter(report__year=int(year))
    if exclude != "region" and params.get("region"):
        measures = measures.filter(region__slug__in=params["region"])
    if exclude != "chapter" and params.get("chapter"):
        measures = measures.filter(chapter__number__in=[int(c) for c in params["chapter"]])
    if exclude != "framework" and params.get("framework"):
        measures = measures.filter(
            pk__in=Measure.objects.filter(goals__framework=params["framework"])
        )
    if exclude != "sdg" and params.get("sdg"):
        measures = measures.filter(pk__in=Measure.objects.filter(goals__sdg=int(params["sdg"])))
    if exclude != "change" and params.get("change"):
        any_change = Q(pk__in=[])
        for value in params["change"]:
            any_change |= change_q(value)
        measures = measures.filter(any_change)
    if exclude != "curated" and params.get("curated"):
        measures = measures.filter(curated=True)
    return measures


def plain_counts(params: dict) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}

    def grouped(name, column):
        rows = plain(params, exclude=name).values_list(column, flat=True)
        result: dict[str, int] = {}
        for value in rows:
            result[str(value)] = result.get(str(value), 0) + 1
        return result

    counts["region"] = grouped("region", "region__slug")
    counts["chapter"] = grouped("chapter", "chapter__number")
    counts["year"] = grouped("year", "report__year")
    counts["framework"] = {
        code: n
        for code in Goal.Framework.values
        if (n := plain(params, "framework").filter(goals__framework=code).distinct().count())
    }
    counts["sdg"] = {
        str(number): n
        for number in range(1, 18)
        if (n := plain(params, "sdg").filter(goals__sdg=number).distinct().count())
    }
    counts["change"] = {
        value: n
        for value in snapshot.CHANGES
        if (n := plain(params, "change").filter(change_q(value)).count())
    }
    counts["curated"] = {
        str(flag): n
        for flag in (True, False)
        if (n := plain(params, "curated").filter(curated=flag).count())
    }
    return counts


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"year": "2023"},
        {"year": "alla"},
        {"region": ["skane", "gotland"]},
        {"chapter": ["7"], "sdg": "13", "year": "alla"},
        {"framework": "rus", "year": "2023"},
        {"curated": "on", "year": "2023"},
        {"change": ["new"]},
        {"change": ["moved", "continued"], "region": ["skane"]},
        {"change": ["ended"], "year": "2023", "chapter": ["3", "7"]},
        {"change": ["new", "ended"], "year": "alla", "framework": "agenda2030"},
        {"region": ["orebro"], "framework": "agenda2030", "chapter": ["2", "7"]},
    ],
)
def test_selector_counts_and_ids_match_plain_querysets(cat, params):
    """Each facet's counts equal a count over the measures that pass the other filters, the
    matching ids equal the filtered queryset; a query that hits every measure changes nothing."""
    build_second_edition(cat)
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    current = snapshot.current()
    filters = MeasureFilter(query, snapshot=current)
    assert not filters.errors
    selection = selectors.select(current, filters.criteria())
    assert {k: v for k, v in selection.counts.items() if v} == {
        k: v for k, v in plain_counts(params).items() if v
    }
    assert selection.matching == set(plain(params).values_list("pk", flat=True))
    everything = list(Measure.objects.order_by("-pk").values_list("pk", flat=True))
    searched = selectors.select(current, filters.criteria(), hits=everything, hits_key="alla")
    assert searched.counts == selection.counts
    assert searched.ids == [pk for pk in everything if pk in selection.matching]


def test_bound_forms_share_their_choices_and_still_validate_them(cat):
    """filters.SharedChoices: each request's form shares the choices instead of copying them."""
    current = snapshot.current()
    first = MeasureFilter(QueryDict("region=skane&sdg=9"), snapshot=current)
    second = MeasureFilter(QueryDict("region=atlantis&sdg=99&chapter=2"), snapshot=current)
    for name in ("region", "chapter", "sdg", "year", "framework", "change"):
        assert first.form.fields[name] is not second.form.fields[name]
        assert first.form.fields[name].choices.choices is second.form.fields[name].choices.choices
    assert not first.errors and first.cleaned_data["region"] == ["skane"]
    assert set(second.errors) == {"region", "sdg"} and second.cleaned_data["chapter"] == ["2"]
