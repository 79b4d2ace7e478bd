"""python manage.py link_editions [--year YYYY]: suggest links between neighbouring editions again.

The import does this itself; run it after the matcher changed, or for an edition imported with
--no-link. Links editors confirmed, set by hand or rejected are kept (catalogue.lineage)."""

from itertools import pairwise

from django.core.management.base import BaseCommand, CommandError

from catalogue import lineage
from catalogue.models import Report


class Command(BaseCommand):
    help = (
        "Föreslå länkar mellan utgåvor på nytt (redaktionens beslut behålls). / "
        "Suggest links between editions again (editors' decisions are kept)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            help="only this edition and its neighbours (default: every pair of editions)",
        )

    def handle(self, *args, year: int | None, **options):
        reports = list(Report.objects.order_by("year", "number"))
        if year is not None:
            chosen = [r for r in reports if r.year == year]
            if not chosen:
                years = ", ".join(str(r.year) for r in reports) or "–"
                raise CommandError(f"ingen utgåva för år {year} (finns: {years})")
            result = lineage.relink_report(chosen[0])
        else:
            result = lineage.LinkResult()
            for older, newer in pairwise(reports):
                lineage.link_editions(older, newer, result)
        self.stdout.write(f"Länkar mellan utgåvor: {result}")
