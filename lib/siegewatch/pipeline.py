"""Pipeline: build the corpus tables once, as parquet, and reuse them (notebooks never re-extract).

`build` runs the per-file map step (`corpus.process_file`; `chunking.process_chunk` for files
above `chunking.CHUNK_THRESHOLD`) over groups of files, on local processes or a Dask cluster,
and streams each group's rows to one parquet part per table as groups complete, in corpus
order. The reduce step reads only the articles' signature columns to mark duplicates across
files, then rewrites `duplicate_of` part by part. The dataset is built in a hidden temporary
folder and renamed into place, so a half-written cache is never read; its name is a
fingerprint of the inputs (names, sizes, modification times), the analyst-editable tables in
data/ (gazetteer, sources, outlets, ...) and the library's code, so a stale cache is never
read either. The same input gives byte-identical parquet files, whatever the engine or the
number of workers.

    corpus = open_corpus("data/raw")                      # from the cache when fresh
    mentions = read_table(corpus, "mentions", columns=["article_id", "actor"])
    per_actor = count_by(corpus, "mentions", ["actor"])   # aggregated part by part

Layout: <cache_dir>/corpus-<key>/{manifest.json, <table>/part-00000.parquet, ...}.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from siegewatch import __version__, chunking, schema
from siegewatch import paths as P
from siegewatch.corpus import (
    TABLE_NAMES,
    Corpus,
    list_inputs,
    load_corpus,
    process_file,
    summarize,
    unreadable_result,
)
from siegewatch.extract import Options
from siegewatch.loading import Unreadable

CACHE_FORMAT = 1
MANIFEST = "manifest.json"
PART_BYTES = 2 * 2**20  # input bytes per task (and per parquet part): small, for balance
PART_FILES = 512  # at most this many files per task
SIGNATURE_COLUMNS = ["article_id", "file", "start", "text_hash", "minhash", "n_shingles"]
COMPRESSION = "zstd"
ENGINES = ("local", "dask")

# Arrow types of the "object" columns of schema.TABLES; any other object column is a list of
# strings.
_OBJECT_TYPES = {"minhash": "binary"}


class BuildError(RuntimeError):
    """A build that could not finish; the message says which file or what to do."""


# --------------------------------------------------------------------------- arrow schemas


@functools.cache
def arrow_schema(table: str) -> Any:
    """The parquet (Arrow) schema of a table, from its documented columns."""
    import pyarrow as pa

    types = {"string": pa.string(), "Int64": pa.int64(), "boolean": pa.bool_()}
    fields = []
    for name, dtype, _ in schema.TABLES[table]:
        if dtype == "object":
            t = pa.binary() if _OBJECT_TYPES.get(name) == "binary" else pa.list_(pa.string())
        else:
            t = types.get(dtype, pa.string())
        fields.append(pa.field(name, t))
    return pa.schema(fields)


def to_arrow(table: str, rows: list[dict[str, Any]]) -> Any:
    """Rows of `table` as an Arrow table with exactly its documented columns."""
    import pyarrow as pa

    sch = arrow_schema(table)
    try:
        return pa.Table.from_pylist(rows, schema=sch)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        pass  # find the column at fault, for the message
    cols = []
    for f in sch:
        values = [r.get(f.name) for r in rows]
        try:
            cols.append(pa.array(values, type=f.type))
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError) as exc:
            raise BuildError(
                f"table {table}, column {f.name}: values do not fit the documented type "
                f"{f.type} ({exc}); fix the extractor or the column's type in schema.TABLES"
            ) from exc
    return pa.Table.from_arrays(cols, schema=sch)


def to_frame(table: str, data: Any) -> Any:
    """An Arrow table of `table` (all or some columns) as a DataFrame typed like
    `schema.frame`."""
    import pandas as pd
    import pyarrow as pa

    df = data.to_pandas(
        types_mapper={pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}.get
    )
    dtypes = {c: t for c, t, _ in schema.TABLES[table]}
    for c in df.columns:
        t = dtypes.get(c)
        if t == "string":
            df[c] = df[c].astype("string")
        elif t == "object" and pa.types.is_list(data.schema.field(c).type):
            df[c] = pd.Series(
                [None if v is None else list(v) for v in df[c]], index=df.index, dtype=object
            )
    return df.reset_index(drop=True)


# --------------------------------------------------------------------------- tasks


@dataclass
class Task:
    """One unit of the map step: a group of whole files, or one chunk of a big file."""

    index: int
    items: list[tuple[str, str] | Unreadable] = field(default_factory=list)
    plan: chunking.ChunkPlan | None = None
    chunk: chunking.Chunk | None = None
    n_bytes: int = 0


def run_task(task: Task, options: Options) -> dict[str, Any]:
    """The map step for one task, on a worker: Arrow tables of every table, plus counts."""
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLE_NAMES}
    n_files = 0
    if task.plan is not None and task.chunk is not None:
        try:
            res = chunking.process_chunk(task.plan, task.chunk, options)
        except Exception as exc:
            raise BuildError(
                f"{task.plan.file} (chunk {task.chunk.index}, from byte "
                f"{task.chunk.byte_start}): processing failed: {exc!r}"
            ) from exc
        for name in TABLE_NAMES:
            rows[name].extend(res.get(name, []))
    else:
        for item in task.items:
            n_files += 1
            if isinstance(item, Unreadable):
                res = unreadable_result(item)
            else:
                try:
                    res = process_file(item[0], item[1], options)
                except Exception as exc:
                    raise BuildError(f"{item[1]}: processing failed: {exc!r}") from exc
            for name in TABLE_NAMES:
                rows[name].extend(res.get(name, []))
    return {
        "tables": {name: to_arrow(name, rows[name]) for name in TABLE_NAMES},
        "n_files": n_files,
        "n_bytes": task.n_bytes,
        "n_articles": len(rows["articles"]),
        "n_ledger": len(rows["ledger"]),
    }


def plan_tasks(
    items: Sequence[tuple[Path, str] | Unreadable],
    part_bytes: int = PART_BYTES,
    chunk_threshold: int = chunking.CHUNK_THRESHOLD,
) -> Iterator[Task]:
    """Group inputs into tasks in corpus order; a big file becomes one task per chunk.

    A generator: a big file is scanned for its chunks only when the tasks before it have been
    handed out, so workers are busy while it is scanned.
    """
    index = 0
    cur = Task(index)
    for item in items:
        size = 0
        if not isinstance(item, Unreadable):
            try:
                size = os.stat(item[0]).st_size
            except OSError:
                size = 0
            if size > chunk_threshold:
                plan = chunking.plan_chunks(item[0], item[1], min(part_bytes, size))
                if plan is not None:
                    if cur.items:
                        yield cur
                        index += 1
                    for ch in plan.chunks:
                        yield Task(index, plan=plan, chunk=ch, n_bytes=ch.byte_end - ch.byte_start)
                        index += 1
                    cur = Task(index)
                    continue
            item = (str(item[0]), item[1])
        if cur.items and (cur.n_bytes + size > part_bytes or len(cur.items) >= PART_FILES):
            yield cur
            index += 1
            cur = Task(index)
        cur.items.append(item)
        cur.n_bytes += size
    if cur.items:
        yield cur


# --------------------------------------------------------------------------- engines


def _ordered(
    tasks: Iterable[Task],
    submit: Callable[[Task], Any],
    wait_first: Callable[[list[Any]], Iterable[Any]],
    result: Callable[[Any], Any],
    window: int,
) -> Iterator[tuple[Task, Any]]:
    """Results in task order, with at most `window` tasks submitted but not yet consumed."""
    it = iter(tasks)
    pending: dict[Any, Task] = {}
    ready: dict[int, tuple[Task, Any]] = {}
    next_index = 0
    exhausted = False
    while True:
        while not exhausted and len(pending) + len(ready) < window:
            task = next(it, None)
            if task is None:
                exhausted = True
                break
            pending[submit(task)] = task
        if next_index in ready:
            yield ready.pop(next_index)
            next_index += 1
            continue
        if not pending:
            if ready:  # cannot happen: indexes are consecutive
                raise BuildError("internal error: task results out of order")
            return
        for fut in wait_first(list(pending)):
            task = pending.pop(fut)
            ready[task.index] = (task, result(fut))


def _local_results(
    tasks: Iterable[Task],
    options: Options,
    workers: int,
    initializer: Callable[[], None] | None = None,
) -> Iterator[tuple[Task, Any]]:
    if workers <= 1:
        if initializer is not None:
            initializer()
        for task in tasks:
            yield task, run_task(task, options)
        return
    import multiprocessing

    ctx = multiprocessing.get_context("forkserver" if sys.platform != "win32" else "spawn")
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=initializer) as pool:
        yield from _ordered(
            tasks,
            lambda t: pool.submit(run_task, t, options),
            lambda futs: wait(futs, return_when=FIRST_COMPLETED).done,
            lambda f: f.result(),
            window=workers + 2,
        )


def _dask_results(
    tasks: Iterable[Task],
    options: Options,
    scheduler: str | None,
    workers: int,
) -> Iterator[tuple[Task, Any]]:
    from distributed import Client, LocalCluster
    from distributed import wait as dwait

    cluster = None
    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as exc:
            raise BuildError(
                f"cannot reach the Dask scheduler at {scheduler} ({exc}); start it with "
                "`dask scheduler` (and workers with `dask worker ADDRESS`) or leave out "
                "--scheduler to use a local cluster"
            ) from exc
    else:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = Client(cluster)
    try:
        n = max(1, len(client.scheduler_info().get("workers", {})) or workers)
        yield from _ordered(
            tasks,
            lambda t: client.submit(run_task, t, options, pure=False),
            lambda futs: dwait(futs, return_when="FIRST_COMPLETED").done,
            lambda f: f.result(),
            window=2 * n + 2,
        )
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# --------------------------------------------------------------------------- cache key


def _file_sha1(path: Path) -> str:
    h = hashlib.sha1()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def library_fingerprint() -> str:
    """The library's version and a hash of its code: a code change invalidates caches."""
    h = hashlib.sha1(f"{__version__}\0{CACHE_FORMAT}\0{chunking.CHUNK_THRESHOLD}".encode())
    for p in sorted(Path(__file__).parent.glob("*.py")):
        h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()[:16]


def _data_tables(options: Options) -> list[Path]:
    """The analyst-editable tables extraction may read: every CSV/TSV/JSON file in data/
    (outside the corpus and the caches), and the tables given explicitly."""
    found: list[Path] = []
    if P.DATA_DIR.is_dir():
        for p in sorted(P.DATA_DIR.rglob("*")):
            rel = p.relative_to(P.DATA_DIR).parts
            if not rel or rel[0] in ("raw", "processed") or any(x.startswith(".") for x in rel):
                continue
            if p.is_file() and p.suffix.lower() in (".csv", ".tsv", ".json", ".yaml", ".yml"):
                found.append(p)
    for given in (options.gazetteer, options.sources, options.outlets):
        if given:
            found.append(Path(given))
    return found


def cache_key(
    roots: Sequence[str | os.PathLike[str]],
    items: Sequence[tuple[Path, str] | Unreadable],
    options: Options,
    layout: str = "",
) -> str:
    """Fingerprint of inputs (paths, sizes, mtimes), editable tables, library code and
    `layout` (part size and chunking threshold, which shape the parts)."""
    h = hashlib.sha1(f"{library_fingerprint()}\0{layout}".encode())
    for r in roots:
        h.update(f"root\0{os.path.abspath(r)}\n".encode())
    for item in items:
        if isinstance(item, Unreadable):
            h.update(f"unreadable\0{item.file}\0{item.reason}\n".encode())
            continue
        path, name = item
        try:
            st = os.stat(path)
            h.update(f"file\0{name}\0{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        except OSError as exc:
            h.update(f"file\0{name}\0{path}\0{exc}\n".encode())
    for k, given in zip(("gazetteer", "sources", "outlets"),
                        (options.gazetteer, options.sources, options.outlets), strict=True):
        h.update(f"{k}\0{given or ''}\n".encode())
    for p in _data_tables(options):
        try:
            h.update(f"table\0{p}\0{_file_sha1(p)}\n".encode())
        except OSError as exc:
            h.update(f"table\0{p}\0{exc}\n".encode())
    return h.hexdigest()[:20]


# --------------------------------------------------------------------------- build


def _part_path(folder: Path, table: str, index: int) -> Path:
    return folder / table / f"part-{index:05d}.parquet"


def _write(table: Any, path: Path) -> None:
    import pyarrow.parquet as pq

    pq.write_table(table, path, compression=COMPRESSION, use_dictionary=True)


def _renumber(table: Any, offset: int) -> Any:
    """Add `offset` to the ordinal of every article id (chunks after a file's first)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if offset == 0 or table.num_rows == 0:
        return table
    for col in ("article_id", "duplicate_of"):
        i = table.schema.get_field_index(col)
        if i < 0:
            continue
        ids = table.column(col)
        prefix = pc.utf8_slice_codeunits(ids, 0, 11)  # "<10 hex digits>-"
        ordinal = pc.add(pc.cast(pc.utf8_slice_codeunits(ids, 11), pa.int64()), offset)
        new = pc.binary_join_element_wise(
            prefix, pc.utf8_lpad(pc.cast(ordinal, pa.string()), 4, "0"), ""
        )
        table = table.set_column(i, col, new)
    return table


class _Progress:
    """tqdm bar on stderr: MB read, files, articles, throughput."""

    def __init__(self, total_bytes: int, n_files: int, enabled: bool) -> None:
        self.bar = None
        self.files = 0
        self.articles = 0
        self.n_files = n_files
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(total=total_bytes, unit="B", unit_scale=True, unit_divisor=1024,
                            file=sys.stderr, desc="build", dynamic_ncols=True)

    def update(self, n_bytes: int, n_files: int, n_articles: int) -> None:
        self.files += n_files
        self.articles += n_articles
        if self.bar is not None:
            self.bar.set_postfix(files=f"{self.files}/{self.n_files}",
                                 articles=self.articles, refresh=False)
            self.bar.update(n_bytes)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


@dataclass
class BuildStats:
    """What a build did, for the command line and the benchmark."""

    path: Path
    cached: bool
    n_files: int = 0
    n_bytes: int = 0
    n_articles: int = 0
    n_parts: int = 0
    seconds: float = 0.0
    seconds_reduce: float = 0.0  # of `seconds`: marking duplicates across the parts


def build(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    out: str | os.PathLike[str] | None = None,
    *,
    gazetteer: str | os.PathLike[str] | None = None,
    sources: str | os.PathLike[str] | None = None,
    outlets: str | os.PathLike[str] | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    progress: bool = False,
    force: bool = False,
    part_bytes: int = PART_BYTES,
    chunk_threshold: int | None = None,
    initializer: Callable[[], None] | None = None,
) -> BuildStats:
    """Build every table of the corpus at `paths` as parquet under `out` (default
    data/processed), unless a fresh build is there already; return where it is.

    `engine` is "local" (processes on this machine, `workers` of them, default every core)
    or "dask" (the cluster at `scheduler`, or a local one). `initializer` runs in each local
    worker before any task (the benchmark swaps the matcher with it).
    """
    if engine not in ENGINES:
        raise BuildError(f"unknown engine {engine!r}; use one of {', '.join(ENGINES)}")
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    options = Options.of(gazetteer, sources, outlets)
    t0 = time.perf_counter()
    items = list_inputs(paths)
    root = Path(out) if out is not None else P.PROCESSED_DIR
    threshold = chunk_threshold or chunking.CHUNK_THRESHOLD
    key = cache_key(paths, items, options, f"{part_bytes}:{threshold}")
    final = root / f"corpus-{key}"
    if (final / MANIFEST).is_file() and not force:
        m = json.loads((final / MANIFEST).read_text())
        return BuildStats(final, True, m["n_files"], m["n_bytes"], m["rows"]["articles"],
                          m["n_parts"], time.perf_counter() - t0)
    root.mkdir(parents=True, exist_ok=True)
    tmp = root / f".tmp-corpus-{key}-{uuid.uuid4().hex[:8]}"
    try:
        stats = _build_into(tmp, paths, items, options, engine, scheduler, workers, progress,
                            part_bytes, threshold, initializer)
        _publish(tmp, final)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    stats.path = final
    stats.seconds = time.perf_counter() - t0
    return stats


def _publish(tmp: Path, final: Path) -> None:
    """Rename the finished build into place (atomic); replace an older build of the key."""
    old = None
    if final.exists():
        old = final.with_name(f".old-{final.name}-{uuid.uuid4().hex[:8]}")
        os.rename(final, old)
    try:
        os.rename(tmp, final)
    except OSError:
        if not (final / MANIFEST).is_file():  # not a concurrent build of the same inputs
            raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _build_into(
    tmp: Path,
    roots: Sequence[str | os.PathLike[str]],
    items: Sequence[tuple[Path, str] | Unreadable],
    options: Options,
    engine: str,
    scheduler: str | None,
    workers: int | None,
    progress: bool,
    part_bytes: int,
    chunk_threshold: int,
    initializer: Callable[[], None] | None,
) -> BuildStats:
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    for name in TABLE_NAMES:
        (tmp / name).mkdir(parents=True)
    total = 0
    for item in items:
        if not isinstance(item, Unreadable):
            try:
                total += os.stat(item[0]).st_size
            except OSError:
                pass
    tasks = plan_tasks(items, part_bytes, chunk_threshold)
    if engine == "dask":
        results = _dask_results(tasks, options, scheduler, n_workers)
    else:
        results = _local_results(tasks, options, n_workers, initializer)
    bar = _Progress(total, len(items), progress)
    rows = dict.fromkeys(TABLE_NAMES, 0)
    n_parts = 0
    chunked: dict[str, list[int]] = {}  # file -> [articles, ledger rows] of chunks so far
    try:
        for task, res in results:
            tables = res["tables"]
            if task.plan is not None and task.chunk is not None:
                counts = chunked.setdefault(task.plan.file, [0, 0])
                offset = counts[0]
                counts[0] += res["n_articles"]
                counts[1] += res["n_ledger"]
                if offset:
                    tables = {n: _renumber(t, offset) for n, t in tables.items()}
                if task.chunk.index == len(task.plan.chunks) - 1:
                    tables["files"] = to_arrow(
                        "files", [chunking.files_row(task.plan, counts[0], counts[1])]
                    )
                    res["n_files"] = 1
                    del chunked[task.plan.file]
            for name in TABLE_NAMES:
                _write(tables[name], _part_path(tmp, name, task.index))
                rows[name] += tables[name].num_rows
            n_parts += 1
            bar.update(res["n_bytes"], res["n_files"], res["n_articles"])
    finally:
        bar.close()
        close = getattr(results, "close", None)
        if close is not None:
            close()
    t_reduce = time.perf_counter()
    n_dups = _mark_duplicates(tmp, n_parts)
    t_reduce = time.perf_counter() - t_reduce
    manifest = {
        "format": CACHE_FORMAT,
        "library": __version__,
        "code": library_fingerprint(),
        "roots": [str(r) for r in roots],
        "options": {"gazetteer": options.gazetteer, "sources": options.sources,
                    "outlets": options.outlets},
        "n_files": len(items),
        "n_bytes": total,
        "n_parts": n_parts,
        "rows": rows,
        "duplicates": n_dups,
        "tables": {name: schema.columns(name) for name in TABLE_NAMES},
    }
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return BuildStats(tmp, False, len(items), total, rows["articles"], n_parts,
                      seconds_reduce=t_reduce)


def _mark_duplicates(folder: Path, n_parts: int) -> int:
    """The reduce step: mark duplicate articles across all parts, rewriting `duplicate_of`.

    Reads only the signature columns and stays in Arrow (no DataFrame of every article), so a
    corpus of hundreds of thousands of articles reduces in seconds and a few hundred MB.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from siegewatch import dedup

    parts = [_part_path(folder, "articles", i) for i in range(n_parts)]
    ids_by_part = []
    sigs = []
    for p in parts:
        s = pq.read_table(p, columns=SIGNATURE_COLUMNS)
        ids_by_part.append(s.column("article_id"))
        sigs.append(s)
    if not sigs:
        return 0
    sig = pa.concat_tables(sigs).sort_by([("file", "ascending"), ("start", "ascending")])
    del sigs
    if sig.num_rows == 0:
        return 0
    dup_of = dedup.find_duplicates(
        sig.column("article_id").to_pylist(),
        sig.column("text_hash").to_pylist(),
        [b or b"" for b in sig.column("minhash").to_pylist()],
        [n or 0 for n in sig.column("n_shingles").to_pylist()],
    )
    del sig
    n = 0
    for p, ids in zip(parts, ids_by_part, strict=True):
        values = [dup_of.get(i) for i in ids.to_pylist()]
        if not any(v is not None for v in values):
            continue
        n += sum(v is not None for v in values)
        t = pq.read_table(p)
        i = t.schema.get_field_index("duplicate_of")
        t = t.set_column(i, "duplicate_of", pa.array(values, type=pa.string()))
        _write(t, p)
    return n


# --------------------------------------------------------------------------- reading


def _folder(cache: Any) -> Path:
    if isinstance(cache, CachedCorpus):
        return cache.cache_path
    folder = Path(cache)
    if not (folder / MANIFEST).is_file():
        raise FileNotFoundError(
            f"{folder}: not a built corpus (no {MANIFEST}); build it with `siegewatch build`"
        )
    return folder


def _dataset(cache: Any, table: str) -> Any:
    import pyarrow.dataset as ds

    if table not in schema.TABLES:
        raise KeyError(f"{table}: no such table; tables are {', '.join(TABLE_NAMES)}")
    folder = _folder(cache) / table
    files = sorted(str(p) for p in folder.glob("part-*.parquet"))
    return ds.dataset(files, schema=arrow_schema(table), format="parquet")


def _expression(filters: Any) -> Any:
    if filters is None:
        return None
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    if isinstance(filters, pc.Expression):
        return filters
    return pq.filters_to_expression(filters)


def read_table(
    cache: Any,
    table: str,
    columns: Sequence[str] | None = None,
    filters: Any = None,
) -> Any:
    """Read one table (some columns, some rows) of a built corpus into a typed DataFrame.

    `cache` is a built corpus folder or a corpus `open_corpus` returned. `filters` is a
    pyarrow expression or a list of (column, op, value) tuples, e.g.
    `[("actor", "in", ["Hezbollah", "Russia"])]`; only matching rows are loaded.
    """
    data = _dataset(cache, table).to_table(
        columns=list(columns) if columns is not None else None, filter=_expression(filters)
    )
    return to_frame(table, data)


def scan_table(
    cache: Any,
    table: str,
    columns: Sequence[str] | None = None,
    filters: Any = None,
    batch_rows: int = 200_000,
) -> Iterator[Any]:
    """Iterate over a table in DataFrames of at most `batch_rows` rows (bounded memory)."""
    scanner = _dataset(cache, table).scanner(
        columns=list(columns) if columns is not None else None,
        filter=_expression(filters), batch_size=batch_rows,
    )
    import pyarrow as pa

    for batch in scanner.to_batches():
        if batch.num_rows:
            yield to_frame(table, pa.Table.from_batches([batch]))


def duplicate_ids(cache: Any) -> set[str]:
    """Ids of articles that repeat an earlier one (to leave out of every count)."""
    import pyarrow.compute as pc

    t = _dataset(cache, "articles").to_table(
        columns=["article_id"], filter=pc.field("duplicate_of").is_valid()
    )
    return set(t.column("article_id").to_pylist())


def count_by(
    cache: Any,
    table: str,
    by: Sequence[str],
    filters: Any = None,
    unique_only: bool = True,
) -> Any:
    """Row counts of `table` grouped by the columns `by`, aggregated batch by batch.

    With `unique_only` (the default) rows of duplicate articles are left out, as every count
    in the workbook does. The result has the `by` columns and `n`, largest first.
    """
    import pandas as pd
    import pyarrow as pa
    import pyarrow.compute as pc

    by = list(by)
    need = list(dict.fromkeys(by + (["article_id"] if unique_only else [])))
    expr = _expression(filters)
    if unique_only:
        dups = duplicate_ids(cache)
        if dups:
            drop = ~pc.field("article_id").isin(pa.array(sorted(dups), type=pa.string()))
            expr = drop if expr is None else expr & drop
    partial: list[Any] = []
    scanner = _dataset(cache, table).scanner(columns=need, filter=expr, batch_size=500_000)
    for batch in scanner.to_batches():
        if batch.num_rows:
            t = pa.Table.from_batches([batch]).select(by)
            partial.append(t.group_by(by, use_threads=False).aggregate([([], "count_all")]))
    if not partial:
        return pd.DataFrame({**{c: pd.Series(dtype="string") for c in by},
                             "n": pd.Series(dtype="Int64")})
    total = pa.concat_tables(partial).group_by(by, use_threads=False).aggregate(
        [("count_all", "sum")]
    )
    df = to_frame(table, total.select(by))
    df["n"] = pd.array(total.column("count_all_sum").to_pylist(), dtype="Int64")
    return df.sort_values(["n", *by], ascending=[False] + [True] * len(by),
                          kind="stable").reset_index(drop=True)


class _LazyTables(dict):  # type: ignore[type-arg]
    """Tables read from the parquet dataset the first time they are used."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def __missing__(self, name: str) -> Any:
        if name not in TABLE_NAMES:
            raise KeyError(name)
        df = read_table(self.folder, name)
        self[name] = df
        return df


class CachedCorpus(Corpus):
    """A `Corpus` whose tables are read from a built parquet dataset when first used.

    For a large corpus, read big tables (blocks, mentions, attributions, events) with
    `read_table`/`count_by` rather than as whole attributes.
    """

    def __init__(self, folder: Path, roots: list[str], options: Options) -> None:
        super().__init__(tables=_LazyTables(folder), roots=roots, options=options)
        self.cache_path = folder
        self.manifest = json.loads((folder / MANIFEST).read_text())

    def read_table(self, table: str, columns: Sequence[str] | None = None,
                   filters: Any = None) -> Any:
        return read_table(self, table, columns, filters)

    def count_by(self, table: str, by: Sequence[str], filters: Any = None,
                 unique_only: bool = True) -> Any:
        return count_by(self, table, by, filters, unique_only)

    def summary(self) -> dict[str, Any]:
        """Like `Corpus.summary`, counting the big tables from the manifest."""
        rows = self.manifest["rows"]
        return summarize(
            self.read_table("files", columns=["file", "sha1", "status"]),
            self.read_table("articles", columns=["duplicate_of", "n_words"]),
            self.read_table("ledger", columns=["chars"]),
            {name: rows[name] for name in ("mentions", "attributions", "events")},
            self.fingerprint,
        )


def load_cached(folder: str | os.PathLike[str]) -> CachedCorpus:
    """The corpus of a built dataset folder (corpus-<key>)."""
    folder = _folder(folder)
    m = json.loads((folder / MANIFEST).read_text())
    o = m.get("options", {})
    return CachedCorpus(folder, list(m.get("roots", [])),
                        Options(o.get("gazetteer"), o.get("sources"), o.get("outlets")))


def open_corpus(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
    *,
    gazetteer: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    workers: int | None = None,
) -> Corpus:
    """The corpus at `paths` (default: the bundled data/raw), from the cache when it is fresh.

    The tables are built (in `workers` processes, default every core) into `cache_dir`
    (default data/processed) when no fresh build is there. When the cache folder cannot be
    written, the corpus is loaded in memory instead, with a warning.
    """
    import warnings

    if paths is None:
        paths = [P.RAW_DIR]
    try:
        stats = build(paths, cache_dir, gazetteer=gazetteer, workers=workers)
    except PermissionError as exc:
        warnings.warn(
            f"cannot write the table cache ({exc}); loading the corpus in memory instead — "
            "give a writable cache_dir to reuse the tables",
            stacklevel=2,
        )
        return load_corpus(paths, gazetteer=gazetteer, workers=workers)
    return load_cached(stats.path)
