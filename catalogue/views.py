"""Placeholder views: the pages are built in issue 3 (browsing and search)."""

from django.http import HttpResponse


def _todo(request, **kwargs):
    return HttpResponse("Insatskatalogen", content_type="text/plain; charset=utf-8")


home = measure_list = measure_detail = region_list = region_detail = _todo
chapter_detail = goal_list = goal_detail = _todo
