"""The search alone, for a change to its speed: the CPU of new queries, and the exact scores of
every collected hit, to compare two versions of the code on the same data.

    .venv/bin/python bench/search_cpu.py                       # CPU per new query, by step
    .venv/bin/python bench/search_cpu.py --scores /tmp/new.txt # and every hit's score, written
    diff /tmp/old.txt /tmp/new.txt && echo same                # (the old code's, same data)

Against var/ or DATABASE_URL (and its index), in one process: `catalogue.search.search` for
--queries words of bench/page_timing.py's new-query pages (each never searched before; no
page, no region), after 20 of them to warm up; prints the CPU (time.process_time) per query and
per step (bench/page_parts.py's search steps). With --scores, also the judged queries of the
development half and the regression set (multi-word, phrases, abbreviations: the measures with
most words, the phrase's words), and writes the repr of each `engine._collect` result, i.e.
(score, docnum) of every hit of every collection, floats in full: a faster scoring must give the
same floats, not merely the same order (bench/page_fingerprint.py compares ids and pages).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--scores", type=Path, help="write every collected hit's score here")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["SEARCH_RATE_LIMIT"] = "0"
    import django

    django.setup()
    from bench.page_parts import PARTS, report, timed_parts
    from bench.page_timing import new_query_pages
    from catalogue import search

    pages = new_query_pages(args.queries + 20)
    words = [parse_qs(urlparse(url).query)["q"][0] for url in pages]
    collected: list[str] = []
    if args.scores:
        from catalogue.search import engine

        collect = engine._collect

        def recorded(*arguments):
            result = collect(*arguments)
            collected.append(repr(result))
            return result

        engine._collect = recorded
    PARTS[:] = [part for part in PARTS if part[0].startswith("search")]
    spent = timed_parts()
    for word in words[:20]:
        search.search(word)
    spent.clear()
    start = time.process_time()
    for word in words[20:]:
        search.search(word)
    cpu = (time.process_time() - start) * 1000 / max(1, len(words) - 20)
    print(f"{cpu:.3f} ms of CPU per new query (search alone, step times included)")
    print(report(spent, len(words) - 20))
    if args.scores:
        from bench.search_judged import load_half, load_regression

        for query in load_half("dev") + load_regression():
            search.search(query["query"])
        args.scores.write_text("\n".join(collected) + "\n", encoding="utf-8")
        print(f"{len(collected)} collections written to {args.scores}")


if __name__ == "__main__":
    main()
