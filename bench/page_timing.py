"""In-process page times (Django's test client, no HTTP, page cache off) against var/ or
DATABASE_URL: the median of N renders of each page after one warm-up, the snapshot already read.

    .venv/bin/python bench/page_timing.py                 # the default pages, 15 renders each
    .venv/bin/python bench/page_timing.py --runs 30 /insatser/?year=alla /mal/

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
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["PAGE_CACHE_SECONDS"] = "0"
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    client = Client()
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


if __name__ == "__main__":
    main()
