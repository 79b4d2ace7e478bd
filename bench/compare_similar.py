"""The comparison page's cold cost: how often it asks the search index for similar measures and
how long the page takes while the index's own answers are not cached yet (var/ or DATABASE_URL,
the bundled report imported and indexed, page cache off).

    .venv/bin/python bench/compare_similar.py            # SIMILAR_PER_COLUMN as shipped
    .venv/bin/python bench/compare_similar.py --per-column 1000   # every measure, as before

catalogue.search.similar answers one measure at a time (10–25 ms each on two shared cores), so
the page bounds how many measures per region and chapter ask it
(catalogue.comparison_views.SIMILAR_PER_COLUMN).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

COMPARISONS = [
    "region=skane&region=vastra-gotaland",
    "region=stockholm&region=uppsala&region=orebro&region=gavleborg",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-column", type=int, default=None)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from catalogue import comparison_views, search

    settings.ALLOWED_HOSTS = ["*"]
    if args.per_column is not None:
        comparison_views.SIMILAR_PER_COLUMN = args.per_column
    asked: list[int] = []
    similar = search.similar

    def counted(measure_id, **options):
        asked.append(measure_id)
        return similar(measure_id, **options)

    search.similar = counted
    client = Client()
    client.get("/")  # the snapshot
    for query in COMPARISONS:
        search.reset()  # a new searcher: the index's answers are not cached
        similar(1, limit=1)  # ... but the index is open, as in a running process
        asked.clear()
        start = time.perf_counter()
        status = client.get(f"/jamfor/?{query}").status_code
        cold, lookups = time.perf_counter() - start, len(asked)
        start = time.perf_counter()
        client.get(f"/jamfor/?{query}")
        warm = time.perf_counter() - start
        print(
            f"{status} per column {comparison_views.SIMILAR_PER_COLUMN}: {lookups:4d}"
            f" look-ups, cold {cold * 1000:5.0f} ms, warm {warm * 1000:4.0f} ms  /jamfor/?{query}"
        )


if __name__ == "__main__":
    main()
