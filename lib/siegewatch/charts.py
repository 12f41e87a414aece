"""Charts: altair specifications built from the aggregated tables of `siegewatch.aggregation`.

Each function takes a small aggregated table (never a whole-corpus table) and returns a chart
with a title, axis titles and tooltips naming the keys that lead back to the evidence. Linked
views use Vega-Lite selections inside one chart, so they work in a static HTML report as well
as in JupyterLab. An empty table gives a chart that says so instead of raising.
"""

from __future__ import annotations

from collections.abc import Sequence

import altair as alt
import pandas as pd

from siegewatch import aggregation as agg

WIDTH = 700
TABLE_ROWS = 25
MAX_TICKS = 12
TIME_FORMAT = {"D": "%d %b %Y", "W": "%d %b %Y", "M": "%b %Y"}
PERIOD_TITLE = {"D": "day", "W": "week (starting Monday)", "M": "month"}
LABEL_FORMAT = {"D": "%d %b %Y", "W": "week of %d %b %Y", "M": "%B %Y"}
COUNT_AXIS = {"tickMinStep": 1, "format": "d"}  # counts: whole numbers only


def message(text: str, title: str = "") -> alt.Chart:
    """A chart that only says `text` (e.g. 'no dated events in this window')."""
    df = pd.DataFrame({"message": [text]})
    return alt.Chart(df, title=title or text).mark_text(
        fontSize=14, color="#555", align="center"
    ).encode(text="message:N").properties(width=WIDTH, height=60)


def period_ticks(periods: pd.Series, freq: str, most: int = MAX_TICKS) -> list[int]:
    """Axis tick positions (UTC milliseconds): period starts, every k-th so at most `most`.

    Explicit ticks label each period once: Vega-Lite's own ticks fall between monthly
    periods and repeat "Oct 2016" for a window of a few months.
    """
    values = pd.Series(periods).dropna().astype(str)
    if values.empty:
        return []
    every = agg.period_range(values.min(), values.max(), freq)
    step = max(1, -(-len(every) // most))
    return [int(pd.Timestamp(p, tz="UTC").timestamp() * 1000) for p in every[::step]]


def with_period_labels(df: pd.DataFrame, freq: str) -> pd.DataFrame:
    """`df` with `period_end` (first day after the period) and a readable `period_label`."""
    first = pd.to_datetime(df["period"].astype("string"), format="%Y-%m-%d", errors="coerce")
    return df.assign(period_end=agg.period_end(df["period"], freq),
                     period_label=first.dt.strftime(LABEL_FORMAT.get(freq, "%Y-%m-%d")))


def _time_x(field: str, freq: str, df: pd.DataFrame | None = None, title: str | None = None,
            bars: bool = False) -> alt.X:
    ticks = period_ticks(df[field], freq) if df is not None else None
    axis = alt.Axis(format=TIME_FORMAT.get(freq, "%Y-%m-%d"), labelAngle=0,
                    labelOverlap=True, **({"values": ticks} if ticks else {}),
                    **({"labelAlign": "left"} if bars else {}))
    return alt.X(f"{field}:T", title=title or PERIOD_TITLE.get(freq, "period"),
                 scale=alt.Scale(type="utc"), axis=axis)


def _text_table(
    base: alt.Chart, columns: Sequence[tuple[str, str, int]], rows: int = TABLE_ROWS
) -> alt.HConcatChart:
    """A table drawn with text marks: `columns` are (field, heading, width in pixels)."""
    ranked = base.transform_window(row="row_number()").transform_filter(
        alt.datum.row <= rows
    ).encode(y=alt.Y("row:O", axis=None), x=alt.value(2))
    parts = [
        ranked.mark_text(align="left", baseline="middle", limit=width - 8).encode(
            text=f"{field}:N", tooltip=[alt.Tooltip(f"{field}:N", title=heading)]
        ).properties(title=alt.Title(heading, anchor="start"), width=width)
        for field, heading, width in columns
    ]
    return alt.hconcat(*parts, spacing=4)


# --------------------------------------------------------------------------- overview


def articles_per_file(df: pd.DataFrame) -> alt.Chart:
    """Bars per file: unique articles and duplicates, stacked."""
    if df.empty:
        return message("no articles in this corpus")
    return alt.Chart(df, title="Articles per file").transform_fold(
        ["unique", "duplicates"], as_=["kind", "n"]
    ).mark_bar().encode(
        y=alt.Y("file:N", title="file", sort="ascending"),
        x=alt.X("n:Q", title="articles", axis=alt.Axis(**COUNT_AXIS)),
        color=alt.Color("kind:N", title="", scale=alt.Scale(
            domain=["unique", "duplicates"], range=["#4c78a8", "#e45756"])),
        tooltip=["file:N", "articles:Q", "unique:Q", "duplicates:Q",
                 alt.Tooltip("words:Q", format=",")],
    ).properties(width=WIDTH)


def articles_per_outlet(df: pd.DataFrame) -> alt.Chart:
    """Bars per outlet or wire: unique articles."""
    if df.empty:
        return message("no articles in this window")
    return alt.Chart(df, title="Articles per outlet").mark_bar().encode(
        y=alt.Y("outlet:N", title="outlet", sort="-x"),
        x=alt.X("articles:Q", title="articles (duplicates counted once)",
                axis=alt.Axis(**COUNT_AXIS)),
        tooltip=["outlet:N", "articles:Q", alt.Tooltip("words:Q", format=",")],
    ).properties(width=WIDTH)


def articles_over_time(df: pd.DataFrame, freq: str = "M") -> alt.Chart:
    """Stacked bars of dated articles per period, coloured by how precisely the date is known."""
    if df.empty:
        return message("no dated articles in this window", "Articles over time")
    d = with_period_labels(df, freq)
    return alt.Chart(d, title="Articles over time, by date precision").transform_stack(
        stack="articles", groupby=["period"], as_=["y0", "y1"],
        sort=[alt.SortField("precision")],
    ).mark_bar(stroke="white", strokeWidth=1).encode(
        x=_time_x("period", freq, d, bars=True),
        x2="period_end:T",
        y=alt.Y("y0:Q", title="articles", axis=alt.Axis(**COUNT_AXIS)),
        y2="y1:Q",
        color=alt.Color("precision:N", title="date known to the"),
        tooltip=[alt.Tooltip("period_label:N", title=PERIOD_TITLE.get(freq, "period")),
                 alt.Tooltip("precision:N", title="date known to the"),
                 "articles:Q", alt.Tooltip("words:Q", format=",")],
    ).properties(width=WIDTH)


def ledger_reasons(df: pd.DataFrame) -> alt.Chart:
    """Bars per reason text was set aside: non-whitespace characters."""
    if df.empty:
        return message("nothing was set aside", "Ledger")
    return alt.Chart(df, title="Text set aside, by reason").mark_bar(color="#b279a2").encode(
        y=alt.Y("reason:N", title="reason", sort="-x", axis=alt.Axis(labelLimit=380)),
        x=alt.X("chars:Q", title="characters (non-whitespace)"),
        tooltip=["reason:N", "spans:Q", "files:Q", alt.Tooltip("chars:Q", format=",")],
    ).properties(width=WIDTH - 300)


# --------------------------------------------------------------------------- timeline


def events_timeline(
    df: pd.DataFrame, color: str = "bloc", rows: int = TABLE_ROWS
) -> alt.VConcatChart | alt.Chart:
    """One mark per dated statement; brushing a time window filters the table below it."""
    if df.empty:
        return message("no dated events in this window", "Dated statements")
    if color not in ("bloc", "place"):
        raise ValueError(f"color must be 'bloc' or 'place', not {color!r}")
    brush = alt.selection_interval(encodings=["x"], name="window")
    d = df.assign(where=agg.where(df["file"], df["line"]))
    base = alt.Chart(d)
    y_title = {"bloc": "bloc named in the sentence", "place": "place of the dateline"}[color]
    points = base.mark_circle(size=70, opacity=0.8).encode(
        x=alt.X("date:T", title="date the statement refers to", scale=alt.Scale(type="utc")),
        y=alt.Y(f"{color}:N", title=y_title, axis=alt.Axis(labelLimit=220)),
        color=alt.condition(brush, alt.Color(f"{color}:N", legend=None), alt.value("#ccc")),
        tooltip=[alt.Tooltip("when:N", title="date"), "precision:N", "expression:N",
                 alt.Tooltip("title:N", title="article"), "outlet:N",
                 alt.Tooltip("published:N", title="published"), "place:N", "bloc:N",
                 "sentence:N", alt.Tooltip("where:N", title="file:line")],
    ).add_params(brush).properties(
        width=WIDTH, title="Dated statements (drag across the chart to pick a time window)"
    )
    table = _text_table(
        base.transform_filter(brush),
        [("when", "date", 150), ("expression", "expression", 110), ("sentence", "sentence", 400),
         ("outlet", "outlet", 110), ("where", "file:line", 200)],
        rows,
    )
    return alt.vconcat(points, table.properties(
        title=f"Statements in the picked window (the first {rows}; hover a row for all of it)"
    )).resolve_scale(color="independent").configure_view(stroke=None)


# --------------------------------------------------------------------------- attribution


def sources_by_type(df: pd.DataFrame) -> alt.Chart:
    """Bars per source type, named and anonymous stacked."""
    if df.empty:
        return message("no attributed statements in this window", "Sources by type")
    return alt.Chart(df, title="Whom claims are attributed to, by source type").mark_bar(
    ).encode(
        y=alt.Y("source_type:N", title="source type", sort="-x"),
        x=alt.X("sum(statements):Q", title="attributed statements",
                axis=alt.Axis(**COUNT_AXIS)),
        color=alt.Color("anonymity:N", title="", scale=alt.Scale(
            domain=["named", "anonymous"], range=["#4c78a8", "#f58518"])),
        tooltip=["source_type:N", "anonymity:N", "statements:Q", "articles:Q"],
    ).properties(width=WIDTH)


def attribution_by_outlet(
    df: pd.DataFrame, evidence: pd.DataFrame, rows: int = TABLE_ROWS
) -> alt.VConcatChart | alt.Chart:
    """Outlet × source-type bars; clicking a bar lists the attributed sentences behind it."""
    if df.empty:
        return message("no attributed statements in this window", "Sources by outlet")
    pick = alt.selection_point(fields=["outlet", "source_type"], name="pick")
    bars = alt.Chart(df).mark_bar().encode(
        y=alt.Y("outlet:N", title="outlet", axis=alt.Axis(labelLimit=220)),
        x=alt.X("statements:Q", title="share of the outlet's attributed statements",
                stack="normalize", axis=alt.Axis(format="%")),
        color=alt.Color("source_type:N", title="source type",
                        scale=alt.Scale(scheme="tableau20")),  # 10 colours repeat; 20 do not
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.35)),
        tooltip=["outlet:N", "source_type:N", "statements:Q", "anonymous:Q",
                 alt.Tooltip("share:Q", format=".0%")],
    ).add_params(pick).properties(
        width=WIDTH - 150, title="Source types each outlet relies on (click a bar for evidence)"
    )
    ev = evidence.assign(where=agg.where(evidence["file"], evidence["line"]))
    table = _text_table(
        alt.Chart(ev).transform_filter(pick),
        [("source", "source", 150), ("sentence", "sentence", 430), ("outlet", "outlet", 120),
         ("where", "file:line", 200)],
        rows,
    )
    return alt.vconcat(bars, table.properties(
        title=f"Attributed sentences of the chosen bar (the first {rows}; hover a row for "
              "all of it)")).configure_view(stroke=None)


def anonymous_share(df: pd.DataFrame, freq: str = "M") -> alt.Chart:
    """Line of the share of attributed statements whose source is anonymous, per period."""
    if df.empty:
        return message("no dated attributions in this window", "Anonymous sources")
    d = with_period_labels(df, freq)
    # bars: a period without attributed statements has no share, and a line would hide that
    return alt.Chart(d, title="Share of attributed statements with an anonymous source"
                     ).mark_bar(stroke="white", strokeWidth=1, color="#f58518").encode(
        x=_time_x("period", freq, d, bars=True),
        x2="period_end:T",
        y=alt.Y("share:Q", title="anonymous share", axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1])),
        y2=alt.datum(0),
        tooltip=[alt.Tooltip("period_label:N", title=PERIOD_TITLE.get(freq, "period")),
                 alt.Tooltip("statements:Q", title="attributed statements"),
                 alt.Tooltip("anonymous:Q", title="anonymous"),
                 alt.Tooltip("share:Q", format=".0%")],
    ).properties(width=WIDTH)


# --------------------------------------------------------------------------- factions


def _highlight_color(field: str, highlight: Sequence[str]) -> alt.Color | dict:
    if not highlight:
        return alt.Color(f"{field}:N", title=field)
    # the legend lists only the chosen values; every other one is grey
    return alt.condition(
        alt.FieldOneOfPredicate(field=field, oneOf=list(highlight)),
        alt.Color(f"{field}:N", title=f"chosen {field}s",
                  scale=alt.Scale(domain=list(highlight))),
        alt.value("#c7c7c7"),
    )


def mentions_by_actor(
    df: pd.DataFrame, highlight: Sequence[str] = (), top: int = 30
) -> alt.Chart:
    """Bars of mentions per actor (the `top` most mentioned and any highlighted)."""
    if df.empty:
        return message("no actor mentions in this window", "Mentions per actor")
    keep = df.head(top)["actor"].tolist() + list(highlight)
    d = df[df["actor"].isin(keep)]
    missing = [h for h in highlight if h not in set(d["actor"])]
    if missing:  # a chosen faction not mentioned here still gets its (empty) row
        d = pd.concat([d, pd.DataFrame({"actor": missing, "bloc": "", "mentions": 0,
                                        "articles": 0})], ignore_index=True)
    return alt.Chart(d, title="Mentions per actor").mark_bar().encode(
        y=alt.Y("actor:N", title="actor", sort="-x", axis=alt.Axis(labelLimit=220)),
        x=alt.X("mentions:Q", title="mentions", axis=alt.Axis(**COUNT_AXIS)),
        color=_highlight_color("bloc", []) if not highlight else _highlight_color(
            "actor", highlight),
        tooltip=["actor:N", "bloc:N", "mentions:Q", "articles:Q"],
    ).properties(width=WIDTH - 200)


def mentions_over_time(
    df: pd.DataFrame, freq: str = "M", by: str = "actor", highlight: Sequence[str] = (),
    measure: str = "mentions", top: int = 10,
) -> alt.Chart:
    """Lines per actor (or bloc) over time, raw or per 1,000 words; chosen factions in colour."""
    if measure not in ("mentions", "per_1000_words"):
        raise ValueError(f"measure must be 'mentions' or 'per_1000_words', not {measure!r}")
    what = "per 1,000 words" if measure == "per_1000_words" else "mentions"
    if df.empty:
        return message("no dated mentions in this window", f"Mentions over time ({what})")
    totals = df.groupby(by)["mentions"].sum().sort_values(ascending=False, kind="stable")
    chosen = list(highlight) if by == "actor" else []
    keep = list(totals.head(top).index) + [h for h in chosen if h in totals.index]
    d = df[df[by].isin(keep)]
    missing = [h for h in chosen if h not in totals.index]
    if missing:  # a chosen faction with no dated mention is a line at zero, not left out
        first = df["period"].min()
        d = pd.concat([d, pd.DataFrame({
            "period": first, by: missing, "mentions": 0, "articles": 0,
            "words": int(df.loc[df["period"] == first, "words"].max()),
            "per_1000_words": 0.0,
        })], ignore_index=True).astype(df.dtypes.to_dict())
    # periods without a mention are 0, so lines drop to zero instead of joining across gaps
    d = with_period_labels(agg.fill_periods(d, freq, by), freq)
    legend = alt.selection_point(fields=[by], bind="legend", name="legend")
    shown = f"top {top} {by}s" + (" and the chosen factions" if chosen else "")
    y_axis = alt.Axis(**COUNT_AXIS) if measure == "mentions" else alt.Axis()
    return alt.Chart(d, title=f"Mentions over time, {what} ({shown})").mark_line(
        point=True).encode(
        x=_time_x("period", freq, d),
        y=alt.Y(f"{measure}:Q", title=what, axis=y_axis),
        color=_highlight_color(by, chosen),
        detail=f"{by}:N",
        opacity=alt.condition(legend, alt.value(1.0), alt.value(0.15)),
        tooltip=[alt.Tooltip("period_label:N", title=PERIOD_TITLE.get(freq, "period")),
                 f"{by}:N", "mentions:Q", alt.Tooltip("articles:Q", title="articles with it"),
                 alt.Tooltip("words:Q", format=",", title="words published"),
                 alt.Tooltip("per_1000_words:Q", format=".2f", title="per 1,000 words")],
    ).add_params(legend).properties(width=WIDTH)


def co_mentions(df: pd.DataFrame, highlight: Sequence[str] = ()) -> alt.LayerChart | alt.Chart:
    """Heat map: in how many articles each pair of actors is mentioned together."""
    if df.empty:
        return message("no actor mentions in this window", "Actors mentioned together")
    d = df.assign(chosen=df["actor_a"].isin(list(highlight)) | df["actor_b"].isin(
        list(highlight)))
    n = max(d["actor_a"].nunique(), 1)
    size = max(min(700, 26 * n), 200)
    base = alt.Chart(d).encode(
        x=alt.X("actor_a:N", title="actor", axis=alt.Axis(labelAngle=-45, labelLimit=160)),
        y=alt.Y("actor_b:N", title="mentioned in the same article as", axis=alt.Axis(
            labelLimit=160)),
        tooltip=["actor_a:N", "actor_b:N", alt.Tooltip("articles:Q", title="articles with both")],
    )
    cells = base.mark_rect().encode(
        color=alt.Color("articles:Q", title="articles", scale=alt.Scale(scheme="blues")),
        stroke=alt.condition(alt.datum.chosen, alt.value("#e45756"), alt.value(None)),
        strokeWidth=alt.value(2),
    )
    labels = base.mark_text(fontSize=10).encode(
        text="articles:Q",
        color=alt.condition(alt.datum.articles > int(d["articles"].max()) / 2,
                            alt.value("white"), alt.value("#333")),
    )
    return alt.layer(cells, labels).properties(
        width=size, height=size, title="Articles in which both actors are mentioned")
