"""Precision and recall of the lineage matcher, per kind of edit, on generated next editions.

    .venv/bin/python bench/lineage_quality.py                 # the held-out seeds 100–104
    .venv/bin/python bench/lineage_quality.py --seeds 1 2 3 4 5 --errors   # the tuning seeds

For each seed, bench/next_edition.py writes a next edition of the bundled report with known
lineage; the matcher (catalogue.matching) links its measures to the bundled report's, and each
link is checked against the ground truth. Per kind of edit: how many measures, how many links the
matcher made for them, how many were right, wrong (linked to another measure, or linked at all
when the measure is new) and missed. Precision = right / links made; recall = right / measures
that have a predecessor. Tune the matcher on seeds 1–5 only; report the held-out seeds.
Pure: no database, a few seconds per seed.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
if str(BASE_DIR) not in sys.path:
    sys.path.insert(0, str(BASE_DIR))

from bench.next_edition import REPORT, generate  # noqa: E402
from catalogue.matching import Entry, match  # noqa: E402
from importer.parser import ParsedMeasure, parse_report  # noqa: E402

HELD_OUT = (100, 101, 102, 103, 104)
TUNING = (1, 2, 3, 4, 5)
BANDS = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01))


def entry(measure: ParsedMeasure) -> Entry:
    return Entry(
        key=measure.source_line,
        region=measure.region_code,
        chapter=measure.chapter,
        name=measure.name,
        description=measure.description,
        outputs=measure.outputs,
        effects=measure.effects,
    )


def evaluate(seed: int, *, source: str | None = None) -> dict:
    """Counts per kind of edit for one generated edition (see the module docstring)."""
    text = source if source is not None else REPORT.read_text(encoding="utf-8")
    edition = generate(text, seed=seed)
    old = parse_report(text)
    new = parse_report(edition.text)
    links = {
        link.measure: link
        for link in match([entry(m) for m in old.measures], [entry(m) for m in new.measures])
    }
    counts: dict[str, Counter] = defaultdict(Counter)
    bands: dict[tuple, Counter] = defaultdict(Counter)
    errors = []
    for row in edition.truth["measures"]:
        kind, truth = row["kind"], row["previous_line"]
        link = links.get(row["line"])
        tally = counts[kind]
        tally["measures"] += 1
        tally["with_predecessor"] += truth is not None
        if link is None:
            tally["missed"] += truth is not None
            if truth is not None:
                errors.append((kind, "missed", row["line"], truth, None))
            continue
        tally["links"] += 1
        right = link.previous == truth
        tally["right" if right else "wrong"] += 1
        tally["missed"] += truth is not None and not right
        band = next(b for b in BANDS if b[0] <= link.confidence < b[1])
        bands[band]["links"] += 1
        bands[band]["right"] += right
        if not right:
            errors.append((kind, "wrong", row["line"], truth, link))
    counts["ended"]["measures"] = len(edition.truth["ended"])
    return {"counts": counts, "bands": bands, "errors": errors}


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "–"


def table(results: list[dict]) -> list[str]:
    total: dict[str, Counter] = defaultdict(Counter)
    bands: dict[tuple, Counter] = defaultdict(Counter)
    for result in results:
        for kind, tally in result["counts"].items():
            total[kind].update(tally)
        for band, tally in result["bands"].items():
            bands[band].update(tally)
    order = ["kept", "reworded", "rewritten", "new_outputs", "moved", "joint", "new",
             "joint_copy", "ended"]  # fmt: skip
    head = f"{'kind':12} {'measures':>8} {'links':>6} {'right':>6} {'wrong':>6} {'missed':>6}"
    lines = [f"{head} {'precision':>9} {'recall':>7}"]
    overall: Counter = Counter()
    for kind in order:
        tally = total.get(kind, Counter())
        overall.update(tally)
        lines.append(
            f"{kind:12} {tally['measures']:8} {tally['links']:6} {tally['right']:6} "
            f"{tally['wrong']:6} {tally['missed']:6} "
            f"{ratio(tally['right'], tally['links']):>9} "
            f"{ratio(tally['right'], tally['with_predecessor']):>7}"
        )
    lines.append(
        f"{'all':12} {overall['measures'] - total['ended']['measures']:8} {overall['links']:6} "
        f"{overall['right']:6} {overall['wrong']:6} {overall['missed']:6} "
        f"{ratio(overall['right'], overall['links']):>9} "
        f"{ratio(overall['right'], overall['with_predecessor']):>7}"
    )
    lines.append("")
    lines.append("confidence   links  precision")
    for low, high in BANDS:
        tally = bands.get((low, high), Counter())
        lines.append(
            f"{low:.1f}–{min(high, 1.0):.1f}  {tally['links']:7} "
            f"{ratio(tally['right'], tally['links']):>10}"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(HELD_OUT))
    parser.add_argument("--errors", action="store_true", help="list every wrong or missed link")
    args = parser.parse_args(argv)
    source = REPORT.read_text(encoding="utf-8")
    old = {m.source_line: m for m in parse_report(source).measures}
    results = []
    for seed in args.seeds:
        result = evaluate(seed, source=source)
        results.append(result)
        if args.errors:
            edition = parse_report(generate(source, seed=seed).text)
            new = {m.source_line: m for m in edition.measures}
            for kind, what, line, truth, link in result["errors"]:
                got = old[link.previous].name[:50] if link else "–"
                was = old[truth].name[:50] if truth else "–"
                score = f"{link.score:.2f}/{link.confidence:.2f}" if link else ""
                print(f"seed {seed} {kind:11} {what:6} {new[line].name[:50]!r} truth {was!r} "
                      f"got {got!r} {score}")  # fmt: skip
    print(f"Seeds {', '.join(map(str, args.seeds))}: lineage matcher against the ground truth")
    print("\n".join(table(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
