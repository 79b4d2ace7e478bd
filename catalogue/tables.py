"""The measures table and the table data that keeps the search's relevance order."""

from __future__ import annotations

from collections.abc import Iterator

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
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


def goals_summary(goals, labels: dict[str, str] | None = None) -> list[str]:
    """Labels such as "RUS", "Agenda 2030: 8, 9" in framework order (goals prefetched)."""
    if labels is None:
        labels = {code: str(label) for code, label in FRAMEWORK_SHORT.items()}
    frameworks: dict[str, set[int]] = {}
    for goal in goals:
        frameworks.setdefault(goal.framework, set())
        if goal.sdg:
            frameworks[goal.framework].add(goal.sdg)
    parts = []
    for framework in Goal.Framework.values:
        if framework in frameworks:
            numbers = sorted(frameworks[framework])
            label = labels[framework]
            parts.append(f"{label}: {', '.join(map(str, numbers))}" if numbers else label)
    return parts


class RankedMeasures(TableData):
    """Measures in the search's relevance order, fetched one page at a time.

    Ordering by relevance in SQL would need one CASE branch per hit; here the ranked ids are
    intersected with the filtered set once (one query for the ids) and only the shown page's
    measures are loaded.
    """

    def __init__(self, ids: list[int], queryset):
        super().__init__(ids)
        self.ids = ids
        self.queryset = queryset

    def __len__(self):
        return len(self.ids)

    def __iter__(self) -> Iterator[Measure]:
        for start in range(0, len(self.ids), 500):
            yield from self[start : start + 500]

    def __getitem__(self, key):
        if isinstance(key, slice):
            chosen = self.ids[key]
            found = self.queryset.in_bulk(chosen)
            return [found[pk] for pk in chosen if pk in found]
        return self[key : key + 1][0]

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

    def __init__(self, *args, highlights: dict[int, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.highlights = highlights or {}
        # Per page, not per row: translated labels and URL patterns (reverse() costs per call).
        self._framework_labels = {code: str(label) for code, label in FRAMEWORK_SHORT.items()}
        self._measure_url = reverse("catalogue:measure-detail", kwargs={"pk": _PK_MARK})
        self._region_urls: dict[str, str] = {}

    def measure_url(self, record) -> str:
        return self._measure_url.replace(str(_PK_MARK), str(record.pk))

    def region_url(self, region) -> str:
        if region.slug not in self._region_urls:
            self._region_urls[region.slug] = region.get_absolute_url()
        return self._region_urls[region.slug]

    def page_rows(self) -> list[tuple[str, str, str, str]]:
        """The shown page's cells, rendered directly.

        django-tables2 dispatches each cell through `call_with_appropriate`, which inspects the
        render method's signature per cell; for a 25-row page that cost more than the queries.
        """
        rows = []
        for bound_row in self.paginated_rows:
            record = bound_row.record
            rows.append(
                (
                    self.render_name(record, record.name),
                    self.render_region(record),
                    self.render_chapter(record),
                    self.render_goals(record),
                )
            )
        return rows

    def render_name(self, record, value):
        link = format_html('<a href="{}">{}</a>', self.measure_url(record), value)
        excerpt = self.highlights.get(record.pk)
        if excerpt:
            # The search module's excerpts are escaped text with <mark> added (the contract).
            return format_html('{}<p class="excerpt">{}</p>', link, mark_safe(excerpt))
        return link

    def render_region(self, record):
        return format_html(
            '<a href="{}">{}</a>', self.region_url(record.region), record.region.name
        )

    def render_chapter(self, record):
        return format_html(
            '<abbr title="{}">{}</abbr>',
            chapter_name(record.chapter.number, record.chapter.title),
            record.chapter.number,
        )

    def render_goals(self, record):
        parts = goals_summary(record.goals.all(), self._framework_labels)
        if not parts:
            return "–"
        return format_html_join(mark_safe("<br>"), "{}", ((part,) for part in parts))
