"""In-process page times (Django's test client, no HTTP, page cache off) against var/ or
DATABASE_URL: the median of N renders of each page after one warm-up, the snapshot already read.

    .venv/bin/python bench/page_timing.py                 # the default pages, 15 renders each
    .venv/bin/python bench/page_timing.py --runs 30 /insatser/?year=alla /mal/
    .venv/bin/python bench/page_timing.py --new-queries 300 --rounds 5   # no cache helps

--new-queries N renders N search pages, each a word of five letters or more from the measures'
texts (not searched before in the process) with a region drawn at random, as bench/new_queries.py
asks over HTTP, and prints the CPU time (time.process_time) per page: the mean of each round
and the median of the rounds (each round a fresh process: the search keeps its results).
--parts (with --new-queries, one process) also prints the CPU per page inside each step of the
search, the view and the rendering (bench/page_parts.py).

Meant for before/after comparisons of the read path on the same database (e.g. the bundled
report plus a second edition); the HTTP load figures are bench/run.py's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

PAGES = [
    "/",
    "/insatser/",
    "/insatser/?year=alla",
    "/insatser/?sort=name&per_page=100",
    "/insatser/?region=gotland&chapter=2",
    "/insatser/?q=kompetens",
    "/insatser/?change=new&year=alla",
    "/regioner/",
    "/regioner/gotland/",
    "/regioner/gotland/forandringar/",
    "/kapitel/8/",
    "/mal/",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", default=PAGES)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--new-queries", type=int, default=0, help="N new search pages")
    parser.add_argument("--rounds", type=int, default=1, help="processes for --new-queries")
    parser.add_argument("--round", type=int, default=-1, help=argparse.SUPPRESS)
    parser.add_argument("--parts", action="store_true", help="CPU per step (one process)")
    args = parser.parse_args()
    if args.new_queries and args.round < 0 and not args.parts:
        new_query_rounds(args)
        return
    client = setup_client()
    if args.new_queries and args.parts:
        from bench.page_parts import report, timed_parts

        spent = timed_parts()
        print(f"{new_query_cpu(client, args.new_queries, 0, spent):.2f} ms of CPU per page")
        print(report(spent, args.new_queries))
        return
    if args.new_queries:
        print(f"{new_query_cpu(client, args.new_queries, args.round):.2f}")
        return
    for url in args.pages:
        status = client.get(url).status_code
        if status != 200:
            print(f"{url:45s} HTTP {status}")
            continue
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        print(f"{url:45s} median {statistics.median(times):6.1f} ms")


def setup_client(**headers):
    """Django set up against var/ or DATABASE_URL, the page cache and the per-address search
    budget off (else after 30 new queries the search is refused): a test client for its pages."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    os.environ["SEARCH_RATE_LIMIT"] = "0"
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return Client(headers=headers)


def new_query_rounds(args) -> None:
    """Each round in a process of its own (the search keeps the results it found)."""
    import subprocess

    means = []
    for number in range(args.rounds):
        command = [sys.executable, __file__, "--new-queries", str(args.new_queries)]
        out = subprocess.run([*command, "--round", str(number)], capture_output=True, text=True)
        if out.returncode:
            sys.exit(out.stderr)
        means.append(float(out.stdout.split()[-1]))
        print(f"round {number + 1}: {means[-1]:.2f} ms of CPU per page")
    print(f"median of {len(means)} rounds: {statistics.median(means):.2f} ms of CPU per page")


def new_query_pages(count: int) -> list[str]:
    """`count` search page addresses, each a word of the measures' texts and a region (the same
    ones in every process: bench/page_fingerprint.py renders them too)."""
    import random
    import re

    from catalogue.models import Measure, Region

    texts = Measure.objects.values_list("name", "description")
    words = sorted({w.lower() for row in texts for t in row for w in re.findall(r"\w{5,}", t)})
    words = [w for w in words if not w.isdigit()]
    rng = random.Random(5)  # the same pages in every round
    rng.shuffle(words)
    regions = list(Region.objects.order_by("code").values_list("slug", flat=True))
    return [f"/insatser/?q={w}&region={rng.choice(regions)}" for w in words[:count]]


def new_query_cpu(client, count: int, seed: int, spent=None) -> float:
    """The mean CPU milliseconds of `count` search pages, each a new word and a region
    (`spent`: bench/page_parts.py's counts, emptied after the warm-up)."""
    pages = new_query_pages(count + 20)
    for url in pages[:20]:  # warm: templates, translations, the snapshot, the searcher
        client.get(url)
    if spent is not None:
        spent.clear()
    start = time.process_time()
    for url in pages[20:]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Många nya sökningar" not in response.content.decode(), "rate limited"
    return (time.process_time() - start) * 1000 / max(1, len(pages) - 20)


if __name__ == "__main__":
    main()
