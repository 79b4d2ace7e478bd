"""What the list pages need of every measure, read once per change of the data, kept in memory.

A list or search page counts its facets over every measure it could show (the hits of a query,
or the whole scope without one) and renders one page of rows. Read from the database on each
request, that was most of a search page's time, and it grew with the hits (thousands at 100
times the data). Instead each process holds a `Snapshot`: per measure its region, chapter,
report, curation, goals and name, as plain tuples, read in three queries. `current()` returns it
and reads it again when `data_version()` has changed, so an import or an admin's save shows on
the next request, in every process and on every node. The same version keys the page cache and
the pages' ETags (catalogue.views.cached_page).

Regions, chapters and reports are read beside it, once per version too (catalogue.filters
.Dimensions, remembered in the snapshot's memo): renaming one bumps the DataStamp.
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


@dataclass
class Snapshot:
    version: str
    rows: dict[int, Row]
    goals: dict[int, tuple[str, int | None]]  # goal id -> (framework, SDG number)
    # Results computed from this snapshot (facet counts per filter state), dropped with it.
    memo: OrderedDict = field(default_factory=OrderedDict)  # key -> (value, weight)
    memo_weight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    goal_titles: dict[int, str] = field(default_factory=dict)  # for the lists' goals column
    MEMO_SIZE = 256
    MEMO_WEIGHT = 500_000

    @classmethod
    def load(cls, version: str) -> Snapshot:
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
        rows = {}
        no_goals: tuple[int, ...] = ()
        for pk, region_id, chapter_id, report_id, curated, name in (
            Measure.objects.order_by()
            .values_list("pk", "region_id", "chapter_id", "report_id", "curated", "name")
            .iterator(chunk_size=10_000)
        ):
            goal_ids = tuple(links.get(pk, no_goals))
            facts = [goals[g] for g in goal_ids if g in goals]
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
            )
        return cls(version, rows, goals, goal_titles=goal_titles)

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
