"""The goals: every goal by framework (also as JSON), and a goal's page (the measure list within
one goal)."""

from __future__ import annotations

from collections import defaultdict

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from . import selectors
from .caching import cached_page, snapshot_of
from .list_views import MeasureListView
from .models import Goal
from .page_context import EditionMixin, wants
from .reference import SDGS
from .selectors import Scope


class GoalDetailView(MeasureListView):
    template_name = "catalogue/goal_detail.html"
    extra_context = {"nav": "goals"}

    def dispatch(self, request, *args, **kwargs):
        self.goal = get_object_or_404(Goal.objects.select_related("region"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def scope(self) -> Scope:
        return Scope(goal_id=self.goal.pk)

    def scope_selection(self):
        return [(_("Mål"), str(self.goal))], [f"{_('mal')}-{slugify(self.goal.title)[:40]}"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["goal"] = self.goal
        return context


class GoalListView(EditionMixin, TemplateView):
    template_name = "catalogue/goal_list.html"
    extra_context = {"nav": "goals"}

    def get(self, request, *args, **kwargs):
        if wants(request, "json"):
            return JsonResponse(
                self.as_json(), safe=False, json_dumps_params={"ensure_ascii": False}
            )
        return super().get(request, *args, **kwargs)

    def measure_counts(self) -> dict[int, int]:
        """Measures per goal in the page's edition."""
        report = self.edition.report
        return selectors.goal_counts(snapshot_of(self.request), report.pk if report else None)

    def as_json(self) -> list[dict]:
        counts = self.measure_counts()
        return [
            {
                "id": goal.pk,
                "framework": goal.framework,
                "sdg": goal.sdg,
                "title": goal.title,
                "region": goal.region.slug if goal.region else None,
                "programme": goal.programme,
                "objective": goal.objective,
                "measure_count": counts.get(goal.pk, 0),
            }
            for goal in Goal.objects.select_related("region").order_by(
                "framework", "sdg", "region__name", "title", "pk"
            )
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        goals = list(
            Goal.objects.select_related("region").order_by(
                "framework", "sdg", "region__name", "title"
            )
        )
        counts = self.measure_counts()
        for goal in goals:
            goal.measure_count = counts.get(goal.pk, 0)
        by_framework = defaultdict(list)
        for goal in goals:
            by_framework[goal.framework].append(goal)
        rus_by_region = defaultdict(list)
        for goal in by_framework.pop(Goal.Framework.RUS, []):
            rus_by_region[goal.region].append(goal)
        sdgs = sorted(
            (g for g in by_framework.pop(Goal.Framework.AGENDA2030, []) if g.sdg),
            key=lambda g: g.sdg,
        )
        frameworks = [
            {"code": code, "label": label, "goals": by_framework[code]}
            for code, label in Goal.Framework.choices
            if by_framework.get(code)
        ]
        context.update(
            sdgs=sdgs,
            sdg_names=SDGS,
            rus_regions=sorted(
                rus_by_region.items(), key=lambda item: item[0].name if item[0] else ""
            ),
            frameworks=frameworks,
        )
        return context


goal_list = cached_page(GoalListView.as_view())
goal_detail = cached_page(GoalDetailView.as_view())
