"""The notebook-facing API: validate parameters, open the corpus, expose filtered tables.

Every notebook's second cell is `wb = workbook.setup(globals())`. It checks the parameters
(including names papermill injected that no notebook knows, which papermill only warns about),
enables the offline chart renderer when `siegewatch.rendering` exists, opens the corpus
through `siegewatch.pipeline.open_corpus` (cached tables) and applies the date window and
outlets. The tables it exposes hold unique articles only, so duplicates are never counted.
"""

from __future__ import annotations

import datetime as dt
import html
import types
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from siegewatch import aggregation as agg
from siegewatch import params as prm
from siegewatch.corpus import Corpus

# Names IPython puts in a kernel's namespace that are not notebook parameters.
IPYTHON_NAMES = frozenset({"In", "Out", "get_ipython", "exit", "quit", "open", "display"})
# Values a parameter can have; anything else (modules, functions, charts…) is not one.
PARAMETER_TYPES = (str, int, float, bool, list, tuple, dict, type(None), Path, dt.date)


def namespace_parameters(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """The variables of a notebook namespace that are (or look like) parameters."""
    out = {}
    for name, value in namespace.items():
        if name.startswith("_") or name in IPYTHON_NAMES:
            continue
        if isinstance(value, (types.ModuleType, type, Workbook)) or callable(value):
            continue
        if isinstance(value, PARAMETER_TYPES):
            out[name] = value
    return out


def enable_rendering() -> bool:
    """Turn on the offline altair renderer of `siegewatch.rendering`, when it is installed."""
    try:
        from siegewatch import rendering
    except ImportError:
        return False
    rendering.enable()
    return True


def _check_outlets(wanted: tuple[str, ...], articles: pd.DataFrame) -> None:
    known = sorted({p for o in articles["outlet"] for p in agg.outlet_parts(o)})
    lower = {k.lower() for k in known}
    for o in wanted:
        if o.lower() not in lower:
            hint = prm.closest(o, known)
            raise prm.ParameterError(
                f"outlet '{o}' does not occur in this corpus"
                + ("; did you mean " + " or ".join(f"'{h}'" for h in hint) + "?" if hint
                   else "; known outlets are " + (", ".join(known) or "none"))
            )


@dataclass
class Workbook:
    """Validated parameters, the corpus, and its tables filtered to the chosen window."""

    params: prm.Params
    corpus: Corpus
    articles: pd.DataFrame
    mentions: pd.DataFrame
    attributions: pd.DataFrame
    events: pd.DataFrame

    @property
    def all_articles(self) -> pd.DataFrame:
        """Unique articles of the chosen outlets, whatever their date (events link to them)."""
        return agg.filter_articles(self.corpus.unique_articles(), None, None,
                                   self.params.outlets)

    @property
    def freq(self) -> str:
        return self.params.freq

    @property
    def factions(self) -> list[str]:
        return list(self.params.factions)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return {"articles": self.articles, "mentions": self.mentions,
                "attributions": self.attributions, "events": self.events}

    @property
    def windowed(self) -> bool:
        p = self.params
        return bool(p.start or p.end or p.outlets)

    def header(self, default_title: str = "") -> Any:
        """The report's title, corpus, parameters and what the window keeps, as HTML."""
        from IPython.display import HTML

        p = self.params
        title = p.title or default_title or "siegewatch"
        uniq = self.corpus.unique_articles()
        window = "whole corpus"
        if p.start or p.end:
            window = f"{p.start or '…'} to {p.end or '…'}"
        lines = [
            f"<h1>{html.escape(title)}</h1>",
            f"<p>Corpus <code>{html.escape(p.corpus_label)}</code> (fingerprint "
            f"<code>{html.escape(self.corpus.fingerprint)}</code>): {len(self.corpus.files)} "
            f"files, {len(self.corpus.articles)} articles, {len(uniq)} unique.</p>",
            "<p>Window: {}; outlets: {}; factions: {}; time step: {}. The window keeps "
            "<b>{}</b> of {} unique articles{}.</p>".format(
                html.escape(window),
                html.escape(", ".join(p.outlets) or "all"),
                html.escape(", ".join(p.factions) or "none chosen"),
                prm.FREQS[p.freq],
                len(self.articles), len(uniq),
                (f" ({int(uniq['date'].isna().sum())} undated articles are outside any window)"
                 if (p.start or p.end) and uniq["date"].isna().any() else ""),
            ),
        ]
        lines += [f"<p><b>Warning:</b> {html.escape(w)}.</p>" for w in p.warnings]
        return HTML("\n".join(lines))

    def say(self, text: str) -> Any:
        """A paragraph of plain text (escaped: corpus text never becomes markup)."""
        from IPython.display import HTML

        return HTML(f"<p>{html.escape(text)}</p>")

    def html(self, markup: str) -> Any:
        """Show HTML that siegewatch built with corpus text already escaped (the reader)."""
        from IPython.display import HTML

        return HTML(markup)

    def table(self, df: pd.DataFrame | agg.Evidence, limit: int = 200,
              empty: str = "no rows") -> Any:
        """An HTML table of at most `limit` rows, saying how many there are in all."""
        return table_html(df, limit, empty)

    def rows(self, name: str) -> pd.DataFrame:
        """One of the filtered tables by name (articles, mentions, attributions, events)."""
        return self.tables[name]


def table_html(df: pd.DataFrame | agg.Evidence, limit: int = 200, empty: str = "no rows") -> Any:
    """Escaped HTML of a table capped at `limit` rows, with 'showing N of M' above it."""
    from IPython.display import HTML

    ev = df if isinstance(df, agg.Evidence) else agg.cap(df, limit)
    if ev.total == 0:
        return HTML(f"<p><i>{html.escape(empty)}</i></p>")
    rows = ev.rows.head(limit).copy()
    for c in rows.columns:
        if rows[c].dtype == object:
            rows[c] = rows[c].map(
                lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    shown = agg.Evidence(rows, ev.total).caption
    body = rows.to_html(index=False, escape=True, na_rep="", border=0, render_links=False)
    return HTML(f"<p><i>{html.escape(shown)}</i></p>\n{body}")


def open_workbook(p: prm.Params) -> Workbook:
    """Open the corpus the parameters name and filter its tables to the window and outlets."""
    from siegewatch.pipeline import open_corpus

    return from_corpus(open_corpus(p.corpus, gazetteer=p.gazetteer), p)


def from_corpus(corpus: Corpus, p: prm.Params | None = None) -> Workbook:
    """A workbook over an already opened corpus, filtered by `p` (default: no filter).

    Articles are the unique ones whose date overlaps the window (undated ones only when
    there is no window) from the chosen outlets; mentions and attributions are those of
    these articles; events are those of unique articles from the chosen outlets whose own
    date overlaps the window.
    """
    p = p or prm.Params()
    uniq = corpus.unique_articles()
    if p.outlets:
        _check_outlets(p.outlets, uniq)
    articles = agg.filter_articles(uniq, p.start, p.end, p.outlets)
    by_outlet = agg.filter_articles(uniq, None, None, p.outlets)
    events = agg.rows_of(corpus.events, by_outlet)
    events = events[agg.in_window(events["date"], p.start, p.end, events["date_end"])]
    return Workbook(
        params=p,
        corpus=corpus,
        articles=articles,
        mentions=agg.rows_of(corpus.mentions, articles),
        attributions=agg.rows_of(corpus.attributions, articles),
        events=events.reset_index(drop=True),
    )


def setup(namespace: Mapping[str, Any]) -> Workbook:
    """Validate a notebook's parameters (its `globals()`), then open the filtered corpus."""
    p = prm.validate(**namespace_parameters(namespace))
    enable_rendering()
    return open_workbook(p)
