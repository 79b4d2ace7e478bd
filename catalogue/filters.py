"""The measures list's filters: the form that validates the query string, and the facets (each
option with its label and count) that the page shows.

Validation only: the text query is asked of `catalogue.search` (run_search), and the filtering and
counting are catalogue.selectors' (one pass over the in-memory snapshot). `MeasureFilter` turns
the form's cleaned data into the selector's `Criteria` and its counts back into `Facet`s.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.utils.functional import cached_property
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import editions
from .models import Chapter, Goal, Measure
from .reference import CHAPTERS, SDGS
from .selectors import Criteria, Selection, swedish_key
from .snapshot import CONTINUED, ENDED, MOVED, NEW, Dimensions, Snapshot

MeasureGoal = Measure.goals.through

QUERY_MAX_LENGTH = 300

__all__ = ["Dimensions", "MeasureFilter", "MeasureGoal", "swedish_key"]


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

    @cached_property
    def near_ids(self) -> frozenset[int]:
        """The near hits (after the query's own hits): measures that share the telling words of
        the best hits, marked in the list."""
        after = getattr(self.notes, "near_after", None)
        return frozenset(self.ids[after:]) if after is not None else frozenset()


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
    """One filter with its options, for the template (`blank`: a single choice offers "Alla"
    first; the year has its own "every edition" option instead)."""

    name: str
    label: str
    multiple: bool
    options: list[FacetOption]
    blank: bool = True

    @property
    def any_selected(self) -> bool:
        return any(option.selected for option in self.options)


# What changed since the previous edition (catalogue.snapshot), as the change facet names it.
CHANGE_LABELS = {
    NEW: _("Ny"),
    CONTINUED: _("Fortsätter"),
    MOVED: _("Fortsätter i ett annat kapitel"),
    ENDED: _("Avslutad (fortsätter inte i nästa utgåva)"),
}


def region_choices(dimensions: Dimensions) -> list[tuple[str, str]]:
    return sorted(dimensions.regions.values(), key=lambda choice: swedish_key(choice[1]))


def chapter_choices(dimensions: Dimensions) -> list[tuple[str, str]]:
    return [
        (str(number), format_lazy("{} {}", number, chapter_name(number, title)))
        for number, title in sorted(dimensions.chapters.values())
        if number != Chapter.ALLOCATION
    ]


def year_choices(dimensions: Dimensions) -> list[tuple[str, str]]:
    """Every edition's year, newest first, then every edition at once."""
    years = sorted({report.year for report in dimensions.reports}, reverse=True)
    return [(str(year), str(year)) for year in years] + [(editions.ALL, _("Alla utgåvor"))]


class SharedChoices(tuple):
    """A filter's choices, which the copies of its form field share instead of copying them.

    Django deep-copies a form's fields for every form it binds, their choices with them; these
    do not change while the form class lives (one per snapshot, MeasureFilter), and copying some
    80 choices was two thirds of a search page's form."""

    def __deepcopy__(self, memo):
        return self


class MeasureFilterSet(django_filters.FilterSet):
    """The list's query string, declared and validated with django-filter. The filterset only
    validates: selecting and counting are catalogue.selectors' (one pass over the snapshot), so
    no filter method runs a query. The regions', chapters' and years' choices come from the
    data's snapshot; an invalid field is reported and left out, the valid ones still apply."""

    q = django_filters.CharFilter(label=_("Sök"), max_length=QUERY_MAX_LENGTH, strip=True)
    region = django_filters.MultipleChoiceFilter(label=_("Region"))
    chapter = django_filters.MultipleChoiceFilter(label=_("Kapitel"))
    framework = django_filters.ChoiceFilter(label=_("Målramverk"), choices=Goal.Framework.choices)
    sdg = django_filters.ChoiceFilter(label=_("Globalt mål (Agenda 2030)"), choices=SDG_CHOICES)
    year = django_filters.ChoiceFilter(label=_("Utgåva (rapportår)"))
    change = django_filters.MultipleChoiceFilter(
        label=_("Förändring"), choices=list(CHANGE_LABELS.items())
    )
    curated = django_filters.BooleanFilter(label=_("Bara kurerade"), widget=forms.CheckboxInput)

    def __init__(self, data, *, dimensions: Dimensions):
        super().__init__(data, queryset=Measure.objects.none())
        self.filters["region"].extra["choices"] = region_choices(dimensions)
        self.filters["chapter"].extra["choices"] = chapter_choices(dimensions)
        self.filters["year"].extra["choices"] = year_choices(dimensions)
        for name in ("region", "chapter", "framework", "sdg", "year", "change"):
            self.filters[name].extra["choices"] = SharedChoices(self.filters[name].extra["choices"])


class MeasureFilter:
    """The list's filters for one request: the validated form, the edition it names (the latest
    without `year`), the selector's criteria, and the facets made from a selection's counts."""

    # Facets in the order the page shows them; the query and "curated" are not among them.
    FACETS = ("year", "region", "chapter", "framework", "sdg", "change")
    LABELS = {
        "year": _("Utgåva (rapportår)"),
        "region": _("Region"),
        "chapter": _("Kapitel"),
        "framework": _("Målramverk"),
        "sdg": _("Globalt mål (Agenda 2030)"),
        "change": _("Förändring sedan förra utgåvan"),
    }
    MULTIPLE = {"region", "chapter", "change"}

    def __init__(self, data, *, snapshot: Snapshot, hidden_facets=frozenset()):
        self.snapshot = snapshot
        self.dimensions = snapshot.dimensions
        # The form class (its fields and their choices) depends on the data only: made once per
        # snapshot through django-filter, then each request binds a form of it to its data.
        form_class = snapshot.remember(
            "filter-form-class",
            lambda: MeasureFilterSet(None, dimensions=self.dimensions).get_form_class(),
        )
        self.form = form_class(data)
        self.hidden_facets = set(hidden_facets)

    @cached_property
    def cleaned_data(self) -> dict:
        """The valid fields' values (an unbound or wholly invalid form gives what it can)."""
        self.form.is_valid()
        return getattr(self.form, "cleaned_data", {})

    @property
    def errors(self):
        self.cleaned_data  # noqa: B018 (validates)
        return self.form.errors

    @property
    def query(self) -> str:
        return self.cleaned_data.get("q") or ""

    @cached_property
    def edition(self) -> editions.EditionScope:
        """The edition the list is about: the year chosen, every edition, or the latest."""
        return editions.resolve(
            self.cleaned_data.get("year"), allow_all=True, reports=self.dimensions.reports
        )

    def criteria(self) -> Criteria:
        data = self.cleaned_data
        report = self.edition.report
        return Criteria(
            report_id=report.pk if report else None,
            regions=frozenset(data.get("region") or ()),
            chapters=frozenset(int(v) for v in data.get("chapter") or ()),
            framework=data.get("framework") or None,
            sdg=int(data["sdg"]) if data.get("sdg") else None,
            changes=frozenset(data.get("change") or ()),
            curated=bool(data.get("curated")),
        )

    def change_values(self) -> list[str]:
        """The changes that mean something for the edition: new, continued and moved need a
        previous edition, ended a next one (every edition: all of them)."""
        edition = self.edition
        if len(edition.editions) < 2:
            return []
        if edition.all_editions:
            return list(CHANGE_LABELS)
        values = [NEW, CONTINUED, MOVED] if edition.previous else []
        return values + ([ENDED] if edition.next else [])

    def facets(self, selection: Selection) -> list[Facet]:
        """Each facet's options with counts given the other filters and the query."""
        data, counts = self.cleaned_data, selection.counts
        facets = []
        for name in self.FACETS:
            if name in self.hidden_facets:
                continue
            if name == "year":
                facets.append(self.year_facet(counts["year"]))
                continue
            chosen = data.get(name)
            if isinstance(chosen, list | tuple):
                selected = {str(v) for v in chosen}
            else:
                selected = {str(chosen)} if chosen not in (None, "") else set()
            if name == "change":
                # A chosen change stays visible (and can be unticked) in an edition where it
                # cannot occur, e.g. "new" after switching to the first edition.
                values = [v for v in CHANGE_LABELS if v in self.change_values() or v in selected]
                if not values:
                    continue
                choices = [(value, CHANGE_LABELS[value]) for value in values]
            else:
                choices = self.labelled_choices(name)
            options = [
                FacetOption(
                    str(value), str(label), counts[name].get(str(value), 0), str(value) in selected
                )
                for value, label in choices
                if value != ""
            ]
            facets.append(
                Facet(name, str(self.LABELS[name]), name in self.MULTIPLE, options, blank=True)
            )
        return facets

    def labelled_choices(self, name: str) -> list[tuple[str, str]]:
        """A facet's (value, label) choices with the labels translated to text: once per snapshot
        and language (some 40 lazy labels, each translated again on every page)."""
        return self.snapshot.remember(
            ("facet-choices", name, get_language()),
            lambda: [(str(value), str(label)) for value, label in self.form.fields[name].choices],
        )

    def year_facet(self, counts: dict[str, int]) -> Facet:
        chosen = self.edition.year
        latest = self.edition.latest
        options = [
            FacetOption(
                # The latest edition is the default: its option sends no year, so that a link
                # made after ticking a filter stays clean (?region=skane) and follows new editions.
                "" if latest and value == str(latest.year) else value,
                str(label),
                sum(counts.values()) if value == editions.ALL else counts.get(value, 0),
                value == (str(chosen) if chosen else editions.ALL),
            )
            for value, label in year_choices(self.dimensions)
        ]
        return Facet("year", str(self.LABELS["year"]), False, options, blank=False)

    @staticmethod
    def curated_count(selection: Selection) -> int:
        return selection.counts["curated"].get("True", 0)
