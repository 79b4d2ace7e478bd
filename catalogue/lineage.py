"""Links between editions: which measure continues which, stored as Lineage rows.

The one write path for lineage; the importer, the relink command, the admin and a shell all go
through it. The matcher (catalogue.matching) suggests links between two neighbouring editions;
this module feeds it the measures and keeps what editors decided:

- suggested links are recomputed whenever an edition is imported or relinked, on both sides of
  it (the edition before, and the edition after when an older edition is imported later);
- confirmed, hand-set and rejected links (Lineage.DECIDED) are never changed by a relink: their
  measures are left out of matching, and a rejected pair is never suggested again;
- an editor confirms or rejects links, or sets a measure's previous measure by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from .matching import Entry, match
from .models import DataStamp, Lineage, Measure, Report

Status = Lineage.Status


@dataclass
class LinkResult:
    """What a relink did, over the pairs of editions (older year, newer year) it linked."""

    pairs: list[tuple[int, int]] = field(default_factory=list)
    suggested: int = 0  # suggested links standing after the relink
    created: int = 0  # of those, new ones
    removed: int = 0  # earlier suggestions the matcher no longer makes
    decided: int = 0  # links an editor decided, left as they were

    def __str__(self) -> str:
        if not self.pairs:
            return "inga andra utgåvor att länka till"
        pairs = ", ".join(f"{older}→{newer}" for older, newer in self.pairs)
        return (
            f"{pairs}: {self.suggested} föreslagna länkar ({self.created} nya, "
            f"{self.removed} borttagna), {self.decided} beslutade av redaktionen behållna"
        )


def neighbours(report: Report) -> tuple[Report | None, Report | None]:
    """The editions just before and just after `report`."""
    reports = list(Report.objects.order_by("year", "number"))
    position = reports.index(report)
    before = reports[position - 1] if position > 0 else None
    after = reports[position + 1] if position + 1 < len(reports) else None
    return before, after


def relink_report(report: Report) -> LinkResult:
    """Suggest links between `report` and each of its neighbouring editions."""
    result = LinkResult()
    before, after = neighbours(report)
    if before is not None:
        link_editions(before, report, result)
    if after is not None:
        link_editions(report, after, result)
    return result


def _entry(measure: Measure) -> Entry:
    return Entry(
        key=measure.pk,
        region=measure.region_id,
        chapter=measure.chapter_id,
        name=measure.name,
        description=measure.description,
        outputs=measure.outputs,
        effects=measure.effects,
    )


@transaction.atomic
def link_editions(older: Report, newer: Report, result: LinkResult | None = None) -> LinkResult:
    """Recompute the suggested links from `older`'s measures to `newer`'s.

    Only the difference is written: suggestions the matcher no longer makes are deleted, new
    ones created, confidences updated; so re-importing the same file changes no link (and adds
    no history). Suggestions of other pairs that touch these editions' measures (made before an
    edition between them was imported) are replaced too."""
    result = result if result is not None else LinkResult()
    result.pairs.append((older.year, newer.year))
    touching = Lineage.objects.filter(Q(measure__report=newer) | Q(previous__report=older))
    standing: dict[tuple[int, int], Lineage] = {}
    taken_old: set[int] = set()
    taken_new: set[int] = set()
    forbidden: set[tuple[int, int]] = set()
    for link in touching.only("pk", "previous_id", "measure_id", "status", "confidence"):
        if link.status == Status.SUGGESTED:
            standing[link.previous_id, link.measure_id] = link
            continue
        result.decided += 1
        if link.status == Status.REJECTED:
            forbidden.add((link.previous_id, link.measure_id))
        else:
            taken_old.add(link.previous_id)
            taken_new.add(link.measure_id)
    fields = ("pk", "region_id", "chapter_id", "name", "description", "outputs", "effects")
    old = Measure.objects.filter(report=older).exclude(pk__in=taken_old).only(*fields)
    new = Measure.objects.filter(report=newer).exclude(pk__in=taken_new).only(*fields)
    links = {
        (link.previous, link.measure): link.confidence
        for link in match([_entry(m) for m in old], [_entry(m) for m in new], forbidden=forbidden)
    }
    gone = [link.pk for pair, link in standing.items() if pair not in links]
    if gone:
        Lineage.objects.filter(pk__in=gone).delete()
    changed = []
    for pair, confidence in links.items():
        link = standing.get(pair)
        if link is not None and link.confidence != confidence:
            link.confidence = confidence
            changed.append(link)
    Lineage.objects.bulk_update(changed, ["confidence"], batch_size=500)
    created = [
        Lineage(previous_id=p, measure_id=m, confidence=confidence, status=Status.SUGGESTED)
        for (p, m), confidence in links.items()
        if (p, m) not in standing
    ]
    bulk_create_with_history(created, Lineage, batch_size=500)
    result.suggested += len(links)
    result.created += len(created)
    result.removed += len(gone)
    if gone or changed or created:
        DataStamp.bump()
    return result


# Reading links: for the JSON of a measure and its timeline.


def previous_and_next(measure_ids) -> dict[int, dict[str, Measure | None]]:
    """For each measure id, the measures it continues and that continue it, through active
    links (rejected ones link nothing): {"previous": Measure | None, "next": Measure | None}.
    Two queries for any number of measures."""
    ids = list(measure_ids)
    found: dict[int, dict[str, Measure | None]] = {i: {"previous": None, "next": None} for i in ids}
    active = Lineage.objects.filter(status__in=Lineage.ACTIVE)
    related = ("previous__report", "measure__report")
    for link in active.filter(measure_id__in=ids).select_related(*related):
        found[link.measure_id]["previous"] = link.previous
    for link in active.filter(previous_id__in=ids).select_related(*related):
        found[link.previous_id]["next"] = link.measure
    return found


def reference(measure: Measure | None, build_url=None) -> dict | None:
    """How the JSON of a measure names another edition's measure (None when there is none):
    {"report_year": 2023, "source_line": 123, "url": "…"}; `build_url` makes the path absolute
    (e.g. request.build_absolute_uri)."""
    if measure is None:
        return None
    url = measure.get_absolute_url()
    return {
        "report_year": measure.report.year,
        "source_line": measure.source_line,
        "url": build_url(url) if build_url else url,
    }


# Editors' decisions.


def confirm(links) -> int:
    """Confirm links (a queryset or list); a rejected link is confirmed only while neither of
    its measures has another active link. Returns how many are confirmed now."""
    count = 0
    for link in links:
        if link.status == Status.CONFIRMED:
            continue
        if link.status == Status.REJECTED and _conflicts(link.previous_id, link.measure_id, link):
            continue
        link.status = Status.CONFIRMED
        link.save(update_fields=["status", "updated"])
        count += 1
    return count


def reject(links) -> int:
    """Reject links: they then link nothing, and a relink never suggests them again."""
    count = 0
    for link in links:
        if link.status != Status.REJECTED:
            link.status = Status.REJECTED
            link.save(update_fields=["status", "updated"])
            count += 1
    return count


def _conflicts(previous_id: int, measure_id: int, link: Lineage | None = None):
    active = Lineage.objects.filter(status__in=Lineage.ACTIVE).filter(
        Q(measure_id=measure_id) | Q(previous_id=previous_id)
    )
    if link is not None and link.pk:
        active = active.exclude(pk=link.pk)
    return active


def validate_pair(previous: Measure, measure: Measure) -> None:
    """A previous measure belongs to the same region and an earlier edition."""
    if previous.region_id != measure.region_id:
        raise ValidationError(_("Den tidigare insatsen måste höra till samma region."))
    if (previous.report.year, previous.report.number) >= (
        measure.report.year,
        measure.report.number,
    ):
        raise ValidationError(_("Den tidigare insatsen måste höra till en tidigare utgåva."))


@transaction.atomic
def set_previous(measure: Measure, previous: Measure | None) -> Lineage | None:
    """Set by hand which measure `measure` continues (None: none). Links that stood in the way
    (of either measure) are rejected, so that a relink does not bring them back."""
    if previous is not None:
        validate_pair(previous, measure)
    in_the_way = Lineage.objects.filter(status__in=Lineage.ACTIVE, measure=measure)
    if previous is not None:
        in_the_way = in_the_way | Lineage.objects.filter(
            status__in=Lineage.ACTIVE, previous=previous
        )
        in_the_way = in_the_way.exclude(previous=previous, measure=measure)
    reject(list(in_the_way))
    if previous is None:
        return None
    link, _created = Lineage.objects.get_or_create(
        previous=previous, measure=measure, defaults={"status": Status.MANUAL}
    )
    if link.status != Status.MANUAL:
        link.status = Status.MANUAL
        link.save(update_fields=["status", "updated"])
    return link
