"""The comparison pages in headless Chromium: axe-core finds no violations in Swedish and
English, at desktop and phone width; the list's "compare" button leads to the comparison."""

import pytest

from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser

PAGES = [
    "/jamfor/?region=skane&region=gotland&region=orebro",
    "/jamfor/?region=skane",
    "/kapitel/8/",
    "/regioner/skane/mal/",
    "/mal/agenda-2030/",
]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_no_axe_violations(site, page, path, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": site.url}])
    page.goto(site.url + path)
    assert page.locator("html").get_attribute("lang") == language
    violations = axe_violations(page)
    assert violations == [], violations


@pytest.mark.parametrize("path", PAGES)
def test_phone_width_no_violations_and_no_sideways_scroll(site, phone_page, path):
    phone_page.goto(site.url + path)
    overflow = phone_page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, path
    violations = axe_violations(phone_page)
    assert violations == [], violations


def test_charts_fit_their_column(site, page):
    page.goto(site.url + PAGES[0])
    charts = page.locator("svg.chart")
    assert charts.count() == 3
    for index in range(3):
        box = charts.nth(index).bounding_box()
        figure = page.locator("figure.chart-figure").nth(index).bounding_box()
        assert box["width"] > 200 and box["x"] + box["width"] <= figure["x"] + figure["width"] + 1


def test_compare_the_regions_chosen_in_the_list(site, page):
    page.goto(site.url + "/insatser/")
    # Each ticked box applies at once (filters.js): wait for the list before the next.
    page.locator('input[name="region"][value="skane"]').check()
    page.wait_for_url("**region=skane**")
    page.locator('input[name="region"][value="orebro"]').check()
    page.wait_for_url("**region=orebro**")
    page.get_by_role("button", name="Jämför markerade regioner").click()
    page.wait_for_url("**/jamfor/**")
    assert page.locator("h1").inner_text() == "Jämför: Skåne, Örebro"


def test_pages_work_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False, locale="sv-SE")
    page = context.new_page()
    page.goto(site.url + "/regioner/gotland/mal/")
    assert "Mål och kapitel" in page.locator("h1").inner_text()
    page.goto(site.url + "/jamfor/?region=skane&region=gotland")
    assert page.locator("svg.chart").count() == 3
    page.goto(site.url + "/kapitel/8/")
    assert page.locator("table.by-question").count() == 6
    context.close()
