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
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from catalogue import lineage
from catalogue.goal_curation import goals_by_key
from catalogue.models import (
    Chapter,
    DataStamp,
    Goal,
    NoMeasures,
    Region,
    Report,
)
from catalogue.search import changes as search_changes

from .allocation_loader import AllocationLoading
from .goals import goal_key
from .measure_loader import BATCH, MeasureLoading
from .parser import ParsedReport
from .safety import Removal, check_complete


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


class _Loader(MeasureLoading, AllocationLoading):
    """One import: the report, its goals and the notes here; the measures in MeasureLoading,
    chapter 8 in AllocationLoading."""

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
