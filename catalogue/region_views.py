"""The regions (also as JSON): the list with their measure counts, and a region's page (its
measures by chapter, chapter 8's answers and projects, its strategy's goals)."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch
from django.http import JsonResponse
from django.urls import reverse
from django.views.generic import DetailView, TemplateView

from . import selectors
from .caching import cached_page, snapshot_of
from .models import (
    AllocationAnswer,
    Chapter,
    Goal,
    NoMeasures,
    Project,
    ProjectIndicator,
    Region,
)
from .page_context import EditionMixin, wants
from .selectors import swedish_key

# The region page lists at most this many measures per chapter and links to the rest.
REGION_PAGE_MEASURES = 50


class RegionListView(EditionMixin, TemplateView):
    template_name = "catalogue/region_list.html"
    extra_context = {"nav": "regions"}

    def regions(self) -> list[Region]:
        """The regions by name, each with its measure count in the edition."""
        report = self.edition.report
        matrix = selectors.region_chapter_counts(
            snapshot_of(self.request), report.pk if report else None
        )
        counts: dict[int, int] = defaultdict(int)
        for (region_id, _chapter), n in matrix.items():
            counts[region_id] += n
        regions = sorted(Region.objects.all(), key=lambda r: swedish_key(r.name))
        for region in regions:
            region.measure_count = counts.get(region.pk, 0)
        return regions

    def get(self, request, *args, **kwargs):
        if wants(request, "json"):
            year = self.edition.year
            return JsonResponse(
                [
                    {
                        "slug": r.slug,
                        "name": r.name,
                        "official_name": r.official_name,
                        "code": r.code,
                        "report_year": year,
                        "measure_count": r.measure_count,
                    }
                    for r in self.regions()
                ],
                safe=False,
                json_dumps_params={"ensure_ascii": False},
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["regions"] = self.regions()
        return context


class RegionDetailView(EditionMixin, DetailView):
    model = Region
    template_name = "catalogue/region_detail.html"
    extra_context = {"nav": "regions"}
    context_object_name = "region"

    def projects(self, region):
        return self.edition.filter(Project.objects.filter(region=region)).prefetch_related(
            Prefetch("indicators", queryset=ProjectIndicator.objects.order_by("position"))
        )

    def answers(self, region) -> dict[int, AllocationAnswer]:
        return {
            a.question: a
            for a in self.edition.filter(AllocationAnswer.objects.filter(region=region))
        }

    def rows(self, region):
        report = self.edition.report
        return selectors.region_rows(
            snapshot_of(self.request), report.pk if report else None, region.pk
        )

    def get(self, request, *args, **kwargs):
        if wants(request, "json"):
            region = self.get_object()
            return JsonResponse(self.as_json(region), json_dumps_params={"ensure_ascii": False})
        return super().get(request, *args, **kwargs)

    def as_json(self, region) -> dict:
        answers = self.answers(region)
        return {
            "slug": region.slug,
            "name": region.name,
            "official_name": region.official_name,
            "code": region.code,
            "report_year": self.edition.year,
            "measure_count": len(self.rows(region)),
            "no_measures_chapters": sorted(
                self.edition.filter(
                    NoMeasures.objects.statements().filter(region=region)
                ).values_list("chapter__number", flat=True)
            ),
            "allocation": [
                {
                    "question": text,
                    "answer": answers[number].answer if number in answers else None,
                    "text": answers[number].text if number in answers else "",
                }
                for number, text in AllocationAnswer.QUESTIONS.items()
            ],
            "projects": [
                {
                    "nyps_id": p.nyps_id,
                    "title": p.title,
                    "status": p.status,
                    "start": p.start.isoformat() if p.start else None,
                    "end": p.end.isoformat() if p.end else None,
                    "owner": p.owner,
                    "partners": list(p.partners or []),
                    "granted_sek": p.granted_sek,
                    "paid_sek": p.paid_sek,
                    "indicators": [
                        {"name": i.name, "target": i.target, "outcome": i.outcome}
                        for i in p.indicators.all()
                    ],
                }
                for p in self.projects(region)
            ],
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        region = self.object
        snapshot = snapshot_of(self.request)
        chapters = list(Chapter.objects.exclude(number=Chapter.ALLOCATION))
        by_chapter = defaultdict(list)
        counts: dict[int, int] = defaultdict(int)
        url = reverse("catalogue:measure-detail", kwargs={"pk": 987654321})
        for row in self.rows(region):
            counts[row.chapter_id] += 1
            if counts[row.chapter_id] <= REGION_PAGE_MEASURES:
                by_chapter[row.chapter_id].append(
                    {"name": row.name, "url": url.replace("987654321", str(row.pk))}
                )
        no_measures = {
            n.chapter.number: n
            for n in self.edition.filter(
                NoMeasures.objects.filter(region=region).select_related("chapter")
            )
        }
        answers = self.answers(region)
        report = self.edition.report
        goal_counts = selectors.goal_counts(snapshot, report.pk if report else None)
        rus_goals = list(
            Goal.objects.filter(region=region, framework=Goal.Framework.RUS).order_by("title")
        )
        for goal in rus_goals:
            goal.measure_count = goal_counts.get(goal.pk, 0)
        context.update(
            measure_count=sum(counts.values()),
            chapters=[
                {
                    "chapter": chapter,
                    "measures": by_chapter.get(chapter.pk, []),
                    "count": counts.get(chapter.pk, 0),
                    "more": counts.get(chapter.pk, 0) > REGION_PAGE_MEASURES,
                    "no_measures": no_measures.get(chapter.number),
                }
                for chapter in chapters
            ],
            allocation=[
                {"number": n, "question": q, "answer": answers.get(n)}
                for n, q in AllocationAnswer.QUESTIONS.items()
            ],
            projects=list(self.projects(region)),
            rus_goals=[goal for goal in rus_goals if goal.measure_count],
        )
        return context


region_list = cached_page(RegionListView.as_view())
region_detail = cached_page(RegionDetailView.as_view())
