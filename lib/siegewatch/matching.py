"""Matching engines: Hyperscan when its wheel is importable, else the pure-Python fallback.

Actors and dates both scan text for many literal-ish patterns in one pass; both pick their
engine here so `matcher=` and `$SIEGEWATCH_MATCHER` mean the same thing everywhere.
"""

from __future__ import annotations

import os
from functools import cache

MATCHERS = ("hyperscan", "python")


@cache
def hyperscan_available() -> bool:
    try:
        import hyperscan  # noqa: F401
    except ImportError:
        return False
    return True


def choose_matcher(matcher: str | None = None) -> str:
    """'hyperscan' when importable, else 'python'; `matcher` or $SIEGEWATCH_MATCHER forces one."""
    want = matcher or os.environ.get("SIEGEWATCH_MATCHER") or None
    if want is None:
        return "hyperscan" if hyperscan_available() else "python"
    if want not in MATCHERS:
        raise ValueError(f"unknown matcher {want!r}; use one of {', '.join(MATCHERS)}")
    if want == "hyperscan" and not hyperscan_available():
        raise ValueError("matcher 'hyperscan' asked for but the hyperscan package is not "
                         "importable; install it or use matcher='python'")
    return want
