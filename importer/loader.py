"""Load a parsed report into the catalogue: one transaction, idempotent, curated records kept.

Records are matched on natural keys: a measure on (report, source_key) — chapter, region, the name
as imported and its ordinal, so an admin's edits and shifted line numbers do not orphan it —,
answers on (report, region, question), projects on (report, Nyps-id), "no measures" records on
(report, region, chapter), goals on their key. A curated record (an admin changed it) is never
overwritten: only its `imported` snapshot is refreshed, so the admin can see what the source says
now, and the report lists it.

Safety (importer.safety): an incomplete file is refused before anything is written, and a
re-import that would delete measures of the edition stops and lists them unless removals are
allowed; either way the transaction rolls back. After loading, the edition's measures are linked
to those of the editions before and after it (catalogue.lineage), in the same transaction.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from catalogue import lineage
from catalogue.goal_curation import goals_by_key
from catalogue.models import (
    AllocationAnswer,
    Chapter,
    DataStamp,
    Goal,
    Measure,
    NoMeasures,
    Project,
    ProjectIndicator,
    Region,
    Report,
)
from catalogue.search import changes as search_changes

from .goals import goal_key
from .parser import REGION_NAMES, ParsedMeasure, ParsedProject, ParsedReport
from .safety import Removal, RemovalsRefused, check_complete

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


class LoadError(Exception):
    """The database is not ready for an import (e.g. reference data missing)."""


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    kept: list[str] = field(default_factory=list)  # curated records left as the admin made them

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


@dataclass
class LoadResult:
    report: Report
    dry_run: bool
    measures: Tally = field(default_factory=Tally)
    no_measures: Tally = field(default_factory=Tally)
    answers: Tally = field(default_factory=Tally)
    projects: Tally = field(default_factory=Tally)
    goals_created: int = 0
    goals_deleted: int = 0
    per_chapter: Counter = field(default_factory=Counter)
    per_region: Counter = field(default_factory=Counter)
    deleted_measure_ids: set[int] = field(default_factory=set)
    removals: list[Removal] = field(default_factory=list)  # measures the import removed
    links: lineage.LinkResult | None = None

    @property
    def changed(self) -> bool:
        return any(
            t.changed for t in (self.measures, self.no_measures, self.answers, self.projects)
        ) or bool(self.goals_created or self.goals_deleted)

    @property
    def kept(self) -> list[str]:
        return self.measures.kept + self.answers.kept + self.projects.kept


def load_report(
    parsed: ParsedReport,
    *,
    source_name: str,
    checksum: str,
    dry_run: bool = False,
    allow_removals: bool = False,
    link: bool = True,
) -> LoadResult:
    """Write the parsed report; with dry_run everything is rolled back at the end.

    Raises IncompleteFile for a file that lacks parts every edition has, and RemovalsRefused
    when the edition is already imported and the file would remove measures of it (unless
    `allow_removals`; a dry run lists them in `removals` instead). `link` links the edition to
    its neighbours (catalogue.lineage) once it is loaded."""
    check_complete(parsed)
    with transaction.atomic():
        loader = _Loader(parsed, source_name=source_name, checksum=checksum)
        result = loader.run(dry_run, allow_removals=allow_removals)
        if link:
            result.links = lineage.relink_report(result.report)
        # Bulk writes send no signals: tell the pages' caches once (catalogue.snapshot), and
        # every node's search index (catalogue.search.changes).
        DataStamp.bump()
        if result.changed:
            measures = result.report.measure_set.values_list("pk", flat=True)
            search_changes.record([*measures, *result.deleted_measure_ids])
        if dry_run:
            transaction.set_rollback(True)
    return result


class _Loader:
    def __init__(self, parsed: ParsedReport, *, source_name: str, checksum: str):
        self.parsed = parsed
        self.source_name = source_name
        self.checksum = checksum
        self.regions = {r.code: r for r in Region.objects.all()}
        self.region_codes = {r.pk: r.code for r in self.regions.values()}
        self.chapters = {c.number: c for c in Chapter.objects.all()}
        if len(self.regions) < 21 or len(self.chapters) < 8:
            raise LoadError(
                "the regions and chapters are missing: run 'python manage.py migrate' first"
            )

    def run(self, dry_run: bool, *, allow_removals: bool = False) -> LoadResult:
        meta = self.parsed.meta
        values = {
            "title": meta.title,
            "publisher": meta.publisher,
            "published": meta.published,
            "source_name": self.source_name,
            "checksum": self.checksum,
        }
        report, created = Report.objects.get_or_create(
            year=meta.year, number=meta.number, defaults=values
        )
        if not created and any(getattr(report, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(report, key, value)
            report.save()
        self.report = report
        self.result = LoadResult(report=report, dry_run=dry_run)
        self.allow_removals = allow_removals or dry_run
        self.goals = self.load_goals()
        self.load_measures()
        self.load_no_measures()
        self.load_answers()
        self.load_projects()
        self.result.goals_deleted = self.delete_orphan_goals()
        return self.result

    # Goals.
    def load_goals(self) -> dict[str, Goal]:
        """The goal of each key the report cites: found by key or through the alias an editor's
        merge left (catalogue.goal_curation), else created. An uncurated goal takes the reader's
        current words; a curated one (renamed, reassigned or merged into) is kept as it is."""
        wanted: dict[str, Goal] = {}
        for measure in self.parsed.measures:
            for ref in measure.goals:
                key = goal_key(ref, measure.region_code)
                if key not in wanted:
                    wanted[key] = Goal(
                        key=key,
                        framework=ref.framework,
                        sdg=ref.sdg,
                        title=ref.title[:500],
                        region=self.regions[measure.region_code] if ref.region_specific else None,
                        programme=ref.programme[:200],
                        objective=ref.objective[:20],
                    )
        existing = goals_by_key(wanted)
        missing = [goal for key, goal in wanted.items() if key not in existing]
        if missing:
            bulk_create_with_history(missing, Goal, batch_size=BATCH)
            existing.update(Goal.objects.in_bulk([g.key for g in missing], field_name="key"))
        self.result.goals_created = len(missing)
        fields = ("title", "programme", "objective")
        stale = [
            goal
            for key, goal in existing.items()
            if goal.key == key
            and not goal.curated
            and not goal.sdg
            and any(getattr(goal, f) != getattr(wanted[key], f) for f in fields)
        ]
        for goal in stale:
            for name in fields:
                setattr(goal, name, getattr(wanted[goal.key], name))
        if stale:
            bulk_update_with_history(stale, Goal, list(fields), batch_size=BATCH)
        return existing

    def delete_orphan_goals(self) -> int:
        orphans = Goal.objects.filter(measures__isnull=True, curated=False, sdg__isnull=True)
        count = orphans.count()
        if count:
            orphans.delete()
        return count

    # Measures.
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

    # "No measures" records.
    def load_no_measures(self) -> None:
        tally = self.result.no_measures
        existing = {
            (r.region_id, r.chapter_id): r for r in NoMeasures.objects.filter(report=self.report)
        }
        for parsed in self.parsed.no_measures:
            region = self.regions[parsed.region_code]
            chapter = self.chapters[parsed.chapter]
            record = existing.pop((region.pk, chapter.pk), None)
            if record is None:
                NoMeasures.objects.create(
                    report=self.report,
                    region=region,
                    chapter=chapter,
                    text=parsed.text,
                    source_line=parsed.source_line,
                    kind=parsed.kind,
                )
                tally.created += 1
            elif (record.text, record.source_line, record.kind) != (
                parsed.text,
                parsed.source_line,
                parsed.kind,
            ):
                record.text, record.source_line = parsed.text, parsed.source_line
                record.kind = parsed.kind
                record.save(update_fields=["text", "source_line", "kind"])
                tally.updated += 1
            else:
                tally.unchanged += 1
        for record in existing.values():
            record.delete()
            tally.deleted += 1

    # Chapter 8 answers.
    def load_answers(self) -> None:
        tally = self.result.answers
        existing = {
            (a.region_id, a.question): a
            for a in AllocationAnswer.objects.filter(report=self.report)
        }
        for parsed in self.parsed.answers:
            region = self.regions[parsed.region_code]
            values = {
                "answer": parsed.answer,
                "text_html": parsed.text_html,
                "text": parsed.text,
                "source_line": parsed.source_line,
            }
            record = existing.pop((region.pk, parsed.question), None)
            if record is None:
                AllocationAnswer.objects.create(
                    report=self.report,
                    region=region,
                    question=parsed.question,
                    imported=values,
                    **values,
                )
                tally.created += 1
            elif record.curated:
                if record.imported != values:
                    record.imported = values
                    record.save(update_fields=["imported"])
                tally.kept.append(f"svar {region.name} fråga {parsed.question}: kurerat")
            elif any(getattr(record, k) != v for k, v in values.items()):
                for key, value in values.items():
                    setattr(record, key, value)
                record.imported = values
                record.save()
                tally.updated += 1
            else:
                tally.unchanged += 1
        for record in existing.values():
            if record.curated:
                tally.kept.append(f"svar {record.region} fråga {record.question}: kurerat")
            else:
                record.delete()
                tally.deleted += 1

    # Chapter 8 projects.
    def project_values(self, parsed: ParsedProject) -> dict:
        return {
            "region_id": self.regions[parsed.region_code].pk,
            "title": parsed.title[:300],
            "status": parsed.status,
            "start": parsed.start,
            "end": parsed.end,
            "owner": parsed.owner[:300],
            "partners": list(parsed.partners),
            "granted_sek": parsed.granted_sek,
            "paid_sek": parsed.paid_sek,
            "policy_objective": parsed.policy_objective,
            "specific_objective": parsed.specific_objective,
            "strategy_goals": parsed.strategy_goals,
            "description": parsed.description,
            "result": parsed.result,
            "source_line": parsed.source_line,
        }

    def load_projects(self) -> None:
        tally = self.result.projects
        existing = {p.nyps_id: p for p in Project.objects.filter(report=self.report)}
        for parsed in self.parsed.projects:
            values = self.project_values(parsed)
            indicators = [(i.name, i.target, i.outcome) for i in parsed.indicators]
            snapshot = {
                **{k: v for k, v in values.items() if k != "region_id"},
                "start": parsed.start.isoformat() if parsed.start else None,
                "end": parsed.end.isoformat() if parsed.end else None,
                "region": parsed.region_code,
                "indicators": [list(i) for i in indicators],
            }
            project = existing.pop(parsed.nyps_id, None)
            if project is None:
                project = Project.objects.create(
                    report=self.report, nyps_id=parsed.nyps_id, imported=snapshot, **values
                )
                self.write_indicators(project, indicators)
                tally.created += 1
                continue
            if project.curated:
                if project.imported != snapshot:
                    project.imported = snapshot
                    project.save(update_fields=["imported"])
                tally.kept.append(f"projekt {project.nyps_id}: kurerat")
                continue
            current = [(i.name, i.target, i.outcome) for i in project.indicators.all()]
            if any(getattr(project, k) != v for k, v in values.items()) or current != indicators:
                for key, value in values.items():
                    setattr(project, key, value)
                project.imported = snapshot
                project.save()
                project.indicators.all().delete()
                self.write_indicators(project, indicators)
                tally.updated += 1
            else:
                tally.unchanged += 1
        for project in existing.values():
            if project.curated:
                tally.kept.append(f"projekt {project.nyps_id}: kurerat, finns inte längre i källan")
            else:
                project.delete()
                tally.deleted += 1

    @staticmethod
    def write_indicators(project: Project, indicators: list[tuple[str, str, str]]) -> None:
        ProjectIndicator.objects.bulk_create(
            ProjectIndicator(
                project=project, position=n, name=name[:300], target=target[:200], outcome=out[:200]
            )
            for n, (name, target, out) in enumerate(indicators)
        )
