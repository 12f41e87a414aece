"""Attribution: which outlet published each article, and whom each claim is attributed to.

Being built.
"""

from __future__ import annotations

from typing import Any

from siegewatch.loading import Document
from siegewatch.segmenting import Segmentation


def annotate_provenance(doc: Document, seg: Segmentation, outlets: str | None) -> None:
    """Fill `outlet`, `aggregator`, `outlet_evidence` on `seg.articles` in place."""


def find_attributions(
    doc: Document, seg: Segmentation, sources: str | None
) -> list[dict[str, Any]]:
    """`attributions` rows for every attributed statement in the document's articles."""
    return []
