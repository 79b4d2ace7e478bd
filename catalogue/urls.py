from django.urls import path

from . import allocation_views, changes, comparison_views, crosswalk_views, feedback, views

app_name = "catalogue"

urlpatterns = [
    path("", views.home, name="home"),
    path("insatser/", views.measure_list, name="measure-list"),
    path("insatser/<int:pk>/", views.measure_detail, name="measure-detail"),
    path("insatser/<int:pk>/rapportera-fel/", feedback.report_error, name="report-error"),
    path("regioner/", views.region_list, name="region-list"),
    path("regioner/<slug:slug>/", views.region_detail, name="region-detail"),
    path("regioner/<slug:slug>/mal/", crosswalk_views.region_goals, name="region-goals"),
    path("regioner/<slug:slug>/forandringar/", changes.region_changes, name="region-changes"),
    path("jamfor/", comparison_views.compare, name="compare"),
    # Chapter 8 has no measures: its page shows the answers by question (before the others).
    path("kapitel/8/", allocation_views.allocation_chapter, name="allocation-chapter"),
    path("kapitel/<int:number>/", views.chapter_detail, name="chapter-detail"),
    path("mal/", views.goal_list, name="goal-list"),
    path("mal/agenda-2030/", crosswalk_views.sdg_regions, name="sdg-regions"),
    path("mal/<int:pk>/", views.goal_detail, name="goal-detail"),
]
