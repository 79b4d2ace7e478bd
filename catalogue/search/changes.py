"""The change log that keeps every node's index current (catalogue.models.SearchChange).

Any save or delete of a measure (or of its goal links, or a region's name) through the ORM
writes an entry in the same transaction (signals, `connect_signals`), and every import writes one
per measure of the report it changed (`record`). Before a node answers a search it compares the
log's last id with the position its index has applied (storage.APPLIED, kept with the index
generation): one small query. If entries are pending, it re-indexes those measures from the
database under the writers' lock and moves the position on. A full rebuild starts from the log's
last id at the time it begins reading the database.

Limitation: an entry whose transaction commits after a later entry's (two writers at once) is
not seen by a node that already moved past its id; the next save of that measure, or a rebuild,
brings it in.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db.models import Max
from django.db.models.signals import m2m_changed, post_delete, post_save

from catalogue.search import indexing, storage

logger = logging.getLogger(__name__)

CATCH_UP_WAIT = 2.0  # seconds a request waits for another writer before answering as it is
BATCH = 1000


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
    """The log's last entry id (0 when empty): the one query per search."""
    return _model().objects.aggregate(last=Max("id"))["last"] or 0


def catch_up(*, wait: float = CATCH_UP_WAIT) -> int:
    """Apply the log's pending entries to this node's index; the number of measures re-indexed.

    If another process is writing the index (a rebuild, another worker catching up), wait up to
    `wait` seconds, then answer from the index as it is."""
    path = storage.current_path()
    if path is None:
        return 0
    latest = last_id()
    if latest <= storage.applied(path):
        return 0
    try:
        with storage.write_lock(timeout=wait):
            path = storage.current_path()
            if path is None or not storage.index_exists():
                return 0
            position = storage.applied(path)
            entries = list(
                _model()
                .objects.filter(id__gt=position, id__lte=latest)
                .values_list("id", "measure_id")
            )
            if not entries:
                return 0
            ids = {measure_id for _, measure_id in entries}
            indexing.update(ids)
            storage.set_applied(path, max(entry_id for entry_id, _ in entries))
            return len(ids)
    except TimeoutError:
        logger.info("Search index busy: answering before applying changes up to %s", latest)
        return 0


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
