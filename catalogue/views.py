"""The public pages: home, the faceted measures list (also per chapter and goal), records, regions
and goals; the list and the region pages also answer as JSON (and the list as CSV and Excel)."""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView, TemplateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from . import exports, links
from .editions import scope_from
from .filters import MeasureFilter, MeasureGoal, chapter_name, search_module, swedish_key
from .models import (
    AllocationAnswer,
    Chapter,
    Goal,
    Measure,
    NoMeasures,
    Project,
    ProjectIndicator,
    Region,
)
from .reference import SDGS
from .snapshot import data_version
from .tables import DEFAULT_PAGE_SIZE, PAGE_SIZES, MeasureTable, RankedIds

logger = logging.getLogger(__name__)

EXPORT_FORMATS = ("json", "csv", "xlsx")

# The list's default order: chapter, then region in county-code order (the order official
# statistics use), then the report's own order. By the foreign keys, which the (chapter, region)
# index serves: the ids follow the chapter numbers and county codes as the data migration seeds
# them, and ordering through the joined names sorted every row (0.2 s at 52,000 measures).
LIST_ORDER = ("chapter_id", "region_id", "source_line")

# The region page lists at most this many measures per chapter and links to the rest.
REGION_PAGE_MEASURES = 50

# Tile labels with soft hyphens where long names may break (screen readers ignore them).
TILE_LABELS = {
    "norrbotten": "Norr\u00adbotten",
    "vasterbotten": "Väster\u00adbotten",
    "vasternorrland": "Väster\u00adnorrland",
    "jamtland-harjedalen": "Jämt\u00adland Härje\u00addalen",
    "vastmanland": "Väst\u00adman\u00adland",
    "varmland": "Värm\u00adland",
    "sormland": "Sörm\u00adland",
    "jonkoping": "Jön\u00adköping",
    "blekinge": "Ble\u00adkinge",
    "ostergotland": "Öster\u00adgötland",
    "vastra-gotaland": "Västra Göta\u00adland",
    "stockholm": "Stock\u00adholm",
    "kronoberg": "Krono\u00adberg",
    "gavleborg": "Gävle\u00adborg",
}

# The tile map: (row, column) of each region on a 4-column grid, north to south.
TILE_POSITIONS = {
    "norrbotten": (1, 3),
    "vasterbotten": (2, 3),
    "jamtland-harjedalen": (3, 2),
    "vasternorrland": (3, 3),
    "dalarna": (4, 2),
    "gavleborg": (4, 3),
    "varmland": (5, 1),
    "orebro": (5, 2),
    "vastmanland": (5, 3),
    "uppsala": (5, 4),
    "vastra-gotaland": (6, 1),
    "ostergotland": (6, 2),
    "sormland": (6, 3),
    "stockholm": (6, 4),
    "halland": (7, 1),
    "jonkoping": (7, 2),
    "kalmar": (7, 3),
    "gotland": (7, 4),
    "skane": (8, 1),
    "kronoberg": (8, 2),
    "blekinge": (8, 3),
}


def shade_bins(counts: list[int]) -> list[tuple[int, int, int]]:
    """Four equal steps between the lowest and the highest non-zero count, as (shade, from, to);
    the map's legend. Regions without measures get shade 0."""
    present = [c for c in counts if c > 0]
    if not present:
        return []
    low, high = min(present), max(present)
    width = max(1, -(-(high - low + 1) // 4))
    ranges = []
    for step in range(4):
        start = low + step * width
        if start > high:
            break
        ranges.append((start, min(high, start + width - 1)))
    # Fewer than four steps (few distinct counts): the highest is still the darkest.
    first = 4 - len(ranges) + 1
    return [(first + i, start, end) for i, (start, end) in enumerate(ranges)]


def shade(count: int, bins: list[tuple[int, int, int]]) -> int:
    """The tile's shade 0–4 for its count."""
    for number, start, end in bins:
        if start <= count <= end:
            return number
    return 0


def _code_version() -> str:
    """Changes when a deploy changes the templates, the code or the translations: part of every
    ETag, so that a browser does not keep a page that the new code renders differently."""
    digest = hashlib.sha256()
    base = settings.BASE_DIR
    for pattern in ("templates/**/*.html", "catalogue/**/*.py", "locale/**/*.mo"):
        for path in sorted(base.glob(pattern)):
            stat = path.stat()
            digest.update(f"{path.relative_to(base)}:{stat.st_mtime_ns}:{stat.st_size}\n".encode())
    return digest.hexdigest()[:16]


CODE_VERSION = _code_version()


def cached_page(view):
    """Answer public pages and exports from what is known before any rendering: the data's
    version (catalogue.snapshot.data_version(), one query).

    - ETag: a hash of the active language (LocaleMiddleware chose it from the cookie or
      Accept-Language), the absolute URL (the measure page's citation names the host it was
      asked for), the data's version and the code's. A browser that sends it back in
      If-None-Match gets a 304 without the page or export being made again.
    - With settings.PAGE_CACHE_SECONDS > 0, whole 200 responses (not streamed exports) are kept
      under the same key. An import or any admin save changes the version, so both show at once.
    The pages carry nothing per visitor: the language switch needs no CSRF token.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        redirect = links.clean_redirect(request)  # ?framework=&sdg= → the same page without
        if redirect is not None:
            return redirect
        request.data_version = data_version()  # the list pages' snapshot uses it too
        raw = "\n".join(
            (
                get_language() or "",
                request.build_absolute_uri(),
                request.data_version,
                CODE_VERSION,
                timezone.localdate().isoformat(),  # printed pages carry the date
            )
        )
        digest = hashlib.sha256(raw.encode()).hexdigest()
        etag = f'"{digest[:32]}"'
        not_modified = get_conditional_response(request, etag=etag)
        if not_modified is not None:
            return not_modified
        seconds = getattr(settings, "PAGE_CACHE_SECONDS", 0)
        key = f"page:{digest}"
        if seconds > 0:
            response = cache.get(key)
            if response is not None:
                return response
        response = view(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        response["ETag"] = etag
        if seconds > 0 and not response.streaming:
            if hasattr(response, "render") and callable(response.render):
                response.add_post_render_callback(lambda r: cache.set(key, r, seconds))
            else:
                cache.set(key, response, seconds)
        return response

    return wrapper


def wants(request, fmt: str) -> bool:
    return request.GET.get("format") == fmt


class HomeView(TemplateView):
    template_name = "catalogue/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        regions = sorted(Region.objects.all(), key=lambda r: swedish_key(r.name))
        chapters = list(Chapter.objects.exclude(number=Chapter.ALLOCATION))
        matrix: dict[tuple[int, int], int] = {
            (row["region_id"], row["chapter_id"]): row["n"]
            for row in Measure.objects.order_by()
            .values("region_id", "chapter_id")
            .annotate(n=Count("pk"))
        }
        for region in regions:
            region.count = sum(matrix.get((region.pk, c.pk), 0) for c in chapters)
            region.cells = [(c, matrix.get((region.pk, c.pk), 0)) for c in chapters]
        for chapter in chapters:
            chapter.count = sum(matrix.get((r.pk, chapter.pk), 0) for r in regions)
        bins = shade_bins([r.count for r in regions])
        tiles = []
        for region in regions:
            row, column = TILE_POSITIONS.get(region.slug, (9, 1))
            tiles.append(
                {
                    "region": region,
                    "label": TILE_LABELS.get(region.slug, region.name),
                    "row": row,
                    "column": column,
                    "shade": shade(region.count, bins),
                }
            )
        tiles.sort(key=lambda tile: (tile["row"], tile["column"]))
        context.update(
            regions=regions,
            chapters=chapters,
            tiles=tiles,
            total=sum(r.count for r in regions),
            shade_bins=bins,
        )
        return context


class MeasureListView(SingleTableMixin, FilterView):
    """The faceted, searchable list of measures; the chapter and goal pages narrow its scope."""

    model = Measure
    filterset_class = MeasureFilter
    table_class = MeasureTable
    template_name = "catalogue/measure_list.html"
    extra_context = {"nav": "measures"}
    strict = False  # invalid fields are reported and ignored, the valid ones still apply
    hidden_facets: frozenset[str] = frozenset()

    def scope(self, queryset):
        """Narrow the measures this page lists (the whole catalogue here)."""
        return queryset

    def get_queryset(self):
        return self.scope(Measure.objects.all())

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["data"] = self.request.GET  # always bound: an empty query string is valid
        return kwargs

    def get_filterset(self, filterset_class):
        filterset = super().get_filterset(filterset_class)
        filterset.scope_facets = set(self.hidden_facets)
        filterset.scope = self.snapshot_scope()
        return filterset

    def snapshot_scope(self) -> tuple:
        """scope() for the in-memory facet counts (see filters._scope_test)."""
        return ()

    @property
    def relevance_order(self) -> bool:
        search = self.filterset.search
        return bool(search and search.query and search.available and "sort" not in self.request.GET)

    def ordered_ranked_ids(self) -> list[int]:
        """The search's ranked ids that pass the other filters (and the scope), best first."""
        kept, ids = self.filterset.matching_ids(), self.filterset.search.ids
        if len(kept) == len(ids):  # no filter left any hit out (kept is a subset of the hits)
            return ids
        return [pk for pk in ids if pk in kept]

    def get_table_data(self):
        """Ids only: the rows are drawn from the snapshot (see MeasureTable.page_rows)."""
        if self.relevance_order:
            return RankedIds(self.ordered_ranked_ids())
        return self.object_list.order_by(*LIST_ORDER).values_list("pk", flat=True)

    def get_table_kwargs(self):
        search = self.filterset.search
        return {
            "highlights": search.highlights if search else {},
            "snapshot": self.filterset.snapshot(),
            "dimensions": self.filterset.dimensions(),
        }

    def page_size(self) -> int:
        try:
            size = int(self.request.GET.get("per_page", DEFAULT_PAGE_SIZE))
        except ValueError:
            return DEFAULT_PAGE_SIZE
        return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE

    def get_table(self, **kwargs):
        """Sort and paginate like django-tables2's RequestConfig, but with the page size bounded."""
        table = self.get_table_class()(data=self.get_table_data(), **self.get_table_kwargs())
        table.request = self.request
        order_by = self.request.GET.getlist("sort")
        if order_by:
            table.order_by = order_by
        try:
            table.paginate(page=self.request.GET.get("page", 1), per_page=self.page_size())
        except PageNotAnInteger:
            table.page = table.paginator.page(1)
        except EmptyPage:  # before the first page, or after the last
            asked = self.request.GET.get("page", "1").strip()
            last = table.paginator.num_pages
            table.page = table.paginator.page(1 if asked.startswith("-") or asked == "0" else last)
        return table

    def get(self, request, *args, **kwargs):
        self.filterset = self.get_filterset(self.get_filterset_class())
        self.object_list = self.filterset.qs
        fmt = request.GET.get("format")
        if fmt:
            if fmt not in EXPORT_FORMATS:
                return JsonResponse(
                    {"error": _("Okänt format. Välj json, csv eller xlsx.")}, status=400
                )
            if self.filterset.errors:
                return JsonResponse({"errors": self.filterset.errors.get_json_data()}, status=400)
            return self.export(fmt)
        context = self.get_context_data(filter=self.filterset, object_list=self.object_list)
        shown = context["table"].page.number
        if not self.filterset.errors and request.GET.get("page", str(shown)) != str(shown):
            # Page 99 of 21 (or "abc"): the page that exists, under its own address.
            return redirect(request.path + links.with_page(request.GET, shown))
        return self.render_to_response(context, status=400 if self.filterset.errors else 200)

    def export_ids(self) -> list[int]:
        """Exactly the filtered measures' ids, in the page's order (relevance first with a
        query, else the list's order or the chosen sort)."""
        if self.relevance_order:
            return self.ordered_ranked_ids()
        table = self.get_table_class()(data=self.object_list.order_by(*LIST_ORDER))
        order_by = self.request.GET.getlist("sort")
        if order_by:
            table.order_by = order_by
        return list(table.data.data.values_list("pk", flat=True))

    def export(self, fmt: str):
        ids = self.export_ids()
        records = exports.measure_records(
            ids, self.request.build_absolute_uri, self.filterset.dimensions()
        )
        selection = self.selection(len(ids))
        if fmt == "json":
            return exports.json_response(records, selection)
        if fmt == "csv":
            separator = self.request.GET.get("sep", "comma")
            if separator not in exports.SEPARATORS:
                separator = "comma"
            return exports.csv_response(records, selection, separator=separator)
        return exports.xlsx_response(records, selection)

    def scope_selection(self) -> tuple[list[tuple[str, str]], list[str]]:
        """The page's own scope for an export's description: (label, value) lines and file-name
        parts (the chapter and goal pages say which chapter or goal)."""
        return [], []

    def selection(self, count: int) -> exports.Selection:
        """What an export holds, as this page shows it: search, filters, order and edition."""
        lines, parts = self.scope_selection()
        report = scope_from(self.request, allow_all=True).report
        for facet in self.filterset.facets():
            chosen = [option for option in facet.options if option.selected]
            if not chosen:
                continue
            lines.append((facet.label, "; ".join(option.label for option in chosen)))
            if facet.name == "region":
                values = [o.value for o in chosen]
                parts += values if len(values) <= 3 else [f"{len(values)}-{_('regioner')}"]
            elif facet.name == "chapter":
                parts.append(_("kapitel") + "-" + "-".join(o.value for o in chosen))
            elif facet.name == "sdg":
                parts.append(_("mal") + "-" + chosen[0].value)
            elif facet.name != "year":  # the edition's year leads the name anyway
                parts.append(slugify(chosen[0].value))
        if self.filterset.cleaned_data.get("curated"):
            lines.append((_("Kurering"), _("Bara kurerade")))
            parts.append(_("kurerade"))
        query = self.filterset.query
        if query:
            parts.append(f"{_('sok')}-{slugify(query)[:40]}".rstrip("-"))
        params = self.request.GET.copy()
        for name in ("format", "sep", "page"):
            params.pop(name, None)
        path = self.request.path + (f"?{params.urlencode()}" if params else "")
        return exports.Selection(
            count=count,
            page_url=self.request.build_absolute_uri(path),
            query=query,
            filters=tuple(lines),
            sort=self.sort_description(),
            report=report,
            name_parts=(str(report.year) if report else _("alla"), *parts),
        )

    def sort_description(self) -> str:
        """The page's order in words (for an export's description)."""
        if self.relevance_order:
            return _("Relevans")
        sort = self.request.GET.get("sort", "")
        columns = {
            name: str(column.verbose_name) for name, column in MeasureTable.base_columns.items()
        }
        if sort.lstrip("-") in columns:
            direction = _("fallande") if sort.startswith("-") else _("stigande")
            return f"{columns[sort.lstrip('-')]} ({direction})"
        return _("Kapitel, region och rapportens ordning")

    @staticmethod
    def page_range(page) -> list[int | None]:
        """Page numbers around the current one; None marks an elided stretch."""
        numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        return [n if isinstance(n, int) else None for n in numbers]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        table = context["table"]
        chips = self.chips()
        context.update(
            facets=self.filterset.facets(),
            curated_count=self.filterset.curated_count(),
            search=self.filterset.search,
            query=self.filterset.query,
            hit_count=table.paginator.count,
            page_sizes=PAGE_SIZES,
            page_size=self.page_size(),
            relevance_order=self.relevance_order,
            form_action=self.request.path,
            export_formats=EXPORT_FORMATS,
            page_range=self.page_range(table.page),
            chips=chips,
            # The phone's filter button counts the filters, not the search.
            filter_count=sum(1 for chip in chips if chip["name"] != "q"),
            sort_choices=self.sort_choices(),
            sort=self.request.GET.get("sort", ""),
        )
        return context

    def chips(self) -> list[dict]:
        """The active search and filters, each with a link to the selection without it."""
        params = self.request.GET
        chips = []
        if self.filterset.query:
            chips.append(
                {
                    "name": "q",
                    "label": _("Sökning"),
                    "value": self.filterset.query,
                    "url": links.without(params, "q"),
                }
            )
        for facet in self.filterset.facets():
            for option in facet.options:
                if option.selected:
                    chips.append(
                        {
                            "name": facet.name,
                            "label": facet.label,
                            "value": option.label,
                            "url": links.without(params, facet.name, option.value),
                        }
                    )
        if self.filterset.cleaned_data.get("curated"):
            chips.append(
                {
                    "name": "curated",
                    "label": _("Kurering"),
                    "value": _("Bara kurerade"),
                    "url": links.without(params, "curated"),
                }
            )
        for chip in chips:
            chip["url"] = self.request.path + chip["url"]
        return chips

    def sort_choices(self) -> list[tuple[str, str]]:
        """The sort select (phones have no sortable column headers): relevance with a query,
        the list's own order without one, then each column both ways."""
        first = _("Relevans") if self.filterset.query else _("Kapitel och region (standard)")
        return [
            ("", first),
            ("name", _("Namn, A–Ö")),
            ("-name", _("Namn, Ö–A")),
            ("region", _("Region, A–Ö")),
            ("-region", _("Region, Ö–A")),
            ("chapter", _("Kapitel, stigande")),
            ("-chapter", _("Kapitel, fallande")),
        ]


class ChapterDetailView(MeasureListView):
    template_name = "catalogue/chapter_detail.html"
    hidden_facets = frozenset({"chapter"})

    def dispatch(self, request, *args, **kwargs):
        self.chapter = get_object_or_404(Chapter, number=kwargs["number"])
        return super().dispatch(request, *args, **kwargs)

    def scope(self, queryset):
        return queryset.filter(chapter=self.chapter)

    def snapshot_scope(self) -> tuple:
        return ("chapter", self.chapter.pk)

    def scope_selection(self):
        title = chapter_name(self.chapter.number, self.chapter.title)
        return [(_("Kapitel"), f"{self.chapter.number} {title}")], [
            f"{_('kapitel')}-{self.chapter.number}"
        ]

    def get(self, request, *args, **kwargs):
        if not self.chapter.is_thematic:
            return AllocationChapterView.as_view()(request, chapter=self.chapter)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["chapter"] = self.chapter
        context["no_measures"] = (
            NoMeasures.objects.filter(chapter=self.chapter)
            .select_related("region")
            .order_by("region__name")
        )
        return context


class AllocationChapterView(TemplateView):
    """Chapter 8: the regions' answers on appropriation 1:1, side by side."""

    template_name = "catalogue/allocation_chapter.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        answers = defaultdict(dict)
        for answer in AllocationAnswer.objects.all():
            answers[answer.region_id][answer.question] = answer
        regions = sorted(
            Region.objects.annotate(projects_count=Count("projects")),
            key=lambda r: swedish_key(r.name),
        )
        for region in regions:
            region.answers = [answers[region.pk].get(n) for n in AllocationAnswer.QUESTIONS]
        context.update(
            chapter=self.kwargs["chapter"],
            questions=AllocationAnswer.QUESTIONS,
            regions=regions,
        )
        return context


class GoalDetailView(MeasureListView):
    template_name = "catalogue/goal_detail.html"
    extra_context = {"nav": "goals"}

    def dispatch(self, request, *args, **kwargs):
        self.goal = get_object_or_404(Goal.objects.select_related("region"), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def scope(self, queryset):
        return queryset.filter(
            Exists(MeasureGoal.objects.filter(measure=OuterRef("pk"), goal=self.goal))
        )

    def snapshot_scope(self) -> tuple:
        return ("goal", self.goal.pk)

    def scope_selection(self):
        return [(_("Mål"), str(self.goal))], [f"{_('mal')}-{slugify(self.goal.title)[:40]}"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["goal"] = self.goal
        return context


class GoalListView(TemplateView):
    template_name = "catalogue/goal_list.html"
    extra_context = {"nav": "goals"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        goals = list(
            Goal.objects.select_related("region").order_by(
                "framework", "sdg", "region__name", "title"
            )
        )
        # Counted on the link table alone (its goal index): joining the goals in took 0.6 s at
        # 130,000 links.
        counts = dict(
            MeasureGoal.objects.order_by()
            .values("goal_id")
            .annotate(n=Count("pk"))
            .values_list("goal_id", "n")
        )
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


class MeasureDetailView(DetailView):
    template_name = "catalogue/measure_detail.html"
    context_object_name = "measure"

    def get_queryset(self):
        return Measure.objects.select_related("region", "chapter", "report").prefetch_related(
            Prefetch("goals", queryset=Goal.objects.select_related("region"))
        )

    def similar_measures(self, measure, *, limit: int = 5) -> list[Measure]:
        """Similar measures in other regions, by the search index's similarity."""
        try:
            search = search_module()
        except ImportError:
            return []
        if not search.index_exists():
            return []
        ids = search.similar(measure.pk, limit=limit, other_regions=True)
        found = (
            Measure.objects.filter(pk__in=ids)
            .exclude(region_id=measure.region_id)
            .select_related("region", "chapter")
            .in_bulk()
        )
        return [found[pk] for pk in ids if pk in found][:limit]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        measure = self.object
        try:
            report_error_url = reverse("catalogue:report-error", kwargs={"pk": measure.pk})
        except NoReverseMatch:
            report_error_url = None
        context.update(
            goals=sorted(measure.goals.all(), key=lambda g: (g.framework, g.sdg or 0, g.title)),
            similar=self.similar_measures(measure),
            report_error_url=report_error_url,
            absolute_url=self.request.build_absolute_uri(measure.get_absolute_url()),
        )
        return context


class RegionListView(ListView):
    template_name = "catalogue/region_list.html"
    extra_context = {"nav": "regions"}
    context_object_name = "regions"

    def get_queryset(self):
        return sorted(
            Region.objects.annotate(measure_count=Count("measure")),
            key=lambda r: swedish_key(r.name),
        )

    def get(self, request, *args, **kwargs):
        if wants(request, "json"):
            return JsonResponse(
                [
                    {
                        "slug": r.slug,
                        "name": r.name,
                        "official_name": r.official_name,
                        "code": r.code,
                    }
                    for r in sorted(Region.objects.all(), key=lambda r: swedish_key(r.name))
                ],
                safe=False,
                json_dumps_params={"ensure_ascii": False},
            )
        return super().get(request, *args, **kwargs)


class RegionDetailView(DetailView):
    model = Region
    template_name = "catalogue/region_detail.html"
    extra_context = {"nav": "regions"}
    context_object_name = "region"

    def projects(self, region):
        return Project.objects.filter(region=region).prefetch_related(
            Prefetch("indicators", queryset=ProjectIndicator.objects.order_by("position"))
        )

    def get(self, request, *args, **kwargs):
        if wants(request, "json"):
            region = self.get_object()
            return JsonResponse(self.as_json(region), json_dumps_params={"ensure_ascii": False})
        return super().get(request, *args, **kwargs)

    def as_json(self, region) -> dict:
        answers = {a.question: a for a in AllocationAnswer.objects.filter(region=region)}
        return {
            "slug": region.slug,
            "name": region.name,
            "official_name": region.official_name,
            "code": region.code,
            "measure_count": Measure.objects.filter(region=region).count(),
            "no_measures_chapters": sorted(
                NoMeasures.objects.filter(region=region).values_list("chapter__number", flat=True)
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
        chapters = list(Chapter.objects.exclude(number=Chapter.ALLOCATION))
        by_chapter = defaultdict(list)
        counts: dict[int, int] = defaultdict(int)
        url = reverse("catalogue:measure-detail", kwargs={"pk": 987654321})
        for pk, name, chapter_id in (
            Measure.objects.filter(region=region)
            .order_by("chapter_id", "source_line")
            .values_list("pk", "name", "chapter_id")
        ):
            counts[chapter_id] += 1
            if counts[chapter_id] <= REGION_PAGE_MEASURES:
                by_chapter[chapter_id].append(
                    {"name": name, "url": url.replace("987654321", str(pk))}
                )
        no_measures = {
            n.chapter.number: n
            for n in NoMeasures.objects.filter(region=region).select_related("chapter")
        }
        answers = {a.question: a for a in AllocationAnswer.objects.filter(region=region)}
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
            rus_goals=Goal.objects.filter(region=region, framework=Goal.Framework.RUS)
            .annotate(measure_count=Count("measures"))
            .order_by("title"),
        )
        return context


home = cached_page(HomeView.as_view())
measure_list = cached_page(MeasureListView.as_view())
measure_detail = cached_page(MeasureDetailView.as_view())
region_list = cached_page(RegionListView.as_view())
region_detail = cached_page(RegionDetailView.as_view())
chapter_detail = cached_page(ChapterDetailView.as_view())
goal_list = cached_page(GoalListView.as_view())
goal_detail = cached_page(GoalDetailView.as_view())
