#!/usr/bin/env python3
"""Compares ofsearch with other engines on one corpus and one query set (PROTOCOL.md, README.md).

    python3 scripts/compare/compare.py --corpus corpus

Engines: ofsearch (its CLI for indexing, the `ofs-harness` binary for queries), bare tantivy
(the `bare-tantivy` binary), Lucene (`scripts/compare/lucene/run`, if present), SQLite FTS5
(Python's sqlite3), Xapian (Debian's python3-xapian, optional) and ripgrep over the raw files
(no index). Each runs as a child process whose wall time is measured with os.wait4 and its
peak RSS with GNU time (os.wait4 if /usr/bin/time is missing); a missing engine is skipped
with one line saying why. Writes results.json and results.md (the Markdown tables, also printed) under --work.

Python 3.11 standard library only (xapian is imported by its own child process when present).
The same file is the FTS5, Xapian and ripgrep harness: `compare.py --engine-only ENGINE
index|query ...` (the protocol's harness commands), run by the driver as a child so that its
peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import platform
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
CLASSES = ["term", "phrase", "phrase+filters+facets", "boolean", "prefix", "plain", "researcher"]
ALL_ENGINES = ["ofsearch", "tantivy", "lucene", "fts5", "xapian", "ripgrep"]
FACET_FIELDS = ["authority", "region", "year", "report_type", "area", "grade", "kind"]
TAGS = ["authority", "region", "report_type", "area", "grade", "kind"]
# Files the ofsearch indexer reads (crates/indexer/src/read.rs): .txt and .md, except these.
REPORT_EXTENSIONS = {".txt", ".md"}
DOC_FILES = {"sources.md", "readme.md"}


class Unsupported(Exception):
    """A query spec the engine cannot express: the query is skipped with this reason."""


def say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------------
# Shared by the Python harnesses: specs, timing loop, QPS in worker processes.
# --------------------------------------------------------------------------------------------


def min_should(spec: dict) -> int:
    if spec.get("min_should") is not None:
        return int(spec["min_should"])
    return 0 if spec.get("must") else 1


def clause_kind(clause: dict) -> tuple[str, str]:
    if len(clause) != 1:
        raise Unsupported(f"clause {clause!r} is not one of term, phrase, prefix")
    (kind, text), = clause.items()
    if kind not in ("term", "phrase", "prefix"):
        raise Unsupported(f"clause {clause!r} is not one of term, phrase, prefix")
    return kind, str(text)


def _qps_worker(factory, specs, rounds, barrier, results):
    engine = factory()
    prepared = [(s, engine.prepare(s)) for s in specs]
    barrier.wait()
    done = 0
    for _ in range(rounds):
        for spec, request in prepared:
            engine.execute(spec, request)
            done += 1
    results.put(done)


def run_queries(factory, args) -> None:
    """The protocol's `query` subcommand for a Python engine: warm-up rounds, timed rounds
    (round-robin over the queries), then QPS with T worker processes (not threads: the
    interpreter's lock would serialise Python threads), each with its own engine instance."""
    engine = factory()
    specs = json.loads(Path(args.queries).read_text())
    prepared, skipped = [], []
    for spec in specs:
        try:
            prepared.append((spec, engine.prepare(spec)))
        except Unsupported as e:
            skipped.append({"name": spec["name"], "reason": str(e)})
    answers = [None] * len(prepared)
    latencies = [[] for _ in prepared]
    for round_ in range(args.warmup + args.runs):
        for i, (spec, request) in enumerate(prepared):
            t0 = time.perf_counter()
            answer = engine.execute(spec, request)
            ms = (time.perf_counter() - t0) * 1000.0
            if round_ >= args.warmup:
                latencies[i].append(ms)
            if answers[i] is None:
                answers[i] = answer
    rounds = max(1, args.rounds or args.runs)
    qps = {}
    ctx = multiprocessing.get_context("fork")
    usable = [s for s, _ in prepared]
    for threads in [int(t) for t in args.threads_list.split(",") if t.strip()]:
        threads = max(1, threads)
        barrier = ctx.Barrier(threads + 1)
        results = ctx.Queue()
        workers = [
            ctx.Process(target=_qps_worker, args=(factory, usable, rounds, barrier, results))
            for _ in range(threads)
        ]
        for w in workers:
            w.start()
        barrier.wait()
        t0 = time.perf_counter()
        done = sum(results.get() for _ in workers)
        seconds = time.perf_counter() - t0
        for w in workers:
            w.join()
        qps[str(threads)] = done / max(seconds, 1e-9)
    out = {
        "engine": engine.name,
        "version": engine.version(),
        "queries": [],
        "skipped": skipped,
        "qps": qps,
        "rounds": rounds,
        "qps_workers": "processes",
    }
    extra = getattr(engine, "extra", None)
    if extra:
        out.update(extra())
    for (spec, _), answer, lat in zip(prepared, answers, latencies):
        answer = answer or {}
        q = {
            "name": spec["name"],
            "class": spec["class"],
            "total": answer.get("total", 0),
            "top": answer.get("top", []),
            "latencies_ms": lat,
        }
        for key in ("facets", "reports", "files"):
            if answer.get(key) is not None:
                q[key] = answer[key]
        if answer.get("snippets"):
            q["snippet"] = answer["snippets"][0]
        out["queries"].append(q)
    print(json.dumps(out))


def read_paragraphs(path: str):
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


# --------------------------------------------------------------------------------------------
# SQLite FTS5
# --------------------------------------------------------------------------------------------


def fts5_string(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def fts5_clause(clause: dict) -> str:
    kind, text = clause_kind(clause)
    if kind == "prefix":
        if not re.fullmatch(r"\w+", text):
            raise Unsupported(f"prefix {text!r} is not one word")
        return fts5_string(text) + " *"
    return fts5_string(text)


class Fts5:
    """SQLite FTS5: `fts5(text, tokenize='porter unicode61')` with the paragraph id as rowid, the
    tags in a side table joined by id; bm25() ranking, snippet(), facets by GROUP BY over a
    materialised CTE of all matches (one evaluation of MATCH), filters in SQL."""

    name = "fts5"

    def __init__(self, index_dir: str):
        path = Path(index_dir) / "fts5.db"
        if not path.exists():
            raise SystemExit(f"no FTS5 database at {path}")
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    @staticmethod
    def version() -> str:
        return f"SQLite {sqlite3.sqlite_version} FTS5 (Python {platform.python_version()} sqlite3)"

    @staticmethod
    def index(paragraphs: str, index_dir: str) -> dict:
        t0 = time.perf_counter()
        Path(index_dir).mkdir(parents=True, exist_ok=True)
        path = Path(index_dir) / "fts5.db"
        if path.exists():
            path.unlink()
        db = sqlite3.connect(path)
        db.execute("CREATE VIRTUAL TABLE para_fts USING fts5(text, tokenize='porter unicode61')")
        db.execute(
            "CREATE TABLE para(id INTEGER PRIMARY KEY, authority TEXT, region TEXT, year INTEGER,"
            " report_type TEXT, area TEXT, grade TEXT, kind TEXT, report_id TEXT)"
        )
        n = 0
        with db:  # one transaction
            batch_fts, batch_tags = [], []
            for p in read_paragraphs(paragraphs):
                batch_fts.append((p["id"], p["text"]))
                batch_tags.append(
                    (p["id"], p["authority"], p["region"], p["year"], p["report_type"],
                     p["area"], p["grade"], p["kind"], p["report_id"])
                )
                n += 1
                if len(batch_fts) >= 5000:
                    db.executemany("INSERT INTO para_fts(rowid, text) VALUES (?, ?)", batch_fts)
                    db.executemany("INSERT INTO para VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", batch_tags)
                    batch_fts, batch_tags = [], []
            db.executemany("INSERT INTO para_fts(rowid, text) VALUES (?, ?)", batch_fts)
            db.executemany("INSERT INTO para VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", batch_tags)
            # Merge the index's b-trees into one (the counterpart of waiting for merges).
            db.execute("INSERT INTO para_fts(para_fts) VALUES ('optimize')")
        db.close()
        return {"engine": "fts5", "docs": n, "seconds": time.perf_counter() - t0}

    def prepare(self, spec: dict):
        must = [fts5_clause(c) for c in spec.get("must", [])]
        should = [fts5_clause(c) for c in spec.get("should", [])]
        must_not = [fts5_clause(c) for c in spec.get("must_not", [])]
        if should:
            ms = min_should(spec)
            if ms == 0:
                raise Unsupported("optional (ranking-only) should clauses: no form in FTS5")
            if ms > 1:
                raise Unsupported(f"at least {ms} should clauses: no form in FTS5")
            must.append("(" + " OR ".join(should) + ")")
        if not must:
            raise Unsupported("no positive clause")
        match = " AND ".join(must)
        if must_not:
            match = f"({match}) NOT ({' OR '.join(must_not)})"
        where = ["para_fts MATCH ?", "p.kind != 'boilerplate'"]
        params = [match]
        filters = spec.get("filters") or {}
        for tag in TAGS:
            values = filters.get(tag) or []
            if values:
                where.append(f"p.{tag} IN ({', '.join('?' for _ in values)})")
                params.extend(values)
        if filters.get("year"):
            lo, hi = filters["year"]
            where.append("p.year BETWEEN ? AND ?")
            params.extend([lo, hi])
        from_ = "FROM para_fts JOIN para p ON p.id = para_fts.rowid WHERE " + " AND ".join(where)
        snippet = (
            ", snippet(para_fts, 0, '<mark>', '</mark>', '…', 24)" if spec.get("snippets") else ""
        )
        top = f"SELECT p.id{snippet} {from_} ORDER BY rank LIMIT ?"
        count = f"SELECT count(*) {from_}"
        facets = None
        if spec.get("facets") or spec.get("reports"):
            # Every count over one materialised set of the matches: the total, each facet
            # (GROUP BY) and the distinct reports.
            parts = ["SELECT 'total', NULL, count(*) FROM m"]
            if spec.get("facets"):
                parts += [
                    f"SELECT '{field}', {field}, count(*) FROM m GROUP BY {field}"
                    for field in FACET_FIELDS
                ]
            if spec.get("reports"):
                parts.append("SELECT 'reports', NULL, count(DISTINCT report_id) FROM m")
            columns = ", ".join("p." + f for f in FACET_FIELDS + ["report_id"])
            facets = f"WITH m AS MATERIALIZED (SELECT {columns} {from_}) " + " UNION ALL ".join(
                parts
            )
        return {"top": top, "count": count, "facets": facets, "params": params}

    def execute(self, spec: dict, q: dict) -> dict:
        params = q["params"]
        rows = self.db.execute(q["top"], params + [int(spec.get("limit", 10))]).fetchall()
        answer = {"top": [r[0] for r in rows]}
        n_snippets = int(spec.get("snippets") or 0)
        if n_snippets:
            answer["snippets"] = [r[1] for r in rows[:n_snippets]]
        if q["facets"]:
            facets = {f: {} for f in FACET_FIELDS}
            for field, value, count in self.db.execute(q["facets"], params):
                if field == "total":
                    answer["total"] = count
                elif field == "reports":
                    answer["reports"] = count
                else:
                    facets[field][str(value)] = count
            if spec.get("facets"):
                answer["facets"] = facets
        else:
            answer["total"] = self.db.execute(q["count"], params).fetchone()[0]
        return answer


# --------------------------------------------------------------------------------------------
# Xapian (optional)
# --------------------------------------------------------------------------------------------

XAPIAN_PREFIX = {
    "authority": "XAU",
    "region": "XRE",
    "report_type": "XTY",
    "area": "XAR",
    "grade": "XGR",
    "kind": "XKI",
}
# Value slots: the facet fields as text (counted by ValueCountMatchSpy), the year sortable.
XAPIAN_SLOT = {f: i for i, f in enumerate(FACET_FIELDS)}
XAPIAN_YEAR_RANGE_SLOT = len(FACET_FIELDS)
XAPIAN_ID_SLOT = len(FACET_FIELDS) + 1
XAPIAN_REPORT_SLOT = len(FACET_FIELDS) + 2


class Xapian:
    """Xapian: every term stemmed with its positions (STEM_ALL, the English Snowball stemmer),
    tags as boolean filter terms and value slots, BM25 (Xapian's default weight), facets by
    ValueCountMatchSpy over every match (checkatleast = all documents), snippets by
    MSet.snippet()."""

    name = "xapian"

    def __init__(self, index_dir: str):
        import xapian  # noqa: PLC0415 (optional dependency)

        self.x = xapian
        self.db = xapian.Database(str(Path(index_dir) / "xapian"))
        self.stemmer = xapian.Stem("english")
        self.size = self.db.get_doccount()
        # Words and phrases are read by Xapian's own QueryParser, so that they are split and
        # stemmed as the TermGenerator indexed them ("children's" is one word to Xapian).
        self.qp = xapian.QueryParser()
        self.qp.set_stemmer(self.stemmer)
        self.qp.set_stemming_strategy(xapian.QueryParser.STEM_ALL)
        self.qp.set_database(self.db)

    @staticmethod
    def version() -> str:
        import xapian  # noqa: PLC0415

        return f"Xapian {xapian.version_string()} (Python {platform.python_version()})"

    @staticmethod
    def index(paragraphs: str, index_dir: str) -> dict:
        import xapian  # noqa: PLC0415

        t0 = time.perf_counter()
        path = Path(index_dir) / "xapian"
        if path.exists():
            shutil.rmtree(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        db = xapian.WritableDatabase(str(path), xapian.DB_CREATE_OR_OVERWRITE)
        tg = xapian.TermGenerator()
        tg.set_stemmer(xapian.Stem("english"))
        tg.set_stemming_strategy(xapian.TermGenerator.STEM_ALL)
        n = 0
        for p in read_paragraphs(paragraphs):
            doc = xapian.Document()
            tg.set_document(doc)
            tg.index_text(p["text"])
            doc.set_data(p["text"])
            for tag in TAGS:
                doc.add_boolean_term(XAPIAN_PREFIX[tag] + str(p[tag]))
            for field in FACET_FIELDS:
                doc.add_value(XAPIAN_SLOT[field], str(p[field]))
            if p.get("year") is not None:
                doc.add_value(XAPIAN_YEAR_RANGE_SLOT, xapian.sortable_serialise(p["year"]))
            doc.add_value(XAPIAN_ID_SLOT, str(p["id"]))
            doc.add_value(XAPIAN_REPORT_SLOT, p["report_id"])
            db.replace_document(int(p["id"]) + 1, doc)
            n += 1
        db.commit()  # besides Xapian's own batches (every 10,000 documents by default)
        db.close()
        return {"engine": "xapian", "docs": n, "seconds": time.perf_counter() - t0}

    def clause(self, clause: dict):
        x = self.x
        kind, text = clause_kind(clause)
        if kind == "prefix":
            # (all the arguments: with the pattern alone the binding takes it for a list)
            return x.Query(
                x.Query.OP_WILDCARD, text.lower(), 0, x.Query.WILDCARD_LIMIT_ERROR,
                x.Query.OP_SYNONYM,
            )
        if kind == "phrase":
            return self.qp.parse_query('"' + text.replace('"', " ") + '"', x.QueryParser.FLAG_PHRASE)
        return self.qp.parse_query(text, 0)

    def prepare(self, spec: dict):
        # The query is built in execute (building is part of the timed work); check it here.
        self.build(spec)
        return None

    def build(self, spec: dict):
        x = self.x
        must = [self.clause(c) for c in spec.get("must", [])]
        should = [self.clause(c) for c in spec.get("should", [])]
        must_not = [self.clause(c) for c in spec.get("must_not", [])]
        query = x.Query(x.Query.OP_AND, must) if must else None
        if should:
            ms = min_should(spec)
            any_ = x.Query(x.Query.OP_OR, should)
            if ms == 0:
                query = x.Query(x.Query.OP_AND_MAYBE, query, any_)
            elif ms == 1:
                query = any_ if query is None else x.Query(x.Query.OP_AND, query, any_)
            else:
                raise Unsupported(f"at least {ms} should clauses: not built for Xapian")
        if query is None:
            raise Unsupported("no positive clause")
        negative = must_not + [x.Query(XAPIAN_PREFIX["kind"] + "boilerplate")]
        query = x.Query(x.Query.OP_AND_NOT, query, x.Query(x.Query.OP_OR, negative))
        filters = spec.get("filters") or {}
        for tag in TAGS:
            values = filters.get(tag) or []
            if values:
                terms = [x.Query(XAPIAN_PREFIX[tag] + v) for v in values]
                query = x.Query(x.Query.OP_FILTER, query, x.Query(x.Query.OP_OR, terms))
        if filters.get("year"):
            lo, hi = filters["year"]
            years = x.Query(
                x.Query.OP_VALUE_RANGE,
                XAPIAN_YEAR_RANGE_SLOT,
                x.sortable_serialise(lo),
                x.sortable_serialise(hi),
            )
            query = x.Query(x.Query.OP_FILTER, query, years)
        return query

    def execute(self, spec: dict, _request) -> dict:
        x = self.x
        query = self.build(spec)
        enquire = x.Enquire(self.db)
        enquire.set_query(query)
        spies = {}
        if spec.get("facets"):
            for field in FACET_FIELDS:
                spies[field] = x.ValueCountMatchSpy(XAPIAN_SLOT[field])
                enquire.add_matchspy(spies[field])
        reports = None
        if spec.get("reports"):
            reports = x.ValueCountMatchSpy(XAPIAN_REPORT_SLOT)
            enquire.add_matchspy(reports)
        limit = int(spec.get("limit", 10))
        mset = enquire.get_mset(0, limit, self.size)
        answer = {"total": mset.get_matches_estimated(), "top": []}
        n_snippets = int(spec.get("snippets") or 0)
        snippets = []
        for rank, item in enumerate(mset):
            doc = item.document
            answer["top"].append(int(doc.get_value(XAPIAN_ID_SLOT).decode()))
            if rank < n_snippets:
                snippets.append(
                    mset.snippet(doc.get_data(), 200, self.stemmer).decode("utf-8", "replace")
                )
        if snippets:
            answer["snippets"] = snippets
        if reports is not None:
            answer["reports"] = sum(1 for _ in reports.values())
        if spies:
            answer["facets"] = {
                field: {item.term.decode(): item.termfreq for item in spy.values()}
                for field, spy in spies.items()
            }
        return answer


# --------------------------------------------------------------------------------------------
# ripgrep (no index)
# --------------------------------------------------------------------------------------------


def rg_clause(clause: dict, pcre: bool) -> tuple[str, bool]:
    """A clause as a case-insensitive regex: words as `\\bword` (any ending, a crude stand-in
    for stemming), phrase words separated by any whitespace, newlines included. The word
    boundary is ASCII (`(?-u:\\b)` in Rust's regex syntax, PCRE2's own `\\b`): a Unicode `\\b`
    sends a multi-line search to rg's slowest engine (20x slower here), as rg's manual warns.
    Also whether the clause is a phrase (then the search runs multi-line)."""
    kind, text = clause_kind(clause)
    words = text.split()
    if not words:
        raise Unsupported(f"clause {clause!r} has no word")
    boundary = r"\b" if pcre else r"(?-u:\b)"

    def word(w: str) -> str:
        # An apostrophe matches the straight and the curly one (the reports use both).
        return "['’]".join(re.escape(part) for part in re.split("['’]", w))

    return boundary + r"\s+".join(word(w) for w in words), kind == "phrase"


class Ripgrep:
    """ripgrep over the raw report files, one `rg` run per query: no index, no stemming, no
    filters, no facets, no ranking; counts matching lines (and files). A query with AND or NOT
    needs PCRE2 look-aheads, evaluated line by line."""

    name = "ripgrep"

    def __init__(self, corpus_dir: str):
        self.corpus = corpus_dir
        self.rg = shutil.which("rg") or "rg"
        self.peak_rss_kb = 0

    @staticmethod
    def version() -> str:
        out = subprocess.run(["rg", "--version"], capture_output=True, text=True).stdout
        return out.splitlines()[0] if out else "ripgrep"

    def extra(self) -> dict:
        return {"rg_peak_rss_kb": self.peak_rss_kb, "counts": "matching lines"}

    def prepare(self, spec: dict):
        n_positive = len(spec.get("must", [])) + (1 if spec.get("should") else 0)
        # One positive clause and nothing excluded: a plain regex; else PCRE2 look-aheads.
        pcre = n_positive > 1 or bool(spec.get("must_not"))
        must = [rg_clause(c, pcre) for c in spec.get("must", [])]
        should = [rg_clause(c, pcre) for c in spec.get("should", [])]
        must_not = [rg_clause(c, pcre) for c in spec.get("must_not", [])]
        multiline = any(p for _, p in must + should + must_not)
        if should and min_should(spec) != 1:
            raise Unsupported("should clauses other than 'at least one': no form as one regex")
        if should:
            must.append(("(?:" + "|".join(r for r, _ in should) + ")", False))
        if not must:
            raise Unsupported("no positive clause")
        if pcre:
            pattern = "^" + "".join(f"(?=.*?{r})" for r, _ in must)
            pattern += "".join(f"(?!.*?{r})" for r, _ in must_not)
        else:
            pattern = must[0][0]
        cmd = [self.rg, "--count", "--ignore-case", "--no-ignore", "--no-messages"]
        if pcre:
            cmd.append("--pcre2")
        if multiline and not pcre:
            # (Not with the look-aheads: rg 13 with PCRE2 crashes on them over whole files.)
            cmd.append("--multiline")
        cmd += ["-g", "*.txt", "-g", "*.md", "-g", "!SOURCES.md", "-g", "!README.md"]
        cmd += ["-e", pattern, "--", self.corpus]
        return cmd

    def execute(self, spec: dict, cmd: list) -> dict:
        with tempfile.TemporaryFile() as out:
            proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            self.peak_rss_kb = max(self.peak_rss_kb, usage.ru_maxrss)
            if proc.returncode not in (0, 1):
                raise RuntimeError(f"rg failed ({proc.returncode}): {' '.join(cmd)}")
            out.seek(0)
            lines, files = 0, 0
            for line in out.read().decode("utf-8", "replace").splitlines():
                _, _, n = line.rpartition(":")
                if n.strip().isdigit():
                    lines += int(n)
                    files += 1
        return {"total": lines, "files": files, "top": []}


def engine_only(argv: list[str]) -> int:
    """`compare.py --engine-only ENGINE index|query ...`: a Python engine as a protocol harness."""
    engines = {"fts5": Fts5, "xapian": Xapian, "ripgrep": Ripgrep}
    p = argparse.ArgumentParser(prog="compare.py --engine-only")
    p.add_argument("engine", choices=sorted(engines))
    sub = p.add_subparsers(dest="command", required=True)
    pi = sub.add_parser("index")
    pi.add_argument("--paragraphs", required=True)
    pi.add_argument("--index", required=True)
    pq = sub.add_parser("query")
    pq.add_argument("--index", required=True, help="index directory (ripgrep: the corpus)")
    pq.add_argument("--queries", required=True)
    pq.add_argument("--runs", type=int, default=20)
    pq.add_argument("--warmup", type=int, default=3)
    pq.add_argument("--threads-list", default="1,2")
    pq.add_argument("--rounds", type=int, default=None)
    args = p.parse_args(argv)
    cls = engines[args.engine]
    if args.command == "index":
        if cls is Ripgrep:
            raise SystemExit("ripgrep has no index")
        print(json.dumps(cls.index(args.paragraphs, args.index)))
        return 0
    index = args.index
    run_queries(lambda: cls(index), args)
    return 0


# --------------------------------------------------------------------------------------------
# The driver
# --------------------------------------------------------------------------------------------


# GNU time, when installed, starts each child from its own small process: a child forked
# straight from the driver keeps the driver's resident size as the floor of its peak RSS
# (Linux carries the high-water mark across fork and exec), so at 1 GB every small figure
# read with os.wait4 alone was the driver's 357 MB.
GNU_TIME = "/usr/bin/time"


def run_child(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> dict:
    """Runs a command; returns its exit code, stdout, stderr, wall seconds and peak RSS (kB):
    GNU time's `%M` when /usr/bin/time is there, else os.wait4's (floored at the driver's)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.TemporaryDirectory() as tmp:
        rss_file = Path(tmp) / "rss"
        timed = os.access(GNU_TIME, os.X_OK)
        argv = [GNU_TIME, "-f", "%M", "-o", str(rss_file), *cmd] if timed else cmd
        t0 = time.perf_counter()
        try:
            proc = subprocess.Popen(argv, stdout=out, stderr=err, cwd=cwd, env=env)
        except OSError as e:
            return {"rc": 127, "stdout": "", "stderr": str(e), "wall": 0.0, "rss_kb": 0}
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        rss_kb = usage.ru_maxrss
        if timed:
            # The last line is %M; a failed command's status line comes before it.
            lines = rss_file.read_text().split() if rss_file.exists() else []
            if lines and lines[-1].isdigit():
                rss_kb = int(lines[-1])
        out.seek(0)
        err.seek(0)
        return {
            "rc": proc.returncode,
            "stdout": out.read().decode("utf-8", "replace"),
            "stderr": err.read().decode("utf-8", "replace"),
            "wall": wall,
            "rss_kb": rss_kb,
        }


def last_line(text: str) -> str:
    lines = [l.strip() for l in text.strip().splitlines() if l.strip()]
    return lines[-1][:300] if lines else "(no message)"


def parse_json_output(text: str) -> dict:
    """Stdout as one JSON object (`ofsearch index --json` prints it on many lines), else its
    last line that is one (a harness may print other lines first)."""
    try:
        whole = json.loads(text)
        if isinstance(whole, dict):
            return whole
    except json.JSONDecodeError:
        pass
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise ValueError("no JSON object on stdout")


def dir_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += (Path(root) / name).stat().st_size
            except OSError:
                pass
    return total


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return float("nan")
    xs = sorted(values)
    k = (len(xs) - 1) * p / 100.0
    lo, hi = math.floor(k), math.ceil(k)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def corpus_files(corpus: Path) -> list[Path]:
    files = []
    for root, dirs, names in os.walk(corpus, followlinks=True):
        dirs.sort()
        for name in sorted(names):
            path = Path(root) / name
            if path.suffix.lower() in REPORT_EXTENSIONS and name.lower() not in DOC_FILES:
                files.append(path)
    return files


def machine() -> dict:
    info = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": os.getloadavg(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    except OSError:
        pass
    return info


def plural(n: int, what: str) -> str:
    return f"{n} {what}" + ("" if n == 1 else "s")


class Driver:
    def __init__(self, args):
        self.args = args
        self.corpus = Path(args.corpus).resolve()
        self.work = Path(args.work).resolve()
        target = Path(os.environ.get("CARGO_TARGET_DIR") or REPO / "target")
        if not target.is_absolute():
            target = REPO / target
        self.bin = target / "release"
        self.queries = Path(args.queries).resolve()
        self.results = {
            "machine": machine(),
            "settings": {
                "runs": args.runs,
                "warmup": args.warmup,
                "index_runs": args.index_runs,
                "threads": args.threads,
                "rounds": args.rounds or args.runs,
                "queries": str(self.queries),
            },
            "engines": {},
            "skipped": {},
        }

    # ---- setup ----

    def binary(self, name: str) -> Path:
        return self.bin / name

    def ensure_binaries(self) -> str | None:
        names = ["ofsearch", "ofs-paragraphs", "ofs-harness", "bare-tantivy"]
        missing = [n for n in names if not self.binary(n).exists()]
        if not missing and not self.args.build:
            return None
        if not shutil.which("cargo"):
            return f"cargo not found and {', '.join(missing)} not built"
        say(f"building: cargo build --release -p ofsearch-cli -p ofsearch-benches")
        r = subprocess.run(
            ["cargo", "build", "--release", "-p", "ofsearch-cli", "-p", "ofsearch-benches"],
            cwd=REPO,
        )
        if r.returncode != 0:
            return "cargo build failed"
        return None

    def paragraphs(self) -> Path:
        if self.args.paragraphs:
            return Path(self.args.paragraphs).resolve()
        out = self.work / "paragraphs.jsonl"
        say(f"paragraph file: {self.binary('ofs-paragraphs')} {self.corpus} > {out}")
        with open(out, "wb") as f:
            r = subprocess.run([str(self.binary("ofs-paragraphs")), str(self.corpus)], stdout=f,
                               stderr=subprocess.PIPE)
        if r.returncode != 0:
            raise SystemExit(f"ofs-paragraphs failed: {last_line(r.stderr.decode())}")
        return out

    def corpus_stats(self, paragraphs: Path) -> dict:
        files = corpus_files(self.corpus)
        raw = sum(f.stat().st_size for f in files)
        n, text_bytes, boiler, by_key = 0, 0, 0, {}
        for p in read_paragraphs(str(paragraphs)):
            n += 1
            text_bytes += len(p["text"].encode("utf-8"))
            boiler += p["kind"] == "boilerplate"
            if "report_id" in p and "ordinal" in p:
                by_key[f"{p['report_id']}#{p['ordinal']}"] = p["id"]
        self.id_of_key = by_key
        return {
            "corpus": str(self.corpus),
            "files": len(files),
            "raw_bytes": raw,
            "paragraphs_file": str(paragraphs),
            "paragraphs": n,
            "paragraphs_not_boilerplate": n - boiler,
            "paragraph_text_bytes": text_bytes,
        }

    def install(self, package: str) -> bool:
        if self.args.no_install:
            return False
        if not shutil.which("apt-get") or os.geteuid() != 0:
            return False
        say(f"installing {package}: apt-get install -y {package}")
        cmd = ["apt-get", "install", "-y", "--no-install-recommends", package]
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        r = subprocess.run(cmd, env=env, capture_output=True)
        if r.returncode != 0:
            subprocess.run(["apt-get", "update"], env=env, capture_output=True)
            r = subprocess.run(cmd, env=env, capture_output=True)
        return r.returncode == 0

    def xapian_python(self) -> str | None:
        for python in dict.fromkeys([sys.executable, "/usr/bin/python3"]):
            if python and Path(python).exists():
                r = subprocess.run([python, "-c", "import xapian"], capture_output=True)
                if r.returncode == 0:
                    return python
        return None

    # ---- engines: (index command or None, query command) or a reason to skip ----

    def commands(self, engine: str, paragraphs: Path, index_dir: Path):
        a = self.args
        qargs = [
            "--queries", str(self.queries), "--runs", str(a.runs), "--warmup", str(a.warmup),
            "--threads-list", a.threads,
        ]
        if a.rounds:
            qargs += ["--rounds", str(a.rounds)]
        me = str(Path(__file__).resolve())
        if engine == "ofsearch":
            index = [str(self.binary("ofsearch")), "--index", str(index_dir), "index",
                     str(self.corpus), "--json"]
            query = [str(self.binary("ofs-harness")), "query", "--index", str(index_dir)] + qargs
            return index, query
        if engine == "tantivy":
            exe = str(self.binary("bare-tantivy"))
            return ([exe, "index", "--paragraphs", str(paragraphs), "--index", str(index_dir)],
                    [exe, "query", "--index", str(index_dir)] + qargs)
        if engine == "lucene":
            run = Path(a.lucene).resolve()
            shown = run.relative_to(REPO) if run.is_relative_to(REPO) else run
            if not run.exists():
                return f"{shown} is not there (the Lucene harness is separate work)"
            if not os.access(run, os.X_OK):
                return f"{shown} is not executable"
            # Its QPS rounds are an environment variable (OFS_LUCENE_QPS_ROUNDS), set in
            # run_engine; it refuses options it does not know, --rounds among them.
            lucene_qargs = [x for i, x in enumerate(qargs)
                            if x != "--rounds" and (i == 0 or qargs[i - 1] != "--rounds")]
            return ([str(run), "index", "--paragraphs", str(paragraphs), "--index", str(index_dir)],
                    [str(run), "query", "--index", str(index_dir)] + lucene_qargs)
        if engine == "fts5":
            try:
                db = sqlite3.connect(":memory:")
                db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='porter unicode61')")
                db.close()
            except sqlite3.Error as e:
                return f"this Python's SQLite has no FTS5 ({e})"
            py = sys.executable
            return ([py, me, "--engine-only", "fts5", "index", "--paragraphs", str(paragraphs),
                     "--index", str(index_dir)],
                    [py, me, "--engine-only", "fts5", "query", "--index", str(index_dir)] + qargs)
        if engine == "xapian":
            py = self.xapian_python()
            if py is None and self.install("python3-xapian"):
                py = self.xapian_python()
            if py is None:
                return ("no Python with the xapian module (Debian: apt-get install python3-xapian, "
                        "for /usr/bin/python3)")
            return ([py, me, "--engine-only", "xapian", "index", "--paragraphs", str(paragraphs),
                     "--index", str(index_dir)],
                    [py, me, "--engine-only", "xapian", "query", "--index", str(index_dir)] + qargs)
        if engine == "ripgrep":
            if not shutil.which("rg") and not (self.install("ripgrep") and shutil.which("rg")):
                return "rg not found (Debian: apt-get install ripgrep)"
            py = sys.executable
            return (None, [py, me, "--engine-only", "ripgrep", "query", "--index",
                           str(self.corpus)] + qargs)
        return f"unknown engine {engine!r}"

    def run_engine(self, engine: str, paragraphs: Path) -> None:
        index_dir = self.work / f"index-{engine}"
        cmds = self.commands(engine, paragraphs, index_dir)
        if isinstance(cmds, str):
            self.skip(engine, cmds)
            return
        index_cmd, query_cmd = cmds
        result = {"index_runs": []}
        if index_cmd is not None:
            for i in range(self.args.index_runs):
                if index_dir.exists():
                    shutil.rmtree(index_dir)
                say(f"[{engine}] index run {i + 1}/{self.args.index_runs}: {' '.join(index_cmd)}")
                if i == 0:
                    result["load_average_before"] = os.getloadavg()
                r = run_child(index_cmd, cwd=REPO)
                if r["rc"] != 0:
                    self.skip(engine, f"indexing failed (exit {r['rc']}): {last_line(r['stderr'])}")
                    return
                try:
                    reported = parse_json_output(r["stdout"])
                except ValueError:
                    reported = {}
                result["index_runs"].append(
                    {"wall_s": r["wall"], "peak_rss_kb": r["rss_kb"], "reported": reported}
                )
            result["index_bytes"] = dir_bytes(index_dir)
            walls = [x["wall_s"] for x in result["index_runs"]]
            result["index_wall_s_median"] = statistics.median(walls)
            result["index_peak_rss_kb"] = max(x["peak_rss_kb"] for x in result["index_runs"])
            reported = result["index_runs"][-1]["reported"]
            result["docs"] = reported.get("docs", reported.get("paragraphs"))
        say(f"[{engine}] queries: {' '.join(query_cmd)}")
        result["load_average_before_queries"] = os.getloadavg()
        env = dict(os.environ, OFS_LUCENE_QPS_ROUNDS=str(self.args.rounds or self.args.runs))
        r = run_child(query_cmd, cwd=REPO, env=env)
        if r["rc"] != 0:
            self.skip(engine, f"queries failed (exit {r['rc']}): {last_line(r['stderr'])}")
            return
        try:
            answer = parse_json_output(r["stdout"])
        except (ValueError, json.JSONDecodeError) as e:
            self.skip(engine, f"queries printed no JSON answer ({e})")
            return
        result["query_wall_s"] = r["wall"]
        result["query_peak_rss_kb"] = answer.get("rg_peak_rss_kb") or r["rss_kb"]
        result.update({k: answer.get(k) for k in ("engine", "version", "qps", "skipped")})
        result["queries"] = answer.get("queries", [])
        for q in result["queries"]:
            lat = q.get("latencies_ms") or []
            q["p50"], q["p95"], q["p99"] = (percentile(lat, p) for p in (50, 95, 99))
        for s in result.get("skipped") or []:
            say(f"[{engine}] query {s.get('name')} skipped: {s.get('reason')}")
        self.results["engines"][engine] = result

    def skip(self, engine: str, reason: str) -> None:
        say(f"[{engine}] skipped: {reason}")
        self.results["skipped"][engine] = reason

    # ---- report ----

    def classes(self, engine: str) -> dict:
        out = {}
        for cls in CLASSES:
            lat = []
            for q in self.results["engines"][engine]["queries"]:
                if q["class"] == cls:
                    lat.extend(q.get("latencies_ms") or [])
            if lat:
                out[cls] = {
                    "p50": percentile(lat, 50),
                    "p95": percentile(lat, 95),
                    "p99": percentile(lat, 99),
                    "n": len(lat),
                }
        return out

    def agreement(self) -> None:
        """Each engine's total and top-10 overlap beside ofsearch's, per query."""
        ref = self.results["engines"].get("ofsearch")
        ref_q = {q["name"]: q for q in ref["queries"]} if ref else {}
        for engine, res in self.results["engines"].items():
            for q in res["queries"]:
                r = ref_q.get(q["name"])
                if not r or engine == "ofsearch":
                    continue
                if r["total"]:
                    q["total_vs_ofsearch"] = (q["total"] - r["total"]) / r["total"]
                if q.get("facets") and r.get("facets"):
                    differ = 0
                    for field in FACET_FIELDS:
                        a = {k: v for k, v in (q["facets"].get(field) or {}).items() if v}
                        b = {k: v for k, v in (r["facets"].get(field) or {}).items() if v}
                        differ += sum(a.get(k) != b.get(k) for k in set(a) | set(b))
                    q["facet_values_differing"] = differ
                if q.get("reports") is not None and r.get("reports") is not None:
                    q["reports_differ_by"] = q["reports"] - r["reports"]
                ref_ids = {self.id_of_key.get(k, k) if isinstance(k, str) else k for k in r["top"]}
                if q.get("top") and ref_ids:
                    ids = {self.id_of_key.get(k, k) if isinstance(k, str) else k for k in q["top"]}
                    q["top_overlap"] = len(ids & ref_ids)

    def markdown(self) -> str:
        res = self.results
        eng = res["engines"]
        c = res["corpus"]
        m = res["machine"]
        s = res["settings"]
        order = [e for e in ALL_ENGINES if e in eng] + [e for e in eng if e not in ALL_ENGINES]
        ref = eng.get("ofsearch")
        L = []
        L.append("## Comparison with other engines (`scripts/compare/compare.py`)")
        L.append("")
        L.append(
            f"- Machine: {m.get('cores')} cores (\"{m.get('cpu', '?')}\"), "
            f"{m.get('memory_gib', '?')} GiB, {m.get('platform')}; load average "
            f"{', '.join(f'{x:.1f}' for x in m['load_average'])} at the start, "
            f"{', '.join(f'{x:.1f}' for x in m.get('load_average_end', m['load_average']))} at the end."
        )
        L.append(
            f"- Corpus: `{Path(c['corpus']).name}/` — {c['files']} report files, "
            f"{c['raw_bytes'] / 1e6:.1f} MB of raw text; {c['paragraphs']:,} paragraphs "
            f"({c['paragraphs_not_boilerplate']:,} not boilerplate, the ones queries search), "
            f"{c['paragraph_text_bytes'] / 1e6:.1f} MB of paragraph text."
        )
        nq = len(json.loads(self.queries.read_text()))
        shown = self.queries.relative_to(REPO) if self.queries.is_relative_to(REPO) else self.queries
        L.append(
            f"- Queries: {nq} (`{shown}`); {plural(s['warmup'], 'warm-up round')}, then "
            f"{plural(s['runs'], 'timed round')} over the set, each execution timed alone on one "
            f"thread, warm cache; QPS: each of T threads (processes for the Python-driven "
            f"engines) runs the set {plural(s['rounds'], 'time')} over one shared searcher. "
            f"Index: {plural(s['index_runs'], 'build')} per engine from scratch, median wall "
            f"time (child process, os.wait4), largest peak RSS (GNU time); index size = bytes of its files."
        )
        loads = []
        for e in order:
            before = [eng[e].get(k) for k in ("load_average_before", "load_average_before_queries")]
            if any(before):
                loads.append(f"{e} " + " / ".join(f"{x[0]:.1f}" for x in before if x))
        if loads:
            L.append(
                "- Load average (1 minute) when each engine's builds / queries began: "
                + "; ".join(loads) + "."
            )
        versions = [f"{e}: {eng[e].get('version')}" for e in order if eng[e].get("version")]
        L.append("- Versions: " + "; ".join(versions) + ".")
        L.append("")

        def ratio(x, r):
            if x is None or r in (None, 0) or (isinstance(x, float) and math.isnan(x)):
                return "–"
            return f"{x / r:.2f}x"

        L.append("### Index build")
        L.append("")
        L.append("| engine | input | build s | MB/s (raw) | MB/s (paragraph text) | peak RSS MB "
                 "| index MB | index / raw | build time vs ofsearch |")
        L.append("|---|---|---|---|---|---|---|---|---|")
        ref_wall = ref.get("index_wall_s_median") if ref else None
        inputs = {
            "ofsearch": "report files: read, parse, tag, index",
            "ripgrep": "report files, no index",
        }
        for e in order:
            r = eng[e]
            if "index_wall_s_median" not in r:
                L.append(f"| {e} | {inputs.get(e, 'paragraph file')} | – | – | – | – | – | – | – |")
                continue
            w = r["index_wall_s_median"]
            L.append(
                f"| {e} | {inputs.get(e, 'paragraph file')} | {w:.2f} | {c['raw_bytes'] / 1e6 / w:.1f} "
                f"| {c['paragraph_text_bytes'] / 1e6 / w:.1f} | {r['index_peak_rss_kb'] * 1024 / 1e6:.0f} "
                f"| {r['index_bytes'] / 1e6:.1f} | {r['index_bytes'] / c['raw_bytes']:.2f} "
                f"| {ratio(w, ref_wall)} |"
            )
        L.append("")

        L.append("### Query latency, ms: p50 / p95 / p99 over every timed execution of the class")
        L.append("")
        L.append("| engine | " + " | ".join(CLASSES) + " |")
        L.append("|---|" + "---|" * len(CLASSES))
        ref_cls = self.classes("ofsearch") if ref else {}
        for e in order:
            cls = self.classes(e)
            cells = [
                f"{cls[k]['p50']:.2f} / {cls[k]['p95']:.2f} / {cls[k]['p99']:.2f}" if k in cls else "–"
                for k in CLASSES
            ]
            L.append(f"| {e} | " + " | ".join(cells) + " |")
        L.append("")
        L.append("p50 latency relative to ofsearch's (below 1: faster than ofsearch):")
        L.append("")
        L.append("| engine | " + " | ".join(CLASSES) + " |")
        L.append("|---|" + "---|" * len(CLASSES))
        for e in order:
            cls = self.classes(e)
            cells = [
                ratio(cls[k]["p50"], ref_cls.get(k, {}).get("p50")) if k in cls else "–"
                for k in CLASSES
            ]
            L.append(f"| {e} | " + " | ".join(cells) + " |")
        L.append("")

        L.append("### Throughput (whole query set, queries per second)")
        L.append("")
        threads = [t.strip() for t in s["threads"].split(",") if t.strip()]
        head = " | ".join(f"QPS {t} thread{'s' if t != '1' else ''}" for t in threads)
        vs = " | ".join(f"{t} vs ofsearch" for t in threads)
        L.append(f"| engine | {head} | {vs} | query-run peak RSS MB |")
        L.append("|---|" + "---|" * (2 * len(threads) + 1))
        for e in order:
            r = eng[e]
            q = r.get("qps") or {}
            rq = (ref or {}).get("qps") or {}
            cells = [f"{q[t]:,.0f}" if t in q else "–" for t in threads]
            rats = [ratio(q.get(t), rq.get(t)) for t in threads]
            L.append(f"| {e} | " + " | ".join(cells) + " | " + " | ".join(rats)
                     + f" | {r['query_peak_rss_kb'] * 1024 / 1e6:.0f} |")
        L.append("")

        L.append("### Answers: total matches per query (top-10 overlap with ofsearch's hits)")
        L.append("")
        L.append("| query | class | " + " | ".join(order) + " |")
        L.append("|---|---|" + "---|" * len(order))
        names = []
        for e in order:
            for q in eng[e]["queries"]:
                if q["name"] not in names:
                    names.append(q["name"])
        flagged = []
        for name in names:
            cls, cells = "", []
            for e in order:
                q = next((x for x in eng[e]["queries"] if x["name"] == name), None)
                if q is None:
                    skipped = next((x for x in eng[e].get("skipped") or [] if x.get("name") == name), None)
                    cells.append("skipped" if skipped else "–")
                    continue
                cls = q["class"]
                cell = f"{q['total']:,}"
                if e == "ripgrep":
                    cell += f" lines, {q.get('files', 0)} files"
                elif "total_vs_ofsearch" in q:
                    d = q["total_vs_ofsearch"]
                    cell += f" ({d:+.0%})"
                    if abs(d) > 0.10:
                        cell = f"**{cell}**"
                        flagged.append(f"{e} {name}")
                if "top_overlap" in q:
                    cell += f" [{q['top_overlap']}/10]"
                if "facet_values_differing" in q:
                    n = q["facet_values_differing"]
                    cell += " f=" if n == 0 else f" f≠{n}"
                if q.get("reports") is not None:
                    cell += f" {q['reports']:,} reports"
                    if "reports_differ_by" in q:
                        cell += " r=" if q["reports_differ_by"] == 0 else " r≠"
                cells.append(cell)
            L.append(f"| {name} | {cls} | " + " | ".join(cells) + " |")
        L.append("")
        L.append(
            "`[k/10]`: hits also among ofsearch's top 10 (ranking differs: ofsearch adds its "
            "boosts, and ties fall by document order). `f=`: every facet count equals "
            "ofsearch's; `f≠n`: n (field, value) counts differ. `N reports`: the matching "
            "reports counted (the `researcher` class); `r=`: the same number as ofsearch's."
        )
        L.append("")
        L.append("Notes:")
        L.append(
            "- ofsearch is timed as `ofsearch search --format json` answers (the library's "
            "`search_request`), counting facets and the matching reports over all matches only "
            "where the spec asks (`facets=false` otherwise); it also ranks with its section, "
            "proximity and prior signals, and makes a snippet and a citation for each of its 10 "
            "hits. Every engine does what each spec asks: facets in the `phrase+filters+facets` "
            "class; in the `researcher` class the researcher's request (filters, exact total, "
            "the matching reports, every facet, 10 snippets); snippets for the top 10 everywhere."
        )
        compared = [
            q for e in order if e not in ("ofsearch", "ripgrep") for q in eng[e]["queries"]
            if "total_vs_ofsearch" in q
        ]
        same_totals = sum(q["total_vs_ofsearch"] == 0 for q in compared)
        faceted = [q for q in compared if "facet_values_differing" in q]
        same_facets = sum(q["facet_values_differing"] == 0 for q in faceted)
        L.append(
            "- The engines analyse text differently: ofsearch splits words by Unicode rules "
            "(`children's` one token, possessive folded) and stems with Snowball English; bare "
            "tantivy's `en_stem` splits at every non-alphanumeric character; FTS5 stems with "
            "Porter (`porter unicode61`); Xapian with Snowball English; prefixes match unstemmed "
            "words in ofsearch, stems elsewhere. So totals may differ; differences over 10% are "
            f"in bold{': ' + ', '.join(flagged) if flagged else ' (none here)'}. Here "
            f"{same_totals} of {len(compared)} (engine, query) totals equal ofsearch's"
            + (f", and {same_facets} of {len(faceted)} facet answers match it value for value."
               if faceted else ".")
        )
        if "ripgrep" in eng:
            L.append(
                "- ripgrep has no index, stemming, ranking, filters or facets: it counts matching "
                "*lines* of the raw files (`\\bword` regexes, phrases across line breaks, AND/NOT "
                "as PCRE2 look-aheads within a line), and its filters are ignored, so its totals "
                "are not comparable; each query is one `rg` process (its latency includes "
                "starting it); its QPS runs T concurrent `rg` processes, each using every core; "
                "its RSS is the largest `rg` process."
            )
        if "lucene" in eng:
            L.append(
                "- Lucene runs in a JVM (its start is inside the build wall time and the query "
                "run's RSS); its analysis and settings are in `scripts/compare/lucene/README.md`."
            )
        if "fts5" in eng or "xapian" in eng:
            L.append(
                "- FTS5 and Xapian are driven from Python (the time includes the bindings); "
                "their QPS uses worker processes, each with its own connection; their RSS "
                "includes the Python interpreter. Xapian indexes on one thread."
            )
        for e, why in res["skipped"].items():
            L.append(f"- {e}: skipped: {why}")
        for e in order:
            for sq in eng[e].get("skipped") or []:
                L.append(f"- {e}: query `{sq.get('name')}` skipped: {sq.get('reason')}")
        return "\n".join(L) + "\n"

    def run(self) -> None:
        a = self.args
        self.work.mkdir(parents=True, exist_ok=True)
        reason = self.ensure_binaries()
        if reason:
            raise SystemExit(f"cannot run: {reason}")
        if not self.corpus.is_dir():
            raise SystemExit(f"no corpus folder at {self.corpus}")
        paragraphs = self.paragraphs()
        self.results["corpus"] = self.corpus_stats(paragraphs)
        engines = [e.strip() for e in a.engines.split(",") if e.strip()]
        for engine in engines:
            try:
                self.run_engine(engine, paragraphs)
            except Exception as e:  # noqa: BLE001 (a baseline that breaks is skipped, not fatal)
                self.skip(engine, f"{type(e).__name__}: {e}")
        self.results["machine"]["load_average_end"] = os.getloadavg()
        self.agreement()
        for engine in self.results["engines"]:
            self.results["engines"][engine]["classes"] = self.classes(engine)
        md = self.markdown()
        out = Path(a.out).resolve() if a.out else self.work / "results.json"
        out.write_text(json.dumps(self.results, indent=1))
        md_path = out.with_suffix(".md")
        md_path.write_text(md)
        print(md)
        say(f"wrote {out} and {md_path}")


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--engine-only":
        return engine_only(sys.argv[2:])
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", default=str(REPO / "corpus"), help="report files (default corpus/)")
    p.add_argument("--paragraphs", help="paragraph file (default: made with ofs-paragraphs into --work)")
    p.add_argument("--queries", default=str(HERE / "queries.json"))
    p.add_argument("--runs", type=int, default=20, help="timed rounds over the query set")
    p.add_argument("--warmup", type=int, default=3, help="untimed rounds first")
    p.add_argument("--rounds", type=int, default=None, help="QPS rounds per thread (default --runs)")
    p.add_argument("--index-runs", type=int, default=3, help="index builds per engine (median)")
    p.add_argument("--threads", default="1,2", help="thread counts for QPS")
    p.add_argument("--work", default=str(REPO / "target" / "compare"),
                   help="indexes and results (default target/compare, outside git)")
    p.add_argument("--engines", default=",".join(ALL_ENGINES))
    p.add_argument("--lucene", default=str(HERE / "lucene" / "run"),
                   help="the Lucene harness (default scripts/compare/lucene/run)")
    p.add_argument("--out", help="results JSON (default WORK/results.json; the .md beside it)")
    p.add_argument("--build", action="store_true", help="run cargo build even if the binaries exist")
    p.add_argument("--no-install", action="store_true", help="never apt-get install a missing baseline")
    p.add_argument("--report", metavar="RESULTS_JSON",
                   help="print the Markdown of an earlier run's results.json and stop")
    args = p.parse_args()
    driver = Driver(args)
    if args.report:
        driver.results = json.loads(Path(args.report).read_text())
        driver.queries = Path(driver.results["settings"]["queries"])
        print(driver.markdown())
        return 0
    driver.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
