"""Curation in a real browser: an editor logs in, renames a measure, and the public search finds
it by its new name at once."""

import re

import pytest
from django.contrib.auth.models import Group, User

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "redaktörens-lösenord-2026"


@pytest.fixture
def editor(site):
    user = User.objects.create_user("redaktor", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Redaktör"))
    return user


def log_in(page, site, username, password):
    page.goto(site.url + "/admin/login/?next=/admin/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("input[type=submit]").click()


def test_editor_renames_a_measure_and_search_finds_the_new_name(site, page, editor):
    measure = site.catalogue.measures["vindkraft"]
    new_name = "Havsbaserad vindkraft i Hanöbukten"

    log_in(page, site, editor.username, PASSWORD)
    page.wait_for_url(re.compile(r"/admin/$"))

    page.goto(f"{site.url}/admin/catalogue/measure/{measure.pk}/change/")
    name = page.locator("#id_name")
    assert name.input_value() == "Vindkraftsetablering till havs"
    name.fill(new_name)
    page.locator("input[name=_save]").click()
    page.wait_for_url(re.compile(r"/admin/catalogue/measure/$"))
    assert page.locator("ul.messagelist li.success").count() == 1

    # The public search, in the same browser, finds the new wording straight away.
    page.goto(site.url + "/insatser/?q=Hanöbukten")
    assert page.locator("#results-heading").inner_text() == "1 insats"
    link = page.get_by_role("link", name=new_name)
    assert link.is_visible()
    link.click()
    assert page.locator("h1").inner_text() == new_name

    measure.refresh_from_db()
    assert measure.curated
    assert measure.history.first().history_user == editor


def test_wrong_passwords_lock_the_login(site, page, editor, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        log_in(page, site, editor.username, f"fel-{attempt}")
    log_in(page, site, editor.username, PASSWORD)
    assert "/admin/login/" in page.url
    assert "too many login attempts" in page.content() or "för många" in page.content().lower()


def test_visitor_reports_an_error_and_the_editor_sees_it(site, page, editor, monkeypatch):
    from catalogue import feedback

    monkeypatch.setattr(feedback, "MIN_SECONDS", 0)  # the server runs in this process
    measure = site.catalogue.measures["vindkraft"]
    page.goto(f"{site.url}/insatser/{measure.pk}/")
    page.get_by_role("link", name="Rapportera fel").click()
    page.get_by_label("Vad är fel?").fill("Insatsen hör till kapitel 4, inte 7.")
    page.get_by_role("button", name="Skicka rapporten").click()
    assert page.get_by_text("Tack för din rapport!").is_visible()

    log_in(page, site, editor.username, PASSWORD)
    page.goto(site.url + "/admin/catalogue/errorreport/")
    assert page.get_by_text("Insatsen hör till kapitel 4, inte 7.").is_visible()
