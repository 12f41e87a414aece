"""The Dask engine runs the same map step on a cluster and builds the same tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from siegewatch import pipeline
from siegewatch.corpus import TABLE_NAMES

distributed = pytest.importorskip("distributed")

SORT_KEYS = {
    "files": ["file"],
    "articles": ["article_id"],
    "blocks": ["article_id", "block", "start"],
    "ledger": ["file", "start", "reason"],
    "mentions": ["article_id", "start", "end", "actor"],
    "attributions": ["article_id", "start", "end", "source"],
    "events": ["article_id", "start", "end"],
}


@pytest.fixture(scope="module")
def scheduler():
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, host="127.0.0.1", dashboard_address=None,
        threads_per_worker=1,
    )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


@pytest.fixture()
def corpus_with_big_file(corpus_copy: Path, raw_dir: Path) -> Path:
    """The bundled files, plus all of them in one file that is read in chunks."""
    folder = corpus_copy
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(raw_dir.iterdir()))
    (folder / "zz_all.txt").write_text(text, encoding="utf-8")
    return folder


def _sorted(name: str, df: pd.DataFrame) -> pd.DataFrame:
    keys = [k for k in SORT_KEYS[name] if k in df.columns]
    return df.sort_values(keys, kind="stable").reset_index(drop=True)


def test_dask_engine_builds_the_same_tables(
    tmp_path: Path, corpus_with_big_file: Path, scheduler: str
) -> None:
    kw = dict(workers=2, part_bytes=20_000, chunk_threshold=60_000)
    local = pipeline.build(corpus_with_big_file, tmp_path / "local", engine="local", **kw)
    dask = pipeline.build(corpus_with_big_file, tmp_path / "dask", engine="dask",
                          scheduler=scheduler, **kw)
    assert local.n_parts == dask.n_parts > 3
    a, b = pipeline.load_cached(local.path), pipeline.load_cached(dask.path)
    assert len(a.articles) > 0 and a.articles["duplicate_of"].notna().any()
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(
            _sorted(name, a.tables[name]), _sorted(name, b.tables[name]), obj=name
        )
    # Parts are named by their place in the corpus, not by when they finished: same bytes.
    for p in sorted(local.path.rglob("*.parquet")):
        assert p.read_bytes() == (dask.path / p.relative_to(local.path)).read_bytes(), p
