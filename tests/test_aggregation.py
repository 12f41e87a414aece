"""Aggregation over small hand-made tables whose answers are worked out by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from siegewatch import aggregation as agg
from siegewatch import schema


def articles() -> pd.DataFrame:
    rows = [
        # id, file, date, precision, outlet, words, duplicate_of, dateline
        ("a1", "f1.txt", "2016-10-03", "day", "Reuters", 100, None, "ALEPPO, Syria/BEIRUT"),
        ("a2", "f1.txt", "2016-10-20", "day", "Reuters / Associated Press", 200, None, "BEIRUT"),
        ("a3", "f2.txt", "2016-11", "month", None, 300, None, None),
        ("a4", "f2.txt", None, None, "AFP", 50, None, "Amman"),
        ("a5", "f3.txt", "2016-10-03", "day", "Reuters", 100, "a1", "ALEPPO"),
    ]
    return schema.frame("articles", [
        {"article_id": i, "file": f, "first_line": n * 10 + 1, "last_line": n * 10 + 9,
         "start": n * 100, "end": n * 100 + 90, "title": f"title {i}", "date": d,
         "date_precision": p, "date_confidence": "explicit" if d else "unknown", "outlet": o,
         "n_words": w, "duplicate_of": dup, "dateline": dl, "body": f"body of {i}"}
        for n, (i, f, d, p, o, w, dup, dl) in enumerate(rows)
    ])


def mentions() -> pd.DataFrame:
    rows = [
        ("a1", "Hezbollah", "government and allies", "Hezbollah fought near Aleppo.", 5),
        ("a1", "Hezbollah", "government and allies", "Hezbollah fought near Aleppo.", 6),
        ("a1", "Islamic State", "Islamic State", "Islamic State held the town.", 7),
        ("a2", "Hezbollah", "government and allies", "Fighters of Hezbollah arrived.", 3),
        ("a3", "Islamic State", "Islamic State", "The Islamic State attacked.", 2),
        ("a4", "Hezbollah", "government and allies", "Hezbollah said so.", 1),
        ("a5", "Hezbollah", "government and allies", "Hezbollah fought near Aleppo.", 5),
        ("a5", "Hezbollah", "government and allies", "Hezbollah fought near Aleppo.", 6),
    ]
    out = []
    for k, (aid, actor, bloc, sent, line) in enumerate(rows):
        surface = "Islamic State" if actor == "Islamic State" else "Hezbollah"
        out.append({"article_id": aid, "file": "f", "line": line, "actor": actor, "bloc": bloc,
                    "surface": surface, "start": k * 10, "end": k * 10 + len(surface),
                    "sentence": sent, "role": "body"})
    return schema.frame("mentions", out)


def attributions() -> pd.DataFrame:
    rows = [
        ("a1", "Syrian Observatory for Human Rights", "war monitor", False),
        ("a1", "military source", "military", True),
        ("a2", "SANA", "state media", False),
        ("a2", "military source", "military", True),
        ("a3", "residents", "residents", True),
        ("a4", "SANA", "state media", False),
        ("a5", "military source", "military", True),
    ]
    return schema.frame("attributions", [
        {"article_id": a, "file": "f", "line": k + 1, "source": s, "source_type": t,
         "anonymous": anon, "cue": "said", "start": k, "end": k + 1, "sentence": f"claim {k}."}
        for k, (a, s, t, anon) in enumerate(rows)
    ])


def unique() -> pd.DataFrame:
    a = articles()
    return a[a["duplicate_of"].isna()].reset_index(drop=True)


def test_date_range_and_period_start():
    s = pd.Series(["2016-10-20", "2016-11", "2016", None, "garbage"])
    first, last = agg.date_range(s)
    assert list(first.dt.strftime("%Y-%m-%d").fillna("")) == [
        "2016-10-20", "2016-11-01", "2016-01-01", "", ""]
    assert list(last.dt.strftime("%Y-%m-%d").fillna("")) == [
        "2016-10-20", "2016-11-30", "2016-12-31", "", ""]
    assert list(agg.period_start(s, "M").fillna("")) == [
        "2016-10-01", "2016-11-01", "2016-01-01", "", ""]
    # weeks start on Monday: 2016-10-20 is a Thursday
    assert agg.period_start(pd.Series(["2016-10-20", "2016-10-17", "2016-10-23"]), "W"
                            ).tolist() == ["2016-10-17"] * 3
    assert agg.period_start(s.head(1), "D").tolist() == ["2016-10-20"]


def test_window_uses_overlap_and_drops_undated_only_when_windowed():
    a = articles()
    assert agg.in_window(a["date"], None, None).all()
    kept = agg.filter_articles(a, dt.date(2016, 10, 15), dt.date(2016, 11, 30))
    assert kept["article_id"].tolist() == ["a2", "a3"]  # a3 (November) overlaps the window
    assert agg.filter_articles(a, dt.date(2016, 11, 15), None)["article_id"].tolist() == ["a3"]
    assert agg.filter_articles(a)["article_id"].tolist() == ["a1", "a2", "a3", "a4"]
    assert agg.filter_articles(a, outlets=["associated press"])["article_id"].tolist() == ["a2"]
    assert agg.filter_articles(a, outlets=["Reuters", "AFP"])["article_id"].tolist() == [
        "a1", "a2", "a4"]


def test_articles_per_file_counts_duplicates_separately():
    out = agg.articles_per_file(articles()).set_index("file")
    assert out.loc["f1.txt"].tolist() == [2, 2, 0, 300]
    assert out.loc["f3.txt"].tolist() == [1, 0, 1, 0]


def test_articles_per_outlet_splits_joined_outlets():
    out = agg.articles_per_outlet(unique()).set_index("outlet")["articles"].to_dict()
    assert out == {"Reuters": 2, "Associated Press": 1, "AFP": 1, agg.UNKNOWN_OUTLET: 1}
    assert agg.articles_per_outlet(unique().head(0)).empty


def test_articles_over_time_by_precision():
    out = agg.articles_over_time(unique(), "M")
    assert out.to_dict("records") == [
        {"period": "2016-10-01", "precision": "day", "articles": 2, "words": 300},
        {"period": "2016-11-01", "precision": "month", "articles": 1, "words": 300},
    ]
    assert agg.date_precision(unique()).set_index(["precision", "confidence"])[
        "articles"].to_dict() == {("day", "explicit"): 2, ("month", "explicit"): 1,
                                  ("undated", "unknown"): 1}


def test_duplicates_table_points_at_the_first_copy():
    d = agg.duplicates(articles())
    assert d[["article_id", "duplicate_of", "original_file", "original_line",
              "original_title"]].to_dict("records") == [
        {"article_id": "a5", "duplicate_of": "a1", "original_file": "f1.txt",
         "original_line": 1, "original_title": "title a1"}]


def test_ledger_by_reason():
    ledger = schema.frame("ledger", [
        {"file": "f1", "reason": "nav", "chars": 10}, {"file": "f2", "reason": "nav", "chars": 5},
        {"file": "f2", "reason": "forum", "chars": 100}, {"file": "f3", "reason": "unreadable"}])
    out = agg.ledger_by_reason(ledger)
    assert out.to_dict("records") == [
        {"reason": "forum", "spans": 1, "files": 1, "chars": 100},
        {"reason": "nav", "spans": 2, "files": 2, "chars": 15},
        {"reason": "unreadable", "spans": 1, "files": 1, "chars": 0}]
    assert agg.ledger_by_reason(schema.frame("ledger")).empty


def test_data_quality_lists_what_an_analyst_must_know():
    files = schema.frame("files", [
        {"file": "f1.txt", "status": "read", "warnings": ["replaced 2 undecodable bytes"]},
        {"file": "bad.bin", "status": "unreadable", "reason": "binary file", "warnings": []}])
    tables = {"mentions": mentions(), "attributions": schema.frame("attributions"),
              "events": schema.frame("events")}
    acc = pd.DataFrame({"lost": [3, None], "claimed_twice": [0, None]})
    dq = agg.data_quality(files, articles(), tables, acc).set_index("check")
    assert dq.loc["unreadable files", "count"] == 1
    assert "bad.bin: binary file" in dq.loc["unreadable files", "note"]
    assert "replaced 2 undecodable bytes" in dq.loc["files with decoding warnings", "note"]
    assert dq.loc["duplicate articles"].tolist()[:2] == [1, "20%"]
    assert dq.loc["undated articles"].tolist()[:2] == [1, "25%"]
    assert dq.loc["dated to the month only", "count"] == 1
    assert dq.loc["articles without a known outlet", "count"] == 1
    assert "no attributions extracted" in dq.index and "no events extracted" in dq.index
    assert "no mentions extracted" not in dq.index
    assert dq.loc["characters not accounted for", "count"] == 3


def test_mentions_by_actor_ignores_articles_not_given():
    m = agg.rows_of(mentions(), unique())
    out = agg.mentions_by_actor(m)
    assert out[["actor", "mentions", "articles"]].to_dict("records") == [
        {"actor": "Hezbollah", "mentions": 4, "articles": 3},
        {"actor": "Islamic State", "mentions": 2, "articles": 2}]


def test_mentions_over_time_raw_and_per_1000_words():
    m = agg.rows_of(mentions(), unique())
    out = agg.mentions_over_time(m, unique(), "M")
    assert out.to_dict("records") == [
        # October: a1 (100 words) + a2 (200 words); undated a4 is left out
        {"period": "2016-10-01", "actor": "Hezbollah", "mentions": 3, "articles": 2,
         "words": 300, "per_1000_words": 10.0},
        {"period": "2016-10-01", "actor": "Islamic State", "mentions": 1, "articles": 1,
         "words": 300, "per_1000_words": 3.333},
        {"period": "2016-11-01", "actor": "Islamic State", "mentions": 1, "articles": 1,
         "words": 300, "per_1000_words": 3.333},
    ]
    blocs = agg.mentions_over_time(m, unique(), "M", by="bloc")
    assert blocs.set_index(["period", "bloc"])["mentions"].to_dict() == {
        ("2016-10-01", "government and allies"): 3, ("2016-10-01", "Islamic State"): 1,
        ("2016-11-01", "Islamic State"): 1}
    assert agg.mentions_over_time(m.head(0), unique(), "W").empty
    with pytest.raises(ValueError):
        agg.mentions_over_time(m, unique(), "M", by="surface")


def test_co_mentions_counts_articles_with_both():
    out = agg.co_mentions(agg.rows_of(mentions(), unique()))
    got = {(a, b): n for a, b, n in out.itertuples(index=False)}
    assert got == {("Hezbollah", "Hezbollah"): 3, ("Hezbollah", "Islamic State"): 1,
                   ("Islamic State", "Hezbollah"): 1, ("Islamic State", "Islamic State"): 2}
    top1 = agg.co_mentions(agg.rows_of(mentions(), unique()), top=1)
    assert set(top1["actor_a"]) == {"Hezbollah"}


def test_kwic_splits_the_sentence_around_the_surface_and_caps():
    ev = agg.kwic(mentions(), unique(), ["Hezbollah"], limit=2)
    assert ev.total == 4 and len(ev.rows) == 2 and ev.caption == "showing 2 of 4"
    r = ev.rows.iloc[0]
    assert (r["left"], r["surface"], r["right"]) == ("", "Hezbollah", " fought near Aleppo.")
    assert {"article_id", "file", "line"} <= set(ev.rows.columns)
    assert agg.kwic(mentions(), unique(), ["Nobody"]).caption == "no rows"


def test_attribution_tables():
    a, u = attributions(), unique()
    by_type = agg.sources_by_type(a, u).set_index(["source_type", "anonymity"])["statements"]
    assert by_type.to_dict() == {("military", "anonymous"): 2, ("state media", "named"): 2,
                                 ("residents", "anonymous"): 1, ("war monitor", "named"): 1}
    by_outlet = agg.attribution_by_outlet(a, u).set_index(["outlet", "source_type"])
    assert by_outlet.loc[("Reuters", "military"), "share"] == 0.5
    assert by_outlet.loc[("Reuters / Associated Press", "state media"), "statements"] == 1
    assert by_outlet.loc[(agg.UNKNOWN_OUTLET, "residents"), "anonymous"] == 1
    share = agg.anonymous_share_over_time(a, u, "M")
    assert share.to_dict("records") == [
        {"period": "2016-10-01", "statements": 4, "anonymous": 2, "share": 0.5},
        {"period": "2016-11-01", "statements": 1, "anonymous": 1, "share": 1.0}]
    top = agg.top_sources(a, u, n=1)
    # SANA and "military source" tie on 2 statements; ties sort by name
    assert top[["source", "statements", "articles", "outlets"]].values.tolist() == [
        ["SANA", 2, 2, "AFP, Reuters / Associated Press"]]
    ev = agg.attribution_evidence(a, u, limit=3)
    assert ev.total == 6 and len(ev.rows) == 3  # the duplicate's row is not evidence
    for empty in (agg.sources_by_type, agg.attribution_by_outlet, agg.anonymous_share_over_time):
        assert empty(a.head(0), u).empty


def test_events_timeline_takes_bloc_from_the_same_sentence_and_place_from_dateline():
    ev = schema.frame("events", [
        {"article_id": "a1", "file": "f1.txt", "line": 5, "expression": "on Monday",
         "date": "2016-10-01", "precision": "day", "start": 1, "end": 2,
         "sentence": "Hezbollah fought near Aleppo."},
        {"article_id": "a2", "file": "f1.txt", "line": 15, "expression": "last week",
         "date": "2016-10-10", "date_end": "2016-10-16", "precision": "week", "start": 3,
         "end": 4, "sentence": "Nothing here."},
        {"article_id": "a5", "file": "f3.txt", "line": 5, "expression": "on Monday",
         "date": "2016-10-01", "precision": "day", "start": 1, "end": 2,
         "sentence": "Hezbollah fought near Aleppo."},
    ])
    out = agg.events_timeline(ev, unique(), agg.rows_of(mentions(), unique()))
    assert out.total == 2
    r = out.rows.set_index("article_id")
    assert r.loc["a1", "bloc"] == "government and allies" and r.loc["a1", "place"] == "Aleppo"
    assert r.loc["a1", "date_end"] == "2016-10-01" and r.loc["a1", "when"] == "2016-10-01"
    assert r.loc["a2", "when"] == "2016-10-10 – 2016-10-16"
    assert r.loc["a2", "bloc"] == agg.NO_ACTOR and r.loc["a2", "place"] == "Beirut"
    assert r.loc["a2", "outlet"] == "Reuters / Associated Press"
    empty = agg.events_timeline(ev.head(0), unique(), mentions())
    assert empty.total == 0 and "bloc" in empty.rows.columns
    assert agg.events_timeline(ev, unique(), mentions().head(0)).rows["bloc"].eq(
        agg.NO_ACTOR).all()


def test_place_of():
    assert agg.place_of("DEIR AL-ZOR PROVINCE, Syria") == "Deir Al-Zor Province"
    assert agg.place_of("Aleppo, Syria/Beirut") == "Aleppo"
    assert agg.place_of(None) == "" and agg.place_of("") == ""


def test_period_end_and_range():
    starts = pd.Series(["2016-10-01", "2016-10-17", None])
    assert agg.period_end(starts.head(1), "M").tolist() == ["2016-11-01"]
    assert agg.period_end(starts.iloc[1:2], "W").tolist() == ["2016-10-24"]
    assert agg.period_end(starts.iloc[1:2], "D").tolist() == ["2016-10-18"]
    assert agg.period_end(starts, "M").isna().tolist() == [False, False, True]
    assert agg.period_range("2016-10-20", "2017-01-03", "M") == [
        "2016-10-01", "2016-11-01", "2016-12-01", "2017-01-01"]
    # 2016-10-20 is a Thursday: its week starts on Monday 17th
    assert agg.period_range("2016-10-20", "2016-11-01", "W") == [
        "2016-10-17", "2016-10-24", "2016-10-31"]
    assert agg.period_range(None, "2016-11-01", "W") == []


def test_complete_mentions_over_time_fills_gaps_with_zero():
    m = agg.rows_of(mentions(), unique())
    out = agg.mentions_over_time(m, unique(), "M", complete=True)
    got = out.set_index(["period", "actor"])
    # Hezbollah is not mentioned in November: a row of zeros, November's words (a3: 300)
    assert got.loc[("2016-11-01", "Hezbollah")].tolist() == [0, 0, 300, 0.0]
    assert len(out) == 4  # 2 months x 2 actors
    # the rows that were there are unchanged
    plain = agg.mentions_over_time(m, unique(), "M")
    assert plain.merge(out, how="left", indicator=True)["_merge"].eq("both").all()
    # weekly: weeks with no dated article at all count 0 mentions and have no rate
    weekly = agg.mentions_over_time(m, unique(), "W", complete=True)
    empty_week = weekly[weekly["period"] == "2016-10-10"]
    assert len(empty_week) == 2 and empty_week["mentions"].eq(0).all()
    assert empty_week["words"].eq(0).all() and empty_week["per_1000_words"].isna().all()
    assert weekly["period"].nunique() == len(agg.period_range("2016-10-03", "2016-10-31", "W"))


def test_faction_coverage_explains_what_the_charts_cannot_show():
    m = mentions()
    only_undated = pd.concat([m, m[m["article_id"] == "a4"].assign(actor="Jaish al-Islam")])
    window = agg.filter_articles(articles(), dt.date(2016, 10, 15), dt.date(2016, 11, 30))
    cov = agg.faction_coverage(["Hezbollah", "Jaish al-Islam", "Nobody"], only_undated,
                               unique(), window)
    assert cov.set_index("faction").loc["Hezbollah"].tolist() == [4, 3, 1, 1, 1]
    notes = agg.faction_notes(cov, windowed=True)
    assert notes == [
        "Hezbollah: 4 mentions: 1 in the charts over time, 1 in undated articles, "
        "2 outside the window.",
        "Jaish al-Islam: 1 mention, all in undated articles, so none is in the charts "
        "(a date window leaves undated articles out).",
        "Nobody: not mentioned in these articles.",
    ]
    whole = agg.faction_coverage(["Islamic State"], m, unique(), unique())
    assert agg.faction_notes(whole, windowed=False) == [
        "Islamic State: 2 mentions, all drawn in the charts."]
    assert agg.faction_coverage([], m, unique(), unique()).empty


def test_evidence_view_lists_keys_sentence_article_outlet_date_and_file_line():
    ev = agg.attribution_evidence(attributions(), unique(), limit=2)
    view = agg.evidence_view(ev, ["source", "anonymous"])
    assert view.total == ev.total == 6 and len(view.rows) == 2
    assert list(view.rows.columns) == ["source", "anonymous", "sentence", "article", "outlet",
                                       "published", "where"]
    first = view.rows.iloc[0]
    assert (first["article"], first["outlet"], first["published"]) == (
        "title a1", "Reuters", "2016-10-03")
    assert first["where"] == "f:1"
    kwic = agg.evidence_view(agg.kwic(mentions(), unique(), ["Hezbollah"]), ["left", "surface"])
    assert "sentence" not in kwic.rows and kwic.rows["published"].tolist()[-1] == "undated"
    assert kwic.rows["outlet"].tolist()[-1] == "AFP"


def test_corpus_facts_and_summary_count_undated_unique_articles():
    files = schema.frame("files", [{"file": "f1.txt", "status": "read", "n_chars": 1000},
                                   {"file": "bad.bin", "status": "unreadable"}])
    ledger = schema.frame("ledger", [{"file": "f1.txt", "reason": "nav", "chars": 40}])
    facts = agg.corpus_facts(files, articles(), ledger)
    assert facts == {"files": 2, "unreadable": 1, "articles": 5, "unique": 4, "duplicates": 1,
                     "undated": 1, "month_only": 1, "no_outlet": 1, "ledger_spans": 1,
                     "ledger_chars": 40, "file_chars": 1000}
    summary = agg.corpus_summary(files, articles(), ledger).set_index("measure")["value"]
    assert summary["undated unique articles"] == 1
