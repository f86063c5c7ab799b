#!/usr/bin/env python3
"""Adds a judging round to relevance/judgements.jsonl (relevance/README.md, "How the set was made").

    python3 scripts/relevance/merge.py POOL_DIR GRADES_A GRADES_B [--adjudicate FILE]

POOL_DIR holds the pool files that pool.py wrote (`--unjudged-only`); GRADES_A and GRADES_B
hold two assessors' grades of them, one file per query, `{"file#ordinal": grade}`. Where the
two agree, their grade is taken; where they differ, the grade comes from the adjudication
file (`{"query id": {"file#ordinal": grade}}`), and the disagreements without one are printed
and nothing is written. Each paragraph is named by an anchor: the shortest run of its first
words (8 or more) that no other paragraph of its report holds. Prints the agreement.
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pool  # noqa: E402

JUDGEMENTS = pool.ROOT / "relevance" / "judgements.jsonl"


def anchors(paragraphs: Path):
    texts, by_file = {}, {}
    with open(paragraphs) as f:
        for line in f:
            p = json.loads(line)
            name = Path(p["source"]).name
            text = " ".join(p["text"].split())
            texts[pool.key(p["source"], p["ordinal"])] = (name, text)
            by_file.setdefault(name, []).append(text)

    def anchor(key: str):
        name, text = texts[key]
        words = text.split()
        for n in list(range(8, len(words) + 1, 2)) + [len(words)]:
            a = " ".join(words[:n])
            if sum(1 for other in by_file[name] if a in other) == 1:
                return name, a
        return name, text

    return anchor


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pool_dir")
    ap.add_argument("grades_a")
    ap.add_argument("grades_b")
    ap.add_argument("--adjudicate")
    args = ap.parse_args()
    decided = json.load(open(args.adjudicate)) if args.adjudicate else {}
    anchor = anchors(pool.paragraphs())
    queries = [q["id"] for q in json.load(open(pool.ROOT / "relevance" / "queries.json"))["queries"]]
    new, open_cases, total, agreed = [], [], 0, 0
    for q in queries:
        pool_file = Path(args.pool_dir) / f"{q}.json"
        if not pool_file.exists():
            continue
        keys = [p["key"] for p in json.load(open(pool_file))["paragraphs"]]
        if not keys:
            continue
        a = json.load(open(Path(args.grades_a) / f"{q}.json"))
        b = json.load(open(Path(args.grades_b) / f"{q}.json"))
        for k in keys:
            total += 1
            if a[k] == b[k]:
                agreed += 1
                grade = a[k]
            elif k in decided.get(q, {}):
                grade = decided[q][k]
            else:
                open_cases.append((q, k, a[k], b[k]))
                continue
            name, text = anchor(k)
            new.append({"query": q, "file": name, "anchor": text, "grade": grade})
    print(f"{total} paragraphs, the assessors agree on {agreed}")
    if open_cases:
        for case in open_cases:
            print("to adjudicate: %s %s %d/%d" % case)
        return 1
    old = [json.loads(line) for line in open(JUDGEMENTS) if line.strip()]
    both = old + new
    both.sort(key=lambda j: (queries.index(j["query"]), j["file"], j["anchor"]))
    with open(JUDGEMENTS, "w") as w:
        for j in both:
            w.write(json.dumps(j, ensure_ascii=False) + "\n")
    print(f"{len(new)} judgements added, {len(both)} in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
