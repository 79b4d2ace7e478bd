"""The rules of writing a catalogue record, in one place for every way in: the admin, the
importer and a shell (`python manage.py shell`).

- HTML is sanitized with the importer's sanitizer (importer.html.sanitize): the report's
  formatting tags only, no attributes, no script or style text. Applied on every save.
- Each plain-text field is the text of its HTML field (importer.html.to_text), derived again
  whenever the HTML changes on a save. A caller that sets both at once, as the importer does
  with the same function, keeps its own.
- An editor's change marks the record curated, so that the next import keeps it and only
  records what the source says now (`save_edit`); `accept_source` gives a measure back to the
  source. The importer never marks anything curated.
- Text from the public (the error form) loses invisible formatting characters before it is
  stored (`strip_invisible`).

The save rules run from a pre_save signal (connected in CatalogueConfig.ready), so a plain
`measure.save()` follows them. Bulk writes (`bulk_create`, `bulk_update`, `update()`) send no
signal: the importer's bulk writes take their HTML and text from the same importer.html
functions, and nothing else writes text in bulk.
"""

import unicodedata

from django.db.models.signals import pre_save

from importer import html as html_fragments

from .goal_curation import goals_by_key
from .models import AllocationAnswer, Chapter, ErrorReport, Measure, Region

ALLOWED_TAGS = frozenset(html_fragments.ALLOWED_TAGS)

# Each HTML field of a measure and the plain-text field derived from it.
MEASURE_TEXT_PAIRS = {
    "description_html": "description",
    "outputs_html": "outputs",
    "effects_html": "effects",
    "goals_html": "goals_text",
}
# The fields an editor curates and the import supplies; compared against `imported`.
MEASURE_SOURCE_FIELDS = ("name", *MEASURE_TEXT_PAIRS)

# Every model with HTML fields, and its pairs.
TEXT_PAIRS = {
    Measure: MEASURE_TEXT_PAIRS,
    AllocationAnswer: {"text_html": "text"},
}

# Line and paragraph separators become line breaks; these control characters stay.
_KEPT_CONTROLS = {"\n", "\t"}
_LINE_BREAKS = str.maketrans({"\r": None, "\u2028": "\n", "\u2029": "\n"})


def sanitize_html(value: str) -> str:
    """Keep only the report's formatting tags, without attributes; drop script and style text."""
    return html_fragments.sanitize(value or "")


def html_to_text(value: str) -> str:
    """Plain text of (sanitized) HTML: block ends become line breaks so words never glue."""
    return html_fragments.to_text(value or "")


def strip_invisible(text: str) -> str:
    """The text without invisible formatting (Unicode category Cf: bidi overrides such as
    U+202E, zero-width spaces and joiners, the BOM) and control characters other than line
    breaks and tabs: they can make a message read differently to the editor than it is."""
    text = text.translate(_LINE_BREAKS)
    return "".join(
        char
        for char in text
        if char in _KEPT_CONTROLS or unicodedata.category(char) not in ("Cf", "Cc")
    )


def derive_plain_fields(record) -> None:
    """Sanitize each HTML field of the record and set its plain-text field from it."""
    for html_field, text_field in TEXT_PAIRS.get(type(record), {}).items():
        html = sanitize_html(getattr(record, html_field))
        setattr(record, html_field, html)
        setattr(record, text_field, html_to_text(html))


def mark_edited(record) -> None:
    """Prepare an editor's change for saving: curated, HTML sanitized, plain text derived."""
    record.curated = True
    derive_plain_fields(record)


def save_edit(record, *, reason: str | None = None, **save_options) -> None:
    """Save an editor's change (see mark_edited); `reason` lands in the record's history
    (django-simple-history's change reason). The admin does the same through its save_model."""
    mark_edited(record)
    if reason:
        record._change_reason = reason
    record.save(**save_options)


def accept_source(measure: Measure, *, reason: str | None = None) -> bool:
    """Give a measure back to its source: the texts, region, chapter and goals the last import
    read, no longer curated (so the next import updates it again). False, and nothing changed,
    for a measure made by hand (it has no imported original)."""
    imported = measure.imported
    if not imported:
        return False
    for field in MEASURE_SOURCE_FIELDS:
        if field in imported:
            setattr(measure, field, imported[field] or "")
    for html_field, text_field in MEASURE_TEXT_PAIRS.items():
        source_text = imported.get(text_field)
        plain = source_text if isinstance(source_text, str) else None
        setattr(measure, text_field, plain or html_to_text(getattr(measure, html_field)))
    measure.region = Region.objects.filter(code=imported.get("region")).first() or measure.region
    measure.chapter = (
        Chapter.objects.filter(number=imported.get("chapter")).first() or measure.chapter
    )
    measure.curated = False
    if reason:
        measure._change_reason = reason
    measure.save()
    if "goals" in imported:
        # Goal keys resolve through the aliases that goal merges left (catalogue.goal_curation).
        measure.goals.set(list(goals_by_key(imported["goals"] or ()).values()))
    return True


def _apply_text_rules(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Before every save: sanitize the HTML; derive plain text where the HTML changed."""
    if raw:  # loaddata: fixtures are stored as they are
        return
    pairs = TEXT_PAIRS[sender]
    if update_fields is not None:
        pairs = {h: t for h, t in pairs.items() if h in update_fields}
        if not pairs:
            return
    stored = None
    if instance.pk is not None and not instance._state.adding:
        stored = sender._default_manager.filter(pk=instance.pk).values(*pairs).first()
    for html_field, text_field in pairs.items():
        html = sanitize_html(getattr(instance, html_field))
        setattr(instance, html_field, html)
        if stored is None:
            # A new record: a text given with it stays (the importer's); a missing one is made.
            if not getattr(instance, text_field):
                setattr(instance, text_field, html_to_text(html))
        elif html != stored[html_field]:
            setattr(instance, text_field, html_to_text(html))


def _strip_public_text(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        instance.message = strip_invisible(instance.message or "")


def connect_signals() -> None:
    for model in TEXT_PAIRS:
        pre_save.connect(
            _apply_text_rules, sender=model, dispatch_uid=f"curation-text-{model.__name__}"
        )
    pre_save.connect(_strip_public_text, sender=ErrorReport, dispatch_uid="curation-error-report")
