#!/usr/bin/env python3
"""Measures how paragraphs are located for citation over report files, from what the indexer's
`parse` example prints (the golden-file format).

Counts: paragraphs; with a printed number; with a page; suspect numbers (out of sequence after a
paragraph that does not end a sentence: a number wrapped to the start of a line); unnumbered
prose paragraphs right after a numbered one in a numbered report (leftovers of a page break,
or genuine unnumbered text), with examples of both.

Usage: scripts/citations.py [--examples N] [--parse BIN] FILE...
(BIN defaults to target/release/examples/parse:
`cargo build --release -p ofsearch-indexer --example parse`.)
"""
import argparse
import re
import subprocess
import sys

HEAD = re.compile(r"^#(\d+) line (\d+)(?: page (\S+))?(?: para (\S+))? \| (\S+)")


def paragraphs(parse_bin, path):
    out = subprocess.run([parse_bin, path], capture_output=True, text=True, check=False).stdout
    paras, cur = [], None
    for line in out.splitlines():
        m = HEAD.match(line)
        if m:
            cur = {"line": int(m[2]), "page": m[3], "number": m[4], "kind": m[5], "text": ""}
            paras.append(cur)
        elif cur is not None and line.startswith("  ") and not line.startswith("  section: "):
            cur["text"] += line.strip() + " "
    return paras


def ends_sentence(text):
    t = text.rstrip().rstrip("\"'’”)]*")
    return t.endswith((".", "!", "?", ":", ";"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--examples", type=int, default=5)
    ap.add_argument("--parse", default="target/release/examples/parse")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    total = numbered = suspect = orphans = paged = 0
    suspect_reports, orphan_reports = set(), set()
    examples = {"suspect": [], "orphan": []}
    for path in a.files:
        paras = paragraphs(a.parse, path)
        total += len(paras)
        numbered += sum(1 for p in paras if p["number"])
        paged += sum(1 for p in paras if p["page"])
        numbered_report = sum(1 for p in paras if p["number"]) >= 10
        last = None
        for prev, p in zip([None] + paras, paras):
            if p["number"]:
                n = int(re.sub(r"\D", "", p["number"]) or 0)
                if (last is not None and n != last + 1 and prev is not None
                        and not ends_sentence(prev["text"])):
                    suspect += 1
                    suspect_reports.add(path)
                    examples["suspect"].append(
                        (path, p["line"], p["number"], prev["text"][-50:], p["text"][:50]))
                last = n
            elif (numbered_report and prev is not None and prev["number"]
                  and p["kind"] not in ("heading", "bullet", "table", "footnote")
                  and p["text"][:1].isupper()):
                orphans += 1
                orphan_reports.add(path)
                examples["orphan"].append(
                    (path, p["line"], prev["number"], prev["text"][-50:], p["text"][:50]))
    pct = lambda n: f"{100 * n / max(total, 1):.1f}%"
    print(f"reports: {len(a.files)}")
    print(f"paragraphs: {total}")
    print(f"with a printed number: {numbered} ({pct(numbered)})")
    print(f"with a page: {paged} ({pct(paged)})")
    print(f"suspect numbers (out of sequence after an unfinished sentence): "
          f"{suspect} in {len(suspect_reports)} reports")
    print(f"unnumbered prose right after a numbered paragraph (numbered reports): "
          f"{orphans} in {len(orphan_reports)} reports")
    for kind, rows in examples.items():
        print(f"\n{kind} examples:")
        for row in rows[: a.examples]:
            print("  %s:%s (after para %s) ...%s | %s..." % row)


if __name__ == "__main__":
    sys.exit(main())
