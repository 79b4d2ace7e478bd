"""The review list of links between editions in headless Chromium: it fits a 1280 px screen
without sideways scrolling, even with the longest measure names of the bundled report."""

import pytest
from django.contrib.auth.models import Group, User

from catalogue.models import Measure
from tests.browser.test_admin_browser import PASSWORD, log_in
from tests.catalogue.edition_fixtures import build_second_edition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# 119 characters, as long as the bundled report's longest measure names.
LONG_NAME = (
    "Redovisning i enlighet med Skolverkets efterfrågan av regionala planeringsunderlag inför "
    "dimensionering- och planering"
)


@pytest.fixture
def reviewer(site):
    editions = build_second_edition(site.catalogue)
    kompetens = editions.measures["kompetens"]
    Measure.objects.filter(pk=kompetens.pk).update(name=LONG_NAME)
    Measure.objects.filter(pk=site.catalogue.measures["kompetens"].pk).update(name=LONG_NAME)
    user = User.objects.create_user("granskare", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Redaktör"))
    return user


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_review_list_fits_1280_pixels(site, page, reviewer, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": site.url}])
    log_in(page, site, reviewer.username, PASSWORD)
    page.goto(site.url + "/admin/catalogue/lineage/")
    page.screenshot(path=f"/tmp/polish-lineage-{language}.png", full_page=True)
    widths = page.evaluate(
        """() => {
            const results = document.querySelector('#changelist .results');
            return {page: document.documentElement.scrollWidth, view: window.innerWidth,
                    results: results.scrollWidth, box: results.clientWidth};
        }"""
    )
    assert widths["page"] <= widths["view"], widths
    assert widths["results"] <= widths["box"], widths
    # Nothing is lost: the full name is in the row (the link's title if the text is cut).
    row = page.locator("#result_list tbody tr", has_text="Redovisning i enlighet").first
    assert LONG_NAME in row.inner_text() or row.locator(f'a[title="{LONG_NAME}"]').count() == 1
