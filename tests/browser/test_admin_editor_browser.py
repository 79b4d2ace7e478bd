"""The admin's rich-text editor in a real browser, under the site's Content Security Policy: an
editor makes a word bold and adds a list without typing HTML; what is stored is sanitized."""

import re

import pytest

from tests.browser.test_admin_browser import PASSWORD, editor, log_in  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_editor_formats_text_without_html_and_without_csp_violations(site, browser, editor):  # noqa: F811
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    violations = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    page.on("pageerror", lambda error: violations.append(str(error)))
    try:
        measure = site.catalogue.measures["vindkraft"]
        log_in(page, site, editor.username, PASSWORD)
        page.wait_for_url(re.compile(r"/admin/$"))
        page.goto(f"{site.url}/admin/catalogue/measure/{measure.pk}/change/")
        editors = page.locator(".prose-editor .ProseMirror")
        assert editors.count() == 4  # description, outputs, effects, goals
        assert not page.locator("#id_description_html").is_visible()  # no raw HTML box
        effects = editors.nth(2)
        effects.click()
        page.keyboard.press("Control+a")
        page.keyboard.type("Fler ")
        page.keyboard.press("Control+b")
        page.keyboard.type("företag")
        page.keyboard.press("Control+b")
        page.keyboard.type(" växte.")
        page.keyboard.press("Enter")
        page.keyboard.type("- Ett")  # an input rule: a dash starts a bulleted list
        page.keyboard.press("Enter")
        page.keyboard.type("Två")
        page.locator("input[name=_save]").click()
        page.wait_for_url(re.compile(r"/admin/catalogue/measure/$"))
        measure.refresh_from_db()
        assert measure.effects_html == (
            "<p>Fler <strong>företag</strong> växte.</p>"
            "<ul><li><p>Ett</p></li><li><p>Två</p></li></ul>"
        )
        assert measure.effects.splitlines() == ["Fler företag växte.", "Ett", "Två"]
        assert violations == []
    finally:
        context.close()
