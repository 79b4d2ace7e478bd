"""The bulk index build (search._build) writes what Whoosh's own writer writes, term for term.

`search._build` fills the segment itself (catalogue.search._BulkSegment) instead of calling
`writer.add_document()` per document; these tests build the same documents both ways, from the
bundled report's real text and from awkward edge cases, and compare everything a reader sees:
terms, postings (document, weight, encoded positions or frequency), term statistics, field
lengths, stored fields and the id column.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh.writing import CLEAR

from catalogue import analysis, search
from importer.parser import parse_file

FIXTURE = (
    Path(__file__).resolve().parents[2]
    / "fixtures"
    / "tabellbilaga-regionalt-utvecklingsarbete-2023.txt"
)

EDGE_TEXTS = [
    "",
    "och",  # nothing but a stop word
    "och i att",
    "Och energi",  # a stop word first: positions start at the second token
    "\n\nenergi\n\n",
    "och\nenergi och\n\noch vindkraftsetablering",
    "Kompetensförsörjningen kompetensförsörjning KOMPETENSFÖRSÖRJNING",
    "e-handel, covid-19 och 5G-nät; under_score 3.141 2023",
    "Örebro Orebro Västernorrland västra götaland",
    "Café, naïve, Zürich, Ærø, İstanbul, straße",
    "hållbar hållbara hållbart hållbarhet digitalt cirkulärt",
    "energi energi energi, energin, energins",
    "vätgastankstationer laddinfrastruktur solcellsparker",
    "\t  \n",
    "vind " * 300 + "och sol",  # a frequency over 255
]


def _reference_build(path: Path, documents) -> int:
    """The index as Whoosh's own writer builds it (search._build before the bulk writer)."""
    ix = whoosh_index.create_in(str(path), search.SCHEMA)
    writer = ix.writer(limitmb=256, codec=search._CODEC)
    count = 0
    for document in documents:
        writer.add_document(**document)
        count += 1
    writer.commit(mergetype=CLEAR)
    ix.close()
    return count


def _document(pk: int, region: str, chapter: int, name, description, outputs, effects, goals):
    fields = {
        "name": name,
        "description": description,
        "outputs": outputs,
        "effects": effects,
        "goals_text": goals,
        "region": region,
    }
    everything = search._all_text(fields)
    return {
        "id": str(pk),
        "pk": pk,
        "region_id": str(len(region)),
        "chapter": str(chapter),
        **fields,
        "exact": everything,
        "folded": everything,
    }


def _report_documents() -> list[dict]:
    parsed = parse_file(FIXTURE.read_bytes())
    documents = []
    for pk, m in enumerate(parsed.measures, start=1):
        region = f"{m.region_code} Region {m.region_code}"
        documents.append(
            _document(
                pk, region, m.chapter, m.name, m.description, m.outputs, m.effects, m.goals_text
            )
        )
    return documents


def _edge_documents() -> list[dict]:
    documents = []
    texts = EDGE_TEXTS
    for pk, text in enumerate(texts, start=1):
        other = texts[(pk * 3) % len(texts)]
        documents.append(
            _document(pk * 7, "Örebro Region Örebro", pk % 8, text, other, text, "", other + text)
        )
    # The same texts again, in other fields (the bulk writer remembers lines it has seen).
    for pk, text in enumerate(reversed(texts), start=100):
        documents.append(_document(pk, "Skåne", 1, "x", text, "", text, text))
    return documents


def _dump(path: Path) -> dict:
    """Everything a reader can tell about the index at `path`."""
    ix = whoosh_index.open_dir(str(path))
    with ix.reader() as reader:
        terms = {}
        for fieldname, tbytes in reader.all_terms():
            info = reader.term_info(fieldname, tbytes)
            matcher = reader.postings(fieldname, tbytes)
            postings = []
            while matcher.is_active():
                postings.append((matcher.id(), matcher.weight(), matcher.value()))
                matcher.next()
            terms[fieldname, tbytes] = (
                info.weight(),
                info.doc_frequency(),
                info.min_length(),
                info.max_length(),
                info.max_weight(),
                info.min_id(),
                info.max_id(),
                postings,
            )
        docs = list(range(reader.doc_count_all()))
        fields = search.SCHEMA.names()
        lengths = {
            name: (
                reader.field_length(name),
                reader.min_field_length(name),
                reader.max_field_length(name),
                [reader.doc_field_length(d, name) for d in docs],
            )
            for name in fields
            if search.SCHEMA[name].scorable
        }
        stored = [list(reader.stored_fields(d).items()) for d in docs]
        column = list(reader.column_reader("pk")) if docs else []
        return {
            "count": reader.doc_count_all(),
            "terms": terms,
            "lengths": lengths,
            "stored": stored,
            "pk": column,
        }


def _segment_files(path: Path) -> dict[str, bytes]:
    """The files inside the index's one segment, by name without the segment's random id."""
    ix = whoosh_index.open_dir(str(path))
    segments = ix._segments()
    if not segments:
        return {}
    (segment,) = segments
    storage = segment.open_compound_file(ix.storage)
    files = {}
    for name in storage.list():
        with storage.open_file(name) as f:
            files[name.split(".", 1)[1]] = f.read()
    storage.close()
    ix.close()
    return files


def _compare(tmp_path: Path, documents: list[dict]) -> dict:
    (tmp_path / "whoosh").mkdir()
    (tmp_path / "bulk").mkdir()
    assert _reference_build(tmp_path / "whoosh", documents) == len(documents)
    assert search._build(tmp_path / "bulk", iter(documents)) == len(documents)
    expected = _dump(tmp_path / "whoosh")
    actual = _dump(tmp_path / "bulk")
    assert actual["count"] == expected["count"]
    assert actual["stored"] == expected["stored"]
    assert actual["pk"] == expected["pk"]
    assert actual["lengths"] == expected["lengths"]
    assert actual["terms"].keys() == expected["terms"].keys()
    for key, value in expected["terms"].items():
        assert actual["terms"][key] == value, key
    # And byte for byte: postings with their block statistics, the term table, the columns.
    expected_files = _segment_files(tmp_path / "whoosh")
    actual_files = _segment_files(tmp_path / "bulk")
    assert actual_files.keys() == expected_files.keys()
    assert not documents or len(expected_files["pst"]) > 0
    for name, data in expected_files.items():
        assert actual_files[name] == data, name
    return actual


def test_bulk_build_equals_whoosh_on_the_report(tmp_path):
    actual = _compare(tmp_path, _report_documents())
    assert actual["count"] > 500
    assert len(actual["terms"]) > 10_000


def test_bulk_build_equals_whoosh_on_edge_cases(tmp_path):
    actual = _compare(tmp_path, _edge_documents())
    assert ("folded", b"orebro") in actual["terms"]
    for field in ("name", "outputs"):  # with positions and without
        postings = actual["terms"][field, b"vind"][-1]
        assert max(weight for _, weight, _ in postings) == 300


def test_bulk_build_of_nothing(tmp_path):
    actual = _compare(tmp_path, [])
    assert actual["count"] == 0


@pytest.mark.parametrize("text", EDGE_TEXTS)
def test_line_words_number_words_as_the_analyzers_do(text):
    words = analysis.line_words(text)
    analyzers = {
        False: analysis.stemming_analyzer(),
        True: analysis.folding_analyzer(),
    }
    for folding, analyzer in analyzers.items():
        expected = [(t.text, t.pos) for t in analyzer(text, positions=True, mode="index")]
        actual = [
            (form, words.lead + i)
            for i, word in enumerate(words.words)
            for form in analysis.word_forms(word, True, folding)
        ]
        assert actual == expected
    exact = [(t.text, t.pos) for t in analysis.exact_analyzer()(text, positions=True)]
    assert [(w, words.lead + i) for i, w in enumerate(words.words)] == exact


def test_join_words_equals_the_joined_text():
    parts = ["och energi", "", "i", "och vind\nkraft", "sol"]
    joined = analysis.join_words([analysis.line_words(p) for p in parts])
    assert joined == analysis.line_words("\n".join(parts))
    assert analysis.join_words([analysis.line_words("och")]).words == ()


@pytest.mark.django_db
def test_documents_read_from_the_database_as_document_makes_them():
    from catalogue.models import Chapter, Measure, Region, Report

    report = Report.objects.create(
        title="Tabellbilaga", year=2023, number="0480", source_name="t.txt", checksum="0" * 64
    )
    for line, (region, chapter, name) in enumerate(
        [("Skåne", 2, "Kompetensförsörjning"), ("Örebro", 7, "Vind"), ("Gotland", 1, "")]
    ):
        Measure.objects.create(
            report=report,
            region=Region.objects.get(name=region),
            chapter=Chapter.objects.get(number=chapter),
            name=name,
            description=f"Beskrivning {line}\nandra raden",
            outputs="Tre seminarier" if line else "",
            effects="",
            goals_text="Mål 8",
            source_key=str(line),
            source_line=line + 10,
        )
    expected = [search._document(m) for m in search._measures()]
    assert list(search._documents(chunk_size=2)) == expected
    assert len(expected) == 3
