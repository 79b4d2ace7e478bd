"""python manage.py import_report PATH: parse the appendix, load it, link it to the editions
before and after it, rebuild the search index.

An incomplete file is refused, and a re-import that would remove measures of an edition stops
and lists them unless --allow-removals is given (importer.safety); --dry-run lists them too."""

import hashlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalogue.models import Report
from catalogue.reference import CHAPTERS, REGIONS
from importer.loader import LoadError, LoadResult, load_report
from importer.parser import ParsedReport, ParseError, parse_file
from importer.safety import ImportRefused, describe

MAX_BYTES = 200 * 1024 * 1024
REGION_NAMES = {fact.code: fact.name for fact in REGIONS}


class Command(BaseCommand):
    help = (
        "Importera tabellbilagan (Rapport 0480-formatet) i ett svep: allt eller inget, "
        "idempotent, kurerade poster behålls. / Import the report's table appendix."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the appendix as text (UTF-8)")
        parser.add_argument(
            "--dry-run", action="store_true", help="parse and load, then roll everything back"
        )
        parser.add_argument(
            "--allow-removals",
            action="store_true",
            help="let a re-import delete the edition's measures that are no longer in the file",
        )
        parser.add_argument(
            "--no-link",
            action="store_true",
            help="do not suggest links to the editions before and after this one",
        )
        parser.add_argument(
            "--if-changed",
            action="store_true",
            help="do nothing when this exact file (same checksum) is already imported",
        )
        parser.add_argument(
            "--no-index", action="store_true", help="do not rebuild the search index afterwards"
        )
        parser.add_argument(
            "--notes", action="store_true", help="list every parser note with its line"
        )

    def handle(self, *args, path: Path, dry_run: bool, if_changed: bool, no_index: bool,
               notes: bool, allow_removals: bool, no_link: bool, **options):  # fmt: skip
        data = self.read(path)
        checksum = hashlib.sha256(data).hexdigest()
        if if_changed and Report.objects.filter(checksum=checksum).exists():
            self.stdout.write(
                f"{path.name}: redan importerad (sha256 {checksum[:12]}…), inget att göra."
            )
            if not no_index:
                self.ensure_index()
            return
        try:
            parsed = parse_file(data)
        except ParseError as error:
            raise CommandError(f"{path}: rad {error.line}: {error.message}") from None
        try:
            result = load_report(
                parsed,
                source_name=path.name,
                checksum=checksum,
                dry_run=dry_run,
                allow_removals=allow_removals,
                link=not no_link,
            )
        except (LoadError, ImportRefused) as error:
            raise CommandError(f"{path}: {error}\nDatabasen är oförändrad.") from None
        self.print_summary(parsed, result, notes=notes)
        del parsed, result  # free the parsed records before the index build reads the database
        if not dry_run and not no_index:
            self.rebuild_index()

    def read(self, path: Path) -> bytes:
        if not path.is_file():
            raise CommandError(f"{path}: ingen sådan fil / no such file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise CommandError(f"{path}: {size} byte är mer än gränsen {MAX_BYTES} byte")
        return path.read_bytes()

    def rebuild_index(self) -> None:
        from catalogue import search

        count = search.rebuild()
        self.stdout.write(f"Sökindex ombyggt: {count} insatser.")

    def ensure_index(self) -> None:
        from catalogue import search

        if not search.index_exists():
            self.rebuild_index()

    def print_summary(self, parsed: ParsedReport, result: LoadResult, *, notes: bool) -> None:
        write = self.stdout.write
        meta = parsed.meta
        write(f"{meta.title} (Rapport {meta.number}), {parsed.line_count} rader")
        write(f"Insatser: {len(parsed.measures)}")
        for number in sorted(CHAPTERS):
            if number in result.per_chapter:
                write(f"  kapitel {number}: {result.per_chapter[number]:4}  {CHAPTERS[number]}")
        write("Insatser per region:")
        for code, count in sorted(result.per_region.items(), key=lambda kv: REGION_NAMES[kv[0]]):
            write(f"  {REGION_NAMES[code]:20} {count:4}")
        write(f"Inga insatser redovisade: {len(parsed.no_measures)}")
        for record in parsed.no_measures:
            region = REGION_NAMES[record.region_code]
            write(f"  {region}, kapitel {record.chapter} (rad {record.source_line})")
        write(
            f"Kapitel 8: {len(parsed.answers)} svar från "
            f"{len({a.region_code for a in parsed.answers})} regioner "
            f"(ja {sum(a.answer == 'ja' for a in parsed.answers)}, "
            f"nej {sum(a.answer == 'nej' for a in parsed.answers)}, "
            f"ej angivet {sum(a.answer is None for a in parsed.answers)}), "
            f"{len(parsed.projects)} projekt"
        )
        write("Ändringar:")
        for label, tally in (
            ("insatser", result.measures),
            ("inga-insatser-poster", result.no_measures),
            ("svar", result.answers),
            ("projekt", result.projects),
        ):
            write(
                f"  {label}: {tally.created} nya, {tally.updated} ändrade, "
                f"{tally.unchanged} oförändrade, {tally.deleted} borttagna, "
                f"{len(tally.kept)} kurerade behållna"
            )
        write(f"  mål: {result.goals_created} nya, {result.goals_deleted} borttagna")
        for line in result.kept:
            write(f"  behållen: {line}")
        if result.removals:
            heading = "Insatser som skulle tas bort" if result.dry_run else "Borttagna insatser"
            write(f"{heading} ({len(result.removals)}):")
            write(describe(result.removals))
            if result.dry_run:
                write("  (en riktig import stoppas här om inte --allow-removals anges)")
        if result.links is not None:
            write(f"Länkar mellan utgåvor: {result.links}")
        write(
            f"Noteringar från tolkningen: {len(parsed.notes)}"
            + ("" if notes else " (--notes visar dem)")
        )
        if notes:
            for note in parsed.notes:
                write(f"  rad {note.line}: {note.message}")
        if result.dry_run:
            write(self.style.WARNING("Provkörning (--dry-run): inget sparades."))
        elif result.changed:
            write(self.style.SUCCESS("Importen är klar."))
        else:
            write(self.style.SUCCESS("Inget ändrades: databasen stämmer redan med filen."))
