#!/usr/bin/env python3
"""kill -9 at random moments of `ofsearch index` (first build and re-index) and `ofsearch
remove`, then check what the index says: it must open at the commit before the run or the
commit after it, or be recognised as unfinished (a first build); never silently empty, never
anything else.

Each trial starts an operation on a copy of the bundled reports, kills it with SIGKILL after a
random delay within the operation's measured duration, and reads the index with `reports` and
`search`. The state after the run is learned by finishing the operation afterwards (running it
again to completion), so the check needs no model of the parser.

Usage: scripts/reliability/kill9.py [--trials 100] [--seed 1] [--bin target/release/ofsearch]
Prints one line per trial and a tally; exits 1 if any trial found a state it should not.
"""

import argparse
import json
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class Failed(Exception):
    """A run that should succeed did not."""


def run(binary, args, cwd, check=True):
    out = subprocess.run([binary, *args], cwd=cwd, capture_output=True, text=True)
    if check and out.returncode not in (0, 1):
        raise Failed(f"{args}: exit {out.returncode}: {out.stderr.strip()}")
    return out


def state(binary, cwd, index):
    """What the index says: ('unfinished',), ('error', message) or ('ok', reports, neglect)."""
    out = run(binary, ["--index", index, "reports", "--format", "json"], cwd, check=False)
    if out.returncode != 0:
        message = out.stderr.strip()
        if "did not finish" in message:
            return ("unfinished",)
        return ("error", message)
    reports = len(json.loads(out.stdout))
    out = run(binary, ["--index", index, "search", "neglect", "--format", "json", "--limit", "1"], cwd,
              check=False)
    if out.returncode not in (0, 1):
        return ("error", out.stderr.strip())
    return ("ok", reports, json.loads(out.stdout)["total"])


def timed(binary, args, cwd):
    started = time.monotonic()
    run(binary, args, cwd)
    return time.monotonic() - started


def kill_after(binary, args, cwd, delay):
    process = subprocess.Popen([binary, *args], cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    time.sleep(delay)
    killed = process.poll() is None
    if killed:
        process.send_signal(signal.SIGKILL)
    process.wait()
    return killed


def change_files(folder, stash, rng):
    """Appends a paragraph to 20 reports and moves 5 away (a re-index has work to do)."""
    files = sorted(folder.glob("*.txt"))
    for path in rng.sample(files, 20):
        with path.open("a", encoding="utf-8") as f:
            f.write(f"\n\nA paragraph added by trial {rng.random()} about neglect.\n")
    for path in rng.sample([f for f in files], 5):
        if path.exists():
            shutil.move(str(path), stash / path.name)


def restore_files(folder, stash):
    for path in stash.glob("*.txt"):
        shutil.move(str(path), folder / path.name)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bin", default=str(ROOT / "target/release/ofsearch"))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    binary = str(Path(args.bin).resolve())
    work = Path(tempfile.mkdtemp(prefix="ofsearch-kill9-"))
    folder, stash = work / "in", work / "stash"
    shutil.copytree(ROOT / "corpus/reports", folder)
    stash.mkdir()
    build_time = timed(binary, ["--index", "ix", "index", "in"], work)
    # How long each operation takes here: the kills fall within it.
    change_files(folder, stash, rng)
    reindex_time = timed(binary, ["--index", "ix", "index", "in"], work)
    restore_files(folder, stash)
    run(binary, ["--index", "ix", "index", "in"], work)
    ids = [r["report_id"] for r in json.loads(
        run(binary, ["--index", "ix", "reports", "--format", "json"], work).stdout)]
    remove_time = timed(binary, ["--index", "ix", "remove", *ids[:3]], work)
    run(binary, ["--index", "ix", "index", "in"], work)
    print(f"durations: build {build_time:.2f} s, re-index {reindex_time:.2f} s, "
          f"remove {remove_time:.2f} s", flush=True)
    tally = {"before": 0, "after": 0, "unfinished": 0, "finished": 0, "bad": 0}
    for trial in range(1, args.trials + 1):
        op = rng.choice(["build", "reindex", "remove"])
        if op == "build":
            shutil.rmtree(work / "ixb", ignore_errors=True)
            delay = rng.uniform(0, build_time)
            killed = kill_after(binary, ["--index", "ixb", "index", "in"], work, delay)
            seen = state(binary, work, "ixb")
            run(binary, ["--index", "ixb", "index", "in"], work)
            after = state(binary, work, "ixb")
            if seen == ("unfinished",):
                verdict = "unfinished"
            elif seen == after and seen[0] == "ok":
                verdict = "finished"
            else:
                verdict = "bad"
        else:
            before = state(binary, work, "ix")
            if op == "reindex":
                change_files(folder, stash, rng)
                command = ["--index", "ix", "index", "in"]
            else:
                ids = [r["report_id"] for r in json.loads(
                    run(binary, ["--index", "ix", "reports", "--format", "json"], work).stdout)]
                command = ["--index", "ix", "remove", *rng.sample(ids, 3)]
            delay = rng.uniform(0, reindex_time if op == "reindex" else remove_time)
            killed = kill_after(binary, command, work, delay)
            seen = state(binary, work, "ix")
            # Finish the operation (a removal already committed is refused: nothing to do).
            run(binary, command, work, check=False)
            after = state(binary, work, "ix")
            if seen[0] != "ok":
                verdict = "bad"
            else:
                verdict = "before" if seen == before else "after" if seen == after else "bad"
            if op == "reindex":
                restore_files(folder, stash)
                run(binary, ["--index", "ix", "index", "in"], work)
        tally[verdict] += 1
        print(f"trial {trial:3}: {op:8} killed={'yes' if killed else 'no '} at {delay:5.2f} s: "
              f"{verdict:10} {seen}", flush=True)
    shutil.rmtree(work)
    print("tally:", ", ".join(f"{k} {v}" for k, v in tally.items()))
    return 1 if tally["bad"] else 0


if __name__ == "__main__":
    sys.exit(main())
