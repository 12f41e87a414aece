"""Charts: built from aggregated tables of a corpus with full extraction tables.

Checks the chart specification (`chart.to_dict()`): the rows it inlines, its encodings and
its Vega-Lite selections; and that an empty table gives a message instead of an error.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest
from synthetic_tables import full_corpus

from siegewatch import aggregation as agg
from siegewatch import charts, paths, schema, workbook


@pytest.fixture(scope="module")
def wb():
    return workbook.from_corpus(full_corpus())


def datasets(spec: dict) -> list[list[dict]]:
    out = list(spec.get("datasets", {}).values())
    if "values" in spec.get("data", {}):
        out.append(spec["data"]["values"])
    return out


def nodes(spec) -> list[dict]:
    """Every dict in a Vega-Lite spec, depth first."""
    out: list[dict] = []
    stack = [spec]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            out.append(node)
            stack.extend(reversed(list(node.values())))
        elif isinstance(node, list):
            stack.extend(reversed(node))
    return out


def all_encodings(spec: dict) -> list[dict]:
    return [n["encoding"] for n in nodes(spec) if "encoding" in n]


def params_of(spec: dict) -> dict[str, dict]:
    return {p["name"]: p for n in nodes(spec) for p in (n.get("params") or [])
            if isinstance(p, dict) and "select" in p}


def filters_on(spec: dict, name: str) -> int:
    return json.dumps(spec).count(json.dumps({"filter": {"param": name}}))


def test_overview_charts(wb):
    per_file = agg.articles_per_file(wb.corpus.articles)
    spec = charts.articles_per_file(per_file).to_dict()
    assert [len(d) for d in datasets(spec)] == [5]
    assert spec["encoding"]["y"]["field"] == "file"
    assert spec["encoding"]["x"]["title"] == "articles"
    assert spec["title"] == "Articles per file"

    over = agg.articles_over_time(wb.articles, "W")
    spec = charts.articles_over_time(over, "W").to_dict()
    assert [len(d) for d in datasets(spec)] == [len(over)]
    assert spec["encoding"]["x"]["field"] == "period" and spec["encoding"]["x"]["type"] == (
        "temporal")
    assert spec["encoding"]["color"]["field"] == "precision"

    outlets = charts.articles_per_outlet(agg.articles_per_outlet(wb.articles)).to_dict()
    assert outlets["encoding"]["y"]["sort"] == "-x"
    ledger = charts.ledger_reasons(agg.ledger_by_reason(wb.corpus.ledger)).to_dict()
    assert [len(d) for d in datasets(ledger)] == [2]


def test_events_timeline_brush_filters_the_linked_table(wb):
    ev = agg.events_timeline(wb.events, wb.articles, wb.mentions)
    assert ev.total == len(wb.events) > 0
    spec = charts.events_timeline(ev.rows, color="bloc", rows=10).to_dict()
    data = datasets(spec)
    assert len(data) == 1 and len(data[0]) == ev.total  # one shared dataset: one mark each
    assert {"title", "outlet", "sentence", "bloc", "file", "line"} <= set(data[0][0])
    sel = params_of(spec)["window"]
    assert sel["select"] == {"type": "interval", "encodings": ["x"]}
    assert filters_on(spec, "window") == 5  # every column of the text table follows the brush
    enc = all_encodings(spec)
    tooltip_fields = {t["field"] for e in enc for t in e.get("tooltip", []) if "field" in t}
    assert {"title", "outlet", "sentence"} <= tooltip_fields
    assert "row <= 10" in json.dumps(spec)
    place = charts.events_timeline(ev.rows, color="place").to_dict()
    assert any(e.get("y", {}).get("field") == "place" for e in all_encodings(place))
    with pytest.raises(ValueError):
        charts.events_timeline(ev.rows, color="actor")


def test_attribution_click_lists_the_evidence(wb):
    by_outlet = agg.attribution_by_outlet(wb.attributions, wb.articles)
    ev = agg.attribution_evidence(wb.attributions, wb.articles, limit=300)
    spec = charts.attribution_by_outlet(by_outlet, ev.rows).to_dict()
    sizes = sorted(len(d) for d in datasets(spec))
    assert sizes == sorted([len(by_outlet), ev.total])
    sel = params_of(spec)["pick"]
    assert sel["select"]["type"] == "point"
    assert sel["select"]["fields"] == ["outlet", "source_type"]
    assert filters_on(spec, "pick") == 4
    evidence = next(d for d in datasets(spec) if len(d) == ev.total)
    assert {"outlet", "source_type", "sentence", "file", "line", "article_id"} <= set(
        evidence[0])

    types = charts.sources_by_type(agg.sources_by_type(wb.attributions, wb.articles)).to_dict()
    assert types["encoding"]["color"]["field"] == "anonymity"
    share = agg.anonymous_share_over_time(wb.attributions, wb.articles, "M")
    spec = charts.anonymous_share(share, "M").to_dict()
    assert spec["encoding"]["y"]["scale"]["domain"] == [0, 1]
    assert [len(d) for d in datasets(spec)] == [len(share)]


def test_mentions_charts_highlight_the_chosen_factions(wb):
    table = agg.mentions_over_time(wb.mentions, wb.articles, "M")
    spec = charts.mentions_over_time(table, "M", highlight=["Hezbollah"],
                                     measure="per_1000_words", top=2).to_dict()
    rows = datasets(spec)[0]
    top2 = table.groupby("actor")["mentions"].sum().nlargest(2).index
    assert {r["actor"] for r in rows} == set(top2) | {"Hezbollah"}
    assert spec["encoding"]["y"]["field"] == "per_1000_words"
    color = spec["encoding"]["color"]
    assert color["condition"]["test"] == {"field": "actor", "oneOf": ["Hezbollah"]}
    assert color["value"] == "#c7c7c7"
    assert params_of(spec)["legend"]["bind"] == "legend"
    raw = charts.mentions_over_time(table, "M").to_dict()
    assert raw["encoding"]["color"]["field"] == "actor"
    with pytest.raises(ValueError):
        charts.mentions_over_time(table, measure="share")

    by_actor = agg.mentions_by_actor(wb.mentions)
    spec = charts.mentions_by_actor(by_actor, highlight=["Hezbollah"], top=2).to_dict()
    assert {r["actor"] for r in datasets(spec)[0]} == set(by_actor.head(2)["actor"]) | {
        "Hezbollah"}

    co = agg.co_mentions(wb.mentions)
    spec = charts.co_mentions(co, highlight=["Hezbollah"]).to_dict()
    data = datasets(spec)[0]
    assert len(data) == len(co)
    assert all(r["chosen"] == ("Hezbollah" in (r["actor_a"], r["actor_b"])) for r in data)


@pytest.mark.parametrize("build, text", [
    (lambda: charts.events_timeline(agg.events_timeline(
        schema.frame("events"), schema.frame("articles"), schema.frame("mentions")).rows),
     "no dated events in this window"),
    (lambda: charts.attribution_by_outlet(
        agg.attribution_by_outlet(schema.frame("attributions"), schema.frame("articles")),
        schema.frame("attributions")), "no attributed statements in this window"),
    (lambda: charts.mentions_over_time(agg.mentions_over_time(
        schema.frame("mentions"), schema.frame("articles"), "M")), "no dated mentions"),
    (lambda: charts.co_mentions(agg.co_mentions(schema.frame("mentions"))), "no actor mentions"),
    (lambda: charts.articles_over_time(agg.articles_over_time(schema.frame("articles"))),
     "no dated articles"),
    (lambda: charts.anonymous_share(agg.anonymous_share_over_time(
        schema.frame("attributions"), schema.frame("articles"))), "no dated attributions"),
    (lambda: charts.sources_by_type(agg.sources_by_type(
        schema.frame("attributions"), schema.frame("articles"))), "no attributed statements"),
    (lambda: charts.mentions_by_actor(agg.mentions_by_actor(schema.frame("mentions"))),
     "no actor mentions"),
])
def test_empty_tables_give_a_message_chart(build, text):
    spec = build().to_dict()
    assert spec["mark"]["type"] == "text"
    assert text in datasets(spec)[0][0]["message"]


def test_specs_embed_no_absolute_path(wb):
    ev = agg.events_timeline(wb.events, wb.articles, wb.mentions)
    text = json.dumps(charts.events_timeline(ev.rows).to_dict())
    assert str(paths.PROJECT_ROOT) not in text


def utc_ms(day: str) -> int:
    return int(pd.Timestamp(day, tz="UTC").timestamp() * 1000)


def monthly(actor_months: dict[str, list[str]]) -> pd.DataFrame:
    rows = [{"period": p, "actor": a, "mentions": 2, "articles": 1, "words": 500,
             "per_1000_words": 4.0} for a, months in actor_months.items() for p in months]
    return pd.DataFrame(rows).astype({"period": "string", "actor": "string"})


def test_monthly_axis_labels_each_month_once():
    # three months used to give Vega-Lite's own ticks, each labelled "Oct 2016" several times
    table = monthly({"Russia": ["2016-10-01", "2016-11-01", "2016-12-01"]})
    spec = charts.mentions_over_time(table, "M").to_dict()
    axis = spec["encoding"]["x"]["axis"]
    assert axis["values"] == [utc_ms("2016-10-01"), utc_ms("2016-11-01"), utc_ms("2016-12-01")]
    assert axis["format"] == "%b %Y"
    # thirty months: at most 12 ticks, each on the first day of a month, none repeated
    months = [p.strftime("%Y-%m-%d") for p in pd.date_range("2016-10-01", periods=30,
                                                              freq="MS")]
    ticks = charts.period_ticks(pd.Series(months), "M")
    assert 0 < len(ticks) <= charts.MAX_TICKS and len(set(ticks)) == len(ticks)
    assert all(pd.Timestamp(t, unit="ms").day == 1 for t in ticks)
    assert ticks[0] == utc_ms("2016-10-01")


def test_bars_over_time_span_their_period(wb):
    over = agg.articles_over_time(wb.articles, "M")
    spec = charts.articles_over_time(over, "M").to_dict()
    assert spec["encoding"]["x2"]["field"] == "period_end"
    rows = datasets(spec)[0]
    assert len(rows) == len(over)
    r = rows[0]
    assert r["period_end"] == agg.period_end(pd.Series([r["period"]]), "M").iloc[0]
    assert spec["transform"][0]["stack"] == "articles"  # stacked by precision, per period
    share = agg.anonymous_share_over_time(wb.attributions, wb.articles, "W")
    spec = charts.anonymous_share(share, "W").to_dict()
    assert spec["mark"]["type"] == "bar" and spec["encoding"]["y2"] == {"datum": 0}


def test_mention_lines_drop_to_zero_in_periods_without_mentions():
    table = monthly({"Russia": ["2016-10-01", "2016-12-01"],
                     "Turkey": ["2016-10-01", "2016-11-01", "2016-12-01"]})
    rows = datasets(charts.mentions_over_time(table, "M").to_dict())[0]
    russia = {r["period"]: r["mentions"] for r in rows if r["actor"] == "Russia"}
    assert russia == {"2016-10-01": 2, "2016-11-01": 0, "2016-12-01": 2}
    nov = next(r for r in rows if r["actor"] == "Russia" and r["period"] == "2016-11-01")
    assert nov["period_label"] == "November 2016" and nov["per_1000_words"] == 0.0


def test_chosen_faction_without_dated_mentions_stays_in_chart_and_legend():
    table = monthly({"Islamic State": ["2016-10-01", "2016-11-01"]})
    spec = charts.mentions_over_time(table, "M", highlight=["Islamic State", "Hezbollah"]
                                     ).to_dict()
    color = spec["encoding"]["color"]["condition"]
    assert color["scale"]["domain"] == ["Islamic State", "Hezbollah"]
    hez = [r for r in datasets(spec)[0] if r["actor"] == "Hezbollah"]
    assert [(r["period"], r["mentions"]) for r in hez] == [("2016-10-01", 0), ("2016-11-01", 0)]
    by_actor = pd.DataFrame({"actor": ["Islamic State"], "bloc": ["Islamic State"],
                             "mentions": [4], "articles": [2]})
    bars = charts.mentions_by_actor(by_actor, highlight=["Islamic State", "Hezbollah"]).to_dict()
    assert {r["actor"]: r["mentions"] for r in datasets(bars)[0]} == {
        "Islamic State": 4, "Hezbollah": 0}


def test_every_chart_has_a_title_and_axis_titles(wb):
    ev = agg.events_timeline(wb.events, wb.articles, wb.mentions)
    built = [
        charts.articles_per_file(agg.articles_per_file(wb.corpus.articles)),
        charts.articles_per_outlet(agg.articles_per_outlet(wb.articles)),
        charts.articles_over_time(agg.articles_over_time(wb.articles, "M"), "M"),
        charts.ledger_reasons(agg.ledger_by_reason(wb.corpus.ledger)),
        charts.sources_by_type(agg.sources_by_type(wb.attributions, wb.articles)),
        charts.anonymous_share(agg.anonymous_share_over_time(wb.attributions, wb.articles)),
        charts.mentions_by_actor(agg.mentions_by_actor(wb.mentions)),
        charts.mentions_over_time(agg.mentions_over_time(wb.mentions, wb.articles)),
        charts.co_mentions(agg.co_mentions(wb.mentions)),
    ]
    for chart in built:
        spec = chart.to_dict()
        assert spec.get("title"), spec
        enc = all_encodings(spec)
        for channel in ("x", "y"):
            titled = [e[channel].get("title") for e in enc if "field" in e.get(channel, {})]
            assert titled and all(titled), (spec["title"], channel)
    timeline = charts.events_timeline(ev.rows).to_dict()
    points = timeline["vconcat"][0]
    assert points["title"] and points["encoding"]["x"]["title"] and points["encoding"]["y"][
        "title"]
    tooltip = {t.get("title", t["field"]) for t in points["encoding"]["tooltip"]}
    assert {"article", "outlet", "published", "sentence", "file:line"} <= tooltip
