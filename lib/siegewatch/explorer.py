"""The explorer: ipywidgets controls driving a filtered article list, a chart and a reader.

`Explorer(wb)` builds the controls (date range, factions, outlets, source types, text search,
article) and recomputes everything when one changes. All the logic is plain Python over the
workbook's tables, so tests set a control's `.value` and check `explorer.articles` and
`explorer.reader.value` without a browser. Widgets need a live kernel; in a static HTML
report the charts' own Vega-Lite selections are the interaction.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable
from typing import Any

import ipywidgets as widgets
import pandas as pd

from siegewatch import aggregation as agg
from siegewatch import charts
from siegewatch.segmenting import BODY_ROLES

READER_ROLES = ("title", "dateline", "byline", "caption") + tuple(BODY_ROLES) + (
    "credit", "sources")
MARK_STYLE = {
    "mention": "background:#ffe08a",
    "attribution": "background:#b5e3ff",
    "event": "background:#c8f0c0",
}


def highlight_html(
    text: str, offset: int, spans: Iterable[tuple[int, int, str, str]]
) -> str:
    """`text` (found at `offset` of its document) HTML-escaped, with <mark> around each span.

    Spans are (start, end, kind, label) in document offsets; spans outside the text are
    ignored and a span overlapping an earlier (leftmost, then longest) one is dropped.
    """
    out: list[str] = []
    pos = 0
    chosen = sorted(
        ((max(s - offset, 0), min(e - offset, len(text)), k, lab) for s, e, k, lab in spans
         if e > offset and s < offset + len(text) and e > s),
        key=lambda x: (x[0], -(x[1] - x[0])),
    )
    for s, e, kind, label in chosen:
        if s < pos:
            continue
        out.append(html.escape(text[pos:s]))
        out.append(
            f'<mark class="{kind}" style="{MARK_STYLE.get(kind, "")}" '
            f'title="{html.escape(label, quote=True)}">{html.escape(text[s:e])}</mark>'
        )
        pos = e
    out.append(html.escape(text[pos:]))
    return "".join(out)


def _spans(df: pd.DataFrame, kind: str, label: Any) -> list[tuple[int, int, str, str]]:
    if df.empty:
        return []
    d = df[df["start"].notna() & df["end"].notna()]
    labels = d.apply(label, axis=1) if len(d) else []
    return [(int(s), int(e), kind, str(lab)) for s, e, lab in zip(
        d["start"], d["end"], labels, strict=True)]


def reader_html(
    article_id: str, blocks: pd.DataFrame, articles: pd.DataFrame, mentions: pd.DataFrame,
    attributions: pd.DataFrame, events: pd.DataFrame,
) -> str:
    """One article as escaped HTML, its mentions, attributions and dates marked."""
    match = articles[articles["article_id"] == article_id]
    if match.empty:
        return "<p><i>choose an article</i></p>"
    art = match.iloc[0]
    spans = (
        _spans(mentions[mentions["article_id"] == article_id], "mention",
               lambda r: f"{r['actor']} ({r['bloc']})")
        + _spans(attributions[attributions["article_id"] == article_id], "attribution",
                 lambda r: f"{r['source']} — {r['source_type']}"
                 + (" (anonymous)" if r["anonymous"] is True else ""))
        + _spans(events[events["article_id"] == article_id], "event",
                 lambda r: f"{r['date']} ({r['precision']})")
    )
    b = blocks[(blocks["article_id"] == article_id) & blocks["role"].isin(READER_ROLES)]
    parts = [
        "<div class='siegewatch-reader' style='max-width:760px'>",
        "<p><small>{} · lines {}–{} · outlet {} · date {} · {} words</small></p>".format(
            html.escape(str(art["file"])), art["first_line"], art["last_line"],
            html.escape(str(art["outlet"]) if pd.notna(art["outlet"]) else "unknown"),
            html.escape(str(art["date"]) if pd.notna(art["date"]) else "unknown"),
            art["n_words"],
        ),
    ]
    for blk in b.sort_values("start").itertuples(index=False):
        inner = highlight_html(str(blk.text), int(blk.start), spans)
        if blk.role == "title":
            parts.append(f"<h3>{inner}</h3>")
        elif blk.role in BODY_ROLES:
            tag = "h4" if blk.role == "heading" else "p"
            parts.append(f"<{tag}>{inner}</{tag}>")
        else:
            parts.append(f"<p style='color:#666'><small>[{html.escape(str(blk.role))}] "
                         f"{inner}</small></p>")
    parts.append("<p><small>Marked: <mark style='{}'>actor mention</mark> "
                 "<mark style='{}'>attributed source</mark> <mark style='{}'>date</mark>"
                 "</small></p></div>".format(MARK_STYLE["mention"], MARK_STYLE["attribution"],
                                             MARK_STYLE["event"]))
    return "\n".join(parts)


def filter_articles(
    articles: pd.DataFrame, mentions: pd.DataFrame, attributions: pd.DataFrame,
    start: dt.date | None = None, end: dt.date | None = None,
    factions: Iterable[str] = (), outlets: Iterable[str] = (),
    source_types: Iterable[str] = (), search: str = "",
) -> pd.DataFrame:
    """Articles matching every control that is set (each list control: any of its values)."""
    a = articles[agg.in_window(articles["date"], start, end)]
    factions, outlets, source_types = list(factions), list(outlets), list(source_types)
    if factions:
        ids = mentions.loc[mentions["actor"].isin(factions), "article_id"]
        a = a[a["article_id"].isin(ids)]
    if outlets:
        wanted = set(outlets)
        a = a[a["outlet"].map(lambda o: bool(wanted & set(agg.outlet_parts(o)))).astype(bool)]
    if source_types:
        ids = attributions.loc[attributions["source_type"].isin(source_types), "article_id"]
        a = a[a["article_id"].isin(ids)]
    if search.strip():
        q = search.strip().lower()
        hay = a["title"].fillna("").str.lower() + "\n" + a["body"].fillna("").str.lower()
        a = a[hay.str.contains(q, regex=False).astype(bool)]
    return a.reset_index(drop=True)


def article_list(articles: pd.DataFrame) -> pd.DataFrame:
    """Articles as the explorer lists them: date, title, outlet, words, file:line and id."""
    return pd.DataFrame({
        "published": articles["date"].astype("string").fillna("undated"),
        "title": articles["title"],
        "outlet": articles["outlet"].map(lambda o: " / ".join(agg.outlet_parts(o))
                                         or agg.UNKNOWN_OUTLET),
        "words": articles["n_words"],
        "where": agg.where(articles["file"], articles["first_line"]),
        "article_id": articles["article_id"],
    })


def _options(values: Iterable[Any]) -> list[str]:
    return sorted({str(v) for v in values if isinstance(v, str) and v})


class Explorer:
    """Linked controls over a workbook's tables; `.widget` is what the notebook displays."""

    def __init__(self, wb: Any, rows: int = 50) -> None:
        self.wb = wb
        self.rows = rows
        a = wb.articles
        self.controls: dict[str, widgets.ValueWidget] = {
            "start": widgets.DatePicker(description="from", value=wb.params.start),
            "end": widgets.DatePicker(description="to", value=wb.params.end),
            # chosen factions are offered even when the window has no mention of them, so
            # the chart's legend and the note say so instead of silently dropping them
            "factions": widgets.SelectMultiple(
                description="factions",
                options=sorted(set(_options(wb.mentions["actor"])) | set(wb.factions)),
                value=tuple(wb.factions), rows=6),
            "outlets": widgets.SelectMultiple(
                description="outlets",
                options=sorted({p for o in a["outlet"] for p in agg.outlet_parts(o)}), rows=6),
            "source_types": widgets.SelectMultiple(
                description="source types", options=_options(wb.attributions["source_type"]),
                rows=6),
            "search": widgets.Text(description="search", placeholder="words in title or text",
                                   continuous_update=False),
            "article": widgets.Dropdown(description="article", options=[]),
        }
        self.summary = widgets.HTML()
        self.table = widgets.HTML()
        self.reader = widgets.HTML()
        self.chart_out = widgets.Output()
        self.chart: Any = None
        self.articles = a
        for name, control in self.controls.items():
            handler = self._on_article if name == "article" else self._on_filter
            control.observe(handler, names="value")
        self.refresh()

    # ------------------------------------------------------------------ state

    def value(self, name: str) -> Any:
        return self.controls[name].value

    def filtered(self) -> pd.DataFrame:
        """The workbook's articles that match the current controls."""
        wb = self.wb
        return filter_articles(
            wb.articles, wb.mentions, wb.attributions,
            start=self.value("start"), end=self.value("end"),
            factions=self.value("factions"), outlets=self.value("outlets"),
            source_types=self.value("source_types"), search=self.value("search") or "",
        )

    def refresh(self) -> None:
        """Recompute the article list, chart, table and reader from the controls."""
        self.articles = self.filtered()
        ids = set(self.articles["article_id"])
        total = len(self.wb.articles)
        self.summary.value = (f"<p><b>{len(self.articles)}</b> of {total} articles match"
                              f"{self._described()}.</p>")
        from siegewatch.workbook import table_html

        self.table.value = table_html(article_list(self.articles), self.rows,
                                      "no article matches these controls").data
        options = [(f"{r.date if pd.notna(r.date) else 'undated'} · {r.title or r.article_id}"
                    [:90], r.article_id) for r in self.articles.itertuples(index=False)]
        article = self.controls["article"]
        current = article.value
        article.options = options
        if current in ids:
            article.value = current
        elif options:
            article.value = options[0][1]
        self._show_reader()
        self._show_chart()

    def _described(self) -> str:
        """What the set controls ask for, escaped: ' (mentioning Hezbollah or Islamic State)'."""
        parts = []
        if self.value("factions"):
            parts.append("mentioning " + " or ".join(self.value("factions")))
        if self.value("outlets"):
            parts.append("from " + " or ".join(self.value("outlets")))
        if self.value("source_types"):
            parts.append("citing " + " or ".join(self.value("source_types")))
        if (self.value("search") or "").strip():
            parts.append(f"containing “{self.value('search').strip()}”")
        if self.value("start") or self.value("end"):
            parts.append(f"dated {self.value('start') or '…'} to {self.value('end') or '…'}")
        return html.escape(" (" + ", ".join(parts) + ")") if parts else ""

    def _show_reader(self) -> None:
        wb = self.wb
        aid = self.controls["article"].value
        if not aid:
            self.reader.value = "<p><i>no article to show</i></p>"
            return
        from siegewatch.workbook import rows_where

        blocks = rows_where(wb.corpus, "blocks", "article_id", [aid])  # one article's blocks
        self.reader.value = reader_html(
            aid, blocks, self.articles, wb.mentions, wb.attributions, wb.events)

    def _show_chart(self) -> None:
        wb = self.wb
        mentions = agg.rows_of(wb.mentions, self.articles)
        table = agg.mentions_over_time(mentions, self.articles, wb.freq, by="actor",
                                       complete=True)
        self.chart = charts.mentions_over_time(
            table, wb.freq, highlight=list(self.value("factions")))
        from IPython import get_ipython

        if get_ipython() is not None:  # only a kernel can show output in a widget
            # Set the widget's outputs directly rather than capturing with `with out:` and
            # `clear_output(wait=True)`: capture routes messages through the frontend, and a
            # headless run (papermill, nbval) could wait forever on an idle kernel.
            self.chart_out.outputs = ()
            self.chart_out.append_display_data(self.chart)

    def _on_filter(self, change: dict[str, Any]) -> None:
        self.refresh()

    def _on_article(self, change: dict[str, Any]) -> None:
        self._show_reader()

    # ------------------------------------------------------------------ display

    @property
    def widget(self) -> widgets.Widget:
        c = self.controls
        left = widgets.VBox([c["start"], c["end"], c["search"]])
        lists = widgets.HBox([c["factions"], c["outlets"], c["source_types"]])
        return widgets.VBox([
            widgets.HBox([left, lists]), self.summary, self.chart_out, self.table,
            c["article"], self.reader,
        ])
