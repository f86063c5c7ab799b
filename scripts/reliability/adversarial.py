#!/usr/bin/env python3
"""Every command over an index holding adversarial files: the bundled corpus plus a 100 MiB
paragraph (sentences, no line break: a bad PDF conversion) and 100 MiB of one word (both
skipped as larger than any report), the same at 10 MiB (indexed, as bounded pieces), and 10,000
tiny files. Prints the wall time and peak RSS (GNU time) of indexing and of each read command.

Usage: scripts/reliability/adversarial.py [--bin target/release/ofsearch] [--keep DIR]
"""

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MIB = 1 << 20


def paragraph_file(path, size, rng, words):
    with path.open("w", encoding="utf-8") as out:
        written = 0
        while written < size:
            sentence = " ".join(rng.choice(words) for _ in range(20)) + ". "
            out.write(sentence)
            written += len(sentence.encode("utf-8"))


def make_files(folder):
    rng = random.Random(7)
    words = (ROOT / "corpus/samples/003_7425dc90808b844a.txt").read_text(encoding="utf-8").split()
    for mib in (100, 10):
        paragraph_file(folder / f"paragraph-{mib}mib.txt", mib * MIB, rng, words)
        (folder / f"one-word-{mib}mib.txt").write_text("neglect" * (mib * MIB // 7),
                                                       encoding="utf-8")
    tiny = folder / "tiny"
    tiny.mkdir()
    for i in range(10_000):
        (tiny / f"t{i:05}.txt").write_text(f"Tiny report {i} about neglect and care leavers.\n")


def measure(binary, args, cwd):
    """(seconds, peak RSS in MB, exit code) of one command, its output discarded."""
    with tempfile.NamedTemporaryFile("r") as report:
        started = time.monotonic()
        done = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name, binary, *args],
                              cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        elapsed = time.monotonic() - started
        kilobytes = int(report.read().strip().splitlines()[-1])
    return elapsed, kilobytes / 1024, done.returncode


COMMANDS = [
    ["search", "neglect", "--limit", "2"],
    ["search", "neglect", "--limit", "10", "--format", "json"],
    ["search", "care leavers", "--group-by", "report"],
    ["search", "neglect", "--explain", "--limit", "3"],
    ["search", "neglec*", "--sort", "newest"],
    ["kwic", "neglect", "--limit", "3"],
    ["kwic", "neglect"],
    ["trend", "neglect", "--split", "grade"],
    ["compare", "neglect", "--by", "grade"],
    ["export", "neglect", "--format", "jsonl"],
    ["reports", "--format", "json"],
    ["check"],
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=str(ROOT / "target/release/ofsearch"))
    parser.add_argument("--keep", help="build in this folder and keep it")
    args = parser.parse_args()
    binary = str(Path(args.bin).resolve())
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="ofsearch-adv-"))
    adversarial = work / "adversarial"
    if not adversarial.exists():
        adversarial.mkdir(parents=True)
        make_files(adversarial)
    shutil.rmtree(work / "ix", ignore_errors=True)
    seconds, rss, code = measure(binary, ["--index", "ix", "index", str(ROOT / "corpus"),
                                          "adversarial"], work)
    print(f"| `index corpus/ adversarial/` | {seconds:.2f} s | {rss:.0f} MB | {code} |")
    for command in COMMANDS:
        seconds, rss, code = measure(binary, ["--index", "ix", *command], work)
        shown = " ".join(f"'{a}'" if " " in a else a for a in command)
        print(f"| `{shown}` | {seconds:.2f} s | {rss:.0f} MB | {code} |", flush=True)
    if not args.keep:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
