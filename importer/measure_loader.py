"""The measures of a report, for the loader (importer.loader): created, updated or kept on
their natural key (report, source_key), their goal links written in bulk with their history, and
the measures no longer in the source removed when removals are allowed (importer.safety)."""

from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from catalogue.models import Measure

from .goals import goal_key
from .parser import REGION_NAMES, ParsedMeasure
from .safety import Removal, RemovalsRefused

BATCH = 500
MEASURE_FIELDS = (
    "region_id",
    "chapter_id",
    "name",
    "description_html",
    "description",
    "outputs_html",
    "outputs",
    "effects_html",
    "effects",
    "goals_html",
    "goals_text",
    "source_line",
)


class MeasureLoading:
    """The measures' part of importer.loader._Loader (whose state it reads: the parsed report,
    the report, regions, chapters, goals and the result)."""

    def measure_values(self, parsed: ParsedMeasure) -> dict:
        return {
            "region_id": self.regions[parsed.region_code].pk,
            "chapter_id": self.chapters[parsed.chapter].pk,
            "name": parsed.name,
            "description_html": parsed.description_html,
            "description": parsed.description,
            "outputs_html": parsed.outputs_html,
            "outputs": parsed.outputs,
            "effects_html": parsed.effects_html,
            "effects": parsed.effects,
            "goals_html": parsed.goals_html,
            "goals_text": parsed.goals_text,
            "source_line": parsed.source_line,
        }

    def load_measures(self) -> None:
        tally = self.result.measures
        existing = {m.source_key: m for m in Measure.objects.filter(report=self.report)}
        current_goals: dict[int, set[int]] = {}
        through = Measure.goals.through
        for measure_id, goal_id in through.objects.filter(measure__report=self.report).values_list(
            "measure_id", "goal_id"
        ):
            current_goals.setdefault(measure_id, set()).add(goal_id)

        to_create: list[tuple[Measure, set[int]]] = []
        to_update: list[Measure] = []
        goal_updates: dict[int, set[int]] = {}
        curated_refresh: list[Measure] = []
        now = timezone.now()  # bulk updates do not apply auto_now
        for parsed in self.parsed.measures:
            self.result.per_chapter[parsed.chapter] += 1
            self.result.per_region[parsed.region_code] += 1
            values = self.measure_values(parsed)
            goal_ids = {self.goals[goal_key(ref, parsed.region_code)].pk for ref in parsed.goals}
            imported = {
                **{k: v for k, v in values.items() if not k.endswith("_id")},
                "region": parsed.region_code,
                "chapter": parsed.chapter,
                "goals": sorted(goal_key(ref, parsed.region_code) for ref in parsed.goals),
            }
            measure = existing.pop(parsed.source_key, None)
            if measure is None:
                to_create.append(
                    (
                        Measure(
                            report=self.report,
                            source_key=parsed.source_key,
                            imported=imported,
                            **values,
                        ),
                        goal_ids,
                    )
                )
                continue
            if measure.curated:
                if measure.imported != imported:
                    measure.imported = imported
                    curated_refresh.append(measure)
                    tally.kept.append(
                        f"insats {measure.pk} (rad {parsed.source_line}): kurerad; källan har "
                        f"ändrats, se 'importerat original' i admin"
                    )
                else:
                    tally.kept.append(f"insats {measure.pk} (rad {parsed.source_line}): kurerad")
                continue
            fields_differ = any(getattr(measure, k) != v for k, v in values.items())
            goals_differ = current_goals.get(measure.pk, set()) != goal_ids
            if fields_differ or goals_differ or measure.imported != imported:
                for key, value in values.items():
                    setattr(measure, key, value)
                measure.imported = imported
                measure.updated = now
                to_update.append(measure)
                if goals_differ:
                    goal_updates[measure.pk] = goal_ids
                tally.updated += 1
            else:
                tally.unchanged += 1

        if to_create:
            created = bulk_create_with_history([m for m, _ in to_create], Measure, batch_size=BATCH)
            if any(m.pk is None for m in created):
                keys = {m.source_key: m for m in Measure.objects.filter(report=self.report)}
                created = [keys[m.source_key] for m, _ in to_create]
            for measure, (_, goal_ids) in zip(created, to_create, strict=True):
                goal_updates[measure.pk] = goal_ids
            tally.created = len(created)
        if to_update:
            bulk_update_with_history(
                to_update,
                Measure,
                [*MEASURE_FIELDS, "imported", "updated"],
                batch_size=BATCH,
            )
        if curated_refresh:
            Measure.objects.bulk_update(curated_refresh, ["imported"], batch_size=BATCH)
        if goal_updates:
            through.objects.filter(measure_id__in=list(goal_updates)).delete()
            through.objects.bulk_create(
                [
                    through(measure_id=measure_id, goal_id=goal_id)
                    for measure_id, goal_ids in goal_updates.items()
                    for goal_id in sorted(goal_ids)
                ],
                batch_size=BATCH,
            )
            self.record_goal_history(list(goal_updates))
        # Measures no longer in the source: gone, unless an admin curated them, and only when
        # removals are allowed (importer.safety).
        chapters = {c.pk: c.number for c in self.chapters.values()}
        for measure in sorted(existing.values(), key=lambda m: m.source_line):
            if measure.curated:
                tally.kept.append(f"insats {measure.pk}: kurerad, finns inte längre i källan")
                continue
            self.result.deleted_measure_ids.add(measure.pk)
            self.result.removals.append(
                Removal(
                    pk=measure.pk,
                    region=REGION_NAMES[self.region_codes[measure.region_id]],
                    chapter=chapters[measure.chapter_id],
                    source_line=measure.source_line,
                    name=measure.name,
                )
            )
        if self.result.removals and not self.allow_removals:
            raise RemovalsRefused(self.report.year, self.result.removals)
        if self.result.deleted_measure_ids:
            Measure.objects.filter(pk__in=self.result.deleted_measure_ids).delete()
            tally.deleted = len(self.result.deleted_measure_ids)

    @staticmethod
    def record_goal_history(measure_ids: list[int]) -> None:
        """Give each measure's newest history record the goal links just written.

        The bulk writes above bypass simple-history's m2m signals; without this, reverting an
        imported measure to its first version would clear its goals.
        """
        history = Measure.history.model
        goal_history = history._meta.get_field("historicalmeasure_goals").related_model
        newest = dict(
            history.objects.filter(id__in=measure_ids)
            .values("id")
            .annotate(newest=Max("history_id"))
            .values_list("id", "newest")
        )
        links = Measure.goals.through.objects.filter(measure_id__in=measure_ids)
        goal_history.objects.bulk_create(
            [
                goal_history(
                    history_id=newest[measure_id],
                    id=link_id,
                    measure_id=measure_id,
                    goal_id=goal_id,
                )
                for link_id, measure_id, goal_id in links.values_list("id", "measure_id", "goal_id")
                if measure_id in newest
            ],
            batch_size=BATCH,
        )
