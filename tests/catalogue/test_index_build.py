"""Writing the index: the documents, a full rebuild with Whoosh's own writer, its position in
the change log and the abbreviations it found."""

from __future__ import annotations

import json

import pytest
from whoosh import index as whoosh_index

from catalogue import search
from catalogue.models import Measure, SearchChange
from catalogue.search import indexing, storage

from .test_search import index, index_dir, measures  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db


def test_document_writes_coordinations_out_but_stores_the_text_as_written():
    document = indexing.document_fields(
        1, 2, 3, "Studie- och yrkesvägledning", "Om forsknings- och innovationsmiljöer.", "",
        "", "", "Skåne", "Region Skåne",
    )  # fmt: skip
    assert document["_stored_name"] == "Studie- och yrkesvägledning"
    assert "studievägledning" in document["name"].split()
    assert "forskningsmiljöer" in document["description"].split()
    assert "forskningsmiljöer" in document["exact"].split()
    assert indexing.stored_text({"name": "a", "region": "b"}) == "a\n\n\n\n\nb"


def test_the_index_holds_written_out_coordinations(index):  # noqa: F811
    Measure.objects.filter(pk=index["vatten"].pk).update(
        description="Nätverk för studie- och yrkesvägledning."
    )
    search.rebuild()
    reader = storage.searcher().reader()
    assert reader.doc_frequency("exact", "studievägledning") == 1
    docnum = storage.searcher().document_number(id=str(index["vatten"].pk))
    assert storage.searcher().stored_fields(docnum)["description"] == (
        "Nätverk för studie- och yrkesvägledning."
    )


def test_rebuild_starts_from_the_change_logs_last_entry(index, index_dir):  # noqa: F811
    last = SearchChange.objects.order_by("-id").first()
    assert last is not None  # the fixture's measures were logged as they were created
    assert storage.applied() == last.pk
    generation = storage.current_path()
    assert whoosh_index.open_dir(str(generation)).doc_count() == len(index)


def test_rebuild_keeps_the_abbreviations_the_texts_spell_out(index):  # noqa: F811
    Measure.objects.filter(pk=index["lan"].pk).update(
        description="Lån till små och medelstora företag (SMF) i länet."
    )
    search.rebuild()
    found = json.loads((storage.current_path() / indexing.ABBREVIATIONS_FILE).read_text())
    assert found == {"SMF": ["små och medelstora företag"]}


def test_a_rebuild_uses_only_whoosh_public_writer(index):  # noqa: F811
    """One segment, written by Whoosh's own writer: it opens and counts as Whoosh sees it."""
    ix = whoosh_index.open_dir(str(storage.current_path()))
    with ix.searcher() as searcher:
        assert searcher.doc_count() == len(index)
        assert list(searcher.lexicon("reversed"))  # the endings field is filled
