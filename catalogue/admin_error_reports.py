"""The review queue of visitors' error reports (sent with the public form, catalogue.feedback)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ErrorReport


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
