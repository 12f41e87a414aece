"""Dates: article publication dates and dated statements (events). Being built."""

from __future__ import annotations

from typing import Any

from siegewatch.loading import Document
from siegewatch.segmenting import Segmentation


def annotate(doc: Document, seg: Segmentation) -> list[dict[str, Any]]:
    """Fill date columns of `seg.articles` in place; return `events` rows."""
    for row in seg.articles:
        row.setdefault("date", None)
        row.setdefault("date_precision", None)
        row.setdefault("date_confidence", "unknown")
        row.setdefault("date_evidence", None)
    return []
