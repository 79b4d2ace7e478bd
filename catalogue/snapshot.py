"""What the list pages need of every measure, read once per change of the data, kept in memory.

A list or search page counts its facets over every measure it could show (the hits of a query,
or the whole scope without one) and renders one page of rows. Read from the database on each
request, that was most of a search page's time, and it grew with the hits (thousands at 100
times the data). Instead each process holds a `Snapshot`: per measure its region, chapter,
report, curation, goals, name, source line and lineage links, as plain tuples, read in seven
queries. `current()` returns it and reads it again when `data_version()` has changed, so an
import or an admin's save shows on the next request, in every process and on every node. The
same version keys the page cache and the pages' ETags (catalogue.caching.cached_page).

Regions, chapters and reports (the editions) are read with it, once per version too
(`Dimensions`): renaming one bumps the DataStamp. Each row also carries what the editions need:
its active lineage links both ways and what changed since the previous edition
(catalogue.selectors reads all of it).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import (
    AllocationAnswer,
    Chapter,
    DataStamp,
    Goal,
    Lineage,
    Measure,
    NoMeasures,
    Project,
    ProjectIndicator,
    Region,
    Report,
)

MeasureGoal = Measure.goals.through

# The records the public pages show: any save or delete of one bumps the DataStamp.
PUBLIC_MODELS = (
    Report,
    Region,
    Chapter,
    Goal,
    Measure,
    Lineage,
    NoMeasures,
    AllocationAnswer,
    Project,
    ProjectIndicator,
)


def data_version() -> str:
    """A marker that changes when the public data change. The DataStamp counts every save and
    delete made through the ORM (admin edits) and every import; the aggregates also catch
    writes that send no signals (bulk updates stamp `updated`, an import stamps the report).
    One query."""
    q = connection.ops.quote_name
    measure, report, stamp = (q(m._meta.db_table) for m in (Measure, Report, DataStamp))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT MAX(changes) FROM {stamp}), (SELECT MAX(updated) FROM {measure}),"
            f" (SELECT MAX(id) FROM {measure}), (SELECT COUNT(*) FROM {measure}),"
            f" (SELECT MAX(imported_at) FROM {report})"
        )
        return "|".join(map(str, cursor.fetchone()))


def _saved_or_deleted(sender, using=None, **kwargs):
    DataStamp.bump(using)


def _goals_changed(sender, action, using=None, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        DataStamp.bump(using)


def connect_signals() -> None:
    """Bump the stamp on every change to the public data (CatalogueConfig.ready calls this)."""
    # The goal links: m2m_changed from goals.add()/set(), post_save/delete from the admin's
    # inline, which writes the through rows itself.
    for model in (*PUBLIC_MODELS, MeasureGoal):
        uid = f"catalogue-stamp-{model.__name__}"
        post_save.connect(_saved_or_deleted, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_saved_or_deleted, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(_goals_changed, sender=MeasureGoal, dispatch_uid="catalogue-stamp-goals")


# What a measure is to the edition before and after it (the `change` facet): new (no active
# link to the previous edition), continued (linked, same chapter), moved (linked, another chapter),
# ended (the next edition holds no measure linked to it). "ended" goes with any of the others.
NEW, CONTINUED, MOVED, ENDED = "new", "continued", "moved", "ended"
CHANGES = (NEW, CONTINUED, MOVED, ENDED)


@dataclass(frozen=True, slots=True)
class Row:
    """One measure as the list pages see it."""

    pk: int
    region_id: int
    chapter_id: int
    report_id: int
    curated: bool
    name: str
    goal_ids: tuple[int, ...]
    frameworks: frozenset[str]
    sdgs: frozenset[int]
    source_line: int = 0
    previous_id: int | None = None  # the measure it continues in the previous edition
    next_id: int | None = None  # the measure that continues it in the next edition
    changes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Dimensions:
    """The few regions, chapters and reports (the editions), read with the snapshot."""

    regions: dict[int, tuple[str, str]]  # id -> (slug, name)
    chapters: dict[int, tuple[int, str]]  # id -> (number, title)
    years: dict[int, int]  # report id -> year
    region_codes: dict[int, str]  # region id -> county code
    reports: tuple[Report, ...] = ()  # every edition, newest first (catalogue.editions)

    @classmethod
    def load(cls) -> Dimensions:
        regions = Region.objects.values_list("pk", "slug", "name", "code")
        reports = tuple(Report.objects.order_by("-year", "-number"))
        return cls(
            {pk: (slug, name) for pk, slug, name, _ in regions},
            {
                pk: (number, title)
                for pk, number, title in Chapter.objects.values_list("pk", "number", "title")
            },
            {report.pk: report.year for report in reports},
            {pk: code for pk, _, _, code in regions},
            reports,
        )

    def neighbours(self) -> dict[int, tuple[int | None, int | None]]:
        """Report id -> (the previous edition's id, the next edition's id)."""
        ids = [report.pk for report in reversed(self.reports)]  # oldest first
        return {
            pk: (ids[i - 1] if i else None, ids[i + 1] if i + 1 < len(ids) else None)
            for i, pk in enumerate(ids)
        }


@dataclass
class Snapshot:
    version: str
    rows: dict[int, Row]
    goals: dict[int, tuple[str, int | None]]  # goal id -> (framework, SDG number)
    dimensions: Dimensions = field(default_factory=lambda: Dimensions({}, {}, {}, {}))
    # Results computed from this snapshot (facet counts per filter state), dropped with it.
    memo: OrderedDict = field(default_factory=OrderedDict)  # key -> (value, weight)
    memo_weight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    goal_titles: dict[int, str] = field(default_factory=dict)  # for the lists' goals column
    # The lists' summary lines (the start of a description), read for the rows shown as they
    # are first shown (catalogue.tables), so that a page seen before makes no query for them.
    summaries: dict[int, str] = field(default_factory=dict)
    MEMO_SIZE = 256
    MEMO_WEIGHT = 500_000

    @classmethod
    def load(cls, version: str) -> Snapshot:
        """Seven queries, whatever the number of measures: goals, goal links, measures, active
        lineage links, regions, chapters, reports."""
        goals, goal_titles = {}, {}
        for pk, framework, sdg, title in Goal.objects.order_by().values_list(
            "pk", "framework", "sdg", "title"
        ):
            goals[pk], goal_titles[pk] = (framework, sdg), title
        links: dict[int, list[int]] = {}
        for measure_id, goal_id in (
            MeasureGoal.objects.order_by("measure_id", "goal_id")
            .values_list("measure_id", "goal_id")
            .iterator(chunk_size=10_000)
        ):
            links.setdefault(measure_id, []).append(goal_id)
        measures = list(
            Measure.objects.order_by()
            .values_list(
                "pk", "region_id", "chapter_id", "report_id", "curated", "name", "source_line"
            )
            .iterator(chunk_size=10_000)
        )
        previous: dict[int, int] = {}
        following: dict[int, int] = {}
        for previous_id, measure_id in (
            Lineage.objects.filter(status__in=Lineage.ACTIVE)
            .order_by()
            .values_list("previous_id", "measure_id")
        ):
            previous[measure_id] = previous_id
            following[previous_id] = measure_id
        dimensions = Dimensions.load()
        neighbours = dimensions.neighbours()
        place = {pk: (report_id, chapter_id) for pk, _, chapter_id, report_id, *_ in measures}
        rows = {}
        no_goals: tuple[int, ...] = ()
        for pk, region_id, chapter_id, report_id, curated, name, source_line in measures:
            goal_ids = tuple(links.get(pk, no_goals))
            facts = [goals[g] for g in goal_ids if g in goals]
            previous_id, next_id = previous.get(pk), following.get(pk)
            before, after = neighbours.get(report_id, (None, None))
            changes = set()
            # A link counts for the change only when it reaches the neighbouring edition.
            if before is not None:
                earlier = place.get(previous_id)
                if earlier is None or earlier[0] != before:
                    changes.add(NEW)
                elif earlier[1] == chapter_id:
                    changes.add(CONTINUED)
                else:
                    changes.add(MOVED)
            if after is not None and place.get(next_id, (None,))[0] != after:
                changes.add(ENDED)
            rows[pk] = Row(
                pk,
                region_id,
                chapter_id,
                report_id,
                curated,
                name,
                goal_ids,
                frozenset(framework for framework, _ in facts),
                frozenset(sdg for _, sdg in facts if sdg),
                source_line,
                previous_id,
                next_id,
                frozenset(changes),
            )
        return cls(version, rows, goals, dimensions, goal_titles=goal_titles)

    def remember(self, key, compute, weight=lambda value: 1):
        """compute() once per key while this snapshot is current. The least recently used are
        dropped once more than MEMO_SIZE are kept or their weights add up to more than
        MEMO_WEIGHT (a tally weighs the ids it holds)."""
        with self.lock:
            if key in self.memo:
                self.memo.move_to_end(key)
                return self.memo[key][0]
        value = compute()
        with self.lock:
            if key not in self.memo:
                self.memo[key] = (value, weight(value))
                self.memo_weight += self.memo[key][1]
                while len(self.memo) > 1 and (
                    len(self.memo) > self.MEMO_SIZE or self.memo_weight > self.MEMO_WEIGHT
                ):
                    _, (_, dropped) = self.memo.popitem(last=False)
                    self.memo_weight -= dropped
        return value


_lock = threading.Lock()
_current: Snapshot | None = None


def current(version: str | None = None) -> Snapshot:
    """The snapshot of the data as they are now (`version`: data_version(), if already known)."""
    global _current
    if version is None:
        version = data_version()
    snapshot = _current
    if snapshot is not None and snapshot.version == version:
        return snapshot
    with _lock:
        if _current is None or _current.version != version:
            _current = Snapshot.load(version)
        return _current


def reset() -> None:
    """Forget the snapshot (tests that change data behind the version's back)."""
    global _current
    with _lock:
        _current = None
