"""The admin of the reference data: editions (reports), regions, chapters, and the notes on a
region's chapter (no measures, or a pointer elsewhere). Renaming a region or chapter reindexes
its measures."""

from __future__ import annotations

from django.contrib import admin

from .admin_index import ReindexRelatedMeasures
from .models import Chapter, NoMeasures, Region, Report


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


@admin.register(NoMeasures)
class NoMeasuresAdmin(admin.ModelAdmin):
    list_display = ("region", "chapter", "report", "source_line", "kind")
    list_filter = ("kind", "report", "chapter", "region")
    list_select_related = ("region", "chapter", "report")
    search_fields = ("text", "region__name")
    autocomplete_fields = ("region", "chapter")
