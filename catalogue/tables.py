"""The measures table and the table data that keeps the search's relevance order."""

from __future__ import annotations

from collections.abc import Iterator
from html import escape

import django_tables2 as tables
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django_tables2.data import TableData

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


def summary_line(text: str) -> str:
    """The start of a description on one line, cut to SUMMARY_CHARS characters."""
    return Truncator(" ".join(text.split())).chars(SUMMARY_CHARS)


def goals_summary(goals, labels: dict[str, str] | None = None) -> list[str]:
    """Labels such as "RUS", "Agenda 2030: 8, 9" in framework order, from (framework, SDG number)
    pairs."""
    if labels is None:
        labels = {code: str(label) for code, label in FRAMEWORK_SHORT.items()}
    frameworks: dict[str, set[int]] = {}
    for framework, sdg in goals:
        frameworks.setdefault(framework, set())
        if sdg:
            frameworks[framework].add(sdg)
    parts = []
    for framework in FRAMEWORK_ORDER:
        if framework in frameworks:
            numbers = sorted(frameworks[framework])
            label = labels[framework]
            parts.append(f"{label}: {', '.join(map(str, numbers))}" if numbers else label)
    return parts


class RankedIds(TableData):
    """Measure ids in the search's relevance order; sorting by a column is not offered then."""

    def __init__(self, ids: list[int]):
        super().__init__(ids)
        self.ids = ids

    def __len__(self):
        return len(self.ids)

    def __iter__(self) -> Iterator:
        return iter(self.ids)

    def __getitem__(self, key):
        return self.ids[key]

    def order_by(self, aliases):
        """Relevance order is fixed; sorting by a column uses the queryset instead."""

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
    name = tables.Column(verbose_name=_("Insats"), linkify=False, order_by=("name",))
    region = tables.Column(verbose_name=_("Region"), order_by=("region__name", "name"))
    chapter = tables.Column(
        verbose_name=_("Kapitel"), order_by=("chapter_id", "region_id", "source_line")
    )
    goals = tables.Column(verbose_name=_("Mål"), orderable=False, empty_values=())

    class Meta:
        model = Measure
        fields = ("name", "region", "chapter", "goals")
        per_page = DEFAULT_PAGE_SIZE
        template_name = "catalogue/includes/measure_table.html"
        order_by_field = "sort"
        empty_text = _("Inga insatser matchar.")
        attrs = {"class": "measures"}

    def __init__(self, *args, highlights=None, snapshot=None, dimensions=None, **kwargs):
        """The data are measure ids; their cells come from `snapshot` (catalogue.snapshot) and
        `dimensions` (regions, chapters: catalogue.filters.Dimensions)."""
        super().__init__(*args, **kwargs)
        self.highlights = highlights or {}
        self.snapshot = snapshot
        self.dimensions = dimensions
        # Per page, not per row: translated labels and URL patterns (reverse() costs per call).
        self._framework_labels = {code: str(label) for code, label in FRAMEWORK_SHORT.items()}
        self._measure_url = reverse("catalogue:measure-detail", kwargs={"pk": _PK_MARK})
        self._region_url = reverse("catalogue:region-detail", kwargs={"slug": "region-slug"})

    def page_rows(self) -> list[tuple[str, str, str, str]]:
        """The shown page's cells as HTML, rendered directly from the snapshot.

        django-tables2 dispatches each cell through `call_with_appropriate`, which inspects the
        render method's signature per cell; for a 25-row page that cost more than the queries.
        Ids missing from the snapshot (deleted since) are left out.
        """
        rows = self.snapshot.rows
        regions, chapters = self.dimensions.regions, self.dimensions.chapters
        goals = self.snapshot.goals
        measure_url, region_url = self._measure_url, self._region_url
        chapter_titles: dict[int, str] = {}  # per page: the title in the page's language
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
            excerpt = self.highlights.get(row.pk)
            if excerpt:
                # The search module's excerpts are escaped text with <mark> added (the contract).
                name += f'<p class="excerpt">{excerpt}</p>'
            elif summaries.get(row.pk):
                name += f'<p class="summary-line">{escape(summaries[row.pk])}</p>'
            parts = goals_summary(
                (goals[g] for g in row.goal_ids if g in goals), self._framework_labels
            )
            region_href = escape(region_url.replace("region-slug", slug))
            cells.append(
                (
                    name,
                    f'<a href="{region_href}">{escape(region_name)}</a>',
                    f'<abbr title="{chapter_titles[number]}">{number}</abbr>',
                    "<br>".join(escape(part) for part in parts) if parts else "–",
                )
            )
        return cells

    @staticmethod
    def summaries(ids: list[int]) -> dict[int, str]:
        """The start of each description (rows without a search excerpt): one query per page,
        for the rows shown only (the snapshot keeps names, not texts)."""
        if not ids:
            return {}
        rows = (
            Measure.objects.filter(pk__in=ids)
            .order_by()
            .values_list("pk", Substr("description", 1, SUMMARY_CHARS + 40))
        )
        return {pk: summary_line(text) for pk, text in rows if text}

    def body_html(self) -> SafeString:
        """The shown page's rows (<tr>…</tr>), one string for the template to print."""
        labels = [escape(str(self.columns[name].header)) for name in ("region", "chapter", "goals")]
        return SafeString(
            "\n".join(
                f'<tr><th scope="row">{name}</th>'
                f'<td data-label="{labels[0]}">{region}</td>'
                f'<td data-label="{labels[1]}">{chapter}</td>'
                f'<td data-label="{labels[2]}">{goals}</td></tr>'
                for name, region, chapter, goals in self.page_rows()
            )
        )
