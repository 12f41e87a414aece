"""Loading: find corpus files, decode them, and turn each into a `Document`.

A document's `text` is the file's decoded text with universal newlines (CRLF and CR become
LF, as Python's text mode reads it) and NUL bytes replaced by spaces, so every character
offset and line number the workbook reports points into text that any analyst gets back with
`siegewatch.loading.read_document(path).text`. Nothing here imports pandas or altair:
workers and the command line start fast.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
CSV_SUFFIXES = {".csv", ".tsv"}

# Magic numbers of common binary formats, for a clear reason instead of a garbled article.
_MAGIC = [
    (b"\x89PNG", "a PNG image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "an executable program"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PAR1", "a parquet file"),
    (b"SQLite format 3", "an SQLite database"),
]


@dataclass
class Record:
    """One pre-split article of a JSON Lines / CSV export, placed in the document text."""

    title: str
    title_start: int
    title_end: int
    body_start: int
    body_end: int
    date: str | None = None
    source: str | None = None
    url: str | None = None


@dataclass
class Document:
    """A decoded input file: its text and how it was read."""

    file: str  # path relative to the root it was found under, with forward slashes
    path: str  # absolute path
    text: str
    encoding: str
    newline: str  # "LF", "CRLF", "CR", "mixed" or "none"
    format: str  # "text", "html", "jsonl", "csv"
    sha1: str  # of the raw bytes
    n_bytes: int
    warnings: list[str] = field(default_factory=list)
    records: list[Record] | None = None  # set for jsonl/csv exports
    removed_markup_chars: int = 0  # html: characters of script, style, navigation dropped


@dataclass
class Unreadable:
    """A file (or link) that could not be read, with the reason and what to do about it."""

    file: str
    path: str
    reason: str


class LoadError(Exception):
    """A user-facing problem with the paths given (the message says what to do)."""


def file_fingerprint(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


# --------------------------------------------------------------------------- discovery


def discover(paths: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[Path, str] | Unreadable]:
    """Yield (path, name relative to its root) for every file under `paths`, in sorted order.

    Folders are walked recursively, following links to folders but never twice into the same
    real folder (a link loop is reported). Dangling links and unreadable folders are reported
    as `Unreadable` entries, never skipped silently. Hidden files and folders are passed over
    and reported, so nothing goes missing without a word. A file name that is not valid UTF-8
    is reported too: no table could hold it.
    """
    for item in _discover(paths):
        yield _check_name(item)


def _printable(s: str) -> str:
    """`s` with undecodable file-name bytes shown as backslash escapes (\\xe9)."""
    return s.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _check_name(item: tuple[Path, str] | Unreadable) -> tuple[Path, str] | Unreadable:
    if isinstance(item, Unreadable):
        return Unreadable(_printable(item.file), _printable(item.path), _printable(item.reason))
    path, name = item
    shown = _printable(str(path))
    if shown == str(path) and _printable(name) == name:
        return item
    return Unreadable(
        _printable(name),
        shown,
        "file name is not valid UTF-8 (it was written in another encoding, often by an old "
        "zip archive); rename the file, for example with `convmv -f latin1 -t utf-8 --notest`",
    )


def _discover(
    paths: Iterable[str | os.PathLike[str]],
) -> Iterator[tuple[Path, str] | Unreadable]:
    for given in paths:
        root = Path(given)
        if not root.exists() and not root.is_symlink():
            raise LoadError(
                f"{given}: no such file or folder; give the path of a corpus folder or file "
                "(for example data/raw)."
            )
        if root.is_symlink() and not root.exists():
            yield Unreadable(root.name, str(root), _dangling_reason(root))
            continue
        if root.is_file():
            yield root.resolve(), root.name
            continue
        yield from _walk(root)


def _dangling_reason(p: Path) -> str:
    try:
        target = os.readlink(p)
    except OSError:
        target = "?"
    return (
        f"dangling symbolic link: its target {target} does not exist; "
        "restore the target or delete the link"
    )


def _walk(root: Path) -> Iterator[tuple[Path, str] | Unreadable]:
    seen: set[str] = set()

    def rel(p: Path) -> str:
        return p.relative_to(root).as_posix()

    def visit(folder: Path) -> Iterator[tuple[Path, str] | Unreadable]:
        real = os.path.realpath(folder)
        if real in seen:
            yield Unreadable(
                rel(folder) or ".",
                str(folder),
                "symbolic link loop: this folder links back to a folder already read; "
                "remove the link",
            )
            return
        seen.add(real)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            yield Unreadable(
                rel(folder) or ".",
                str(folder),
                f"folder cannot be read ({exc.strerror}); check its permissions",
            )
            return
        for entry in entries:
            p = Path(entry.path)
            if entry.name.startswith(".") or entry.name == "__pycache__":
                yield Unreadable(
                    rel(p),
                    str(p),
                    "hidden file or folder passed over; rename it without the leading dot "
                    "to include it",
                )
                continue
            if entry.is_symlink() and not p.exists():
                yield Unreadable(rel(p), str(p), _dangling_reason(p))
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
            except OSError as exc:
                yield Unreadable(rel(p), str(p), f"cannot be read ({exc}); check the link")
                continue
            if is_dir:
                yield from visit(p)
            else:
                yield p, rel(p)

    yield from visit(root)


# --------------------------------------------------------------------------- decoding


# Control bytes that do not occur in text (NUL is counted apart; tab, newlines, form feed and
# the DOS end-of-file mark do occur).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (0, 9, 10, 11, 12, 13, 26))


def sniff_binary(data: bytes) -> str | None:
    """Return a description of why `data` is not text, or None if it looks like text."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    head = data[:65536]
    if not head:
        return None
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if _looks_utf16(head):
        return None
    # Text in any 8-bit encoding has next to no control bytes; random or compressed data has
    # about one in ten. NUL bytes are counted apart: a few inside text are tolerated (and
    # replaced by spaces), a file made mostly of them is padding, not text.
    nuls = head.count(0)
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if controls > 2 and controls / len(head) > 0.02:
        return "binary data (too many of its bytes are control characters)"
    if nuls / len(head) > 0.30:
        return "binary data (mostly NUL bytes)"
    return None


def _looks_utf16(head: bytes) -> bool:
    if len(head) < 4:
        return False
    even = head[0::2]
    odd = head[1::2]
    # One lane of zeros (ASCII in UTF-16), not both (zero padding is not text).
    return (odd.count(0) > 0.4 * len(odd)) != (even.count(0) > 0.4 * len(even))


_CP1252_ONLY = set(range(0x80, 0xA0)) - {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def decode_bytes(data: bytes) -> tuple[str, str, list[str]]:
    """Decode raw bytes, returning (text, encoding name, warnings).

    UTF-8 (with or without BOM) and UTF-16/32 with BOM are read as such; anything else that is
    not valid UTF-8 is Windows-1252 when it uses that code page's printable C1 bytes (curly
    quotes, dashes), else Latin-1. A UTF-8 file cut inside a multi-byte character is decoded
    with the broken tail replaced by U+FFFD and a warning.
    """
    warnings: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        return _decode_utf8(data[3:], "utf-8-sig", warnings)
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return data.decode("utf-32", errors="replace"), "utf-32", warnings
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = data.decode("utf-16", errors="replace")
        if "\ufffd" in text:
            warnings.append("undecodable UTF-16 sequences replaced by U+FFFD")
        return text, "utf-16", warnings
    if _looks_utf16(data[:4096]) and len(data) % 2 == 0:
        even_nuls = data[0::2][:2048].count(0)
        odd_nuls = data[1::2][:2048].count(0)
        enc = "utf-16-le" if odd_nuls > even_nuls else "utf-16-be"
        text = data.decode(enc, errors="replace")
        warnings.append(f"no byte-order mark; read as {enc} from its byte pattern")
        return text, enc, warnings
    try:
        return data.decode("utf-8"), "utf-8", warnings
    except UnicodeDecodeError as exc:
        # Valid UTF-8 up to a cut at the very end: a truncated file, still UTF-8. A lone
        # accented letter at the end of otherwise plain ASCII ("café" in Latin-1) is not a cut.
        if (
            exc.reason == "unexpected end of data"
            and _valid_utf8(data[: exc.start])
            and (len(data) - exc.start >= 2 or not data[: exc.start].isascii())
        ):
            return _decode_utf8(data, "utf-8", warnings)
        bad = data[exc.start : exc.start + 1]
        high = {b for b in data if b >= 0x80}
        if _mostly_utf8(data):
            return _decode_utf8(data, "utf-8", warnings)
        enc = "cp1252" if high & _CP1252_ONLY else "latin-1"
        warnings.append(
            f"not valid UTF-8 (byte 0x{bad.hex()} at offset {exc.start}); read as {enc}"
        )
        return data.decode(enc, errors="replace"), enc, warnings


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _mostly_utf8(data: bytes) -> bool:
    """True when invalid sequences are rare among many valid multi-byte ones."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 0x7F) - bad
    return good >= 20 and bad * 20 < good


def _decode_utf8(data: bytes, name: str, warnings: list[str]) -> tuple[str, str, list[str]]:
    text = data.decode("utf-8", errors="replace")
    n = text.count("\ufffd")
    if n:
        warnings.append(
            f"{n} undecodable byte sequence(s) replaced by U+FFFD "
            "(the file may be cut inside a multi-byte character)"
        )
    return text, name, warnings


def normalize_newlines(text: str) -> tuple[str, str]:
    """Universal newlines: CRLF and lone CR become LF. Returns (text, style found)."""
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    kinds = [k for k, n in (("CRLF", crlf), ("CR", cr), ("LF", lf)) if n]
    style = kinds[0] if len(kinds) == 1 else ("none" if not kinds else "mixed")
    if crlf or cr:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, style


# --------------------------------------------------------------------------- formats


class _VisibleText(HTMLParser):
    """Collect the text a reader sees: no script, style, navigation, headers or footers."""

    SKIP = {
        "script", "style", "noscript", "nav", "header", "footer", "aside", "form",
        "template", "svg", "iframe", "button", "select", "head",
    }
    BLOCK = {
        "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "tr",
        "table", "article", "section", "figure", "figcaption", "blockquote", "pre",
        "title", "hr", "dd", "dt", "main",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.removed = 0
        self.title: str | None = None
        self._in_title = False
        self._pre = 0  # inside <pre>, line breaks are the author's

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "pre":
            self._pre += 1
        if tag in self.SKIP:
            self.skip_depth += 1
        elif tag in self.BLOCK:
            self.parts.append("\n\n")
        if tag == "title":
            self._in_title = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "pre":
            self._pre = max(0, self._pre - 1)
        if tag in self.SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in self.BLOCK:
            self.parts.append("\n\n")
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            self.removed += len(data.strip())
            return
        if self._in_title:
            return  # the <title> usually repeats the headline; the <h1> is kept
        if not self._pre:
            # Line breaks in the HTML source are spaces on the page: only tags end paragraphs.
            data = data.replace("\r", " ").replace("\n", " ")
        self.parts.append(data)


def html_to_text(html: str) -> tuple[str, int]:
    """Visible article text of an HTML page, paragraphs separated by blank lines."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    raw = "".join(parser.parts)
    lines = [" ".join(line.split()) for line in raw.split("\n")]
    out: list[str] = []
    for line in lines:
        if line:
            out.append(line)
        elif out and out[-1] != "":
            out.append("")
    return "\n".join(out).strip() + "\n", parser.removed


_TITLE_KEYS = ("title", "headline")
_TEXT_KEYS = ("text", "body", "content", "article")
_DATE_KEYS = ("date", "published", "published_at", "pubdate")
_SOURCE_KEYS = ("source", "outlet", "publisher")
_URL_KEYS = ("url", "link")


def _pick(row: dict[str, object], keys: tuple[str, ...]) -> str | None:
    lower = {str(k).lower(): v for k, v in row.items()}
    for k in keys:
        v = lower.get(k)
        if v is not None and str(v).strip():
            return " ".join(str(v).split()) if k in _TITLE_KEYS else str(v).strip()
    return None


def records_to_text(
    rows: list[tuple[int, dict[str, object]]], file: str
) -> tuple[str, list[Record], list[str]]:
    """Lay out export records as text (title, blank line, body, blank line) with their spans."""
    parts: list[str] = []
    records: list[Record] = []
    warnings: list[str] = []
    pos = 0
    for lineno, row in rows:
        title = _pick(row, _TITLE_KEYS) or ""
        body = _pick(row, _TEXT_KEYS)
        if body is None:
            has_column = any(str(k).lower() in _TEXT_KEYS for k in row)
            what = (
                "its text field is empty; it is kept in the ledger"
                if has_column
                else "it has no text, body or content field; add a 'text' field"
            )
            warnings.append(f"{file}:{lineno}: record without article text: {what}")
            body = ""
        body, _ = normalize_newlines(body.replace("\x00", " "))
        t0 = pos
        parts.append(title + "\n\n")
        pos += len(title) + 2
        b0 = pos
        parts.append(body.strip() + "\n\n")
        pos += len(body.strip()) + 2
        records.append(
            Record(
                title=title,
                title_start=t0,
                title_end=t0 + len(title),
                body_start=b0,
                body_end=b0 + len(body.strip()),
                date=_pick(row, _DATE_KEYS),
                source=_pick(row, _SOURCE_KEYS),
                url=_pick(row, _URL_KEYS),
            )
        )
    return "".join(parts), records, warnings


def parse_jsonl(text: str, file: str) -> tuple[list[tuple[int, dict[str, object]]], list[str]]:
    rows: list[tuple[int, dict[str, object]]] = []
    warnings: list[str] = []
    for i, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            warnings.append(
                f"{file}:{i}: not a JSON object ({exc.msg}); the line was set aside — "
                "fix or remove it"
            )
            continue
        if not isinstance(obj, dict):
            warnings.append(f"{file}:{i}: JSON value is not an object; the line was set aside")
            continue
        rows.append((i, obj))
    return rows, warnings


def parse_csv(text: str, file: str, delimiter: str = ",") -> list[tuple[int, dict[str, object]]]:
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    rows: list[tuple[int, dict[str, object]]] = []
    for row in reader:
        rows.append((reader.line_num, {k: v for k, v in row.items() if k is not None}))
    return rows


def detect_format(name: str, text: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in JSONL_SUFFIXES:
        return "jsonl"
    if suffix in CSV_SUFFIXES:
        return "csv"
    head = text[:512].lstrip().lower()
    if head.startswith(("<!doctype html", "<html")):
        return "html"
    return "text"


_NO_TEXT = "no text: the file is {what}; export the article again or remove the file"


def read_document(path: str | os.PathLike[str], name: str | None = None) -> Document | Unreadable:
    """Read and decode one file; return an `Unreadable` with the reason instead of raising."""
    p = Path(path)
    name = name or p.name
    try:
        data = p.read_bytes()
    except IsADirectoryError:
        return Unreadable(name, str(p), "is a folder, not a file")
    except OSError as exc:
        return Unreadable(
            name, str(p), f"cannot be read ({exc.strerror or exc}); check its permissions"
        )
    if not data:
        return Unreadable(name, str(p), _NO_TEXT.format(what="empty (0 bytes)"))
    why = sniff_binary(data)
    if why:
        return Unreadable(
            name,
            str(p),
            f"not text: the file holds {why}; convert it to text or move it out of the corpus "
            "folder",
        )
    text, encoding, warnings = decode_bytes(data)
    if not text.replace("\x00", " ").strip():
        what = f"only whitespace ({len(data)} bytes)"
        return Unreadable(name, str(p), _NO_TEXT.format(what=what))
    nuls = text.count("\x00")
    if nuls:
        text = text.replace("\x00", " ")
        warnings.append(f"{nuls} NUL character(s) replaced by spaces")
    text, newline = normalize_newlines(text)
    fmt = detect_format(name, text)
    doc = Document(
        file=name,
        path=str(p),
        text=text,
        encoding=encoding,
        newline=newline,
        format=fmt,
        sha1=file_fingerprint(data),
        n_bytes=len(data),
        warnings=warnings,
    )
    if fmt == "html":
        doc.text, doc.removed_markup_chars = html_to_text(text)
    elif fmt in ("jsonl", "csv"):
        if fmt == "jsonl":
            rows, more = parse_jsonl(text, name)
            warnings.extend(more)
        else:
            delim = "\t" if Path(name).suffix.lower() == ".tsv" else ","
            try:
                rows = parse_csv(text, name, delim)
            except csv.Error as exc:
                return Unreadable(
                    name, str(p), f"not a readable CSV ({exc}); export it again as CSV or JSONL"
                )
        doc.text, doc.records, more = records_to_text(rows, name)
        warnings.extend(more)
    return doc


def iter_documents(
    paths: Iterable[str | os.PathLike[str]],
) -> Iterator[Document | Unreadable]:
    """Stream documents (or reasons they could not be read) from files and folders."""
    for item in discover(paths):
        if isinstance(item, Unreadable):
            yield item
        else:
            path, name = item
            yield read_document(path, name)
