"""siegewatch: a Jupyter analyst workbook for corpora of conflict news.

    >>> import siegewatch
    >>> corpus = siegewatch.load_corpus("data/raw")
    >>> corpus.articles[["title", "outlet", "date"]]

The loading, segmenting and extraction core imports neither altair, papermill nor ipywidgets.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

# jsonschema (imported by altair) loads rfc3987_syntax when Jupyter's extras installed it; that
# compiles a lark grammar for ~5 s on every import, in every kernel. Nothing here validates
# IRIs, so keep it out: altair then imports in ~1.5 s instead of ~8.6 s (measured).
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]

__version__ = "0.1.0"
__all__ = ["Corpus", "load_corpus", "__version__"]

if TYPE_CHECKING:
    from siegewatch.corpus import Corpus, load_corpus


def __getattr__(name: str) -> Any:
    # Lazy, so `import siegewatch` stays cheap for workers and the command line.
    if name in ("Corpus", "load_corpus"):
        from siegewatch import corpus

        return getattr(corpus, name)
    raise AttributeError(name)
