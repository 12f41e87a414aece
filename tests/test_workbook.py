"""The workbook's HTML pieces: escaped, capped tables that read well, and the facts an analyst
must know before trusting the charts."""

from __future__ import annotations

import re

import pandas as pd
from synthetic_tables import full_corpus

from siegewatch import aggregation as agg
from siegewatch import params, workbook


def test_table_escapes_formats_and_caps():
    df = pd.DataFrame({
        "title": ["<script>alert(1)</script>", "b & c"],
        "anonymous": pd.array([True, None], dtype="boolean"),
        "mentions": [12345, 2],
        "line": [12345, 7],
        "date": pd.array(["2016-10-01", None], dtype="string"),
        "outlets": [["Reuters", "AFP"], []],
    })
    html = workbook.table_html(df, limit=1, more="siegewatch mentions --format csv data/raw"
                               ).data
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "showing 1 of 2" in html and "<code>siegewatch mentions --format csv data/raw" in html
    row = re.findall(r"<td[^>]*>([^<]*)</td>", html)
    assert row == ["&lt;script&gt;alert(1)&lt;/script&gt;", "yes", "12,345", "12345",
                   "2016-10-01", "Reuters; AFP"]
    assert "<NA>" not in workbook.table_html(df).data
    assert "<td>no</td>" not in workbook.table_html(df).data  # a missing boolean is blank
    assert "all 2 shown" in workbook.table_html(df).data
    assert "every row" not in workbook.table_html(df, more="x").data  # nothing was cut
    assert workbook.table_html(df.head(0), empty="nothing here").data == (
        "<p><i>nothing here</i></p>")
    # running text gets room; dates never wrap
    assert '<th style="min-width:12em">outlets</th>' in html
    assert '<td style="white-space:nowrap">2016-10-01</td>' in html


def test_facts_say_duplicates_undated_ledger_and_unreadable():
    facts = {"files": 5, "unreadable": 1, "articles": 21, "unique": 20, "duplicates": 1,
             "undated": 6, "month_only": 0, "no_outlet": 0, "ledger_spans": 3,
             "ledger_chars": 9202, "file_chars": 100000}
    html = workbook.facts_html(facts, 8)
    assert "21 articles found in 5 files; 20 are unique: 1 duplicate" in html
    assert "6 of the 20 unique articles (30%) have no publication date" in html
    assert "9,202 characters in 3 spans" in html and "(9.2% of all non-blank text)" in html
    assert "1 file could not be read" in html
    assert "keeps 8 unique articles" in html
    assert "Every file could be read" in workbook.facts_html({**facts, "unreadable": 0}, 8)


def test_workbook_facts_and_faction_note_on_a_corpus():
    w = workbook.from_corpus(full_corpus(), params.Params(factions=("Hezbollah",)))
    facts = agg.corpus_facts(w.corpus.files, w.corpus.articles, w.corpus.ledger)
    assert facts["duplicates"] == 1 and facts["unique"] == 20
    assert f"{facts['undated']} of the 20 unique articles" in w.facts().data
    note = w.faction_note().data
    assert note.count("<li>") == 1 and "Hezbollah: " in note
    assert "No faction chosen" in workbook.from_corpus(full_corpus()).faction_note().data


def test_cached_corpus_window_reads_only_its_rows_and_gives_the_same_tables(tmp_path):
    import datetime as dt

    from siegewatch import paths
    from siegewatch.corpus import load_corpus
    from siegewatch.pipeline import open_corpus

    p = params.Params(start=dt.date(2016, 10, 1), end=dt.date(2016, 12, 31),
                      factions=("Islamic State", "Hezbollah"))
    cached = open_corpus(paths.RAW_DIR, cache_dir=tmp_path, workers=1)
    w = workbook.from_corpus(cached, p)
    note = w.faction_note().data
    # the window's rows came from parquet: the whole sentence tables were never loaded
    assert not {"mentions", "attributions", "blocks"} & set(cached.tables)
    memory = workbook.from_corpus(load_corpus(paths.RAW_DIR), p)
    for name in ("articles", "mentions", "attributions", "events"):
        pd.testing.assert_frame_equal(w.rows(name), memory.rows(name), check_dtype=False,
                                      obj=name)
    assert note == memory.faction_note().data
    assert workbook.rows_where(cached, "mentions", "article_id", []).empty
