"""{% fragment %} (catalogue/templatetags/fragments.py): the stretches every page shows alike are
rendered once per language and key, and a page made from kept fragments is the page made afresh,
in both languages, after an edit and with a new edition."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation

from catalogue import snapshot, tables
from catalogue.templatetags import fragments
from tests.catalogue.edition_fixtures import build_second_edition
from tests.catalogue.view_fixtures import PLAIN_STORAGES, build_catalogue, install_fake_search


@pytest.fixture(autouse=True)
def plain_static(settings):
    settings.STORAGES = PLAIN_STORAGES
    settings.LANGUAGE_CODE = "sv"


def test_a_fragment_is_rendered_once_per_key_and_language():
    template = Template(
        "{% load i18n fragments %}{% fragment key %}{{ shown }} {% translate 'Insatser' %}"
        "{% endfragment %}"
    )
    with translation.override("sv"):
        assert template.render(Context({"key": 1, "shown": "a"})) == "a Insatser"
        # The same key: the kept text, whatever else the context holds.
        assert template.render(Context({"key": 1, "shown": "b"})) == "a Insatser"
        assert template.render(Context({"key": 2, "shown": "b"})) == "b Insatser"
    with translation.override("en"):
        assert template.render(Context({"key": 1, "shown": "c"})) == "c Measures"


def test_a_fragment_keeps_the_variables_it_sets_inside():
    template = Template(
        "{% load i18n fragments %}{% fragment %}{% with x='inne' %}{{ x }}{% endwith %}"
        "{% get_current_language as lang %}{% endfragment %}[{{ lang }}]"
    )
    # Rendered, then kept: the same text either way.
    assert template.render(Context()) == template.render(Context()) == "inne[]"


def test_a_fragment_holds_no_block():
    with pytest.raises(TemplateSyntaxError):
        Template(
            "{% load fragments %}{% fragment %}{% block title %}{% endblock %}{% endfragment %}"
        )


def test_a_changed_setting_empties_the_store(settings):
    template = Template(
        "{% load static fragments %}{% fragment %}{% static 'a.css' %}{% endfragment %}"
    )
    settings.STATIC_URL = "/s1/"
    assert template.render(Context()) == "/s1/a.css"
    settings.STATIC_URL = "/s2/"
    assert template.render(Context()) == "/s2/a.css"


@pytest.fixture
def cat(db, monkeypatch):
    install_fake_search(monkeypatch)
    catalogue = build_catalogue()
    snapshot.current()
    return catalogue


PAGES = [
    "/insatser/?q=innovation&region=skane",
    "/insatser/?q=innovation&sort=-region",
    "/insatser/?region=skane&sort=-name&per_page=50",
    "/insatser/",
    "/regioner/",
    "/mal/",
]


def pages(client, urls=PAGES) -> list[str]:
    return [client.get(url).content.decode() for url in urls]


def afresh(client, urls=PAGES) -> list[str]:
    """The pages with nothing kept: no fragment, no table header (MeasureTable.header_html)."""
    fragments.forget()
    tables._HEADER_PARTS.clear()
    return pages(client, urls)


@pytest.mark.django_db
def test_pages_from_kept_fragments_are_the_pages_made_afresh(client, cat):
    swedish = afresh(client)
    client.cookies["django_language"] = "en"
    english = pages(client)  # the Swedish fragments are kept: none of them may show
    assert english == afresh(client)
    assert "Search the measures" in english[0] and "Sök bland" not in english[0]
    assert "(sort)</span>" in english[1] and "sortera" not in english[1]  # the table header
    del client.cookies["django_language"]
    assert pages(client) == swedish


@pytest.mark.django_db
def test_an_edit_and_a_new_edition_show_at_once(client, cat):
    pages(client)  # fragments kept before the edit
    cat.report.title = "Tabellbilaga, rättad titel"
    cat.report.save()
    measure = cat.measures["innovation"]
    measure.name = "Innovationsstöd, nytt namn"
    measure.save()
    edited = pages(client)
    assert "<cite>Tabellbilaga, rättad titel</cite>" in edited[0]  # the footer's fragment
    assert "Innovationsstöd, nytt namn" in edited[0]
    assert edited == afresh(client)
    build_second_edition(cat)
    # The older edition's pages (their links keep ?year=2023) and the new latest one's.
    urls = [*PAGES, "/insatser/?year=2023&q=innovation", "/regioner/?year=2023"]
    shown = pages(client, urls)
    assert 'href="/regioner/?year=2023"' in shown[-2]
    assert shown == afresh(client, urls)
