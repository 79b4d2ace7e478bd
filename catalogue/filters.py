"""The measures list's filters and the counts that tell how many measures each option leaves.

The text query asks `catalogue.search` for ranked ids; every other filter is plain SQL. Facet counts
are computed per facet with the other filters (and the query) applied: one GROUP BY per facet.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.db import connection
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

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
    )


_SWEDISH_LAST = str.maketrans({"å": "{", "ä": "|", "ö": "}", "Å": "{", "Ä": "|", "Ö": "}"})


def swedish_key(text: str) -> str:
    """Sort key for Swedish alphabetical order (å, ä, ö after z), whatever the database's
    collation: PostgreSQL under an English locale would put Örebro beside Norrbotten."""
    return text.casefold().translate(_SWEDISH_LAST)


def _region_choices():
    return sorted(Region.objects.values_list("slug", "name"), key=lambda c: swedish_key(c[1]))


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


def _chapter_choices():
    return [
        (str(number), format_lazy("{} {}", number, chapter_name(number, title)))
        for number, title in Chapter.objects.exclude(number=Chapter.ALLOCATION).values_list(
            "number", "title"
        )
    ]


def _year_choices():
    return [(str(year), str(year)) for year in Report.objects.values_list("year", flat=True)]


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
    region = django_filters.MultipleChoiceFilter(
        label=_("Region"), choices=_region_choices, method="filter_region"
    )
    chapter = django_filters.MultipleChoiceFilter(
        label=_("Kapitel"), choices=_chapter_choices, method="filter_chapter"
    )
    framework = django_filters.ChoiceFilter(
        label=_("Målramverk"), choices=Goal.Framework.choices, method="filter_framework"
    )
    sdg = django_filters.ChoiceFilter(
        label=_("Globalt mål (Agenda 2030)"), choices=SDG_CHOICES, method="filter_sdg"
    )
    year = django_filters.ChoiceFilter(
        label=_("Rapportår"), choices=_year_choices, method="filter_year"
    )
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
        self.qs  # noqa: B018 (validates the form and runs the search once)
        hits = self.hit_rows()
        data = self.cleaned_data
        facets = []
        for name in self.FACETS:
            if name in self.hidden_facets():
                continue
            if hits is not None:
                counts = hits.counts(name, data)
            else:
                counts = self._counts(name, self.filter_queryset(self.queryset.all(), exclude=name))
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
        hits = self.hit_rows()
        if hits is not None:
            return hits.counts("curated", self.cleaned_data).get("True", 0)
        others = self.filter_queryset(self.queryset.all(), exclude="curated")
        return others.filter(curated=True).count()

    def hit_rows(self) -> HitRows | None:
        """With a text query: the hits' facet values, loaded once (two queries), so that every
        facet is counted in memory instead of by one query per facet over the hit ids."""
        search = self.search
        if not (search and search.query and search.available):
            return None
        if not hasattr(self, "_hit_rows"):
            self._hit_rows = HitRows.load(self.queryset.filter(pk__in=ids_subquery(search.ids)))
        return self._hit_rows

    def matching_ids(self) -> set[int] | None:
        """The ids that pass every filter, when the query's hits are loaded (else None)."""
        hits = self.hit_rows()
        return None if hits is None else hits.matching(self.cleaned_data)

    def _counts(self, name: str, queryset: QuerySet) -> dict[str, int]:
        if name in ("framework", "sdg"):
            column = "goal__framework" if name == "framework" else "goal__sdg"
            links = MeasureGoal.objects.all()
            if queryset.query.where:  # unfiltered: every link counts, no need to ask which
                links = links.filter(measure__in=queryset.order_by().values("pk"))
            rows = (
                links.exclude(**{f"{column}__isnull": True})
                .values(column)
                .annotate(n=Count("measure", distinct=True))
                .values_list(column, "n")
                .order_by()
            )
        else:
            column = {
                "region": "region__slug",
                "chapter": "chapter__number",
                "year": "report__year",
            }[name]
            rows = (
                queryset.order_by().values(column).annotate(n=Count("pk")).values_list(column, "n")
            )
        return {str(value): n for value, n in rows}


class HitRows:
    """The facet values of a set of measures, for counting facets in memory.

    Mirrors MeasureFilter's filters (tests check that both ways give the same counts). One pass
    over the rows counts every facet: a row that passes all filters counts in every facet, a row
    that fails exactly one filter counts only in that filter's facet ("given the other filters").
    """

    FIELDS = ("region", "chapter", "framework", "sdg", "year", "curated")

    def __init__(self, rows: list[tuple], goals: dict[int, tuple[set[str], set[int]]]):
        self.rows = rows  # (pk, region slug, chapter number, report year, curated)
        self.goals = goals  # pk -> (frameworks, SDG numbers)
        self._cache: dict[str, tuple[dict[str, dict[str, int]], set[int]]] = {}

    @classmethod
    def load(cls, queryset: QuerySet) -> HitRows:
        """Two queries without joins; the few regions, chapters, reports and goals are mapped
        from their ids in memory."""
        regions = dict(Region.objects.values_list("pk", "slug"))
        chapters = dict(Chapter.objects.values_list("pk", "number"))
        years = dict(Report.objects.values_list("pk", "year"))
        rows = [
            (pk, regions[region], chapters[chapter], years[report], curated)
            for pk, region, chapter, report, curated in queryset.order_by().values_list(
                "pk", "region_id", "chapter_id", "report_id", "curated"
            )
        ]
        goal_facts = {
            pk: (framework, sdg)
            for pk, framework, sdg in Goal.objects.values_list("pk", "framework", "sdg")
        }
        goals: dict[int, tuple[set[str], set[int]]] = {}
        links = MeasureGoal.objects.filter(measure_id__in=ids_subquery([row[0] for row in rows]))
        for measure_id, goal_id in links.values_list("measure_id", "goal_id"):
            framework, sdg = goal_facts[goal_id]
            frameworks, sdgs = goals.setdefault(measure_id, (set(), set()))
            frameworks.add(framework)
            if sdg:
                sdgs.add(sdg)
        return cls(rows, goals)

    def _tally(self, data: dict) -> tuple[dict[str, dict[str, int]], set[int]]:
        key = repr(sorted((k, data.get(k)) for k in self.FIELDS))
        if key in self._cache:
            return self._cache[key]
        regions = set(data.get("region") or ())
        chapters = {int(v) for v in data.get("chapter") or ()}
        framework = data.get("framework") or None
        sdg = int(data["sdg"]) if data.get("sdg") else None
        year = int(data["year"]) if data.get("year") else None
        curated = bool(data.get("curated"))
        counts: dict[str, dict[str, int]] = {name: {} for name in self.FIELDS}
        matching: set[int] = set()
        empty: tuple[set[str], set[int]] = (set(), set())
        for pk, region, chapter, report_year, is_curated in self.rows:
            frameworks, sdgs = self.goals.get(pk, empty)
            failed = []
            if regions and region not in regions:
                failed.append("region")
            if chapters and chapter not in chapters:
                failed.append("chapter")
            if framework and framework not in frameworks:
                failed.append("framework")
            if sdg and sdg not in sdgs:
                failed.append("sdg")
            if year and report_year != year:
                failed.append("year")
            if curated and not is_curated:
                failed.append("curated")
            if len(failed) > 1:
                continue
            if not failed:
                matching.add(pk)
            values = {
                "region": (region,),
                "chapter": (chapter,),
                "framework": frameworks,
                "sdg": sdgs,
                "year": (report_year,),
                "curated": (is_curated,),
            }
            for name in failed or self.FIELDS:
                facet = counts[name]
                for value in values[name]:
                    facet[str(value)] = facet.get(str(value), 0) + 1
        self._cache[key] = (counts, matching)
        return counts, matching

    def matching(self, data: dict) -> set[int]:
        return self._tally(data)[1]

    def counts(self, name: str, data: dict) -> dict[str, int]:
        return self._tally(data)[0][name]
