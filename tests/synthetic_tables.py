"""A bundled corpus with FULL extraction tables, for analysis-layer tests.

The extractors are developed separately; to test reports when their tables are full, this
adds dates, mentions, attributions and events found by a few plain regular expressions in the
real blocks of the bundled corpus (real offsets, lines and sentences; the duplicate article
gets its own rows, so tests can check it is never counted).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import pandas as pd

from siegewatch import paths, schema
from siegewatch.corpus import Corpus
from siegewatch.loading import read_document
from siegewatch.sentences import LineIndex, SentenceIndex

ACTORS = {
    "Hezbollah": ("Hezbollah", "government and allies"),
    "Islamic State": ("Islamic State", "Islamic State"),
    "rebels": ("rebels", "opposition"),
    "Syrian army": ("Syrian army", "government and allies"),
    "Russian": ("Russia", "foreign states"),
    "Russia": ("Russia", "foreign states"),
    "Turkey": ("Turkey", "foreign states"),
}
SOURCES = {
    "the Observatory": ("Syrian Observatory for Human Rights", "war monitor", False),
    "state media": ("state media", "state media", True),
    "a rebel official": ("rebel official", "armed group", True),
    "residents": ("residents", "residents", True),
    "the army": ("Syrian army", "military", False),
    "the monitor": ("Syrian Observatory for Human Rights", "war monitor", False),
    "officials": ("officials", "government", True),
    "activists": ("activists", "residents", True),
    "a military source": ("military source", "military", True),
    "Lavrov": ("Sergei Lavrov", "foreign government", False),
    "Kerry": ("John Kerry", "foreign government", False),
    "Putin": ("Vladimir Putin", "foreign government", False),
    "he": ("he", "unresolved", False),
    "they": ("they", "unresolved", False),
}
MENTION_RE = re.compile(r"\b(" + "|".join(sorted(ACTORS, key=len, reverse=True)) + r")\b")
SOURCE_RE = re.compile(r"\b(" + "|".join(SOURCES) + r"),? (?:said|says|told)\b")
EVENT_RE = re.compile(r"\bon (Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
ROLES = ("title", "body", "heading", "caption")
RAW = paths.RAW_DIR


def article_dates(articles: pd.DataFrame) -> dict[str, tuple[str | None, str | None]]:
    """A made-up date per article: every 9th day from 2016-10-03; every 4th at month precision,
    the 3rd undated."""
    out: dict[str, tuple[str | None, str | None]] = {}
    for i, aid in enumerate(articles["article_id"]):
        day = dt.date(2016, 10, 3) + dt.timedelta(days=9 * i)
        if i == 2:
            out[aid] = (None, None)
        elif i % 4 == 3:
            out[aid] = (day.strftime("%Y-%m"), "month")
        else:
            out[aid] = (day.isoformat(), "day")
    return out


def segmented_corpus() -> Corpus:
    """The bundled corpus read, segmented and de-duplicated, WITHOUT the extractors (which
    are being written elsewhere and must not change what these tests see)."""
    from siegewatch import dedup
    from siegewatch.corpus import list_inputs, reduce_results
    from siegewatch.loading import Document
    from siegewatch.segmenting import segment

    results = []
    for path, name in list_inputs([RAW]):
        doc = read_document(path, name)
        assert isinstance(doc, Document), doc
        seg = segment(doc)
        for row in seg.articles:
            row["text_hash"], row["minhash"], row["n_shingles"] = dedup.signature(row["body"])
        results.append({
            "files": [{"file": doc.file, "path": doc.path, "status": "read", "format": doc.format,
                       "encoding": doc.encoding, "newline": doc.newline, "n_bytes": doc.n_bytes,
                       "n_chars": len(doc.text), "sha1": doc.sha1,
                       "n_articles": len(seg.articles), "n_ledger": len(seg.ledger),
                       "warnings": list(doc.warnings)}],
            "articles": seg.articles, "blocks": seg.blocks, "ledger": seg.ledger,
        })
    return Corpus(tables=reduce_results(results), roots=[str(RAW)])


@lru_cache(maxsize=1)
def full_corpus() -> Corpus:
    """The bundled corpus with synthetic extraction tables (cached; do not mutate)."""
    base = segmented_corpus()
    arts = base.articles.copy()
    dates = article_dates(arts)
    arts["date"] = arts["article_id"].map(lambda a: dates[a][0]).astype("string")
    arts["date_precision"] = arts["article_id"].map(lambda a: dates[a][1]).astype("string")
    arts["date_confidence"] = arts["date"].map(
        lambda d: "unknown" if pd.isna(d) else "explicit").astype("string")
    mentions, attributions, events = [], [], []
    for file in base.files["file"]:
        text = base.text(file)
        lines = LineIndex(text)
        blocks = base.blocks[(base.blocks["file"] == file) & base.blocks["role"].isin(ROLES)]
        sents = SentenceIndex(text, list(zip(blocks["start"].astype(int),
                                             blocks["end"].astype(int), strict=True)))
        for b in blocks.itertuples(index=False):
            for m in MENTION_RE.finditer(text, int(b.start), int(b.end)):
                actor, bloc = ACTORS[m.group(1)]
                mentions.append({
                    "article_id": b.article_id, "file": file, "line": lines.line(m.start()),
                    "actor": actor, "bloc": bloc, "surface": m.group(1), "start": m.start(),
                    "end": m.end(), "sentence": sents.sentence(m.start()), "role": b.role})
            for m in SOURCE_RE.finditer(text, int(b.start), int(b.end)):
                source, stype, anon = SOURCES[m.group(1)]
                attributions.append({
                    "article_id": b.article_id, "file": file, "line": lines.line(m.start()),
                    "source": source, "source_type": stype, "anonymous": anon, "side": None,
                    "cue": "said", "start": m.start(1), "end": m.end(1),
                    "sentence": sents.sentence(m.start())})
            date = dates[b.article_id][0]
            if b.role != "body" or date is None or len(date) != 10:
                continue
            for m in EVENT_RE.finditer(text, int(b.start), int(b.end)):
                d = dt.date.fromisoformat(date) - dt.timedelta(days=1 + m.start() % 5)
                events.append({
                    "article_id": b.article_id, "file": file, "line": lines.line(m.start()),
                    "expression": m.group(0), "date": d.isoformat(), "date_end": d.isoformat(),
                    "precision": "day", "relative": True, "start": m.start(), "end": m.end(),
                    "sentence": sents.sentence(m.start())})
    tables = dict(base.tables)
    tables["articles"] = arts
    tables["mentions"] = schema.frame("mentions", mentions)
    tables["attributions"] = schema.frame("attributions", attributions)
    tables["events"] = schema.frame("events", events)
    return Corpus(tables=tables, roots=base.roots, options=base.options)

