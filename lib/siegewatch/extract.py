"""Extraction step of the per-file map: dates, actor mentions and source attributions.

`extract` runs after segmentation on one document. It fills the date and provenance columns
of the article rows in place and returns the rows of the `mentions`, `attributions` and
`events` tables, each carrying its article id and character span into the document text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from siegewatch import actors, attribution, dates
from siegewatch.loading import Document
from siegewatch.segmenting import Segmentation
from siegewatch.sentences import BlockSentences


@dataclass(frozen=True)
class Options:
    """Analyst-editable tables the extraction reads (None: the bundled ones in data/)."""

    gazetteer: str | None = None
    sources: str | None = None
    outlets: str | None = None

    @classmethod
    def of(cls, gazetteer: Any = None, sources: Any = None, outlets: Any = None) -> Options:
        """Options from paths (str or PathLike) or None, stored as strings for pickling."""
        return cls(*(str(p) if p else None for p in (gazetteer, sources, outlets)))


def extract(doc: Document, seg: Segmentation, options: Options) -> dict[str, list[dict[str, Any]]]:
    """Fill dates and provenance on `seg.articles`; return mentions, attributions, events."""
    attribution.annotate_provenance(doc, seg, options.outlets)
    sentences = BlockSentences(doc.text)  # each block split once for all three extractors
    events = dates.annotate(doc, seg, sentences)
    return {
        "mentions": actors.find_mentions(doc, seg, options.gazetteer, sentences=sentences),
        "attributions": attribution.find_attributions(doc, seg, options.sources, sentences),
        "events": events,
    }
