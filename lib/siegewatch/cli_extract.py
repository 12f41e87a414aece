"""Command-line sub-commands for the extracted tables: mentions, attributions, events, explain,
evaluate."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from siegewatch import schema
from siegewatch.cli import UsageError, _format_arg, _gazetteer_arg, _load, _paths_arg, emit
from siegewatch.paths import RAW_DIR

MARKS = {
    "mention": ("⟨", "⟩"),
    "attribution": ("«", "»"),
    "event": ("⟦", "⟧"),
    "date": ("⟦", "⟧"),
}


def _table_cmd(table: str, table_columns: list[str]) -> Any:
    def run(args: argparse.Namespace) -> int:
        corpus = _load(args)
        df = corpus.tables[table]
        cols = table_columns if args.format == "table" else schema.columns(table)
        emit(df, args.format, cols)
        return 0

    return run


def mark_up(text: str, start: int, end: int, spans: list[tuple[int, int, str, str]]) -> str:
    """`text[start:end]` with each (s, e, kind, label) span wrapped in its kind's markers."""
    inserts: list[tuple[int, int, str]] = []
    for s, e, kind, label in spans:
        if not (start <= s < e <= end):
            continue
        open_, close = MARKS[kind]
        # Closers sort before openers at the same offset; outer spans open first.
        inserts.append((s, 1, open_))
        inserts.append((e, 0, f"|{label}{close}"))
    inserts.sort(key=lambda t: (t[0], t[1]))
    out = []
    pos = start
    for off, _, mark in inserts:
        out.append(text[pos:off])
        out.append(mark)
        pos = off
    out.append(text[pos:end])
    return "".join(out)


def explain(corpus: Any, article_id: str) -> str:
    """The article's text with its mentions, attributions and dates marked, then the rows."""
    art = corpus.article(article_id)
    text = corpus.text(art["file"])
    spans: list[tuple[int, int, str, str]] = []
    m = corpus.mentions[corpus.mentions["article_id"] == article_id]
    spans += [(int(r.start), int(r.end), "mention", f"{r.actor}") for r in m.itertuples()]
    a = corpus.attributions[corpus.attributions["article_id"] == article_id]
    spans += [
        (int(r.start), int(r.end), "attribution", f"{r.source}; {r.source_type}")
        for r in a.itertuples()
    ]
    ev = corpus.events[corpus.events["article_id"] == article_id]
    spans += [(int(r.start), int(r.end), "event", f"{r.date}") for r in ev.itertuples()]
    date = art["date"] if isinstance(art["date"], str) else "unknown"
    head = [
        f"{art['article_id']}  {art['file']}:{art['first_line']}-{art['last_line']}",
        f"title:    {art['title'] or '(untitled)'}",
        f"outlet:   {art['outlet'] or '?'}"
        + (f" (re-posted by {art['aggregator']})" if isinstance(art["aggregator"], str) else ""),
        f"date:     {date} ({art['date_confidence']})"
        + (f" from “{art['date_evidence']}”" if isinstance(art["date_evidence"], str) else ""),
    ]
    if isinstance(art["duplicate_of"], str):
        head.append(f"duplicate of {art['duplicate_of']}: not counted in any total")
    head.append(
        "marks:    ⟨mention|actor⟩  «source phrase|source; type»  ⟦date expression|resolved⟧"
    )
    head.append("-" * 72)
    body = mark_up(text, int(art["start"]), int(art["end"]), spans)
    summary = [
        "-" * 72,
        f"{len(m)} mentions of {m['actor'].nunique()} actors, {len(a)} attributions, "
        f"{len(ev)} dated statements",
    ]
    return "\n".join(head) + "\n" + body + "\n" + "\n".join(summary)


def cmd_explain(args: argparse.Namespace) -> int:
    args.paths = args.corpus
    corpus = _load(args)
    try:
        print(explain(corpus, args.article_id))
    except KeyError as exc:
        raise UsageError(
            f"{args.article_id}: no article with this id in {' '.join(args.corpus)}; list ids "
            "with `siegewatch articles PATH`"
        ) from exc
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from siegewatch.evaluation import ANNOTATIONS, evaluate

    args.paths = args.corpus
    corpus = _load(args)
    scores = evaluate(corpus, args.annotations or ANNOTATIONS)
    if not scores:
        raise UsageError(f"no annotation CSVs found in {args.annotations or ANNOTATIONS}")
    print(f"{'table':14s} {'precision':>9s} {'recall':>7s} {'f1':>6s} {'tp':>5s} {'fp':>5s} "
          f"{'fn':>5s}")
    for name, s in scores.items():
        print(f"{name:14s} {s.precision:9.3f} {s.recall:7.3f} {s.f1:6.3f} {s.tp:5d} {s.fp:5d} "
              f"{s.fn:5d}")
    if args.verbose:
        for name, s in scores.items():
            for fp in s.false_positives:
                print(f"  {name} false positive: {fp}")
            for fn in s.false_negatives:
                print(f"  {name} false negative: {fn}")
    if args.min is not None:
        low = [n for n, s in scores.items() if min(s.precision, s.recall) < args.min]
        if low:
            print(f"below {args.min}: {', '.join(low)}", file=sys.stderr)
            return 1
    return 0


def register(sub: Any) -> None:
    specs = {
        "mentions": ("actor mentions, one row per mention with its span and sentence",
                     ["article_id", "file", "line", "actor", "bloc", "surface", "sentence"]),
        "attributions": ("whom each claim is attributed to, with cue, span and sentence",
                         ["article_id", "file", "line", "source", "source_type", "anonymous",
                          "cue", "sentence"]),
        "events": ("dated statements inside article bodies, resolved to dates",
                   ["article_id", "file", "line", "expression", "date", "date_end",
                    "precision", "sentence"]),
    }
    for name, (help_, cols) in specs.items():
        p = sub.add_parser(name, help=help_)
        _paths_arg(p)
        _format_arg(p, ("table", "json", "csv"), "table")
        _gazetteer_arg(p)
        p.set_defaults(func=_table_cmd(name, cols))

    p = sub.add_parser("explain", help="print an article with its mentions, attributions and "
                       "dates marked in the text")
    p.add_argument("article_id", metavar="ARTICLE_ID")
    p.add_argument("--corpus", nargs="+", default=[str(RAW_DIR)], metavar="PATH",
                   help="corpus files or folders (default: the bundled data/raw)")
    _gazetteer_arg(p)
    p.set_defaults(func=cmd_explain)

    p = sub.add_parser("evaluate", help="precision and recall of mentions, attributions and "
                       "dates against the hand-checked annotation")
    p.add_argument("--corpus", nargs="+", default=[str(RAW_DIR)], metavar="PATH",
                   help="corpus the annotation is of (default: the bundled data/raw)")
    p.add_argument("--annotations", metavar="DIR",
                   help="folder of mentions.csv, attributions.csv, dates.csv")
    p.add_argument("--min", type=float, metavar="X",
                   help="exit 1 when any precision or recall is below X")
    p.add_argument("-v", "--verbose", action="store_true", help="list false positives/negatives")
    _gazetteer_arg(p)
    p.set_defaults(func=cmd_evaluate)
