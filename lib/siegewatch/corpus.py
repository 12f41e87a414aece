"""The `Corpus`: load → segment → extract, as a per-file map step and a cheap reduce.

`process_file` is the map step: it reads one file and returns plain rows for every table, so
it can run in a process pool or on a Dask worker and stream (nothing in it sees another file).
`reduce_results` concatenates those rows into typed tables and marks duplicate articles across
files. `load_corpus` does both in memory for a corpus that fits; `siegewatch.pipeline` writes
the same tables to partitioned parquet for corpora that do not.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from siegewatch import dedup, schema
from siegewatch.extract import Options, extract
from siegewatch.loading import Document, Unreadable, discover, read_document
from siegewatch.segmenting import segment

TABLE_NAMES = ("files", "articles", "blocks", "ledger", "mentions", "attributions", "events")
FileResult = dict[str, list[dict[str, Any]]]


def _empty_result() -> FileResult:
    return {name: [] for name in TABLE_NAMES}


def unreadable_result(item: Unreadable) -> FileResult:
    res = _empty_result()
    res["files"].append(
        {"file": item.file, "path": item.path, "status": "unreadable", "reason": item.reason,
         "n_articles": 0, "n_ledger": 1, "warnings": []}
    )
    res["ledger"].append(
        {"file": item.file, "reason": f"unreadable file: {item.reason}", "excerpt": ""}
    )
    return res


def process_document(doc: Document, options: Options | None = None) -> FileResult:
    """Segment and extract one decoded document into rows of every table."""
    options = options or Options()
    seg = segment(doc)
    for row in seg.articles:
        exact, sig, n = dedup.signature(str(row["body"]))
        row["text_hash"], row["minhash"], row["n_shingles"] = exact, sig, n
    extracted = extract(doc, seg, options)
    res = _empty_result()
    res["articles"] = seg.articles
    res["blocks"] = seg.blocks
    res["ledger"] = seg.ledger
    for name in ("mentions", "attributions", "events"):
        res[name] = extracted.get(name, [])
    warnings = list(doc.warnings)
    if doc.removed_markup_chars:
        res["ledger"].append(
            {"file": doc.file, "reason": "html markup: script, style and navigation removed",
             "chars": doc.removed_markup_chars, "excerpt": ""}
        )
    res["files"].append(
        {
            "file": doc.file, "path": doc.path, "status": "read", "reason": None,
            "format": doc.format, "encoding": doc.encoding, "newline": doc.newline,
            "n_bytes": doc.n_bytes, "n_chars": len(doc.text), "sha1": doc.sha1,
            "n_articles": len(seg.articles), "n_ledger": len(res["ledger"]),
            "warnings": warnings,
        }
    )
    return res


def process_file(
    path: str | os.PathLike[str], name: str, options: Options | None = None
) -> FileResult:
    """The map step: read, decode, segment and extract one file (never raises on bad input)."""
    doc = read_document(path, name)
    if isinstance(doc, Unreadable):
        return unreadable_result(doc)
    return process_document(doc, options)


def _process_item(args: tuple[Any, Options]) -> FileResult:
    item, options = args
    if isinstance(item, Unreadable):
        return unreadable_result(item)
    path, name = item
    return process_file(path, name, options)


def list_inputs(paths: Iterable[str | os.PathLike[str]]) -> list[tuple[Path, str] | Unreadable]:
    """Every input file (or unreadable entry) under `paths`, in corpus order."""
    return list(discover(paths))


def map_files(
    items: Sequence[tuple[Path, str] | Unreadable],
    options: Options | None = None,
    workers: int | None = 1,
) -> Iterator[FileResult]:
    """Run the map step over `items` in order, in `workers` processes (None: every core)."""
    options = options or Options()
    jobs = [(item, options) for item in items]
    n = workers if workers is not None else (os.cpu_count() or 1)
    if n <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield _process_item(job)
        return
    with ProcessPoolExecutor(max_workers=n) as pool:
        yield from pool.map(_process_item, jobs, chunksize=max(1, len(jobs) // (n * 8)))


def mark_duplicates(articles: Any) -> Any:
    """Set `duplicate_of` on every article that repeats an earlier one (corpus order)."""
    if articles.empty:
        return articles
    order = articles.sort_values(["file", "start"], kind="stable")
    dups = dedup.find_duplicates(
        list(order["article_id"]),
        list(order["text_hash"]),
        [b if isinstance(b, bytes) else b"" for b in order["minhash"]],
        [int(x) for x in order["n_shingles"].fillna(0)],
    )
    articles = articles.copy()
    articles["duplicate_of"] = articles["article_id"].map(dups).astype("string")
    return articles


def reduce_results(results: Iterable[FileResult]) -> dict[str, Any]:
    """Concatenate per-file rows into typed tables and mark duplicates across files."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLE_NAMES}
    for res in results:
        for name in TABLE_NAMES:
            rows[name].extend(res.get(name, []))
    tables = {name: schema.frame(name, rows[name]) for name in TABLE_NAMES}
    tables["articles"] = mark_duplicates(tables["articles"])
    return tables


def fingerprint(files: Any) -> str:
    """Fingerprint of a corpus: names and content hashes of its files."""
    h = hashlib.sha1()
    for file, sha in sorted(zip(files["file"], files["sha1"].fillna(""), strict=True)):
        h.update(f"{file}\0{sha}\n".encode())
    return h.hexdigest()[:16]


@dataclass
class Corpus:
    """A segmented corpus: its tables, and a way back from any span to its text."""

    tables: dict[str, Any]
    roots: list[str] = field(default_factory=list)
    options: Options = field(default_factory=Options)

    @property
    def files(self) -> Any:
        return self.tables["files"]

    @property
    def articles(self) -> Any:
        return self.tables["articles"]

    @property
    def blocks(self) -> Any:
        return self.tables["blocks"]

    @property
    def ledger(self) -> Any:
        return self.tables["ledger"]

    @property
    def mentions(self) -> Any:
        return self.tables["mentions"]

    @property
    def attributions(self) -> Any:
        return self.tables["attributions"]

    @property
    def events(self) -> Any:
        return self.tables["events"]

    @property
    def unreadable(self) -> Any:
        f = self.files
        return f[f["status"] == "unreadable"][["file", "reason"]].reset_index(drop=True)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.files)

    def unique_articles(self) -> Any:
        """Articles that are not duplicates of an earlier one: what every count uses."""
        a = self.articles
        return a[a["duplicate_of"].isna()].reset_index(drop=True)

    def document(self, file: str) -> Document:
        """Re-read one file of the corpus as the document its offsets point into."""
        match = self.files[self.files["file"] == file]
        if match.empty:
            raise KeyError(f"{file}: not a file of this corpus")
        doc = read_document(match["path"].iloc[0], file)
        if isinstance(doc, Unreadable):
            raise OSError(f"{file}: {doc.reason}")
        return doc

    def text(self, file: str) -> str:
        return self.document(file).text

    def article(self, article_id: str) -> Any:
        a = self.articles
        match = a[a["article_id"] == article_id]
        if match.empty:
            raise KeyError(f"{article_id}: no article with this id")
        return match.iloc[0]

    def summary(self) -> dict[str, Any]:
        return summarize(
            self.files, self.articles, self.ledger,
            {name: len(self.tables[name]) for name in ("mentions", "attributions", "events")},
            self.fingerprint,
        )


def summarize(
    files: Any, articles: Any, ledger: Any, counts: dict[str, int], fingerprint: str
) -> dict[str, Any]:
    """Corpus counts: files, articles, duplicates, words, ledger, extracted rows."""
    unique = articles["duplicate_of"].isna()
    return {
        "files": int(len(files)),
        "files_unreadable": int((files["status"] == "unreadable").sum()),
        "articles": int(len(articles)),
        "duplicates": int((~unique).sum()),
        "unique_articles": int(unique.sum()),
        "words": int(articles.loc[unique, "n_words"].sum()),
        "ledger_rows": int(len(ledger)),
        "ledger_chars": int(ledger["chars"].fillna(0).sum()),
        **{name: int(n) for name, n in counts.items()},
        "fingerprint": fingerprint,
    }


def load_corpus(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    gazetteer: str | os.PathLike[str] | None = None,
    sources: str | os.PathLike[str] | None = None,
    outlets: str | os.PathLike[str] | None = None,
    workers: int | None = 1,
) -> Corpus:
    """Load, segment and extract files or folders (recursively) into an in-memory `Corpus`.

    Unreadable files are listed in `corpus.files` (status 'unreadable') and in the ledger
    with their reason; they never raise. A path that does not exist raises `LoadError`.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    options = Options.of(gazetteer, sources, outlets)
    items = list_inputs(paths)
    tables = reduce_results(map_files(items, options, workers))
    return Corpus(tables=tables, roots=[str(p) for p in paths], options=options)
