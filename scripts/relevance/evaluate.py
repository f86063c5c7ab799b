#!/usr/bin/env python3
"""Evaluates ranking on the judged set in relevance/ in one command:

    python3 scripts/relevance/evaluate.py [--engines fts5,tantivy,lucene]

ofsearch as typed (and with each of its ranking signals off in turn) beside plain baselines
over the same paragraphs, each given the query's words ORed (what a plain search box does):
  fts5     SQLite FTS5, bm25(), porter stemming (Python's sqlite3)
  tantivy  bare tantivy 0.27 BM25, en_stem (the benches crate's bare-tantivy harness)
  lucene   Lucene 9.9 BM25, EnglishAnalyzer (scripts/compare/lucene; downloads its jar once,
           skipped with a line saying why when it cannot run)

Prints nDCG@10, P@10 and recall@100 (means and per query) as Markdown and writes them to
target/relevance/results.md and results.json. Builds what it needs (cargo build --release).
"""

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pool  # noqa: E402  (the paragraph file, the index, FTS5 and the query splitter)

ROOT = pool.ROOT
WORK = pool.WORK
DEPTH = 100


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def build() -> None:
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "ofsearch-cli",
                    "-p", "ofsearch-benches"], cwd=ROOT, check=True)


def by_id(paragraphs: Path) -> list[tuple[str, str]]:
    out = []
    with open(paragraphs) as f:
        for line in f:
            p = json.loads(line)
            out.append((Path(p["source"]).name, p["text"]))
    return out


def spec(q: dict) -> dict:
    """The query as a neutral spec of scripts/compare (PROTOCOL.md): its words and phrases
    ORed, its filters applied."""
    texts, filters = pool.split_query(q["query"])
    should = []
    for t in texts:
        word = t.strip('"').strip("()")
        if t.startswith('"') or not word.replace("'", "").isalnum():
            should.append({"phrase": word.replace("-", " ")})
        elif word:
            should.append({"term": word})
    f: dict = {}
    for field, value in filters:
        if field == "grade":
            f["grade"] = [value]
        elif field == "type":
            f["report_type"] = [value]
        elif field == "year":
            lo, _, hi = value.strip("[]").partition(" TO ")
            f["year"] = [1990 if lo in ("*", "") else int(lo),
                         2100 if hi in ("*", "") else int(hi or lo)]
    return {"name": q["id"], "class": "relevance", "should": should, "filters": f,
            "limit": DEPTH}


def harness_run(name: str, about: str, index_cmd: list, query_cmd: list, queries: list,
                texts: list) -> Path | None:
    index = WORK / f"{name}-index"
    if not index.exists():
        done = subprocess.run(index_cmd + ["--index", str(index)], capture_output=True, text=True)
        if done.returncode != 0:
            say(f"{name}: skipped: {done.stderr.strip().splitlines()[-1:] or done.returncode}")
            return None
    specs = WORK / "specs.json"
    specs.write_text(json.dumps([spec(q) for q in queries]))
    done = subprocess.run(query_cmd + ["--index", str(index), "--queries", str(specs),
                                       "--runs", "1", "--warmup", "0", "--threads-list", "1"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        say(f"{name}: skipped: {(done.stderr.strip().splitlines() or ['failed'])[-1]}")
        return None
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    rankings = {a["name"]: [texts[i] for i in a["top"]] for a in answer["queries"]}
    return write_run(name, about, rankings)


def write_run(name: str, about: str, rankings: dict) -> Path:
    path = WORK / f"run-{name}.json"
    path.write_text(json.dumps({"engine": name, "about": about, "rankings": rankings}))
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--engines", default="fts5,tantivy,lucene")
    args = ap.parse_args()
    engines = [e for e in args.engines.split(",") if e]
    build()
    paragraphs = pool.paragraphs()
    index = pool.index_dir()
    queries = json.load(open(ROOT / "relevance" / "queries.json"))["queries"]
    texts = by_id(paragraphs)
    runs = []
    if "fts5" in engines:
        fts = pool.Fts5(paragraphs)
        key_text = {}
        with open(paragraphs) as f:
            for line in f:
                p = json.loads(line)
                key_text[pool.key(p["source"], p["ordinal"])] = (Path(p["source"]).name, p["text"])
        rankings = {q["id"]: [key_text[k] for k in fts.search(q["query"], DEPTH, "OR")]
                    for q in queries}
        runs.append(write_run("fts5-or", "SQLite FTS5 bm25, the words ORed", rankings))
    release = pool.TARGET / "release"
    if "tantivy" in engines:
        bare = str(release / "bare-tantivy")
        run = harness_run("tantivy-or", "bare tantivy BM25 (en_stem), the words ORed",
                          [bare, "index", "--paragraphs", str(paragraphs)], [bare, "query"],
                          queries, texts)
        runs += [run] if run else []
    if "lucene" in engines:
        lucene = str(ROOT / "scripts" / "compare" / "lucene" / "run")
        run = harness_run("lucene-or", "Lucene 9.9 BM25 (EnglishAnalyzer), the words ORed",
                          [lucene, "index", "--paragraphs", str(paragraphs)], [lucene, "query"],
                          queries, texts)
        runs += [run] if run else []
    cmd = [str(release / "ofs-relevance"), "--index", str(index),
           "--json", str(WORK / "results.json")]
    for run in runs:
        cmd += ["--run", str(run)]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        say(done.stderr.strip())
        return 2
    (WORK / "results.md").write_text(done.stdout)
    print(done.stdout, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
