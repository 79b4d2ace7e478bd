"""A measure's page (also as JSON): its record, its timeline across editions and similar
measures in other regions."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import JsonResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from . import editions, exports, selectors
from .caching import cached_page, snapshot_of
from .filters import search_module
from .models import Goal, Measure
from .page_context import wants


class MeasureDetailView(DetailView):
    """A measure, its timeline across editions, and similar measures in other regions; with
    ?format=json the open-data record plus the measures it continues and that continue it."""

    template_name = "catalogue/measure_detail.html"
    context_object_name = "measure"

    def get_queryset(self):
        return Measure.objects.select_related("region", "chapter", "report").prefetch_related(
            Prefetch("goals", queryset=Goal.objects.select_related("region"))
        )

    def get(self, request, *args, **kwargs):
        if wants(request, "json"):
            pk = kwargs["pk"]
            snapshot = snapshot_of(request)
            records = list(
                exports.measure_records([pk], request.build_absolute_uri, snapshot.dimensions)
            )
            if not records:
                return JsonResponse({"error": _("Insatsen finns inte.")}, status=404)
            row = snapshot.rows.get(pk)
            record = records[0]
            record["previous"] = self.link(snapshot, row.previous_id if row else None)
            record["next"] = self.link(snapshot, row.next_id if row else None)
            return JsonResponse(record, json_dumps_params={"ensure_ascii": False})
        return super().get(request, *args, **kwargs)

    def link(self, snapshot, pk: int | None) -> dict | None:
        row = snapshot.rows.get(pk) if pk else None
        if row is None:
            return None
        return {
            "report_year": snapshot.dimensions.years[row.report_id],
            "source_line": row.source_line,
            "url": self.request.build_absolute_uri(
                reverse("catalogue:measure-detail", kwargs={"pk": row.pk})
            ),
        }

    def similar_measures(self, measure, *, limit: int = 5) -> list[Measure]:
        """Similar measures in other regions (of the same edition), by the index's similarity."""
        try:
            search = search_module()
        except ImportError:
            return []
        if not search.index_exists():
            return []
        ids = search.similar(measure.pk, limit=limit * 3, other_regions=True)
        found = (
            Measure.objects.filter(pk__in=ids, report_id=measure.report_id)
            .exclude(region_id=measure.region_id)
            .select_related("region", "chapter")
            .in_bulk()
        )
        return [found[pk] for pk in ids if pk in found][:limit]

    def timeline(self, measure) -> list[dict]:
        """The measure in every edition it appears in, oldest first (by the active links)."""
        snapshot = snapshot_of(self.request)
        dims = snapshot.dimensions
        url = reverse("catalogue:measure-detail", kwargs={"pk": 987654321})
        entries, chapter_id = [], None
        for row in selectors.timeline(snapshot, measure.pk):
            entries.append(
                {
                    "year": dims.years.get(row.report_id),
                    "name": row.name,
                    "chapter": dims.chapters[row.chapter_id][0],
                    "moved": chapter_id is not None and chapter_id != row.chapter_id,
                    "url": url.replace("987654321", str(row.pk)),
                    "current": row.pk == measure.pk,
                }
            )
            chapter_id = row.chapter_id
        return entries

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        measure = self.object
        try:
            report_error_url = reverse("catalogue:report-error", kwargs={"pk": measure.pk})
        except NoReverseMatch:
            report_error_url = None
        timeline = self.timeline(measure)
        context.update(
            goals=sorted(measure.goals.all(), key=lambda g: (g.framework, g.sdg or 0, g.title)),
            similar=self.similar_measures(measure),
            report_error_url=report_error_url,
            absolute_url=self.request.build_absolute_uri(measure.get_absolute_url()),
            timeline=timeline if len(timeline) > 1 else [],
            edition=editions.resolve(
                str(measure.report.year), reports=snapshot_of(self.request).dimensions.reports
            ),
        )
        return context


measure_detail = cached_page(MeasureDetailView.as_view())
