"""The measures' admin: the change form with its goal links, and the bulk actions (mark curated,
move to another chapter, reindex, take the source's version back). Each save or delete updates
the search index (catalogue.admin_index); links between editions come from
catalogue.admin_lineage."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .admin_curated import CuratedAdmin, SanitizedHtmlForm
from .admin_diffs import measure_source_differences, render_imported, render_source_diff
from .admin_index import schedule_index
from .admin_lineage import PredecessorInline
from .curation import MEASURE_TEXT_PAIRS, accept_source, mark_edited
from .editor import RichTextWidget
from .models import Chapter, ErrorReport, Goal, Measure


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
    inlines = (GoalLinkInline, PredecessorInline)
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
