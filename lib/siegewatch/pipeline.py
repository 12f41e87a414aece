"""Pipeline: build the corpus tables once and reuse them (notebooks read, never re-extract).

`open_corpus` is what notebooks and reports call. (Being extended: parquet cache under
data/processed/ keyed by a fingerprint of inputs, gazetteer and library version; local and Dask
engines.)
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from siegewatch import paths as P
from siegewatch.corpus import Corpus, load_corpus


def open_corpus(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
    *,
    gazetteer: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    workers: int | None = None,
) -> Corpus:
    """The corpus at `paths` (default: the bundled data/raw), from the cache when it is fresh."""
    if paths is None:
        paths = [P.RAW_DIR]
    return load_corpus(paths, gazetteer=gazetteer, workers=workers)
