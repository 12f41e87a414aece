"""Command line: `siegewatch SUBCOMMAND …` (also `python -m siegewatch`).

Exit status: 0 on success (warnings go to stderr), 2 for anything the user can fix (a bad
path, parameter or table), with one sentence naming the problem and the fix. `--debug` shows
the Python traceback instead.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

USAGE_ERRORS: tuple[type[BaseException], ...] = ()


class UsageError(Exception):
    """An error the user can fix; its message says how."""


def _usage_errors() -> tuple[type[BaseException], ...]:
    from siegewatch.loading import LoadError

    errs: list[type[BaseException]] = [UsageError, LoadError]
    try:
        from siegewatch.params import ParameterError

        errs.append(ParameterError)
    except ImportError:
        pass
    try:
        from siegewatch.actors import GazetteerError

        errs.append(GazetteerError)
    except ImportError:
        pass
    return tuple(errs)


# --------------------------------------------------------------------------- output


def _jsonable(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, bytes):
        return None
    if hasattr(v, "tolist"):
        return v.tolist()
    if isinstance(v, float) and v != v:
        return None
    try:
        import pandas as pd

        if v is pd.NA or v is pd.NaT:
            return None
    except ImportError:
        pass
    return v


def emit(df: Any, fmt: str, columns: Sequence[str] | None = None, out: Any = None) -> None:
    """Print a table as JSON (list of objects), CSV, or an aligned text table."""
    out = out or sys.stdout
    if columns is not None:
        df = df[[c for c in columns if c in df.columns]]
    if fmt == "json":
        records = [
            {k: _jsonable(v) for k, v in row.items()} for row in df.to_dict(orient="records")
        ]
        json.dump(records, out, ensure_ascii=False, indent=1, default=str)
        out.write("\n")
    elif fmt == "csv":
        flat = df.copy()
        for c in flat.columns:
            if flat[c].dtype == object:
                flat[c] = flat[c].map(
                    lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v
                )
        flat.to_csv(out, index=False)
    else:
        out.write(format_table(df) + "\n")


def format_table(df: Any, max_width: int = 60) -> str:
    """A plain aligned text table that never wraps a cell over lines."""
    if df.empty:
        return "(no rows)"

    def cell(v: Any) -> str:
        v = _jsonable(v)
        if v is None:
            return ""
        if isinstance(v, (list, tuple)):
            v = "; ".join(map(str, v))
        s = " ".join(str(v).split())
        return s if len(s) <= max_width else s[: max_width - 1] + "…"

    cols = list(df.columns)
    rows = [[cell(v) for v in r] for r in df.itertuples(index=False)]
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(cols)]
    line = lambda vals: "  ".join(v.ljust(w) for v, w in zip(vals, widths, strict=True))  # noqa: E731
    out = [line(cols), line(["-" * w for w in widths])]
    out += [line(r).rstrip() for r in rows]
    return "\n".join(out)


def _warn_files(corpus: Any) -> None:
    for row in corpus.files.itertuples(index=False):
        if row.status == "unreadable":
            print(f"warning: {row.file}: {row.reason}", file=sys.stderr)
        for w in row.warnings or []:
            print(f"warning: {row.file}: {w}", file=sys.stderr)


def _load(args: argparse.Namespace) -> Any:
    from siegewatch.corpus import load_corpus

    corpus = load_corpus(
        args.paths,
        gazetteer=getattr(args, "gazetteer", None),
        workers=getattr(args, "workers", 1),
    )
    _warn_files(corpus)
    return corpus


# --------------------------------------------------------------------------- commands

ARTICLE_COLUMNS = [
    "article_id", "file", "title", "first_line", "last_line", "outlet", "aggregator",
    "dateline", "bylines", "credits", "date", "date_confidence", "date_evidence",
    "duplicate_of", "n_words",
]
TABLE_COLUMNS = [
    "article_id", "file", "first_line", "last_line", "title", "outlet", "dateline", "date",
    "duplicate_of", "n_words",
]


def cmd_articles(args: argparse.Namespace) -> int:
    corpus = _load(args)
    cols = TABLE_COLUMNS if args.format == "table" else ARTICLE_COLUMNS
    emit(corpus.articles, args.format, cols)
    return 0


ACCOUNTING_COLUMNS = [
    "file", "status", "articles", "chars", "in_articles", "in_ledger", "lost", "claimed_twice",
    "reason",
]


def accounting_table(corpus: Any) -> Any:
    """Per file: articles, non-whitespace characters in articles / ledger / lost / twice."""
    from siegewatch.accounting import account

    acc = account(corpus)
    n_articles = dict(zip(corpus.files["file"], corpus.files["n_articles"], strict=True))
    acc["articles"] = acc["file"].map(n_articles)
    for col in ACCOUNTING_COLUMNS[2:-1]:
        acc[col] = acc[col].astype("Int64")
    return acc[ACCOUNTING_COLUMNS]


def cmd_ledger(args: argparse.Namespace) -> int:
    corpus = _load(args)
    if args.accounting:
        acc = accounting_table(corpus)
        emit(acc, args.format)
        bad = acc[(acc["lost"].fillna(0) > 0) | (acc["claimed_twice"].fillna(0) > 0)]
        for row in bad.itertuples(index=False):
            print(
                f"siegewatch: {row.file}: {row.lost} character(s) lost and {row.claimed_twice} "
                "claimed twice; this is a bug, please report it with the file",
                file=sys.stderr,
            )
        return 1 if len(bad) else 0
    cols = ["file", "first_line", "last_line", "reason", "chars"]
    if args.format != "table":
        cols = cols + ["start", "end", "excerpt"]
    emit(corpus.ledger, args.format, cols)
    return 0


def cmd_summary(args: argparse.Namespace) -> int:
    corpus = _load(args)
    summary = corpus.summary()
    if args.format == "json":
        json.dump(summary, sys.stdout, indent=1)
        print()
    else:
        width = max(map(len, summary))
        for k, v in summary.items():
            print(f"{k.ljust(width)}  {v}")
    return 0


def _paths_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="corpus files or folders")


def _format_arg(p: argparse.ArgumentParser, choices: Sequence[str], default: str) -> None:
    p.add_argument("--format", choices=list(choices), default=default,
                   help=f"output format (default: {default})")


def _gazetteer_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--gazetteer", metavar="CSV",
                   help="actor gazetteer to use instead of data/gazetteer/actors.csv")


COMMANDS: dict[str, tuple[Callable[[argparse.Namespace], int], str]] = {}


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line naming the problem and where to look."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}; see `{self.prog} --help`\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="siegewatch",
        description="Segment, extract and report on a corpus of conflict news.",
    )
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    p = sub.add_parser("articles", help="list the articles segmented from the corpus")
    _paths_arg(p)
    _format_arg(p, ("table", "json", "csv"), "table")
    _gazetteer_arg(p)
    p.set_defaults(func=cmd_articles)

    p = sub.add_parser("ledger", help="list what was set aside, and unreadable files")
    _paths_arg(p)
    _format_arg(p, ("table", "json", "csv"), "table")
    p.add_argument(
        "--accounting", action="store_true",
        help="instead, one row per file: characters in articles, in the ledger, lost and "
        "claimed twice (exit status 1 if any is lost or claimed twice)",
    )
    p.set_defaults(func=cmd_ledger)

    p = sub.add_parser("summary", help="counts of files, articles, duplicates and ledger")
    _paths_arg(p)
    _format_arg(p, ("table", "json"), "table")
    p.set_defaults(func=cmd_summary)

    for register in _extensions():
        register(sub)
    for p in sub.choices.values():
        # `--debug` after the sub-command too; SUPPRESS keeps one given before it.
        if "--debug" not in p._option_string_actions:
            p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                           help="show Python tracebacks on errors")
    return parser


def _extensions() -> list[Callable[[Any], None]]:
    """Sub-commands contributed by other modules (extraction, reports, pipeline)."""
    regs: list[Callable[[Any], None]] = []
    for mod in ("siegewatch.cli_extract", "siegewatch.cli_reports", "siegewatch.cli_pipeline"):
        try:
            module = __import__(mod, fromlist=["register"])
        except ImportError as exc:
            if exc.name != mod:
                raise
            continue
        regs.append(module.register)
    return regs


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except _usage_errors() as exc:
        if args.debug:
            raise
        print(f"siegewatch: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        if args.debug:
            raise
        print("siegewatch: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        # A path the user gave that cannot be read or written (an output folder, a table).
        if args.debug or exc.filename is None:
            raise
        print(
            f"siegewatch: error: {exc.filename}: {exc.strerror or exc}; check that the path "
            "exists and that you may read or write it",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
