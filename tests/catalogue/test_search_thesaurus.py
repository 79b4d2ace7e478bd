"""Related terms of the field (catalogue.search.thesaurus): the list parses, a query's related
terms find the measures that only have them, after the query's own hits, and the page says so."""

import pytest

from catalogue import search
from catalogue.models import Chapter, Measure, Region, Report
from catalogue.search import thesaurus

from .test_search import index_dir  # noqa: F401 (fixture)
from .test_search_near import create_measures


def test_the_list_parses_and_relates_the_fields_terms():
    terms = thesaurus.related_terms()
    assert len(terms) > 500
    assert "hamn" in terms[thesaurus.key("sjöfart")]
    assert "life science" in terms[thesaurus.key("läkemedel")]
    assert "international house" in terms[thesaurus.key("utländsk arbetskraft")]
    # Any inflected form of a term: "hamnar", "utländska arbetskraften".
    assert thesaurus.key("hamnar") == thesaurus.key("hamn")
    assert thesaurus.key("utländska arbetskraften") == thesaurus.key("utländsk arbetskraft")


@pytest.mark.parametrize(
    ("line", "pairs"),
    [
        ("a | b", [("a", ("b",)), ("b", ("a",))]),
        ("a | b > c | d  # comment", [("a", ("b", "c", "d")), ("b", ("a", "c", "d"))]),
        ("a > c", [("a", ("c",))]),
        ("# only a comment", []),
        ("", []),
    ],
)  # fmt: skip
def test_a_line_relates_its_terms_broader_to_narrower_only_one_way(line, pairs):
    assert thesaurus.parse_line(line) == pairs


@pytest.mark.parametrize("line", ["a", "a >", "a > b > c", "| a"])
def test_a_line_that_is_no_group_is_an_error(line):
    with pytest.raises(ValueError):
        thesaurus.parse_line(line)


def test_terms_of_several_words_are_found_longest_first_and_only_in_plain_queries():
    found = thesaurus.matches("utländsk arbetskraft i Skåne")
    assert [(m.words, m.start, m.end) for m in found] == [("utländsk arbetskraft", 0, 2)]
    assert thesaurus.matches("sjöfart OR hamn") == [] and thesaurus.matches("cykel-arbete") == []
    assert [m.words for m in thesaurus.matches('"psykisk hälsa"')] == ["psykisk hälsa"]
    assert thesaurus.matches('"psykisk hälsa i länet"') == []  # a phrase only as a whole term
    # Typed without å/ä/ö.
    assert "hamn" in thesaurus.matches("sjofart")[0].related
    assert thesaurus.matches("regionen") == []


TEXTS = {
    "sjofart": ("Blekinge", "Sjöfart i Östersjön", "Samarbete om sjöfart och miljö."),
    "hamn": ("Kalmar", "Hamnens utbyggnad", "Investeringar i hamnar och kajer i samarbete."),
    "life": ("Uppsala", "Life science i länet", "Ett nätverk för life science-företag."),
    "annat": ("Skåne", "Kultur i skolan", "Teater och musik för elever i samarbete."),
}  # fmt: skip


@pytest.fixture
def index(index_dir):  # noqa: F811
    made = create_measures(TEXTS, Chapter.objects.get(number=4))
    search.rebuild()
    return made


@pytest.mark.django_db
def test_a_related_term_finds_a_measure_that_only_has_it_after_the_direct_hits(index):
    result = search.search("sjöfart")
    assert result.ids == [index["sjofart"].pk, index["hamn"].pk]
    notes = result.notes
    assert notes.related_after == 1 and notes.related == 1
    assert notes.related_terms[0][0] == "sjöfart" and "hamn" in notes.related_terms[0][1]
    # The terms some measure has are named first ("sjötransport" comes first in the list).
    assert notes.related_terms[0][1][0] == "hamn"
    assert '<mark class="expanded">hamnar</mark>' in result.highlights[index["hamn"].pk]


@pytest.mark.django_db
def test_related_terms_alone_find_what_the_query_words_do_not(index):
    # No measure says "läkemedel": those about life science are listed, and said to be related.
    result = search.search("läkemedel")
    assert result.ids == [index["life"].pk]
    assert result.notes.related_after == 0 and result.notes.related == 1


@pytest.mark.django_db
def test_a_query_without_terms_of_the_list_gets_no_related_hits(index):
    result = search.search("teater")
    assert result.ids == [index["annat"].pk] and result.notes.related == 0


@pytest.mark.django_db
def test_the_list_page_says_which_related_terms_were_searched(client, index):
    page = client.get("/insatser/", {"q": "sjöfart"}).content.decode()
    assert "Besläktade begrepp: efter träffarna för sökorden följer 1 insats" in page
    assert '<span lang="sv">sjöfart</span> → ' in page and '<span lang="sv">hamn</span>' in page
    client.cookies["django_language"] = "en"
    page = client.get("/insatser/", {"q": "sjöfart"}).content.decode()
    assert "Related terms: after the hits of your words follows 1 measure" in page


@pytest.mark.django_db
def test_a_query_typed_without_swedish_letters_finds_the_related_terms_too(index):
    result = search.search("sjofart")
    assert index["hamn"].pk in result.ids and result.notes.related == 1


def test_with_several_terms_of_the_list_one_is_replaced_at_a_time():
    q, found = thesaurus.related_query("sjöfart och läkemedel", search.query.parse)
    assert [m.words for m in found] == ["sjöfart", "läkemedel"]
    first, second = ({text for field, text in search.query.positive_terms(reading)
                      if field == "exact"} for reading in q.subqueries)  # fmt: skip
    # First "sjöfart" replaced ("hamn" searched), "läkemedel" as written; then the other way.
    assert {"hamn", "läkemedel"} <= first and not {"sjöfart", "medicinteknik"} & first
    assert {"sjöfart", "medicinteknik"} <= second and not {"hamn", "läkemedel"} & second


@pytest.mark.django_db
def test_related_hits_come_before_those_with_most_of_the_words_and_the_page_says_so(client, index):
    result = search.search("sjöfart samarbete")
    # All the words; "hamnar" and "samarbete"; "samarbete" only.
    assert result.ids == [index["sjofart"].pk, index["hamn"].pk, index["annat"].pk]
    notes = result.notes
    assert (notes.all_words, notes.related_after, notes.related, notes.most_words) == (1, 1, 1, 1)
    page = client.get("/insatser/", {"q": "sjöfart samarbete"}).content.decode()
    all_words = page.index("1 insats innehåller alla orden i frågan.")
    related = page.index("Besläktade begrepp: efter träffarna för sökorden följer 1 insats")
    assert all_words < related < page.index("Därefter följer 1 insats med de flesta av orden.")


@pytest.mark.django_db
def test_a_term_of_the_list_that_no_measure_writes_is_no_misspelling(index, monkeypatch):
    # No text says "farled" (a term of the list), one says "farlig", two letters away: the query
    # searches the term's related terms and gets no "did you mean farlig".
    Measure.objects.create(
        report=Report.objects.get(), region=Region.objects.get(name="Gotland"),
        chapter=Chapter.objects.get(number=4), name="Farlig last", description="Hantering.",
        source_key="farlig", source_line=99,
    )  # fmt: skip
    search.rebuild()
    assert thesaurus.is_term("farled") and thesaurus.is_term("Sjofart")
    assert not thesaurus.is_term("farlig")
    assert search.search("farled").suggestion is None
    assert search.search("farlid").suggestion == "farlig"  # a misspelling is still corrected
    monkeypatch.setattr(thesaurus, "is_term", lambda word: False)
    search.reset()
    assert search.search("farled").suggestion == "farlig"  # what the rule prevents


@pytest.mark.django_db
def test_the_page_says_when_only_related_terms_found_anything(client, index):
    page = client.get("/insatser/", {"q": "läkemedel"}).content.decode()
    assert "Besläktade begrepp: ingen insats nämner sökorden, men 1 insats nämner" in page
    assert "efter träffarna för sökorden" not in page
    client.cookies["django_language"] = "en"
    page = client.get("/insatser/", {"q": "läkemedel"}).content.decode()
    assert "Related terms: no measure mentions your words, but 1 measure mentions" in page


@pytest.mark.django_db
def test_a_coordinations_alternatives_are_looked_up_when_the_query_as_typed_is_no_term(index):
    # "sjöfarts- och flygsamarbete" is searched as "sjöfart samarbete" or "flyg" (no measure
    # writes "flyg" with "samarbete"); "sjöfart" is a term of the list, so the measure about
    # ports and cooperation follows, not the one about cooperation alone.
    result = search.search("sjöfarts- och flygsamarbete")
    assert result.ids == [index["sjofart"].pk, index["hamn"].pk]
    assert result.notes.related_after == 1 and result.notes.related == 1
    assert result.notes.related_terms[0][0] == "sjöfart"


def test_coordination_variants_take_each_alternative_in_turn():
    def rewrite(part, readings):  # as compounds.rewrite_coordinations fills its readings
        readings.append({"hotell- och restaurangbranschen": ("hotell", "restaurang"),
                         "studie- och yrkesvägledning": ("studievägledning",
                                                         "yrkesvägledning")}[part])  # fmt: skip
        return part

    assert thesaurus.coordination_variants(
        "stöd till hotell- och restaurangbranschen", rewrite
    ) == [
        "stöd till hotell",
        "stöd till restaurang",
    ]
    assert thesaurus.coordination_variants("studie- och yrkesvägledning i Kalmar", rewrite) == [
        "studievägledning i Kalmar",
        "yrkesvägledning i Kalmar",
    ]
    assert thesaurus.coordination_variants("sjöfart och hamnar", rewrite) == []
