"""Actors: the gazetteer of armed groups and powers, and the mentions matcher. Being built."""

from __future__ import annotations

from typing import Any

from siegewatch.loading import Document
from siegewatch.segmenting import Segmentation


class GazetteerError(ValueError):
    """A gazetteer CSV that cannot be used; the message names the file, line and fix."""


def find_mentions(doc: Document, seg: Segmentation, gazetteer: str | None) -> list[dict[str, Any]]:
    """`mentions` rows for every actor mention in the document's articles."""
    return []
