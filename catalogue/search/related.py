"""More like this: measures whose texts share a measure's most telling words."""

from __future__ import annotations

import logging

from whoosh import query as wq

from catalogue.search import storage
from catalogue.search.indexing import stored_text

logger = logging.getLogger(__name__)


def similar(measure_id: int, *, limit: int = 5, other_regions: bool = False) -> list[int]:
    """Measures like this one, best first, from the index's key terms.

    With `other_regions=True`, only measures of other regions than the measure's own.
    """
    global _similar_owner
    try:
        searcher = storage.searcher()
        if _similar_owner is not searcher:  # the index changed: forget earlier answers
            _similar_cache.clear()
            _similar_owner = searcher
        key = (measure_id, limit, other_regions)
        if key not in _similar_cache:
            if len(_similar_cache) >= 2000:
                _similar_cache.clear()
            _similar_cache[key] = _similar(searcher, measure_id, limit, other_regions)
        return list(_similar_cache[key])
    except storage.SearchUnavailable:
        return []
    except Exception:  # a measure page must not break on the index
        logger.exception("More-like-this failed for measure %s", measure_id)
        return []


_similar_cache: dict[tuple[int, int, bool], list[int]] = {}
_similar_owner = None


def _similar(searcher, measure_id: int, limit: int, other_regions: bool) -> list[int]:
    docnum = searcher.document_number(id=str(measure_id))
    if docnum is None:
        return []
    # Eight key terms: twelve were twice as slow at 100 times the data.
    key_terms = _key_terms(searcher, docnum, numterms=8)
    if not key_terms:
        return []
    q = wq.Or([wq.Term("folded", term, boost=weight) for term, weight in key_terms])
    if other_regions:
        region_id = searcher.stored_fields(docnum)["region_id"]
        mask = wq.Term("region_id", region_id)
    else:
        mask = wq.Term("id", str(measure_id))
    results = searcher.search(q, limit=limit, mask=mask)
    column = searcher.reader().column_reader("pk")
    return [column[docnum] for _, docnum in results.top_n]


def _key_terms(searcher, docnum: int, *, numterms: int) -> list[tuple[str, float]]:
    """The document's most telling `folded` terms: from its term vector in an index built with
    one, else by analysing its stored text as `folded` was (the same terms and counts)."""
    if searcher.reader().has_vector(docnum, "folded"):
        return searcher.key_terms([docnum], "folded", numterms=numterms)
    text = stored_text(searcher.stored_fields(docnum))
    return searcher.key_terms_from_text("folded", text, numterms=numterms)
