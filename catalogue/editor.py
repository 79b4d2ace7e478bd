"""The admin's rich-text editor for the HTML fields (django-prose-editor's ProseMirror editor).

Editors see paragraphs, bold, italics and lists instead of raw `<p>`/`<ul><li>`; the toolbar
offers exactly the structure the report's cells carry (importer.html.ALLOWED_TAGS). What the
editor sends is still only a suggestion: the admin's forms pass it through the importer's
sanitizer on save (catalogue.admin_curated.SanitizedHtmlForm), as for every other write path.

The package's own widget loads its modules through an inline import map, which the Content
Security Policy forbids (no inline scripts). This widget loads one static module of ours instead
(static/js/admin-editor.js), which imports the package's editor bundle by its path.
"""

from __future__ import annotations

from django import forms

EDITOR_CSS = (
    "django_prose_editor/material-icons.css",
    "django_prose_editor/editor.css",
    "django_prose_editor/overrides.css",
    "css/admin-editor.css",  # tiptap's own styles, which it would inject inline
)


class RichTextWidget(forms.Textarea):
    """A textarea that becomes a ProseMirror editor where JavaScript runs (a plain textarea of
    HTML without it)."""

    def __init__(self, attrs=None):
        super().__init__({"rows": 8, "cols": 80, **(attrs or {}), "data-rich-text": ""})

    @property
    def media(self):
        return forms.Media(
            css={"all": EDITOR_CSS},
            js=[forms.Script("js/admin-editor.js", type="module")],
        )

    def use_required_attribute(self, initial):
        # The editor hides the textarea: a browser could not point at an empty required one.
        return False
