"""Goal frameworks: the goals-cell reader against hand labels, precision and recall per framework.

    .venv/bin/python bench/goal_quality.py [--split test|tune|all] [--verbose]

The labels (tests/importer/goal_labels.json) give, for goals cells of the bundled report named by
their source line, the set of frameworks each cell cites, read by a person. They were split once
into a 'tune' half (the reader's rules were adjusted while looking at it) and a 'test' half (only
measured): report the test half. A cell counts once per framework: a true positive when reader
and label both have the framework, a false positive when only the reader has it, a false negative
when only the label has it. No database needed; the parser is pure.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from importer.parser import parse_file  # noqa: E402

LABELS = ROOT / "tests" / "importer" / "goal_labels.json"
REPORT = ROOT / "fixtures" / "tabellbilaga-regionalt-utvecklingsarbete-2023.txt"
FRAMEWORKS = (
    "rus",
    "agenda2030",
    "regionalfonden",
    "interreg",
    "fro",
    "smart_specialisation",
    "national_strategy",
    "other",
)


def load_labels(split: str) -> list[dict]:
    cells = json.loads(LABELS.read_text(encoding="utf-8"))["cells"]
    return [c for c in cells if split == "all" or c["split"] == split]


def predicted_frameworks() -> dict[int, set[str]]:
    """The frameworks the reader finds in each measure's goals cell, by the measure's line."""
    parsed = parse_file(REPORT.read_bytes())
    return {m.source_line: {ref.framework for ref in m.goals} for m in parsed.measures}


def score(labels: list[dict], predicted: dict[int, set[str]]) -> dict[str, Counter]:
    counts = {framework: Counter() for framework in FRAMEWORKS}
    for cell in labels:
        truth = set(cell["frameworks"])
        found = predicted[cell["line"]]
        for framework in FRAMEWORKS:
            key = {
                (True, True): "tp",
                (False, True): "fp",
                (True, False): "fn",
                (False, False): "tn",
            }[(framework in truth, framework in found)]
            counts[framework][key] += 1
    return counts


def ratio(numerator: int, denominator: int) -> str:
    return f"{numerator / denominator:.2f}" if denominator else "–"


def table(counts: dict[str, Counter]) -> str:
    rows = [
        "| framework | labelled cells | precision | recall | TP | FP | FN |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    total = Counter()
    for framework, c in counts.items():
        total.update(c)
        rows.append(
            f"| {framework} | {c['tp'] + c['fn']} | {ratio(c['tp'], c['tp'] + c['fp'])} | "
            f"{ratio(c['tp'], c['tp'] + c['fn'])} | {c['tp']} | {c['fp']} | {c['fn']} |"
        )
    rows.append(
        f"| all (micro) | {total['tp'] + total['fn']} | "
        f"{ratio(total['tp'], total['tp'] + total['fp'])} | "
        f"{ratio(total['tp'], total['tp'] + total['fn'])} | "
        f"{total['tp']} | {total['fp']} | {total['fn']} |"
    )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("test", "tune", "all"), default="test")
    parser.add_argument("--verbose", action="store_true", help="list every disagreement")
    args = parser.parse_args(argv)
    labels = load_labels(args.split)
    predicted = predicted_frameworks()
    print(f"{len(labels)} hand-labelled goals cells ({args.split} split)\n")
    print(table(score(labels, predicted)))
    if args.verbose:
        print()
        for cell in labels:
            truth, found = set(cell["frameworks"]), predicted[cell["line"]]
            if truth != found:
                print(
                    f"line {cell['line']}: missed {sorted(truth - found)}, "
                    f"extra {sorted(found - truth)}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
