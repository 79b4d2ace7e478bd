"""Shared test settings."""

import pytest


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Pages are rendered afresh in tests; tests of the page cache turn it on themselves."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """Static files are not collected for tests (a fresh clone has no manifest): pages link
    them through the plain storage instead of the production manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def no_search_rate_limit(settings):
    """Tests search often from one address; tests of the search budget turn it on themselves."""
    settings.SEARCH_RATE_LIMIT = 0
