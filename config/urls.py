"""Top-level URLs: the catalogue's pages, the admin and the language switch."""

from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

urlpatterns = [
    path("admin/", admin.site.urls),
    # Without CSRF: a forged switch only changes a visitor's language, and the public pages then
    # carry no per-visitor token (they can be cached whole).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("", include("catalogue.urls")),
]
