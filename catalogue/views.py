"""The public pages: home, the faceted measures list (also per chapter and goal), records, regions
and goals; the list, a measure and the region pages also answer as JSON (the list as CSV and
Excel too). Every page is about one edition (catalogue.editions); the measures are counted and
listed by catalogue.selectors from the in-memory snapshot."""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db.models import Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import DetailView, TemplateView

from . import editions, exports, links, selectors
from . import snapshot as snapshots
from .filters import MeasureFilter, chapter_name, run_search, search_module
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
from .selectors import Scope, swedish_key
from .snapshot import data_version
from .tables import DEFAULT_PAGE_SIZE, PAGE_SIZES, MeasureTable, SelectedIds

logger = logging.getLogger(__name__)

EXPORT_FORMATS = ("json", "csv", "xlsx")

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


def snapshot_of(request) -> snapshots.Snapshot:
    """The data's in-memory snapshot (cached_page has already read the version)."""
    return snapshots.current(getattr(request, "data_version", None))


class EditionMixin:
    """Pages about one edition: `self.edition`, and `edition` in the context (the year choice,
    links that keep the year, the footer's source)."""

    allow_all_editions = False

    def dispatch(self, request, *args, **kwargs):
        # ?year=, the latest by default; an unknown year is a 404.
        self.edition = editions.scope_from(request, allow_all=self.allow_all_editions)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["edition"] = self.edition
        return context


class HomeView(EditionMixin, TemplateView):
    template_name = "catalogue/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.edition.report
        matrix = selectors.region_chapter_counts(
            snapshot_of(self.request), report.pk if report else None
        )
        regions = sorted(Region.objects.all(), key=lambda r: swedish_key(r.name))
        chapters = list(Chapter.objects.exclude(number=Chapter.ALLOCATION))
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


class MeasureListView(TemplateView):
    """The faceted, searchable list of measures; the chapter and goal pages narrow its scope.

    Thin: the form validates (catalogue.filters), the selector filters, ranks and counts
    (catalogue.selectors), the table draws a page of rows from the snapshot (catalogue.tables).
    """

    template_name = "catalogue/measure_list.html"
    extra_context = {"nav": "measures"}
    hidden_facets: frozenset[str] = frozenset()

    def scope(self) -> Scope:
        """What this page lists before any filter (the whole catalogue here)."""
        return Scope()

    def get(self, request, *args, **kwargs):
        self.snapshot = snapshot_of(request)
        self.filterset = MeasureFilter(
            request.GET, snapshot=self.snapshot, hidden_facets=self.hidden_facets
        )
        query = self.filterset.query
        self.search = run_search(query) if query else None
        searching = bool(self.search and self.search.available)
        self.selection = selectors.select(
            self.snapshot,
            self.filterset.criteria(),
            self.scope(),
            hits=self.search.ids if searching else None,
            hits_key=query,
        )
        fmt = request.GET.get("format")
        if fmt:
            if fmt not in EXPORT_FORMATS:
                return JsonResponse(
                    {"error": _("Okänt format. Välj json, csv eller xlsx.")}, status=400
                )
            if self.filterset.errors:
                return JsonResponse({"errors": self.filterset.errors.get_json_data()}, status=400)
            return self.export(fmt)
        context = self.get_context_data()
        shown = context["table"].page.number
        if not self.filterset.errors and request.GET.get("page", str(shown)) != str(shown):
            # Page 99 of 21 (or "abc"): the page that exists, under its own address.
            return redirect(request.path + links.with_page(request.GET, shown))
        return self.render_to_response(context, status=400 if self.filterset.errors else 200)

    @property
    def relevance_order(self) -> bool:
        search = self.search
        return bool(search and search.available and "sort" not in self.request.GET)

    def page_size(self) -> int:
        try:
            size = int(self.request.GET.get("per_page", DEFAULT_PAGE_SIZE))
        except ValueError:
            return DEFAULT_PAGE_SIZE
        return size if size in PAGE_SIZES else DEFAULT_PAGE_SIZE

    def get_table(self, *, paginate: bool = True) -> MeasureTable:
        """The selection's ids in the page's order: the column sort (validated by the table) asks
        the selector to reorder them. Paginated like django-tables2's RequestConfig, with the
        page size bounded."""
        selection, snapshot = self.selection, self.snapshot
        data = SelectedIds(
            selection.ids, sort=lambda alias: selectors.ordered(snapshot, selection, alias)
        )
        table = MeasureTable(
            data=data,
            highlights=self.search.highlights if self.search else {},
            snapshot=snapshot,
            show_year=self.filterset.edition.all_editions,
        )
        table.request = self.request
        order_by = self.request.GET.getlist("sort")
        if order_by:
            table.order_by = order_by
        if paginate:
            try:
                table.paginate(page=self.request.GET.get("page", 1), per_page=self.page_size())
            except PageNotAnInteger:
                table.page = table.paginator.page(1)
            except EmptyPage:  # before the first page, or after the last
                asked = self.request.GET.get("page", "1").strip()
                last = table.paginator.num_pages
                first = asked.startswith("-") or asked == "0"
                table.page = table.paginator.page(1 if first else last)
        return table

    def export(self, fmt: str):
        """Exactly the selected measures, in the page's order (relevance first with a query,
        else the list's order or the chosen sort)."""
        ids = self.get_table(paginate=False).data.ids
        records = exports.measure_records(
            ids, self.request.build_absolute_uri, self.snapshot.dimensions
        )
        selection = self.export_selection(len(ids))
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

    def export_selection(self, count: int) -> exports.Selection:
        """What an export holds, as this page shows it: search, filters, order and edition."""
        lines, parts = self.scope_selection()
        report = self.filterset.edition.report
        for facet in self.filterset.facets(self.selection):
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
        table = self.get_table()
        chips = self.chips()
        context.update(
            filter=self.filterset,
            table=table,
            edition=self.filterset.edition,
            facets=self.filterset.facets(self.selection),
            curated_count=self.filterset.curated_count(self.selection),
            search=self.search,
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
        for facet in self.filterset.facets(self.selection):
            if facet.name == "year" and "year" not in params:
                continue  # the latest edition is what every page shows unasked: no chip
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

    def scope(self) -> Scope:
        return Scope(chapter_id=self.chapter.pk)

    def scope_selection(self):
        title = chapter_name(self.chapter.number, self.chapter.title)
        return [(_("Kapitel"), f"{self.chapter.number} {title}")], [
            f"{_('kapitel')}-{self.chapter.number}"
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["chapter"] = self.chapter
        notes = self.filterset.edition.filter(
            NoMeasures.objects.filter(chapter=self.chapter)
            .select_related("region", "report")
            .order_by("region__name", "-report__year")
        )
        # One query: regions that reported no measures, and those that point elsewhere.
        context["no_measures"] = [note for note in notes if not note.is_reference]
        context["references"] = [note for note in notes if note.is_reference]
        return context


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


home = cached_page(HomeView.as_view())
measure_list = cached_page(MeasureListView.as_view())
measure_detail = cached_page(MeasureDetailView.as_view())
region_list = cached_page(RegionListView.as_view())
region_detail = cached_page(RegionDetailView.as_view())
chapter_detail = cached_page(ChapterDetailView.as_view())
goal_list = cached_page(GoalListView.as_view())
goal_detail = cached_page(GoalDetailView.as_view())
