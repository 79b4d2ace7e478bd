"""The error pages (400, 403, 404, 500) in the site's style, Swedish and English, with DEBUG off:
a way back and a search box; and the favicon."""

import pytest
from django.core.exceptions import PermissionDenied

from catalogue import region_views
from tests.catalogue.view_fixtures import PLAIN_STORAGES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production(settings):
    settings.DEBUG = False
    settings.STORAGES = PLAIN_STORAGES


def assert_error_page(response, status, heading):
    assert response.status_code == status
    html = response.content.decode()
    assert f"<h1>{heading}</h1>" in html
    assert '<link rel="stylesheet" href="/static/css/site.css">' in html  # the site's style
    assert '<form class="error-search" method="get" action="/insatser/"' in html
    assert '<input type="search" name="q" id="error-q"' in html
    assert '<a href="/">' in html  # a way back
    return html


@pytest.mark.parametrize(
    ("language", "heading", "way_back"),
    [("sv", "Sidan finns inte", "Till startsidan"), ("en", "Page not found", "To the home page")],
)
def test_404_in_both_languages(client, language, heading, way_back):
    response = client.get("/finns-inte/", headers={"accept-language": language})
    html = assert_error_page(response, 404, heading)
    assert f'<html lang="{language}">' in html
    assert way_back in html


def test_404_for_a_missing_measure(client):
    assert_error_page(client.get("/insatser/999999/"), 404, "Sidan finns inte")


@pytest.mark.parametrize(
    ("language", "heading"),
    [("sv", "Något gick fel hos oss"), ("en", "Something went wrong on our side")],
)
def test_500(client, monkeypatch, language, heading):
    def broken(self, **kwargs):
        raise RuntimeError("test")

    monkeypatch.setattr(region_views.RegionListView, "get_context_data", broken)
    client.raise_request_exception = False
    response = client.get("/regioner/", headers={"accept-language": language})
    assert_error_page(response, 500, heading)


@pytest.mark.parametrize(
    ("language", "heading"),
    [("sv", "Du har inte behörighet till sidan"), ("en", "You do not have access to this page")],
)
def test_403(client, monkeypatch, language, heading):
    def forbidden(self, **kwargs):
        raise PermissionDenied

    monkeypatch.setattr(region_views.RegionListView, "get_context_data", forbidden)
    response = client.get("/regioner/", headers={"accept-language": language})
    assert_error_page(response, 403, heading)


@pytest.mark.parametrize(
    ("language", "heading"),
    [("sv", "Förfrågan kunde inte tolkas"), ("en", "The request could not be understood")],
)
def test_400(client, language, heading):
    client.raise_request_exception = False
    response = client.get("/", headers={"host": "evil.example", "accept-language": language})
    assert_error_page(response, 400, heading)


def test_favicon_is_linked_and_served(client):
    from django.contrib.staticfiles import finders

    html = client.get("/finns-inte/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert finders.find("favicon.svg")
