"""Editors' goal curation that a re-import must respect: merging goals, and finding a goal by a
key that an earlier merge turned into an alias.

One write path: the admin's merge action and a shell both call merge_goals(); the importer's
loader and the admin's "use the source's version" both resolve goal keys with goals_by_key().
"""

from collections.abc import Iterable

from django.db import transaction

from .models import Goal, GoalAlias, Measure


def goals_by_key(keys: Iterable[str]) -> dict[str, Goal]:
    """The goal for each key, following aliases left by merges; unknown keys are left out."""
    keys = set(keys)
    found = Goal.objects.in_bulk(list(keys), field_name="key")
    missing = keys - set(found)
    if missing:
        for alias in GoalAlias.objects.filter(key__in=missing).select_related("goal"):
            found[alias.key] = alias.goal
    return found


@transaction.atomic
def merge_goals(target: Goal, sources: Iterable[Goal]) -> set[int]:
    """Merge the sources into the target goal and return the ids of the measures that changed.

    Each source's measures now cite the target; the source goes, and its key (and any alias that
    pointed to it) becomes an alias of the target, so that an import that reads the source's
    wording again links it to the target. The target is marked curated: an import keeps it.
    """
    changed: set[int] = set()
    for source in sources:
        if source.pk == target.pk:
            continue
        if source.sdg:
            raise ValueError(f"a global goal is not merged away: {source}")
        measures = list(Measure.objects.filter(goals=source))
        # add()/remove() send m2m_changed, which tells the pages' caches (catalogue.snapshot).
        target.measures.add(*measures)
        source.measures.remove(*measures)
        changed.update(m.pk for m in measures)
        GoalAlias.objects.filter(goal=source).update(goal=target)
        GoalAlias.objects.update_or_create(
            key=source.key, defaults={"goal": target, "title": source.title[:500]}
        )
        source.delete()
    if not target.curated:
        target.curated = True
        target.save(update_fields=["curated"])
    return changed
