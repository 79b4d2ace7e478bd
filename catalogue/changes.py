"""What changed in a region between two editions: the "Förändringar" page.

Which measures are new, ended, moved or continued comes from catalogue.selectors (the active
lineage links in the snapshot); this module adds the word diff of a continued measure's outputs
and effects, and the page.
"""

from __future__ import annotations

import difflib

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from . import selectors
from .caching import cached_page, snapshot_of
from .models import Measure, Region
from .page_context import EditionMixin

# A diff of texts longer than this many words is not worth reading word by word (and
# SequenceMatcher grows with the product of the lengths): the page shows both texts instead.
MAX_DIFF_WORDS = 3000


def word_diff(old: str, new: str) -> SafeString | None:
    """The new text with the words removed since the old one in <del> and the words added in
    <ins>, each with a visually hidden label for screen readers (which do not announce the
    elements themselves). None when the texts are too long to compare word by word."""
    before, after = old.split(), new.split()
    if len(before) + len(after) > MAX_DIFF_WORDS:
        return None
    removed, added = _("borttaget"), _("tillagt")
    parts = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for operation, i1, i2, j1, j2 in matcher.get_opcodes():
        if operation == "equal":
            parts.append(escape(" ".join(before[i1:i2])))
            continue
        if operation in ("delete", "replace"):
            parts.append(_marked("del", removed, " ".join(before[i1:i2])))
        if operation in ("insert", "replace"):
            parts.append(_marked("ins", added, " ".join(after[j1:j2])))
    return mark_safe(" ".join(parts))


def _marked(tag: str, label: str, text: str) -> SafeString:
    return format_html(
        '<{tag}><span class="visually-hidden">[{label}: </span>{text}'
        '<span class="visually-hidden">]</span></{tag}>',
        tag=tag,
        label=label,
        text=text,
    )


class RegionChangesView(EditionMixin, TemplateView):
    """A region's new, ended, moved and continued measures between an edition (?year=, the
    latest by default) and the one before it."""

    template_name = "catalogue/region_changes.html"
    extra_context = {"nav": "regions"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        region = get_object_or_404(Region, slug=self.kwargs["slug"])
        context["region"] = region
        edition = self.edition
        if edition.report is None or edition.previous is None:
            context["changes"] = None
            return context
        snapshot = snapshot_of(self.request)
        found = selectors.region_changes(
            snapshot, region.pk, edition.report.pk, edition.previous.pk
        )
        chapters = snapshot.dimensions.chapters
        url = reverse("catalogue:measure-detail", kwargs={"pk": 987654321})

        def item(row):
            return {
                "name": row.name,
                "url": url.replace("987654321", str(row.pk)),
                "chapter": chapters[row.chapter_id][0],
            }

        linked = [row.pk for pair in found.continued + found.moved for row in pair]
        texts = {
            pk: (outputs, effects)
            for pk, outputs, effects in Measure.objects.filter(pk__in=linked).values_list(
                "pk", "outputs", "effects"
            )
        }

        def pair(previous, current):
            old_outputs, old_effects = texts.get(previous.pk, ("", ""))
            new_outputs, new_effects = texts.get(current.pk, ("", ""))
            fields = [
                {
                    "label": label,
                    "same": old == new,
                    "diff": word_diff(old, new) if old != new else None,
                    "new": new,
                }
                for label, old, new in (
                    (_("Prestationer"), old_outputs, new_outputs),
                    (_("Effekter"), old_effects, new_effects),
                )
            ]
            return {
                **item(current),
                "previous": item(previous),
                "renamed": previous.name != current.name,
                "same": all(field["same"] for field in fields),
                "fields": fields,
            }

        continued = [pair(previous, current) for previous, current in found.continued]
        context["changes"] = {
            "new": [item(row) for row in found.new],
            "ended": [item(row) for row in found.ended],
            "moved": [pair(previous, current) for previous, current in found.moved],
            "continued": continued,
            # Continued with another name or text, shown with a word diff; the rest are listed.
            "reworded": [c for c in continued if c["renamed"] or not c["same"]],
            "unchanged": [c for c in continued if not c["renamed"] and c["same"]],
        }
        return context


region_changes = cached_page(RegionChangesView.as_view())
