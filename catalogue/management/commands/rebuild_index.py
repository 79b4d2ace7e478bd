"""Rebuild the search index from the database: `python manage.py rebuild_index`."""

import time

from django.core.management.base import BaseCommand

from catalogue import search


class Command(BaseCommand):
    help = "Rebuilds the full-text search index from the database (swapped in atomically)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        count = search.rebuild()
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Indexed {count} measures in {elapsed:.1f} s."))
