"""The measures table and its data: the ids in the order catalogue.selectors gives them."""

from __future__ import annotations

from collections.abc import Iterator
from html import escape

import django_tables2 as tables
from django.db.models.functions import Substr
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator, capfirst
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django_tables2.data import TableData

from . import links
from .filters import chapter_name
from .models import Goal, Measure

PAGE_SIZES = (25, 50, 100, 200)
_PK_MARK = 987654321  # stands for the id in a reversed URL
DEFAULT_PAGE_SIZE = 25

FRAMEWORK_SHORT = {
    Goal.Framework.RUS: "RUS",
    Goal.Framework.AGENDA2030: "Agenda 2030",
    Goal.Framework.REGIONALFONDEN: _("Regionalfonden"),
    Goal.Framework.INTERREG: "Interreg",
    Goal.Framework.FRO: "FRO",
    Goal.Framework.SMART_SPECIALISATION: _("Smart spec."),
    Goal.Framework.NATIONAL_STRATEGY: _("Nationell strategi"),
    Goal.Framework.OTHER: _("Övrigt"),
}


FRAMEWORK_ORDER = tuple(Goal.Framework.values)

SUMMARY_CHARS = 160

# MeasureTable.header_parts per table class, shown columns, order and language (a few dozen).
_HEADER_PARTS: dict[tuple, tuple] = {}


def summary_line(text: str) -> str:
    """The start of a description on one line, cut to SUMMARY_CHARS characters, with a capital
    first letter as on the measure's page (a few descriptions start in lower case where the
    importer split them from the name at a dash)."""
    return capfirst(Truncator(" ".join(text.split())).chars(SUMMARY_CHARS))


GOAL_TITLE_CHARS = 50  # a goal's title in the list is cut here
GOALS_PER_FRAMEWORK = 3  # then "+N"


def goal_titles_summary(goals, labels: dict[str, str]) -> list[str]:
    """Which goals, grouped by framework: "RUS: Attraktiva livsmiljöer; Hållbara transporter",
    "Agenda 2030: 8, 9", from (framework, SDG number, title) triples."""
    titles: dict[str, list[str]] = {}
    numbers: dict[str, set[int]] = {}
    for framework, sdg, title in goals:
        if sdg:
            numbers.setdefault(framework, set()).add(sdg)
        elif title and title not in titles.setdefault(framework, []):
            titles[framework].append(title)
    parts = []
    for framework in FRAMEWORK_ORDER:
        if framework not in titles and framework not in numbers:
            continue
        shown = [", ".join(str(n) for n in sorted(numbers.get(framework, ())))]
        shown = [s for s in shown if s]
        named = titles.get(framework, [])
        for title in named[:GOALS_PER_FRAMEWORK]:
            cut = title if len(title) <= GOAL_TITLE_CHARS else title[: GOAL_TITLE_CHARS - 1]
            shown.append(cut if cut == title else cut.rsplit(" ", 1)[0] + "…")
        if len(named) > GOALS_PER_FRAMEWORK:
            shown.append(f"+{len(named) - GOALS_PER_FRAMEWORK}")
        parts.append(f"{labels[framework]}: {'; '.join(shown)}" if shown else labels[framework])
    return parts


class SelectedIds(TableData):
    """Measure ids as catalogue.selectors ordered them (relevance or the list's order); sorting
    by a column asks the selector again (`sort`: alias such as "-name" -> the ids reordered)."""

    def __init__(self, ids: list[int], sort=None):
        super().__init__(ids)
        self.ids = ids
        self.sort = sort

    def __len__(self):
        return len(self.ids)

    def __iter__(self) -> Iterator:
        return iter(self.ids)

    def __getitem__(self, key):
        return self.ids[key]

    def order_by(self, aliases):
        """The table validated the aliases against its orderable columns; the first counts."""
        if aliases and self.sort is not None:
            self.ids = self.sort(str(aliases[0]))

    @property
    def ordering(self):
        return None

    @property
    def verbose_name(self):
        return Measure._meta.verbose_name

    @property
    def verbose_name_plural(self):
        return Measure._meta.verbose_name_plural


class MeasureTable(tables.Table):
    # Sorted by catalogue.selectors.sort_keys (name, region, chapter), not by the database.
    name = tables.Column(verbose_name=_("Insats"), linkify=False)
    region = tables.Column(verbose_name=_("Region"))
    chapter = tables.Column(verbose_name=_("Kapitel"))
    # Shown when the list spans every edition (?year=alla).
    year = tables.Column(verbose_name=_("År"), orderable=False, empty_values=())
    goals = tables.Column(verbose_name=_("Mål"), orderable=False, empty_values=())

    class Meta:
        model = Measure
        fields = ("name", "region", "chapter", "year", "goals")
        per_page = DEFAULT_PAGE_SIZE
        template_name = "catalogue/includes/measure_table.html"
        order_by_field = "sort"
        empty_text = _("Inga insatser matchar.")
        attrs = {"class": "measures"}

    def __init__(
        self, *args, highlights=None, near=frozenset(), snapshot=None, show_year=False, **kwargs
    ):
        """The data are measure ids; their cells come from `snapshot` (catalogue.snapshot, with
        its regions and chapters). `show_year`: the list spans several editions. `near`: the
        search's near hits, marked as such."""
        if not show_year:
            kwargs["exclude"] = (*kwargs.get("exclude", ()), "year")
        super().__init__(*args, **kwargs)
        self.show_year = show_year
        # The shown columns after the name (a chapter's page leaves out the chapter).
        self.cell_columns = [column.name for column in self.columns if column.name != "name"]
        self.highlights = highlights or {}
        self.near = near
        self.snapshot = snapshot
        self.dimensions = snapshot.dimensions if snapshot is not None else None
        # Per page, not per row: translated labels and URL patterns (reverse() costs per call).
        self._framework_labels = {code: str(label) for code, label in FRAMEWORK_SHORT.items()}
        self._measure_url = links.reverse("catalogue:measure-detail", _PK_MARK)
        self._region_url = links.reverse("catalogue:region-detail", "region-slug")

    def header_html(self) -> SafeString:
        """The header row's cells (<th>…</th>, as measure_table.html laid them out), each a link
        that sorts by its column where it can (the query string of `{% querystring %}`: this
        request's with `sort` set and without `page`). Built here rather than by a template:
        django-tables2 computes each BoundColumn property at every read, and the template's loop
        was a tenth of a search page's rendering. Only the links are this request's: the rest
        is kept per shown columns, order and language (header_parts)."""
        key = (
            type(self),
            tuple(column.name for column in self.columns),
            str(self.order_by),
            get_language(),
        )
        parts = _HEADER_PARTS.get(key)
        if parts is None:
            if len(_HEADER_PARTS) >= 500:  # ?sort=name&sort=region&… makes new orders
                _HEADER_PARTS.clear()
            parts = _HEADER_PARTS[key] = self.header_parts()
        params = self.request.GET
        return SafeString(
            "".join(
                before + escape(links.query_with(params, sort=sort, page=None)) + after
                if sort is not None
                else before
                for before, sort, after in parts
            )
        )

    def header_parts(self) -> tuple[tuple[str, str | None, str], ...]:
        """Each header cell as (HTML before the sort link's query string, the `sort` value it
        sets or None for a column that does not sort, HTML after it)."""
        sort_label = escape(gettext("sortera"))
        parts = []
        for column in self.columns:
            header = conditional_escape(column.header)
            attrs = column.attrs["th"].as_html()
            opening = f'\n      <th scope="col" {attrs}'
            closing = "\n        \n      </th>\n    "
            if not column.orderable:
                parts.append((f"{opening}>\n        \n          {header}{closing}", None, ""))
                continue
            alias = column.order_by_alias
            ordered = column.is_ordered
            descending = ordered and alias.is_descending
            aria = f' aria-sort="{"descending" if descending else "ascending"}"' if ordered else ""
            mark = (" ▼" if descending else " ▲") if ordered else " ↕"
            parts.append(
                (
                    f'{opening}{aria}>\n        \n          <a href="',
                    str(alias.next),
                    f'">{header}<span class="sort-mark" aria-hidden="true">{mark}</span>'
                    f'<span class="visually-hidden"> ({sort_label})</span></a>{closing}',
                )
            )
        return tuple(parts)

    def page_rows(self) -> list[tuple[str, ...]]:
        """The shown page's cells as HTML, rendered directly from the snapshot.

        django-tables2 dispatches each cell through `call_with_appropriate`, which inspects the
        render method's signature per cell; for a 25-row page that cost more than the queries.
        Ids missing from the snapshot (deleted since) are left out. The cells follow the shown
        columns: the name, then `cell_columns` (region, chapter, the year, goals, as shown).
        """
        years = self.dimensions.years
        rows = self.snapshot.rows
        regions, chapters = self.dimensions.regions, self.dimensions.chapters
        goals = self.snapshot.goals
        latest_id = self.dimensions.reports[0].pk if self.dimensions.reports else None
        measure_url, region_url = self._measure_url, self._region_url
        chapter_titles: dict[int, str] = {}  # per page: the title in the page's language
        near_label = format_html(
            ' <span class="near-label" title="{}">{}</span>',
            _("Hittad genom ord som är typiska för de bästa träffarna, inte genom sökorden"),
            _("Närliggande"),
        )
        summaries = self.summaries(
            [pk for pk in (r.record for r in self.paginated_rows) if not self.highlights.get(pk)]
        )
        cells = []
        for bound_row in self.paginated_rows:
            row = rows.get(bound_row.record)
            if row is None:
                continue
            slug, region_name = regions[row.region_id]
            number, title = chapters[row.chapter_id]
            if number not in chapter_titles:
                chapter_titles[number] = escape(str(chapter_name(number, title)))
            url = measure_url.replace(str(_PK_MARK), str(row.pk))
            name = f'<a href="{escape(url)}">{escape(row.name)}</a>'
            if row.pk in self.near:
                name += near_label
            excerpt = self.highlights.get(row.pk)
            if excerpt:
                # The search module's excerpts are escaped text with <mark> added (the contract).
                name += f'<p class="excerpt">{excerpt}</p>'
            elif summaries.get(row.pk):
                name += f'<p class="summary-line">{escape(summaries[row.pk])}</p>'
            titles = self.snapshot.goal_titles
            parts = goal_titles_summary(
                ((*goals[g], titles.get(g, "")) for g in row.goal_ids if g in goals),
                self._framework_labels,
            )
            region_href = escape(region_url.replace("region-slug", slug))
            if row.report_id != latest_id:  # the region page in the row's own edition
                region_href += f"?year={years[row.report_id]}"
            by_column = {
                "region": f'<a href="{region_href}">{escape(region_name)}</a>',
                "chapter": f'<abbr title="{chapter_titles[number]}">{number}</abbr>',
                "year": str(years.get(row.report_id, "")),
                "goals": "<br>".join(escape(part) for part in parts) if parts else "–",
            }
            cells.append((name, *(by_column[column] for column in self.cell_columns)))
        return cells

    def summaries(self, ids: list[int]) -> dict[int, str]:
        """The start of each description (rows without a search excerpt): kept on the snapshot
        as rows are first shown, one query per page for the rest (the snapshot is loaded with
        names only, which keeps it small at 100 times the report)."""
        known = self.snapshot.summaries
        missing = [pk for pk in ids if pk not in known]
        if missing:
            rows = (
                Measure.objects.filter(pk__in=missing)
                .order_by()
                .values_list("pk", Substr("description", 1, SUMMARY_CHARS + 40))
            )
            read = dict.fromkeys(missing, "")  # a row deleted since is not asked again
            read.update((pk, summary_line(text or "")) for pk, text in rows)
            known.update(read)
        return {pk: known[pk] for pk in ids if known.get(pk)}

    def body_html(self) -> SafeString:
        """The shown page's rows (<tr>…</tr>), one string for the template to print."""
        labels = [escape(str(self.columns[name].header)) for name in self.cell_columns]
        rows = []
        for name, *rest in self.page_rows():
            cells = "".join(
                f'<td data-label="{label}">{cell}</td>'
                for label, cell in zip(labels, rest, strict=True)
            )
            rows.append(f'<tr><th scope="row">{name}</th>{cells}</tr>')
        return SafeString("\n".join(rows))
