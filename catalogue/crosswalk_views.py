"""The goal cross-walk pages: a region's goals by framework, its chapters × frameworks and
chapters × global goals, and the gaps (`/regioner/<slug>/mal/`); nationally, global goals ×
regions (`/mal/agenda-2030/`). One edition each; the counting is catalogue.crosswalk's over the
snapshot's rows that the measure list counts (catalogue.page_context.edition_facts), and every
figure links to the measures it counts in the measure list."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.formats import localize
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import TemplateView

from . import crosswalk
from .caching import cached_page, snapshot_of
from .charts import bar_chart, heat_level
from .crosswalk import SDG_NUMBERS, THEMATIC_CHAPTERS, Matrix
from .models import NoMeasures, Region
from .page_context import (
    chapter_labels,
    edition_context,
    edition_facts,
    edition_json,
    edition_of,
    framework_columns,
    framework_labels,
    list_url,
    regions_by_name,
    sdg_columns,
    sdg_labels,
    wants,
    with_year,
)
from .selectors import swedish_key


@dataclass(frozen=True)
class GoalCount:
    """A goal the region's measures name, and how many of them name it."""

    pk: int
    title: str
    sdg: int | None
    measure_count: int

    def get_absolute_url(self) -> str:
        return reverse("catalogue:goal-detail", kwargs={"pk": self.pk})


@dataclass(frozen=True)
class Cell:
    value: int
    level: int
    url: str


@dataclass(frozen=True)
class HeatRow:
    key: object
    label: str
    cells: tuple[Cell, ...]
    total: int
    total_url: str
    label_url: str = ""


def heat_rows(
    matrix: Matrix,
    row_labels: dict,
    totals: dict,
    url: Callable[[object, object | None], str],
    label_urls: dict | None = None,
) -> list[HeatRow]:
    """A matrix as table rows with shaded, linked cells; `totals`: each row's own total (its
    measures, which a row of the matrix may count in several columns)."""
    highest = matrix.highest
    return [
        HeatRow(
            key=row,
            label=row_labels[row],
            cells=tuple(
                Cell(
                    matrix.cell(row, column),
                    heat_level(matrix.cell(row, column), highest),
                    url(row, column),
                )
                for column in matrix.columns
            ),
            total=totals.get(row, 0),
            total_url=url(row, None),
            label_url=(label_urls or {}).get(row, ""),
        )
        for row in matrix.rows
    ]


def number_list(numbers: Sequence[int]) -> str:
    """1, 2 och 14 (the page's language's "and")."""
    return str(get_text_list([localize(n) for n in numbers], _("och")))


def gap_sentences(gaps: crosswalk.Gaps, measure_count: int) -> list[str]:
    """The gaps stated plainly, in whole sentences."""
    if not measure_count:
        return [_("Regionen redovisade inga insatser i den här utgåvan.")]
    sentences = []
    if gaps.chapters:
        sentences.append(
            ngettext(
                "Inga insatser i kapitel %(chapters)s.",
                "Inga insatser i kapitlen %(chapters)s.",
                len(gaps.chapters),
            )
            % {"chapters": number_list(gaps.chapters)}
        )
    else:
        sentences.append(_("Regionen har insatser i alla sju kapitlen."))
    if len(gaps.sdgs) == len(SDG_NUMBERS):
        sentences.append(_("Ingen av insatserna anger något globalt mål (Agenda 2030)."))
    elif gaps.sdgs:
        sentences.append(
            ngettext(
                "Inga insatser anger globalt mål %(sdgs)s.",
                "Inga insatser anger de globala målen %(sdgs)s.",
                len(gaps.sdgs),
            )
            % {"sdgs": number_list(gaps.sdgs)}
        )
    else:
        sentences.append(_("Alla 17 globala mål anges av minst en insats."))
    if gaps.without_sdg and len(gaps.sdgs) < len(SDG_NUMBERS):
        sentences.append(
            ngettext(
                "%(n)s av %(total)s insatser anger inget globalt mål.",
                "%(n)s av %(total)s insatser anger inget globalt mål.",
                gaps.without_sdg,
            )
            % {"n": gaps.without_sdg, "total": measure_count}
        )
    if gaps.without_goals:
        sentences.append(
            ngettext(
                "%(n)s insats anger inget mål alls.",
                "%(n)s insatser anger inga mål alls.",
                gaps.without_goals,
            )
            % {"n": gaps.without_goals}
        )
    return sentences


class RegionGoalsView(TemplateView):
    """One region's cross-walk in one edition."""

    template_name = "catalogue/crosswalk_region.html"
    extra_context = {"nav": "regions"}

    def get(self, request, *args, **kwargs):
        self.region = get_object_or_404(Region, slug=kwargs["slug"])
        self.scope = edition_of(request)
        self.snapshot = snapshot_of(request)
        self.facts = [
            fact
            for fact in edition_facts(self.snapshot, self.scope.report.pk)
            if fact.region == self.region.slug
        ]
        if wants(request, "json"):
            frameworks = list(framework_labels())
            gaps = crosswalk.gaps(self.facts)
            return JsonResponse(
                {
                    "edition": edition_json(self.scope),
                    "region": self.region.slug,
                    "measure_count": len(self.facts),
                    **crosswalk.profile(self.facts, frameworks),
                    "gaps": {"chapters": list(gaps.chapters), "sdgs": list(gaps.sdgs)},
                },
                json_dumps_params={"ensure_ascii": False},
            )
        return super().get(request, *args, **kwargs)

    def goals_by_framework(self, frameworks: dict[str, str]) -> list[dict]:
        """The goals the region's measures name, by framework, most used first."""
        per_goal = crosswalk.count(self.facts, "goal")
        per_framework = crosswalk.count(self.facts, "framework")
        known, titles = self.snapshot.goals, self.snapshot.goal_titles
        grouped: dict[str, list[GoalCount]] = {}
        for pk, n in per_goal.items():
            if pk in known:
                framework, sdg = known[pk]
                grouped.setdefault(framework, []).append(GoalCount(pk, titles[pk], sdg, n))
        return [
            {
                "code": code,
                "label": label,
                "measures": per_framework.get(code, 0),
                "goals": sorted(
                    grouped[code],
                    key=lambda g: (g.sdg or 0, -g.measure_count, swedish_key(g.title), g.pk),
                ),
            }
            for code, label in frameworks.items()
            if grouped.get(code)
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report, region, facts = self.scope.report, self.region, self.facts
        chapters, frameworks = chapter_labels(self.snapshot), framework_labels()
        by_chapter = crosswalk.count(facts, "chapter", THEMATIC_CHAPTERS)
        by_framework = crosswalk.count(facts, "framework", list(frameworks))

        def url_for(dimension: str):
            def url(chapter, column):
                filters = {"region": region.slug, "chapter": chapter}
                if column is not None:
                    filters[dimension] = column
                return list_url(report, **filters)

            return url

        chapter_frameworks = crosswalk.cross(
            facts, "chapter", "framework", row_keys=THEMATIC_CHAPTERS, column_keys=list(frameworks)
        )
        chapter_sdgs = crosswalk.cross(
            facts, "chapter", "sdg", row_keys=THEMATIC_CHAPTERS, column_keys=SDG_NUMBERS
        )
        no_measures = {
            n.chapter.number: n.text
            for n in NoMeasures.objects.filter(report=report, region=region).select_related(
                "chapter"
            )
        }
        context.update(edition_context(self.scope))
        context.update(
            region=region,
            measure_count=len(facts),
            framework_chart=bar_chart(
                [(code, label) for code, label in frameworks.items()], [("", by_framework)]
            ),
            framework_rows=[
                {
                    "code": code,
                    "label": label,
                    "count": by_framework[code],
                    "url": list_url(report, region=region.slug, framework=code),
                }
                for code, label in frameworks.items()
            ],
            goals_by_framework=self.goals_by_framework(frameworks),
            framework_columns=framework_columns(),
            sdg_columns=sdg_columns(),
            chapter_framework_rows=heat_rows(
                chapter_frameworks, chapters, by_chapter, url_for("framework")
            ),
            chapter_sdg_rows=heat_rows(chapter_sdgs, chapters, by_chapter, url_for("sdg")),
            sdg_totals=[chapter_sdgs.column_totals[n] for n in SDG_NUMBERS],
            framework_totals=[by_framework[code] for code in frameworks],
            gaps=gap_sentences(crosswalk.gaps(facts), len(facts)),
            no_measures=sorted(no_measures.items()),
            chapter_labels=chapters,
        )
        return context


class SdgRegionsView(TemplateView):
    """Nationally: which regions' measures name which global goals, in one edition."""

    template_name = "catalogue/crosswalk_sdg.html"
    extra_context = {"nav": "goals"}

    def get(self, request, *args, **kwargs):
        self.scope = edition_of(request)
        snapshot = snapshot_of(request)
        self.facts = edition_facts(snapshot, self.scope.report.pk)
        self.regions = regions_by_name(snapshot)
        self.matrix = crosswalk.cross(
            self.facts,
            "region",
            "sdg",
            row_keys=[r.slug for r in self.regions],
            column_keys=SDG_NUMBERS,
        )
        if wants(request, "json"):
            return JsonResponse(
                {
                    "edition": edition_json(self.scope),
                    "regions": [
                        {
                            "slug": region.slug,
                            "name": region.name,
                            "by_sdg": {
                                str(n): self.matrix.cell(region.slug, n) for n in SDG_NUMBERS
                            },
                        }
                        for region in self.regions
                    ],
                },
                json_dumps_params={"ensure_ascii": False},
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report, matrix = self.scope.report, self.matrix
        sdgs = sdg_labels()
        by_sdg = crosswalk.count(self.facts, "sdg", SDG_NUMBERS)
        by_region = crosswalk.count(self.facts, "region", [r.slug for r in self.regions])
        regions_naming = {
            n: sum(1 for r in self.regions if matrix.cell(r.slug, n)) for n in SDG_NUMBERS
        }
        unnamed = [n for n in SDG_NUMBERS if not by_sdg[n]]

        def url(slug, sdg):
            return list_url(report, region=slug, **({"sdg": sdg} if sdg else {}))

        context.update(edition_context(self.scope))
        context.update(
            sdg_columns=sdg_columns(),
            sdg_chart=bar_chart(list(sdgs.items()), [("", by_sdg)]),
            sdg_rows=[
                {
                    "number": n,
                    "label": sdgs[n],
                    "count": by_sdg[n],
                    "regions": regions_naming[n],
                    "url": list_url(report, sdg=n),
                }
                for n in SDG_NUMBERS
            ],
            region_rows=heat_rows(
                matrix,
                {r.slug: r.name for r in self.regions},
                by_region,
                url,
                label_urls={
                    r.slug: with_year(
                        reverse("catalogue:region-goals", kwargs={"slug": r.slug}), self.scope
                    )
                    for r in self.regions
                },
            ),
            sdg_totals=[by_sdg[n] for n in SDG_NUMBERS],
            measure_count=len(self.facts),
            without_sdg=sum(1 for fact in self.facts if not fact.sdgs),
            unnamed=number_list(unnamed) if unnamed else "",
            unnamed_count=len(unnamed),
        )
        return context


region_goals = cached_page(RegionGoalsView.as_view())
sdg_regions = cached_page(SdgRegionsView.as_view())
