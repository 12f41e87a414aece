"""Every table the workbook builds, its columns and what they mean, documented in one place.

Offsets (`start`, `end`) are character offsets into the decoded document text (universal
newlines, NUL bytes as spaces: see `siegewatch.loading`), end exclusive; `line`, `first_line`,
`last_line` are 1-based and inclusive. `docs/tables.md` is generated from this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# (column, pandas dtype, meaning)
Column = tuple[str, str, str]

TABLES: dict[str, list[Column]] = {
    "files": [
        ("file", "string", "path of the file relative to the folder (or file) given"),
        ("path", "string", "absolute path when read (not written to reports)"),
        ("status", "string", "'read' or 'unreadable'"),
        ("reason", "string", "why an unreadable file could not be used, and what to do"),
        ("format", "string", "text, html, jsonl or csv"),
        ("encoding", "string", "encoding the bytes were decoded with"),
        ("newline", "string", "LF, CRLF, CR, mixed or none, as found in the file"),
        ("n_bytes", "Int64", "size of the file in bytes"),
        ("n_chars", "Int64", "characters of decoded text"),
        ("sha1", "string", "fingerprint of the raw bytes"),
        ("n_articles", "Int64", "articles segmented from the file"),
        ("n_ledger", "Int64", "ledger rows set aside from the file"),
        ("warnings", "object", "list of decoding or parsing warnings"),
    ],
    "articles": [
        ("article_id", "string", "stable id: file name + content fingerprint, then ordinal"),
        ("file", "string", "file the article was found in"),
        ("first_line", "Int64", "first line of the article (its title, when it has one)"),
        ("last_line", "Int64", "last line (credit or sources line, when it has one)"),
        ("start", "Int64", "offset of the article's first character"),
        ("end", "Int64", "offset after its last character"),
        ("title", "string", "headline, BBCode removed; '' for an untitled repeat"),
        ("outlet", "string", "outlet or wire that published it (dateline, credits, sources)"),
        ("aggregator", "string", "site that re-posted it (from a 'Sources:' line), if any"),
        ("outlet_evidence", "string", "text the outlet was read from"),
        ("url", "string", "the article's address, when an export gives it"),
        ("dateline", "string", "place named in the dateline, e.g. 'AMMAN'"),
        ("bylines", "object", "list of reporters named in 'By …' lines"),
        ("credits", "object", "list of credit-line parts ('Reporting by …', 'Editing by …')"),
        ("sources", "object", "list of names on the 'Sources:' line"),
        ("captions", "object", "list of photo captions, each once"),
        ("body", "string", "article text: body paragraphs and section headings"),
        ("n_words", "Int64", "words in `body`"),
        ("duplicate_of", "string", "id of the first article this one repeats, else null"),
        ("date", "string", "publication date: YYYY-MM-DD, or YYYY-MM at month precision"),
        ("date_precision", "string", "day, month or null"),
        ("date_confidence", "string", "explicit, inferred or unknown"),
        ("date_evidence", "string", "the text the date was read from"),
        ("text_hash", "string", "hash of the normalized body (exact duplicates)"),
        ("minhash", "object", "MinHash signature bytes of the body (near duplicates)"),
        ("n_shingles", "Int64", "distinct word 5-shingles in the body"),
    ],
    "blocks": [
        ("article_id", "string", "article the block belongs to"),
        ("file", "string", "file"),
        ("block", "Int64", "ordinal of the block in its article"),
        ("role", "string", "title, caption, caption_repeat, byline, dateline, body, heading, "
         "credit, note, graphic, sources, artifact or repeat"),
        ("line", "Int64", "line of the block"),
        ("start", "Int64", "offset of the block's first character"),
        ("end", "Int64", "offset after its last character"),
        ("text", "string", "the block's text"),
    ],
    "ledger": [
        ("file", "string", "file the span was set aside from"),
        ("first_line", "Int64", "first line of the span (null for a whole unreadable file)"),
        ("last_line", "Int64", "last line of the span"),
        ("start", "Int64", "offset of the span's first character"),
        ("end", "Int64", "offset after its last character"),
        ("reason", "string", "why it was set aside"),
        ("chars", "Int64", "non-whitespace characters in the span"),
        ("excerpt", "string", "the span's first characters, for a reader"),
    ],
    "mentions": [
        ("article_id", "string", "article the mention is in"),
        ("file", "string", "file"),
        ("line", "Int64", "line of the mention"),
        ("actor", "string", "canonical actor name from the gazetteer"),
        ("bloc", "string", "bloc the actor belongs to"),
        ("surface", "string", "the text as written"),
        ("start", "Int64", "offset of the mention"),
        ("end", "Int64", "offset after the mention"),
        ("sentence", "string", "the sentence it occurs in"),
        ("role", "string", "role of the block it occurs in (title, body, caption, ...)"),
    ],
    "attributions": [
        ("article_id", "string", "article the statement is in"),
        ("file", "string", "file"),
        ("line", "Int64", "line of the attribution cue"),
        ("source", "string", "normalized source the claim is attributed to"),
        ("source_type", "string", "war monitor, state media, government, military, armed group, "
         "UN or aid agency, rescue workers, residents, analysts, foreign government, ..."),
        ("anonymous", "boolean", "true when the source is not named"),
        ("side", "string", "side of an anonymous source where the text says it"),
        ("cue", "string", "the attribution cue: said, told Reuters, according to, ..."),
        ("start", "Int64", "offset of the source phrase"),
        ("end", "Int64", "offset after the source phrase"),
        ("sentence", "string", "the attributed sentence"),
    ],
    "events": [
        ("article_id", "string", "article the statement is in"),
        ("file", "string", "file"),
        ("line", "Int64", "line of the date expression"),
        ("expression", "string", "the date expression as written"),
        ("date", "string", "resolved date (start of the range): YYYY-MM-DD"),
        ("date_end", "string", "end of the range, inclusive (same as date for a day)"),
        ("precision", "string", "day, week, month, year, or range"),
        ("relative", "boolean", "resolved against the article date"),
        ("start", "Int64", "offset of the expression"),
        ("end", "Int64", "offset after the expression"),
        ("sentence", "string", "the sentence"),
    ],
}


def columns(table: str) -> list[str]:
    return [c for c, _, _ in TABLES[table]]


def frame(table: str, rows: Iterable[Mapping[str, Any]] | None = None) -> Any:
    """A DataFrame for `table` with exactly its documented columns, in order, typed."""
    import pandas as pd

    cols = TABLES[table]
    df = pd.DataFrame(list(rows or []))
    for name, _dtype, _ in cols:
        if name not in df.columns:
            df[name] = pd.Series([None] * len(df), dtype="object")
    df = df[[c for c, _, _ in cols]]
    for name, dtype, _ in cols:
        if dtype == "object":
            continue
        df[name] = df[name].astype(dtype)
    return df.reset_index(drop=True)


def markdown() -> str:
    """The tables' documentation as Markdown (written to docs/tables.md)."""
    out = ["# Tables", "", (__doc__ or "").strip().split("\n\n", 1)[1], ""]
    for table, cols in TABLES.items():
        out += [f"## `{table}`", "", "| column | type | meaning |", "|---|---|---|"]
        out += [f"| `{c}` | {t} | {m} |" for c, t, m in cols]
        out.append("")
    return "\n".join(out)
