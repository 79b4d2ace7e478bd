"""Pool the candidates to judge for the search evaluation (tests/search_eval/dev.json, test.json).

For each query the pool is the union of
- the top 20 of each engine of bench/search_quality.py (ours, PostgreSQL `swedish`, SQLite FTS5),
  after the query's region filter;
- a broad grep over name, description, outputs and effects (lowercased, and again with å/ä/ö
  folded): every query word's Snowball stem as a substring (so it matches inside compounds),
  all of them (`query_words`), or the query's own `pool_grep.pattern` (synonyms, expansions,
  abbreviations written out), so that relevant measures no engine finds are in the pool too.
  A grep that hits more than 60 measures keeps only those it hits in the name or description.
It writes a reading sheet (name, description, where the grep matched, which engine ranked it
where) for judging by hand, and the pooled source lines per query as JSON.

A later round (`--round 2` to `--round 5`), when a new system joins the pool (here: our search,
changed since the round before), pools only the measures in the top `--depth` of our search
that have no judgment yet; its sheet adds our search's excerpt, the query's words marked [like
this].

    .venv/bin/python bench/search_pool.py --half dev --database-url URL --out /tmp/pool
    .venv/bin/python bench/search_pool.py --half dev --round 2 --depth 20 --database-url URL \
        --out /tmp/pool
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import sys
from pathlib import Path

import snowballstemmer

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search_judged import load_half  # noqa: E402
from bench.search_quality import DEFAULT_URL, ENGINES, ranking, setup  # noqa: E402

DEPTH = 20
GREP_CAP = 60
STOP = {"och", "i", "på", "av", "till", "inom", "för", "mellan", "som", "eller", "med", "varken"}
FOLD = str.maketrans("åäöé", "aaoe")
STEM = snowballstemmer.stemmer("swedish")


def word_patterns(query: str) -> list[str]:
    """One substring pattern per query word: its Snowball stem (whole words when short)."""
    patterns = []
    for word in re.findall(r"\w+", query.lower()):
        if word in STOP:
            continue
        stem = STEM.stemWord(word)
        patterns.append(rf"\b{re.escape(stem)}\b" if len(stem) < 4 else re.escape(stem))
    return patterns


def grep(query: dict, measures: dict[int, dict]) -> dict[int, str]:
    """Source line → the text around the first match, for the measures the grep finds."""
    own = re.compile(query["pool_grep"]["pattern"], re.DOTALL)
    words = [re.compile(p) for p in word_patterns(query["query"])]

    def first_match(text: str) -> re.Match | None:
        for variant in (text.lower(), text.lower().translate(FOLD)):
            found = own.search(variant)
            if found:
                return found
            if query["pool_grep"]["query_words"] and words:
                hits = [p.search(variant) for p in words]
                if all(hits):
                    return hits[0]
        return None

    found, in_head = {}, set()
    for line, m in measures.items():
        if query.get("region") and m["region__name"] != query["region"]:
            continue
        head = f"{m['name']}\n{m['description']}"
        text = f"{head}\n{m['outputs']}\n{m['effects']}"
        match = first_match(text)
        if match:
            start = max(0, match.start() - 70)
            found[line] = text[start : match.end() + 70].replace("\n", " ")
            if first_match(head):
                in_head.add(line)
    if len(found) > GREP_CAP:
        found = {line: snippet for line, snippet in found.items() if line in in_head}
    return found


def excerpt(text: str, line: int, measures: dict[int, dict]) -> str:
    """Our search's excerpt of the measure for the query, marks as [ ], or "" if none."""
    from catalogue.search import search

    marked = search(text).highlights.get(measures[line]["pk"]) or ""
    marked = re.sub(r"<mark[^>]*>", "[", marked).replace("</mark>", "]")
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", marked)).split())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--half", required=True, choices=["dev", "test"])
    parser.add_argument("--database-url", default=os.environ.get("SEARCH_QUALITY_DB", DEFAULT_URL))
    parser.add_argument("--out", type=Path, required=True, help="folder for the sheet and pool")
    parser.add_argument(
        "--round", type=int, default=1, choices=[1, 2, 3, 4, 5],
        help="1: every engine and the grep; 2-5: our search's unjudged measures only",
    )  # fmt: skip
    parser.add_argument("--depth", type=int, default=DEPTH, help="ranks pooled per engine")
    args = parser.parse_args()

    engines, measures = setup(args.database_url)
    names = ENGINES if args.round == 1 else ("ours",)
    args.out.mkdir(parents=True, exist_ok=True)
    pools, sheet = {}, []
    for q in load_half(args.half):
        ranks = {
            name: {line: i + 1 for i, line in enumerate(ranking(engines[name], q, measures))}
            for name in names
        }
        grepped = grep(q, measures)
        pool = {line for name in names for line, r in ranks[name].items() if r <= args.depth}
        if args.round == 1:
            pool |= set(grepped)
        else:
            pool -= {j["line"] for j in q["judgments"]}
        pools[q["id"]] = sorted(pool)
        region = f"  [region {q['region']}]" if q.get("region") else ""
        sheet.append(f"\n=== {q['id']}  {q['query']}{region}  ({q['task']})  pool {len(pool)}")
        for line in sorted(pool, key=lambda n: min(r.get(n, 999) for r in ranks.values())):
            m = measures[line]
            found = " ".join(f"{name[0]}{ranks[name].get(line, '-')}" for name in names)
            sheet.append(
                f"{line} [{m['region__name']}] {found} | {m['name'][:110]}"
                f" | {' '.join(m['description'].split())[:220]}"
                + (f" | G: …{grepped[line]}…" if line in grepped else "")
                + (f" | E: {excerpt(q['query'], line, measures)}" if args.round > 1 else "")
            )
    stem = args.half if args.round == 1 else f"{args.half}-round{args.round}"
    (args.out / f"{stem}-sheet.txt").write_text("\n".join(sheet) + "\n", encoding="utf-8")
    (args.out / f"{stem}-pool.json").write_text(json.dumps(pools, indent=1), encoding="utf-8")
    print(f"{sum(map(len, pools.values()))} pooled measures in {len(pools)} queries → {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
