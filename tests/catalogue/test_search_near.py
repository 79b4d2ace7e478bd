"""Near hits (catalogue.search.near): after a query's own hits, the measures that share the
telling words of its best hits, marked in the list and explained on the page."""

import pytest

from catalogue import search
from catalogue.models import Chapter, Measure, Region, Report
from catalogue.search import near, storage, thesaurus

from .test_search import index_dir  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

TEXTS = {
    "fjall": ("Jämtland Härjedalen", "Turism i fjällen", "Destinationsutveckling med guidade "
              "naturupplevelser och sevärdheter i fjällen i samverkan."),
    "kust": ("Halland", "Turism vid kusten", "Destinationsutveckling och guidade "
             "naturupplevelser och sevärdheter längs kusten i samverkan."),
    "gold": ("Norrbotten", "Gold of Lapland", "Destinationsutveckling och guidade "
             "naturupplevelser i Lappland."),
    "slump": ("Skåne", "Lantbrukets vatten", "Destinationsutveckling nämns här en gång."),
}  # fmt: skip
# Measures about other things: a word of the seeds must be rare in the whole index to tell
# (in 3 of 204 measures, two of two seeds is no chance).
FILLERS = 200


@pytest.fixture(autouse=True)
def no_related_terms(monkeypatch):
    """These tests are about near hits alone: "turism" is in the field thesaurus too
    (catalogue.search.thesaurus), whose related terms would list some of them before."""
    monkeypatch.setattr(thesaurus, "matches", lambda text: [])


def create_measures(texts: dict, chapter: Chapter) -> dict[str, Measure]:
    """One measure of a 2023 report per `texts` item, key → (region, name, description), from
    line 10 on; also the related-term tests' (test_search_thesaurus)."""
    report, _ = Report.objects.get_or_create(
        year=2023,
        defaults={"title": "Tabellbilaga", "number": "0480", "source_name": "t.txt",
                  "checksum": "0" * 64},
    )  # fmt: skip
    return {
        key: Measure.objects.create(
            report=report,
            region=Region.objects.get(name=region),
            chapter=chapter,
            name=name,
            description=description,
            source_key=key,
            source_line=line,
        )
        for line, (key, (region, name, description)) in enumerate(texts.items(), start=10)
    }


@pytest.fixture
def index(index_dir):  # noqa: F811
    chapter = Chapter.objects.get(number=3)
    made = create_measures(TEXTS, chapter)
    report = Report.objects.get()
    uppsala = Region.objects.get(name="Uppsala")
    Measure.objects.bulk_create(
        Measure(
            report=report,
            region=uppsala,
            chapter=chapter,
            name=f"Insats nummer {n}",
            description=f"Ämne {n} och annat"
            + (" med sevärdheter" if n < 4 else "")
            + (" och utsikter" if n < 6 else "")
            + (" i samverkan" if 10 <= n < 26 else ""),
            source_key=f"filler{n}",
            source_line=100 + n,
        )
        for n in range(FILLERS)
    )
    assert search.rebuild() == len(TEXTS) + FILLERS
    return made


def test_measures_sharing_the_best_hits_telling_words_follow_the_hits(index):
    result = search.search("turism")
    assert set(result.ids[:2]) == {index["fjall"].pk, index["kust"].pk}
    assert result.ids[2] == index["gold"].pk  # no "turism", but the words of both hits
    assert result.notes.near_after == 2
    assert {"destinationsutveckling", "guidade", "naturupplevelser"} <= set(result.notes.near_words)
    assert "turism" not in result.notes.near_words


def test_the_querys_own_words_are_not_named_even_typed_without_swedish_letters(index, monkeypatch):
    # Six measures have "sevärdheter", more than the five best hits: it is a telling word.
    searcher = storage.searcher()
    seeds = [searcher.document_number(id=str(pk)) for pk in search.search("sevärdheter").ids]
    found = near.near_hits(searcher, seeds, set(), ["sevardheter"])
    assert "sevärdheter" in found.terms and "sevärdheter" not in found.words


def test_a_word_that_chance_puts_in_the_best_hits_does_not_tell(index):
    # "samverkan": in both hits of "turism", but in 18 of 204 measures (9 %): two of two is
    # no rare chance (0.8 %); "guidade" (3 of 204) is.
    searcher = storage.searcher()
    seeds = [searcher.document_number(id=str(pk)) for pk in search.search("turism").ids[:2]]
    words = [word for word, _ in near.telling_words(searcher, seeds)]
    assert "guidade" in words and "samverkan" not in words


def test_more_shared_words_rank_first(index):
    # "slump" has one of the words, "gold" all of them.
    ids = search.search("turism").ids
    assert ids.index(index["gold"].pk) < ids.index(index["slump"].pk)


def test_a_light_word_alone_finds_no_near_hit(index, monkeypatch):
    # "slump" has one word only, "destinationsutveckling" (in four measures: lighter than
    # "guidade", in three): alone it finds a measure only if it weighs enough.
    monkeypatch.setattr(near, "ALONE_SHARE", 0.95)
    ids = search.search("turism").ids
    assert index["gold"].pk in ids and index["slump"].pk not in ids
    monkeypatch.setattr(near, "ALONE_SHARE", 0.6)
    search.reset()
    assert index["slump"].pk in search.search("turism").ids


def test_words_common_in_the_index_find_nothing_more(index):
    # Fillers only, whose other words ("insats", "nummer", "annat") every filler has.
    result = search.search("nummer")
    assert result.ids
    assert result.notes.near == 0 and result.notes.near_after is None


def test_a_single_hit_gets_no_near_hits(index):
    # One measure's own words are its own subject, not the query's.
    result = search.search("fjällen")
    assert result.ids == [index["fjall"].pk] and result.notes.near == 0


def test_a_limit_counts_the_near_hits_too(index):
    assert len(search.search("turism", limit=2).ids) == 2
    result = search.search("turism", limit=3)
    assert result.ids[2] == index["gold"].pk and result.notes.near == 1


def test_common_words_do_not_tell(index, monkeypatch):
    # With a word allowed in at most 1 % of the measures, none of the shared words tells.
    monkeypatch.setattr(near, "MAX_SHARE", 0.01)
    assert search.search("turism").notes.near == 0


def test_the_near_words_are_marked_in_a_near_hits_excerpt(index):
    result = search.search("turism")
    excerpt = result.highlights[index["gold"].pk]
    assert '<mark class="near">guidade</mark>' in excerpt
    assert "<mark>guidade</mark>" not in excerpt
    assert "<mark" not in result.highlights[index["fjall"].pk]  # a hit of the word itself


def test_the_list_page_marks_and_explains_near_hits(client, index):
    page = client.get("/insatser/", {"q": "turism"}).content.decode()
    assert "Närliggande: efter träffarna för sökorden följer insatser" in page
    assert '<span lang="sv">guidade</span>' in page
    row = page[page.index("Gold of Lapland") :][:400]
    assert 'class="near-label"' in row
    assert 'class="near-label"' not in page[page.index("Turism vid kusten") :][:200]
    client.cookies["django_language"] = "en"
    page = client.get("/insatser/", {"q": "turism"}).content.decode()
    assert "Related: after the hits of your words follow measures" in page


def test_a_region_filter_keeps_the_regions_near_hits(client, index):
    # The region facet filters the whole ranking, near hits included: nothing is cut before it.
    page = client.get("/insatser/", {"q": "turism", "region": "norrbotten"}).content.decode()
    assert "Gold of Lapland" in page and "Turism vid kusten" not in page


def test_exports_leave_out_the_near_hits_and_say_so(client, index):
    import io
    import json

    from openpyxl import load_workbook

    def content(response):
        if response.streaming:
            return b"".join(response.streaming_content)
        return response.content

    shown = client.get("/insatser/", {"q": "turism"}).content.decode()
    assert "Gold of Lapland" in shown  # a near hit on the page
    data = json.loads(content(client.get("/insatser/", {"q": "turism", "format": "json"})))
    names = [record["name"] for record in data["results"]]
    assert sorted(names) == ["Turism i fjällen", "Turism vid kusten"] and data["count"] == 2
    csv_text = content(client.get("/insatser/", {"q": "turism", "format": "csv"})).decode()
    assert "Turism vid kusten" in csv_text and "Gold of Lapland" not in csv_text
    book = load_workbook(io.BytesIO(content(client.get("/insatser/", {"q": "turism",
                                                                      "format": "xlsx"}))))  # fmt: skip
    described = [[cell.value for cell in row] for row in book["Om urvalet"].iter_rows()]
    assert any(
        row[0] == "Närliggande träffar" and "ingår inte" in str(row[1]) for row in described
    ), described
