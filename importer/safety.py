"""What makes an import unsafe, checked before anything is written or while nothing is kept.

A truncated download of the report parses: the parser reads what is there. Loading it would then
delete every measure of the missing part from an edition already imported. Two rules stop that:

- A file that lacks parts every edition has is refused as incomplete: all eight chapter headings,
  and in chapter 8 all six answers of every region that answers (a file cut inside chapter 8).
- A re-import that would remove measures of the edition stops and lists them, unless the caller
  allows removals. The dry run lists the same measures.

Either way the loader raises before its transaction commits, so the database stays as it was, and
the message names the problem. Pure: the rules take parsed records and plain descriptions.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from catalogue.reference import CHAPTERS, REGIONS

from .parser import QUESTIONS, ParsedReport

REGION_NAMES = {fact.code: fact.name for fact in REGIONS}
LISTED = 200  # removals named one by one in a message; the rest are counted


class ImportRefused(Exception):
    """The import would harm the catalogue; nothing was written. The message says why."""


class IncompleteFile(ImportRefused):
    pass


@dataclass(frozen=True)
class Removal:
    """A measure that a re-import would delete (it is no longer in the file)."""

    pk: int
    region: str
    chapter: int
    source_line: int
    name: str

    def __str__(self) -> str:
        return (
            f"insats {self.pk} ({self.region}, kapitel {self.chapter}, rad {self.source_line}): "
            f"{self.name[:100]}"
        )


class RemovalsRefused(ImportRefused):
    def __init__(self, year: int, removals: list[Removal]):
        self.removals = removals
        super().__init__(
            f"Importen stoppades: filen skulle ta bort {len(removals)} insatser ur utgåvan "
            f"{year}, som redan är importerad. Kontrollera att filen är hel; om borttagningarna "
            f"är avsiktliga, kör om med --allow-removals.\n" + describe(removals)
        )


def describe(removals: list[Removal]) -> str:
    lines = [f"  {removal}" for removal in removals[:LISTED]]
    if len(removals) > LISTED:
        lines.append(f"  … och {len(removals) - LISTED} till")
    return "\n".join(lines)


def missing_parts(parsed: ParsedReport) -> list[str]:
    """What an edition always has and this file lacks (empty when the file is complete)."""
    problems = []
    missing = [number for number in CHAPTERS if number not in parsed.chapters]
    if missing:
        problems.append(
            "kapitel " + ", ".join(str(n) for n in missing) + " saknas (varje utgåva har 1–8)"
        )
    answered = Counter(answer.region_code for answer in parsed.answers)
    for code, count in sorted(answered.items(), key=lambda kv: REGION_NAMES[kv[0]]):
        if count < len(QUESTIONS):
            problems.append(f"kapitel 8: {REGION_NAMES[code]} har {count} av {len(QUESTIONS)} svar")
    return problems


def check_complete(parsed: ParsedReport) -> None:
    """Raise IncompleteFile naming what is missing."""
    problems = missing_parts(parsed)
    if problems:
        raise IncompleteFile(
            f"Filen är ofullständig och importeras inte ({parsed.line_count} rader, "
            f"{len(parsed.measures)} insatser): " + "; ".join(problems) + ". "
            "Ladda ned rapporten på nytt."
        )
