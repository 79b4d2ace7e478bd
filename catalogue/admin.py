"""The admin: where editors (the "Redaktör" group) curate what the import read from the report.

Every save of a measure is an editor's change (catalogue.curation: marked curated, HTML
sanitized, plain text derived, the same rules a shell or the importer follows) and updates the
search index in the same request; every delete removes it from the index. History
comes from django-simple-history (who, when, what changed, revert); the "imported" JSON holds
what the last import read from the source, so an editor can compare and accept it back.

Why django-simple-history rather than django-reversion: it records every save through model
signals, so imports, bulk actions and admin edits all land in the same history, not only what
runs inside a revision block; each version is an ordinary row in a historical table (queryable,
and `diff_against` gives field-level deltas, goal links included), and its admin brings the
history list and revert. Reverting restores a version's texts, region, chapter, curated flag and
goal links (each version records its goal links, the import's too).
"""

import difflib
import html
import json
import logging
import re
import uuid
from collections.abc import Iterable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from .curation import (
    MEASURE_SOURCE_FIELDS,
    MEASURE_TEXT_PAIRS,
    accept_source,
    html_to_text,
    mark_edited,
    sanitize_html,
)
from .editor import RichTextWidget
from .goal_curation import goals_by_key, merge_goals
from .models import (
    AllocationAnswer,
    Chapter,
    ErrorReport,
    Goal,
    GoalAlias,
    Measure,
    NoMeasures,
    Project,
    ProjectIndicator,
    Region,
    Report,
)

logger = logging.getLogger(__name__)

admin.site.site_header = _("Insatskatalogen: redigering")
admin.site.site_title = _("Insatskatalogen")
admin.site.index_title = _("Kurera katalogen")

# --------------------------------------------------------------------------------------------
# HTML the editors write: the rules live in catalogue.curation (the admin only calls them).


class SanitizedHtmlForm(forms.ModelForm):
    """A model form that sanitizes the HTML fields named in `html_fields`."""

    html_fields: tuple[str, ...] = ()

    def clean(self):
        cleaned = super().clean()
        for name in self.html_fields:
            if name in cleaned:
                cleaned[name] = sanitize_html(cleaned[name])
        return cleaned


# --------------------------------------------------------------------------------------------
# The search index: updated after the transaction commits, still within the same request.


def _search_module():
    from catalogue import search  # the one module that talks to the index

    return search


def schedule_index(request, *, update: Iterable[int] = (), remove: Iterable[int] = ()) -> None:
    """Bring the search index up to date for these measures once the database has committed."""
    update, remove = sorted(set(update)), sorted(set(remove))
    if not update and not remove:
        return

    def run():
        search = _search_module()
        try:
            if remove:
                search.remove_measures(remove)
            if update:
                search.update_measures(update)
        except Exception:
            logger.exception("Updating the search index failed for %s / %s", update, remove)
            if request is not None:
                messages.error(
                    request,
                    _(
                        "Ändringen är sparad, men sökindexet kunde inte uppdateras. "
                        "Bygg om indexet för de valda insatserna."
                    ),
                )

    transaction.on_commit(run)


# --------------------------------------------------------------------------------------------
# Diffs: word by word, with <del> and <ins> (styled by the browser, no inline CSS needed).

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


def render_imported(obj) -> SafeString:
    """The imported original, field by field, as readable text."""
    if not obj.imported:
        return _("Inget importerat original.")
    items = []
    for key, value in obj.imported.items():
        if _PLAIN_OF_HTML.get(key) in obj.imported:
            continue  # the plain text of an HTML field shown already
        if isinstance(value, str):
            text = html_to_text(value) if key.endswith("_html") else value
            rendered = mark_safe(linebreaks(text, autoescape=True))  # linebreaks escaped it
        else:
            rendered = format_html("<pre>{}</pre>", json.dumps(value, ensure_ascii=False, indent=2))
        items.append(format_html("<dt>{}</dt><dd>{}</dd>", _imported_label(obj, key), rendered))
    return format_html('<dl class="imported-original">{}</dl>', mark_safe("".join(items)))


# --------------------------------------------------------------------------------------------
# Shared behaviour of the curated models.


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


# --------------------------------------------------------------------------------------------
# Measures.


class MeasureForm(SanitizedHtmlForm):
    html_fields = tuple(MEASURE_TEXT_PAIRS)

    class Meta:
        model = Measure
        fields = [
            "name",
            "region",
            "chapter",
            "curated",
            *MEASURE_TEXT_PAIRS,
            "report",
            "source_line",
        ]
        widgets = {
            "name": forms.Textarea(attrs={"rows": 2, "cols": 80}),
            **{name: RichTextWidget() for name in MEASURE_TEXT_PAIRS},
        }

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("En insats behöver ett namn."))
        return name


GoalLink = Measure.goals.through
# The auto-created through model would show as "Measure_goals object (15)" above each inline row.
GoalLink.__str__ = lambda link: str(link.goal)


class GoalLinkForm(forms.ModelForm):
    class Meta:
        model = GoalLink
        fields = ("goal",)
        labels = {"goal": _("Mål")}  # the auto-created through model's field says "goal"


class GoalLinkInline(admin.TabularInline):
    """The measure's goal references, edited one row each (the goals M2M's through model)."""

    model = GoalLink
    form = GoalLinkForm
    autocomplete_fields = ("goal",)
    fields = ("goal", "framework")
    readonly_fields = ("framework",)
    extra = 0
    verbose_name = _("målkoppling")
    verbose_name_plural = _("målkopplingar")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("goal", "goal__region")

    @admin.display(description=_("ramverk"))
    def framework(self, link):
        """The goal's framework (and region, for a regional strategy's goal): titles alone are
        ambiguous ("Hållbar tillväxt" exists in several regions' strategies)."""
        goal = getattr(link, "goal", None)
        if goal is None:
            return "–"
        label = goal.get_framework_display()
        return f"{label} – {goal.region.name}" if goal.region_id else label


class ReassignChapterForm(forms.Form):
    chapter = forms.ModelChoiceField(
        label=_("Nytt kapitel"),
        queryset=Chapter.objects.exclude(number=Chapter.ALLOCATION),
    )


def _refresh_goal_snapshot(measure: Measure) -> None:
    """Make the latest history record's goal list match the goals saved by the inline.

    The inline writes the through rows directly, which sends no m2m_changed signal, so the record
    simple-history made on the measure's save still lists the goals from before.
    """
    record = measure.history.order_by("-history_date", "-history_id").first()
    if record is None:
        return
    snapshot = type(record).goals.model
    snapshot.objects.filter(history=record).delete()
    snapshot.objects.bulk_create(
        snapshot(history=record, id=link.id, measure_id=link.measure_id, goal_id=link.goal_id)
        for link in Measure.goals.through.objects.filter(measure=measure)
    )


@admin.register(Measure)
class MeasureAdmin(CuratedAdmin):
    form = MeasureForm
    provenance_fields = ("imported", "report_id", "source_key", "source_line")
    list_display = ("short_name", "region", "chapter_number", "goal_list", "curated", "updated")
    list_filter = (
        "report",
        "region",
        "chapter",
        "goals__framework",
        "goals__sdg",
        "curated",
    )
    list_select_related = ("region", "chapter")
    list_per_page = 50
    search_fields = ("name", "description", "outputs", "effects", "goals_text", "source_key")
    date_hierarchy = "updated"
    autocomplete_fields = ("region", "chapter")
    inlines = (GoalLinkInline,)
    readonly_fields = (
        "report",
        "source_line",
        "source_key",
        "created",
        "updated",
        "imported_original",
        "source_diff",
        "error_report_link",
    )
    actions = (
        "mark_curated",
        "unmark_curated",
        "reassign_chapter",
        "reindex",
        "accept_source_version",
    )

    def get_fieldsets(self, request, obj=None):
        text = (None, {"fields": ("name", "region", "chapter", "curated", *MEASURE_TEXT_PAIRS)})
        if obj is None:
            return (text, (_("Proveniens"), {"fields": ("report", "source_line")}))
        return (
            text,
            (
                _("Källan jämfört med nu"),
                {
                    "fields": ("source_diff",),
                    "description": _(
                        "Vad den senaste importen läste ur källan, jämfört med texten nu. "
                        "Åtgärden ”Använd källans version” i listan tar tillbaka källans text."
                    ),
                },
            ),
            (
                _("Proveniens"),
                {
                    "fields": (
                        "report",
                        "source_line",
                        "source_key",
                        "created",
                        "updated",
                        "error_report_link",
                        "imported_original",
                    )
                },
            ),
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:  # a measure added by hand names its report and line itself
            return ("created", "updated")
        return self.readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("goals")

    @admin.display(description=_("namn"), ordering="name")
    def short_name(self, obj):
        return Truncator(obj.name).chars(90)

    @admin.display(description=_("kapitel"), ordering="chapter__number")
    def chapter_number(self, obj):
        return obj.chapter.number

    @admin.display(description=_("mål"))
    def goal_list(self, obj):
        goals = list(obj.goals.all())
        if not goals:
            return "–"
        shown = ", ".join(f"{g.sdg}" if g.sdg else Truncator(g.title).chars(30) for g in goals[:4])
        return shown + (f" (+{len(goals) - 4})" if len(goals) > 4 else "")

    @admin.display(description=_("importerat original"))
    def imported_original(self, obj):
        return render_imported(obj)

    @admin.display(description=_("skillnader mot källan"))
    def source_diff(self, obj):
        return render_source_diff(obj, measure_source_differences(obj))

    @admin.display(description=_("felrapporter"))
    def error_report_link(self, obj):
        if obj.pk is None:
            return "–"
        new = obj.error_reports.filter(status=ErrorReport.Status.NEW).count()
        url = reverse("admin:catalogue_errorreport_changelist") + f"?measure__id__exact={obj.pk}"
        label = ngettext("%(count)s ny", "%(count)s nya", new) % {"count": new}
        return format_html('<a href="{}">{}</a>', url, label)

    def save_model(self, request, obj, form, change):
        if not obj.source_key:
            obj.source_key = f"admin-{uuid.uuid4().hex}"
        super().save_model(request, obj, form, change)
        self._restore_goals(request, obj)
        schedule_index(request, update=[obj.pk])

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if any(formset.has_changed() for formset in formsets):
            _refresh_goal_snapshot(form.instance)

    @staticmethod
    def _restore_goals(request, measure) -> None:
        """On a revert, bring back the version's goal links too (those whose goal still exists):
        the revert form has no goal inline and simple-history saves only the measure's fields."""
        match = request.resolver_match
        if not (match and match.url_name.endswith("_simple_history") and match.args):
            return
        version = measure.history.filter(history_id=match.args[-1]).first()
        if version is None:
            return
        goal_ids = [link.goal_id for link in version.goals.all()]
        measure.goals.set(Goal.objects.filter(pk__in=goal_ids))
        _refresh_goal_snapshot(measure)

    def delete_model(self, request, obj):
        pk = obj.pk
        super().delete_model(request, obj)
        schedule_index(request, remove=[pk])

    def delete_queryset(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        schedule_index(request, remove=ids)

    def _save_each(self, request, queryset, reason, change):
        """Save each measure (not queryset.update()) so history records who changed what."""
        ids = []
        with transaction.atomic():
            for measure in queryset:
                change(measure)
                measure._change_reason = reason
                measure.save()
                ids.append(measure.pk)
            schedule_index(request, update=ids)
        return len(ids)

    @admin.action(description=_("Markera som kurerade"), permissions=["change"])
    def mark_curated(self, request, queryset):
        count = self._save_each(
            request, queryset, _("Markerad som kurerad"), lambda m: setattr(m, "curated", True)
        )
        self.message_user(
            request, ngettext("%d insats markerad.", "%d insatser markerade.", count) % count
        )

    @admin.action(description=_("Ta bort markeringen kurerad"), permissions=["change"])
    def unmark_curated(self, request, queryset):
        count = self._save_each(
            request, queryset, _("Inte längre kurerad"), lambda m: setattr(m, "curated", False)
        )
        self.message_user(
            request,
            ngettext(
                "%d insats är inte längre kurerad.", "%d insatser är inte längre kurerade.", count
            )
            % count,
        )

    @admin.action(description=_("Flytta till ett annat kapitel"), permissions=["change"])
    def reassign_chapter(self, request, queryset):
        form = ReassignChapterForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            chapter = form.cleaned_data["chapter"]

            def move(measure):
                measure.chapter = chapter
                mark_edited(measure)

            count = self._save_each(
                request, queryset, _("Flyttad till kapitel %s") % chapter.number, move
            )
            self.message_user(
                request,
                ngettext(
                    "%(count)d insats flyttad till kapitel %(chapter)s.",
                    "%(count)d insatser flyttade till kapitel %(chapter)s.",
                    count,
                )
                % {"count": count, "chapter": chapter},
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Flytta insatser till ett annat kapitel"),
            "opts": self.model._meta,
            "form": form,
            "measures": queryset.select_related("region", "chapter"),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "action": "reassign_chapter",
        }
        return TemplateResponse(request, "admin/catalogue/measure/reassign_chapter.html", context)

    @admin.action(description=_("Uppdatera sökindexet för de valda"), permissions=["change"])
    def reindex(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True))
        schedule_index(request, update=ids)
        self.message_user(
            request, ngettext("%d insats indexeras.", "%d insatser indexeras.", len(ids)) % len(ids)
        )

    @admin.action(
        description=_("Använd källans version (ångrar kureringen)"), permissions=["change"]
    )
    def accept_source_version(self, request, queryset):
        accepted, without_source = [], 0
        with transaction.atomic():
            for measure in queryset:
                if accept_source(measure, reason=_("Källans version återtagen")):
                    accepted.append(measure.pk)
                else:
                    without_source += 1
            schedule_index(request, update=accepted)
        self.message_user(
            request,
            ngettext(
                "%d insats har nu källans text.", "%d insatser har nu källans text.", len(accepted)
            )
            % len(accepted),
        )
        if without_source:
            self.message_user(
                request,
                ngettext(
                    "%d insats saknar importerat original och ändrades inte.",
                    "%d insatser saknar importerat original och ändrades inte.",
                    without_source,
                )
                % without_source,
                messages.WARNING,
            )


# --------------------------------------------------------------------------------------------
# Reference data and the other curated models.


class ReindexRelatedMeasures:
    """Regions, chapters and goals are part of the measures' search documents."""

    measure_lookup = ""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            ids = Measure.objects.filter(**{self.measure_lookup: obj}).values_list("pk", flat=True)
            schedule_index(request, update=ids)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("number", "year", "title", "publisher", "imported_at")
    search_fields = ("title", "number")
    readonly_fields = ("checksum", "source_name", "imported_at")


@admin.register(Region)
class RegionAdmin(ReindexRelatedMeasures, admin.ModelAdmin):
    measure_lookup = "region"
    list_display = ("name", "code", "official_name")
    search_fields = ("name", "official_name", "code")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Chapter)
class ChapterAdmin(ReindexRelatedMeasures, admin.ModelAdmin):
    measure_lookup = "chapter"
    list_display = ("number", "title")
    search_fields = ("title", "=number")


# --- goals: merge, rename and reassign (catalogue.goal_curation keeps them through imports) ---


class MergeGoalsForm(forms.Form):
    target = forms.ModelChoiceField(
        label=_("Behåll detta mål"),
        queryset=Goal.objects.none(),
        widget=forms.RadioSelect,
        help_text=_(
            "De andra målens insatser kopplas till det här målet och de andra målen tas bort. "
            "En ny import kopplar deras formuleringar hit."
        ),
    )

    def __init__(self, *args, goals, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = goals
        self.fields["target"].label_from_instance = lambda goal: (
            f"{goal} ({goal.get_framework_display()}, {goal.region or '–'})"
        )


@admin.register(GoalAlias)
class GoalAliasAdmin(admin.ModelAdmin):
    """Keys merged into another goal. Deleting one lets the next import create the old goal."""

    list_display = ("title", "goal", "key", "created")
    list_select_related = ("goal",)
    search_fields = ("title", "key", "goal__title")
    readonly_fields = ("key", "goal", "title", "created")

    def has_add_permission(self, request):
        return False


@admin.register(Goal)
class GoalAdmin(ReindexRelatedMeasures, CuratedAdmin):
    measure_lookup = "goals"
    provenance_fields = ("key",)
    list_display = (
        "title",
        "framework",
        "sdg",
        "region",
        "programme",
        "objective",
        "measure_count",
        "curated",
    )
    list_filter = ("framework", "sdg", "region", "curated")
    actions = ("merge_selected",)
    list_select_related = ("region",)
    search_fields = ("title", "key")
    autocomplete_fields = ("region",)
    readonly_fields = ("key",)
    ordering = ("framework", "sdg", "title")  # Meta.ordering is dropped with the Count()

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(measure_count=Count("measures"))

    @admin.display(description=_("insatser"), ordering="measure_count")
    def measure_count(self, obj):
        return obj.measure_count

    @admin.action(description=_("Slå samman de valda målen"), permissions=["change"])
    def merge_selected(self, request, queryset):
        goals = queryset.select_related("region")
        form = MergeGoalsForm(request.POST if "apply" in request.POST else None, goals=goals)
        if len(goals) < 2:
            self.message_user(request, _("Välj minst två mål att slå samman."), messages.WARNING)
            return None
        if form.is_valid():
            target = form.cleaned_data["target"]
            sources = [goal for goal in goals if goal.pk != target.pk]
            if any(goal.sdg for goal in sources):
                self.message_user(
                    request, _("Ett globalt mål kan inte slås samman bort."), messages.ERROR
                )
                return None
            changed = merge_goals(target, sources)
            schedule_index(request, update=changed)
            self.message_user(
                request,
                ngettext(
                    "%(count)d mål slogs samman med %(goal)s.",
                    "%(count)d mål slogs samman med %(goal)s.",
                    len(sources),
                )
                % {"count": len(sources), "goal": target},
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Slå samman mål"),
            "opts": self.model._meta,
            "form": form,
            "goals": goals,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "action": "merge_selected",
        }
        return TemplateResponse(request, "admin/catalogue/goal/merge_goals.html", context)


@admin.register(NoMeasures)
class NoMeasuresAdmin(admin.ModelAdmin):
    list_display = ("region", "chapter", "report", "source_line")
    list_filter = ("report", "chapter", "region")
    list_select_related = ("region", "chapter", "report")
    search_fields = ("text", "region__name")
    autocomplete_fields = ("region", "chapter")


class AllocationAnswerForm(SanitizedHtmlForm):
    html_fields = ("text_html",)

    class Meta:
        model = AllocationAnswer
        fields = ["report", "region", "question", "answer", "text_html", "curated", "source_line"]
        widgets = {"text_html": RichTextWidget()}


@admin.register(AllocationAnswer)
class AllocationAnswerAdmin(CuratedAdmin):
    form = AllocationAnswerForm
    list_display = ("region", "question", "answer", "short_text", "curated")
    list_filter = ("report", "question", "answer", "region", "curated")
    list_select_related = ("region",)
    search_fields = ("text", "region__name")
    autocomplete_fields = ("region",)
    readonly_fields = ("question_text", "imported_original", "source_diff")

    @admin.display(description=_("text"))
    def short_text(self, obj):
        return Truncator(obj.text).chars(90)

    @admin.display(description=_("frågan"))
    def question_text(self, obj):
        return obj.question_text if obj.question else "–"

    @admin.display(description=_("importerat original"))
    def imported_original(self, obj):
        return render_imported(obj)

    @admin.display(description=_("skillnader mot källan"))
    def source_diff(self, obj):
        return render_source_diff(obj, source_differences(obj, ("answer", "text_html")))


class ProjectIndicatorInline(admin.TabularInline):
    model = ProjectIndicator
    extra = 0


PROJECT_SOURCE_FIELDS = (
    "title",
    "status",
    "owner",
    "policy_objective",
    "specific_objective",
    "strategy_goals",
    "description",
    "result",
)


@admin.register(Project)
class ProjectAdmin(CuratedAdmin):
    list_display = ("title", "nyps_id", "region", "status", "granted_sek", "paid_sek", "curated")
    list_filter = ("report", "region", "status", "curated")
    list_select_related = ("region",)
    search_fields = ("title", "nyps_id", "owner", "description", "result")
    autocomplete_fields = ("region",)
    inlines = (ProjectIndicatorInline,)
    readonly_fields = ("imported_original", "source_diff")

    @admin.display(description=_("importerat original"))
    def imported_original(self, obj):
        return render_imported(obj)

    @admin.display(description=_("skillnader mot källan"))
    def source_diff(self, obj):
        return render_source_diff(obj, source_differences(obj, PROJECT_SOURCE_FIELDS))


@admin.register(ProjectIndicator)
class ProjectIndicatorAdmin(admin.ModelAdmin):
    list_display = ("name", "project", "target", "outcome")
    list_select_related = ("project",)
    search_fields = ("name", "project__title", "project__nyps_id")
    autocomplete_fields = ("project",)


# --------------------------------------------------------------------------------------------
# The review queue of visitors' error reports.


@admin.register(ErrorReport)
class ErrorReportAdmin(admin.ModelAdmin):
    list_display = ("created", "measure_link", "short_message", "email", "status")
    list_display_links = ("created",)
    list_editable = ("status",)
    list_filter = ("status", "created")
    list_select_related = ("measure",)
    search_fields = ("message", "email", "measure__name")
    date_hierarchy = "created"
    extra_lookups = ("measure__id__exact",)  # the link from a measure's change page
    fields = ("measure_link", "public_link", "message", "email", "status", "created")
    readonly_fields = ("measure_link", "public_link", "message", "email", "created")
    actions = ("mark_done", "mark_rejected")

    def has_add_permission(self, request):
        return False  # reports come from the public form

    @admin.display(description=_("insats"), ordering="measure__name")
    def measure_link(self, obj):
        url = reverse("admin:catalogue_measure_change", args=[obj.measure_id])
        return format_html('<a href="{}">{}</a>', url, Truncator(obj.measure.name).chars(70))

    @admin.display(description=_("publik sida"))
    def public_link(self, obj):
        return format_html('<a href="{0}">{0}</a>', obj.measure.get_absolute_url())

    @admin.display(description=_("meddelande"))
    def short_message(self, obj):
        return Truncator(obj.message).chars(100)

    @admin.action(description=_("Markera som åtgärdade"), permissions=["change"])
    def mark_done(self, request, queryset):
        count = queryset.update(status=ErrorReport.Status.DONE)
        self.message_user(
            request, ngettext("%d rapport åtgärdad.", "%d rapporter åtgärdade.", count) % count
        )

    @admin.action(description=_("Markera som avvisade"), permissions=["change"])
    def mark_rejected(self, request, queryset):
        count = queryset.update(status=ErrorReport.Status.REJECTED)
        self.message_user(
            request, ngettext("%d rapport avvisad.", "%d rapporter avvisade.", count) % count
        )


__all__ = ["html_to_text", "sanitize_html", "word_diff"]


# --------------------------------------------------------------------------------------------
# Editions (NAME=editions): links between editions in catalogue/admin_lineage.py (registers the
# Lineage admin); a measure's page lists its links and offers to set one by hand; the notes on
# a region's chapter show their kind (no measures, or a pointer elsewhere).

from .admin_lineage import PredecessorInline  # noqa: E402

MeasureAdmin.inlines = (*MeasureAdmin.inlines, PredecessorInline)
NoMeasuresAdmin.list_display = (*NoMeasuresAdmin.list_display, "kind")
NoMeasuresAdmin.list_filter = ("kind", *NoMeasuresAdmin.list_filter)
