"""The pages against the real search module and a small index in a temporary folder."""

import re

import pytest

from catalogue import search
from tests.catalogue.view_fixtures import PLAIN_STORAGES, build_catalogue

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def plain_static(settings):
    settings.STORAGES = PLAIN_STORAGES
    settings.LANGUAGE_CODE = "sv"


@pytest.fixture
def index_dir(tmp_path, settings):
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    search.reset()
    yield settings.SEARCH_INDEX_DIR
    search.reset()


@pytest.fixture
def cat(index_dir):
    catalogue = build_catalogue()
    assert search.rebuild() == 7
    return catalogue


def names_in_table(html: str) -> list[str]:
    body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<th scope="row"[^>]*>\s*<a href="/insatser/\d+/">([^<]+)</a>', body)


def test_search_finds_inflected_forms_and_highlights(client, cat):
    html = client.get("/insatser/", {"q": "landsbygd"}).content.decode()
    assert names_in_table(html) == ["Service på landsbygden"]
    assert "<mark>" in html.split("<tbody", 1)[1]
    assert "1 insats" in html


def test_search_combines_with_facets(client, cat):
    html = client.get(
        "/insatser/", {"q": "kompetensförsörjning", "region": "orebro"}
    ).content.decode()
    assert names_in_table(html) == []
    assert "0 insatser" in html
    # the region facet still tells where the query has hits
    assert re.search(r'name="region" value="skane"[^>]*>\s*Skåne <span class="count">\(1\)', html)


def test_search_export_matches_the_page(client, cat):
    html = client.get("/insatser/", {"q": "klimat"}).content.decode()
    response = client.get("/insatser/", {"q": "klimat", "format": "csv"})
    rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    exported = [line.split(",")[7] for line in rows[1:]]
    assert exported == names_in_table(html)
    assert exported  # "Klimatomställning i näringslivet"


def test_measure_page_shows_similar_measures_from_the_index(client, cat):
    measure = cat.measures["kompetens"]
    html = client.get(measure.get_absolute_url()).content.decode()
    similar = html.split('class="similar"', 1)[1].split("</ul>", 1)[0]
    assert re.search(r"\((Gotland|Örebro), kapitel \d\)", similar)
    assert "(Skåne," not in similar  # other regions only


def test_missing_index_says_search_is_being_rebuilt(client, index_dir):
    catalogue = build_catalogue()  # no rebuild: the index folder is empty
    response = client.get("/insatser/", {"q": "landsbygd"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "sökindexet byggs om" in html
    assert len(names_in_table(html)) == 7
    measure_page = client.get(catalogue.measures["kompetens"].get_absolute_url())
    assert measure_page.status_code == 200
    assert 'class="similar"' not in measure_page.content.decode()


def test_misspelling_offers_did_you_mean(client, cat):
    html = client.get("/insatser/", {"q": "landsbgyden"}).content.decode()
    # Nothing found: the near word's hits are listed, and the page says so.
    assert "Ingen insats innehöll <q>landsbgyden</q>" in html
    assert "<strong>landsbygden</strong>" in html
    assert names_in_table(html) == ["Service på landsbygden"]
    html = client.get("/insatser/", {"q": "landsbgyden service"}).content.decode()
    assert 'Menade du <a href="?q=landsbygden+service">landsbygden service</a>?' in html
    html = client.get("/insatser/", {"q": "landsbygden"}).content.decode()
    assert names_in_table(html) == ["Service på landsbygden"]
