"""What the source says against what a record says now: the imported original, field by field,
and word diffs for the change pages of the curated models."""

from __future__ import annotations

import difflib
import html
import json
import re
from collections.abc import Iterable

from django.core.exceptions import FieldDoesNotExist
from django.utils.html import format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .curation import MEASURE_SOURCE_FIELDS, MEASURE_TEXT_PAIRS, html_to_text
from .goal_curation import goals_by_key
from .models import Chapter, Measure, Region

# Word by word, with <del> and <ins> (styled by the browser, no inline CSS needed).

_TOKENS = re.compile(r"\n|[^\s]+")


def _render_tokens(tokens: list[str]) -> str:
    return " ".join(tokens).replace(" \n ", "<br>").replace("\n", "<br>")


def word_diff(old: str, new: str) -> tuple[SafeString, SafeString]:
    """The old and the new text, escaped, with removed words in <del> and added ones in <ins>."""
    a, b = _TOKENS.findall(old or ""), _TOKENS.findall(new or "")
    left: list[str] = []
    right: list[str] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old_part = [t if t == "\n" else html.escape(t) for t in a[i1:i2]]
        new_part = [t if t == "\n" else html.escape(t) for t in b[j1:j2]]
        if tag == "equal":
            left.extend(old_part)
            right.extend(new_part)
            continue
        if old_part:
            left.append(f"<del>{_render_tokens(old_part)}</del>")
        if new_part:
            right.append(f"<ins>{_render_tokens(new_part)}</ins>")
    return mark_safe(_render_tokens(left)), mark_safe(_render_tokens(right))


def _comparable(field: str, value) -> str:
    value = "" if value is None else str(value)
    return html_to_text(value) if field.endswith("_html") else value.strip()


def source_differences(obj, fields: Iterable[str]) -> list[tuple[str, str, str]]:
    """(field, source text, current text) for each field whose text differs from `imported`."""
    imported = obj.imported or {}
    differences = []
    for field in fields:
        if field not in imported:
            continue
        source, current = (
            _comparable(field, imported[field]),
            _comparable(field, getattr(obj, field)),
        )
        if source != current:
            differences.append((field, source, current))
    return differences


def measure_source_differences(measure: Measure) -> list[tuple[str, str, str]]:
    """The text differences plus region, chapter and goal links, by name."""
    differences = source_differences(measure, MEASURE_SOURCE_FIELDS)
    imported = measure.imported or {}
    if "region" in imported and imported["region"] != measure.region.code:
        region = Region.objects.filter(code=imported["region"]).first()
        differences.append(("region", str(region or imported["region"]), str(measure.region)))
    if "chapter" in imported and imported["chapter"] != measure.chapter.number:
        chapter = Chapter.objects.filter(number=imported["chapter"]).first()
        differences.append(("chapter", str(chapter or imported["chapter"]), str(measure.chapter)))
    if "goals" in imported:
        source = list(goals_by_key(imported["goals"] or ()).values())  # merges followed
        current = {goal.key: goal for goal in measure.goals.all()}
        if {goal.key for goal in source} != set(current):
            differences.append(
                (
                    "goals",
                    "\n".join(sorted(str(goal) for goal in source)),
                    "\n".join(sorted(str(goal) for goal in current.values())),
                )
            )
    return differences


def render_source_diff(obj, differences: list[tuple[str, str, str]]) -> SafeString:
    if not obj.imported:
        return _("Inget importerat original finns (posten är skapad här).")
    if not differences:
        return _("Texten är densamma som i källan.")
    rows = []
    for field, source, current in differences:
        left, right = word_diff(source, current)
        label = obj._meta.get_field(field).verbose_name
        rows.append(format_html("<tr><th>{}</th><td>{}</td><td>{}</td></tr>", label, left, right))
    return format_html(
        '<table class="source-diff"><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead>'
        "<tbody>{}</tbody></table>",
        _("fält"),
        _("källan säger (senaste import)"),
        _("nu"),
        mark_safe("".join(rows)),
    )


_PLAIN_OF_HTML = {plain: html_field for html_field, plain in MEASURE_TEXT_PAIRS.items()} | {
    "text": "text_html"
}


def _imported_label(obj, key: str) -> str:
    """The field's name as editors read it elsewhere on the page ("Beskrivning (HTML)")."""
    try:
        return capfirst(obj._meta.get_field(key).verbose_name)
    except FieldDoesNotExist:
        return key


def _readable_references(obj, imported: dict) -> dict[str, SafeString]:
    """The imported goal keys, region code, chapter number and choices as readers know them:
    the goal's title (a merged goal's successor; a key whose goal is gone stays a key), the
    region's name, the chapter's number and title, a choice's label ("beviljat", not
    "granted")."""
    readable: dict[str, SafeString] = {}
    for key, value in imported.items():
        try:
            choices = dict(obj._meta.get_field(key).flatchoices)
        except FieldDoesNotExist:
            continue
        if isinstance(value, str) and value in choices:
            readable[key] = format_html("{}", choices[value])
    if isinstance(imported.get("goals"), list) and imported["goals"]:
        found = goals_by_key(imported["goals"])
        readable["goals"] = _render_list(
            str(found[key]) if key in found else _("%(key)s (finns inte längre)") % {"key": key}
            for key in imported["goals"]
        )
    if imported.get("region") is not None:
        region = Region.objects.filter(code=imported["region"]).first()
        readable["region"] = format_html("{}", region or imported["region"])
    if imported.get("chapter") is not None:
        chapter = Chapter.objects.filter(number=imported["chapter"]).first()
        readable["chapter"] = format_html("{}", chapter or imported["chapter"])
    return readable


def _render_list(items: Iterable[str]) -> SafeString:
    """One item a line, as the other fields' lines (a list would take the admin's indent)."""
    return mark_safe(linebreaks("\n".join(items), autoescape=True))  # linebreaks escaped it


def _render_imported_value(key: str, value) -> SafeString:
    if value is None or value == [] or value == "":
        return mark_safe("–")
    if isinstance(value, str):
        text = html_to_text(value) if key.endswith("_html") else value
        return mark_safe(linebreaks(text, autoescape=True))  # linebreaks escaped it
    if isinstance(value, int | float):
        return format_html("{}", value)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return _render_list(value)
    return format_html("<pre>{}</pre>", json.dumps(value, ensure_ascii=False, indent=2))


def render_imported(obj) -> SafeString:
    """The imported original, field by field, as readable text."""
    if not obj.imported:
        return _("Inget importerat original.")
    readable = _readable_references(obj, obj.imported)
    items = []
    for key, value in obj.imported.items():
        if _PLAIN_OF_HTML.get(key) in obj.imported:
            continue  # the plain text of an HTML field shown already
        rendered = readable[key] if key in readable else _render_imported_value(key, value)
        items.append(format_html("<dt>{}</dt><dd>{}</dd>", _imported_label(obj, key), rendered))
    return format_html('<dl class="imported-original">{}</dl>', mark_safe("".join(items)))
