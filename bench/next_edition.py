"""Write a synthetic next edition of the bundled report, with known lineage.

    .venv/bin/python bench/next_edition.py --seed 1 --out bench/out/

Real editions do not come with the answer to "which measure continues which", so the matcher
(catalogue.matching) is measured on editions made here, where every change is known. The next
edition starts from the bundled report's parsed measures and gives each one an edit of a kind
that real editions show (see KINDS): its title kept, lightly reworded, largely rewritten around
the same project name, new outputs and effects, moved to another chapter, or ended; new measures
are added (drawn from other regions' measures, so they are on topic), and a few joint measures
are reported with near-identical text by several regions. The title page says the new year and
report number; chapter 8 is copied unchanged. Deterministic by seed.

Writes the edition's text and a ground-truth JSON: for each measure row of the new edition its
source line, its predecessor's source line in the bundled report (or null) and the kind of edit;
and the bundled report's measures that ended. The bundled report itself is never changed.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:  # run as a script: the importer is a sibling package
    sys.path.insert(0, str(BASE_DIR))

from bench.rewording import (  # noqa: E402
    NAME_LEADS,
    NAME_TAILS,
    REWRITE_HEADS,
    REWRITE_SENTENCES,
    TOPICS,
    UPDATE_SENTENCES,
    next_year,
    paragraphs,
    project_name,
    sentences,
    swap_words,
)
from catalogue.reference import REGIONS  # noqa: E402
from importer.parser import ParsedMeasure, parse_report  # noqa: E402

REPORT = BASE_DIR / "fixtures" / "tabellbilaga-regionalt-utvecklingsarbete-2023.txt"
REGION_NAMES = {fact.code: fact.name for fact in REGIONS}

# Edits of a measure that continues, and the share of the bundled measures that get each.
KINDS = {
    "kept": 0.22,  # name and description as they were; outputs and effects updated
    "reworded": 0.20,  # name and description lightly reworded
    "rewritten": 0.10,  # name and description largely new, around the same project name
    "new_outputs": 0.16,  # name and description kept, outputs and effects entirely new
    "moved": 0.08,  # reported in another chapter, lightly reworded
    "joint": 0.04,  # continued, and reported near-identically by one or two other regions too
    "ended": 0.20,  # not in the new edition
}
NEW_SHARE = 0.12  # new measures, as a share of the bundled measures
CONTINUED = ("kept", "reworded", "rewritten", "new_outputs", "moved", "joint")
WITHOUT_PREDECESSOR = ("new", "joint_copy")


@dataclass(frozen=True)
class Row:
    """A measure row of the new edition before its line number is known."""

    chapter: int
    region: str
    name: str
    description: str  # HTML of the description blocks
    outputs: str
    effects: str
    goals: str
    previous_line: int | None
    kind: str


@dataclass(frozen=True)
class Edition:
    text: str
    truth: dict


class _Generator:
    def __init__(self, measures: tuple[ParsedMeasure, ...], rng: random.Random, year: int):
        self.measures = measures
        self.rng = rng
        self.year = year
        self.by_chapter: dict[int, list[ParsedMeasure]] = {}
        for measure in measures:
            self.by_chapter.setdefault(measure.chapter, []).append(measure)

    def reword_name(self, name: str) -> str:
        changed = swap_words(name, self.rng, 1)
        if changed == name or self.rng.random() < 0.5:
            if self.rng.random() < 0.5:
                changed = f"{changed} {self.rng.choice(NAME_TAILS)}"
            else:
                lead = self.rng.choice(NAME_LEADS)
                if changed[1:2].islower():
                    changed = changed[0].lower() + changed[1:]
                changed = f"{lead} {changed}"
        return next_year(changed, self.year)

    def reword_text(self, text: str) -> str:
        parts = sentences(next_year(text, self.year))
        if len(parts) >= 3:
            parts.pop(self.rng.randrange(1, len(parts)))
        parts = [swap_words(s, self.rng, 1) for s in parts]
        parts.append(self.rng.choice(UPDATE_SENTENCES).format(year=self.year))
        return paragraphs(parts)

    def update_results(self, measure: ParsedMeasure) -> tuple[str, str]:
        """This year's outputs and effects: last year's, partly reworded and shortened."""
        outputs = sentences(next_year(measure.outputs, self.year))
        if len(outputs) >= 2:
            outputs = outputs[: max(1, len(outputs) - 1)]
        outputs = [swap_words(s, self.rng, 1) for s in outputs]
        effects = sentences(measure.effects)
        return paragraphs(outputs), paragraphs(effects)

    def other_results(self, measure: ParsedMeasure) -> tuple[str, str]:
        """Entirely new outputs and effects: another region's, from the same chapter."""
        others = [
            m for m in self.by_chapter[measure.chapter] if m.region_code != measure.region_code
        ]
        donor = self.rng.choice(others)
        return donor.outputs_html, donor.effects_html

    def row(self, measure: ParsedMeasure, kind: str, *, chapter: int | None = None) -> Row:
        name, description = measure.name, measure.description_html
        outputs, effects = self.update_results(measure)
        if kind == "reworded" or kind in ("moved", "joint"):
            name, description = self.reword_name(name), self.reword_text(measure.description)
        elif kind == "rewritten":
            project = project_name(measure.name) or measure.name
            topic = self.rng.choice(TOPICS)
            name = self.rng.choice(REWRITE_HEADS).format(p=project, t=topic)
            lines = self.rng.sample(REWRITE_SENTENCES, 3)
            lines.insert(1, f"Inom {project} har {topic} varit i fokus under {self.year}.")
            description = paragraphs(lines)
            outputs, effects = self.other_results(measure)
        elif kind == "new_outputs":
            outputs, effects = self.other_results(measure)
        return Row(
            chapter=chapter or measure.chapter,
            region=measure.region_code,
            name=name,
            description=description,
            outputs=outputs,
            effects=effects,
            goals=measure.goals_html,
            previous_line=measure.source_line,
            kind=kind,
        )

    def joint_copies(self, row: Row) -> list[Row]:
        """The same measure reported by one or two other regions, in near-identical words."""
        others = [code for code in REGION_NAMES if code != row.region]
        copies = []
        for code in self.rng.sample(others, self.rng.choice((1, 2))):
            description = row.description.replace(REGION_NAMES[row.region], REGION_NAMES[code])
            copies.append(
                Row(
                    row.chapter,
                    code,
                    row.name,
                    description,
                    row.outputs,
                    row.effects,
                    row.goals,
                    None,
                    "joint_copy",
                )
            )
        return copies

    def new_row(self) -> Row:
        """A new measure of a region, on a topic another region reported on last year."""
        donor = self.rng.choice(self.measures)
        region = self.rng.choice([c for c in REGION_NAMES if c != donor.region_code])
        name = self.reword_name(donor.name).replace(
            REGION_NAMES[donor.region_code], REGION_NAMES[region]
        )
        description = self.reword_text(donor.description).replace(
            REGION_NAMES[donor.region_code], REGION_NAMES[region]
        )
        outputs, effects = self.other_results(donor)
        return Row(
            donor.chapter,
            region,
            name,
            description,
            outputs,
            effects,
            donor.goals_html,
            None,
            "new",
        )

    def kind_of(self, measure: ParsedMeasure) -> str:
        kind = self.rng.choices(list(KINDS), weights=list(KINDS.values()))[0]
        if kind == "rewritten" and project_name(measure.name) is None:
            return "reworded"
        return kind

    def rows(self) -> tuple[list[Row], list[ParsedMeasure]]:
        rows: list[Row] = []
        ended: list[ParsedMeasure] = []
        for measure in self.measures:
            kind = self.kind_of(measure)
            if kind == "ended":
                ended.append(measure)
                continue
            chapter = None
            if kind == "moved":
                chapter = self.rng.choice([c for c in range(1, 8) if c != measure.chapter])
            row = self.row(measure, kind, chapter=chapter)
            rows.append(row)
            if kind == "joint":
                rows.extend(self.joint_copies(row))
        rows.extend(self.new_row() for _ in range(round(NEW_SHARE * len(self.measures))))
        return rows, ended


def _front(lines: list[str], year: int, number: str) -> list[str]:
    """The title page and table of contents with the new year and report number."""
    first_chapter = next(i for i, line in enumerate(lines) if re.match(r"^#+\s+1\s", line))
    front = "\n".join(lines[:first_chapter])
    front = re.sub(r"(Regionalt utvecklingsarbete\s+)\d{4}", rf"\g<1>{year}", front)
    front = re.sub(r"Rapport\s+\d{3,5}", f"Rapport {number}", front)
    return front.split("\n")


def _back(lines: list[str], year: int) -> list[str]:
    """Chapter 8 as it was, with the new publication date and a made-up ISBN."""
    start = next(i for i, line in enumerate(lines) if re.match(r"^#+\s+8\s", line))
    back = "\n".join(lines[start:])
    back = re.sub(r"(Stockholm|Östersund),\s*\d{4}-\d{2}-\d{2}", rf"\1, {year + 1}-04-15", back)
    back = re.sub(r"ISBN\s+[\d-]{10,17}", f"ISBN 978-91-89730-{year % 100:02d}-0", back)
    return back.split("\n")


HEADER_ROW = (
    "Region\tNamn på insats och kort beskrivning\tResultat i form av uppnådda prestationer "
    "under året\tOm möjligt resultat i form av uppnådda effekter under året\tMål"
)
CHAPTER_HEADINGS = re.compile(r"^(#+\s+([1-7])\s+.*)$")


def generate(text: str, *, seed: int, year: int | None = None) -> Edition:
    """The next edition of the report `text` and its ground truth (see the module docstring)."""
    parsed = parse_report(text)
    year = year or parsed.meta.year + 1
    number = f"{int(parsed.meta.number) + 100:04d}"
    rng = random.Random(seed)
    rows, ended = _Generator(parsed.measures, rng, year).rows()
    lines = text.split("\n")
    headings = {
        int(m.group(2)): m.group(1) for line in lines if (m := CHAPTER_HEADINGS.match(line))
    }
    notes = {}
    for note in parsed.no_measures:
        notes.setdefault(note.chapter, []).append(note)

    out = _front(lines, year, number)
    truth_rows = []
    for chapter in range(1, 8):
        out += [headings[chapter], "", HEADER_ROW]
        chapter_rows = [r for r in rows if r.chapter == chapter]
        rng.shuffle(chapter_rows)  # the order within a region says nothing about lineage
        chapter_rows.sort(key=lambda r: REGION_NAMES[r.region])
        for row in chapter_rows:
            name_cell = f"<p>{html.escape(row.name)}</p> {row.description}".strip()
            out.append(
                "\t".join(
                    [REGION_NAMES[row.region], name_cell, row.outputs, row.effects, row.goals]
                )
            )
            truth_rows.append(
                {
                    "line": len(out),
                    "previous_line": row.previous_line,
                    "kind": row.kind,
                    "region": row.region,
                    "chapter": chapter,
                }
            )
        for note in notes.get(chapter, []):
            out.append("\t".join([REGION_NAMES[note.region_code], note.text, "", "", ""]))
        out.append("")
    out += _back(lines, year)
    truth = {
        "seed": seed,
        "year": year,
        "number": number,
        "previous": {"year": parsed.meta.year, "number": parsed.meta.number},
        "measures": truth_rows,
        "ended": [
            {"previous_line": m.source_line, "region": m.region_code, "chapter": m.chapter}
            for m in ended
        ],
    }
    return Edition("\n".join(out), truth)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=BASE_DIR / "bench" / "out")
    parser.add_argument("--source", type=Path, default=REPORT)
    args = parser.parse_args(argv)
    edition = generate(args.source.read_text(encoding="utf-8"), seed=args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"tabellbilaga-{edition.truth['year']}-seed{args.seed}"
    text_path, truth_path = args.out / f"{stem}.txt", args.out / f"{stem}.truth.json"
    text_path.write_text(edition.text, encoding="utf-8")
    truth_path.write_text(json.dumps(edition.truth, ensure_ascii=False, indent=1), encoding="utf-8")
    kinds: dict[str, int] = {}
    for row in edition.truth["measures"]:
        kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
    kinds["ended"] = len(edition.truth["ended"])
    print(f"{text_path}\n{truth_path}")
    print(", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
