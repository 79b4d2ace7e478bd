"""Swedish analysis: stemming, folding, decompounding and the analyzers built from them."""

import pickle

import pytest

from catalogue.search import abbreviations, analysis, compounds, words


@pytest.mark.parametrize(
    "forms",
    [
        ("landsbygd", "landsbygder", "landsbygden", "landsbygdens"),
        ("kompetens", "kompetensen", "kompetenser"),
        ("hållbar", "hållbara", "hållbart", "hållbarhet"),
        ("digital", "digitala", "digitalt"),
        ("företag", "företaget", "företagen", "företagens"),
        ("region", "regionen", "regioner", "regionens"),
    ],
)
def test_inflected_forms_share_a_stem(forms):
    assert len({words.stem(form) for form in forms}) == 1, [words.stem(f) for f in forms]


def test_stem_keeps_short_and_non_alphabetic_words():
    assert words.stem("en") == "en"
    assert words.stem("2030") == "2030"


def test_fold():
    assert words.fold("jämställdhet") == "jamstalldhet"
    assert words.fold("Örebro") == "Orebro"
    assert words.fold("Malmö café") == "Malmo cafe"
    assert words.has_swedish_letters("län") and not words.has_swedish_letters("lan")


def test_hunspell_word_list_is_found():
    path = compounds.hunspell_path()
    assert path is not None and path.name == "sv_SE.dic"
    lexicon = compounds.lexicon()
    assert "försörjning" in lexicon
    assert "örebro" in lexicon.proper


@pytest.mark.parametrize(
    ("word", "parts"),
    [
        ("kompetensförsörjningen", ["kompetens", "försörjningen"]),
        ("vindkraftsetablering", ["vindkraft", "etablering"]),
        ("landsbygdsutveckling", ["landsbygd", "utveckling"]),
        ("arbetsmarknaden", ["arbete", "marknaden"]),
        ("länsstyrelsen", ["län", "styrelsen"]),
        ("skolutveckling", ["skol", "utveckling"]),
    ],
)
def test_compounds_split_into_parts(word, parts):
    assert compounds.compound_parts(word) == parts


@pytest.mark.parametrize(
    "word",
    [
        "örebro",
        "samarbete",
        "samverkan",
        "tillväxt",
        "företag",
        "förutsättningar",
        "kompetens",
        "jämställdhet",
        "transport",
        "utveckling",
    ],
)
def test_words_that_stay_whole(word):
    assert compounds.compound_parts(word) == []


def _tokens(analyzer, text, mode):
    return [(t.text, t.pos) for t in analyzer(text, mode=mode, positions=True)]


def test_parts_are_added_at_the_compound_position_when_indexing():
    tokens = _tokens(analysis.stemming_analyzer(), "Kompetensförsörjning i länet", "index")
    assert tokens[0] == (words.stem("kompetensförsörjning"), 0)
    assert (words.stem("försörjning"), 0) in tokens
    assert (words.stem("länet"), 1) in tokens  # the stop word "i" is gone


def test_queries_are_not_decompounded():
    tokens = _tokens(analysis.stemming_analyzer(), "kompetensförsörjning", "query")
    assert tokens == [(words.stem("kompetensförsörjning"), 0)]


def test_folding_analyzer_meets_a_query_typed_without_swedish_letters():
    analyzer = analysis.folding_analyzer()
    indexed = {t for t, _ in _tokens(analyzer, "Jämställdhetsintegrering i Örebro", "index")}
    for query in ("jamstalldhet", "Orebro", "integrering"):
        (term,) = [t for t, _ in _tokens(analyzer, query, "query")]
        assert term in indexed, (query, term, indexed)


def test_exact_analyzer_keeps_word_forms():
    tokens = [t for t, _ in _tokens(analysis.exact_analyzer(), "Landsbygder och städer", "query")]
    assert tokens == ["landsbygder", "städer"]


def test_stop_words_are_kept_marked_where_a_phrase_query_keeps_them():
    # Both filters read words the same way (analysis._kept_words): a stop word keeps its own
    # position and is marked stopped (folded in the folded field); the first word kept keeps its
    # position and the next ones follow it as if the stop words between were gone.
    text = "Det är stöd för Örebro"
    expected = {
        analysis.stemming_analyzer: [("det", 0, True), ("är", 1, True), ("stöd", 2, False),
                                     ("för", 3, True), ("örebro", 3, False)],
        analysis.folding_analyzer: [("det", 0, True), ("ar", 1, True), ("stod", 2, False),
                                    ("for", 3, True), ("orebro", 3, False)],
        analysis.exact_analyzer: [("det", 0, True), ("är", 1, True), ("stöd", 2, False),
                                  ("för", 3, True), ("örebro", 3, False)],
    }  # fmt: skip
    for make, tokens in expected.items():
        found = make()(text, mode="query", removestops=False, positions=True)
        assert [(t.text, t.pos, t.stopped) for t in found] == tokens, make
        kept = make()(text, mode="query", positions=True)
        assert [(t.text, t.pos) for t in kept] == [(w, p) for w, p, s in tokens if not s]


def test_analyzers_pickle_without_the_word_list():
    compounds.lexicon()  # loaded and cached: it must not travel with the analyzer
    for make in (analysis.stemming_analyzer, analysis.folding_analyzer, analysis.exact_analyzer):
        data = pickle.dumps(make())
        assert len(data) < 10_000
        assert pickle.loads(data) == make()


def test_word_forms_memoized_per_mode():
    assert analysis.word_forms("kompetensförsörjningen", True, False) == (
        words.stem("kompetensförsörjningen"),
        words.stem("kompetens"),
        words.stem("försörjningen"),
    )
    assert analysis.word_forms("kompetensförsörjningen", False, False) == (
        words.stem("kompetensförsörjningen"),
    )
    assert analysis.word_forms("örebro", False, True) == (words.stem("orebro"),)


def test_reversed_analyzer_writes_stems_backwards():
    tokens = [t.text for t in analysis.reversed_analyzer()("Grön vätgasen och mackar")]
    assert tokens == [words.stem(w)[::-1] for w in ("grön", "vätgasen", "mackar")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("studie- och yrkesvägledning", ["studievägledning"]),
        ("forsknings- och innovationsmiljöer", ["forskningsmiljöer"]),
        (
            "kultur-, fritids- och idrottsförvaltningen",
            ["kulturförvaltningen", "fritidsförvaltningen"],
        ),
        ("Stöd till e-handel och vård", []),
        ("kulturella och kreativa näringar", []),
    ],
)
def test_coordinations_are_written_out(text, expected):
    assert compounds.coordinations(text, compounds.is_word) == expected


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (
            "stärka kulturella och kreativa näringar (KKN) i länet",
            ("KKN", "kulturella och kreativa näringar"),
        ),
        ("satsningar på forskning och innovation (FoI).", ("FoI", "forskning och innovation")),
        ("stöd till små och medelstora företag (SMF)", ("SMF", "små och medelstora företag")),
    ],
)
def test_abbreviations_spelled_out_in_a_text(text, found):
    assert list(abbreviations.spelled_out(text)) == [found]


def test_parentheses_that_are_no_abbreviation():
    assert list(abbreviations.spelled_out("ett projekt (Idre) och en region (RUN/113/2022)")) == []
    assert list(abbreviations.spelled_out("bra saker (XYZ)")) == []


def test_curated_abbreviations_merge_with_those_found():
    merged = abbreviations.merged({"KKN": ["kulturella och kreativa näringar"], "IUC": ["x y"]})
    assert merged["kkn"][0] == "kulturella och kreativa näringar"
    assert "studie- och yrkesvägledning" in merged["syv"]
    assert "x y" in merged["iuc"]


def test_curated_synonym_groups_share_no_stem():
    # A word's stem keys its group (abbreviations.synonyms): two groups with a stem in common
    # would merge silently, and a group's words must stem apart to be worth listing.
    seen = {}
    for line in abbreviations.SYNONYMS.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        stems = [words.stem(w.strip().lower()) for w in line.split("|")]
        assert len(set(stems)) == len(stems), line
        for s in stems:
            assert s not in seen, (line, seen.get(s))
            seen[s] = line
    assert abbreviations.synonyms()[words.stem("vindenergi")] == ("vindkraft",)


def test_exact_words_are_the_exact_analyzers_terms():
    from tests.servers import REPORT

    text = REPORT.read_text(encoding="utf-8")
    analyzer = analysis.exact_analyzer()
    for line in text.splitlines()[::7]:
        assert analysis.exact_words(line) == {t.text for t in analyzer(line)}, line
    assert analysis.exact_words("Och KKN, och e-handel i Region Örebro") == {
        "kkn", "e", "handel", "region", "örebro"
    }  # fmt: skip
