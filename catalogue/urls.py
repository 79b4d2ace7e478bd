from django.urls import path

from . import changes, feedback, views

app_name = "catalogue"

urlpatterns = [
    path("", views.home, name="home"),
    path("insatser/", views.measure_list, name="measure-list"),
    path("insatser/<int:pk>/", views.measure_detail, name="measure-detail"),
    path("insatser/<int:pk>/rapportera-fel/", feedback.report_error, name="report-error"),
    path("regioner/", views.region_list, name="region-list"),
    path("regioner/<slug:slug>/", views.region_detail, name="region-detail"),
    path("regioner/<slug:slug>/forandringar/", changes.region_changes, name="region-changes"),
    path("kapitel/<int:number>/", views.chapter_detail, name="chapter-detail"),
    path("mal/", views.goal_list, name="goal-list"),
    path("mal/<int:pk>/", views.goal_detail, name="goal-detail"),
]
