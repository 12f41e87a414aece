"""Throughput of actor matching (one pass for all aliases + the shared post-pass), in MB/s.

Builds ~N MB of text by repeating the bundled corpus, then times `actors.match_spans` with the
Hyperscan matcher and the pure-Python (Aho-Corasick) fallback in one process, checks they give
identical spans, and times Hyperscan on W worker processes (chunks cut at line ends).

    .venv/bin/python bench/actors_throughput.py --mb 64 --workers 2
"""

from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from siegewatch import actors, paths
from siegewatch.loading import read_document


def corpus_text(mb: float) -> str:
    parts = []
    for p in sorted(Path(paths.RAW_DIR).iterdir()):
        doc = read_document(p, p.name)
        if hasattr(doc, "text"):
            parts.append(doc.text)
    one = "\n".join(parts) + "\n"
    reps = max(1, int(mb * 1e6 / len(one.encode("utf-8"))))
    return one * reps


def chunks(text: str, n: int) -> list[str]:
    size = len(text) // n + 1
    out, s = [], 0
    while s < len(text):
        e = text.find("\n", min(len(text), s + size))
        e = len(text) if e == -1 else e + 1
        out.append(text[s:e])
        s = e
    return out


def _warm(matcher: str) -> None:
    actors.match_spans("Syrian army", None, matcher)


def _count(args: tuple[str, str]) -> int:
    text, matcher = args
    return len(actors.match_spans(text, None, matcher))


def timed(text: str, matcher: str, repeat: int) -> tuple[float, float, list]:
    """Best wall and CPU seconds of `repeat` runs (the machine may be shared), and the spans."""
    actors.match_spans("warm up", None, matcher)
    best, cpu, spans = float("inf"), float("inf"), []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        spans = actors.match_spans(text, None, matcher)
        best = min(best, time.perf_counter() - t)
        cpu = min(cpu, time.process_time() - c)
    return best, cpu, spans


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=64)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3, help="report the best of this many runs")
    args = ap.parse_args()
    text = corpus_text(args.mb)
    size = len(text.encode("utf-8")) / 1e6
    print(f"text: {size:.1f} MB ({len(text):,} characters); load average before: "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    results = {}
    for matcher in ("hyperscan", "python"):
        secs, cpu, spans = timed(text, matcher, args.repeat)
        results[matcher] = spans
        print(f"{matcher:>9}, 1 process: {size / secs:7.1f} MB/s wall, {size / cpu:7.1f} MB per "
              f"CPU-second  ({secs:.2f} s, {len(spans):,} mentions before article rules)")
    print("identical spans:", results["hyperscan"] == results["python"])
    parts = chunks(text, args.workers * 8)
    for matcher in ("hyperscan", "python"):
        with ProcessPoolExecutor(args.workers, initializer=_warm, initargs=(matcher,)) as pool:
            list(pool.map(_count, [("Syrian army", matcher)] * args.workers))
            secs = float("inf")
            for _ in range(args.repeat):
                t = time.perf_counter()
                n = sum(pool.map(_count, [(p, matcher) for p in parts]))
                secs = min(secs, time.perf_counter() - t)
        print(f"{matcher:>9}, {args.workers} processes: {size / secs:7.1f} MB/s  ({secs:.2f} s, "
              f"{n:,} mentions)")


if __name__ == "__main__":
    main()
