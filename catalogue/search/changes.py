"""The change log that keeps every node's index current (catalogue.models.SearchChange).

Any save or delete of a measure (or of its goal links, or a region's name) through the ORM
writes an entry in the same transaction (signals, `connect_signals`), and every import writes one
per measure of the report it changed (`record`). Before a node answers a search it compares the
log's last id with the position its index has applied (storage.APPLIED, kept with the index
generation): one small query. If entries are pending, it re-indexes those measures from the
database under the writers' lock and moves the position on. A full rebuild starts from the log's
last id at the time it begins reading the database.

Two writers at once can commit out of order: entry 11 is visible while entry 10's transaction
is still open. The ids a node moves past without seeing them are kept with the position as gaps
and looked for again (at most every GAP_RECHECK seconds per process) until they appear or
GAP_KEEP has passed (a rolled-back write leaves an id that never appears).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from django.db import connections, router
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save

from catalogue.search import indexing, storage

logger = logging.getLogger(__name__)

CATCH_UP_WAIT = 2.0  # seconds a request waits for another writer before answering as it is
BATCH = 1000
GAP_RECHECK = 1.0  # seconds between one process's looks for entries that committed late
GAP_KEEP = 3600.0  # an id missing this long is taken for a rolled-back write (an import at 100
# times the report holds its transaction for about a minute)
MAX_GAPS = 10_000  # the newest ones are kept
REBUILD_LOOKBACK = 1000  # a rebuild takes the ids missing among the last ones as gaps

_gaps_checked = 0.0  # time.monotonic() of this process's last look for late entries


def _model():
    from catalogue.models import SearchChange

    return SearchChange


def record(measure_ids: Iterable[int], using: str | None = None) -> None:
    """Log that these measures changed (in the caller's transaction, if any)."""
    change = _model()
    rows = [change(measure_id=int(pk)) for pk in dict.fromkeys(measure_ids)]
    if rows:
        change.objects.db_manager(using).bulk_create(rows, batch_size=BATCH)


def last_id() -> int:
    """The log's last entry id (0 when empty): the one query per search, written as SQL (the
    ORM's aggregate() took ten times as long to build it as the database to answer)."""
    model = _model()
    connection = connections[router.db_for_read(model)]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX({quote('id')}) FROM {quote(model._meta.db_table)}")
        row = cursor.fetchone()
    return (row[0] if row else None) or 0


def catch_up(*, wait: float = CATCH_UP_WAIT) -> int:
    """Apply the log's pending entries to this node's index; the number of measures re-indexed.

    If another process is writing the index (a rebuild, another worker catching up), wait up to
    `wait` seconds, then answer from the index as it is."""
    path = storage.current_path()
    if path is None:
        return 0
    latest = last_id()
    state = storage.applied_state(path)
    if latest <= state.position and not _gaps_due(state):
        return 0
    try:
        with storage.write_lock(timeout=wait):
            path = storage.current_path()
            if path is None or not storage.index_exists():
                return 0
            return _apply(path, storage.applied_state(path), latest)
    except TimeoutError:
        logger.info("Search index busy: answering before applying changes up to %s", latest)
        return 0


def _gaps_due(state: storage.Applied) -> bool:
    return bool(state.gaps) and time.monotonic() - _gaps_checked >= GAP_RECHECK


def _apply(path, state: storage.Applied, latest: int) -> int:
    """Re-index the measures of the entries after the position and of the gaps that have
    appeared; move the position to the last entry seen and keep the ids skipped as gaps."""
    global _gaps_checked
    now = time.time()
    _gaps_checked = time.monotonic()
    wanted = Q(id__gt=state.position, id__lte=latest)
    if state.gaps:
        wanted |= Q(id__gte=min(state.gaps), id__lte=max(state.gaps))
    entries = [
        (entry, measure)
        for entry, measure in _model().objects.filter(wanted).values_list("id", "measure_id")
        if entry > state.position or entry in state.gaps
    ]
    seen = {entry for entry, _ in entries}
    position = max([state.position, *seen])
    gaps = {
        entry: when
        for entry, when in state.gaps.items()
        if entry not in seen and now - when < GAP_KEEP
    }
    gaps.update((entry, now) for entry in range(state.position + 1, position) if entry not in seen)
    if len(gaps) > MAX_GAPS:
        gaps = dict(sorted(gaps.items())[-MAX_GAPS:])
    ids = {measure for _, measure in entries}
    if ids:
        indexing.update(ids)
    if position != state.position or gaps != state.gaps:
        storage.set_applied(path, position, gaps)
    return len(ids)


def start_position() -> tuple[int, dict[int, float]]:
    """Where a full rebuild starts: the log's last id, and the ids missing among the
    REBUILD_LOOKBACK before it as gaps (their transactions may commit after the build read the
    database)."""
    position = last_id()
    low = max(0, position - REBUILD_LOOKBACK)
    present = set(
        _model().objects.filter(id__gt=low, id__lte=position).values_list("id", flat=True)
    )
    now = time.time()
    return position, {entry: now for entry in range(low + 1, position) if entry not in present}


# ---------------------------------------------------------------------------------------------
# Signals


def _measure_saved(sender, instance, using=None, **kwargs):
    record([instance.pk], using)


def _goal_link_saved(sender, instance, using=None, **kwargs):
    record([instance.measure_id], using)


def _goals_changed(sender, instance, action, reverse, pk_set, using=None, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        record([instance.pk], using)
    elif pk_set:
        record(pk_set, using)
    else:  # a goal's links cleared: its measures are not known any more; nothing indexed changed
        return


def _region_saved(sender, instance, using=None, created=False, **kwargs):
    if not created:
        record(instance.measure_set.values_list("pk", flat=True), using)


def connect_signals() -> None:
    """Log every change the index must learn of (CatalogueConfig.ready calls this)."""
    from catalogue.models import Measure, Region

    through = Measure.goals.through
    uid = "catalogue-search-changes"
    post_save.connect(_measure_saved, sender=Measure, dispatch_uid=f"{uid}-save")
    post_delete.connect(_measure_saved, sender=Measure, dispatch_uid=f"{uid}-delete")
    post_save.connect(_goal_link_saved, sender=through, dispatch_uid=f"{uid}-link-save")
    post_delete.connect(_goal_link_saved, sender=through, dispatch_uid=f"{uid}-link-delete")
    m2m_changed.connect(_goals_changed, sender=through, dispatch_uid=f"{uid}-links")
    post_save.connect(_region_saved, sender=Region, dispatch_uid=f"{uid}-region")
