"""The admin's updates of the search index: every save or delete of a measure in the admin, and
every save of a region, chapter or goal its measures' documents name, reaches the index here."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.contrib import messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import Measure

logger = logging.getLogger(__name__)


# Updated after the transaction commits, still within the same request.


def _search_module():
    from catalogue import search  # the one module that talks to the index

    return search


def schedule_index(request, *, update: Iterable[int] = (), remove: Iterable[int] = ()) -> None:
    """Bring the search index up to date for these measures once the database has committed."""
    update, remove = sorted(set(update)), sorted(set(remove))
    if not update and not remove:
        return

    def run():
        search = _search_module()
        try:
            if remove:
                search.remove_measures(remove)
            if update:
                search.update_measures(update)
        except Exception:
            logger.exception("Updating the search index failed for %s / %s", update, remove)
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
