"""Hostile input: odd query strings never cause a server error, and markup from the content never
reaches a page unescaped (no script, no event attribute, no javascript: link)."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from django.core.management import call_command

from catalogue.models import Chapter, Measure, Region, Report
from tests import servers

HOSTILE_TEXT = (
    '<script>alert("xss")</script><img src=x onerror=alert(1)>'
    '<a href="javascript:alert(2)">klicka</a><svg onload=alert(3)>'
)

LONG = "energi " * 3000
HOSTILE_QUERIES = [
    # very long
    LONG,
    "a" * 20000,
    # odd Unicode, invalid UTF-8 and control characters (percent-encoded as a browser would)
    "Örebro 🚀 ﷽ \u202eevil\u202c e\u0301 \u200b",
    "%00",
    "%FF%FE%FD",
    "%ED%A0%80",
    "%C0%AF",
    "\t\r\n",
    # Whoosh query syntax, broken and expensive
    "energi AND (",
    '"unclosed phrase',
    "name:",
    "*",
    "?",
    "*a*b*c*d*e*",
    "[a TO",
    "{x TO y}",
    "energi^999999",
    "((((((((((((((((((((energi",
    "NOT",
    "AND OR NOT",
    "~",
    "energi~99",
    "\\",
    "nonexistentfield:foo",
    # SQL-like
    "' OR 1=1 --",
    "1; DROP TABLE catalogue_measure; --",
    '" OR ""="',
    "%' UNION SELECT password FROM auth_user --",
    # markup
    HOSTILE_TEXT,
]

HOSTILE_PARAMETERS = [
    "page=999999999999999999999999",
    "page=-1",
    "page=0",
    "page=abc",
    "page=1e9",
    "page=NaN",
    "region=doesnotexist",
    "region=" + "&region=".join(["skane"] * 200),
    "chapter=99",
    "chapter=abc",
    "chapter=-1",
    "chapter=99999999999999999999999",
    "sdg=0",
    "sdg=18",
    "sdg=99999999999999999999999",
    "framework=%3Cscript%3E",
    "year=abc",
    "year=99999999999999999999",
    "curated=maybe",
    "sort=-nonexistent",
    "sort=__class__",
    "sort=" + "x" * 5000,
    "per_page=1000000000",
    "per_page=-5",
    "format=xml",
    "format=..%2F..%2Fetc%2Fpasswd",
    "format=json&q=%22unclosed",
    "format=csv&q=energi+AND+(",
    "format=xlsx&page=999999999",
    "q=energi&region=doesnotexist&chapter=abc&page=999999999",
]

# Static files are not collected for tests: plain storage instead of the production manifest.
PLAIN_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

LIST_PATHS = ["/insatser/", "/kapitel/3/", "/"]

HOSTILE_PATHS = [
    "/insatser/99999999999999999999999/",
    "/insatser/0/",
    "/regioner/doesnotexist/",
    "/regioner/" + "a" * 300 + "/",
    "/kapitel/99999999999999999999999/",
    "/kapitel/0/",
    "/mal/99999999999999999999999/",
    "/regioner/doesnotexist/?format=json",
    "/insatser/1/?format=json",
]


@pytest.fixture
def catalogue(db, settings, tmp_path):
    """A few measures, one carrying hostile markup in every plain-text field, and an index."""
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.STORAGES = PLAIN_STORAGES
    report = Report.objects.create(
        title="Tabellbilaga", year=2023, number="0480", source_name="test.txt", checksum="0" * 64
    )
    regions = list(Region.objects.order_by("code")[:3])
    chapters = list(Chapter.objects.filter(number__lte=7).order_by("number")[:3])
    measures = []
    for index, (region, chapter) in enumerate(zip(regions, chapters, strict=True)):
        measures.append(
            Measure.objects.create(
                report=report,
                region=region,
                chapter=chapter,
                name=f"Energiomställning {index} {HOSTILE_TEXT}",
                description=f"Beskrivning av energi {HOSTILE_TEXT}",
                description_html="<p>Beskrivning av energi</p>",
                outputs=f"Prestationer {HOSTILE_TEXT}",
                outputs_html="<p>Prestationer</p>",
                effects=f"Effekter {HOSTILE_TEXT}",
                effects_html="<p>Effekter</p>",
                goals_text=f"Mål 7 {HOSTILE_TEXT}",
                goals_html="<p>Mål 7</p>",
                source_key=f"key-{index}",
                source_line=100 + index,
            )
        )
    from catalogue import search

    search.rebuild()
    return measures


class ActiveMarkupFinder(HTMLParser):
    """Collects what a browser would run: inline scripts, event attributes, javascript: URLs."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src"):
            self.found.append("inline <script>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=...>")
            if name in self.URL_ATTRIBUTES and value:
                scheme = "".join(value.split()).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.found.append(f"<{tag} {name}={value[:40]}>")

    handle_startendtag = handle_starttag


def assert_no_active_markup(html: str, where: str) -> None:
    """Fail if the page carries an inline script, an event attribute or a javascript: link."""
    finder = ActiveMarkupFinder()
    finder.feed(html)
    finder.close()
    assert finder.found == [], f"{where}: {finder.found[:5]}"


def response_json(response):
    if response.streaming:
        return json.loads(b"".join(response.streaming_content))
    return response.json()


def get(client, url: str):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="sv")
    return response


@pytest.mark.parametrize("path", LIST_PATHS)
@pytest.mark.parametrize("query", HOSTILE_QUERIES, ids=lambda q: repr(q[:30]))
def test_hostile_search_queries_never_fail(client, catalogue, path, query):
    from urllib.parse import quote

    encoded = query if query.startswith("%") else quote(query)
    response = get(client, f"{path}?q={encoded}")
    if response.status_code == 302:  # a blank query: the same page without it (clean links)
        assert "q=" not in response["Location"]
        return
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        assert_no_active_markup(response.content.decode(), f"{path}?q={query[:40]}")


@pytest.mark.parametrize("path", LIST_PATHS[:2])
@pytest.mark.parametrize("parameters", HOSTILE_PARAMETERS, ids=lambda p: p[:40])
def test_hostile_parameters_never_fail(client, catalogue, path, parameters):
    response = get(client, f"{path}?{parameters}")
    if response.status_code == 302:  # a page out of range: the one that exists (clean links)
        assert "page=" in parameters and response["Location"].startswith(path)
        response = get(client, response["Location"])
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 400:
        assert response.content, "a 400 answer says what was wrong"


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_hostile_paths_are_not_found_not_errors(client, catalogue, path):
    response = get(client, path)
    assert response.status_code in (200, 400, 404), response.status_code


def test_content_markup_is_escaped_on_every_page(client, catalogue):
    measure = catalogue[0]
    pages = [
        "/",
        "/insatser/",
        "/insatser/?q=energi",
        "/insatser/?q=alert",
        "/insatser/?q=script",
        "/insatser/?q=onerror",
        f"/insatser/{measure.pk}/",
        f"/kapitel/{measure.chapter.number}/",
        f"/regioner/{measure.region.slug}/",
        "/regioner/",
        "/mal/",
    ]
    for page in pages:
        response = get(client, page)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert_no_active_markup(html, page)
    detail = get(client, f"/insatser/{measure.pk}/").content.decode()
    # The text is shown, escaped, not dropped.
    assert "&lt;script&gt;" in detail


def test_json_export_keeps_markup_as_inert_text(client, catalogue):
    response = get(client, "/insatser/?format=json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response_json(response)["count"] == len(catalogue)


@pytest.mark.slow
def test_hostile_cells_in_an_imported_report_never_reach_a_page(client, db, settings, tmp_path):
    """Through the real importer: cells with script, event attributes and javascript: links."""
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    settings.STORAGES = PLAIN_STORAGES
    lines = servers.REPORT.read_text(encoding="utf-8").split("\n")
    hostile_rows = 0
    for index, line in enumerate(lines):
        cells = line.split("\t")
        if len(cells) == 5 and cells[0] in {"Blekinge", "Dalarna", "Gotland"}:
            cells[1] = cells[1] + HOSTILE_TEXT
            cells[2] = f"<p>{HOSTILE_TEXT}</p>" + cells[2]
            cells[4] = cells[4] + '<a href="javascript:alert(4)" onclick="alert(5)">mål</a>'
            lines[index] = "\t".join(cells)
            hostile_rows += 1
    assert hostile_rows > 5
    path = tmp_path / "hostile.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    call_command("import_report", str(path))

    hostile = Measure.objects.filter(region__name__in=["Blekinge", "Dalarna", "Gotland"])
    assert hostile.exists()
    for field in ("description_html", "outputs_html", "effects_html", "goals_html"):
        for value in hostile.values_list(field, flat=True):
            assert_no_active_markup(value, field)
    pages = ["/", "/insatser/", "/insatser/?q=alert", "/insatser/?q=klicka"]
    pages += [m.get_absolute_url() for m in hostile[:10]]
    pages += ["/regioner/blekinge/", "/regioner/gotland/", "/kapitel/1/"]
    for page in pages:
        response = get(client, page)
        assert response.status_code == 200, page
        assert_no_active_markup(response.content.decode(), page)
