"""What the admin of every curated model shares: forms that sanitize HTML, and saves that are an
editor's change.

Every save is an editor's change (catalogue.curation: marked curated, HTML sanitized, plain text
derived, the same rules a shell or the importer follows). History comes from
django-simple-history (who, when, what changed, revert); the "imported" JSON holds what the last
import read from the source, so an editor can compare and accept it back (catalogue.admin_diffs).

Why django-simple-history rather than django-reversion: it records every save through model
signals, so imports, bulk actions and admin edits all land in the same history, not only what
runs inside a revision block; each version is an ordinary row in a historical table (queryable,
and `diff_against` gives field-level deltas, goal links included), and its admin brings the
history list and revert. Reverting restores a version's texts, region, chapter, curated flag and
goal links (each version records its goal links, the import's too)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .curation import mark_edited, sanitize_html


class SanitizedHtmlForm(forms.ModelForm):
    """A model form that sanitizes the HTML fields named in `html_fields`."""

    html_fields: tuple[str, ...] = ()

    def clean(self):
        cleaned = super().clean()
        for name in self.html_fields:
            if name in cleaned:
                cleaned[name] = sanitize_html(cleaned[name])
        return cleaned


class CuratedAdmin(SimpleHistoryAdmin):
    """Saving is an editor's change (catalogue.curation.mark_edited: curated, so the import
    keeps it; sanitized; plain text derived) and a revert is noted as such."""

    provenance_fields: tuple[str, ...] = ("imported",)

    def save_model(self, request, obj, form, change):
        if change:
            # A revert starts from a historical copy: keep the current provenance, not the old one.
            current = type(obj).objects.filter(pk=obj.pk).values(*self.provenance_fields).first()
            for field, value in (current or {}).items():
                if field not in form.changed_data:
                    setattr(obj, field, value)
        if request.resolver_match and request.resolver_match.url_name.endswith("_simple_history"):
            obj._change_reason = _("Återställd till en tidigare version")
        mark_edited(obj)
        super().save_model(request, obj, form, change)
