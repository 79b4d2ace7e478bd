"""Write a synthetic report N times the size of the bundled one, in the same format.

    .venv/bin/python bench/synth.py --times 10 --out bench/out/report-10x.txt

The bundled report is copied unchanged, and each thematic chapter (1–7) gets (N − 1) more
rounds of rows appended to its table (later chapters' line numbers shift): every round
re-emits each real measure row of that chapter with its cells drawn at random from other real
rows of the chapter (description, outputs, effects, goals), a random region, and a varied,
unique name. The text is thus real report text, the format is the real one, and the real
importer parses it. Chapter 8 (allocation answers) stays as it is. Seeded, so reproducible.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
REPORT = BASE_DIR / "fixtures" / "tabellbilaga-regionalt-utvecklingsarbete-2023.txt"

REGIONS = [
    "Blekinge", "Dalarna", "Gotland", "Gävleborg", "Halland", "Jämtland Härjedalen", "Jönköping",
    "Kalmar", "Kronoberg", "Norrbotten", "Skåne", "Stockholm", "Sörmland", "Uppsala", "Värmland",
    "Västerbotten", "Västernorrland", "Västmanland", "Västra Götaland", "Örebro", "Östergötland",
]  # fmt: skip
PREFIXES = [
    "Etapp", "Fas", "Delprojekt", "Fortsättning", "Steg", "Pilot", "Uppföljning", "Förstudie",
    "Utvidgning", "Fördjupning", "Genomförande", "Spridning",
]  # fmt: skip
CHAPTER_HEADING = re.compile(r"^#+\s+([1-8])\s+\S")
NO_MEASURES = re.compile(
    r"inga insatser|genomför inte särskilda|^(?:<p>)?\s*Se även", re.IGNORECASE
)


@dataclass(frozen=True)
class Row:
    region: str
    name: str
    outputs: str
    effects: str
    goals: str


def chapter_spans(lines: list[str]) -> list[tuple[int, int, int]]:
    """(chapter number, first line index, end index) of each chapter's section."""
    starts = [
        (int(m.group(1)), i) for i, line in enumerate(lines) if (m := CHAPTER_HEADING.match(line))
    ]
    spans = []
    for position, (number, start) in enumerate(starts):
        end = starts[position + 1][1] if position + 1 < len(starts) else len(lines)
        spans.append((number, start, end))
    return spans


def measure_rows(section: list[str]) -> list[Row]:
    """The real measure rows of a chapter section: five cells, a region, not a header or filler."""
    rows = []
    for line in section:
        cells = line.split("\t")
        if len(cells) != 5:
            continue
        region = re.sub(r"<[^>]+>", "", cells[0]).strip()
        if not region or region == "Region" or set(region) <= {"-"}:
            continue
        if NO_MEASURES.search(cells[1]) or not cells[1].strip():
            continue
        rows.append(Row(region, *cells[1:]))
    return rows


def vary_name(cell: str, label: str) -> str:
    """Put a label before the cell's first text, inside its first paragraph if it has one."""
    match = re.match(r"^(\s*(?:<p>|<b>)*)", cell)
    head = match.group(1) if match else ""
    return f"{head}{label} {cell[len(head) :]}"


def synthetic_rows(rows: list[Row], rounds: int, chapter: int, rng: random.Random) -> list[str]:
    out = []
    for round_number in range(1, rounds + 1):
        for index, row in enumerate(rows):
            label = f"{rng.choice(PREFIXES)} {chapter}.{round_number}.{index + 1}:"
            cells = [
                rng.choice(REGIONS),
                vary_name(row.name, label),
                rng.choice(rows).outputs,
                rng.choice(rows).effects,
                rng.choice(rows).goals,
            ]
            out.append("\t".join(cells))
            out.append("")
    return out


def synthesize(text: str, times: int, *, seed: int = 480) -> str:
    """The report text with (times − 1) more rounds of rows in each thematic chapter."""
    if times < 1:
        raise ValueError("times must be at least 1")
    if times == 1:
        return text
    rng = random.Random(seed)
    lines = text.split("\n")
    insertions: dict[int, list[str]] = {}
    for chapter, start, end in chapter_spans(lines):
        if chapter == 8:
            continue
        rows = measure_rows(lines[start:end])
        # Append after the chapter's last non-empty line, keeping the blank lines before the next.
        last = max(i for i in range(start, end) if lines[i].strip())
        insertions[last] = ["", *synthetic_rows(rows, times - 1, chapter, rng)]
    out: list[str] = []
    for index, line in enumerate(lines):
        out.append(line)
        out.extend(insertions.get(index, []))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--times", type=int, required=True, help="size as a multiple of the report")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--source", type=Path, default=REPORT)
    parser.add_argument("--seed", type=int, default=480)
    args = parser.parse_args(argv)
    text = args.source.read_text(encoding="utf-8")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(synthesize(text, args.times, seed=args.seed), encoding="utf-8")
    size = args.out.stat().st_size
    print(f"{args.out}: {size / 1e6:.1f} MB, {size / len(text.encode()):.1f}× the bundled report")
    return 0


if __name__ == "__main__":
    sys.exit(main())
