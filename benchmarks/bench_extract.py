"""Throughput of `evwatch extract` on the seeds repeated to a target size; checks it stays linear.

    python benchmarks/bench_extract.py --sizes 5 25 50   # MB of corpus per run
Each run is a fresh `evwatch extract` process; the child's peak RSS comes from getrusage.
Results go to benchmarks/results/extract.json (and are quoted in benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def build_corpus(folder: Path, target_mb: float) -> tuple[int, int]:
    """Copies of the seed articles (each with a distinct first line so no two files are byte-identical)."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    total = n = 0
    while total < target_mb * 1e6:
        text = texts[n % len(texts)]
        data = f"{text}\n\nArchive copy {n}.\n".encode()
        (folder / f"a{n:07d}.txt").write_bytes(data)
        total += len(data)
        n += 1
    return n, total


def run_once(target_mb: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="evwatch-bench-") as tmp:
        corpus, out = Path(tmp) / "corpus", Path(tmp) / "out"
        n, total = build_corpus(corpus, target_mb)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "helpers.cli", "extract", str(corpus), "--out", str(out), "--quiet"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        elapsed = time.perf_counter() - started
        peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        shutil.rmtree(out, ignore_errors=True)
    return {
        "target_mb": target_mb,
        "articles": n,
        "bytes": total,
        "seconds": round(elapsed, 2),
        "mb_per_s": round(total / 1e6 / elapsed, 2),
        "articles_per_s": round(n / elapsed, 1),
        "peak_rss_mb": round(max(peak_kb, before) / 1024, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=float, nargs="+", default=[5, 25, 50])
    parser.add_argument("--json", default=str(ROOT / "benchmarks" / "results" / "extract.json"))
    args = parser.parse_args()
    runs = []
    for size in args.sizes:
        result = run_once(size)
        runs.append(result)
        print(json.dumps(result))
    first, last = runs[0], runs[-1]
    linearity = (last["seconds"] / last["bytes"]) / (first["seconds"] / first["bytes"])
    report = {
        "command": "python benchmarks/bench_extract.py --sizes " + " ".join(str(s) for s in args.sizes),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "runs": runs,
        "seconds_per_byte_ratio_last_vs_first": round(linearity, 2),
    }
    Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
    print(f"throughput_mb_s={last['mb_per_s']} peak_rss_mb={last['peak_rss_mb']} linearity={linearity:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
