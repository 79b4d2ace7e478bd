"""What the search finds and what its pages show, written to a file, to compare two versions of
the code that must not differ in either (a change for speed):

    .venv/bin/python bench/page_fingerprint.py --out /tmp/before.txt    # old code
    .venv/bin/python bench/page_fingerprint.py --out /tmp/after.txt     # new code, same data
    diff /tmp/before.txt /tmp/after.txt && echo same

For every query of the development half and the regression set (tests/search_eval, never the
test half): the ranked ids, the near hits and the notes of `catalogue.search.search`; then the
HTML of the search page of each of those queries (with its region, when it has one) and of the
first --pages pages of bench/page_timing.py's new queries (a word and a region each), and of
page_timing's default pages and a few sorted, paged and English ones (EXTRA), in one
process, against var/ or DATABASE_URL (page cache and per-address budget off, as there).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlencode

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


EXTRA = [
    "/insatser/?q=kompetens&sort=-name",
    "/insatser/?q=turism&sort=region&page=2",
    "/insatser/?q=vätgas&year=alla&sort=chapter",
    "/insatser/?q=innovation&per_page=100&page=2",
    "/insatser/?q=larcentrum",
    "/insatser/?q=och",
    "/insatser/?q=kompetens&region=gotland&chapter=2&curated=on",
    "/insatser/?q=xyzzyq",
    "/kapitel/2/?q=kompetens",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--pages", type=int, default=300, help="new-query pages (page_timing)")
    args = parser.parse_args()
    from bench.page_timing import PAGES, new_query_pages, setup_client

    client = setup_client()
    from bench.search_judged import load_half, load_regression
    from catalogue import search
    from catalogue.models import Region

    slugs = dict(Region.objects.values_list("name", "slug"))
    queries = load_half("dev") + load_regression()
    with open(args.out, "w", encoding="utf-8") as out:
        for query in queries:
            result = search.search(query["query"])
            out.write(f"## {query['id']} {query['query']!r}\n{result.ids}\n{result.notes}\n")
        urls = []
        for query in queries:
            params = {"q": query["query"]}
            if query.get("region"):
                params["region"] = slugs[query["region"]]
            urls.append(f"/insatser/?{urlencode(params)}")
        for url in urls + new_query_pages(args.pages) + PAGES + EXTRA:
            response = client.get(url)
            out.write(f"## {url} {response.status_code}\n{response.content.decode()}\n")
        english = setup_client(**{"accept-language": "en"})
        for url in EXTRA:
            response = english.get(url)
            out.write(f"## en {url} {response.status_code}\n{response.content.decode()}\n")
    pages = len(urls) + args.pages + len(PAGES) + 2 * len(EXTRA)
    print(f"{len(queries)} searches and {pages} pages written to {args.out}")


if __name__ == "__main__":
    main()
