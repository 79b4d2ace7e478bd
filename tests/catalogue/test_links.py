"""Clean links (empty parameters redirect), out-of-range pages, the filter chips and the sort
select of the measures list."""

import pytest
from django.template import Context, Template
from django.utils.html import escape

from catalogue import links
from tests.catalogue.view_fixtures import PLAIN_STORAGES, build_catalogue, install_fake_search

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def plain_static(settings):
    settings.STORAGES = PLAIN_STORAGES


@pytest.fixture
def cat(monkeypatch):
    install_fake_search(monkeypatch)
    return build_catalogue()


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("/insatser/?framework=&sdg=&year=", "/insatser/"),
        ("/insatser/?q=&region=skane&chapter=", "/insatser/?region=skane"),
        ("/insatser/?region=", "/insatser/"),
        ("/insatser/?chapter=", "/insatser/"),
        (
            "/insatser/?region=skane&region=&region=gotland",
            "/insatser/?region=skane&region=gotland",
        ),
        ("/insatser/?q=+&sort=", "/insatser/"),
        ("/kapitel/7/?framework=&q=vind", "/kapitel/7/?q=vind"),
        ("/mal/?x=", "/mal/"),
        ("/?q=", "/"),
    ],
)
def test_empty_parameters_redirect_to_the_clean_link(client, cat, url, target):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == target
    assert client.get(target).status_code == 200


def test_a_clean_link_is_not_redirected(client, cat):
    assert client.get("/insatser/?region=skane&q=vind").status_code == 200


@pytest.mark.parametrize(
    ("page", "target"),
    [
        ("99", "/insatser/?per_page=25&page=2"),
        ("0", "/insatser/?per_page=25"),
        ("-3", "/insatser/?per_page=25"),
        ("abc", "/insatser/?per_page=25"),
    ],
)
def test_a_page_out_of_range_redirects_to_one_that_exists(client, cat, page, target):
    from tests.catalogue.view_fixtures import make_measure

    for line in range(30):  # 37 measures: two pages of 25
        make_measure(
            cat.report,
            cat.measures["besok"].region,
            cat.measures["besok"].chapter,
            f"Extra {line}",
            line=5000 + line,
        )
    response = client.get("/insatser/", {"per_page": "25", "page": page})
    assert response.status_code == 302
    assert response["Location"] == target


def test_chips_remove_one_filter_each_and_clear_all(client, cat):
    html = client.get(
        "/insatser/", {"q": "kompetens", "region": ["skane", "orebro"], "curated": "on"}
    ).content.decode()
    assert 'class="chips"' in html
    assert (
        '<a class="chip" href="/insatser/?region=skane&amp;region=orebro&amp;curated=on">' in html
    )
    assert '<a class="chip" href="/insatser/?q=kompetens&amp;region=orebro&amp;curated=on">' in html
    assert (
        '<a class="chip" href="/insatser/?q=kompetens&amp;region=skane&amp;region=orebro">' in html
    )
    assert '<a class="clear-all" href="/insatser/">Rensa alla</a>' in html
    assert 'class="chips"' not in client.get("/insatser/").content.decode()


def test_sort_select_offers_relevance_and_every_column(client, cat):
    html = client.get("/insatser/", {"q": "kompetens", "sort": "-name"}).content.decode()
    assert '<select name="sort" id="id_sort">' in html
    assert '<option value="">Relevans</option>' in html
    assert '<option value="-name" selected>Namn, Ö–A</option>' in html
    plain = client.get("/insatser/").content.decode()
    assert '<option value="" selected>Kapitel och region (standard)</option>' in plain


def test_the_list_works_without_javascript_and_loads_its_script(client, cat):
    html = client.get("/insatser/").content.decode()
    assert "Sök och filtrera" in html  # the search button applies the filters too
    assert "Sökknappen använder också filtren" in html
    assert '<p class="facet-actions">' in html  # the apply button (sticky in the panel)
    assert '<details class="filter-panel" id="filters">' in html
    assert 'src="/static/js/filters.js" defer' in html
    assert "<script>" not in html  # no inline script (CSP)
    assert 'class="copy-link secondary" hidden' in html  # shown by the script only


def test_rows_without_a_search_show_the_start_of_the_description(client, cat):
    html = client.get("/insatser/", {"region": "skane", "chapter": "7"}).content.decode()
    assert '<p class="summary-line">Beskrivning av vindkraftsetablering till havs.</p>' in html
    searched = client.get("/insatser/", {"q": "kompetens"}).content.decode()
    assert "summary-line" not in searched  # a search shows its excerpt instead


def test_printed_pages_say_where_and_when(client, cat):
    from django.utils import timezone

    html = client.get("/insatser/?region=skane").content.decode()
    today = timezone.localdate().isoformat()
    assert (
        '<p class="print-only print-header wrap">Insatskatalogen · '
        f"http://testserver/insatser/?region=skane · hämtad {today}</p>"
    ) in html


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=kompetens",
        "q=studie-+och+yrkesv%C3%A4gledning&region=skane&region=gotland&page=3",
        "q=a%26b%3Dc+%22x%22+%3Cy%3E&sort=-name&format=csv",
        "page=2",
        "q=%E2%80%93+%C3%A5%C3%A4%C3%B6&per_page=50&curated=on&sep=semicolon",
    ],
)
@pytest.mark.parametrize(
    "changes",
    [
        {"page": None},
        {"sort": "name", "page": None},
        {"format": "csv", "sep": "semicolon", "page": None},
        {"page": 4},
        {"q": "vätgas & sol", "page": None},
        {"region": ["uppsala", "skane"]},
        {"missing": None},
    ],
)
def test_query_with_is_the_querystring_tag(query, changes, rf):
    """links.query_with and {% query_with %} give what Django's {% querystring %} gives."""
    request = rf.get(f"/insatser/?{query}")
    context = Context({"request": request, "changes": changes})
    context.request = request
    arguments = " ".join(f"{name}=changes.{name}" for name in changes)
    django = Template(f"{{% querystring {arguments} %}}").render(context)
    ours = Template(f"{{% load catalogue_tags %}}{{% query_with {arguments} %}}").render(context)
    assert ours == django
    assert escape(links.query_with(request.GET, **changes)) == django


def reference_without(params, name, value=None) -> str:
    """links.without as it was, on a copy of the QueryDict."""
    params = params.copy()
    params.pop("page", None)
    if value is None:
        params.pop(name, None)
    else:
        remaining = [v for v in params.getlist(name) if v != value]
        params.setlist(name, remaining)
        if not remaining:
            del params[name]
    return f"?{params.urlencode()}" if params else ""


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=kompetens&page=2",
        "q=a%26b+%C3%A5&region=skane&region=gotland&chapter=2&page=3",
        "region=skane&curated=on&year=alla",
    ],
)
@pytest.mark.parametrize(
    ("name", "value"),
    [("q", None), ("region", "skane"), ("region", "gotland"), ("curated", None), ("x", "y")],
)
def test_without_is_the_copy_it_replaced(query, name, value, rf):
    params = rf.get(f"/insatser/?{query}").GET
    assert links.without(params, name, value) == reference_without(params, name, value)
