"""Shared test settings."""

import pytest


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Pages are rendered afresh in tests; tests of the page cache turn it on themselves."""
    settings.PAGE_CACHE_SECONDS = 0
