"""Swedish matching that follows meaning (issue 10): compounds, coordination, abbreviations,
most-words hits, and the notes that explain an empty or widened search."""

import pytest

from catalogue import search
from catalogue.models import Chapter, Measure, Region, Report

from .test_search import index_dir  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

TEXTS = {
    "mack": ("Uppsala", "Laddstation och vätgasmack", "Förutsättningar för en vätgasmack."),
    "vatgas": ("Gävleborg", "Vätgas i industrin", "Samverkan om vätgas och elnät."),
    "gron": ("Norrbotten", "Grön omställning", "Produktion av grönvätgas i stål."),
    "halland": (
        "Halland",
        "Mobilisera aktörer för strategiskt kompetensförsörjningsarbete",
        "Företag arbetar mer strategiskt.",
    ),
    "syv_text": ("Kalmar", "Validering", "Ett nätverk inom studie- och yrkesvägledning."),
    "syv_abbr": ("Kronoberg", "Dimensionering", "Styrgrupp, SYV, branscher."),
    "studie": ("Skåne", "Vägledning", "Bättre studievägledning för vuxna."),
    "kkn_text": ("Västerbotten", "Design", "Kraft hos SMF inom kulturella och kreativa näringar."),
    "kkn_abbr": ("Norrbotten", "Musiknätverk", "Norrbotten som en framgångsrik KKN-region."),
    "fjall": ("Jämtland Härjedalen", "Turism i fjällen", "Hållbar turism och besöksnäring."),
    "besok": ("Halland", "Besöksnäringens utveckling", "Stöd till besöksnäringen vid kusten."),
    "kluster": ("Uppsala", "Tillväxtkluster", "Ett kluster för företag i länet."),
    "lakemedel": ("Skåne", "Life science", "Nätverk för läkemedel och läkemedelsföretagen."),
    "mat": ("Kalmar", "Företag inom mat", "Rådgivning till företag som förädlar mat."),
    "larc": ("Kronoberg", "Lärcentra i länet", "Kommunernas lärcentra samverkar."),
    "rise": ("Västerbotten", "Green Battery, RISE Processum", "Batterier av skog."),
    "upph": ("Gävleborg", "Innovationsupphandling", "Offentliga aktörer och deras upphandling."),
    "rest": ("Kalmar", "Gårdsrundan", "Gårdar, caféer och restauranger håller öppet."),
}


@pytest.fixture
def index(index_dir):  # noqa: F811
    report = Report.objects.create(
        title="Tabellbilaga", year=2023, number="0480", source_name="t.txt", checksum="0" * 64
    )
    made = {}
    for line, (key, (region, name, description)) in enumerate(TEXTS.items(), start=10):
        made[key] = Measure.objects.create(
            report=report,
            region=Region.objects.get(name=region),
            chapter=Chapter.objects.get(number=3),
            name=name,
            description=description,
            source_key=key,
            source_line=line,
        )
    assert search.rebuild() == len(TEXTS)
    return made


def test_a_word_finds_compounds_that_begin_or_end_with_it_after_itself(index):
    found = search.search("vätgas").ids
    assert found[0] == index["vatgas"].pk  # the word as written first
    assert {index["mack"].pk, index["gron"].pk} <= set(found)


def test_a_query_word_that_begins_a_longer_compound(index):
    assert index["halland"].pk in search.search("kompetensförsörjning").ids


def test_coordination_in_texts_and_queries(index):
    result = search.search("studie- och yrkesvägledning")
    assert index["syv_text"].pk in result.ids
    assert index["syv_abbr"].pk in result.ids  # SYV is tied to what it stands for
    assert result.notes.coordinations == (("studievägledning", "yrkesvägledning"),)
    assert index["syv_text"].pk in search.search("studievägledning").ids  # written out, indexed


def test_abbreviations_both_ways(index):
    spelled = search.search("kulturella och kreativa näringar")
    assert {index["kkn_text"].pk, index["kkn_abbr"].pk} <= set(spelled.ids)
    assert ("kkn", "kulturella och kreativa näringar") in spelled.notes.abbreviations
    short = search.search("KKN")
    assert short.ids[0] == index["kkn_abbr"].pk
    assert index["kkn_text"].pk in short.ids


def test_expanded_matches_are_marked_apart(index):
    result = search.search("vätgas")
    assert '<mark class="expanded">vätgasmack</mark>' in result.highlights[index["mack"].pk]
    assert "<mark>vätgas</mark>" in result.highlights[index["vatgas"].pk]
    assert result.notes.expanded


def test_most_of_the_words_follow_all_of_them(index):
    result = search.search("hållbar turism vätgas")
    assert result.notes.all_words == 0
    assert result.ids[0] == index["fjall"].pk  # two of the three words


def test_only_stop_words_is_explained(index):
    result = search.search("och i att")
    assert result.ids == [] and result.notes.stop_words_only


def test_an_english_word_gets_a_hint(index):
    assert search.search("energy").notes.english == (("energy", "energi"),)
    assert search.search("energi").notes.english == ()


def test_the_list_page_explains(client, index):
    page = client.get("/insatser/", {"q": "och"}).content.decode()
    assert "bara vanliga småord" in page
    page = client.get("/insatser/", {"q": "KKN"}).content.decode()
    assert "prickad understrykning" in page and "KKN = kulturella och kreativa näringar" in page


def test_a_curated_synonym_finds_the_other_word_after_the_word_itself(index):
    found = search.search("turism").ids
    assert found[0] == index["fjall"].pk
    assert index["besok"].pk in found
    assert index["fjall"].pk in search.search("besöksnäringen").ids


def test_an_inflected_form_that_drops_an_e_finds_the_base_form(index):
    assert index["kluster"].pk in search.search("klustren").ids
    result = search.search("lärcentrum")  # a Latin noun in -um: "lärcentra"
    assert index["larc"].pk in result.ids and result.notes.corrected_from is None


def test_a_word_typed_without_swedish_letters_finds_its_compounds(index):
    from catalogue.search import expansion, storage

    reader = storage.searcher().reader()
    assert expansion._restored(reader, "lakemedel") == "läkemedel"
    assert expansion._restored(reader, "kluster") is None  # no å/ä/ö spelling is known
    assert index["lakemedel"].pk in search.search("lakemedel").ids


def test_a_coordinated_compound_the_texts_never_write_is_searched_as_its_parts(index):
    result = search.search("mat- och dryckesföretag")
    assert index["mat"].pk in result.ids


def test_a_coordinated_compound_whose_parts_no_text_has_together_is_searched_as_its_modifier(
    index,
):
    # No text writes "restaurangbranschen", nor "restaurang" and "bransch" in one measure.
    result = search.search("hotell- och restaurangbranschen")
    assert result.ids[0] == index["rest"].pk and result.notes.related_after == 1
    # After it, the visitor economy that "hotell" and "restaurang" lead to (thesaurus.txt).
    assert set(result.ids[1:]) == {index["besok"].pk, index["fjall"].pk}


def test_coordination_parts_apart_only_where_no_measure_has_them_together():
    from catalogue.search.compounds import rewrite_coordinations

    known = {"mat", "dryck", "företag", "matföretag"}.__contains__
    pairs = {("dryck", "företag")}
    rewritten = rewrite_coordinations(
        "mat- och dryckesföretag", known, parts=True, together=lambda a, b: (a, b) in pairs
    )
    assert rewritten == "(matföretag OR (dryck företag))"
    rewritten = rewrite_coordinations(
        "mat- och dryckesföretag", known, parts=True, together=lambda a, b: False
    )
    assert rewritten == "(matföretag OR dryck)"


def test_a_rare_phrase_is_followed_by_its_words_in_any_form_then_by_most_of_them(index):
    (alone,) = _measures(index["mat"], "Upphandling av mat.")
    search.rebuild()
    result = search.search('"offentlig upphandling"')
    assert result.ids[:2] == [index["upph"].pk, alone.pk]  # both words, then the rarer one
    assert result.notes.phrase_hits == 0 and result.notes.phrase_words == 2
    result = search.search('"offentliga aktörer"')
    assert result.ids[0] == index["upph"].pk and result.notes.phrase_hits == 1  # the phrase


def test_a_phrase_in_the_effects_ranks_above_the_same_phrase_in_the_goals_column(index):
    # Positions are kept only in the name, the description and `folded`: both are phrase hits of
    # `folded`; the phrase's words, scored as their fields weigh, put the effects first.
    base = index["mat"]
    goals, effects = (
        Measure.objects.create(
            report=base.report, region=base.region, chapter=base.chapter, name=name,
            description="Ett projekt.", source_key=name, source_line=line, **texts,
        )
        for line, name, texts in (
            (90, "Hundra", {"goals_text": "Livslångt lärande i länet."}),
            (91, "Tusen", {"effects": "Livslångt lärande i länet."}),
        )
    )  # fmt: skip
    search.rebuild()
    assert search.search('"livslångt lärande"').ids[:2] == [effects.pk, goals.pk]


def _measures(base, *texts):
    return [
        Measure.objects.create(
            report=base.report, region=base.region, chapter=base.chapter, name=f"Insats {i}",
            description=text, source_key=f"extra-{i}", source_line=100 + i,
        )
        for i, text in enumerate(texts)
    ]  # fmt: skip


def test_most_words_hits_rank_by_the_rarity_of_the_words_they_hold(index):
    # No measure has all four words: two rare words weigh more than three with two common ones.
    rare, common, *_ = _measures(
        index["mat"],
        "Porslin och keramik.",
        "Porslin. Projekt. Många andra nätverk.",
        *["Nätverk och projekt i länet."] * 8,
    )
    search.rebuild()
    result = search.search("nätverk projekt porslin keramik")
    assert result.notes.all_words == 0
    assert result.ids[:2] == [rare.pk, common.pk]


def test_most_words_hits_with_neighbouring_query_words_written_together_rank_first(index):
    # "tjänster … glesbygd" holds the rarer words, but "digitala tjänster" is written as the
    # query writes it.
    together, *_ = _measures(
        index["mat"],
        "Digitala tjänster för alla.",
        "Tjänster och service i glesbygd.",
        "Digitala verktyg.",
        "Tjänster till företag.",
    )
    search.rebuild()
    result = search.search("digitala tjänster i glesbygd")
    assert result.notes.all_words == 0 and result.ids[0] == together.pk


def test_an_abbreviation_is_matched_as_written_not_by_its_stem(index):
    assert index["rise"].pk in search.search("rise").ids
    assert index["rise"].pk not in search.search("RIS").ids  # stem("rise") is "ris"


def test_the_page_says_how_a_coordination_was_searched(client, index):
    page = client.get("/insatser/", {"q": "studie- och yrkesvägledning"}).content.decode()
    assert "Sökt som:" in page
    assert (
        '<span lang="sv">studievägledning</span> eller <span lang="sv">yrkesvägledning</span>'
        in page
    )
    english = client.get(
        "/insatser/", {"q": "studie- och yrkesvägledning"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Searched as:" in english and "</span> or <span" in english
