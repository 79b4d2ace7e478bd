"""Where a search page's CPU goes: the CPU time (time.process_time) spent inside each of a fixed
list of functions, for `bench/page_timing.py --new-queries N --parts` (one process).

The times are inclusive (a part's time holds the parts it calls: "search" holds "search:collect")
and the wrapping costs a few microseconds per call; without a profiler's overhead they add up to
the page's time, which cProfile's do not (it slows small calls most, e.g. the templates').
"""

from __future__ import annotations

import functools
import importlib
import time
from collections import Counter

# (label, module, attribute path): the search's steps, the view's, the rendering.
PARTS = [
    ("search", "catalogue.search", "search"),
    ("search:catch_up", "catalogue.search.changes", "catch_up"),
    ("search:searcher", "catalogue.search.storage", "searcher"),
    ("search:parse", "catalogue.search.engine", "query_module.parse"),
    ("search:expand", "catalogue.search.engine", "expansion.expand"),
    ("search:collect", "catalogue.search.engine", "_collect"),
    ("search:near", "catalogue.search.engine", "near_hits"),
    ("search:matcher", "catalogue.search.engine", "Matcher.from_query"),
    ("view:filter form", "catalogue.filters", "MeasureFilter.__init__"),
    ("view:select", "catalogue.selectors", "select"),
    ("view:context", "catalogue.list_views", "MeasureListView.get_context_data"),
    ("view:context:table", "catalogue.list_views", "MeasureListView.get_table"),
    ("view:context:facets", "catalogue.filters", "MeasureFilter.facets"),
    ("render", "django.template.response", "SimpleTemplateResponse.render"),
    ("render:table rows", "catalogue.tables", "MeasureTable.body_html"),
]


def timed_parts() -> Counter:
    """Wrap PARTS; the returned Counter accumulates each one's CPU seconds."""
    spent = Counter()
    for label, module, path in PARTS:
        owner = importlib.import_module(module)
        *outer, name = path.split(".")
        for attribute in outer:
            owner = getattr(owner, attribute)
        setattr(owner, name, _timed(getattr(owner, name), label, spent))
    return spent


def _timed(function, label: str, spent: Counter):
    @functools.wraps(function)
    def timed(*args, **kwargs):
        start = time.process_time()
        try:
            return function(*args, **kwargs)
        finally:
            spent[label] += time.process_time() - start

    return timed


def report(spent: Counter, pages: int) -> str:
    return "\n".join(
        f"  {label:24s} {spent[label] * 1000 / max(1, pages):6.2f} ms"
        for label, *_ in PARTS
        if label in spent
    )
