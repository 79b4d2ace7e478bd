"""Swedish full-text search over the measures, behind one small interface.

This package is the only code that imports Whoosh; the rest of the code asks it for ranked ids
and filters querysets with them, so swapping the engine touches this package alone.

    search(query, limit=None) -> SearchResult    ranked ids, excerpts, "did you mean", notes
    similar(measure_id, limit=5, other_regions=False) -> list[int]    more-like-this
    rebuild() -> int                             full rebuild from the database
    record_changes(ids)                          log that measures changed (bulk writes)
    catch_up()                                   apply the change log to this node's index now
    update_measures(ids) / remove_measures(ids)  re-index or drop measures on this node now
    index_exists() -> bool

Modules, by job: words (stop words, stemming, folding), compounds (decompounding,
coordination), analysis (the index's analyzers), abbreviations, indexing (schema, documents,
writing), storage (the index folder, locks, one searcher per process), changes (the change log
that keeps every node current), query (the parser), limits (bounded work), expansion (compounds,
parts and abbreviations at query time), engine (one search), near (near hits after the hits),
excerpts, suggestions, related (more like this).
"""

from __future__ import annotations

from collections.abc import Iterable

from catalogue.search import changes, indexing, storage
from catalogue.search.engine import SearchNotes, SearchResult, reset, search
from catalogue.search.query import is_well_formed
from catalogue.search.related import similar
from catalogue.search.storage import SearchUnavailable, index_exists

__all__ = [
    "SearchNotes",
    "SearchResult",
    "SearchUnavailable",
    "catch_up",
    "index_exists",
    "is_well_formed",
    "rebuild",
    "record_changes",
    "remove_measures",
    "reset",
    "search",
    "similar",
    "update_measures",
]

rebuild = indexing.rebuild
record_changes = changes.record
catch_up = changes.catch_up


def update_measures(ids: Iterable[int]) -> int:
    """Re-index these measures from the database on this node now (deleting those that no
    longer exist); the number of documents written, 0 without an index."""
    with storage.write_lock():
        return indexing.update(ids)


def remove_measures(ids: Iterable[int]) -> None:
    """Remove these measures from this node's index now."""
    doomed = sorted({int(i) for i in ids})
    if not doomed:
        return
    with storage.write_lock():
        ix = storage.open_for_writing()
        if ix is None:
            return
        writer = ix.writer(timeout=storage.WRITE_TIMEOUT)
        for measure_id in doomed:
            writer.delete_by_term("id", str(measure_id))
        writer.commit()
        ix.close()
