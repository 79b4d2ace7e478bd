"""Editions: which yearly report a page is about.

Every public page, facet count, export and JSON answer is about one edition: the latest by
default, another one with `?year=YYYY`, or every edition with `?year=alla` where a page allows it
(the search). An edition is a Report; its year is what users name it by. Pages ask
`scope_from(request)` and filter with `EditionScope.filter()`; titles, report numbers and counts
come from the Report records, never from templates.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.http import Http404
from django.utils.translation import gettext as _

from .models import Report

YEAR_PARAMETER = "year"
ALL = "alla"  # ?year=alla: every edition (only where a page allows it)


def editions() -> list[Report]:
    """Every imported edition, newest first (one query)."""
    return list(Report.objects.order_by("-year", "-number"))


@dataclass(frozen=True)
class EditionScope:
    """The edition a page is about (`report`), or every edition (`report` is None)."""

    report: Report | None
    editions: tuple[Report, ...]  # every edition, newest first

    @property
    def all_editions(self) -> bool:
        return self.report is None

    @property
    def year(self) -> int | None:
        return self.report.year if self.report else None

    @property
    def latest(self) -> Report | None:
        return self.editions[0] if self.editions else None

    @property
    def cited(self) -> Report | None:
        """The report a page's footer names as its source: the edition's, or the latest where
        the page spans every edition."""
        return self.report or self.latest

    @property
    def is_latest(self) -> bool:
        return self.report is not None and self.report == self.latest

    @property
    def previous(self) -> Report | None:
        """The edition before this one, if any."""
        return self._neighbour(+1)

    @property
    def next(self) -> Report | None:
        """The edition after this one, if any."""
        return self._neighbour(-1)

    def _neighbour(self, step: int) -> Report | None:
        if self.report is None:
            return None
        position = self.editions.index(self.report) + step
        return self.editions[position] if 0 <= position < len(self.editions) else None

    @cached_property
    def query_value(self) -> str:
        """The `year` parameter that names this scope ("" for the default, the latest)."""
        if self.report is None:
            return ALL
        return "" if self.is_latest else str(self.report.year)

    @cached_property
    def query(self) -> str:
        """ "year=…" for links that keep this scope ("" for the latest)."""
        value = self.query_value
        return f"{YEAR_PARAMETER}={value}" if value else ""

    @cached_property
    def suffix(self) -> str:
        """What to append to a URL without a query string ("?year=2023"), so that a link between
        pages keeps the edition ("" for the latest; every edition is the search's alone)."""
        return f"?{self.query}" if self.query and self.report is not None else ""

    def filter(self, queryset, field: str = "report"):
        """Narrow a queryset of records that belong to a report (`field` names the path)."""
        if self.report is None:
            return queryset
        return queryset.filter(**{field: self.report})


def resolve(value: str | None, *, allow_all: bool = False, reports=None) -> EditionScope:
    """The scope a `year` value names: empty for the latest edition, a year, or "alla" where
    `allow_all`. Raises Http404 for a year no edition has (the message says which exist)."""
    reports = tuple(editions() if reports is None else reports)
    value = (value or "").strip()
    if not value:
        return EditionScope(reports[0] if reports else None, reports)
    if value == ALL and allow_all:
        return EditionScope(None, reports)
    for report in reports:
        if str(report.year) == value:
            return EditionScope(report, reports)
    years = ", ".join(str(r.year) for r in reports) or "–"
    raise Http404(
        _("Det finns ingen utgåva för år %(year)s (finns: %(years)s).")
        % {"year": value[:10], "years": years}
    )


def scope_from(request, *, allow_all: bool = False) -> EditionScope:
    """The edition scope of a request's `?year=` (remembered on the request). The editions come
    from the data's snapshot (catalogue.snapshot), read once per change of the data."""
    from .snapshot import current

    key = ("_edition_scope", allow_all)
    cached = getattr(request, "_edition_scopes", {})
    if key not in cached:
        reports = current(getattr(request, "data_version", None)).dimensions.reports
        cached[key] = resolve(request.GET.get(YEAR_PARAMETER), allow_all=allow_all, reports=reports)
        request._edition_scopes = cached
    return cached[key]
