"""The admin for editors: the rich-text editor on the HTML fields (its output sanitized on save),
goal rows with their framework, Swedish plurals and the third-party admin strings in Swedish."""

# ruff: noqa: F811 (the admin tests' fixtures, imported by name, are the tests' parameters)

import pytest

from catalogue.models import ErrorReport, Goal
from tests.catalogue.test_admin import (  # noqa: F401 (fixtures)
    admin_url,
    editor,
    editor_client,
    index_calls,
    measure,
    plain_static_files,
    report,
    save_measure,
)

HTML_FIELDS = ("description_html", "outputs_html", "effects_html", "goals_html")


def test_html_fields_get_the_rich_text_editor_without_inline_script(measure, editor_client):
    html = editor_client.get(admin_url(measure)).content.decode()
    for name in HTML_FIELDS:
        assert f'name="{name}"' in html
    assert html.count("data-rich-text") == len(HTML_FIELDS)
    assert '<script src="/static/js/admin-editor.js" type="module"></script>' in html
    assert 'href="/static/css/admin-editor.css"' in html
    assert 'type="importmap"' not in html  # an inline import map would break the CSP
    assert "<script>" not in html


def test_the_editor_module_imports_the_bundle_by_path_and_injects_no_style():
    from django.contrib.staticfiles import finders

    with open(finders.find("js/admin-editor.js"), encoding="utf-8") as file:
        module = file.read()
    assert 'from "../django_prose_editor/editor.js"' in module
    assert "injectCSS: false" in module
    assert finders.find("django_prose_editor/editor.js")


def test_editor_output_is_sanitized_on_save(measure, editor_client, index_calls):
    # What ProseMirror sends for bold, italics and a list, plus what a crafted request could add.
    sent = (
        "<p>Stöd till <strong>små</strong> <em>företag</em>.</p><ul><li><p>Ett</p></li>"
        '<li><p>Två</p></li></ul><h2>Rubrik</h2><p><a href="https://evil.example">länk</a>'
        '<span style="color:red" onclick="x()">röd</span><img src=x onerror=alert(1)></p>'
        "<script>alert(1)</script>"
    )
    save_measure(editor_client, measure, description_html=sent, effects_html="<p></p>")
    measure.refresh_from_db()
    assert measure.description_html == (
        "<p>Stöd till <strong>små</strong> <em>företag</em>.</p><ul><li><p>Ett</p></li>"
        "<li><p>Två</p></li></ul>Rubrik<p>länkröd</p>"
    )
    assert measure.description.splitlines() == [
        "Stöd till små företag.",
        "Ett",
        "Två",
        "Rubrik",
        "länkröd",
    ]
    assert measure.effects_html == ""  # the editor's empty paragraph stores nothing
    assert measure.curated


def test_goal_rows_show_their_framework(measure, editor_client):
    html = editor_client.get(admin_url(measure)).content.decode()
    assert "Ramverk" in html or "ramverk" in html
    assert Goal.objects.get(sdg=8).get_framework_display() in html
    assert ">Goal<" not in html and ">goal<" not in html


@pytest.mark.parametrize(("count", "label"), [(0, "0 nya"), (1, "1 ny"), (2, "2 nya")])
def test_new_error_reports_use_swedish_plurals(measure, editor_client, count, label):
    for number in range(count):
        ErrorReport.objects.create(measure=measure, message=f"Fel {number}.")
    html = editor_client.get(admin_url(measure)).content.decode()
    assert f">{label}</a>" in html


def test_new_error_reports_in_english(measure, editor_client):
    ErrorReport.objects.create(measure=measure, message="Fel.")
    html = editor_client.get(admin_url(measure), headers={"accept-language": "en"}).content
    assert b">1 new</a>" in html


def test_login_lockout_and_history_are_in_swedish(admin_client, measure):
    index = admin_client.get("/admin/").content.decode()
    assert "Inloggningsspärr" in index
    assert "Inloggningsförsök" in index and "Misslyckade inloggningar" in index
    assert "Access attempts" not in index and "Axes" not in index
    attempts = admin_client.get("/admin/axes/accessattempt/").content.decode()
    assert "IP-adress" in attempts or "inloggningsförsök" in attempts
    history = admin_client.get(admin_url(measure, "history")).content.decode()
    assert "Ändrad av" in history or "Objektet har ingen ändringshistorik." in history


def test_admin_pages_link_the_favicon(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
