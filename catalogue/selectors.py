"""The one read path of the measures: a page's scope and its validated filters in, the ranked ids
and the facet counts out, from one representation (the in-memory snapshot, catalogue.snapshot).

Every list page (the measures, a chapter, a goal), its exports and its JSON ask `select()`;
the other pages count through the helpers below (per edition, region and chapter). Nothing here
reads the database: the snapshot holds what the filters test, so a new facet is one more test in
`_count()` and one more field in `Criteria`. Results are remembered in the snapshot's memo until
the data change.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.db.models.expressions import RawSQL

from .snapshot import CHANGES, Row, Snapshot


def swedish_key(text: str) -> str:
    """Sort key for Swedish alphabetical order (å, ä, ö after z), whatever the database's
    collation: PostgreSQL under an English locale would put Örebro beside Norrbotten."""
    return text.casefold().translate(_SWEDISH_LAST)


_SWEDISH_LAST = str.maketrans({"å": "{", "ä": "|", "ö": "}", "Å": "{", "Ä": "|", "Ö": "}"})


def ids_subquery(ids: list[int]) -> RawSQL | list[int]:
    """An SQL set of ids bound as a single parameter, so that thousands of ids stay one query
    (the exports read their rows' texts with it).

    SQLite and PostgreSQL limit the number of bound parameters; a JSON array (SQLite) or an array
    (PostgreSQL) passes any number of ids at once. Other databases get the plain list.
    """
    if connection.vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])
    return list(ids)


@dataclass(frozen=True)
class Scope:
    """What a page lists before any filter: everything, or one chapter, goal or region."""

    chapter_id: int | None = None
    goal_id: int | None = None
    region_id: int | None = None

    def test(self):
        """A test of a row, or None when the scope is everything."""
        tests = []
        if self.chapter_id is not None:
            tests.append(lambda row, c=self.chapter_id: row.chapter_id == c)
        if self.goal_id is not None:
            tests.append(lambda row, g=self.goal_id: g in row.goal_ids)
        if self.region_id is not None:
            tests.append(lambda row, r=self.region_id: row.region_id == r)
        if not tests:
            return None
        if len(tests) == 1:
            return tests[0]
        return lambda row: all(test(row) for test in tests)


@dataclass(frozen=True)
class Criteria:
    """The filters, validated (catalogue.filters makes them from the form's cleaned data).

    `report_id`: the edition (None: every edition). Each other field left empty filters
    nothing; several values of one facet are alternatives (any of them)."""

    report_id: int | None = None
    regions: frozenset[str] = frozenset()  # region slugs
    chapters: frozenset[int] = frozenset()  # chapter numbers
    framework: str | None = None
    sdg: int | None = None
    changes: frozenset[str] = frozenset()
    curated: bool = False


# The facets select() counts, each given every other filter.
FACETS = ("region", "chapter", "framework", "sdg", "year", "change", "curated")


@dataclass(frozen=True)
class Selection:
    """What select() found: the matching ids (in the search's rank, if there was a query, else
    in the list's order) and, per facet, how many measures each option would leave."""

    ids: list[int]
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def matching(self) -> frozenset[int]:
        return frozenset(self.ids)


def select(
    snapshot: Snapshot,
    criteria: Criteria,
    scope: Scope = Scope(),
    *,
    hits: Sequence[int] | None = None,
    hits_key=None,
) -> Selection:
    """The measures of `scope` that pass `criteria`, with the facet counts.

    `hits`: the text query's ranked ids (None without a query); the result keeps their order.
    `hits_key` names them in the memo (the index may change without the data changing)."""
    key = ("select", scope, criteria)
    if hits is not None:
        key += ("hits", hits_key, len(hits), hash(tuple(hits)))

    def compute() -> Selection:
        rows = snapshot.rows
        if hits is None:
            candidates: Iterable[Row] = rows.values()
        else:
            candidates = [rows[pk] for pk in hits if pk in rows]
        counts, matching = _count(candidates, criteria, scope, snapshot)
        if hits is None:
            keys = sort_keys(snapshot, "chapter")
            ids = sorted(matching, key=keys.__getitem__)
        else:
            ids = [pk for pk in hits if pk in matching]
        return Selection(ids, counts)

    return snapshot.remember(key, compute, weight=lambda selection: len(selection.ids) + 1)


def ordered(snapshot: Snapshot, selection: Selection, sort: str | None) -> list[int]:
    """The selection's ids sorted by a column ("name", "region", "chapter"; "-" for descending),
    or as they are (relevance or the list's order) without one."""
    if not sort:
        return selection.ids
    descending = sort.startswith("-")
    keys = sort_keys(snapshot, sort.lstrip("-"))
    return sorted(selection.ids, key=keys.__getitem__, reverse=descending)


def sort_keys(snapshot: Snapshot, column: str) -> dict[int, tuple]:
    """Every row's sort key for a column, made once per snapshot. The list's own order (chapter)
    is chapter, region by county code, newest edition first, then the report's line order."""

    def compute() -> dict[int, tuple]:
        dims = snapshot.dimensions
        rows = snapshot.rows.values()
        if column == "name":
            return {row.pk: (swedish_key(row.name), row.pk) for row in rows}
        if column == "region":
            names = {pk: swedish_key(name) for pk, (_, name) in dims.regions.items()}
            return {row.pk: (names[row.region_id], swedish_key(row.name), row.pk) for row in rows}
        if column == "chapter":
            return {
                row.pk: (
                    dims.chapters[row.chapter_id][0],
                    dims.region_codes[row.region_id],
                    -dims.years.get(row.report_id, 0),
                    row.source_line,
                    row.pk,
                )
                for row in rows
            }
        raise ValueError(f"no sort by {column!r}")

    # Three columns at most, kept as long as the snapshot: they do not count against the
    # memo's weight (that bounds the selections, one per filter state).
    return snapshot.remember(("sort", column), compute)


def _ids(mapping: dict, wanted: set) -> set[int] | None:
    return {pk for pk, value in mapping.items() if value in wanted} if wanted else None


def _count(rows: Iterable[Row], criteria: Criteria, scope: Scope, snapshot: Snapshot):
    """Facet counts and matching ids in one pass. A row that passes every filter counts in every
    facet and matches; a row that fails exactly one filter counts only in that filter's facet
    ("how many would this option leave")."""
    dims = snapshot.dimensions
    regions = _ids({pk: slug for pk, (slug, _) in dims.regions.items()}, set(criteria.regions))
    chapters = _ids({pk: n for pk, (n, _) in dims.chapters.items()}, set(criteria.chapters))
    framework, sdg, report = criteria.framework, criteria.sdg, criteria.report_id
    changes, curated = criteria.changes, criteria.curated
    in_scope = scope.test()

    region_n: dict[int, int] = {}
    chapter_n: dict[int, int] = {}
    report_n: dict[int, int] = {}
    framework_n: dict[str, int] = {}
    sdg_n: dict[int, int] = {}
    change_n: dict[str, int] = {}
    curated_n = {True: 0, False: 0}
    matching: set[int] = set()
    for row in rows:
        if in_scope is not None and not in_scope(row):
            continue
        failed = None
        if regions is not None and row.region_id not in regions:
            failed = "region"
        if chapters is not None and row.chapter_id not in chapters:
            if failed:
                continue
            failed = "chapter"
        if framework and framework not in row.frameworks:
            if failed:
                continue
            failed = "framework"
        if sdg and sdg not in row.sdgs:
            if failed:
                continue
            failed = "sdg"
        if report is not None and row.report_id != report:
            if failed:
                continue
            failed = "year"
        if changes and not changes & row.changes:
            if failed:
                continue
            failed = "change"
        if curated and not row.curated:
            if failed:
                continue
            failed = "curated"
        if failed is None:
            matching.add(row.pk)
        if failed is None or failed == "region":
            region_n[row.region_id] = region_n.get(row.region_id, 0) + 1
        if failed is None or failed == "chapter":
            chapter_n[row.chapter_id] = chapter_n.get(row.chapter_id, 0) + 1
        if failed is None or failed == "framework":
            for value in row.frameworks:
                framework_n[value] = framework_n.get(value, 0) + 1
        if failed is None or failed == "sdg":
            for value in row.sdgs:
                sdg_n[value] = sdg_n.get(value, 0) + 1
        if failed is None or failed == "year":
            report_n[row.report_id] = report_n.get(row.report_id, 0) + 1
        if failed is None or failed == "change":
            for value in row.changes:
                change_n[value] = change_n.get(value, 0) + 1
        if failed is None or failed == "curated":
            curated_n[row.curated] += 1

    def by(mapping: dict, counted: dict[int, int], label) -> dict[str, int]:
        result: dict[str, int] = {}
        for pk, n in counted.items():
            if pk in mapping:
                value = str(label(mapping[pk]))
                result[value] = result.get(value, 0) + n
        return result

    counts = {
        "region": by(dims.regions, region_n, lambda v: v[0]),
        "chapter": by(dims.chapters, chapter_n, lambda v: v[0]),
        "framework": dict(framework_n),
        "sdg": {str(k): n for k, n in sdg_n.items()},
        "year": by(dims.years, report_n, lambda v: v),
        "change": {value: change_n[value] for value in CHANGES if value in change_n},
        "curated": {str(k): n for k, n in curated_n.items() if n},
    }
    return counts, matching


# --- counts and lists for the other pages ------------------------------------------------------


def edition_rows(snapshot: Snapshot, report_id: int | None) -> Iterable[Row]:
    """The rows of one edition (every edition with None)."""
    rows = snapshot.rows.values()
    if report_id is None:
        return rows
    return (row for row in rows if row.report_id == report_id)


def region_chapter_counts(snapshot: Snapshot, report_id: int | None) -> dict[tuple[int, int], int]:
    """(region id, chapter id) -> measures in the edition: the home page's map and table, the
    regions list."""

    def compute():
        counts: dict[tuple[int, int], int] = {}
        for row in edition_rows(snapshot, report_id):
            key = (row.region_id, row.chapter_id)
            counts[key] = counts.get(key, 0) + 1
        return counts

    return snapshot.remember(("region-chapter", report_id), compute)


def goal_counts(snapshot: Snapshot, report_id: int | None) -> dict[int, int]:
    """Goal id -> measures of the edition that serve it."""

    def compute():
        counts: dict[int, int] = {}
        for row in edition_rows(snapshot, report_id):
            for goal_id in row.goal_ids:
                counts[goal_id] = counts.get(goal_id, 0) + 1
        return counts

    return snapshot.remember(("goals", report_id), compute)


def region_rows(snapshot: Snapshot, report_id: int | None, region_id: int) -> list[Row]:
    """A region's measures in an edition, in the report's order (chapter, line)."""
    chapters = snapshot.dimensions.chapters
    return sorted(
        (row for row in edition_rows(snapshot, report_id) if row.region_id == region_id),
        key=lambda row: (chapters[row.chapter_id][0], row.source_line, row.pk),
    )


def timeline(snapshot: Snapshot, pk: int) -> list[Row]:
    """The measure and the measures it continues and that continue it, oldest first, by
    following the active lineage links both ways."""
    rows = snapshot.rows
    if pk not in rows:
        return []
    seen = {pk}
    before: list[Row] = []
    row = rows[pk]
    while row.previous_id in rows and row.previous_id not in seen:
        row = rows[row.previous_id]
        seen.add(row.pk)
        before.append(row)
    after: list[Row] = []
    row = rows[pk]
    while row.next_id in rows and row.next_id not in seen:
        row = rows[row.next_id]
        seen.add(row.pk)
        after.append(row)
    return [*reversed(before), rows[pk], *after]


@dataclass(frozen=True)
class RegionChanges:
    """A region's measures between an edition and the one before it."""

    new: list[Row]  # in the edition, continuing nothing
    ended: list[Row]  # in the previous edition, continued by nothing
    moved: list[tuple[Row, Row]]  # (previous, current): continued in another chapter
    continued: list[tuple[Row, Row]]  # (previous, current): continued in the same chapter


def region_changes(
    snapshot: Snapshot, region_id: int, report_id: int, previous_report_id: int
) -> RegionChanges:
    """What changed in a region from the previous edition to this one (by the active links)."""
    rows = snapshot.rows
    current = region_rows(snapshot, report_id, region_id)
    earlier = region_rows(snapshot, previous_report_id, region_id)
    new, moved, continued = [], [], []
    for row in current:
        previous = rows.get(row.previous_id) if row.previous_id else None
        if previous is None or previous.report_id != previous_report_id:
            new.append(row)
        elif previous.chapter_id != row.chapter_id:
            moved.append((previous, row))
        else:
            continued.append((previous, row))
    continuing = {previous.pk for previous, _ in moved + continued}
    ended = [row for row in earlier if row.pk not in continuing]
    return RegionChanges(new, ended, moved, continued)
