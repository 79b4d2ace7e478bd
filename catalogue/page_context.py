"""What the pages share: the edition they are about (`EditionMixin` for the class-based pages,
`edition_of` for the comparison pages), `?format=` answers, and, for the comparison pages (the
cross-walk, regions side by side, chapter 8 by question), the edition's measures as the
cross-walk's facts, the regions, links into the measure list, and the labels of chapters,
frameworks and global goals in the page's language.

The comparison pages' measures, regions and chapters come from the data's in-memory snapshot
(catalogue.snapshot), the representation the measure list counts its facets from
(catalogue.selectors): they count the same rows by the same rule, and read none of them from the
database.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from . import crosswalk, selectors
from .crosswalk import SDG_NUMBERS, THEMATIC_CHAPTERS
from .editions import YEAR_PARAMETER, EditionScope, scope_from
from .filters import SDG_NAMES, chapter_name
from .models import Goal
from .reference import CHAPTERS
from .snapshot import Snapshot


def wants(request, fmt: str) -> bool:
    return request.GET.get("format") == fmt


class EditionMixin:
    """Pages about one edition: `self.edition`, and `edition` in the context (the year choice,
    links that keep the year, the footer's source)."""

    allow_all_editions = False

    def dispatch(self, request, *args, **kwargs):
        # ?year=, the latest by default; an unknown year is a 404.
        self.edition = scope_from(request, allow_all=self.allow_all_editions)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["edition"] = self.edition
        return context


def edition_of(request) -> EditionScope:
    """The request's edition (`?year=`, the latest by default); 404 while none is imported."""
    scope = scope_from(request)
    if scope.report is None:
        raise Http404(_("Ingen utgåva är importerad ännu."))
    return scope


def edition_context(scope: EditionScope) -> dict:
    """The template's view of the edition: its scope (as on every page: base.html names the
    report from it; includes/edition_choice.html offers the others) and its `year=` query."""
    return {
        "edition": scope,
        "year_query": f"{YEAR_PARAMETER}={scope.query_value}" if scope.query_value else "",
    }


def edition_json(scope: EditionScope) -> dict:
    report = scope.report
    return {"year": report.year, "report": report.number, "title": report.title}


def list_url(report, **filters) -> str:
    """The measure list narrowed to these filters in this edition: the figures on the comparison
    pages link to the measures they count (the year is always named, so links stay exact)."""
    params: list[tuple[str, object]] = [(YEAR_PARAMETER, report.year)]
    for name, value in filters.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            params.append((name, item))
    return f"{reverse('catalogue:measure-list')}?{urlencode(params)}"


def with_year(url: str, scope: EditionScope) -> str:
    """A page's URL that keeps a chosen edition (nothing added for the latest)."""
    if not scope.query_value:
        return url
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}{YEAR_PARAMETER}={scope.query_value}"


@dataclass(frozen=True)
class RegionRef:
    """A region as these pages show it (from the snapshot: no query)."""

    pk: int
    slug: str
    name: str

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:region-detail", kwargs={"slug": self.slug})


def regions_by_name(snapshot: Snapshot) -> list[RegionRef]:
    """Every region, in Swedish alphabetical order."""
    return sorted(
        (RegionRef(pk, slug, name) for pk, (slug, name) in snapshot.dimensions.regions.items()),
        key=lambda region: selectors.swedish_key(region.name),
    )


def edition_facts(snapshot: Snapshot, report_id: int) -> tuple[crosswalk.Fact, ...]:
    """The edition's measures as the cross-walk's facts, in the report's order (chapter, line):
    made once per edition from the snapshot's rows, and kept until the data change."""

    def compute() -> tuple[crosswalk.Fact, ...]:
        dims = snapshot.dimensions
        chapters = {pk: number for pk, (number, _) in dims.chapters.items()}
        rows = sorted(
            selectors.edition_rows(snapshot, report_id),
            key=lambda row: (chapters[row.chapter_id], row.source_line, row.pk),
        )
        slugs = {pk: slug for pk, (slug, _) in dims.regions.items()}
        return tuple(crosswalk.facts_of(rows, region_slugs=slugs, chapter_numbers=chapters))

    return snapshot.remember(("crosswalk-facts", report_id), compute, weight=len)


def chapter_labels(snapshot: Snapshot) -> dict[int, str]:
    """The thematic chapters' numbers and titles, in the page's language where they are the
    printed ones."""
    titles = dict(snapshot.dimensions.chapters.values())
    return {
        number: f"{number} {chapter_name(number, titles.get(number, CHAPTERS[number]))}"
        for number in THEMATIC_CHAPTERS
    }


def framework_labels() -> dict[str, str]:
    return {code: str(label) for code, label in Goal.Framework.choices}


def sdg_labels() -> dict[int, str]:
    return {number: f"{number} {SDG_NAMES[number]}" for number in SDG_NUMBERS}


def framework_columns() -> list[dict]:
    """Column heads for the frameworks: a short name to see, the full one to hear."""
    short = {
        Goal.Framework.RUS: _("RUS"),
        Goal.Framework.AGENDA2030: _("Agenda 2030"),
        Goal.Framework.REGIONALFONDEN: _("ERUF"),
        Goal.Framework.INTERREG: _("Interreg"),
        Goal.Framework.FRO: _("FRO"),
        Goal.Framework.SMART_SPECIALISATION: _("Smart spec."),
        Goal.Framework.NATIONAL_STRATEGY: _("Nat. strategi"),
        Goal.Framework.OTHER: _("Övrigt"),
    }
    return [
        {"short": str(short.get(code, label)), "full": label}
        for code, label in framework_labels().items()
    ]


def sdg_columns() -> list[dict]:
    return [
        {"short": str(number), "full": _("Globalt mål %(label)s") % {"label": label}}
        for number, label in sdg_labels().items()
    ]
