"""The admin of chapter 8: the regions' answers on appropriation 1:1 and the funded projects with
their indicators."""

from __future__ import annotations

from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .admin_curated import CuratedAdmin, SanitizedHtmlForm
from .admin_diffs import render_imported, render_source_diff, source_differences
from .editor import RichTextWidget
from .models import AllocationAnswer, Project, ProjectIndicator


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
