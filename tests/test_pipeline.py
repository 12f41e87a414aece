"""The parquet pipeline: cache freshness, byte-identical rebuilds, chunked big files, reading."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from siegewatch import chunking, load_corpus, pipeline
from siegewatch.cli import main
from siegewatch.corpus import TABLE_NAMES
from siegewatch.loading import read_document


def _parquet_files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }




def test_rebuild_is_byte_identical(tmp_path: Path, raw_dir: Path) -> None:
    a = pipeline.build(raw_dir, tmp_path / "a", workers=1)
    b = pipeline.build(raw_dir, tmp_path / "b", workers=2, part_bytes=pipeline.PART_BYTES)
    assert not a.cached and not b.cached
    assert a.path.name == b.path.name  # same fingerprint
    fa, fb = _parquet_files(a.path), _parquet_files(b.path)
    assert sorted(fa) == sorted(fb)
    assert any(k.endswith(".parquet") for k in fa)
    for name in fa:
        assert fa[name] == fb[name], name
    # Building again over an existing build (forced) gives the same bytes too.
    c = pipeline.build(raw_dir, tmp_path / "a", workers=1, force=True)
    assert _parquet_files(c.path) == fa


def test_cached_tables_equal_in_memory(tmp_path: Path, raw_dir: Path, corpus) -> None:
    cached = pipeline.open_corpus(raw_dir, cache_dir=tmp_path, workers=1)
    assert isinstance(cached, pipeline.CachedCorpus)
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(cached.tables[name], corpus.tables[name], obj=name)
    assert cached.summary() == corpus.summary()
    assert cached.unique_articles()["article_id"].tolist() == (
        corpus.unique_articles()["article_id"].tolist()
    )


def test_cache_is_reused_and_invalidated(tmp_path: Path, corpus_copy: Path) -> None:
    cache = tmp_path / "cache"
    first = pipeline.build(corpus_copy, cache, workers=1)
    again = pipeline.build(corpus_copy, cache, workers=1)
    assert again.cached and again.path == first.path
    stamp = (first.path / pipeline.MANIFEST).stat().st_mtime_ns
    assert pipeline.open_corpus(corpus_copy, cache_dir=cache, workers=1).cache_path == first.path
    assert (first.path / pipeline.MANIFEST).stat().st_mtime_ns == stamp  # not rebuilt

    # Editing an input file gives a new fingerprint, and the new build sees the change.
    victim = sorted(corpus_copy.iterdir())[1]
    victim.write_text(victim.read_text() + "\nA late headline\n\nA late paragraph about it.\n")
    changed = pipeline.build(corpus_copy, cache, workers=1)
    assert not changed.cached and changed.path != first.path
    files = pipeline.read_table(changed.path, "files")
    assert files.loc[files["file"] == victim.name, "sha1"].item() != (
        pipeline.read_table(first.path, "files").loc[lambda f: f["file"] == victim.name, "sha1"]
        .item()
    )
    # Another gazetteer is another build.
    gaz = tmp_path / "actors.csv"
    gaz.write_text("x\n")
    keys = {pipeline.cache_key([corpus_copy], pipeline.list_inputs([corpus_copy]), o)
            for o in (pipeline.Options(), pipeline.Options(gazetteer=str(gaz)))}
    assert len(keys) == 2


def test_half_written_cache_is_never_read(tmp_path: Path, raw_dir: Path) -> None:
    cache = tmp_path / "cache"
    good = pipeline.build(raw_dir, cache, workers=1)
    # Simulate a build that died before its manifest was written: same key, no manifest.
    shutil.rmtree(good.path)
    (good.path / "articles").mkdir(parents=True)
    (good.path / "articles" / "part-00000.parquet").write_bytes(b"PAR1 truncated")
    with pytest.raises(FileNotFoundError, match="not a built corpus"):
        pipeline.load_cached(good.path)
    rebuilt = pipeline.build(raw_dir, cache, workers=1)
    assert not rebuilt.cached
    assert (rebuilt.path / pipeline.MANIFEST).is_file()
    assert len(pipeline.read_table(rebuilt.path, "articles")) > 0
    assert not list(cache.glob(".tmp-*")) and not list(cache.glob(".old-*"))


def test_read_table_columns_filters_and_counts(tmp_path: Path, raw_dir: Path, corpus) -> None:
    built = pipeline.build(raw_dir, tmp_path, workers=1).path
    body = pipeline.read_table(built, "blocks", columns=["article_id", "role"],
                               filters=[("role", "==", "body")])
    assert list(body.columns) == ["article_id", "role"]
    assert set(body["role"]) == {"body"}
    assert len(body) == (corpus.blocks["role"] == "body").sum()
    # count_by leaves duplicate articles out, as every count must.
    counts = pipeline.count_by(built, "blocks", ["role"])
    unique = set(corpus.unique_articles()["article_id"])
    expected = corpus.blocks[corpus.blocks["article_id"].isin(unique)]["role"].value_counts()
    got = dict(zip(counts["role"], counts["n"], strict=True))
    assert got == {k: int(v) for k, v in expected.items()}
    assert counts["n"].is_monotonic_decreasing
    batches = list(pipeline.scan_table(built, "blocks", columns=["text"], batch_rows=50))
    assert sum(len(b) for b in batches) == len(corpus.blocks) and len(batches) > 1
    with pytest.raises(KeyError, match="no such table"):
        pipeline.read_table(built, "sentences")


def _big_file(dest: Path, raw_dir: Path, newline: str = "\n", encoding: str = "utf-8") -> Path:
    """The bundled corpus concatenated into one file (articles end at credits/sources)."""
    text = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(raw_dir.iterdir()))
    if encoding != "utf-8":
        text = text.replace("’", "'").replace("“", '"').replace("”", '"').replace("–", "-")
        text = "".join(c if ord(c) < 256 else "?" for c in text)
    dest.write_bytes(text.replace("\n", newline).encode(encoding))
    return dest


@pytest.mark.parametrize(
    ("newline", "encoding"), [("\n", "utf-8"), ("\r\n", "utf-8"), ("\n", "latin-1")]
)
def test_chunked_file_matches_whole_file(
    tmp_path: Path, raw_dir: Path, newline: str, encoding: str
) -> None:
    folder = tmp_path / "big"
    folder.mkdir()
    big = _big_file(folder / "big.txt", raw_dir, newline, encoding)
    plan = chunking.plan_chunks(big, "big.txt", chunk_bytes=12_000)
    assert plan is not None and len(plan.chunks) >= 5
    whole = read_document(big, "big.txt")
    assert (plan.encoding, plan.newline, plan.n_chars, plan.sha1, plan.warnings) == (
        whole.encoding, whole.newline, len(whole.text), whole.sha1, whole.warnings
    )
    # Chunks tile the file, and each chunk's text is the whole text at its base offset.
    assert plan.chunks[0].byte_start == 0 and plan.chunks[-1].byte_end == big.stat().st_size
    for a, b in zip(plan.chunks, plan.chunks[1:], strict=False):
        assert a.byte_end == b.byte_start
    for ch in plan.chunks:
        piece = chunking.read_chunk(plan, ch).text
        assert whole.text[ch.char_base : ch.char_base + len(piece)] == piece
        assert whole.text.count("\n", 0, ch.char_base) + 1 == ch.line_base

    built = pipeline.build(folder, tmp_path / "cache", workers=2, part_bytes=12_000,
                           chunk_threshold=10_000)
    assert built.n_parts == len(plan.chunks)
    expected = load_corpus(folder)
    cached = pipeline.load_cached(built.path)
    for name in ("articles", "blocks"):
        pd.testing.assert_frame_equal(cached.tables[name], expected.tables[name], obj=name)
    pd.testing.assert_frame_equal(cached.files.drop(columns="n_ledger"),
                                  expected.files.drop(columns="n_ledger"))
    assert cached.files["n_ledger"].item() == len(cached.ledger)
    # A ledger run cut by a chunk boundary is two rows; the same lines and characters.
    def lines(led: pd.DataFrame) -> set[int]:
        return {n for a, b in zip(led["first_line"], led["last_line"], strict=True)
                for n in range(int(a), int(b) + 1)}

    assert lines(cached.ledger) == lines(expected.ledger)
    assert cached.ledger["chars"].sum() == expected.ledger["chars"].sum()
    for row in cached.blocks.itertuples():
        assert whole.text[row.start : row.end] == row.text
        assert whole.text.count("\n", 0, row.start) + 1 == row.line


def test_small_files_and_unreadable_are_not_chunked(tmp_path: Path, raw_dir: Path) -> None:
    folder = tmp_path / "mixed"
    shutil.copytree(raw_dir, folder)
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    built = pipeline.build(folder, tmp_path / "cache", workers=1, chunk_threshold=10_000)
    files = pipeline.read_table(built.path, "files")
    assert files.loc[files["file"] == "photo.txt", "status"].item() == "unreadable"
    assert (files["status"] == "read").sum() == 5
    assert chunking.plan_chunks(folder / "photo.txt", "photo.txt") is None


def test_cli_build(tmp_path: Path, raw_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", str(raw_dir), "--out", str(tmp_path), "--workers", "1"]) == 0
    out, err = capsys.readouterr()
    folder = Path(out.strip())
    assert (folder / pipeline.MANIFEST).is_file() and folder.parent == tmp_path
    assert "articles" in err and "MB/s" in err
    assert main(["build", str(raw_dir), "--out", str(tmp_path), "--quiet"]) == 0
    assert "up to date" in capsys.readouterr().err
    assert main(["build", str(raw_dir), "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert "--engine dask" in capsys.readouterr().err
    assert main(["build", str(tmp_path / "nowhere"), "--out", str(tmp_path)]) == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_unwritable_cache_falls_back_to_memory(tmp_path: Path, raw_dir: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.warns(UserWarning, match="cannot write the table cache"):
            c = pipeline.open_corpus(raw_dir, cache_dir=ro / "cache", workers=1)
        assert len(c.articles) > 0
    finally:
        ro.chmod(0o700)
