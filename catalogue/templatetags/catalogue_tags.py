"""Template helpers: sanitizing stored HTML at render time, amounts and the language switch."""

from __future__ import annotations

import re
from html import escape

import nh3
from django import template
from django.core.exceptions import DisallowedHost
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from catalogue import links
from catalogue.filters import SDG_NAMES, chapter_name
from catalogue.reference import CHAPTERS, SDGS

register = template.Library()

# The structure the report's cells carry; everything else is dropped.
ALLOWED_TAGS = {"p", "ul", "ol", "li", "b", "strong", "i", "em", "br"}


def sanitize(html: str) -> str:
    """Keep paragraphs, lists and emphasis; drop every other tag and all attributes."""
    return nh3.clean(html or "", tags=ALLOWED_TAGS, attributes={}, link_rel=None)


@register.filter
def clean_html(value):
    """Render stored HTML safely: the importer sanitized it, and admin edits may not be."""
    return mark_safe(sanitize(value))


# The first letter of the text, after any opening tags and spaces.
_FIRST_LETTER = re.compile(r"^((?:\s|<[^>]*>)*)([^\W\d_])")


@register.filter(is_safe=True)
def capfirst_html(value):
    """The text with its first letter upper-case. A description the importer split from its
    name ("Hitta hem i Dalsland – syftar till att …") starts mid-sentence; shown alone, it
    reads "Syftar till att …". The stored text keeps the source's words."""
    return _FIRST_LETTER.sub(lambda m: m.group(1) + m.group(2).upper(), value or "", count=1)


@register.filter
def sek(value):
    """An amount in kronor with grouped digits, or a dash when it is unknown."""
    if value is None or value == "":
        return "–"
    return f"{number_format(value, force_grouping=True)} kr"


@register.filter
def percent_of(part, whole):
    """part as a whole-number percentage of whole ("" when it cannot be computed)."""
    try:
        return round(100 * int(part) / int(whole))
    except (TypeError, ValueError, ZeroDivisionError):
        return ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def get_field(form, name):
    """A bound field of a form by name (for labels in error lists)."""
    try:
        return form[name]
    except KeyError:
        return None


def _is_seeded_sdg(goal) -> bool:
    """An Agenda 2030 goal still named as seeded (so its name has a translation)."""
    return bool(goal.sdg) and goal.title == SDGS.get(goal.sdg)


@register.filter
def goal_title(goal) -> str:
    """A goal's title in the page's language where it has one (the 17 global goals)."""
    return str(SDG_NAMES[goal.sdg]) if _is_seeded_sdg(goal) else goal.title


@register.filter
def goal_lang(goal) -> str:
    """The language of goal_title: the page's for the global goals, else Swedish (the data)."""
    return (get_language() or "sv") if _is_seeded_sdg(goal) else "sv"


@register.filter
def chapter_title(chapter) -> str:
    """A chapter's title in the page's language (the report prints them in Swedish)."""
    return str(chapter_name(chapter.number, chapter.title))


@register.filter
def chapter_lang(chapter) -> str:
    """The language of chapter_title."""
    return (get_language() or "sv") if CHAPTERS.get(chapter.number) == chapter.title else "sv"


@register.simple_tag
def facet_fieldset(facet):
    """One facet of the measures list: a fieldset of checkboxes (several at once) or radio
    buttons (with "Alla" first, except the year's, which has its own option for every edition),
    each with its label and count; an option that would leave nothing is disabled unless it is
    chosen.

    Built here rather than by a template: the facets have some 60 options, and their template
    loop was a third of a search page's rendering.
    """
    kind = "checkbox" if facet.multiple else "radio"
    name = escape(facet.name)
    items = []
    if not facet.multiple and facet.blank:
        checked = "" if facet.any_selected else " checked"
        items.append(
            f'<li><label class="option"><input type="radio" name="{name}" value=""{checked}> '
            f"{escape(gettext('Alla'))}</label></li>"
        )
    for option in facet.options:
        disabled = not option.count and not option.selected
        value = escape(str(option.value))  # the latest edition's is "" (MeasureFilter.year_facet)
        # The count as {{ count }} prints an int (no thousands separator is configured), without
        # localize(), which was a tenth of the panel's time.
        items.append(
            f'<li><label class="option{" disabled" if disabled else ""}">'
            f'<input type="{kind}" name="{name}" value="{value}"'
            f"{' checked' if option.selected else ''}{' disabled' if disabled else ''}> "
            f"{escape(str(option.label))} "
            f'<span class="count">({option.count})</span></label></li>'
        )
    long = " long" if len(facet.options) > 8 else ""
    return SafeString(
        f'<fieldset class="facet facet-{name}">\n  <legend>{escape(str(facet.label))}</legend>\n'
        f'  <ul class="options{long}">\n' + "\n".join(items) + "\n  </ul>\n</fieldset>"
    )


@register.simple_tag
def overview_rows(regions, list_url, edition):
    """The home page's table body: a row per region with its count in each chapter (a link to
    the list of those measures, or a muted 0) and its total.

    Built here rather than by a template: 21 rows of 8 linked cells were some 900 variables to
    resolve, half of the home page's rendering."""
    query = getattr(edition, "query", "")
    extra = f"&amp;{escape(query)}" if query else ""
    base = escape(str(list_url))
    rows = []
    for region in regions:
        slug = escape(region.slug)
        to_list = f"{base}?region={slug}"
        cells = [
            f'<td><a href="{to_list}&amp;chapter={chapter.number}{extra}">{count}</a></td>'
            if count
            else '<td><span class="muted">0</span></td>'
            for chapter, count in region.cells
        ]
        href = escape(with_year(region.get_absolute_url(), edition))
        rows.append(
            f'<tr>\n<th scope="row"><a href="{href}">{escape(region.name)}</a></th>\n'
            + "".join(cells)
            + f'\n<td><a href="{to_list}{extra}">{region.count}</a></td>\n</tr>'
        )
    return SafeString("\n".join(rows))


@register.simple_tag(takes_context=True)
def page_url(context) -> str:
    """The page's absolute address for the printed header; empty where the request is missing
    or its host is not allowed (the 400 page for a bad Host header must still render)."""
    request = context.get("request")
    if request is None:
        return ""
    try:
        return request.build_absolute_uri()
    except DisallowedHost:
        return ""


@register.filter
def with_year(url, edition):
    """A URL that keeps the page's edition: `?year=…` added unless it is the latest (links
    between pages). "Every edition" is the search's alone: other pages get the latest."""
    suffix = getattr(edition, "suffix", "")
    if not suffix:
        return url
    return f"{url}&{suffix[1:]}" if "?" in str(url) else f"{url}{suffix}"


@register.simple_tag(takes_context=True)
def url_in_edition(context, name, *args):
    """{% url %} that keeps the page's edition, for templates shared by pages with and without
    one (base.html): with_year() of the context's `edition`, if any."""
    return with_year(links.reverse(name, *args), context.get("edition"))


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """{% querystring %} of this request's query string (the same text, by links.query_with):
    the list page's pagination, export and sort links, some twenty a page."""
    return links.query_with(context.request.GET, **changes)
