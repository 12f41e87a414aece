"""Chunking: process a file too big to hold in memory as a sequence of chunks.

A file above `CHUNK_THRESHOLD` bytes is scanned once, streaming (`plan_chunks`): its SHA-1,
its encoding (by the same rules as `loading.decode_bytes`, from statistics gathered chunk by
chunk), and cut points about every `CHUNK_BYTES` bytes. A cut falls after a blank line,
preferably one that follows an article's end (a credit line in brackets, an "Associated
Press ... contributed" line or a "Sources:" line) and precedes something other than another
credit or sources line, so a chunk holds whole articles. Each chunk carries the character
offset and line number of its first character in the decoded file; `process_chunk` segments
and extracts the chunk alone and shifts every offset and line by them, so all tables point
into the same text `read_document(path).text` gives. Only plain-text files in an
ASCII-compatible encoding (UTF-8, Windows-1252, Latin-1) are chunked; others are read whole.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from siegewatch import loading
from siegewatch.loading import Document

CHUNK_THRESHOLD = 32 * 2**20  # files larger than this are read in chunks
CHUNK_BYTES = 8 * 2**20  # target size of a chunk

_NL = rb"(?:\r\n|\r|\n)"
# A credit line in brackets, an "Associated Press ... contributed" line or a "Sources:" line,
# then one or more blank lines.
_END_BREAK = re.compile(
    rb"^(?:\([^\r\n]*\)|Associated Press[^\r\n]*|Sources?:[^\r\n]*)[ \t]*" + _NL
    + rb"(?:[ \t]*" + _NL + rb")+",
    re.M,
)
_BLANK_BREAK = re.compile(_NL + rb"(?:[ \t]*" + _NL + rb")+")
_LINE_BREAK = re.compile(_NL)
_ASCII = bytes(range(128))


@dataclass(frozen=True)
class Chunk:
    """Bytes [byte_start, byte_end) of a file; its text starts at char_base, on line_base."""

    index: int
    byte_start: int
    byte_end: int
    char_base: int
    line_base: int


@dataclass
class ChunkPlan:
    """How a big file is read: its encoding, fingerprint and chunks."""

    file: str
    path: str
    encoding: str
    sha1: str
    n_bytes: int
    n_chars: int
    newline: str
    warnings: list[str] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)


def should_chunk(path: str | os.PathLike[str], threshold: int = CHUNK_THRESHOLD) -> bool:
    """True for a file larger than `threshold` bytes (whether it can be chunked is checked
    by `plan_chunks`)."""
    try:
        return os.stat(path).st_size > threshold
    except OSError:
        return False


def _cut(buf: bytes, lo: int) -> int:
    """Where to cut `buf` (at or after `lo`): after an article end, a blank line, or a line."""
    best = -1
    for m in _END_BREAK.finditer(buf, lo):
        end = m.end()
        if end >= len(buf):
            break
        if buf.startswith((b"(", b"Source"), end):
            continue  # a credit or sources line follows: it belongs to the article before
        best = end
    if best > 0:
        return best
    for pattern in (_BLANK_BREAK, _LINE_BREAK):
        for m in pattern.finditer(buf, lo):
            if m.end() < len(buf):  # the next byte is known: a CR LF pair is never split
                best = m.end()
        if best > 0:
            return best
    return -1


def _iter_pieces(f: Any, chunk_bytes: int) -> Any:
    """Yield (byte offset, bytes) pieces of about `chunk_bytes`, cut at line breaks."""
    pos = 0
    buf = b""
    while True:
        data = f.read(chunk_bytes)
        if data:
            buf += data
        if not data or len(buf) >= chunk_bytes:
            if not data:
                if buf:
                    yield pos, buf
                return
            cut = _cut(buf, chunk_bytes // 2 if len(buf) >= chunk_bytes else 0)
            if cut <= 0:
                continue  # one line longer than a chunk: read on to its end
            yield pos, buf[:cut]
            pos += cut
            buf = buf[cut:]


def _newline_counts(text: str) -> tuple[int, int, int]:
    crlf = text.count("\r\n")
    return crlf, text.count("\r") - crlf, text.count("\n") - crlf


def _decode_chunk(data: bytes, encoding: str) -> str:
    text = data.decode("utf-8" if encoding == "utf-8-sig" else encoding, errors="replace")
    text = text.replace("\x00", " ")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def plan_chunks(
    path: str | os.PathLike[str], name: str, chunk_bytes: int = CHUNK_BYTES
) -> ChunkPlan | None:
    """Scan a big file once and plan its chunks; None when it must be read whole."""
    p = Path(path)
    with open(p, "rb") as f:
        head = f.read(65536)
    if not head or loading.sniff_binary(head):
        return None
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE,
                        codecs.BOM_UTF16_BE)) or loading._looks_utf16(head[:4096]):
        return None  # not ASCII-compatible: newline bytes cannot be found without decoding
    bom = 3 if head.startswith(codecs.BOM_UTF8) else 0
    head_text = head[bom:].decode("utf-8", errors="replace")
    if loading.detect_format(name, head_text) != "text":
        return None

    sha = hashlib.sha1()
    pieces: list[tuple[int, int]] = []
    valid = True
    first_bad: tuple[int, bytes] | None = None
    last_piece_end = 0
    high: set[int] = set()
    with open(p, "rb") as f:
        for pos, data in _iter_pieces(f, chunk_bytes):
            sha.update(data)
            start = max(pos, bom)
            body = data[start - pos :]
            high.update(body.translate(None, _ASCII))
            if valid:
                try:
                    body.decode("utf-8")
                except UnicodeDecodeError as exc:
                    valid = False
                    first_bad = (start + exc.start, body[exc.start : exc.start + 1])
            pieces.append((start, pos + len(data)))
            last_piece_end = pos + len(data)
    n_bytes = last_piece_end
    warnings: list[str] = []
    if bom:
        encoding = "utf-8-sig"
    elif valid:
        encoding = "utf-8"
    else:
        assert first_bad is not None
        encoding = _decide_encoding(p, pieces, first_bad, n_bytes, high, warnings)
    # Second pass: character and line bases of every chunk, newline style, NULs, U+FFFD.
    chunks: list[Chunk] = []
    char_base, line_base = 0, 1
    counts = [0, 0, 0]
    nuls = replaced = 0
    with open(p, "rb") as f:
        for i, (s, e) in enumerate(pieces):
            f.seek(s)
            data = f.read(e - s)
            raw = data.decode("utf-8" if encoding == "utf-8-sig" else encoding, errors="replace")
            nuls += raw.count("\x00")
            replaced += raw.count("\ufffd")
            for k, n in enumerate(_newline_counts(raw)):
                counts[k] += n
            text = _decode_chunk(data, encoding)
            chunks.append(Chunk(i, s, e, char_base, line_base))
            char_base += len(text)
            line_base += text.count("\n")
    if replaced and (encoding == "utf-8-sig" or (encoding == "utf-8" and not valid)):
        warnings.append(
            f"{replaced} undecodable byte sequence(s) replaced by U+FFFD "
            "(the file may be cut inside a multi-byte character)"
        )
    if nuls:
        warnings.append(f"{nuls} NUL character(s) replaced by spaces")
    kinds = [k for k, n in zip(("CRLF", "CR", "LF"), counts, strict=True) if n]
    newline = kinds[0] if len(kinds) == 1 else ("none" if not kinds else "mixed")
    return ChunkPlan(
        file=name, path=str(p), encoding=encoding, sha1=sha.hexdigest(), n_bytes=n_bytes,
        n_chars=char_base, newline=newline, warnings=warnings, chunks=chunks,
    )


def _decide_encoding(
    p: Path,
    pieces: list[tuple[int, int]],
    first_bad: tuple[int, bytes],
    n_bytes: int,
    high: set[int],
    warnings: list[str],
) -> str:
    """`loading.decode_bytes`'s choice for a file that is not valid UTF-8, from its pieces."""
    offset, bad = first_bad
    if offset >= n_bytes - 3:
        return "utf-8"  # cut inside a character at the very end: still UTF-8
    good = n_bad = 0
    with open(p, "rb") as f:
        for s, e in pieces:
            f.seek(s)
            text = f.read(e - s).decode("utf-8", errors="replace")
            b = text.count("\ufffd")
            n_bad += b
            good += len(text) - len(text.encode("ascii", errors="ignore")) - b
    if good >= 20 and n_bad * 20 < good:
        return "utf-8"
    enc = "cp1252" if high & loading._CP1252_ONLY else "latin-1"
    warnings.append(f"not valid UTF-8 (byte 0x{bad.hex()} at offset {offset}); read as {enc}")
    return enc


def read_chunk(plan: ChunkPlan, chunk: Chunk) -> Document:
    """The decoded text of one chunk as a `Document` (offsets relative to the chunk)."""
    with open(plan.path, "rb") as f:
        f.seek(chunk.byte_start)
        data = f.read(chunk.byte_end - chunk.byte_start)
    return Document(
        file=plan.file, path=plan.path, text=_decode_chunk(data, plan.encoding),
        encoding=plan.encoding, newline=plan.newline, format="text", sha1=plan.sha1,
        n_bytes=plan.n_bytes, warnings=[],
    )


OFFSET_COLUMNS = ("start", "end")
LINE_COLUMNS = ("line", "first_line", "last_line")


# Evidence columns (`date_evidence`, `outlet_evidence`, ...) cite lines as "(line N)".
_EVIDENCE_LINE = re.compile(r"\(line (\d+)\)")


def shift_rows(rows: list[dict[str, Any]], char_base: int, line_base: int) -> None:
    """Move chunk-relative offsets and lines of `rows` to file-relative ones, in place
    (also the "(line N)" citations inside `*_evidence` texts)."""
    if not char_base and line_base == 1:
        return

    def cite(m: re.Match[str]) -> str:
        return f"(line {int(m.group(1)) + line_base - 1})"

    for row in rows:
        for c, v in row.items():
            if c.endswith("evidence") and isinstance(v, str) and "(line " in v:
                row[c] = _EVIDENCE_LINE.sub(cite, v)
        for c in OFFSET_COLUMNS:
            v = row.get(c)
            if v is not None:
                row[c] = v + char_base
        for c in LINE_COLUMNS:
            v = row.get(c)
            if v is not None:
                row[c] = v + line_base - 1


def process_chunk(plan: ChunkPlan, chunk: Chunk, options: Any = None) -> dict[str, Any]:
    """Segment and extract one chunk; rows point into the whole file (no `files` row)."""
    from siegewatch.corpus import process_document

    res = process_document(read_chunk(plan, chunk), options)
    res["files"] = []
    for name, rows in res.items():
        if name != "files":
            shift_rows(rows, chunk.char_base, chunk.line_base)
    return res


def files_row(plan: ChunkPlan, n_articles: int, n_ledger: int) -> dict[str, Any]:
    """The `files` row of a chunked file, once all its chunks are processed."""
    return {
        "file": plan.file, "path": plan.path, "status": "read", "reason": None,
        "format": "text", "encoding": plan.encoding, "newline": plan.newline,
        "n_bytes": plan.n_bytes, "n_chars": plan.n_chars, "sha1": plan.sha1,
        "n_articles": n_articles, "n_ledger": n_ledger, "warnings": list(plan.warnings),
    }
