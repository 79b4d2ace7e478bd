"""Regions side by side (`/jamfor/?region=skane&region=vastra-gotaland`, 2–4 regions, one
edition): measures per chapter, framework and global goal as charts and tables, the measures in
columns per chapter, and for each measure the most similar measures of the other regions shown.
`?format=json` gives the counts. The counting is catalogue.crosswalk's over the snapshot's rows
that the measure list counts (catalogue.page_context.edition_facts): no query reads a measure.

Similar measures come from the search index, one question per measure (catalogue.search.similar
has no question for many measures at once), about 10–25 ms each before the index's own cache
holds them: a comparison of four large regions asked it over a hundred times (1–2 s). So only the
first SIMILAR_PER_COLUMN measures of each region in each chapter show theirs; the others link to
their own page, which lists similar measures in every other region.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cached_property

from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from . import crosswalk
from .caching import cached_page, snapshot_of
from .charts import bar_chart
from .crosswalk import THEMATIC_CHAPTERS
from .editions import ALL, YEAR_PARAMETER
from .filters import search_module
from .page_context import (
    RegionRef,
    chapter_labels,
    edition_context,
    edition_facts,
    edition_json,
    edition_of,
    framework_labels,
    list_url,
    regions_by_name,
    sdg_labels,
    wants,
)

MIN_REGIONS, MAX_REGIONS = 2, 4
SIMILAR_SHOWN = 2  # similar measures of the other regions shown under each measure
SIMILAR_ASKED = 40  # asked of the index (of every other region, before keeping the compared)
SIMILAR_PER_COLUMN = 2  # measures per region and chapter whose similar measures are looked up


def chosen_regions(
    slugs: Iterable[str], known: dict[str, RegionRef]
) -> tuple[list[RegionRef], list[str]]:
    """The regions the query names, in its order without repeats, and the unknown names."""
    regions, unknown, seen = [], [], set()
    for slug in slugs:
        slug = slug.strip()
        if not slug or slug in seen:
            continue
        seen.add(slug)
        if slug in known:
            regions.append(known[slug])
        else:
            unknown.append(slug[:40])
    return regions, unknown


def problem(regions: Sequence[RegionRef], unknown: Sequence[str]) -> str | None:
    """What is wrong with the choice, in a sentence for the page (None: nothing)."""
    if unknown:
        return _("Okänd region: %(names)s. Välj bland regionerna nedan.") % {
            "names": ", ".join(unknown)
        }
    if not regions:
        return _("Välj två till fyra regioner att jämföra.")
    if len(regions) < MIN_REGIONS:
        return _("Välj minst en region till: jämförelsen behöver två till fyra regioner.")
    if len(regions) > MAX_REGIONS:
        return _("Du valde %(n)s regioner. Välj högst fyra, så att kolumnerna går att läsa.") % {
            "n": len(regions)
        }
    return None


def similar_within(
    ids: Iterable[int], allowed: dict[int, str], own_region: str, *, limit: int
) -> list[int]:
    """The index's similar measures (best first) kept to the compared regions' measures of this
    edition, never the measure's own region."""
    kept = []
    for pk in ids:
        region = allowed.get(pk)
        if region is not None and region != own_region:
            kept.append(pk)
            if len(kept) == limit:
                break
    return kept


def similar_finder():
    """search.similar, or None while the search module or its index is missing."""
    try:
        search = search_module()
    except ImportError:
        return None
    if not search.index_exists():
        return None
    return search.similar


class CompareView(TemplateView):
    template_name = "catalogue/compare.html"
    extra_context = {"nav": "regions"}

    def get(self, request, *args, **kwargs):
        if request.GET.get(YEAR_PARAMETER) == ALL:
            # From the list over every edition ("Jämför markerade regioner"): a comparison is
            # about one edition, the latest unless another is chosen.
            query = request.GET.copy()
            del query[YEAR_PARAMETER]
            return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")
        self.scope = edition_of(request)
        self.snapshot = snapshot_of(request)
        self.all_regions = regions_by_name(self.snapshot)
        self.regions, unknown = chosen_regions(
            request.GET.getlist("region"), {r.slug: r for r in self.all_regions}
        )
        self.problem = problem(self.regions, unknown)
        # No region or one (a link from a region's page) asks for a choice; unknown or too
        # many regions are the request's error.
        wrong = bool(unknown) or len(self.regions) > MAX_REGIONS
        if wants(request, "json"):
            if self.problem:
                return JsonResponse({"error": self.problem}, status=400)
            return JsonResponse(self.as_json(), json_dumps_params={"ensure_ascii": False})
        if self.problem:
            context = self.get_context_data(**kwargs)
            return self.render_to_response(context, status=400 if wrong else 200)
        return super().get(request, *args, **kwargs)

    @cached_property
    def facts_by_region(self) -> dict[str, list[crosswalk.Fact]]:
        """The compared regions' measures in the edition, by region slug."""
        grouped: dict[str, list[crosswalk.Fact]] = {region.slug: [] for region in self.regions}
        for fact in edition_facts(self.snapshot, self.scope.report.pk):
            if fact.region in grouped:
                grouped[fact.region].append(fact)
        return grouped

    def region_facts(self, region: RegionRef) -> list[crosswalk.Fact]:
        return self.facts_by_region[region.slug]

    def as_json(self) -> dict:
        frameworks = list(framework_labels())
        return {
            "edition": edition_json(self.scope),
            "regions": [
                {
                    "slug": region.slug,
                    "name": region.name,
                    "measure_count": len(self.region_facts(region)),
                    **crosswalk.profile(self.region_facts(region), frameworks),
                }
                for region in self.regions
            ],
        }

    def dimension(self, name: str, labels: dict, *, drop_empty: bool = False) -> dict:
        """One dimension (chapter, framework, sdg) as a chart and a table of regions."""
        report = self.scope.report
        counts = {
            region.slug: crosswalk.count(self.region_facts(region), name, list(labels))
            for region in self.regions
        }
        keys = list(labels)
        if drop_empty:  # frameworks and global goals none of the regions names
            keys = [k for k in keys if any(counts[r.slug][k] for r in self.regions)]
        return {
            "chart": bar_chart(
                [(k, labels[k]) for k in keys],
                [(region.name, counts[region.slug]) for region in self.regions],
            ),
            "rows": [
                {
                    "label": labels[key],
                    "cells": [
                        {
                            "value": counts[region.slug][key],
                            "url": list_url(report, region=region.slug, **{name: key}),
                        }
                        for region in self.regions
                    ],
                }
                for key in keys
            ],
            "left_out": [labels[k] for k in labels if k not in keys],
        }

    def columns(self, chapters: dict[int, str]) -> list[dict]:
        """The measures in columns per chapter (the report's order), the first
        SIMILAR_PER_COLUMN of each with their most similar measures among the other compared
        regions."""
        snapshot, facts = self.snapshot, self.facts_by_region  # in the report's order
        region_of = {fact.pk: slug for slug, found in facts.items() for fact in found}
        region_names = {region.slug: region.name for region in self.regions}
        similar = similar_finder()
        self.similar_available = similar is not None
        url = reverse("catalogue:measure-detail", kwargs={"pk": 987654321})

        def link(pk: int) -> dict:
            return {"name": snapshot.rows[pk].name, "url": url.replace("987654321", str(pk))}

        blocks = []
        for number in THEMATIC_CHAPTERS:
            columns = []
            for region in self.regions:
                items = []
                for fact in facts[region.slug]:
                    if fact.chapter != number:
                        continue
                    item = link(fact.pk)
                    item["similar"], item["similar_elsewhere"] = [], False
                    if similar and len(items) >= SIMILAR_PER_COLUMN:
                        item["similar_elsewhere"] = True
                    elif similar:
                        found = similar_within(
                            similar(fact.pk, limit=SIMILAR_ASKED, other_regions=True),
                            region_of,
                            region.slug,
                            limit=SIMILAR_SHOWN,
                        )
                        item["similar"] = [
                            {**link(other), "region": region_names[region_of[other]]}
                            for other in found
                        ]
                    items.append(item)
                columns.append({"region": region, "measures": items})
            blocks.append({"number": number, "title": chapters[number], "columns": columns})
        return blocks

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(edition_context(self.scope))
        chosen = {region.slug for region in self.regions}
        context.update(
            problem=self.problem,
            all_regions=self.all_regions,
            chosen=chosen,
            regions=self.regions,
            year_value=self.scope.query_value,
            min_regions=MIN_REGIONS,
            max_regions=MAX_REGIONS,
        )
        if self.problem:
            return context
        chapters = chapter_labels(self.snapshot)
        context.update(
            totals=[len(self.region_facts(region)) for region in self.regions],
            by_chapter=self.dimension("chapter", chapters),
            by_framework=self.dimension("framework", framework_labels(), drop_empty=True),
            by_sdg=self.dimension("sdg", sdg_labels(), drop_empty=True),
            blocks=self.columns(chapters),
            similar_available=self.similar_available,
            similar_per_column=SIMILAR_PER_COLUMN,
            column_count=len(self.regions),
        )
        return context


compare = cached_page(CompareView.as_view())
