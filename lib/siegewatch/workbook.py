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

import numpy as np
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
              empty: str = "no rows", full: str | None = None) -> Any:
        """An HTML table of at most `limit` rows, saying how many there are in all.

        `full` names the `siegewatch` command that lists every row (e.g. "events"), shown
        when the table is cut.
        """
        more = f"siegewatch {full} --format csv {self.params.corpus_label}" if full else None
        return table_html(df, limit, empty, more)

    def facts(self) -> Any:
        """What to know before trusting any chart: duplicates, undated articles, the ledger,
        unreadable files; as a short list at the top of the overview."""
        from IPython.display import HTML

        return HTML(facts_html(agg.corpus_facts(self.corpus.files, self.corpus.articles,
                                                self.corpus.ledger), len(self.articles)))

    def faction_note(self) -> Any:
        """One sentence per chosen faction: how many of its mentions the charts can show."""
        from IPython.display import HTML

        if not self.factions:
            return HTML("<p><i>No faction chosen (parameter <code>factions</code>): every "
                        "actor is shown alike.</i></p>")
        chosen = rows_where(self.corpus, "mentions", "actor", self.factions)
        cov = agg.faction_coverage(self.factions, chosen, self.all_articles, self.articles)
        items = "".join(f"<li>{html.escape(n)}</li>" for n in agg.faction_notes(
            cov, self.windowed))
        return HTML(f"<p>The chosen factions in these articles:</p><ul>{items}</ul>")

    def rows(self, name: str) -> pd.DataFrame:
        """One of the filtered tables by name (articles, mentions, attributions, events)."""
        return self.tables[name]


# Columns of running text get room to breathe; ids, dates and file:line never wrap.
WIDE_COLUMNS = {"sentence": "22em", "left": "14em", "right": "14em", "article": "11em",
                "title": "12em", "original_title": "12em", "excerpt": "22em", "note": "18em",
                "outlets": "12em", "reason": "11em", "when": "7em"}
NOWRAP_COLUMNS = {"where", "article_id", "duplicate_of", "date", "published", "file",
                  "original_file", "period"}


def cell_text(value: Any, column: str = "") -> str:
    """A table value as text: blank for missing, yes/no for booleans, 1,234 for counts
    (line numbers stay plain), lists joined with '; '."""
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return str(int(value)) if column.endswith("line") else f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    return str(value)


def rows_html(rows: pd.DataFrame) -> str:
    """An HTML table of `rows`, every value escaped; wide columns for sentences and titles."""
    head = []
    for c in rows.columns:
        style = (f' style="min-width:{WIDE_COLUMNS[c]}"' if c in WIDE_COLUMNS else
                 ' style="white-space:nowrap"' if c in NOWRAP_COLUMNS else "")
        head.append(f"<th{style}>{html.escape(str(c).replace('_', ' '))}</th>")
    nowrap = [c in NOWRAP_COLUMNS for c in rows.columns]
    right = [c == "left" for c in rows.columns]  # keyword in context: left side hugs the word
    body = []
    for values in rows.itertuples(index=False):
        cells = []
        for c, v, nw, r in zip(rows.columns, values, nowrap, right, strict=True):
            style = "white-space:nowrap" if nw else "text-align:right" if r else ""
            attr = f' style="{style}"' if style else ""
            cells.append(f"<td{attr}>{html.escape(cell_text(v, c))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return ('<table class="dataframe siegewatch-table">\n<thead><tr>' + "".join(head)
            + "</tr></thead>\n<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>")


def table_html(df: pd.DataFrame | agg.Evidence, limit: int = 200, empty: str = "no rows",
               more: str | None = None) -> Any:
    """Escaped HTML of a table capped at `limit` rows, with 'showing N of M' above it (and
    `more`, the command listing every row, when some are left out)."""
    from IPython.display import HTML

    ev = df if isinstance(df, agg.Evidence) else agg.cap(df, limit)
    if ev.total == 0:
        return HTML(f"<p><i>{html.escape(empty)}</i></p>")
    rows = ev.rows.head(limit)
    caption = html.escape(agg.Evidence(rows, ev.total).caption)
    if more and len(rows) < ev.total:
        caption += f"; the whole corpus's rows: <code>{html.escape(more)}</code>"
    return HTML(f"<p><i>{caption}</i></p>\n{rows_html(rows)}")


def facts_html(facts: dict[str, int], in_window: int) -> str:
    """The facts of `agg.corpus_facts` as a list of plain sentences (numbers only: no escaping
    of corpus text is needed, but every piece goes through `html.escape` anyway)."""
    f = facts
    share = f"{f['undated'] / f['unique']:.0%}" if f["unique"] else "0%"
    of_text = (f" ({f['ledger_chars'] / f['file_chars']:.1%} of all non-blank text)"
               if f.get("file_chars") else "")
    items = [
        f"{f['articles']:,} articles found in {f['files']:,} files; {f['unique']:,} are unique: "
        + ("1 duplicate (a repeat of an earlier article) is counted once everywhere."
           if f["duplicates"] == 1 else
           f"{f['duplicates']:,} duplicates (repeats of earlier articles) are counted once "
           "everywhere." if f["duplicates"] else "no duplicates."),
        f"{f['undated']:,} of the {f['unique']:,} unique articles ({share}) have no publication "
        "date: they are in counts per outlet and actor, but in no chart over time and in no "
        "date window.",
        f"{f['ledger_chars']:,} characters in {f['ledger_spans']:,} spans were set aside as not "
        f"part of any article{of_text}; the ledger below says what and why.",
        (f"{f['unreadable']:,} file{'s' if f['unreadable'] != 1 else ''} could not be read and "
         "{} in no table; see the end of this page.".format(
             "is" if f["unreadable"] == 1 else "are")
         if f["unreadable"] else "Every file could be read."),
    ]
    if f.get("month_only"):
        items.append(f"{f['month_only']:,} articles are dated to the month only; daily and "
                     "weekly charts draw them at the start of their month.")
    if f.get("no_outlet"):
        items.append(f"{f['no_outlet']:,} articles have no known outlet.")
    items.append(f"The window of this report keeps {in_window:,} unique articles.")
    lis = "".join(f"<li>{html.escape(i)}</li>" for i in items)
    return f"<ul class='siegewatch-facts'>{lis}</ul>"


def rows_where(corpus: Corpus, table: str, column: str, values: Any) -> pd.DataFrame:
    """Rows of a corpus table whose `column` is one of `values`.

    A corpus read from the parquet cache (`pipeline.CachedCorpus`) loads only those rows
    when the table is not in memory yet, so a date window or a few factions never load a
    whole-corpus sentence table; any other corpus filters the table it holds. Same rows, same
    order either way.
    """
    wanted = list(dict.fromkeys(str(v) for v in values))
    reader = getattr(corpus, "read_table", None)
    if reader is not None and table not in corpus.tables:
        import pyarrow as pa
        import pyarrow.compute as pc

        keep = pc.field(column).isin(pa.array(wanted, type=pa.string()))
        return reader(table, filters=keep).reset_index(drop=True)
    df = corpus.tables[table]
    return df[df[column].isin(wanted)].reset_index(drop=True)


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
    if p.outlets:
        events = rows_where(corpus, "events", "article_id", by_outlet["article_id"])
    else:
        events = agg.rows_of(corpus.events, by_outlet)
    events = events[agg.in_window(events["date"], p.start, p.end, events["date_end"])]
    windowed = bool(p.start or p.end or p.outlets)

    def of_articles(table: str) -> pd.DataFrame:
        if windowed:  # a window: read only its articles' rows
            return rows_where(corpus, table, "article_id", articles["article_id"])
        return agg.rows_of(corpus.tables[table], articles)

    return Workbook(
        params=p,
        corpus=corpus,
        articles=articles,
        mentions=of_articles("mentions"),
        attributions=of_articles("attributions"),
        events=events.reset_index(drop=True),
    )


def setup(namespace: Mapping[str, Any]) -> Workbook:
    """Validate a notebook's parameters (its `globals()`), then open the filtered corpus."""
    p = prm.validate(**namespace_parameters(namespace))
    enable_rendering()
    return open_workbook(p)
