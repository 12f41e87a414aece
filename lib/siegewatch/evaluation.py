"""Evaluation: precision and recall of the extracted tables against hand-checked annotation.

The annotation of the bundled corpus lives in `tests/fixtures/annotations/`, written by reading
the raw files. Each CSV names what a reader found by file and line, so it does not depend on
article ids:

- `mentions.csv`: file, line, actor, surface — one row per actor mention;
- `attributions.csv`: file, line, source, source_type, anonymous — one row per attributed claim;
- `dates.csv`: file, first_line, title, date, date_confidence — one row per article.

Lines the segmentation sets aside (ledger) or marks as printed twice (`caption_repeat`, and a
summary paragraph the body repeats word for word, role `repeat`) have no annotation rows: their
text is counted once, where it first stands in full.

Matching is on (file, line, actor) for mentions, (file, line, source_type) for attributions and
(file, first_line, date) for article dates, counted as multisets (two mentions of one actor on
one line are two mentions).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ANNOTATIONS = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "annotations"

KEYS = {
    "mentions": ("file", "line", "actor"),
    "attributions": ("file", "line", "source_type"),
    "dates": ("file", "first_line", "date"),
}


@dataclass
class Score:
    table: str
    tp: int
    fp: int
    fn: int
    false_positives: list[tuple[Any, ...]]
    false_negatives: list[tuple[Any, ...]]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _keys(rows: Iterable[dict[str, Any]], cols: tuple[str, ...]) -> Counter[tuple[Any, ...]]:
    out: Counter[tuple[Any, ...]] = Counter()
    for r in rows:
        out[tuple(_norm(r.get(c)) for c in cols)] += 1
    return out


def _norm(v: Any) -> Any:
    if v is None:
        return None
    try:
        import pandas as pd

        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str) and v.strip().isdigit():
        return int(v)
    return str(v).strip() if isinstance(v, str) else v


def score(table: str, predicted: Iterable[dict[str, Any]], gold: Iterable[dict[str, Any]]) -> Score:
    cols = KEYS[table]
    p, g = _keys(predicted, cols), _keys(gold, cols)
    tp = sum((p & g).values())
    fp_keys = p - g
    fn_keys = g - p
    return Score(
        table=table,
        tp=tp,
        fp=sum(fp_keys.values()),
        fn=sum(fn_keys.values()),
        false_positives=sorted(fp_keys.elements(), key=str),
        false_negatives=sorted(fn_keys.elements(), key=str),
    )


def evaluate(corpus: Any, annotations: str | Path = ANNOTATIONS) -> dict[str, Score]:
    """Score mentions, attributions and article dates of `corpus` against the annotation."""
    import pandas as pd

    annotations = Path(annotations)
    out: dict[str, Score] = {}
    predicted = {
        "mentions": corpus.mentions,
        "attributions": corpus.attributions,
        "dates": corpus.articles[corpus.articles["date"].notna()],
    }
    for table in KEYS:
        path = annotations / f"{table}.csv"
        if not path.exists():
            continue
        gold = pd.read_csv(path, dtype=str, keep_default_na=False)
        if table == "dates":
            gold = gold[gold["date"] != ""]
        out[table] = score(table, predicted[table].to_dict("records"), gold.to_dict("records"))
    return out
