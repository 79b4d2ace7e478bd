"""Small source documents in the appendix's format, for parser and loader tests."""

import re

from catalogue.reference import CHAPTERS

FRONT = "\n# Tabellbilaga\n\nRegionalt utvecklingsarbete 2023\n\n**Rapport 0480**\n\n"
TABLE_HEADER = (
    "Region\tNamn på insats och kort beskrivning\tResultat i form av uppnådda prestationer "
    "under året\tOm möjligt resultat i form av uppnådda effekter under året\tMål"
)
SEPARATOR = "----------\t--\t--\t--\t--"
BACK = "\nDu kan ladda ned Tillväxtverkets publikationer på tillvaxtverket.se.\nStockholm, 2024-04-16\n"


def row(region: str, name: str, outputs: str = "", effects: str = "", goals: str = "") -> str:
    return "\t".join([region, name, outputs, effects, goals])


def chapter(number: int, *rows: str, heading: str = "#") -> str:
    return f"{heading} {number} {CHAPTERS[number]}\n\n{TABLE_HEADER}\n" + "\n".join(rows) + "\n\n"


def document(*parts: str, complete: bool = True) -> str:
    """A report of these parts. `complete` adds an empty heading for every chapter 1–8 the parts
    lack, at the end: the importer refuses a file without all eight (importer.safety)."""
    text = "".join(parts)
    if complete:
        present = {int(n) for n in re.findall(r"^#+ ([1-8]) ", text, flags=re.M)}
        text += "".join(f"## {n} {CHAPTERS[n]}\n\n" for n in sorted(set(CHAPTERS) - present))
    return FRONT + text + BACK


QUESTIONS = [
    "Beskrivning av varför regionen har fördelat anslaget mellan projektverksamhet, regionala "
    "företagsstöd och stöd till kommersiell service på det sätt de gjort.",
    "Beskrivning av hur regionen har integrerat ekonomisk, social och miljömässig hållbarhet i "
    "beslut om medel från anslaget till projektverksamhet, regionala företagsstöd och stöd till "
    "kommersiell service.",
    "Beskrivning av hur anslaget har bidragit till att nå målen i den regionala "
    "utvecklingsstrategin.",
    "Beskrivning av hur anslaget har bidragit till att nå målen i nationellt och regionala "
    "program för Regionalfonden.",
    "Beskrivning av hur anslaget har bidragit till att nå målen i Interreg-program.",
    "Beskrivning på vilket sätt olika territoriella perspektiv har beaktats och påverkat beslut "
    "om medel.",
]


def allocation(region_heading: str, answers: list[str], *, extra: str = "") -> str:
    rows = "\n".join(f"<p>{q}</p>\t{a}" for q, a in zip(QUESTIONS, answers, strict=True))
    return f"{region_heading}\n\n{rows}\n{extra}\n"


def chapter8(*regions: str) -> str:
    return f"## 8 {CHAPTERS[8]}\n\n" + "\n".join(regions)


SIX_ANSWERS = [
    "<p>Fördelningen följer riktlinjerna.</p>",
    "<p>Hållbarhet integreras i alla beslut.</p>",
    "<p>Ja.</p> <p>Anslaget bidrar till RUS.</p>",
    "<p>Nej.</p> <p>Inga medel till Regionalfonden.</p>",
    "Ja.  Interreg-projekt medfinansieras.",
    "<p>Hela länet beaktas.</p>",
]
