"""Accounting: every non-whitespace character of every readable file is in exactly one article
block or one ledger span; unreadable files are listed with their reason.

`account(corpus)` re-reads each file and checks this, returning one row per file: characters in
articles, in the ledger, unaccounted for (lost) and claimed twice. The overview report and
`siegewatch ledger --accounting` show it; the tests assert lost == twice == 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from siegewatch.loading import Unreadable, read_document

_WHITESPACE = np.array([c for c in range(0x3001) if chr(c).isspace()], dtype=np.uint32)


def coverage(
    text: str, spans_article: list[tuple[int, int]], spans_ledger: list[tuple[int, int]]
) -> dict[str, int]:
    """Count non-whitespace characters by how many spans claim them."""
    n = len(text)
    claims = np.zeros(n + 1, dtype=np.int32)
    in_article = np.zeros(n + 1, dtype=np.int32)
    for s, e in spans_article:
        claims[s] += 1
        claims[e] -= 1
        in_article[s] += 1
        in_article[e] -= 1
    for s, e in spans_ledger:
        claims[s] += 1
        claims[e] -= 1
    claims = np.cumsum(claims)[:n]
    in_article = np.cumsum(in_article)[:n]
    # Whitespace as str.isspace() sees it, vectorised over the code points.
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    nonws = ~np.isin(codes, _WHITESPACE)
    return {
        "chars": int(nonws.sum()),
        "in_articles": int((nonws & (in_article > 0) & (claims == 1)).sum()),
        "in_ledger": int((nonws & (in_article == 0) & (claims == 1)).sum()),
        "lost": int((nonws & (claims == 0)).sum()),
        "claimed_twice": int((nonws & (claims > 1)).sum()),
    }


def account(corpus: Any) -> Any:
    """One row per file: status, characters in articles / ledger, lost, claimed twice, reason."""
    import pandas as pd

    rows = []
    blocks = corpus.blocks
    ledger = corpus.ledger
    for f in corpus.files.itertuples(index=False):
        if f.status != "read":
            rows.append({"file": f.file, "status": f.status, "chars": None, "in_articles": None,
                         "in_ledger": None, "lost": None, "claimed_twice": None,
                         "reason": f.reason})
            continue
        doc = read_document(f.path, f.file)
        if isinstance(doc, Unreadable):
            rows.append({"file": f.file, "status": "unreadable", "reason": doc.reason})
            continue
        b = blocks[blocks["file"] == f.file]
        led = ledger[(ledger["file"] == f.file) & ledger["start"].notna()]
        counts = coverage(
            doc.text,
            list(zip(b["start"].astype(int), b["end"].astype(int), strict=True)),
            list(zip(led["start"].astype(int), led["end"].astype(int), strict=True)),
        )
        rows.append({"file": f.file, "status": "read", **counts, "reason": None})
    return pd.DataFrame(rows)
