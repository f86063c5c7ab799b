#!/usr/bin/env python3
"""Pools the top paragraphs of several rankers for each query of relevance/queries.json, for
judging (relevance/RULES.md).

    python3 scripts/relevance/pool.py [--depth 20] [--ranker NAME ...] [--out target/relevance/pool]

Rankers (each gives its top `--depth` paragraphs):
  ofsearch        the query as typed, `ofsearch search --format json` (the current ranking)
  ofsearch-noprox, ofsearch-nopriors, ofsearch-all-words
                  the same with one signal off (--boost-proximity 0, --no-priors, --all-words)
  ofsearch-bm25   the query's words ORed, plain BM25 over ofsearch's index (boosts off)
  fts5-or         SQLite FTS5 bm25 over the paragraph file, the words ORed (porter stemming)
  fts5-and        SQLite FTS5 bm25, every word required (its default)

Writes one file per query, `OUT/<id>.json`: the need and every pooled paragraph (key
`file#ordinal`, where it comes from, its text), in an order that does not tell which ranker
found it; paragraphs already judged in relevance/judgements.jsonl are marked with their grade.
Standard library only; needs the release binaries (`cargo build --release -p ofsearch-cli -p
ofsearch-benches`) and builds the index and the paragraph file under target/relevance/.
"""

import argparse
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
WORK = TARGET / "relevance"
RANKERS = ["ofsearch", "ofsearch-bm25", "fts5-or", "fts5-and"]
VARIANT_FLAGS = {
    "ofsearch-noprox": ["--boost-proximity", "0"],
    "ofsearch-nopriors": ["--no-priors"],
    "ofsearch-all-words": ["--all-words"],
}


def binary(name: str) -> Path:
    return TARGET / "release" / name


def paragraphs() -> Path:
    path = WORK / "paragraphs.jsonl"
    if not path.exists():
        WORK.mkdir(parents=True, exist_ok=True)
        with open(path, "w") as out:
            subprocess.run([binary("ofs-paragraphs"), ROOT / "corpus"], stdout=out, check=True)
    return path


def index_dir() -> Path:
    path = WORK / "index"
    if not (path / "meta.json").exists():
        subprocess.run([binary("ofsearch"), "--index", path, "index", ROOT / "corpus"],
                       check=True, stdout=subprocess.DEVNULL)
    return path


def key(source: str, ordinal: int) -> str:
    return f"{Path(source).name}#{ordinal}"


def split_query(query: str):
    """The query's parts: (words and phrases, filters as (field, value))."""
    parts = re.findall(r'\w+:\[[^\]]*\]|"[^"]*"|\S+', query.replace("(", " ").replace(")", " "))
    texts, filters = [], []
    for part in parts:
        m = re.match(r"^(grade|type|year|area|kind|region|authority):(.+)$", part)
        if m:
            filters.append((m.group(1), m.group(2)))
        elif part in ("AND", "OR", "NOT"):
            continue
        else:
            texts.append(part)
    return texts, filters


def ofsearch(index: Path, query: str, depth: int, extra=()) -> list[str]:
    out = subprocess.run(
        [binary("ofsearch"), "--index", index, "search", query, "--format", "json",
         "--limit", str(depth), *extra],
        capture_output=True, text=True)
    if out.returncode == 2:
        sys.exit(f"ofsearch failed on {query!r}: {out.stderr.strip()}")
    if not out.stdout.strip():
        return []
    return [key(h["source"]["path"], h["ordinal"]) for h in json.loads(out.stdout)["hits"]]


def ofsearch_bm25(index: Path, query: str, depth: int) -> list[str]:
    texts, filters = split_query(query)
    q = "(" + " OR ".join(texts) + ")" + "".join(f" {f}:{v}" for f, v in filters)
    return ofsearch(index, q, depth, ["--boost-section", "0", "--boost-proximity", "0", "--no-priors"])


class Fts5:
    def __init__(self, path: Path):
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE p USING fts5(text, tokenize='porter unicode61')")
        self.db.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, key TEXT, kind TEXT, grade TEXT,"
                        " type TEXT, year INTEGER)")
        rows, tags = [], []
        with open(path) as f:
            for line in f:
                p = json.loads(line)
                rows.append((p["id"], p["text"]))
                tags.append((p["id"], key(p["source"], p["ordinal"]), p["kind"], p["grade"],
                             p["report_type"], p["year"]))
        self.db.executemany("INSERT INTO p(rowid, text) VALUES (?, ?)", rows)
        self.db.executemany("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", tags)

    def search(self, query: str, depth: int, op: str) -> list[str]:
        texts, filters = split_query(query)
        terms = []
        for t in texts:
            words = re.findall(r"\w+", t.strip('"').replace("’", "'"))
            if words:
                terms.append('"' + " ".join(words) + '"' if t.startswith('"') or len(words) > 1
                             else '"' + words[0] + '"')
        where, args = ["p MATCH ?", "t.kind != 'boilerplate'"], [f" {op} ".join(terms)]
        for field, value in filters:
            if field == "grade":
                where.append("t.grade = ?"); args.append(value)
            elif field == "type":
                where.append("t.type = ?"); args.append(value)
            elif field == "year":
                m = re.match(r"\[(\d+|\*) TO (\d+|\*)\]", value)
                lo, hi = (m.group(1), m.group(2)) if m else (value, value)
                if lo != "*":
                    where.append("t.year >= ?"); args.append(int(lo))
                if hi != "*":
                    where.append("t.year <= ?"); args.append(int(hi))
        sql = (f"SELECT t.key FROM p JOIN t ON t.id = p.rowid WHERE {' AND '.join(where)} "
               f"ORDER BY bm25(p) LIMIT ?")
        return [r[0] for r in self.db.execute(sql, (*args, depth))]


def judged() -> dict:
    """Grades already given, by query id, then paragraph key (matched through the anchor)."""
    path = ROOT / "relevance" / "judgements.jsonl"
    out: dict = {}
    if not path.exists():
        return out
    for line in open(path):
        if line.strip():
            j = json.loads(line)
            out.setdefault(j["query"], {})[(j["file"], j["anchor"])] = j["grade"]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--depth", type=int, default=20)
    ap.add_argument("--ranker", action="append", choices=RANKERS + list(VARIANT_FLAGS))
    ap.add_argument("--unjudged-only", action="store_true",
                    help="write only the paragraphs not yet judged")
    ap.add_argument("--out", default=str(WORK / "pool"))
    ap.add_argument("--extra-run", action="append", default=[],
                    help="a JSON file {query id: [keys]} to pool as well (a new ranker)")
    args = ap.parse_args()
    rankers = args.ranker or RANKERS
    queries = json.load(open(ROOT / "relevance" / "queries.json"))["queries"]
    para_path = paragraphs()
    by_key = {}
    with open(para_path) as f:
        for line in f:
            p = json.loads(line)
            by_key[key(p["source"], p["ordinal"])] = p
    index = index_dir()
    fts = Fts5(para_path) if any(r.startswith("fts5") for r in rankers) else None
    extra = [json.load(open(path)) for path in args.extra_run]
    grades = judged()
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    for q in queries:
        pooled: dict[str, list[str]] = {}
        for r in rankers:
            if r == "ofsearch":
                keys = ofsearch(index, q["query"], args.depth)
            elif r in VARIANT_FLAGS:
                keys = ofsearch(index, q["query"], args.depth, VARIANT_FLAGS[r])
            elif r == "ofsearch-bm25":
                keys = ofsearch_bm25(index, q["query"], args.depth)
            else:
                keys = fts.search(q["query"], args.depth, "OR" if r == "fts5-or" else "AND")
            for k in keys:
                pooled.setdefault(k, []).append(r)
        for run in extra:
            for k in run.get(q["id"], [])[: args.depth]:
                pooled.setdefault(k, []).append("extra")
        known = grades.get(q["id"], {})
        items = []
        for k in sorted(pooled, key=lambda k: hashlib.sha1((q["id"] + k).encode()).hexdigest()):
            p = by_key[k]
            file = Path(p["source"]).name
            grade = next((g for (f, a), g in known.items()
                          if f == file and a in " ".join(p["text"].split())), None)
            items.append({"key": k, "authority": p["authority"], "year": p["year"],
                          "type": p["report_type"], "kind": p["kind"], "section": p["section"],
                          "text": p["text"], "judged": grade})
        if args.unjudged_only:
            items = [i for i in items if i["judged"] is None]
        json.dump({"id": q["id"], "query": q["query"], "need": q["need"], "paragraphs": items},
                  open(out_dir / f"{q['id']}.json", "w"), indent=1)
        new = sum(1 for i in items if i["judged"] is None)
        print(f"{q['id']:28} {len(items):3} pooled, {new:3} to judge")
    return 0


if __name__ == "__main__":
    sys.exit(main())
