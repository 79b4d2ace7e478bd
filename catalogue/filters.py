"""The measures list's filters and the counts that tell how many measures each option leaves.

The text query asks `catalogue.search` for ranked ids; every other filter is plain SQL for the
table. Facet counts, each given the other filters and the query, are counted in one pass over the
in-memory snapshot of the measures (catalogue.snapshot): over the query's hits, or over the page's
scope without a query.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.db import connection
from django.db.models import Exists, OuterRef
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import snapshot as snapshots
from .models import Chapter, Goal, Measure, Region, Report
from .reference import CHAPTERS, SDGS

MeasureGoal = Measure.goals.through

QUERY_MAX_LENGTH = 300


def ids_subquery(ids: list[int]) -> RawSQL | list[int]:
    """An SQL set of ids bound as a single parameter, so that thousands of hits stay one query.

    SQLite and PostgreSQL limit the number of bound parameters; a JSON array (SQLite) or an array
    (PostgreSQL) passes any number of ids at once. Other databases get the plain list.
    """
    if connection.vendor == "sqlite":
        return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [list(ids)])
    return list(ids)


def search_module():
    """The search module, imported lazily (tests replace its functions with monkeypatch)."""
    from catalogue import search

    return search


@dataclass
class SearchOutcome:
    """What the text query gave: the ranked ids and what the page says about the search."""

    query: str
    ids: list[int] = field(default_factory=list)
    highlights: Mapping[int, str] = field(default_factory=dict)
    suggestion: str | None = None
    available: bool = True
    parsed_ok: bool = True
    notes: object = None  # search.SearchNotes: what search_notes.html says about the search

    @cached_property
    def rank(self) -> dict[int, int]:
        return {pk: position for position, pk in enumerate(self.ids)}


def run_search(query: str) -> SearchOutcome:
    """Ask the search module; a missing module or index means "search is being rebuilt"."""
    try:
        result = search_module().search(query)
    except ImportError:
        return SearchOutcome(query=query, available=False)
    return SearchOutcome(
        query=query,
        ids=list(result.ids),
        # A lazy mapping in the real module: excerpts are made only for the rows shown.
        highlights=result.highlights if result.highlights is not None else {},
        suggestion=result.suggestion,
        available=result.available,
        parsed_ok=result.parsed_ok,
        notes=getattr(result, "notes", None),
    )


_SWEDISH_LAST = str.maketrans({"å": "{", "ä": "|", "ö": "}", "Å": "{", "Ä": "|", "Ö": "}"})


def swedish_key(text: str) -> str:
    """Sort key for Swedish alphabetical order (å, ä, ö after z), whatever the database's
    collation: PostgreSQL under an English locale would put Örebro beside Norrbotten."""
    return text.casefold().translate(_SWEDISH_LAST)


# The chapters' titles as the report prints them (catalogue.reference), written out for
# makemessages: English pages show them in English.
CHAPTER_NAMES = {
    1: _("Likvärdiga möjligheter till boende, arbete och välfärd i hela landet"),
    2: _("Kompetensförsörjning och kompetensutveckling i hela landet"),
    3: _("Innovation och förnyelse samt entreprenörskap och företagande i hela landet"),
    4: _("Tillgänglighet i hela landet genom digital kommunikation och transportsystemet"),
    5: _("Jämställdhet"),
    6: _("Integration"),
    7: _("Miljö och klimat"),
    8: _("Fördelning av anslag 1:1 Regionala utvecklingsåtgärder"),
}


def chapter_name(number: int, title: str):
    """A chapter's title in the page's language, when it is the printed one."""
    return CHAPTER_NAMES[number] if CHAPTERS.get(number) == title else title


# The 17 global goals by their Swedish names (as in catalogue.reference), written out so that
# makemessages finds them: English pages show the UN's English names.
SDG_NAMES = {
    1: _("Ingen fattigdom"),
    2: _("Ingen hunger"),
    3: _("God hälsa och välbefinnande"),
    4: _("God utbildning för alla"),
    5: _("Jämställdhet"),
    6: _("Rent vatten och sanitet för alla"),
    7: _("Hållbar energi för alla"),
    8: _("Anständiga arbetsvillkor och ekonomisk tillväxt"),
    9: _("Hållbar industri, innovationer och infrastruktur"),
    10: _("Minskad ojämlikhet"),
    11: _("Hållbara städer och samhällen"),
    12: _("Hållbar konsumtion och produktion"),
    13: _("Bekämpa klimatförändringarna"),
    14: _("Hav och marina resurser"),
    15: _("Ekosystem och biologisk mångfald"),
    16: _("Fredliga och inkluderande samhällen"),
    17: _("Genomförande och globalt partnerskap"),
}

SDG_CHOICES = [(str(number), format_lazy("{} {}", number, SDG_NAMES[number])) for number in SDGS]


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    """One filter with its options, for the template."""

    name: str
    label: str
    multiple: bool
    options: list[FacetOption]

    @property
    def any_selected(self) -> bool:
        return any(option.selected for option in self.options)


class MeasureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Sök"),
        method="filter_query",
        max_length=QUERY_MAX_LENGTH,
        strip=True,
    )
    # The regions', chapters' and years' choices come from the data's snapshot (see __init__).
    region = django_filters.MultipleChoiceFilter(
        label=_("Region"), choices=(), method="filter_region"
    )
    chapter = django_filters.MultipleChoiceFilter(
        label=_("Kapitel"), choices=(), method="filter_chapter"
    )
    framework = django_filters.ChoiceFilter(
        label=_("Målramverk"), choices=Goal.Framework.choices, method="filter_framework"
    )
    sdg = django_filters.ChoiceFilter(
        label=_("Globalt mål (Agenda 2030)"), choices=SDG_CHOICES, method="filter_sdg"
    )
    year = django_filters.ChoiceFilter(label=_("Rapportår"), choices=(), method="filter_year")
    curated = django_filters.BooleanFilter(
        label=_("Bara kurerade"), widget=forms.CheckboxInput, method="filter_curated"
    )

    class Meta:
        model = Measure
        fields = ["q", "region", "chapter", "framework", "sdg", "year", "curated"]

    # Facets in the order the page shows them; the query is not a facet.
    FACETS = ("region", "chapter", "framework", "sdg", "year")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.search: SearchOutcome | None = None
        self.scope: tuple = ()  # the page's scope, as _scope_test() reads it
        # The choices from the regions, chapters and reports kept with the snapshot.
        dimensions = self.dimensions()
        self.filters["region"].extra["choices"] = dimensions.region_choices()
        self.filters["chapter"].extra["choices"] = dimensions.chapter_choices()
        self.filters["year"].extra["choices"] = dimensions.year_choices()

    # --- filtering ---------------------------------------------------------------------------

    def filter_query(self, queryset, name, value):
        if not value:
            return queryset
        if self.search is None or self.search.query != value:
            self.search = run_search(value)
        if not self.search.available:
            return queryset  # the page says the index is being rebuilt and lists without the query
        return queryset.filter(pk__in=ids_subquery(self.search.ids))

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__slug__in=value) if value else queryset

    def filter_chapter(self, queryset, name, value):
        return queryset.filter(chapter__number__in=[int(v) for v in value]) if value else queryset

    def filter_framework(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Exists(MeasureGoal.objects.filter(measure=OuterRef("pk"), goal__framework=value))
        )

    def filter_sdg(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            Exists(MeasureGoal.objects.filter(measure=OuterRef("pk"), goal__sdg=int(value)))
        )

    def filter_year(self, queryset, name, value):
        return queryset.filter(report__year=int(value)) if value else queryset

    def filter_curated(self, queryset, name, value):
        return queryset.filter(curated=True) if value else queryset

    @property
    def cleaned_data(self) -> dict:
        """The valid fields' values (an unbound or wholly invalid form gives what it can)."""
        self.form.is_valid()
        return getattr(self.form, "cleaned_data", {})

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            self._qs = self.filter_queryset(self.queryset.all())
        return self._qs

    def filter_queryset(self, queryset, *, exclude: str | None = None):
        """Apply every valid filter except `exclude` (used for a facet's own counts)."""
        for name, value in self.cleaned_data.items():
            if name != exclude:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    # --- the query and the facets --------------------------------------------------------------

    @property
    def query(self) -> str:
        return self.cleaned_data.get("q") or ""

    def hidden_facets(self) -> set[str]:
        return getattr(self, "scope_facets", set())

    def facets(self) -> list[Facet]:
        """Each facet's options with counts given the other filters and the query."""
        tally = self.tally()
        data = self.cleaned_data
        facets = []
        for name in self.FACETS:
            if name in self.hidden_facets():
                continue
            counts = tally.counts[name]
            chosen = data.get(name)
            if isinstance(chosen, list | tuple):
                selected = {str(v) for v in chosen}
            else:
                selected = {str(chosen)} if chosen not in (None, "") else set()
            field_ = self.filters[name].field
            options = [
                FacetOption(
                    str(value), str(label), counts.get(str(value), 0), str(value) in selected
                )
                for value, label in field_.choices
                if value != ""
            ]
            facets.append(
                Facet(
                    name=name,
                    label=str(self.filters[name].label),
                    multiple=isinstance(self.filters[name], django_filters.MultipleChoiceFilter),
                    options=options,
                )
            )
        return facets

    def curated_count(self) -> int:
        return self.tally().counts["curated"].get("True", 0)

    # --- counting in memory --------------------------------------------------------------------

    def dimensions(self) -> Dimensions:
        if not hasattr(self, "_dimensions"):
            # Renaming a region or chapter bumps the data's version too: kept with the snapshot.
            self._dimensions = self.snapshot().remember(("dimensions",), Dimensions.load)
        return self._dimensions

    def snapshot(self) -> snapshots.Snapshot:
        if not hasattr(self, "_snapshot"):
            self._snapshot = snapshots.current(getattr(self.request, "data_version", None))
        return self._snapshot

    def searching(self) -> bool:
        self.qs  # noqa: B018 (validates the form and runs the search once)
        search = self.search
        return bool(search and search.query and search.available)

    def tally(self) -> Tally:
        """The facet counts and the matching ids, from the snapshot: over the query's hits, or
        over every measure in the page's scope (remembered per filter state until the data
        change)."""
        if hasattr(self, "_tally"):
            return self._tally
        snapshot, dimensions = self.snapshot(), self.dimensions()
        scope = self.scope
        data = {name: self.cleaned_data.get(name) for name in Tally.FIELDS}
        key = ["tally", scope, repr(sorted(data.items()))]  # the memo is the snapshot's own
        if self.searching():
            ids = self.search.ids
            rows = snapshot.rows
            # The hits themselves are part of the key (the index may change without the data).
            key += [self.search.query, len(ids), hash(tuple(ids))]

            def count() -> Tally:
                return Tally.count([rows[pk] for pk in ids if pk in rows], data, dimensions, scope)
        else:

            def count() -> Tally:
                return Tally.count(snapshot.rows.values(), data, dimensions, scope)

        self._tally = snapshot.remember(
            tuple(key), count, weight=lambda tally: len(tally.matching) + 1
        )
        return self._tally

    def matching_ids(self) -> set[int]:
        """The ids that pass every filter (within the query's hits, if there is a query)."""
        return self.tally().matching


@dataclass(frozen=True)
class Dimensions:
    """The few regions, chapters and reports (three queries), kept with the snapshot."""

    regions: dict[int, tuple[str, str]]  # id -> (slug, name)
    chapters: dict[int, tuple[int, str]]  # id -> (number, title)
    years: dict[int, int]  # report id -> year
    region_codes: dict[int, str]  # region id -> county code

    @classmethod
    def load(cls) -> Dimensions:
        regions = Region.objects.values_list("pk", "slug", "name", "code")
        return cls(
            {pk: (slug, name) for pk, slug, name, _ in regions},
            {
                pk: (number, title)
                for pk, number, title in Chapter.objects.values_list("pk", "number", "title")
            },
            dict(Report.objects.values_list("pk", "year")),
            {pk: code for pk, _, _, code in regions},
        )

    def region_choices(self) -> list[tuple[str, str]]:
        return sorted(self.regions.values(), key=lambda choice: swedish_key(choice[1]))

    def chapter_choices(self) -> list[tuple[str, str]]:
        return [
            (str(number), format_lazy("{} {}", number, chapter_name(number, title)))
            for number, title in sorted(self.chapters.values())
            if number != Chapter.ALLOCATION
        ]

    def year_choices(self) -> list[tuple[str, str]]:
        return [(str(year), str(year)) for year in sorted(set(self.years.values()), reverse=True)]


@dataclass(frozen=True)
class Tally:
    """Facet counts over a set of measures, each facet given the other filters, in one pass.

    A row that passes every filter counts in every facet and is a match; a row that fails
    exactly one filter counts only in that filter's facet ("how many would this option leave").
    Mirrors MeasureFilter's SQL filters (tests check both ways give the same counts).
    """

    counts: dict[str, dict[str, int]]
    matching: set[int]

    FIELDS = ("region", "chapter", "framework", "sdg", "year", "curated")

    @classmethod
    def count(cls, rows, data: dict, dimensions: Dimensions, scope: tuple = ()) -> Tally:
        def ids(mapping, wanted) -> set[int] | None:
            return {pk for pk, value in mapping.items() if value in wanted} if wanted else None

        regions = ids(
            {pk: slug for pk, (slug, _) in dimensions.regions.items()}, set(data["region"] or ())
        )
        chapters = ids(
            {pk: number for pk, (number, _) in dimensions.chapters.items()},
            {int(v) for v in data["chapter"] or ()},
        )
        framework = data["framework"] or None
        sdg = int(data["sdg"]) if data["sdg"] else None
        reports = ids(dimensions.years, {int(data["year"])} if data["year"] else set())
        curated = bool(data["curated"])
        in_scope = _scope_test(scope)

        region_n: dict[int, int] = {}
        chapter_n: dict[int, int] = {}
        report_n: dict[int, int] = {}
        framework_n: dict[str, int] = {}
        sdg_n: dict[int, int] = {}
        curated_n = {True: 0, False: 0}
        matching: set[int] = set()
        for row in rows:
            if in_scope is not None and not in_scope(row):
                continue
            failed = None
            if regions is not None and row.region_id not in regions:
                failed = "region"
            if chapters is not None and row.chapter_id not in chapters:
                if failed:
                    continue
                failed = "chapter"
            if framework and framework not in row.frameworks:
                if failed:
                    continue
                failed = "framework"
            if sdg and sdg not in row.sdgs:
                if failed:
                    continue
                failed = "sdg"
            if reports is not None and row.report_id not in reports:
                if failed:
                    continue
                failed = "year"
            if curated and not row.curated:
                if failed:
                    continue
                failed = "curated"
            if failed is None:
                matching.add(row.pk)
            if failed is None or failed == "region":
                region_n[row.region_id] = region_n.get(row.region_id, 0) + 1
            if failed is None or failed == "chapter":
                chapter_n[row.chapter_id] = chapter_n.get(row.chapter_id, 0) + 1
            if failed is None or failed == "framework":
                for value in row.frameworks:
                    framework_n[value] = framework_n.get(value, 0) + 1
            if failed is None or failed == "sdg":
                for value in row.sdgs:
                    sdg_n[value] = sdg_n.get(value, 0) + 1
            if failed is None or failed == "year":
                report_n[row.report_id] = report_n.get(row.report_id, 0) + 1
            if failed is None or failed == "curated":
                curated_n[row.curated] += 1

        def by(mapping: dict, counted: dict[int, int], label) -> dict[str, int]:
            result: dict[str, int] = {}
            for pk, n in counted.items():
                if pk in mapping:
                    value = str(label(mapping[pk]))
                    result[value] = result.get(value, 0) + n
            return result

        counts = {
            "region": by(dimensions.regions, region_n, lambda v: v[0]),
            "chapter": by(dimensions.chapters, chapter_n, lambda v: v[0]),
            "framework": dict(framework_n),
            "sdg": {str(k): n for k, n in sdg_n.items()},
            "year": by(dimensions.years, report_n, lambda v: v),
            "curated": {str(k): n for k, n in curated_n.items() if n},
        }
        return cls(counts, matching)


def _scope_test(scope: tuple):
    """A test of a snapshot row for the page's scope: () everything, ("chapter", id) one
    chapter, ("goal", id) the measures that serve one goal."""
    if not scope:
        return None
    kind, value = scope
    if kind == "chapter":
        return lambda row: row.chapter_id == value
    if kind == "goal":
        return lambda row: value in row.goal_ids
    raise ValueError(f"unknown scope {scope!r}")
