#!/usr/bin/env python3
"""The HTTP server under load, beside the same searches in-process (issue 12's benchmarks).

    python3 scripts/serve-bench/run.py [--index DIR] [--duration 20] [--connections 1,8,64]
                                       [--soak 600] [--out FILE.json]

1. Builds `ofsearch` and `ofs-harness` (release) if missing; builds the index of corpus/ into
   --index if it holds none.
2. In-process: `ofs-harness query` over scripts/compare/queries.json (the library call
   `Searcher::search_request`, 1 and 2 threads): p50/p99 over every (query, run) and QPS.
3. Server: `ofsearch serve`, and wrk (Debian's `wrk`) cycling through the same requests as
   `GET /api/v1/search` paths (`ofs-harness urls`), for --duration seconds at each of
   --connections: QPS, p50, p99, errors (socket errors and non-2xx answers).
4. Overload: a server with one worker and no queue (`--workers 1 --queue 0`) saturated by wrk
   with the heaviest query, while a probe times its own requests: the 503s' latency.
5. Soak (--soak SECONDS, 0 to skip): wrk at 8 connections, the server's RSS sampled every 5 s.

wrk runs on the same machine as the server (a 2-core machine shares its cores between them):
the figures are the server's and the load generator's together, as a local deployment sees.
"""

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import urllib.error
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUERIES = ROOT / "scripts/compare/queries.json"
RELEASE = ROOT / "target/release"

LUA = r"""
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local i = 0
local thread_id = 0
local counter = 0
setup = function(thread) thread:set("id", counter); counter = counter + 1 end
init = function(args) i = id * 7 end
request = function()
  i = (i %% #paths) + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d, "p50_us": %%d, "p90_us": %%d, "p99_us": %%d, "max_us": %%d, "mean_us": %%f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
"""


def build():
    missing = [b for b in ("ofsearch", "ofs-harness") if not (RELEASE / b).exists()]
    if missing:
        subprocess.run(["cargo", "build", "--release", "-p", "ofsearch-cli", "-p", "ofsearch-benches"],
                       cwd=ROOT, check=True)


def ensure_index(index: Path):
    if (index / "meta.json").exists():
        return
    subprocess.run([str(RELEASE / "ofsearch"), "--index", str(index), "index", str(ROOT / "corpus")],
                   check=True, stdout=subprocess.DEVNULL)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def in_process(index: Path, runs: int) -> dict:
    out = subprocess.run([str(RELEASE / "ofs-harness"), "query", "--index", str(index), "--queries", str(QUERIES),
                          "--runs", str(runs), "--warmup", "2", "--threads-list", "1,2"],
                         check=True, capture_output=True, text=True).stdout
    data = json.loads(out)
    all_ms = [ms for q in data["queries"] for ms in q["latencies_ms"]]
    return {"p50_ms": percentile(all_ms, 50), "p99_ms": percentile(all_ms, 99),
            "mean_ms": statistics.fmean(all_ms), "qps": data["qps"], "queries": len(data["queries"])}


class Server:
    def __init__(self, index: Path, *extra):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([str(RELEASE / "ofsearch"), "--index", str(index), "serve",
                                      "--bind", f"127.0.0.1:{self.port}", *extra],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + "/api/v1/health", timeout=1).read()
                return
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def rss_kib(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        return 0

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=40)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def wrk(url: str, lua: Path, connections: int, seconds: int) -> dict:
    threads = max(1, min(connections, 2))
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
                          "--timeout", "10s", "-s", str(lua), url],
                         check=True, capture_output=True, text=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("{"))
    r = json.loads(line)
    seconds = r["duration_us"] / 1e6
    errors = r["connect"] + r["read"] + r["write"] + r["status"] + r["timeout"]
    return {"connections": connections, "qps": r["requests"] / seconds, "p50_ms": r["p50_us"] / 1000,
            "p99_ms": r["p99_us"] / 1000, "max_ms": r["max_us"] / 1000, "requests": r["requests"],
            "errors": errors, "non_2xx": r["status"]}


def write_lua(paths, tmp: Path) -> Path:
    listing = tmp / "paths.txt"
    listing.write_text("\n".join(paths) + "\n")
    lua = tmp / "bench.lua"
    lua.write_text(LUA % {"paths": listing})
    return lua


def overload(index: Path, tmp: Path, heavy: str, seconds: int) -> dict:
    server = Server(index, "--workers", "1", "--queue", "0")
    try:
        lua = write_lua([heavy], tmp / "heavy")
        load = subprocess.Popen(["wrk", "-t", "2", "-c", "32", "-d", f"{seconds}s", "--timeout", "10s",
                                 "-s", str(lua), server.url], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
        busy, ok = [], []
        end = time.time() + seconds - 2
        while time.time() < end:
            started = time.perf_counter()
            try:
                urllib.request.urlopen(server.url + heavy, timeout=10).read()
                ok.append((time.perf_counter() - started) * 1000)
            except urllib.error.HTTPError as e:
                e.read()
                took = (time.perf_counter() - started) * 1000
                if e.code == 503 and e.headers.get("Retry-After"):
                    busy.append(took)
            time.sleep(0.01)
        load.wait()
        return {"probes": len(busy) + len(ok), "answered_503": len(busy),
                "p50_503_ms": percentile(busy, 50), "p99_503_ms": percentile(busy, 99),
                "max_503_ms": max(busy) if busy else float("nan")}
    finally:
        server.stop()


def soak(index: Path, lua: Path, seconds: int) -> dict:
    server = Server(index)
    try:
        wrk(server.url, lua, 8, 5)  # warm up before the first sample
        load = subprocess.Popen(["wrk", "-t", "2", "-c", "8", "-d", f"{seconds}s", "--timeout", "10s",
                                 "-s", str(lua), server.url], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                text=True)
        samples = []
        started = time.time()
        while load.poll() is None:
            samples.append((round(time.time() - started), server.rss_kib()))
            time.sleep(5)
        out = load.stdout.read() if load.stdout else ""
        line = next((l for l in out.splitlines() if l.startswith("{")), "{}")
        r = json.loads(line)
        rss = [kib for _, kib in samples]
        return {"seconds": seconds, "requests": r.get("requests"),
                "errors": sum(r.get(k, 0) for k in ("connect", "read", "write", "status", "timeout")),
                "rss_first_mib": rss[0] / 1024, "rss_last_mib": rss[-1] / 1024,
                "rss_max_mib": max(rss) / 1024, "rss_min_mib": min(rss) / 1024, "samples": samples}
    finally:
        server.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--index", type=Path, default=ROOT / "ofsearch-index")
    ap.add_argument("--duration", type=int, default=20)
    ap.add_argument("--connections", default="1,8,64")
    ap.add_argument("--runs", type=int, default=10, help="in-process rounds over the query set")
    ap.add_argument("--soak", type=int, default=0, help="seconds of soak (600 for the issue's 10 minutes)")
    ap.add_argument("--skip-overload", action="store_true")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()

    build()
    ensure_index(args.index)
    paths = subprocess.run([str(RELEASE / "ofs-harness"), "urls", "--queries", str(QUERIES)], check=True,
                           capture_output=True, text=True).stdout.split()
    result = {"index": str(args.index), "requests_in_mix": len(paths)}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "heavy").mkdir()
        lua = write_lua(paths, tmp)
        result["in_process"] = in_process(args.index, args.runs)
        server = Server(args.index)
        try:
            wrk(server.url, lua, 2, 3)  # warm-up
            result["rss_after_warmup_mib"] = server.rss_kib() / 1024
            result["server"] = [wrk(server.url, lua, int(c), args.duration) for c in args.connections.split(",")]
        finally:
            server.stop()
        if not args.skip_overload:
            heavy = next((p for p in paths if re.search(r"q=children(&|$)", p)), paths[0])
            result["overload"] = overload(args.index, tmp, heavy, 12)
        if args.soak:
            result["soak"] = soak(args.index, lua, args.soak)
    if args.out:
        args.out.write_text(json.dumps(result, indent=2))
    report(result)


def report(r):
    ip = r["in_process"]
    print(f"index {r['index']}; {r['requests_in_mix']} requests in the mix")
    print(f"in-process: p50 {ip['p50_ms']:.2f} ms, p99 {ip['p99_ms']:.2f} ms, "
          f"QPS 1 thread {ip['qps'].get('1', 0):.0f}, 2 threads {ip['qps'].get('2', 0):.0f}")
    print("| connections | QPS | p50 ms | p99 ms | max ms | requests | errors |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for s in r["server"]:
        print(f"| {s['connections']} | {s['qps']:.0f} | {s['p50_ms']:.2f} | {s['p99_ms']:.2f} | "
              f"{s['max_ms']:.1f} | {s['requests']} | {s['errors']} |")
    one = next((s for s in r["server"] if s["connections"] == 1), None)
    if one:
        print(f"server p50 over in-process p50 (1 connection / 1 thread): {one['p50_ms'] - ip['p50_ms']:+.2f} ms")
    best = max(s["qps"] for s in r["server"])
    print(f"best server QPS / in-process 2-thread QPS: {best / max(ip['qps'].get('2', 1), 1e-9):.0%}")
    if "overload" in r:
        o = r["overload"]
        print(f"overload: {o['answered_503']} of {o['probes']} probes answered 503; "
              f"503 latency p50 {o['p50_503_ms']:.2f} ms, p99 {o['p99_503_ms']:.2f} ms, max {o['max_503_ms']:.1f} ms")
    if "soak" in r:
        s = r["soak"]
        print(f"soak {s['seconds']} s: {s['requests']} requests, {s['errors']} errors; RSS first "
              f"{s['rss_first_mib']:.0f} MiB, last {s['rss_last_mib']:.0f}, min {s['rss_min_mib']:.0f}, max {s['rss_max_mib']:.0f}")


if __name__ == "__main__":
    sys.exit(main())
