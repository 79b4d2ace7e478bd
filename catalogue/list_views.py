"""The faceted, searchable list of measures, its exports (JSON, CSV, Excel) and filter chips.
The chapter and goal pages (chapter_views, goal_views) are this list in a narrower scope."""

from __future__ import annotations

from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from . import exports, links, selectors
from .caching import cached_page, snapshot_of
from .filters import MeasureFilter, run_search
from .selectors import Scope
from .tables import DEFAULT_PAGE_SIZE, PAGE_SIZES, MeasureTable, SelectedIds

EXPORT_FORMATS = ("json", "csv", "xlsx")


class MeasureListView(TemplateView):
    """The faceted, searchable list of measures; the chapter and goal pages narrow its scope.

    Thin: the form validates (catalogue.filters), the selector filters, ranks and counts
    (catalogue.selectors), the table draws a page of rows from the snapshot (catalogue.tables).
    """

    template_name = "catalogue/measure_list.html"
    extra_context = {"nav": "measures"}
    hidden_facets: frozenset[str] = frozenset()
    hidden_columns: tuple[str, ...] = ()  # table columns a page leaves out (its own scope)

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

    @cached_property
    def facets(self):
        """The facets of this request's selection, made once for the panel, the chips and an
        export's description (each option's label and count)."""
        return self.filterset.facets(self.selection)

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
            near=self.search.near_ids if self.search else frozenset(),
            snapshot=snapshot,
            show_year=self.filterset.edition.all_editions,
            exclude=self.hidden_columns,
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
        else the list's order or the chosen sort). A search's near hits are left out: the
        page marks them as guesses, a file has no such mark (the XLSX's description says so)."""
        near = self.search.near_ids if self.search else frozenset()
        shown = self.get_table(paginate=False).data.ids
        ids = [pk for pk in shown if pk not in near]
        records = exports.measure_records(
            ids, self.request.build_absolute_uri, self.snapshot.dimensions
        )
        selection = self.export_selection(len(ids), near_left_out=len(shown) - len(ids))
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

    def export_selection(self, count: int, near_left_out: int = 0) -> exports.Selection:
        """What an export holds, as this page shows it: search, filters, order and edition."""
        lines, parts = self.scope_selection()
        report = self.filterset.edition.report
        for facet in self.facets:
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
        if near_left_out:
            lines.append(
                (
                    _("Närliggande träffar"),
                    _("%(count)s som sidan visar efter sökträffarna ingår inte.")
                    % {"count": near_left_out},
                )
            )
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
            facets=self.facets,
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
        for facet in self.facets:
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

    def sort_choices(self) -> tuple[tuple[str, str], ...]:
        """The sort select (phones have no sortable column headers): relevance with a query,
        the list's own order without one, then each column both ways. A tuple: the template
        keeps the select it renders under it ({% fragment %})."""
        first = _("Relevans") if self.filterset.query else _("Kapitel och region (standard)")
        choices = [
            ("", first),
            ("name", _("Namn, A–Ö")),
            ("-name", _("Namn, Ö–A")),
            ("region", _("Region, A–Ö")),
            ("-region", _("Region, Ö–A")),
            ("chapter", _("Kapitel, stigande")),
            ("-chapter", _("Kapitel, fallande")),
        ]
        return tuple(
            (value, label)
            for value, label in choices
            if value.lstrip("-") not in self.hidden_columns
        )


measure_list = cached_page(MeasureListView.as_view())
