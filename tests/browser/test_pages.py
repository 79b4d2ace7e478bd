"""The site in a real browser: search, filter, follow a link, switch language, and accessibility."""

import re

import pytest

from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_from_the_home_page(site, page):
    page.goto(site.url + "/")
    page.get_by_label("Sök bland insatserna").fill("landsbygden")
    page.get_by_role("button", name="Sök", exact=True).click()
    page.wait_for_url(re.compile(r"/insatser/\?q=landsbygden"))
    assert page.locator("#results-heading").inner_text() == "1 insats"
    assert page.locator("table.measures tbody mark").count() >= 1
    assert page.get_by_role("link", name="Service på landsbygden").is_visible()


def test_filter_and_back_button(site, page):
    page.goto(site.url + "/insatser/")
    assert page.locator("#results-heading").inner_text() == "7 insatser"
    # a region with no measures in the chosen chapter is shown, but disabled
    # the filter applies as soon as it changes (static/js/filters.js)
    page.get_by_role("checkbox", name=re.compile(r"^Gotland \(2\)")).check()
    page.wait_for_url(re.compile(r"region=gotland"))
    assert page.locator("#results-heading").inner_text() == "2 insatser"
    assert page.get_by_role("checkbox", name=re.compile(r"^7 Miljö och klimat \(0\)")).is_disabled()
    page.go_back()
    page.wait_for_url(re.compile(r"/insatser/$"))
    assert page.locator("#results-heading").inner_text() == "7 insatser"


def test_follow_a_measure_link(site, page):
    page.goto(site.url + "/insatser/?region=skane&sort=name")
    page.get_by_role("link", name="Innovationsstöd för små företag").click()
    assert page.locator("h1").inner_text() == "Innovationsstöd för små företag"
    assert "Rapport 0480, tabellbilaga, kapitel 3, rad 412" in page.content()
    page.get_by_role("link", name="Region Skåne").click()
    assert page.locator("h1").inner_text() == "Region Skåne"


def test_switch_language_and_back(site, page):
    page.goto(site.url + "/insatser/?region=skane")
    page.get_by_role("button", name="English").click()
    page.wait_for_url(re.compile(r"/insatser/\?region=skane$"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#results-heading").inner_text() == "3 measures"
    assert page.get_by_role("heading", name="Filter", exact=True).is_visible()
    page.get_by_role("button", name="Svenska").click()
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator("#results-heading").inner_text() == "3 insatser"


def test_skip_link_is_first_and_visible_on_focus(site, page):
    page.goto(site.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box["y"] >= 0


def test_phone_sized_screen_has_no_horizontal_scroll(site, phone_page):
    for path in ["/", "/insatser/?q=kompetens", "/regioner/gotland/"]:
        phone_page.goto(site.url + path)
        overflow = phone_page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, path


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/insatser/",
        "/insatser/?q=kompetens&region=skane",
        "measure",
        "/regioner/",
        "/regioner/gotland/",
        "/kapitel/3/",
        "/kapitel/8/",
        "/mal/",
        "/finns-inte/",
    ],
)
@pytest.mark.parametrize("language", ["sv", "en"])
def test_pages_have_no_axe_violations(site, page, path, language):
    if path == "measure":
        path = site.catalogue.measures["vindkraft"].get_absolute_url()
    page.context.add_cookies([{"name": "django_language", "value": language, "url": site.url}])
    page.goto(site.url + path)
    assert page.locator("html").get_attribute("lang") == language
    violations = axe_violations(page)
    assert violations == [], violations


@pytest.mark.parametrize("path", ["/", "/insatser/?q=kompetens", "/insatser/?region=skane"])
def test_phone_sized_pages_have_no_axe_violations(site, phone_page, path):
    phone_page.goto(site.url + path)
    violations = axe_violations(phone_page)
    assert violations == [], violations
