"""`siegewatch report`: build the HTML reports of every notebook for a corpus."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def cmd_report(args: argparse.Namespace) -> int:
    """Validate the parameters, then execute, export and index every notebook."""
    from siegewatch import params as params_mod
    from siegewatch.cli import UsageError
    from siegewatch.reports import ReportFailed, build_reports

    pairs = list(args.param or [])
    if args.corpus is not None:
        if any(p.partition("=")[0].strip() == "corpus" for p in pairs):
            raise UsageError(
                "the corpus is given twice (as CORPUS and as -p corpus=…); give it once"
            )
        pairs.insert(0, f"corpus={args.corpus}")
    params = params_mod.from_pairs(pairs)
    for warning in params.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers must be 1 or more, not {args.workers}")
    try:
        run = build_reports(
            args.out, params, notebooks_dir=args.notebooks, workers=args.workers,
            kernel=args.kernel, timeout=args.timeout or None,
        )
    except FileNotFoundError as exc:
        raise UsageError(f"{exc}; pass --notebooks DIR to use another folder") from None
    except ReportFailed as exc:
        print(f"siegewatch: error: {exc}", file=sys.stderr)
        return 1
    n = len(run.results)
    print(f"{n} report{'s' if n != 1 else ''} written to {args.out}/index.html "
          f"in {run.seconds:.1f} s (corpus {run.fingerprint})")
    return 0


def register(subparsers: Any) -> None:
    """Add the `report` sub-command to the main parser."""
    p = subparsers.add_parser(
        "report",
        help="execute every notebook and write self-contained HTML reports",
        description="Execute every notebook in notebooks/ with papermill (in parallel), export "
        "each to HTML with the code hidden, and write OUT/index.html linking them. The reports "
        "work offline. If a notebook fails, OUT keeps its earlier reports and the executed "
        "notebook is kept in OUT/failed/.",
    )
    p.add_argument("corpus", nargs="?", metavar="CORPUS",
                   help="corpus file or folder (default: the bundled data/raw)")
    p.add_argument("--out", required=True, metavar="DIR", help="folder for the HTML reports")
    p.add_argument("-p", "--param", action="append", metavar="NAME=VALUE",
                   help="notebook parameter, e.g. -p start=2016-10-01 -p factions=ISIS,Hezbollah"
                   " (repeatable)")
    p.add_argument("--notebooks", metavar="DIR", default=None,
                   help="folder of notebooks to run (default: the project's notebooks/)")
    p.add_argument("--workers", type=int, default=None, metavar="N",
                   help="notebooks run at once (default: one per core)")
    p.add_argument("--kernel", default="python3", help="Jupyter kernel (default: python3)")
    p.add_argument("--timeout", type=int, default=300, metavar="SECONDS",
                   help="time limit per cell, 0 for none (default: 300)")
    p.set_defaults(func=cmd_report)
