"""Two editions in headless Chromium: the year choice, the change facet, the changes page and a
measure's timeline work without script and have no axe violations, in Swedish and English."""

import pytest

from tests.browser.conftest import axe_violations
from tests.catalogue.edition_fixtures import build_second_edition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two(site):
    site.editions = build_second_edition(site.catalogue)
    return site


def test_year_choice_shows_the_older_edition(two, page):
    page.goto(two.url + "/regioner/gotland/")
    assert "1 insats redovisad för 2024." in page.content()
    page.select_option("#edition-year", "2023")
    page.get_by_role("button", name="Visa utgåvan").click()
    page.wait_for_url("**/regioner/gotland/?year=2023")
    assert "2 insatser redovisade för 2023." in page.content()


def test_comparison_keeps_its_regions_when_the_edition_changes_without_script(two, browser):
    context = browser.new_context(locale="sv-SE", java_script_enabled=False)
    page = context.new_page()
    page.goto(two.url + "/jamfor/?region=skane&region=gotland")
    page.select_option("#edition-year", "2023")
    page.get_by_role("button", name="Visa utgåvan").click()
    page.wait_for_url("**/jamfor/?region=skane&region=gotland&year=2023")
    assert page.locator("h1").inner_text() == "Jämför: Skåne, Gotland"
    assert page.locator("#edition-year option[selected]").inner_text() == "2023 (Rapport 0480)"
    context.close()


def test_change_facet_narrows_the_list(two, page):
    page.goto(two.url + "/insatser/")
    page.locator('input[name="change"][value="new"]').check()  # applies at once (filters.js)
    page.wait_for_url("**change=new**")
    assert page.locator("#results-heading").inner_text().strip() == "2 insatser"


@pytest.mark.parametrize(
    "path",
    [
        "/?year=2023",
        "/insatser/?year=alla",
        "/insatser/?change=new",
        "/regioner/skane/forandringar/",
        "/regioner/skane/forandringar/?year=2023",
        "timeline",
        "/regioner/gotland/",
        "/jamfor/?region=skane&region=gotland",
    ],
)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_edition_pages_have_no_axe_violations(two, page, path, language):
    if path == "timeline":
        path = two.editions.measures["vindkraft"].get_absolute_url()
    page.context.add_cookies([{"name": "django_language", "value": language, "url": two.url}])
    page.goto(two.url + path)
    assert page.locator("html").get_attribute("lang") == language
    violations = axe_violations(page)
    assert violations == [], violations
