"""Editions: the scope (latest by default, a year, or every edition where a page allows it), and
every page and JSON answer per edition, with two editions (tests/catalogue/edition_fixtures.py)."""

import json
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.http import Http404

from catalogue import editions, snapshot
from catalogue.changes import word_diff
from catalogue.models import Report
from tests.catalogue.edition_fixtures import build_second_edition
from tests.catalogue.view_fixtures import PLAIN_STORAGES, build_catalogue, install_fake_search


@pytest.fixture
def reports(db):
    old = Report.objects.create(title="T", year=2023, number="0480", source_name="a", checksum="a")
    new = Report.objects.create(title="T", year=2024, number="0512", source_name="b", checksum="b")
    return old, new


def test_latest_by_default(reports):
    old, new = reports
    scope = editions.resolve(None)
    assert scope.report == new and scope.is_latest and scope.previous == old and scope.next is None
    assert scope.query_value == ""


def test_a_year(reports):
    old, new = reports
    scope = editions.resolve("2023")
    assert scope.report == old and scope.next == new and scope.previous is None
    assert scope.query_value == "2023"


def test_all_only_where_allowed(reports):
    assert editions.resolve("alla", allow_all=True).all_editions
    with pytest.raises(Http404):
        editions.resolve("alla")


@pytest.mark.parametrize("value", ["1999", "2023x", "<script>", "9" * 50])
def test_unknown_year_is_404(reports, value):
    with pytest.raises(Http404):
        editions.resolve(value)


def test_no_editions(db):
    scope = editions.resolve("")
    assert scope.report is None and scope.editions == ()


# --- pages with two editions (tests/catalogue/edition_fixtures.py) ---------------------------


@pytest.fixture
def two(db, monkeypatch, settings):
    settings.STORAGES = PLAIN_STORAGES
    settings.LANGUAGE_CODE = "sv"
    install_fake_search(monkeypatch)
    editions_ = build_second_edition(build_catalogue())
    snapshot.current()
    return editions_


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200, (url, params, response.status_code)
    return response.content.decode()


def option_count(html: str, name: str, value: str) -> int | None:
    match = re.search(
        rf'name="{name}" value="{re.escape(value)}"[^>]*>\s*[^<]*<span class="count">\((\d+)\)',
        html,
    )
    return int(match.group(1)) if match else None


def names(html: str) -> list[str]:
    body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<th scope="row"[^>]*>\s*<a href="/insatser/\d+/">([^<]+)</a>', body)


def exported(client, **params) -> dict:
    response = client.get("/insatser/", {"format": "json", **params})
    assert response.status_code == 200
    return json.loads(b"".join(response.streaming_content))


def test_home_names_the_latest_edition_and_its_count(client, two):
    html = page(client, "/")
    assert "Regionernas insatser för regional utveckling 2024" in html
    assert "Sök bland 6 insatser som Sveriges 21 regioner redovisat för 2024" in html
    assert "(Rapport 0512)." in html
    assert '<option value="2023">2023 (Rapport 0480)</option>' in html
    assert "Rapport 0512 (2025)" in html  # the footer's source: the edition, published 2025
    html = page(client, "/", year="2023")
    assert "redovisat för 2023" in html and "(Rapport 0480)." in html
    assert 'href="/regioner/skane/?year=2023"' in html  # links keep the edition
    assert 'href="/insatser/?region=skane&amp;chapter=7&amp;year=2023"' in html
    assert client.get("/", {"year": "1999"}).status_code == 404
    assert client.get("/", {"year": "alla"}).status_code == 404  # only the search


def test_list_is_the_latest_edition_with_the_year_as_a_facet(client, two):
    html = page(client, "/insatser/")
    assert "6 insatser" in html and len(names(html)) == 6
    # The latest edition is the default: its option is sent empty (a clean link), labelled 2024.
    assert option_count(html, "year", "") == 6
    assert option_count(html, "year", "2023") == 7
    assert option_count(html, "year", "alla") == 13
    assert re.search(r'name="year" value="" checked> 2024 ', html)
    assert html.count('name="year" value=""') == 1  # no "Alla" beside it
    html = page(client, "/insatser/", year="alla", region="gotland")
    assert sorted(names(html)) == [
        "Besöksnäring året runt",
        "Service på landsbygden",
        "Service på landsbygden",
    ]
    assert option_count(html, "year", "2023") == 2 and option_count(html, "year", "") == 1
    assert html.count('<td data-label="År">2023</td>') == 2  # every edition: a year column
    assert 'data-label="År"' not in page(client, "/insatser/", region="gotland")
    assert len(names(page(client, "/insatser/", year="2023"))) == 7


def test_change_facet_counts_per_edition(client, two):
    html = page(client, "/insatser/")  # 2024: has a previous edition, no next one
    assert option_count(html, "change", "new") == 2
    assert option_count(html, "change", "continued") == 3
    assert option_count(html, "change", "moved") == 1
    assert option_count(html, "change", "ended") is None
    html = page(client, "/insatser/", year="2023")  # the first edition: only "ended"
    assert option_count(html, "change", "new") is None
    assert option_count(html, "change", "ended") == 3
    html = page(client, "/insatser/", year="alla", region="skane")
    assert option_count(html, "change", "ended") == 1  # Skåne's innovation
    assert option_count(html, "change", "new") == 1  # Skåne's vätgas
    html = page(client, "/insatser/", year="2023", change="new")  # chosen, cannot occur
    assert option_count(html, "change", "new") == 0 and "0 insatser" in html
    assert re.search(r'name="change" value="new" checked', html)  # visible, can be unticked
    html = page(client, "/insatser/", change="new")
    assert sorted(names(html)) == ["Klimatomställning i industrin", "Vätgas i Skåne"]
    assert option_count(html, "region", "skane") == 1  # combined with the region facet


def test_change_filter_in_the_json(client, two):
    data = exported(client, year="2024", change="new")
    assert data["count"] == 2
    assert {r["report_year"] for r in data["results"]} == {2024}
    assert exported(client, year="2023", change="ended")["count"] == 3
    data = exported(client, year="2023", change="ended", region="gotland")
    assert [r["name"] for r in data["results"]] == ["Besöksnäring året runt"]
    data = exported(client, change=["moved", "continued"], chapter="3")
    assert [r["name"] for r in data["results"]] == ["Vindkraftsetablering till havs"]
    assert exported(client)["count"] == 6
    assert exported(client, year="alla")["count"] == 13
    assert client.get("/insatser/", {"format": "json", "change": "gone"}).status_code == 400


def test_list_links_keep_the_year(client, two):
    html = page(client, "/insatser/", year="2023", per_page="25")
    assert re.search(r'href="\?[^"]*year=2023[^"]*sort=name', html) or re.search(
        r'href="\?[^"]*sort=name[^"]*year=2023', html
    )
    assert re.search(r'href="\?[^"]*year=2023[^"]*format=json', html)
    assert 'href="/regioner/?year=2023"' in html  # the main menu


def test_region_pages_per_edition(client, two):
    html = page(client, "/regioner/")
    assert re.search(r'/regioner/gotland/">Gotland</a></th>.*?<td class="num">1</td>', html)
    html = page(client, "/regioner/", year="2023")
    assert re.search(
        r'/regioner/gotland/\?year=2023">Gotland</a></th>.*?<td class="num">2</td>', html
    )
    html = page(client, "/regioner/gotland/")
    assert "1 insats redovisad för 2024." in html
    assert "Gotländsk vattenförsörjning" in html and "Gotländsk mat" not in html
    assert "Svar 2024 på fråga 6." in html and "Svar på fråga 6." not in html
    assert 'href="/regioner/gotland/forandringar/?year=2024"' in html
    html = page(client, "/regioner/gotland/", year="2023")
    assert "2 insatser redovisade för 2023." in html
    assert "Gotländsk mat" in html and "Gotländsk vattenförsörjning" not in html
    assert "forandringar" not in html  # 2023 has no edition before it


def test_region_json_per_edition(client, two):
    regions = client.get("/regioner/", {"format": "json"}).json()
    gotland = next(r for r in regions if r["slug"] == "gotland")
    assert gotland["report_year"] == 2024 and gotland["measure_count"] == 1
    regions = client.get("/regioner/", {"format": "json", "year": "2023"}).json()
    assert next(r for r in regions if r["slug"] == "gotland")["measure_count"] == 2
    data = client.get("/regioner/gotland/", {"format": "json"}).json()
    assert data["report_year"] == 2024 and data["measure_count"] == 1
    assert data["no_measures_chapters"] == [2]
    assert data["allocation"][2]["answer"] == "nej"
    assert [p["nyps_id"] for p in data["projects"]] == ["20245678"]
    data = client.get("/regioner/gotland/", {"format": "json", "year": "2023"}).json()
    assert data["measure_count"] == 2 and data["no_measures_chapters"] == [7]
    assert data["allocation"][2]["answer"] == "ja"
    assert [p["nyps_id"] for p in data["projects"]] == ["20201234"]
    assert client.get("/regioner/gotland/", {"format": "json", "year": "1999"}).status_code == 404


def test_chapter_pages_per_edition(client, two):
    html = page(client, "/kapitel/7/")
    assert sorted(names(html)) == ["Klimatomställning i industrin", "Vätgas i Skåne"]
    assert "redovisade inga insatser i kapitlet" not in html  # 2024: Gotland's is chapter 2
    html = page(client, "/kapitel/7/", year="2023")
    assert "1 region redovisade inga insatser i kapitlet" in html
    html = page(client, "/kapitel/8/")
    assert '<span class="answer answer-nej">Nej</span>' in html
    assert "Regionernas svar på fråga 4, 2024" in html
    html = page(client, "/kapitel/8/", year="2023")
    assert "Gotland" in html and "answer-ja" in html


def test_goal_pages_per_edition(client, two):
    rus = two.old.goals["rus_skane"]
    html = page(client, "/mal/")
    assert re.search(rf'/mal/{rus.pk}/">Ett hållbart Skåne</a> <span class="count">\(1\)', html)
    html = page(client, "/mal/", year="2023")
    assert re.search(
        rf'/mal/{rus.pk}/\?year=2023">Ett hållbart Skåne</a> <span class="count">\(2\)', html
    )
    assert len(names(page(client, rus.get_absolute_url()))) == 1
    assert len(names(page(client, rus.get_absolute_url(), year="2023"))) == 2


def test_measure_json_links_both_ways(client, two):
    old, new = two.old.measures["kompetens"], two.measures["kompetens"]
    data = client.get(new.get_absolute_url(), {"format": "json"}).json()
    assert data["name"] == "Kompetensförsörjning i vården" and data["report_year"] == 2024
    assert data["previous"] == {
        "report_year": 2023,
        "source_line": 200,
        "url": f"http://testserver/insatser/{old.pk}/",
    }
    assert data["next"] is None
    data = client.get(old.get_absolute_url(), {"format": "json"}).json()
    assert data["previous"] is None
    assert data["next"]["report_year"] == 2024 and data["next"]["source_line"] == 210
    # A rejected link links nothing.
    data = client.get(two.old.measures["klimat"].get_absolute_url(), {"format": "json"}).json()
    assert data["next"] is None
    assert client.get("/insatser/999999/", {"format": "json"}).status_code == 404


def test_measure_page_shows_its_timeline(client, two):
    old, new = two.old.measures["vindkraft"], two.measures["vindkraft"]
    html = page(client, old.get_absolute_url())
    timeline = html.split('id="h-timeline"', 1)[1].split("</section>", 1)[0]
    assert f'href="/insatser/{new.pk}/">2024:' in timeline
    assert '<strong aria-current="page">2023:' in timeline
    assert "flyttad från ett annat kapitel" in timeline  # 7 → 3
    html = page(client, two.measures["vatgas"].get_absolute_url())
    assert 'id="h-timeline"' not in html
    assert "Ingen länkad insats i föregående eller nästa utgåva." in html
    assert 'href="/insatser/?year=2024"' not in html  # the latest needs no year


def test_changes_page_between_two_editions(client, two):
    html = page(client, "/regioner/skane/forandringar/")
    assert "Region Skåne: förändringar från 2023 till 2024" in html
    section = {
        key: html.split(f'id="h-{key}"', 1)[1].split("</section>", 1)[0]
        for key in ("new", "ended", "moved", "continued")
    }
    assert "Vätgas i Skåne" in section["new"]
    assert "Innovationsstöd för små företag" in section["ended"]
    assert "Vindkraftsetablering till havs" in section["moved"]
    assert "från kapitel 7 till kapitel 3" in section["moved"]
    assert "Kompetensförsörjning i vården" in section["continued"]
    assert '<del><span class="visually-hidden">[borttaget: </span>Tre' in section["continued"]
    assert '<ins><span class="visually-hidden">[tillagt: </span>Fem' in section["continued"]
    html = page(client, "/regioner/orebro/forandringar/", year="2024")
    assert "Klimatomställning i industrin" in html.split('id="h-new"')[1].split("</section>")[0]
    html = page(client, "/regioner/skane/forandringar/", year="2023")
    assert "Det finns ingen tidigare utgåva att jämföra med." in html
    assert client.get("/regioner/atlantis/forandringar/").status_code == 404


def test_changes_page_in_english(client, two):
    client.cookies["django_language"] = "en"
    html = page(client, "/regioner/skane/forandringar/")
    assert "Region Skåne: changes from 2023 to 2024" in html
    assert "[removed: </span>" in html and "Moved to another chapter" in html
    html = page(client, "/insatser/")
    assert "Change since the previous edition" in html and "All editions" in html


def test_pages_with_two_editions_keep_their_query_counts(
    client, two, django_assert_max_num_queries
):
    for url, most in [
        ("/insatser/", 2),  # the data's version, the summary lines of the rows shown
        ("/insatser/?year=alla&change=new", 2),
        ("/kapitel/7/?year=2023", 4),
        ("/", 3),
        ("/regioner/", 2),
        ("/regioner/gotland/", 8),
        ("/regioner/skane/forandringar/", 3),
        (f"{two.measures['kompetens'].get_absolute_url()}?format=json", 3),
    ]:
        with django_assert_max_num_queries(most):
            assert client.get(url).status_code == 200, url


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("a b c", "a b c", "a b c"),
        (
            "Tre träffar",
            "Fem träffar",
            '<del><span class="visually-hidden">[borttaget: </span>Tre'
            '<span class="visually-hidden">]</span></del> '
            '<ins><span class="visually-hidden">[tillagt: </span>Fem'
            '<span class="visually-hidden">]</span></ins> träffar',
        ),
        ("", "<b>ny</b>", '<ins><span class="visually-hidden">[tillagt: </span>&lt;b&gt;ny'),
    ],
)
def test_word_diff(old, new, expected):
    assert str(word_diff(old, new)).startswith(expected)


EDITION_PAGES = [
    "/",
    "/regioner/",
    "/regioner/skane/",
    "/regioner/skane/forandringar/",
    "/regioner/skane/mal/",
    "/mal/",
    "/mal/agenda-2030/",
    "/kapitel/8/",
    "/jamfor/?region=skane&region=gotland",
]


@pytest.mark.parametrize("url", EDITION_PAGES)
def test_pages_about_one_edition_choose_it_alike(client, two, url):
    """Every page about one edition offers the others with the same form (one include), which
    keeps the rest of the page's query (the compared regions)."""
    html = page(client, url)
    assert html.count('<form class="edition-choice"') == 1
    assert "edition-line" not in html
    form = html.split('<form class="edition-choice"', 1)[1].split("</form>", 1)[0]
    assert '<option value="2023">' in form
    if "region=" in url:
        assert '<input type="hidden" name="region" value="skane">' in form
        assert '<input type="hidden" name="region" value="gotland">' in form


def test_the_site_name_and_the_error_form_keep_the_edition(client, two):
    """The logo leads home in the edition the visitor reads; the error form of an older
    edition's measure keeps that edition in its menu, breadcrumb and logo."""
    assert '<a class="site-name" href="/?year=2023">' in page(client, "/regioner/", year="2023")
    assert '<a class="site-name" href="/">' in page(client, "/regioner/")
    old = two.old.measures["kompetens"]
    assert '<a class="site-name" href="/?year=2023">' in page(client, old.get_absolute_url())
    form = page(client, f"{old.get_absolute_url()}rapportera-fel/")
    assert '<a class="site-name" href="/?year=2023">' in form
    assert '<li><a href="/insatser/?year=2023">Insatser</a></li>' in form  # the breadcrumb
    assert 'href="/regioner/?year=2023"' in form  # the menu
    latest = page(client, f"{two.measures['kompetens'].get_absolute_url()}rapportera-fel/")
    assert '<a class="site-name" href="/">' in latest and "year=" not in latest


def test_templates_name_no_edition():
    """Years and report numbers come from the Report records, never from templates."""
    for path in Path(django_settings.BASE_DIR, "templates").rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"\b(?:0480|20[12]\d)\b", text), path


# --- end to end: the bundled report and a modified copy as the next edition -------------------

BUNDLED = Path(
    django_settings.BASE_DIR, "fixtures", "tabellbilaga-regionalt-utvecklingsarbete-2023.txt"
)


def next_edition_file(tmp_path) -> Path:
    """The bundled report as "2024" (Rapport 0512): Gotland's measure at line 45 removed, the one
    at line 44 with a sentence added to its outputs, the one at line 52 moved from chapter 1 to
    chapter 2 (after line 186), and a new measure."""
    lines = BUNDLED.read_text(encoding="utf-8").split("\n")
    text = dict(enumerate(lines, start=1))
    cells = text[44].split("\t")
    cells[2] += " Ny text 2024 om uppföljningen."
    changed = "\t".join(cells)
    new_cells = text[44].split("\t")
    new_cells[1] = "<p>Helt ny insats om vattenförsörjning på Gotland.</p>"
    out = []
    for number, line in enumerate(lines, start=1):
        if number in (45, 52):
            continue
        out.append(changed if number == 44 else line)
        if number == 44:
            out.append("\t".join(new_cells))
        if number == 186:
            out.append(text[52])
    body = "\n".join(out).replace(
        "Regionalt utvecklingsarbete 2023", "Regionalt utvecklingsarbete 2024"
    )
    path = tmp_path / "tabellbilaga-2024.txt"
    path.write_text(body.replace("Rapport 0480", "Rapport 0512"), encoding="utf-8")
    return path


@pytest.mark.slow
def test_bundled_report_and_a_next_edition(client, db, tmp_path, settings, monkeypatch):
    from django.core.management import call_command

    settings.STORAGES = PLAIN_STORAGES
    settings.LANGUAGE_CODE = "sv"
    install_fake_search(monkeypatch)
    call_command("import_report", str(BUNDLED), "--no-index", stdout=None)
    call_command("import_report", str(next_edition_file(tmp_path)), "--no-index", stdout=None)
    new = Report.objects.get(year=2024)
    assert new.number == "0512"  # the import linked the editions (catalogue.lineage)

    html = page(client, "/")
    assert "Sök bland 523 insatser som Sveriges 21 regioner redovisat för 2024" in html
    assert "(Rapport 0512)." in html
    assert "Sök bland 523 insatser" in page(client, "/", year="2023")
    html = page(client, "/insatser/")
    assert option_count(html, "year", "alla") == 1046
    assert option_count(html, "change", "new") == 1
    assert option_count(html, "change", "moved") == 1
    assert option_count(html, "change", "continued") == 521
    assert option_count(page(client, "/insatser/", year="2023"), "change", "ended") == 1
    data = exported(client, year="2024", change="new")
    assert [r["name"] for r in data["results"]] == [
        "Helt ny insats om vattenförsörjning på Gotland"
    ]
    gotland = client.get("/regioner/gotland/", {"format": "json"}).json()
    assert gotland["measure_count"] == 28 and gotland["report_year"] == 2024
    assert len([a for a in gotland["allocation"] if a["text"]]) == 6  # 2024's own answers
    html = page(client, "/regioner/gotland/forandringar/")
    moved = html.split('id="h-moved"', 1)[1].split("</section>", 1)[0]
    assert "från kapitel 1 till kapitel 2" in moved
    assert "[tillagt: </span>Ny text 2024 om uppföljningen." in html
    ended = html.split('id="h-ended"', 1)[1].split("</section>", 1)[0]
    assert ended.count("<li>") == 1
