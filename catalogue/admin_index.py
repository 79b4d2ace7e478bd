"""The admin's updates of the search index: every save or delete of a measure in the admin, and
every save of a region, chapter or goal its measures' documents name, is logged for every node's
index here (catalogue.search.changes)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.contrib import messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Measure

logger = logging.getLogger(__name__)


# The change log (catalogue.search.changes) is written in the same transaction, which also covers
# the actions' bulk updates that send no signals; after the commit this node applies it at once,
# and every other node before its next search.


def _search_module():
    from catalogue import search  # the one module that talks to the index

    return search


def schedule_index(request, *, update: Iterable[int] = (), remove: Iterable[int] = ()) -> None:
    """Log these measures' changes for every node's index; apply the log here after commit."""
    ids = sorted(set(update) | set(remove))
    if not ids:
        return
    search = _search_module()
    search.record_changes(ids)

    def run():
        try:
            search.catch_up()
        except Exception:
            logger.exception("Updating the search index failed for %s", ids)
            if request is not None:
                messages.error(
                    request,
                    _(
                        "Ändringen är sparad, men sökindexet kunde inte uppdateras. "
                        "Bygg om indexet för de valda insatserna."
                    ),
                )

    transaction.on_commit(run)


class ReindexRelatedMeasures:
    """Regions, chapters and goals are part of the measures' search documents."""

    measure_lookup = ""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            ids = Measure.objects.filter(**{self.measure_lookup: obj}).values_list("pk", flat=True)
            schedule_index(request, update=ids)
