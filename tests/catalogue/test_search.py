"""The search module on a small index built in a temporary folder."""

import importlib.metadata
import re

import pytest
from django.core.management import call_command

from catalogue import search
from catalogue.models import Chapter, Measure, Region, Report
from catalogue.search import engine, excerpts, indexing, related, storage, words
from catalogue.search import query as query_module

pytestmark = pytest.mark.django_db

MEASURES = {
    "kompetens": (
        "Skåne",
        2,
        "Kompetensförsörjning i länet",
        "Insatser för kompetensförsörjningen inom vård och omsorg.",
        "",
        "",
    ),
    "vatten": (
        "Kalmar",
        7,
        "Försörjning av vatten",
        "Trygg försörjning av dricksvatten till öarna.",
        "",
        "",
    ),
    "vind": (
        "Norrbotten",
        7,
        "Vindkraftsetablering i Norrbotten",
        "Dialog med kommuner om vindkraftsetablering och elnät.",
        "",
        "",
    ),
    "landsbygd": (
        "Örebro",
        1,
        "Service på landsbygden",
        "Stöd till kommersiell service på landsbygden.",
        "",
        "",
    ),
    "service": (
        "Gotland",
        1,
        "Servicepunkter",
        "Service i skärgården, delvis kommersiell och delvis offentlig.",
        "",
        "",
    ),
    "jamstalld": (
        "Västra Götaland",
        5,
        "Jämställdhetsintegrering",
        "Arbete för jämställdhet i regionens verksamheter.",
        "",
        "",
    ),
    "lan": (
        "Jönköping",
        3,
        "Lån till små företag",
        "Mikrolån i samarbete med Almi Företagspartner.",
        "",
        "",
    ),
    "turism_namn": (
        "Jämtland Härjedalen",
        3,
        "Turism i fjällen",
        "Hållbar utveckling av besöksnäringen.",
        "",
        "",
    ),
    "turism_utfall": (
        "Dalarna",
        3,
        "Destinationsutveckling",
        "Samordning av destinationer.",
        "Tre seminarier om turism.",
        "",
    ),
    "html": (
        "Uppsala",
        4,
        "Cykelstrategi",
        "Cykelvägar <script>alert(1)</script> & pendling till cykel-arbete.",
        "",
        "",
    ),
    "orebro": (
        "Örebro",
        3,
        "Samverkan med Örebro universitet",
        "Forskning och innovation tillsammans med universitetet.",
        "",
        "",
    ),
}


@pytest.fixture
def index_dir(tmp_path, settings):
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    search.reset()
    yield settings.SEARCH_INDEX_DIR
    search.reset()


@pytest.fixture
def measures(db):
    report = Report.objects.create(
        title="Tabellbilaga", year=2023, number="0480", source_name="t.txt", checksum="0" * 64
    )
    made = {}
    for line, (key, (region, chapter, name, description, outputs, effects)) in enumerate(
        MEASURES.items(), start=10
    ):
        made[key] = Measure.objects.create(
            report=report,
            region=Region.objects.get(name=region),
            chapter=Chapter.objects.get(number=chapter),
            name=name,
            description=description,
            outputs=outputs,
            effects=effects,
            source_key=key,
            source_line=line,
        )
    return made


@pytest.fixture
def index(index_dir, measures):
    assert search.rebuild() == len(MEASURES)
    return measures


def ids(query, **kwargs):
    return search.search(query, **kwargs).ids


# --- Swedish analysis in search ------------------------------------------------------------


def test_inflected_form_finds_base_form(index):
    assert index["landsbygd"].pk in ids("landsbygder")
    assert index["landsbygd"].pk in ids("landsbygd")


def test_compound_part_finds_compound(index):
    found = ids("försörjning")
    assert index["kompetens"].pk in found
    assert index["vind"].pk in ids("vindkraft")
    assert index["vind"].pk in ids("etablering")


def test_exact_form_ranks_before_compound(index):
    found = ids("försörjning")
    assert found.index(index["vatten"].pk) < found.index(index["kompetens"].pk)


def test_typing_without_swedish_letters(index):
    assert index["jamstalld"].pk in ids("jamstalldhet")
    assert index["orebro"].pk in ids("Orebro universitet")
    assert ids("Orebro universitet") == ids("Örebro universitet")


def test_folding_only_when_query_has_no_swedish_letters(index):
    # "lån" (loan) must not match "län" (county): "Kompetensförsörjning i länet".
    assert ids("lån") == [index["lan"].pk]
    assert index["kompetens"].pk in ids("lan")  # typed without å: both readings are fair


def test_and_by_default_then_most_of_the_words(index):
    assert ids("vindkraft elnät") == [index["vind"].pk]
    result = search.search("vindkraft landsbygd")  # no measure has both: those with one follow
    assert result.notes.all_words == 0 and result.notes.most_words == len(result.ids) >= 2
    assert {index["vind"].pk, index["landsbygd"].pk} <= set(result.ids)
    result = search.search("vindkraft elnät landsbygd")
    assert result.ids[0] == index["vind"].pk  # two of the three words first
    assert result.notes.all_words == 0


def test_or(index):
    assert set(ids("vindkraft OR landsbygd")) == {index["vind"].pk, index["landsbygd"].pk}
    assert set(ids("vindkraft ELLER landsbygd")) == {index["vind"].pk, index["landsbygd"].pk}


def test_minus_excludes(index):
    assert ids("-vatten försörjning") == ids("försörjning -vatten")
    assert index["vatten"].pk in ids("försörjning")
    assert index["vatten"].pk not in ids("försörjning -vatten")
    assert index["kompetens"].pk in ids("försörjning -vatten")
    assert index["vatten"].pk not in ids("försörjning NOT dricksvatten")


def test_phrase(index):
    assert index["service"].pk in ids("kommersiell service")
    result = search.search('"kommersiell service"')
    assert result.ids[0] == index["landsbygd"].pk  # the phrase first,
    assert result.notes.phrase_hits == 1  # then the measures with both words apart
    assert result.ids[1:] == [index["service"].pk] and result.notes.phrase_words == 1


@pytest.mark.parametrize(
    "query",
    [
        'försörjning "vatten',
        "(försörjning",
        "försörjning)",
        "OR",
        "försörjning OR",
        "-",
        "AND vatten",
        "NOT",
        '"',
        "*",
        "???",
        "vatten^",
        "name:vatten",
        "[a TO b]",
        "(((",
        "1:1",
        "försörjning - vatten",
        "'",
        "\\",
        "<script>",
        "a" * 300,
        "-vatten",
        "(-vatten OR x) y",
        "e-handel",
        "+vatten",
        "NOT vatten",
        "vatten AND",
        "OR OR",
        '""',
    ],
)
def test_bad_query_never_errors(index, query):
    result = search.search(query)
    assert result.available
    assert isinstance(result.ids, list)


def test_bad_query_is_searched_as_plain_words(index):
    result = search.search('försörjning "vatten')
    assert not result.parsed_ok
    assert result.ids[: result.notes.all_words] == [index["vatten"].pk]
    result = search.search("(vindkraft")
    assert not result.parsed_ok
    assert result.ids == [index["vind"].pk]
    assert search.search("vindkraft").parsed_ok


def test_field_syntax_is_not_special(index):
    assert search.search("name:vatten").ids == []  # the phrase "name vatten"
    assert search.search("name vatten").notes.all_words == 0


def test_names_weigh_more_than_outputs(index):
    found = ids("turism")
    assert found == [index["turism_namn"].pk, index["turism_utfall"].pk]


def test_organisation_and_region_names(index):
    assert ids("Almi Företagspartner") == [index["lan"].pk]
    assert index["jamstalld"].pk in ids("Västra Götalandsregionen")
    result = search.search("Region Örebro län")
    all_words = set(result.ids[: result.notes.all_words])
    assert all_words == {index["landsbygd"].pk, index["orebro"].pk}


def test_limit(index):
    assert len(ids("försörjning", limit=1)) == 1


def test_empty_query(index):
    result = search.search("   ")
    assert result.ids == [] and result.available


# --- Excerpts --------------------------------------------------------------------------------


def test_highlight_marks_matches(index):
    result = search.search("kompetensförsörjning")
    excerpt = result.highlights[index["kompetens"].pk]
    assert "<mark>kompetensförsörjningen</mark>" in excerpt


def test_highlight_marks_compound_for_part_and_folded_words(index):
    assert (  # found through its part: marked as an expanded match
        '<mark class="expanded">kompetensförsörjningen</mark>'
        in search.search("försörjning").highlights[index["kompetens"].pk]
    )
    assert (
        "<mark>jämställdhet</mark>"
        in search.search("jamstalldhet").highlights[index["jamstalld"].pk]
    )


def test_highlight_is_safe_html(index):
    result = search.search("cykel")
    excerpt = result.highlights[index["html"].pk]
    assert "<mark>Cykelvägar</mark>" in excerpt or "<mark>cykel</mark>" in excerpt
    assert "&lt;script&gt;" in excerpt and "&amp;" in excerpt
    assert not re.search(r'<(?!/?mark>|mark class="expanded">)', excerpt), excerpt


def test_highlight_without_body_match_shows_description_start(index):
    result = search.search("servicepunkter")
    assert result.highlights[index["service"].pk].startswith("Service i skärgården")


# --- Did you mean ----------------------------------------------------------------------------


def test_suggestion_from_index_vocabulary(index):
    assert search.search("vindkraftsetablerng").suggestion == "vindkraftsetablering"
    assert search.search("kommersell service").suggestion == "kommersiell service"
    # Misspelled and typed without å/ä/ö: compared in folded form.
    assert search.search("jamstaldhet").suggestion == "jämställdhet"


def test_no_suggestion_for_known_words(index):
    assert search.search("landsbygder").suggestion is None
    assert search.search("jamstalldhet").suggestion is None


# --- More like this --------------------------------------------------------------------------


def test_similar(index):
    found = search.similar(index["landsbygd"].pk, limit=3)
    assert found and index["landsbygd"].pk not in found
    assert found[0] == index["service"].pk


def test_similar_in_other_regions(index):
    found = search.similar(index["landsbygd"].pk, limit=20, other_regions=True)
    assert index["orebro"].pk not in found
    assert index["orebro"].pk in search.similar(index["landsbygd"].pk, limit=20)


def test_similar_follows_index_changes(index):
    assert index["service"].pk in search.similar(index["landsbygd"].pk, limit=3)
    search.remove_measures([index["service"].pk])
    assert index["service"].pk not in search.similar(index["landsbygd"].pk, limit=3)


def test_similar_unknown_measure(index):
    assert search.similar(999_999) == []


# --- Keeping the index fresh -----------------------------------------------------------------


def test_update_measures_is_seen_by_the_open_searcher(index):
    measure = index["vatten"]
    assert ids("avsaltning") == []
    measure.name = "Avsaltning av havsvatten"
    measure.save()
    assert search.update_measures([measure.pk, measure.pk]) == 1
    assert ids("avsaltning") == [measure.pk]
    assert ids("havsvatten") == [measure.pk]
    assert len(ids("vatten")) == len(set(ids("vatten")))  # no duplicate documents


def test_a_repeated_query_is_answered_from_the_results_kept(index, monkeypatch):
    calls = []
    real = engine._search
    monkeypatch.setattr(engine, "_search", lambda *args: calls.append(args) or real(*args))
    first = search.search("vindkraft")
    assert search.search("vindkraft") is first
    assert search.search("  vindkraft ") is first  # the same query, spaces aside
    assert len(calls) == 1
    search.search("vindkraft", limit=1)  # another limit is another search
    assert len(calls) == 2
    measure = index["vind"]
    measure.description += " Även solkraft."
    measure.save()
    search.update_measures([measure.pk])  # a new searcher: what was kept is dropped
    assert search.search("vindkraft") is not first
    assert len(calls) == 3


def test_results_kept_are_bounded_by_their_hits(index, monkeypatch):
    monkeypatch.setattr(storage.KeptResults, "MAX_HITS", 3)
    for word in ("service", "vatten", "vindkraft", "turism"):
        search.search(word)
    kept = engine._results._entries
    assert sum(len(r.ids) + 1 for r in kept.values()) <= 3 or len(kept) == 1
    assert ("turism", None) in kept  # the latest stays


def test_update_of_deleted_measure_removes_it(index):
    measure = index["vind"]
    pk = measure.pk
    measure.delete()
    search.update_measures([pk])
    assert ids("vindkraft") == []


def test_remove_measures(index):
    search.remove_measures([index["vind"].pk])
    assert ids("vindkraft") == []
    assert search.similar(index["vind"].pk) == []


def test_rebuild_swaps_generations(index, index_dir):
    first = (index_dir / storage.POINTER).read_text().strip()
    assert ids("vindkraft") == [index["vind"].pk]
    Measure.objects.filter(pk=index["vind"].pk).update(name="Havsbaserad energi")
    search.rebuild()
    second = (index_dir / storage.POINTER).read_text().strip()
    assert second != first
    assert ids("havsbaserad") == [index["vind"].pk]  # the open searcher followed the pointer
    search.rebuild()
    generations = sorted(p.name for p in index_dir.glob("gen-*"))
    assert len(generations) == 2 and first not in generations


def test_rebuild_catches_up_with_saves_made_while_building(index, monkeypatch):
    measure = index["vind"]
    point_to = storage.point_to

    def save_then_point_to(generation):  # an admin saves after the build read the database
        measure.name = "Solparker i Norrbotten"
        measure.save()
        point_to(generation)

    monkeypatch.setattr(storage, "point_to", save_then_point_to)
    search.rebuild()
    assert ids("solparker") == [measure.pk]


def test_missing_index_is_unavailable(index_dir, measures):
    assert not search.index_exists()
    result = search.search("vindkraft")
    assert not result.available and result.ids == []
    assert search.similar(measures["vind"].pk) == []
    assert search.update_measures([measures["vind"].pk]) == 0
    assert search.rebuild() == len(MEASURES)
    assert search.index_exists()
    assert search.search("vindkraft").available


def test_corrupt_index_is_unavailable_until_rebuilt(index, index_dir):
    search.reset()
    generation = index_dir / (index_dir / storage.POINTER).read_text().strip()
    for path in generation.iterdir():
        path.write_bytes(b"garbage")
    assert not search.index_exists()
    assert not search.search("vindkraft").available
    call_command("rebuild_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert search.search("vindkraft").ids == [index["vind"].pk]


def test_pointer_to_missing_generation_is_unavailable(index, index_dir):
    (index_dir / storage.POINTER).write_text("gen-gone\n")
    assert not search.search("vindkraft").available


def test_writers_wait_for_each_other_with_a_timeout(index):
    with storage.write_lock(), pytest.raises(TimeoutError):  # noqa: SIM117
        with storage.write_lock(timeout=0.2):
            pass


def test_rebuild_index_command(index_dir, measures, capsys):
    call_command("rebuild_index")
    assert f"Indexed {len(MEASURES)} measures" in capsys.readouterr().out
    assert search.index_exists()


# --- Packaging -------------------------------------------------------------------------------


def test_exactly_one_distribution_provides_whoosh():
    providers = importlib.metadata.packages_distributions().get("whoosh", [])
    assert len(set(providers)) == 1, providers


def test_hyphenated_query_word_is_a_phrase(index):
    measure = index["html"]
    assert ids("cykel-arbete") == [measure.pk]
    assert ids("arbete-cykel") == []


def test_similar_key_terms_come_from_the_stored_text_as_indexed(index):
    """Without term vectors, similar() analyses the stored text: the same terms and counts as
    the document's postings in `folded`."""
    searcher = storage.searcher()
    reader = searcher.reader()
    docnum = searcher.document_number(id=str(index["kompetens"].pk))
    assert not reader.has_vector(docnum, "folded")
    text = indexing.stored_text(searcher.stored_fields(docnum))
    analysed = {btext: freq for btext, freq, _, _ in searcher.schema["folded"].index(text)}
    indexed = {}
    for fieldname, btext in reader.all_terms():
        if fieldname != "folded":
            continue
        postings = reader.postings("folded", btext)
        postings.skip_to(docnum)
        if postings.is_active() and postings.id() == docnum:
            indexed[btext] = postings.value_as("frequency")
    assert analysed == indexed
    assert b"forsorjning" in indexed  # the compound's part, folded and stemmed
    terms = related._key_terms(searcher, docnum, numterms=8)
    assert terms and {term for term, _ in terms} <= {b.decode() for b in indexed}


@pytest.mark.parametrize(
    "query",
    [
        "energi",
        "kompetensförsörjning",
        "jamstalldhet",
        "Orebro",
        "hållbar*",
        '"hållbar utveckling"',
        "vindkraft",
        "digitalisering OR bredband",
        "e-handel",
        "landsbygder -turism",
    ],
)
def test_excerpt_scan_finds_what_checking_every_word_finds(query):
    """The excerpts look only at words that hold one of the query's terms; on every text of the
    bundled report they mark exactly the words that checking each word would mark."""
    from importer.parser import parse_report
    from tests.servers import REPORT

    q = query_module.parse(query)
    matcher = excerpts.Matcher.from_query(q, folding=not words.has_swedish_letters(query))
    report = parse_report(REPORT.read_text(encoding="utf-8"))
    texts = [
        text
        for m in report.measures
        for text in (m.name, m.description, m.outputs, m.effects, m.goals_text)
        if text
    ]
    marked_somewhere = 0
    for text in texts:
        every_word = [
            (w.start(), w.end())
            for w in excerpts._WORD.finditer(text)
            if matcher.matches(w.group())
        ]
        scanned = [(w.start(), w.end()) for w in excerpts._marked_words(text, matcher)]
        assert scanned == every_word, text
        marked_somewhere += bool(scanned)
    assert marked_somewhere  # the query does match the report
