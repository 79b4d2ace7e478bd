"""What the pages share: the edition they are about (`EditionMixin` for the class-based pages,
`edition_of` for the comparison pages), `?format=` answers, and, for the comparison pages (the
cross-walk, regions side by side, chapter 8 by question), links into the measure list and the
labels of chapters, frameworks and global goals in the page's language."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from .crosswalk import SDG_NUMBERS, THEMATIC_CHAPTERS
from .editions import YEAR_PARAMETER, EditionScope, scope_from
from .filters import SDG_NAMES, chapter_name
from .models import Chapter, Goal
from .reference import CHAPTERS


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
    report from it) and the other editions to switch to."""
    return {
        "edition": scope,
        "other_editions": [r for r in scope.editions if r != scope.report],
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


def chapter_labels() -> dict[int, str]:
    """The thematic chapters' numbers and titles, in the page's language where they are the
    printed ones."""
    titles = dict(Chapter.objects.values_list("number", "title"))
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
