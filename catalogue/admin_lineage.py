"""The admin of links between editions: review the matcher's suggestions, set links by hand.

Registered from catalogue/admin.py. Every change goes through catalogue.lineage, the one write
path for links, so that the admin, the importer and a shell follow the same rules (same region,
an earlier edition, a link in the way is rejected rather than silently replaced).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, linebreaks
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from . import lineage
from .models import Lineage, Measure


class ConfidenceFilter(admin.SimpleListFilter):
    """The matcher's confidence in bands; links set by hand have none."""

    title = _("säkerhet")
    parameter_name = "confidence"
    BANDS = {
        "low": (0.0, 0.5),
        "medium": (0.5, 0.7),
        "high": (0.7, 0.9),
        "certain": (0.9, 1.01),
    }

    def lookups(self, request, model_admin):
        return [
            ("low", _("under 0,5")),
            ("medium", "0,5–0,7"),
            ("high", "0,7–0,9"),
            ("certain", _("0,9 eller mer")),
            ("none", _("ingen (satt för hand)")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "none":
            return queryset.filter(confidence__isnull=True)
        if value in self.BANDS:
            low, high = self.BANDS[value]
            return queryset.filter(confidence__gte=low, confidence__lt=high)
        return queryset


def _measure_cell(measure: Measure):
    """The measure's whole name (an editor judges a link by it) and where it stands."""
    url = reverse("admin:catalogue_measure_change", args=[measure.pk])
    return format_html(
        '<a href="{}">{}</a><br><small>{} · {} · {}</small>',
        url,
        measure.name,
        measure.region.name,
        measure.report.year,
        _("kapitel %(n)s") % {"n": measure.chapter.number},
    )


def _compare_cell(measure: Measure):
    return format_html(
        "<strong>{}</strong>{}<p><small>{}: {}</small></p>",
        measure.name,
        mark_safe(linebreaks(measure.description, autoescape=True)),  # escaped by linebreaks
        _("Prestationer"),
        Truncator(measure.outputs).chars(400),
    )


class LineageForm(forms.ModelForm):
    class Meta:
        model = Lineage
        fields = ["previous", "measure", "status"]

    def clean(self):
        cleaned = super().clean()
        previous, measure = cleaned.get("previous"), cleaned.get("measure")
        if previous and measure:
            lineage.validate_pair(previous, measure)
            chosen = {"previous", "measure"} & set(self.changed_data)
            if chosen and cleaned.get("status") != Lineage.Status.REJECTED:
                cleaned["status"] = Lineage.Status.MANUAL  # an editor chose this pair
        return cleaned


@admin.register(Lineage)
class LineageAdmin(SimpleHistoryAdmin):
    form = LineageForm
    list_display = ("measure_cell", "previous_cell", "confidence_cell", "status", "chapter_moved")
    list_filter = (
        "status",
        ConfidenceFilter,
        ("measure__report", admin.RelatedOnlyFieldListFilter),
        ("measure__region", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = (
        "measure__region",
        "measure__report",
        "measure__chapter",
        "previous__region",
        "previous__report",
        "previous__chapter",
    )
    ordering = ("confidence", "measure_id")  # the least certain first: they need a look
    search_fields = ("measure__name", "previous__name")
    raw_id_fields = ("previous", "measure")
    readonly_fields = ("confidence", "created", "updated", "comparison")
    actions = ("confirm_links", "reject_links")
    list_per_page = 50

    class Media:
        css = {"all": ["css/admin-lineage.css"]}  # the review list fits 1280 px

    @admin.display(description=_("insats"), ordering="measure__name")
    def measure_cell(self, obj):
        return _measure_cell(obj.measure)

    @admin.display(description=_("tidigare insats"), ordering="previous__name")
    def previous_cell(self, obj):
        return _measure_cell(obj.previous)

    @admin.display(description=_("säkerhet"), ordering="confidence")
    def confidence_cell(self, obj):
        return "–" if obj.confidence is None else f"{obj.confidence:.2f}"

    @admin.display(description=_("bytt kapitel"), boolean=True)
    def chapter_moved(self, obj):
        return obj.previous.chapter_id != obj.measure.chapter_id

    @admin.display(description=_("jämförelse"))
    def comparison(self, obj):
        if not obj.pk:
            return "–"
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th></tr></thead>"
            "<tbody><tr><td>{}</td><td>{}</td></tr></tbody></table>",
            obj.previous.report.year,
            obj.measure.report.year,
            _compare_cell(obj.previous),
            _compare_cell(obj.measure),
        )

    @admin.action(description=_("Bekräfta valda länkar"), permissions=["change"])
    def confirm_links(self, request, queryset):
        count = lineage.confirm(queryset)
        self.message_user(
            request, ngettext("%d länk bekräftad.", "%d länkar bekräftade.", count) % count
        )

    @admin.action(description=_("Avvisa valda länkar"), permissions=["change"])
    def reject_links(self, request, queryset):
        count = lineage.reject(queryset)
        self.message_user(
            request, ngettext("%d länk avvisad.", "%d länkar avvisade.", count) % count
        )

    # Setting a measure's previous measure by hand, from the measure's admin page.
    def get_urls(self):
        view = self.admin_site.admin_view(self.set_previous_view)
        return [
            path("set-previous/<int:measure_id>/", view, name="catalogue_lineage_set_previous"),
            *super().get_urls(),
        ]

    def set_previous_view(self, request, measure_id: int):
        if not self.has_change_permission(request) or not self.has_add_permission(request):
            raise PermissionDenied
        measure = get_object_or_404(
            Measure.objects.select_related("region", "report", "chapter"), pk=measure_id
        )
        candidates = (
            Measure.objects.filter(region=measure.region, report__year__lt=measure.report.year)
            .select_related("report", "chapter")
            .order_by("-report__year", "chapter__number", "name")
        )
        current = (
            Lineage.objects.filter(measure=measure, status__in=Lineage.ACTIVE)
            .values_list("previous_id", flat=True)
            .first()
        )
        form = SetPreviousForm(request.POST or None, candidates=candidates, initial={
            "previous": current})  # fmt: skip
        if request.method == "POST" and form.is_valid():
            try:
                lineage.set_previous(measure, form.cleaned_data["previous"])
            except ValidationError as error:
                form.add_error("previous", error)
            else:
                messages.success(request, _("Den tidigare insatsen är satt."))
                return redirect("admin:catalogue_measure_change", measure.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Sätt tidigare insats"),
            "measure": measure,
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/catalogue/lineage/set_previous.html", context)


class SetPreviousForm(forms.Form):
    previous = forms.ModelChoiceField(
        label=_("Tidigare insats"),
        queryset=Measure.objects.none(),
        required=False,
        empty_label=_("(ingen: insatsen är ny)"),
        help_text=_(
            "Insatser i samma region i tidigare utgåvor. En länk som står i vägen avvisas."
        ),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["previous"]
        field.queryset = candidates
        field.label_from_instance = lambda m: (
            f"{m.report.year} · {m.chapter.number} · {Truncator(m.name).chars(110)}"
        )


class PredecessorInline(admin.TabularInline):
    """On a measure's page: the links to the measure it continues, and a way to set one."""

    model = Lineage
    fk_name = "measure"
    template = "admin/catalogue/lineage/predecessor_inline.html"
    fields = ("previous_cell", "confidence", "status")
    readonly_fields = ("previous_cell", "confidence", "status")
    extra = 0
    can_delete = False
    verbose_name = _("tidigare insats")
    verbose_name_plural = _("tidigare insats (länkar mellan utgåvor)")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("previous__region", "previous__report", "previous__chapter")
        )

    @admin.display(description=_("tidigare insats"))
    def previous_cell(self, obj):
        return _measure_cell(obj.previous)
