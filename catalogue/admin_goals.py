"""The goals' admin: rename and reassign (a save marks a goal curated), and merge goals
(catalogue.goal_curation keeps them merged through imports); the merged keys are listed."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Count
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .admin_curated import CuratedAdmin
from .admin_index import ReindexRelatedMeasures, schedule_index
from .goal_curation import merge_goals
from .models import Goal, GoalAlias


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
