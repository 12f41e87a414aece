"""Command-line sub-command `build`: build every table of a corpus as a parquet dataset.

    siegewatch build PATH… [--out DIR] [--engine local|dask] [--scheduler ADDRESS]
                           [--workers N] [--force] [--quiet]

The dataset goes to DIR/corpus-<fingerprint>/ (default data/processed), which `open_corpus`
and the reports then read instead of extracting again.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from siegewatch.cli import UsageError, _gazetteer_arg, _paths_arg


def _positive(s: str) -> int:
    try:
        n = int(s)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"{s}: give a whole number of workers, 1 or more")
    return n


def cmd_build(args: argparse.Namespace) -> int:
    from siegewatch import pipeline

    if args.scheduler and args.engine != "dask":
        raise UsageError("--scheduler needs --engine dask; add --engine dask or drop it")
    try:
        stats = pipeline.build(
            args.paths,
            args.out,
            gazetteer=args.gazetteer,
            sources=args.sources,
            outlets=args.outlets,
            engine=args.engine,
            scheduler=args.scheduler,
            workers=args.workers,
            progress=not args.quiet,
            force=args.force,
        )
    except pipeline.BuildError as exc:
        raise UsageError(str(exc)) from exc
    mb = stats.n_bytes / 2**20
    if stats.cached:
        what = "up to date (nothing to do)"
    else:
        rate = mb / stats.seconds if stats.seconds else 0.0
        what = f"built in {stats.seconds:.1f} s ({rate:.1f} MB/s)"
    print(
        f"{stats.path}: {stats.n_files} files, {mb:.1f} MB, {stats.n_articles} articles; {what}",
        file=sys.stderr,
    )
    print(stats.path)
    return 0


def register(sub: Any) -> None:
    """Add `build` to the command line."""
    p = sub.add_parser(
        "build",
        help="build every table of a corpus as parquet (cached; what notebooks and reports read)",
        description=(__doc__ or "").split("\n\n")[0],
    )
    _paths_arg(p)
    p.add_argument("--out", metavar="DIR",
                   help="folder of built corpora (default: data/processed)")
    p.add_argument("--engine", choices=["local", "dask"], default="local",
                   help="local: processes on this machine (default); dask: a Dask cluster")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (default: start a "
                   "local cluster)")
    p.add_argument("--workers", type=_positive, metavar="N",
                   help="worker processes (default: every core)")
    _gazetteer_arg(p)
    p.add_argument("--sources", metavar="CSV", help="sources table instead of the bundled one")
    p.add_argument("--outlets", metavar="CSV", help="outlets table instead of the bundled one")
    p.add_argument("--force", action="store_true", help="build again even if up to date")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_build)
