"""Benchmark the pipeline on synthetic corpora and compare it with baselines of the same run.

    python bench/run.py --size 100MB [--size 1GB] [--seed 7] [--workers N]

For each size: the whole pipeline (`siegewatch.pipeline.build`, every core, written to
parquet) in MB/s and articles/s with the peak resident memory of the whole process tree;
each stage on one core over a sample of the same corpus (decode, segment, duplicate
signatures, provenance, dates, mentions, actor matching alone, attributions, Arrow + parquet
write); the floor of reading and decoding the files; and, on the first size, the baselines:
the same pipeline with a naive matcher (one regular expression per alias, run one after
another) in place of the actor matcher, and spaCy's PhraseMatcher on a blank English
pipeline. Also times `siegewatch report` on the bundled corpus with its tables cached.
Writes bench/results.json and bench/results.md and prints the summary with targets.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "lib"))

import generate  # noqa: E402

SAMPLE_BYTES = 12 * 2**20  # stage timings run on about this much of each corpus
NAIVE_SAMPLE_BYTES = 6 * 2**20  # the naive-matcher comparison runs on this much


# --------------------------------------------------------------------------- naive matcher


def naive_candidates(text: str, comp: Any) -> Any:
    """One regular expression per alias, run one after another (the naive baseline)."""
    import numpy as np

    pats = _naive_patterns(comp)
    hits: list[tuple[int, int, int]] = []
    for pid, rx in enumerate(pats):
        for m in rx.finditer(text):
            hits.append((m.start(), m.end(), pid))
    return np.asarray(hits, dtype=np.int64).reshape(-1, 3)  # as the real candidate search


_NAIVE: dict[int, list[re.Pattern[str]]] = {}


def _naive_patterns(comp: Any) -> list[re.Pattern[str]]:
    pats = _NAIVE.get(id(comp))
    if pats is None:
        pats = [
            re.compile(r"\b" + re.escape(p) + r"\b", 0 if case else re.IGNORECASE)
            for p, case in zip(comp.patterns, comp.case, strict=True)
        ]
        _NAIVE[id(comp)] = pats
    return pats


def install_naive_matcher() -> None:
    """Replace the actor matcher's candidate search by the naive one (in this process)."""
    from siegewatch import actors

    actors._candidates_hyperscan = naive_candidates
    actors._candidates_python = naive_candidates


# --------------------------------------------------------------------------- stages


def _sample_files(folder: Path, limit: int) -> list[tuple[Path, str]]:
    from siegewatch.corpus import list_inputs

    items = [i for i in list_inputs([folder]) if isinstance(i, tuple)]
    small = [i for i in items if i[0].stat().st_size <= 4 * 2**20]
    step = max(1, len(small) // 200)
    out, total = [], 0
    for item in small[::step] + small:
        if total >= limit:
            break
        if item in out:
            continue
        out.append(item)
        total += item[0].stat().st_size
    return out


STAGES = ("decode", "segment", "signatures", "provenance", "dates", "mentions",
          "actor_matching", "attributions", "arrow_parquet")
STAGE_PASSES = 3  # each stage's figure is its best pass: the machine may be shared


def _stage_pass(files: list[tuple[Path, str]], tmp: Path) -> tuple[dict[str, float], int]:
    """One pass of every stage over `files`, one core: CPU seconds per stage, articles."""
    from siegewatch import actors, attribution, dates, dedup, pipeline
    from siegewatch.corpus import TABLE_NAMES
    from siegewatch.extract import Options
    from siegewatch.loading import read_document
    from siegewatch.segmenting import segment

    opts = Options()
    comp = actors.compile_gazetteer(None)
    t = dict.fromkeys(STAGES, 0.0)
    n_articles = 0
    pending: dict[str, list[Any]] = {tn: [] for tn in TABLE_NAMES}
    pending_bytes = 0
    c = time.process_time
    for i, (path, name) in enumerate(files):
        t0 = c()
        doc = read_document(path, name)
        t1 = c()
        seg = segment(doc)
        t2 = c()
        for row in seg.articles:
            row["text_hash"], row["minhash"], row["n_shingles"] = dedup.signature(
                str(row["body"]))
        t3 = c()
        attribution.annotate_provenance(doc, seg, opts.outlets)
        t4 = c()
        events = dates.annotate(doc, seg)
        t5 = c()
        mentions = actors.find_mentions(doc, seg, opts.gazetteer)
        t6 = c()
        actors.match_spans(doc.text, comp)
        t7 = c()
        attrs = attribution.find_attributions(doc, seg, opts.sources)
        t8 = c()
        for tn, rs in (("articles", seg.articles), ("blocks", seg.blocks),
                       ("ledger", seg.ledger), ("mentions", mentions),
                       ("attributions", attrs), ("events", events)):
            pending[tn].extend(rs)
        pending_bytes += doc.n_bytes
        t8b = c()
        if pending_bytes >= pipeline.PART_BYTES or i == len(files) - 1:
            # Arrow conversion and parquet write, per part as the pipeline does.
            for tn in TABLE_NAMES:
                pipeline._write(pipeline.to_arrow(tn, pending[tn]), tmp / f"{tn}-{i}.pq")
            pending = {tn: [] for tn in TABLE_NAMES}
            pending_bytes = 0
        t9 = c() - (t8b - t8)
        for k, (x, y) in zip(STAGES, [(t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5),
                                      (t5, t6), (t6, t7), (t7, t8), (t8, t9)], strict=True):
            t[k] += y - x
        n_articles += len(seg.articles)
    return t, n_articles


def _bulk_matching(files: list[tuple[Path, str]]) -> float:
    """CPU seconds of the actor matcher over the sample's text joined into one string (no
    per-call cost: the figure comparable with a matcher's published throughput)."""
    from siegewatch import actors
    from siegewatch.loading import read_document

    comp = actors.compile_gazetteer(None)
    text = "\n".join(getattr(read_document(p, n), "text", "") for p, n in files)
    best = float("inf")
    for _ in range(STAGE_PASSES):
        t0 = time.process_time()
        actors.match_spans(text, comp)
        best = min(best, time.process_time() - t0)
    return best


def stage_timings(folder: Path) -> dict[str, Any]:
    """Each stage on one core over a sample of the corpus: CPU seconds (best of
    `STAGE_PASSES` passes), MB/s (MB = 2**20 bytes of input files)."""
    from siegewatch import actors

    files = _sample_files(folder, SAMPLE_BYTES)
    nbytes = sum(p.stat().st_size for p, _ in files)
    actors.match_spans("warm up", actors.compile_gazetteer(None))
    best = dict.fromkeys(STAGES, float("inf"))
    n_articles = 0
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(STAGE_PASSES):
            t, n_articles = _stage_pass(files, Path(tmp))
            best = {k: min(best[k], t[k]) for k in STAGES}
    best["actor_matching_bulk"] = _bulk_matching(files)
    mb = nbytes / 2**20
    return {
        "sample_files": len(files), "sample_mb": round(mb, 2), "sample_articles": n_articles,
        "passes": STAGE_PASSES,
        "seconds": {k: round(v, 3) for k, v in best.items()},
        "mb_per_s": {k: round(mb / v, 1) if v else None for k, v in best.items()},
        "matcher": actors.choose_matcher(None),
    }


def spacy_phrasematcher(folder: Path) -> dict[str, Any]:
    """spaCy's PhraseMatcher (blank English, LOWER attribute) over the same sample."""
    import spacy
    from spacy.matcher import PhraseMatcher

    from siegewatch import actors

    comp = actors.compile_gazetteer(None)
    nlp = spacy.blank("en")
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    matcher.add("ALIAS", [nlp.make_doc(p) for p in comp.patterns])
    files = _sample_files(folder, SAMPLE_BYTES // 3)
    texts = [p.read_text(encoding="utf-8", errors="replace") for p, _ in files]
    nbytes = sum(len(x.encode()) for x in texts)
    n = 0
    t0 = time.perf_counter()
    for text in texts:
        for piece in _pieces(text, 200_000):
            n += len(matcher(nlp.make_doc(piece)))
    sec = time.perf_counter() - t0
    t1 = time.perf_counter()
    m = 0
    for text in texts:
        found = actors.match_spans(text, comp)
        m += len(found[0] if isinstance(found, tuple) else found)
    ours = time.perf_counter() - t1
    return {"mb": round(nbytes / 2**20, 2), "seconds": round(sec, 3),
            "mb_per_s": round(nbytes / 2**20 / sec, 2), "matches": n,
            "actor_matcher_seconds": round(ours, 3),
            "actor_matcher_mb_per_s": round(nbytes / 2**20 / ours, 1), "actor_matches": m}


def _pieces(text: str, size: int) -> list[str]:
    out, cur, n = [], [], 0
    for para in text.split("\n\n"):
        cur.append(para)
        n += len(para)
        if n >= size:
            out.append("\n\n".join(cur))
            cur, n = [], 0
    if cur:
        out.append("\n\n".join(cur))
    return out


def read_floor(folder: Path) -> dict[str, Any]:
    """Reading and decoding every file (one core): the floor under any pipeline."""
    from siegewatch.corpus import list_inputs

    items = [i for i in list_inputs([folder]) if isinstance(i, tuple)]
    t0 = time.perf_counter()
    nbytes = nchars = 0
    for path, _ in items:
        data = path.read_bytes()
        nbytes += len(data)
        nchars += len(data.decode("utf-8", errors="replace"))
    sec = time.perf_counter() - t0
    return {"mb": round(nbytes / 2**20, 1), "seconds": round(sec, 3),
            "mb_per_s": round(nbytes / 2**20 / sec, 1)}


def _build_child(spec: dict[str, Any]) -> None:
    """In a fresh process: build, print the stats as JSON (what `whole_pipeline` times)."""
    from siegewatch import pipeline

    t0 = time.perf_counter()
    stats = pipeline.build(spec["paths"], spec["out"], workers=spec["workers"], force=True,
                           progress=True,
                           initializer=install_naive_matcher if spec["naive"] else None)
    sec = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in stats.path.rglob("*") if p.is_file())
    rows = json.loads((stats.path / pipeline.MANIFEST).read_text())["rows"]
    print(json.dumps({"seconds": sec, "seconds_reduce": stats.seconds_reduce,
                      "n_bytes": stats.n_bytes, "articles": stats.n_articles,
                      "parts": stats.n_parts, "parquet_bytes": size, "rows": rows}))


def whole_pipeline(paths: list[str], workers: int, naive: bool = False) -> dict[str, Any]:
    """`pipeline.build` in a fresh process into a fresh folder: seconds, MB/s, articles/s,
    and the peak resident memory of that process and its workers."""
    import psutil

    out = Path(tempfile.mkdtemp(prefix="siegewatch-bench-"))
    spec = {"paths": paths, "out": str(out), "workers": workers, "naive": naive}
    try:
        child = psutil.Popen([sys.executable, __file__, "--child", json.dumps(spec)],
                             stdout=subprocess.PIPE, text=True)
        peak = 0
        while child.poll() is None:
            total = 0
            for p in [child, *child.children(recursive=True)]:
                try:
                    total += p.memory_info().rss
                except (psutil.NoSuchProcess, psutil.AccessDenied):
                    pass
            peak = max(peak, total)
            time.sleep(0.05)
        out_text = child.stdout.read() if child.stdout else ""
        if child.returncode != 0:
            raise RuntimeError(f"pipeline run failed (exit {child.returncode})")
        r = json.loads(out_text.strip().splitlines()[-1])
    finally:
        shutil.rmtree(out, ignore_errors=True)
    sec = r["seconds"]
    mb = r["n_bytes"] / 2**20
    return {"mb": round(mb, 1), "seconds": round(sec, 2), "mb_per_s": round(mb / sec, 2),
            "articles": r["articles"], "articles_per_s": round(r["articles"] / sec),
            "reduce_seconds": round(r["seconds_reduce"], 2),
            "peak_rss_mb": round(peak / 2**20), "parquet_mb": round(r["parquet_bytes"] / 2**20, 1),
            "rows": r["rows"], "parts": r["parts"], "workers": workers}


def report_time() -> dict[str, Any] | None:
    """`siegewatch report` on the bundled corpus, its tables cached (after one warm run)."""
    exe = Path(sys.executable).with_name("siegewatch")
    help_text = subprocess.run([str(exe), "--help"], capture_output=True, text=True).stdout
    if " report" not in help_text:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [str(exe), "report", str(ROOT / "data" / "raw"), "--out", tmp]
        warm = subprocess.run(cmd, capture_output=True, text=True)
        if warm.returncode != 0:
            return {"error": (warm.stderr or warm.stdout).strip()[-400:]}
        t0 = time.perf_counter()
        run = subprocess.run(cmd, capture_output=True, text=True)
        sec = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file())
    return {"seconds": round(sec, 2), "returncode": run.returncode,
            "output_mb": round(size / 2**20, 2)}


# --------------------------------------------------------------------------- summary


def targets(results: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    """(what, target, measured, passed) rows."""
    rows: list[tuple[str, str, str, bool | None]] = []
    sizes = results["sizes"]
    for label, r in sizes.items():
        w = r["pipeline"]
        rows.append((f"whole pipeline, {label}", ">= 25 MB/s", f"{w['mb_per_s']} MB/s",
                     w["mb_per_s"] >= 25))
    first = next(iter(sizes.values()))
    naive = results.get("naive")
    if naive:
        ratio = results["naive_sample_pipeline"]["mb_per_s"] / naive["mb_per_s"]
        rows.append(("pipeline / naive-matcher pipeline", ">= 18x", f"{ratio:.1f}x",
                     ratio >= 18))
    st = first["stages"]["mb_per_s"]
    if st.get("actor_matching_bulk"):
        rows.append(("actor matching alone (one core, one call)", ">= 150 MB/s",
                     f"{st['actor_matching_bulk']} MB/s", st["actor_matching_bulk"] >= 150))
    if st.get("actor_matching"):
        rows.append(("actor matching, one call per file (info)", "-",
                     f"{st['actor_matching']} MB/s", None))
    if "100MB" in sizes and "1GB" in sizes:
        g = sizes["1GB"]["pipeline"]["seconds"] / sizes["100MB"]["pipeline"]["seconds"]
        rows.append(("time 100 MB -> 1 GB", "<= 11x", f"{g:.1f}x", g <= 11))
    if "1GB" in sizes:
        pk = sizes["1GB"]["pipeline"]["peak_rss_mb"]
        rows.append(("peak memory at 1 GB", "<= 1024 MB", f"{pk} MB", pk <= 1024))
    for label, r in sizes.items():
        pk = r["pipeline"]["peak_rss_mb"]
        rows.append((f"peak memory, {label} (info)", "-", f"{pk} MB", None))
    rep = results.get("report")
    if rep and "seconds" in rep:
        rows.append(("siegewatch report, bundled, cached", "<= 30 s", f"{rep['seconds']} s",
                     rep["seconds"] <= 30 and rep["returncode"] == 0))
    elif rep:
        rows.append(("siegewatch report, bundled, cached", "<= 30 s", "failed", False))
    else:
        rows.append(("siegewatch report, bundled, cached", "<= 30 s", "no report command",
                     None))
    return rows


def markdown(results: dict[str, Any]) -> str:
    out = ["# Benchmark results", "",
           f"Machine: {results['machine']['cpus']} cores, Python {results['machine']['python']}, "
           f"{results['machine']['platform']}; matcher: {results['matcher']}.", "",
           "| measure | target | measured | |", "|---|---|---|---|"]
    for what, target, got, ok in targets(results):
        mark = "" if ok is None else ("pass" if ok else "FAIL")
        out.append(f"| {what} | {target} | {got} | {mark} |")
    for label, r in results["sizes"].items():
        p = r["pipeline"]
        out += ["", f"## {label} corpus", "",
                f"Whole pipeline ({p['workers']} workers): {p['seconds']} s (of which "
                f"{p.get('reduce_seconds', '?')} s marking duplicates across files), "
                f"{p['mb_per_s']} MB/s, {p['articles_per_s']} articles/s, "
                f"peak RSS {p['peak_rss_mb']} MB, parquet {p['parquet_mb']} MB in "
                f"{p['parts']} parts; rows {p['rows']}.",
                f"Floor (read + decode, one core): {r['floor']['mb_per_s']} MB/s.", "",
                f"Stages, one core, over a {r['stages']['sample_mb']} MB sample (CPU time, best "
                f"of {r['stages'].get('passes', 1)} passes; MB = 2^20 bytes of input):", "",
                "| stage | seconds | MB/s |", "|---|---|---|"]
        for k, v in r["stages"]["seconds"].items():
            out.append(f"| {k} | {v} | {r['stages']['mb_per_s'][k]} |")
    if results.get("naive"):
        n = results["naive"]
        ps = results["naive_sample_pipeline"]
        out += ["", f"On a {n['mb']} MB sample of the first corpus: pipeline {ps['seconds']} s "
                f"({ps['mb_per_s']} MB/s); naive-matcher pipeline {n['seconds']} s "
                f"({n['mb_per_s']} MB/s)."]
    if results.get("spacy"):
        s = results["spacy"]
        out += ["", f"spaCy PhraseMatcher (blank en): {s['mb_per_s']} MB/s on {s['mb']} MB; "
                f"actor matcher on the same text: {s['actor_matcher_mb_per_s']} MB/s."]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    ap.add_argument("--size", action="append", type=generate.parse_size,
                    help="corpus size, repeatable (default 100MB)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--no-baselines", action="store_true",
                    help="skip the naive-matcher pipeline and spaCy")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        _build_child(json.loads(args.child))
        return 0
    sizes = args.size or [generate.parse_size("100MB")]
    from siegewatch import actors

    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "matcher": actors.choose_matcher(None),
        "sizes": {},
    }
    for i, size in enumerate(sizes):
        label = generate.size_label(size)
        print(f"== {label}: generating", file=sys.stderr)
        folder = generate.generate(size, args.seed, generate.DEFAULT_OUT,
                                   ROOT / "data" / "raw")
        r: dict[str, Any] = {"corpus": str(folder)}
        print(f"== {label}: read floor", file=sys.stderr)
        r["floor"] = read_floor(folder)
        print(f"== {label}: stages", file=sys.stderr)
        r["stages"] = stage_timings(folder)
        print(f"== {label}: whole pipeline", file=sys.stderr)
        r["pipeline"] = whole_pipeline([str(folder)], args.workers)
        results["sizes"][label] = r
        if i == 0 and not args.no_baselines:
            # The naive matcher is slow: both pipelines run on the same sample of this corpus.
            sample = [str(p) for p, _ in _sample_files(folder, NAIVE_SAMPLE_BYTES)]
            print(f"== {label}: pipeline and naive-matcher pipeline on a sample",
                  file=sys.stderr)
            results["naive_sample_pipeline"] = whole_pipeline(sample, args.workers)
            results["naive"] = whole_pipeline(sample, args.workers, naive=True)
            print(f"== {label}: spaCy PhraseMatcher", file=sys.stderr)
            results["spacy"] = spacy_phrasematcher(folder)
    print("== siegewatch report (cached)", file=sys.stderr)
    results["report"] = report_time()
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    md = markdown(results)
    (ROOT / "bench" / "results.md").write_text(md)
    print(md)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
