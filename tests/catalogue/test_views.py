"""The public pages: status, key content, facets and their counts, odd input, query counts."""

import json
import re

import pytest
from django.urls import reverse

from catalogue import snapshot
from catalogue.models import Measure
from tests.catalogue.view_fixtures import (
    PLAIN_STORAGES,
    FakeSearch,
    build_catalogue,
    install_fake_search,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def plain_static(settings):
    settings.STORAGES = PLAIN_STORAGES
    settings.LANGUAGE_CODE = "sv"


@pytest.fixture
def fake_search(monkeypatch):
    return install_fake_search(monkeypatch)


@pytest.fixture
def cat(fake_search):
    """The small catalogue, with the snapshot read (seven queries once per change of the data,
    tests/catalogue/test_snapshot.py): the query counts below are a warm page's."""
    catalogue = build_catalogue()
    snapshot.current()
    return catalogue


def streamed_json(response):
    return json.loads(b"".join(response.streaming_content))


def names_in_table(html: str) -> list[str]:
    """The measure names in the results table, in page order."""
    body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<th scope="row"[^>]*>\s*<a href="/insatser/\d+/">([^<]+)</a>', body)


def option(html: str, name: str, value: str) -> str:
    """The <label> of one facet option."""
    match = re.search(
        rf'<label class="option[^"]*">\s*<input type="(?:checkbox|radio)" name="{name}" value="{re.escape(value)}"'
        r"[^>]*>[^<]*<span class=\"count\">\(\d+\)</span>",
        html,
    )
    assert match, f"no option {name}={value}"
    return match.group(0)


def count_of(html: str, name: str, value: str) -> int:
    return int(re.search(r"\((\d+)\)</span>$", option(html, name, value)).group(1))


# --- home -------------------------------------------------------------------------------------


def test_home_has_search_tile_map_chapters_and_overview(client, cat):
    response = client.get(reverse("catalogue:home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'action="/insatser/"' in html and 'name="q"' in html
    # 21 tiles, each a link with the name and the count
    assert html.count('class="tile shade-') == 21
    assert re.search(
        r'href="/regioner/skane/">\s*<span class="tile-name">Skåne</span>\s*'
        r'<span class="tile-count">3 insatser</span>',
        html,
    )
    assert "tile shade-4" in html  # Skåne has the most measures
    assert "tile shade-0" in html  # regions without measures
    assert "Kompetensförsörjning och kompetensutveckling i hela landet" in html
    # overview cell: Skåne × chapter 7 links to the filtered list
    assert 'href="/insatser/?region=skane&amp;chapter=7"' in html
    assert '<a href="/insatser/">7</a>' in html  # grand total


def test_home_query_count_is_bounded(client, cat, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        client.get(reverse("catalogue:home"))


# --- the measures list ------------------------------------------------------------------------


def test_list_shows_all_measures_with_counts(client, cat):
    response = client.get(reverse("catalogue:measure-list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "7 insatser" in html
    assert len(names_in_table(html)) == 7
    assert count_of(html, "region", "skane") == 3
    assert count_of(html, "region", "gotland") == 2
    assert count_of(html, "chapter", "7") == 2
    assert count_of(html, "framework", "agenda2030") == 5
    assert count_of(html, "sdg", "8") == 3
    assert count_of(html, "year", "") == 7  # the latest edition (2023 here) is sent empty
    assert re.search(
        r'name="curated" value="on"[^>]*>\s*Bara kurerade <span class="count">\(1\)', html
    )


def test_facet_counts_follow_the_other_filters(client, cat):
    html = client.get("/insatser/", {"chapter": "7"}).content.decode()
    assert "2 insatser" in html
    # region counts given chapter 7: Skåne 1, Örebro 1, Gotland 0 (disabled, still shown)
    assert count_of(html, "region", "skane") == 1
    assert count_of(html, "region", "orebro") == 1
    gotland = option(html, "region", "gotland")
    assert "disabled" in gotland and "(0)" in gotland
    # the chapter facet ignores its own selection: the other chapters keep their counts
    assert count_of(html, "chapter", "2") == 2
    assert 'value="7" checked' in option(html, "chapter", "7")
    assert count_of(html, "sdg", "13") == 2
    assert count_of(html, "sdg", "8") == 0


def test_multiple_regions_and_chapters_combine(client, cat):
    html = client.get(
        "/insatser/", {"region": ["skane", "orebro"], "chapter": ["2", "7"]}
    ).content.decode()
    assert sorted(names_in_table(html)) == sorted(
        [
            "Kompetensförsörjning i vården",
            "Vindkraftsetablering till havs",
            "Kompetenslyft för industrin",
            "Klimatomställning i näringslivet",
        ]
    )


def test_goal_framework_sdg_year_and_curated_filters(client, cat):
    names = names_in_table(
        client.get("/insatser/", {"framework": "regionalfonden"}).content.decode()
    )
    assert sorted(names) == ["Innovationsstöd för små företag", "Vindkraftsetablering till havs"]
    names = names_in_table(client.get("/insatser/", {"sdg": "13"}).content.decode())
    assert sorted(names) == ["Klimatomställning i näringslivet", "Vindkraftsetablering till havs"]
    assert len(names_in_table(client.get("/insatser/", {"year": "2023"}).content.decode())) == 7
    names = names_in_table(client.get("/insatser/", {"curated": "on"}).content.decode())
    assert names == ["Besöksnäring året runt"]


def test_query_orders_by_relevance_and_shows_excerpts(client, cat, fake_search):
    response = client.get("/insatser/", {"q": "kompetens"})
    html = response.content.decode()
    assert response.status_code == 200
    assert fake_search.calls == ["kompetens"]  # one search per page, facets included
    # the fake ranks newer measures first; the table keeps that order
    assert names_in_table(html) == ["Kompetenslyft för industrin", "Kompetensförsörjning i vården"]
    assert '<option value="" selected>Relevans</option>' in html  # the sort select
    assert '<p class="excerpt">… <mark>kompetens</mark> …</p>' in html
    assert count_of(html, "region", "orebro") == 1
    assert count_of(html, "region", "gotland") == 0


def test_query_with_a_column_sort_uses_that_order(client, cat):
    html = client.get("/insatser/", {"q": "kompetens", "sort": "name"}).content.decode()
    assert names_in_table(html) == ["Kompetensförsörjning i vården", "Kompetenslyft för industrin"]
    assert "Sorterade efter relevans." not in html
    assert 'aria-sort="ascending"' in html


def test_sorting_by_region_descending(client, cat):
    html = client.get("/insatser/", {"sort": "-region"}).content.decode()
    assert names_in_table(html)[0] in {
        "Kompetenslyft för industrin",
        "Klimatomställning i näringslivet",
    }
    assert 'aria-sort="descending"' in html


def test_did_you_mean_links_to_the_suggestion(client, monkeypatch):
    install_fake_search(monkeypatch, FakeSearch(suggestion="kompetens"))
    build_catalogue()
    html = client.get("/insatser/", {"q": "kompetns", "region": "skane"}).content.decode()
    assert "Menade du" in html
    assert 'href="?q=kompetens&amp;region=skane"' in html


def test_unavailable_search_says_it_is_being_rebuilt_and_still_lists(client, monkeypatch):
    install_fake_search(monkeypatch, FakeSearch(available=False))
    build_catalogue()
    response = client.get("/insatser/", {"q": "kompetens", "region": "gotland"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "sökindexet byggs om" in html
    assert len(names_in_table(html)) == 2  # the region filter still applies


def test_pagination_and_page_size(client, cat):
    report, region, chapter = (
        cat.report,
        cat.measures["kompetens"].region,
        cat.measures["kompetens"].chapter,
    )
    Measure.objects.bulk_create(
        Measure(
            report=report,
            region=region,
            chapter=chapter,
            name=f"Extra {n:02d}",
            source_key=f"extra-{n}",
            source_line=2000 + n,
        )
        for n in range(30)
    )
    html = client.get("/insatser/").content.decode()
    assert "37 insatser" in html
    assert len(names_in_table(html)) == 25
    assert 'href="?page=2"' in html
    html = client.get("/insatser/", {"page": "2"}).content.decode()
    assert len(names_in_table(html)) == 12
    html = client.get("/insatser/", {"per_page": "50"}).content.decode()
    assert len(names_in_table(html)) == 37
    assert '<strong aria-current="true">50</strong>' in html


@pytest.mark.parametrize(
    "params",
    [
        {"page": "999999999999999999999"},
        {"page": "-3"},
        {"page": "abc"},
        {"per_page": "100000"},
        {"per_page": "x"},
        {"sort": "nonexistent"},
        {"sort": "-goals"},
        {"format": ""},
        {"unknown": "1"},
        {"q": "   "},
        {"q": '"unbalanced ( AND OR -'},
    ],
)
def test_odd_query_strings_give_the_page(client, cat, params):
    response = client.get("/insatser/", params, follow=True)  # empty values, pages: redirected
    assert response.status_code == 200
    assert "insatser" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"region": "atlantis"}, "Region"),
        ({"chapter": "99"}, "Kapitel"),
        ({"chapter": "8"}, "Kapitel"),
        ({"framework": "astrology"}, "Målramverk"),
        ({"sdg": "18"}, "Globalt mål"),
        ({"year": "1999"}, "Utgåva (rapportår)"),
        ({"q": "x" * 5000}, "Sök"),
    ],
)
def test_invalid_filter_values_are_reported_not_silently_empty(client, cat, params, message):
    response = client.get("/insatser/", params)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Några filter kunde inte användas" in html
    assert re.search(rf"<li[^>]*>{re.escape(message)}[^<]*: ", html)
    assert len(names_in_table(html)) == 7  # the invalid filter is ignored, not applied as "none"


def test_invalid_filter_keeps_the_valid_ones(client, cat):
    response = client.get("/insatser/", {"region": ["skane", "atlantis"], "chapter": "7"})
    assert response.status_code == 400
    assert len(names_in_table(response.content.decode())) == 2  # chapter 7 still applies


def test_unknown_export_format_is_a_400_with_a_message(client, cat):
    response = client.get("/insatser/", {"format": "pdf"})
    assert response.status_code == 400
    assert "json, csv eller xlsx" in response.json()["error"]


@pytest.mark.parametrize(
    "params", [{}, {"q": "kompetens"}, {"region": ["skane", "gotland"], "chapter": "3", "sdg": "8"}]
)
def test_list_query_count_is_bounded(client, cat, params, django_assert_max_num_queries):
    # The data's version, and the summary lines of the rows shown (or the fake search, which
    # reads the measures once more): filters, counts and rows come from the snapshot.
    with django_assert_max_num_queries(2):
        assert client.get("/insatser/", params).status_code == 200


def test_list_query_count_does_not_grow_with_rows(client, cat, django_assert_num_queries):
    client.get("/insatser/")  # warm caches (content types, translations)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/insatser/")
    count = len(few.captured_queries)  # now: the next request clears the connection's log
    region, chapter = cat.measures["kompetens"].region, cat.measures["kompetens"].chapter
    Measure.objects.bulk_create(
        Measure(
            report=cat.report,
            region=region,
            chapter=chapter,
            name=f"Fler {n}",
            source_key=f"more-{n}",
            source_line=3000 + n,
        )
        for n in range(40)
    )
    client.get("/insatser/")  # the data changed: this request reads the snapshot again
    # One more query at most, whatever the rows: the summary lines of rows not shown before.
    with django_assert_num_queries(count + 1):
        client.get("/insatser/", {"per_page": "100"})
    with django_assert_num_queries(count):  # shown before: their summary lines are kept
        client.get("/insatser/", {"per_page": "100"})


# --- the measure page -------------------------------------------------------------------------


def test_measure_page_shows_fields_goals_provenance_and_citation(client, cat):
    measure = cat.measures["innovation"]
    response = client.get(measure.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 lang="sv">Innovationsstöd för små företag</h1>' in html
    assert "<ul><li>Tre träffar</li><li>Två rapporter</li></ul>" in html  # structure kept
    assert "Rapport 0480, tabellbilaga, kapitel 3, rad 412" in html
    assert (
        "Tillväxtverket (2024). <cite>Tabellbilaga – Regionalt utvecklingsarbete 2023</cite>"
        in html
    )
    assert f"http://testserver{measure.get_absolute_url()}" in html
    assert f'href="{cat.goals["erdf"].get_absolute_url()}"' in html
    assert 'href="/regioner/skane/"' in html and 'href="/kapitel/3/"' in html


def test_measure_page_sanitizes_stored_html(client, cat):
    html = client.get(cat.measures["klimat"].get_absolute_url()).content.decode()
    assert "<script>" not in html.split('<div class="prose" lang="sv">', 1)[1]
    assert 'alert("x")' not in html
    assert "http://x" not in html
    assert "länk" in html


def test_measure_page_lists_similar_measures_in_other_regions_only(client, cat):
    measure = cat.measures["kompetens"]
    html = client.get(measure.get_absolute_url()).content.decode()
    similar = html.split('class="similar"', 1)[1].split("</ul>", 1)[0]
    assert "Skåne" not in similar
    assert "Service på landsbygden" in similar  # Gotland


def test_measure_page_without_index_has_no_similar_section(client, monkeypatch):
    install_fake_search(monkeypatch, FakeSearch(available=False))
    catalogue = build_catalogue()
    response = client.get(catalogue.measures["kompetens"].get_absolute_url())
    assert response.status_code == 200
    assert 'class="similar"' not in response.content.decode()


def test_measure_page_links_to_error_report_when_that_view_exists(client, cat):
    from django.urls import NoReverseMatch

    measure = cat.measures["kompetens"]
    html = client.get(measure.get_absolute_url()).content.decode()
    try:
        url = reverse("catalogue:report-error", kwargs={"pk": measure.pk})
    except NoReverseMatch:
        assert "Rapportera fel" not in html
    else:
        assert f'<a href="{url}">Rapportera fel</a>' in html


def test_missing_measure_is_404(client, cat):
    assert client.get("/insatser/999999/").status_code == 404


def test_measure_page_query_count(client, cat, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get(cat.measures["vindkraft"].get_absolute_url())


# --- regions ----------------------------------------------------------------------------------


def test_region_list(client, cat, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        response = client.get("/regioner/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<th scope="row"><a href="/regioner/') == 21
    assert "Västra Götalandsregionen" in html
    names = re.findall(r'<th scope="row"><a href="/regioner/[^"]+/">([^<]+)</a>', html)
    assert names[:3] == ["Blekinge", "Dalarna", "Gotland"]  # by name, not county code


def test_region_list_json(client, cat):
    data = client.get("/regioner/", {"format": "json"}).json()
    assert len(data) == 21
    skane = next(r for r in data if r["slug"] == "skane")
    assert skane == {
        "slug": "skane",
        "name": "Skåne",
        "official_name": "Region Skåne",
        "code": "12",
        "report_year": 2023,
        "measure_count": 3,
    }
    assert {r["slug"] for r in data} >= {"vastra-gotaland", "jamtland-harjedalen"}


def test_region_page(client, cat, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        response = client.get("/regioner/gotland/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Region Gotland</h1>" in html
    assert "2 insatser redovisade för 2023." in html
    assert "Service på landsbygden" in html and "Besöksnäring året runt" in html
    assert "Regionen redovisade inga insatser i kapitlet." in html  # chapter 7
    assert '<p class="answer answer-ja"><strong>Svar: Ja</strong></p>' in html
    assert '<p class="answer answer-nej"><strong>Svar: Nej</strong></p>' in html
    assert "Svar på fråga 6." in html
    assert "Gotländsk mat" in html and "20201234" in html
    assert "1\xa0500\xa0000 kr" in html or "1 500 000 kr" in html
    assert "50 %" in html  # paid of granted
    assert (
        '<th scope="row" lang="sv">Nya företag</th><td lang="sv">10</td><td lang="sv">7</td>'
        in html
    )


def test_region_page_lists_at_most_fifty_measures_per_chapter(client, cat):
    landsbygd = cat.measures["landsbygd"]
    Measure.objects.bulk_create(
        Measure(
            report=cat.report,
            region=landsbygd.region,
            chapter=landsbygd.chapter,
            name=f"Gotlandsinsats {n:02d}",
            source_key=f"gotland-{n}",
            source_line=5000 + n,
        )
        for n in range(54)
    )
    html = client.get("/regioner/gotland/").content.decode()
    assert "56 insatser redovisade för 2023." in html
    chapter_1 = html.split('id="h-ch-1"', 1)[1].split("</section>", 1)[0]
    assert chapter_1.count("<li>") == 50
    assert "Service på landsbygden" in chapter_1  # the report's order: line 60 first
    assert (
        'href="/insatser/?region=gotland&amp;chapter=1">Visa alla 55 insatser i kapitlet'
        in chapter_1
    )
    assert '<td class="num">55</td>' in html


def test_region_page_json(client, cat):
    data = client.get("/regioner/gotland/", {"format": "json"}).json()
    assert data["name"] == "Gotland"
    assert data["official_name"] == "Region Gotland"
    assert data["code"] == "09"
    assert data["measure_count"] == 2
    assert data["no_measures_chapters"] == [7]
    assert len(data["allocation"]) == 6
    assert data["allocation"][2]["answer"] == "ja"
    assert data["allocation"][3]["answer"] == "nej"
    assert data["allocation"][0]["answer"] is None
    assert data["allocation"][2]["question"].startswith("Beskrivning av hur anslaget")
    assert data["projects"] == [
        {
            "nyps_id": "20201234",
            "title": "Gotländsk mat",
            "status": "granted",
            "start": "2022-01-01",
            "end": "2024-12-31",
            "owner": "Region Gotland",
            "partners": ["Almi Gotland", "Länsstyrelsen"],
            "granted_sek": 1500000,
            "paid_sek": 750000,
            "indicators": [{"name": "Nya företag", "target": "10", "outcome": "7"}],
        }
    ]


def test_unknown_region_is_404(client, cat):
    assert client.get("/regioner/atlantis/").status_code == 404
    assert client.get("/regioner/atlantis/", {"format": "json"}).status_code == 404


# --- chapters and goals -----------------------------------------------------------------------


def test_chapter_page_lists_its_measures_with_facets(client, cat, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get("/kapitel/7/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 lang="sv">Miljö och klimat</h1>' in html
    assert sorted(names_in_table(html)) == [
        "Klimatomställning i näringslivet",
        "Vindkraftsetablering till havs",
    ]
    assert 'name="chapter"' not in html  # the scope is the chapter itself
    assert count_of(html, "region", "skane") == 1
    assert "1 region redovisade inga insatser i kapitlet" in html
    html = client.get("/kapitel/7/", {"region": "orebro"}).content.decode()
    assert names_in_table(html) == ["Klimatomställning i näringslivet"]


def header_cells(html: str) -> list[str]:
    head = html.split('<table class="measures"', 1)[1].split("</thead>", 1)[0]
    return [re.sub(r"<[^>]+>|[▲▼↕]", "", cell).split("(")[0].strip()
            for cell in re.findall(r"<th scope=\"col\"[^>]*>(.*?)</th>", head, re.S)]  # fmt: skip


def test_chapter_page_leaves_out_the_chapter_column(client, cat):
    """Every row of a chapter's page is that chapter: no column, no sort by it. The list keeps
    both, and the chapter page's export still names the chapter (test above)."""
    html = client.get("/kapitel/7/").content.decode()
    assert header_cells(html) == ["Insats", "Region", "Mål"]
    body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    assert 'data-label="Kapitel"' not in body and body.count('data-label="Mål"') == 2
    assert 'value="chapter"' not in html and 'value="-chapter"' not in html
    listed = client.get("/insatser/").content.decode()
    assert header_cells(listed) == ["Insats", "Region", "Kapitel", "Mål"]
    assert 'value="chapter"' in listed
    every = client.get("/kapitel/7/", {"year": "alla"}).content.decode()
    assert header_cells(every) == ["Insats", "Region", "År", "Mål"]
    assert every.count('data-label="År"') == 2


def test_chapter_page_export_is_scoped(client, cat):
    data = streamed_json(client.get("/kapitel/7/", {"format": "json"}))
    assert data["count"] == 2
    assert {r["chapter"] for r in data["results"]} == {7}


def test_allocation_chapter_page(client, cat, django_assert_max_num_queries):
    # Data version, editions, chapter, regions, answers, projects (catalogue.allocation_views).
    with django_assert_max_num_queries(6):
        response = client.get("/kapitel/8/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Fördelning av anslag 1:1" in html
    assert '<span class="answer answer-ja">Ja</span>' in html


def test_unknown_chapter_is_404(client, cat):
    assert client.get("/kapitel/12/").status_code == 404


def test_goal_list_groups_by_framework(client, cat, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        response = client.get("/mal/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="sdg sdg-') == 17
    assert re.search(
        r'<span class="sdg-number">8</span> <span class="sdg-title" lang="sv">'
        r"Anständiga arbetsvillkor och ekonomisk tillväxt</span> "
        r'<span class="count">3 insatser</span>',
        html,
    )
    assert "Ett hållbart Skåne" in html
    assert "Skåne-Blekinge" in html


def test_goal_page_lists_its_measures(client, cat, django_assert_max_num_queries):
    goal = cat.goals["sdg8"]
    with django_assert_max_num_queries(3):
        response = client.get(goal.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert 'Mål 8: <span lang="sv">Anständiga arbetsvillkor' in html
    assert sorted(names_in_table(html)) == [
        "Kompetensförsörjning i vården",
        "Kompetenslyft för industrin",
        "Service på landsbygden",
    ]
    assert count_of(html, "region", "skane") == 1
    assert client.get("/mal/999999/").status_code == 404


# --- language ---------------------------------------------------------------------------------


def test_language_switch_is_a_form_that_works_without_javascript(client, cat):
    html = client.get("/insatser/?region=skane").content.decode()
    assert 'action="/i18n/setlang/" method="post"' in html
    assert '<input type="hidden" name="next" value="/insatser/?region=skane">' in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/insatser/?region=skane"})
    assert response.status_code == 302
    assert response["Location"] == "/insatser/?region=skane"
    html = client.get("/insatser/?region=skane").content.decode()
    assert '<html lang="en">' in html
    assert "3 measures" in html
    assert "Filter" in html


def test_english_pages_are_translated(client, cat):
    client.cookies["django_language"] = "en"
    for url, expected in [
        ("/", "Search the measures"),
        ("/regioner/gotland/", "Answer: Yes"),
        (
            cat.measures["innovation"].get_absolute_url(),
            "Report 0480, table appendix, chapter 3, line 412",
        ),
        ("/mal/", "Agenda 2030: the global goals"),
    ]:
        html = client.get(url).content.decode()
        assert expected in html, url


# --- the optional page cache ------------------------------------------------------------------


@pytest.fixture
def page_cache(settings):
    from django.core.cache import cache

    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    yield
    cache.clear()


def test_cached_page_costs_one_query_and_follows_data_changes(
    client, cat, page_cache, django_assert_num_queries
):
    first = client.get("/insatser/", {"region": "skane"}).content.decode()
    with django_assert_num_queries(1):  # the data version
        again = client.get("/insatser/", {"region": "skane"}).content.decode()
    assert again == first
    measure = cat.measures["innovation"]
    measure.name = "Innovationsstöd, nytt namn"
    measure.save()
    html = client.get("/insatser/", {"region": "skane"}).content.decode()
    assert "Innovationsstöd, nytt namn" in html


def test_cache_keeps_languages_apart(client, cat, page_cache):
    assert "Sök bland insatserna" in client.get("/").content.decode()
    client.cookies["django_language"] = "en"
    assert "Search the measures" in client.get("/").content.decode()
    del client.cookies["django_language"]
    assert "Sök bland insatserna" in client.get("/").content.decode()


def test_cache_skips_exports_and_errors(client, cat, page_cache, monkeypatch):
    for _ in range(2):
        response = client.get("/insatser/", {"format": "json"})
        assert streamed_json(response)["count"] == 7
    assert client.get("/insatser/", {"region": "atlantis"}).status_code == 400
    from catalogue import selectors

    calls = []
    select = selectors.select
    monkeypatch.setattr(selectors, "select", lambda *a, **k: calls.append(1) or select(*a, **k))
    assert client.get("/insatser/", {"region": "atlantis"}).status_code == 400
    assert calls == [1]  # not served from the cache


def test_language_switch_needs_no_csrf_token(cat):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    html = client.get("/").content.decode()
    assert "csrfmiddlewaretoken" not in html
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/").content.decode()


def test_conditional_get_answers_304_for_an_unchanged_page(client, cat):
    first = client.get("/regioner/gotland/")
    etag = first["ETag"]
    assert etag
    again = client.get("/regioner/gotland/", headers={"if-none-match": etag})
    assert again.status_code == 304


def test_cache_keeps_hosts_apart(client, cat, page_cache, settings):
    settings.ALLOWED_HOSTS = ["testserver", "katalog.example"]
    url = cat.measures["kompetens"].get_absolute_url()
    assert f"http://testserver{url}" in client.get(url).content.decode()
    html = client.get(url, headers={"host": "katalog.example"}).content.decode()
    assert f"http://katalog.example{url}" in html


def test_swedish_alphabetical_order():
    from catalogue.filters import swedish_key

    names = ["Örebro", "Östergötland", "Norrbotten", "Västra Götaland", "Ängelholm", "Åre", "Ale"]
    assert sorted(names, key=swedish_key) == [
        "Ale",
        "Norrbotten",
        "Västra Götaland",
        "Åre",
        "Ängelholm",
        "Örebro",
        "Östergötland",
    ]


@pytest.mark.parametrize(
    ("counts", "bins"),
    [
        ([0, 14, 20, 33, 25], [(1, 14, 18), (2, 19, 23), (3, 24, 28), (4, 29, 33)]),
        ([0, 3, 1, 2], [(2, 1, 1), (3, 2, 2), (4, 3, 3)]),
        ([5, 5], [(4, 5, 5)]),
        ([0, 0], []),
    ],
)
def test_tile_shades_spread_between_lowest_and_highest(counts, bins):
    from catalogue.home_views import shade, shade_bins

    assert shade_bins(counts) == bins
    assert shade(0, bins) == 0
    if bins:
        assert shade(max(counts), bins) == bins[-1][0]
        assert shade(max(counts), bins) == 4
        assert shade(min(c for c in counts if c), bins) == bins[0][0]


def test_global_goals_have_english_names_on_english_pages(client, cat):
    client.cookies["django_language"] = "en"
    html = client.get("/mal/").content.decode()
    assert '<span class="sdg-title" lang="en">Decent work and economic growth</span>' in html
    html = client.get("/insatser/").content.decode()
    assert re.search(r'name="sdg" value="13"[^>]*>\s*13 Climate action <span class="count">', html)
    html = client.get(cat.goals["sdg8"].get_absolute_url()).content.decode()
    assert '<h1>Goal 8: <span lang="en">Decent work and economic growth</span></h1>' in html
    html = client.get(cat.measures["vindkraft"].get_absolute_url()).content.decode()
    assert '<span lang="en">Climate action</span>' in html
    assert '<span lang="sv">Ett hållbart Skåne</span>' in html  # region goals stay as written


def test_chapters_have_english_titles_on_english_pages(client, cat):
    client.cookies["django_language"] = "en"
    html = client.get("/kapitel/7/").content.decode()
    assert '<h1 lang="en">Environment and climate</h1>' in html
    html = client.get("/").content.decode()
    assert "Skills supply and skills development throughout the country</a>" in html
    html = client.get("/insatser/").content.decode()
    assert re.search(r'name="chapter" value="7"[^>]*>\s*7 Environment and climate <span', html)
    client.cookies["django_language"] = "sv"
    assert '<h1 lang="sv">Miljö och klimat</h1>' in client.get("/kapitel/7/").content.decode()


@pytest.mark.parametrize(
    "html, shown",
    [
        ("<p>syftar till att samla</p>", "<p>Syftar till att samla</p>"),
        (
            "<p>ett initiativ för att:</p><ul><li>snabba på</li></ul>",
            "<p>Ett initiativ för att:</p><ul><li>snabba på</li></ul>",
        ),
        ("<p><strong>öppna</strong> data</p>", "<p><strong>Öppna</strong> data</p>"),
        ("<p>Redan stor</p>", "<p>Redan stor</p>"),
        ("<p>2023 års insats</p>", "<p>2023 års insats</p>"),
        ("", ""),
    ],
)
def test_capfirst_html(html, shown):
    from catalogue.templatetags.catalogue_tags import capfirst_html

    assert capfirst_html(html) == shown


def test_a_description_split_from_its_name_starts_with_a_capital(client, cat):
    """The importer splits "Hitta hem i Dalsland – syftar till att …" at the dash (8 of the
    bundled report's 523 descriptions start in lower case): the page shows "Syftar till att …",
    the data keep the source's words."""
    measure = cat.measures["kompetens"]
    Measure.objects.filter(pk=measure.pk).update(
        description_html="<p>syftar till att samla vården.</p>",
        description="syftar till att samla vården.",
    )
    html = client.get(measure.get_absolute_url()).content.decode()
    assert '<div class="prose" lang="sv"><p>Syftar till att samla vården.</p></div>' in html
    data = client.get(measure.get_absolute_url(), {"format": "json"}).json()
    assert data["description"] == "syftar till att samla vården."
    listed = client.get("/insatser/", {"region": measure.region.slug}).content.decode()
    assert '<p class="summary-line">Syftar till att samla vården.</p>' in listed
