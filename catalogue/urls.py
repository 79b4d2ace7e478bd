from django.urls import path

from . import (
    allocation_views,
    changes,
    chapter_views,
    comparison_views,
    crosswalk_views,
    feedback,
    goal_views,
    home_views,
    list_views,
    measure_views,
    region_views,
)

app_name = "catalogue"

urlpatterns = [
    path("", home_views.home, name="home"),
    path("insatser/", list_views.measure_list, name="measure-list"),
    path("insatser/<int:pk>/", measure_views.measure_detail, name="measure-detail"),
    path("insatser/<int:pk>/rapportera-fel/", feedback.report_error, name="report-error"),
    path("regioner/", region_views.region_list, name="region-list"),
    path("regioner/<slug:slug>/", region_views.region_detail, name="region-detail"),
    path("regioner/<slug:slug>/mal/", crosswalk_views.region_goals, name="region-goals"),
    path("regioner/<slug:slug>/forandringar/", changes.region_changes, name="region-changes"),
    path("jamfor/", comparison_views.compare, name="compare"),
    # Chapter 8 has no measures: its page shows the answers by question (before the others).
    path("kapitel/8/", allocation_views.allocation_chapter, name="allocation-chapter"),
    path("kapitel/<int:number>/", chapter_views.chapter_detail, name="chapter-detail"),
    path("mal/", goal_views.goal_list, name="goal-list"),
    path("mal/agenda-2030/", crosswalk_views.sdg_regions, name="sdg-regions"),
    path("mal/<int:pk>/", goal_views.goal_detail, name="goal-detail"),
]
