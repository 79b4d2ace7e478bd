"""Swedish analysis: stemming, folding, decompounding and the analyzers built from them."""

import pickle

import pytest

from catalogue import analysis


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
    assert len({analysis.stem(form) for form in forms}) == 1, [analysis.stem(f) for f in forms]


def test_stem_keeps_short_and_non_alphabetic_words():
    assert analysis.stem("en") == "en"
    assert analysis.stem("2030") == "2030"


def test_fold():
    assert analysis.fold("jämställdhet") == "jamstalldhet"
    assert analysis.fold("Örebro") == "Orebro"
    assert analysis.fold("Malmö café") == "Malmo cafe"
    assert analysis.has_swedish_letters("län") and not analysis.has_swedish_letters("lan")


def test_hunspell_word_list_is_found():
    path = analysis.hunspell_path()
    assert path is not None and path.name == "sv_SE.dic"
    lexicon = analysis.lexicon()
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
    assert analysis.compound_parts(word) == parts


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
    assert analysis.compound_parts(word) == []


def _tokens(analyzer, text, mode):
    return [(t.text, t.pos) for t in analyzer(text, mode=mode, positions=True)]


def test_parts_are_added_at_the_compound_position_when_indexing():
    tokens = _tokens(analysis.stemming_analyzer(), "Kompetensförsörjning i länet", "index")
    assert tokens[0] == (analysis.stem("kompetensförsörjning"), 0)
    assert (analysis.stem("försörjning"), 0) in tokens
    assert (analysis.stem("länet"), 1) in tokens  # the stop word "i" is gone


def test_queries_are_not_decompounded():
    tokens = _tokens(analysis.stemming_analyzer(), "kompetensförsörjning", "query")
    assert tokens == [(analysis.stem("kompetensförsörjning"), 0)]


def test_folding_analyzer_meets_a_query_typed_without_swedish_letters():
    analyzer = analysis.folding_analyzer()
    indexed = {t for t, _ in _tokens(analyzer, "Jämställdhetsintegrering i Örebro", "index")}
    for query in ("jamstalldhet", "Orebro", "integrering"):
        (term,) = [t for t, _ in _tokens(analyzer, query, "query")]
        assert term in indexed, (query, term, indexed)


def test_exact_analyzer_keeps_word_forms():
    tokens = [t for t, _ in _tokens(analysis.exact_analyzer(), "Landsbygder och städer", "query")]
    assert tokens == ["landsbygder", "städer"]


def test_analyzers_pickle_without_the_word_list():
    analysis.lexicon()  # loaded and cached: it must not travel with the analyzer
    for make in (analysis.stemming_analyzer, analysis.folding_analyzer, analysis.exact_analyzer):
        data = pickle.dumps(make())
        assert len(data) < 10_000
        assert pickle.loads(data) == make()


SAMPLE = (
    "Kompetensförsörjningen i Västernorrland och Örebro län: vindkraftsetablering, "
    "skolutveckling och e-handel för små företag. Det är hållbart, digitalt och cirkulärt; "
    "vård och omsorg i Gävleborg, café och idé 2030."
)
CHAINS = [
    (analysis.stemming_analyzer, analysis.chained_stemming_analyzer),
    (analysis.folding_analyzer, analysis.chained_folding_analyzer),
    (analysis.exact_analyzer, analysis.chained_exact_analyzer),
]


@pytest.mark.parametrize("fused, chained", CHAINS)
@pytest.mark.parametrize(
    "options",
    [
        {"mode": "index", "positions": True},
        {"mode": "index"},
        {"mode": "query"},
        {"mode": "query", "positions": True, "removestops": False},
    ],
)
def test_fused_filters_give_what_the_chains_gave(fused, chained, options):
    def tokens(analyzer):
        return [
            (t.text, t.pos if options.get("positions") else None, t.stopped)
            for t in analyzer()(SAMPLE, **options)
        ]

    assert tokens(fused) == tokens(chained)
    assert len(tokens(fused)) >= 19


def test_word_forms_memoized_per_mode():
    assert analysis.word_forms("kompetensförsörjningen", True, False) == (
        analysis.stem("kompetensförsörjningen"),
        analysis.stem("kompetens"),
        analysis.stem("försörjningen"),
    )
    assert analysis.word_forms("kompetensförsörjningen", False, False) == (
        analysis.stem("kompetensförsörjningen"),
    )
    assert analysis.word_forms("örebro", False, True) == (analysis.stem("orebro"),)
