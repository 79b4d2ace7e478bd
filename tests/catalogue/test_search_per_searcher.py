"""Values kept per searcher for speed (storage.measure_ids, scoring's BM25 norms, near's
lengths and postings) are what the searcher reads, also after an update leaves deleted documents and a
second segment behind."""

import pytest

from catalogue import search
from catalogue.search import near, scoring, storage, thesaurus

from .test_search import index_dir  # noqa: F401 (fixture)
from .test_search_near import index  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def _check(searcher):
    reader = searcher.reader()
    column = reader.column_reader("pk")
    ids = storage.measure_ids(searcher)
    assert len(ids) == reader.doc_count_all()
    for docnum in range(reader.doc_count_all()):
        assert ids[docnum] == column[docnum]
    lengths = near._lengths.get(searcher, "exact", None)
    kept = [d for d in reader.all_doc_ids() if lengths[d] != near.UNREAD]
    assert kept  # read by the search before
    for docnum in kept:
        assert lengths[docnum] == searcher.doc_field_length(docnum, "exact", 1)
    for field in ("name", "folded"):
        norms = scoring._norms.get(searcher, field, None)
        kept = [d for d in reader.all_doc_ids() if norms[d] != scoring._NO_NORM]
        assert kept
        for docnum in kept:
            length = searcher.doc_field_length(docnum, field, 1)
            average = searcher.avg_field_length(field)
            assert norms[docnum] == 1.2 * ((1 - 0.75) + 0.75 * length / average)
    for term in ("guidade", "destinationsutveckling", "sevärdheter"):
        docnums, frequencies = near._postings(searcher, term)
        expected = list(reader.postings("exact", term).items_as("frequency"))
        assert list(zip(docnums, frequencies, strict=True)) == expected


def test_kept_values_are_the_searchers_own(index, monkeypatch):  # noqa: F811
    # "turism" is in the field thesaurus, whose related terms would list the measures that the
    # near hits (whose kept values are checked here) list otherwise.
    monkeypatch.setattr(thesaurus, "matches", lambda text: [])
    before = search.search("turism").ids
    search.search("Gold of Lapland")
    _check(storage.searcher())
    measure = index["gold"]
    measure.name = "Gold of Lapland, guidade turer"
    measure.save()  # the change log: applied before the next search, a new searcher
    after = search.search("turism")
    search.search("Gold of Lapland")
    searcher = storage.searcher()
    assert searcher.reader().doc_count_all() > searcher.reader().doc_count()  # one deleted
    _check(searcher)
    assert after.ids[:2] == before[:2] and index["gold"].pk in after.ids


def test_a_full_cache_drops_its_oldest_value_and_another_searcher_all():
    kept, owner, made = storage.PerSearcher(maxsize=2), object(), []

    def make(key):
        return lambda: made.append(key) or key.upper()

    for key in ("a", "b", "c", "b"):
        assert kept.get(owner, key, make(key)) == key.upper()
    assert made == ["a", "b", "c"]  # "b" was still kept
    kept.get(owner, "a", make("a"))
    assert made == ["a", "b", "c", "a"]  # "a", the oldest, had gone
    kept.get(object(), "c", make("c"))
    assert made[-1] == "c"  # another searcher: nothing kept
