"""Throughput of `attribution.find_attributions` alone, in MB/s, on one process.

Builds the benchmark text the way the task defines it (bundled files 000-003 concatenated,
repeated N times; 30 gives ~2.3 MB), segments it once, then times attribution with the
Hyperscan cue scan and with the pure-regex fallback, checks both give identical rows, and
prints wall-clock (perf_counter) and CPU (process_time) rates: on a shared machine the CPU
rate is the steadier figure.

    .venv/bin/python bench/attribution_throughput.py --repeat-text 30 --runs 5
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from siegewatch import attribution, paths
from siegewatch.loading import read_document
from siegewatch.segmenting import segment


def bench_text(copies: int) -> bytes:
    """Files 000-003 of the bundled corpus, concatenated, `copies` times."""
    files = sorted(p for p in Path(paths.RAW_DIR).iterdir() if p.name[:3] in {"000", "001",
                                                                              "002", "003"})
    return b"".join(p.read_bytes() for p in files) * copies


def timed(doc, seg, runs: int) -> tuple[float, float, list]:
    """Best wall and best CPU seconds of `runs` calls, and the rows of the last one."""
    wall = cpu = float("inf")
    rows: list = []
    for _ in range(runs):
        t, c = time.perf_counter(), time.process_time()
        rows = attribution.find_attributions(doc, seg, None)
        wall, cpu = min(wall, time.perf_counter() - t), min(cpu, time.process_time() - c)
    return wall, cpu, rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat-text", type=int, default=30)
    ap.add_argument("--runs", type=int, default=5, help="report the best of this many runs")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.txt"
        path.write_bytes(bench_text(args.repeat_text))
        doc = read_document(path, "big.txt")
    seg = segment(doc)
    mb = doc.n_bytes / 1e6
    print(f"text: {mb:.2f} MB, {len(seg.articles)} articles; load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    attribution.find_attributions(doc, seg, None)  # warm: tables, automaton, Hyperscan db
    results = {}
    real_db = attribution._hyperscan_cue_db
    for engine in ("hyperscan", "python"):
        if engine == "python":
            attribution._hyperscan_cue_db = lambda: None  # type: ignore[assignment]
        elif real_db() is None:
            print("hyperscan: not importable, skipped")
            continue
        try:
            wall, cpu, rows = timed(doc, seg, args.runs)
        finally:
            attribution._hyperscan_cue_db = real_db  # type: ignore[assignment]
        results[engine] = rows
        print(f"{engine:>9} cue scan: {mb / wall:6.1f} MB/s wall ({wall:.3f} s), "
              f"{mb / cpu:6.1f} MB/s CPU ({cpu:.3f} s), {len(rows):,} rows")
    if len(results) == 2:
        print("identical rows:", results["hyperscan"] == results["python"])


if __name__ == "__main__":
    main()
