"""Everyday use in a real browser: filters that apply where you are (and without JavaScript),
chips, the sort select, the phone layout, copying the link and printing."""

import re

import pytest

from tests.browser.conftest import CHROMIUM_ARGS, axe_violations  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_filter_applies_when_it_changes_and_keeps_the_focus(site, page):
    page.goto(site.url + "/insatser/")
    assert page.get_by_text("Ett filter används direkt när du ändrar det.").is_visible()
    assert not page.get_by_role("button", name="Visa resultat").is_visible()  # not needed
    page.get_by_role("checkbox", name=re.compile(r"^Skåne")).check()
    page.wait_for_url(re.compile(r"/insatser/\?region=skane$"))  # clean: no empty parameters
    assert page.locator("#results-heading").inner_text() == "3 insatser"
    focused = page.evaluate("[document.activeElement.name, document.activeElement.value]")
    assert focused == ["region", "skane"]
    # a radio button too; "Alla" brings the clean link back
    page.get_by_role("radio", name=re.compile(r"^8 Anständiga")).check()
    page.wait_for_url(re.compile(r"sdg=8"))
    page.get_by_role("group", name="Globalt mål (Agenda 2030)").get_by_role(
        "radio", name="Alla", exact=True
    ).check()
    page.wait_for_url(re.compile(r"/insatser/\?region=skane$"))


def test_chips_remove_a_filter_and_clear_all(site, page):
    page.goto(site.url + "/insatser/?region=skane&region=gotland&chapter=3")
    chips = page.locator(".chips .chip")
    assert chips.count() == 3
    page.get_by_role("link", name=re.compile(r"^Region: Gotland")).click()
    page.wait_for_url(re.compile(r"/insatser/\?region=skane&chapter=3$"))
    page.get_by_role("link", name="Rensa alla", exact=True).click()
    page.wait_for_url(re.compile(r"/insatser/$"))
    assert page.locator("#results-heading").inner_text() == "7 insatser"


def test_sort_select_and_back_to_relevance(site, page):
    page.goto(site.url + "/insatser/?q=kompetens")
    page.get_by_label("Sortera").select_option("name")
    page.wait_for_url(re.compile(r"sort=name"))
    names = page.locator("table.measures tbody th a").all_inner_texts()
    assert names == sorted(names)
    page.get_by_label("Sortera").select_option("")
    page.wait_for_url(re.compile(r"/insatser/\?q=kompetens$"))
    assert page.get_by_label("Sortera").input_value() == ""


def test_without_javascript_the_apply_button_is_always_within_reach(site, browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 700}, locale="sv-SE", java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(site.url + "/insatser/")
        page.get_by_role("checkbox", name=re.compile(r"^Örebro")).check()
        button = page.get_by_role("button", name="Visa resultat")
        box = button.bounding_box()
        assert box["y"] + box["height"] <= 700  # sticky at the bottom of the window
        assert page.get_by_role("button", name="Sortera").is_visible()
        button.click()
        page.wait_for_url(re.compile(r"region=orebro"))
        assert page.locator("#results-heading").inner_text() == "2 insatser"
        assert not page.get_by_role("button", name="Kopiera länk").is_visible()
        # The search button applies the filters too.
        page.get_by_label("Sök bland insatserna").fill("kompetens")
        page.get_by_role("button", name="Sök och filtrera").click()
        page.wait_for_url(re.compile(r"q=kompetens"))
        assert "region=orebro" in page.url
    finally:
        context.close()


def test_phone_shows_results_first_and_opens_the_filters(site, phone_page):
    phone_page.goto(site.url + "/insatser/?region=skane")
    summary = phone_page.locator("details.filter-panel > summary")
    assert summary.inner_text() == "Filtrera (1 vald)"
    assert not phone_page.get_by_role("checkbox", name=re.compile(r"^Gotland")).is_visible()
    results = phone_page.locator("#results-heading").bounding_box()
    assert results["y"] < 600  # the results start on the first screen
    assert phone_page.get_by_label("Sortera").is_visible()  # sorting without column headers
    summary.click()
    assert phone_page.get_by_role("checkbox", name=re.compile(r"^Gotland")).is_visible()


def test_copy_link_copies_the_clean_address(site, browser):
    context = browser.new_context(locale="sv-SE")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
    page = context.new_page()
    try:
        page.goto(site.url + "/insatser/?region=skane&chapter=&sdg=")
        page.get_by_role("button", name="Kopiera länk").click()
        page.get_by_text("Länken är kopierad.").wait_for()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == site.url + "/insatser/?region=skane"
    finally:
        context.close()


@pytest.mark.parametrize("landscape", [False, True])
def test_print_shows_the_table_at_full_width_with_address_and_date(site, page, landscape):
    page.set_viewport_size({"width": 1123 if landscape else 794, "height": 900})
    page.goto(site.url + "/insatser/?region=skane")
    page.emulate_media(media="print")
    header = page.locator(".print-header")
    assert header.is_visible()
    assert site.url + "/insatser/?region=skane" in header.inner_text()
    assert not page.locator(".filter-panel").is_visible()
    table = page.locator("table.measures").bounding_box()
    width = page.evaluate("document.documentElement.clientWidth")
    assert table["width"] > 0.9 * width  # not squeezed beside a sidebar
    assert page.locator("table.measures thead").is_visible()  # the real table, not phone blocks
    assert len(page.pdf(format="A4", landscape=landscape)) > 1000
