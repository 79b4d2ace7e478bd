"""The goal cross-walk: how one edition's measures spread over chapters, goal frameworks, global
goals and regions.

The counting is pure: it works on `Fact` rows (one per measure, plain values), so that it can be
tested without a database and so that the region page, the national overview and the comparison
count the same way. The facts are made from the rows of the in-memory snapshot that the measure
list's facets count (catalogue.snapshot, catalogue.selectors), and carry those rows' frameworks
and global goals as they are: a measure counts once under a framework when at least one of its
goals belongs to it, and once under a global goal when one of its goals carries that number, by
the snapshot's one rule, so a figure here is the list's count for the same filters.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from .reference import SDGS

THEMATIC_CHAPTERS: tuple[int, ...] = (1, 2, 3, 4, 5, 6, 7)
SDG_NUMBERS: tuple[int, ...] = tuple(sorted(SDGS))


@dataclass(frozen=True, slots=True)
class Fact:
    """One measure as the cross-walk sees it."""

    pk: int
    region: str  # the region's slug
    chapter: int  # the chapter's number
    frameworks: frozenset[str] = frozenset()
    sdgs: frozenset[int] = frozenset()
    goal_ids: frozenset[int] = frozenset()


def _keys(dimension: str) -> Callable[[Fact], Iterable[Hashable]]:
    """The values a fact counts under in one dimension (a measure may count under several
    frameworks and global goals, under exactly one region and chapter)."""
    if dimension == "region":
        return lambda fact: (fact.region,)
    if dimension == "chapter":
        return lambda fact: (fact.chapter,)
    if dimension == "framework":
        return lambda fact: fact.frameworks
    if dimension == "sdg":
        return lambda fact: fact.sdgs
    if dimension == "goal":
        return lambda fact: fact.goal_ids
    raise ValueError(f"unknown dimension {dimension!r}")


def count(facts: Iterable[Fact], dimension: str, keys: Sequence[Hashable] = ()) -> dict:
    """Measures per value of one dimension; every value in `keys` is present, zero if unused."""
    result: dict = dict.fromkeys(keys, 0)
    values = _keys(dimension)
    for fact in facts:
        for value in values(fact):
            result[value] = result.get(value, 0) + 1
    return result


@dataclass(frozen=True)
class Matrix:
    """Measures per pair of values (rows × columns), with the totals of each row and column.

    A row total counts measures, not cells: a measure under two frameworks counts once in its
    chapter's total.
    """

    rows: tuple
    columns: tuple
    cells: dict  # (row, column) -> n
    row_totals: dict
    column_totals: dict
    total: int

    def cell(self, row, column) -> int:
        return self.cells.get((row, column), 0)

    @property
    def highest(self) -> int:
        return max(self.cells.values(), default=0)

    def empty_columns(self) -> list:
        return [column for column in self.columns if not self.column_totals.get(column)]

    def empty_rows(self) -> list:
        return [row for row in self.rows if not self.row_totals.get(row)]


def cross(
    facts: Iterable[Fact],
    rows: str,
    columns: str,
    *,
    row_keys: Sequence[Hashable],
    column_keys: Sequence[Hashable],
) -> Matrix:
    """The matrix of two dimensions over the facts (values outside the keys are left out)."""
    row_values, column_values = _keys(rows), _keys(columns)
    wanted_rows, wanted_columns = set(row_keys), set(column_keys)
    cells: dict = {}
    row_totals: dict = dict.fromkeys(row_keys, 0)
    column_totals: dict = dict.fromkeys(column_keys, 0)
    total = 0
    for fact in facts:
        fact_rows = [r for r in row_values(fact) if r in wanted_rows]
        fact_columns = [c for c in column_values(fact) if c in wanted_columns]
        for row in fact_rows:
            row_totals[row] += 1 if fact_columns else 0
            for column in fact_columns:
                cells[(row, column)] = cells.get((row, column), 0) + 1
        for column in fact_columns:
            column_totals[column] += 1 if fact_rows else 0
        total += 1 if fact_rows and fact_columns else 0
    return Matrix(tuple(row_keys), tuple(column_keys), cells, row_totals, column_totals, total)


@dataclass(frozen=True)
class Gaps:
    """What a region's measures leave out in one edition."""

    chapters: tuple[int, ...]  # thematic chapters without a measure
    sdgs: tuple[int, ...]  # global goals no measure names
    without_goals: int  # measures that name no goal at all
    without_sdg: int  # measures that name no global goal


def gaps(facts: Sequence[Fact]) -> Gaps:
    chapters = count(facts, "chapter", THEMATIC_CHAPTERS)
    sdgs = count(facts, "sdg", SDG_NUMBERS)
    return Gaps(
        chapters=tuple(n for n in THEMATIC_CHAPTERS if not chapters[n]),
        sdgs=tuple(n for n in SDG_NUMBERS if not sdgs[n]),
        without_goals=sum(1 for fact in facts if not fact.goal_ids),
        without_sdg=sum(1 for fact in facts if not fact.sdgs),
    )


def profile(facts: Sequence[Fact], frameworks: Sequence[str]) -> dict:
    """A region's counts per chapter, framework and global goal (the comparison's JSON shape,
    with string keys and every key present)."""
    return {
        "by_chapter": {str(k): n for k, n in count(facts, "chapter", THEMATIC_CHAPTERS).items()},
        "by_framework": count(facts, "framework", frameworks),
        "by_sdg": {str(k): n for k, n in count(facts, "sdg", SDG_NUMBERS).items()},
    }


def facts_of(
    rows: Iterable, *, region_slugs: Mapping[int, str], chapter_numbers: Mapping[int, int]
) -> list[Fact]:
    """The snapshot's rows (catalogue.snapshot.Row: ids, frameworks, global goals, goal ids) as
    facts, in the rows' order: region and chapter by slug and number, the rest as it is."""
    return [
        Fact(
            pk=row.pk,
            region=region_slugs[row.region_id],
            chapter=chapter_numbers[row.chapter_id],
            frameworks=row.frameworks,
            sdgs=row.sdgs,
            goal_ids=frozenset(row.goal_ids),
        )
        for row in rows
    ]
