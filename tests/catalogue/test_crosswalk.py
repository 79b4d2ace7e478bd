"""The cross-walk's counting, the charts' geometry and the comparison pages' pure rules: no
database."""

import itertools

import pytest

from catalogue import crosswalk
from catalogue.allocation_views import excerpt, projects_by_question, question_of_lines
from catalogue.charts import BAR, bar_chart, heat_level
from catalogue.comparison_views import chosen_regions, problem, similar_within
from catalogue.crosswalk import Fact

FACTS = [
    Fact(1, "skane", 2, frozenset({"rus", "agenda2030"}), frozenset({8}), frozenset({10, 20})),
    Fact(2, "skane", 7, frozenset({"rus", "agenda2030"}), frozenset({13, 7}), frozenset({10, 21})),
    Fact(3, "skane", 3, frozenset({"regionalfonden"}), frozenset(), frozenset({30})),
    Fact(4, "gotland", 1, frozenset({"agenda2030"}), frozenset({8}), frozenset({20})),
    Fact(5, "gotland", 3),
]


def test_count_per_dimension_with_every_key_present():
    assert crosswalk.count(FACTS, "chapter", (1, 2, 3, 4)) == {1: 1, 2: 1, 3: 2, 4: 0, 7: 1}
    assert crosswalk.count(FACTS, "framework") == {"rus": 2, "agenda2030": 3, "regionalfonden": 1}
    assert crosswalk.count(FACTS, "sdg") == {8: 2, 13: 1, 7: 1}
    assert crosswalk.count(FACTS, "region") == {"skane": 3, "gotland": 2}
    assert crosswalk.count(FACTS, "goal") == {10: 2, 20: 2, 21: 1, 30: 1}


def test_unknown_dimension():
    with pytest.raises(ValueError):
        crosswalk.count(FACTS, "colour")


def test_cross_counts_pairs_and_measures_once_in_totals():
    matrix = crosswalk.cross(
        FACTS, "chapter", "framework", row_keys=(1, 2, 3, 7), column_keys=("rus", "agenda2030")
    )
    assert matrix.cell(7, "rus") == 1 and matrix.cell(7, "agenda2030") == 1
    assert matrix.cell(3, "rus") == 0
    # Measure 2 is under two frameworks but once in chapter 7's total.
    assert matrix.row_totals == {1: 1, 2: 1, 3: 0, 7: 1}
    assert matrix.column_totals == {"rus": 2, "agenda2030": 3}
    assert matrix.total == 3
    assert matrix.highest == 1
    assert matrix.empty_rows() == [3]


def test_region_by_sdg_matrix():
    matrix = crosswalk.cross(
        FACTS, "region", "sdg", row_keys=("gotland", "skane"), column_keys=(7, 8, 13, 14)
    )
    assert matrix.cell("skane", 8) == 1 and matrix.cell("gotland", 8) == 1
    assert matrix.empty_columns() == [14]


def test_gaps_name_missing_chapters_and_global_goals():
    gaps = crosswalk.gaps([f for f in FACTS if f.region == "skane"])
    assert gaps.chapters == (1, 4, 5, 6)
    assert 8 not in gaps.sdgs and 13 not in gaps.sdgs and 1 in gaps.sdgs
    assert len(gaps.sdgs) == 17 - 3
    assert gaps.without_sdg == 1 and gaps.without_goals == 0
    assert crosswalk.gaps([f for f in FACTS if f.region == "gotland"]).without_goals == 1


def test_profile_has_string_keys_and_zeros():
    profile = crosswalk.profile(FACTS[:3], ["rus", "interreg"])
    assert profile["by_chapter"] == {"1": 0, "2": 1, "3": 1, "4": 0, "5": 0, "6": 0, "7": 1}
    assert profile["by_framework"]["interreg"] == 0 and profile["by_framework"]["rus"] == 2
    assert set(profile["by_sdg"]) == {str(n) for n in range(1, 18)}
    assert profile["by_sdg"]["8"] == 1


def test_bar_chart_scales_to_the_highest_value_of_all_series():
    chart = bar_chart(
        [(1, "Kapitel ett"), (2, "Kapitel två")],
        [("Skåne", {1: 10, 2: 5}), ("Gotland", {1: 0, 2: 20})],
    )
    assert chart.highest == 20 and chart.several
    bars = {(g.key, b.name): b for g in chart.groups for b in g.bars}
    longest = bars[(2, "Gotland")].width
    assert bars[(1, "Skåne")].width * 2 == longest
    assert bars[(1, "Gotland")].width == 0 and bars[(1, "Gotland")].value == 0
    assert longest <= chart.width
    # Everything inside the drawing, bars below their group's label, none overlapping.
    ys = [b.y for g in chart.groups for b in g.bars]
    assert ys == sorted(ys) and all(b - a >= BAR for a, b in itertools.pairwise(ys))
    assert max(ys) + BAR <= chart.height
    for group in chart.groups:
        assert group.lines[-1].y < group.bars[0].y


def test_bar_chart_wraps_long_labels_and_draws_empty_data():
    chart = bar_chart([(4, "Tillgänglighet i hela landet genom digital kommunikation " * 2)], [])
    assert len(chart.groups[0].lines) > 1
    empty = bar_chart([(1, "Ett")], [("A", {})])
    assert empty.highest == 0 and empty.groups[0].bars[0].width == 0


@pytest.mark.parametrize(
    ("value", "highest", "level"),
    [(0, 10, 0), (1, 10, 1), (3, 10, 2), (5, 10, 2), (6, 10, 3), (10, 10, 4), (1, 1, 4), (3, 0, 0)],
)
def test_heat_levels(value, highest, level):
    assert heat_level(value, highest) == level


def test_projects_belong_to_the_answer_they_follow():
    lines = {1: 996, 2: 1002, 3: 1003, 4: 1004, 5: 1168, 6: 1169}
    assert question_of_lines(lines, 1008) == 4
    assert question_of_lines(lines, 1003) == 3
    assert question_of_lines(lines, 10) is None
    assert projects_by_question(lines, [1008, 1024, 1152, 1170]) == {4: 3, 6: 1}
    assert projects_by_question({}, [1008]) == {}


def test_excerpt_says_whether_it_cut():
    assert excerpt("Ja. Kort svar.") == ("Ja. Kort svar.", False)
    short, cut = excerpt(" ".join(["ord"] * 100))
    assert cut and short.endswith("…") and len(short.split()) <= 41


class _Region:
    def __init__(self, slug):
        self.slug = slug


def test_chosen_regions_keep_order_drop_repeats_and_name_the_unknown():
    known = {slug: _Region(slug) for slug in ("skane", "gotland", "orebro")}
    regions, unknown = chosen_regions(["gotland", "skane", "gotland", " ", "narnia"], known)
    assert [r.slug for r in regions] == ["gotland", "skane"] and unknown == ["narnia"]


@pytest.mark.parametrize(
    ("count", "unknown", "ok"),
    [
        (0, [], False),
        (1, [], False),
        (2, [], True),
        (4, [], True),
        (5, [], False),
        (2, ["x"], False),
    ],
)
def test_problem_allows_two_to_four_known_regions(count, unknown, ok):
    message = problem([_Region(str(n)) for n in range(count)], unknown)
    assert (message is None) == ok
    if unknown:
        assert "x" in message


def test_similar_within_keeps_other_compared_regions_only():
    allowed = {1: "skane", 2: "gotland", 3: "gotland", 4: "orebro"}
    assert similar_within([9, 1, 2, 4, 3], allowed, "skane", limit=2) == [2, 4]
    assert similar_within([1], allowed, "skane", limit=2) == []


def test_facts_of_the_snapshots_rows_keep_their_frameworks_and_global_goals():
    from catalogue.snapshot import Row

    rows = [
        Row(7, 1, 20, 3, False, "A", (10, 11), frozenset({"rus"}), frozenset({8}), 5),
        Row(8, 2, 30, 3, False, "B", (), frozenset(), frozenset(), 6),
    ]
    facts = crosswalk.facts_of(
        rows, region_slugs={1: "skane", 2: "gotland"}, chapter_numbers={20: 2, 30: 7}
    )
    assert facts == [
        Fact(7, "skane", 2, frozenset({"rus"}), frozenset({8}), frozenset({10, 11})),
        Fact(8, "gotland", 7),
    ]
