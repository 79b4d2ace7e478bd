"""The admin, where editors curate the catalogue. Django loads this module; each model family's
admin lives in its own module and registers itself when imported here:

- catalogue.admin_curated: what every curated model's admin shares (HTML sanitized on save, a
  save is an editor's change, history and revert with django-simple-history)
- catalogue.admin_diffs: the imported original and word diffs against the source
- catalogue.admin_index: the search index updates after admin saves and deletes
- catalogue.admin_measures: measures, their goal links and the bulk actions
- catalogue.admin_goals: goals, their merge and the merged keys
- catalogue.admin_reference: editions, regions, chapters and the notes on a region's chapter
- catalogue.admin_allocation: chapter 8's answers and projects
- catalogue.admin_error_reports: the review queue of visitors' error reports
- catalogue.admin_lineage: links between editions
- catalogue.admin_site: the admin site itself (only known filter lookups)
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import (  # noqa: F401  (each module registers its admins)
    admin_allocation,
    admin_error_reports,
    admin_goals,
    admin_lineage,
    admin_measures,
    admin_reference,
)
from .admin_diffs import word_diff
from .curation import html_to_text, sanitize_html

admin.site.site_header = _("Insatskatalogen: redigering")
admin.site.site_title = _("Insatskatalogen")
admin.site.index_title = _("Kurera katalogen")

__all__ = ["html_to_text", "sanitize_html", "word_diff"]
