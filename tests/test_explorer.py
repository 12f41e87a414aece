"""The explorer, driven without a browser: set a control's value, check what it shows."""

from __future__ import annotations

import datetime as dt

import pytest
from synthetic_tables import full_corpus

from siegewatch import explorer, params, workbook


@pytest.fixture()
def wb():
    return workbook.from_corpus(full_corpus())


@pytest.fixture()
def ex(wb):
    return explorer.Explorer(wb)


def ids_mentioning(wb, actor):
    m = wb.mentions
    return set(m.loc[m["actor"] == actor, "article_id"])


def test_starts_with_every_article_of_the_workbook(ex, wb):
    assert len(ex.articles) == len(wb.articles) == 20  # the duplicate is not there
    assert "<b>20</b> of 20 articles match" in ex.summary.value
    assert ex.controls["article"].value == wb.articles["article_id"].iloc[0]
    assert set(ex.controls["factions"].options) == set(wb.mentions["actor"])


def test_factions_control_filters_articles_and_highlights_the_chart(ex, wb):
    ex.controls["factions"].value = ("Hezbollah",)
    want = ids_mentioning(wb, "Hezbollah")
    assert 0 < len(want) < 20
    assert set(ex.articles["article_id"]) == want
    assert f"<b>{len(want)}</b> of 20" in ex.summary.value
    spec = ex.chart.to_dict()
    assert spec["encoding"]["color"]["condition"]["test"]["oneOf"] == ["Hezbollah"]
    ex.controls["factions"].value = ("Hezbollah", "Turkey")
    assert set(ex.articles["article_id"]) == want | ids_mentioning(wb, "Turkey")


def test_outlets_source_types_search_and_dates(ex, wb):
    ex.controls["outlets"].value = ("Reuters",)
    assert set(ex.articles["outlet"]) == {"Reuters"} and len(ex.articles) == 11
    ex.controls["outlets"].value = ()
    ex.controls["source_types"].value = ("foreign government",)
    a = wb.attributions
    assert set(ex.articles["article_id"]) == set(
        a.loc[a["source_type"] == "foreign government", "article_id"])
    ex.controls["source_types"].value = ()
    ex.controls["search"].value = "LAVROV"
    assert len(ex.articles) > 0
    assert all("lavrov" in (t + b).lower() for t, b in zip(
        ex.articles["title"], ex.articles["body"], strict=True))
    ex.controls["search"].value = "no such words anywhere"
    assert ex.articles.empty and "no article matches these controls" in ex.table.value
    assert ex.controls["article"].value is None
    assert "no article to show" in ex.reader.value
    assert ex.chart.to_dict()["mark"]["type"] == "text"  # the empty-chart message
    ex.controls["search"].value = ""
    ex.controls["start"].value = dt.date(2016, 11, 1)
    ex.controls["end"].value = dt.date(2016, 11, 30)
    dates = ex.articles["date"].tolist()
    assert dates and all(d.startswith("2016-11") for d in dates)


def test_reader_marks_mentions_attributions_and_dates(ex, wb):
    aid = wb.events["article_id"].iloc[0]
    ex.controls["article"].value = aid
    html = ex.reader.value
    assert html.count('<mark class="event"') == int((wb.events["article_id"] == aid).sum())
    n_mentions = int((wb.mentions["article_id"] == aid).sum())
    assert html.count('<mark class="mention"') == n_mentions > 0
    title = wb.articles.set_index("article_id").loc[aid, "title"]
    assert "<h3>" in html and title.split()[0] in html


def test_highlight_html_escapes_corpus_text():
    text = "<script>alert(1)</script> Hezbollah & <b>ISIS</b> said"
    off = 1000
    spans = [
        (off + text.index("Hezbollah"), off + text.index("Hezbollah") + 9, "mention",
         'Hezbollah "<x>"'),
        (off + text.index("ISIS"), off + text.index("ISIS") + 4, "mention", "IS"),
        (off + text.index("ISIS") - 1, off + text.index("ISIS") + 2, "event", "overlap"),
        (0, 5, "event", "outside"),
    ]
    out = explorer.highlight_html(text, off, spans)
    assert "<script>" not in out and "<b>" not in out
    assert out.startswith("&lt;script&gt;alert(1)&lt;/script&gt; ")
    assert 'title="Hezbollah &quot;&lt;x&gt;&quot;">Hezbollah</mark> &amp; ' in out
    # the overlapping span starts first and wins; the later one is dropped
    assert out.count("<mark") == 2 and "overlap" in out and ">ISIS</mark>" not in out


def test_explorer_starts_from_the_workbook_parameters():
    p = params.Params(start=dt.date(2016, 10, 1), end=dt.date(2016, 10, 31),
                      factions=("Russia",))
    w = workbook.from_corpus(full_corpus(), p)
    ex = explorer.Explorer(w)
    assert ex.controls["start"].value == dt.date(2016, 10, 1)
    assert ex.controls["factions"].value == ("Russia",)
    assert set(ex.articles["article_id"]) <= set(w.articles["article_id"])
    assert set(ex.articles["article_id"]) == ids_mentioning(w, "Russia")


def test_workbook_window_counts_unique_articles_only():
    c = full_corpus()
    w = workbook.from_corpus(c, params.Params(start=dt.date(2016, 10, 1),
                                              end=dt.date(2016, 11, 30)))
    assert w.articles["duplicate_of"].isna().all()
    assert w.articles["date"].notna().all()
    assert set(w.mentions["article_id"]) <= set(w.articles["article_id"])
    ev_dates = w.events["date"]
    assert ((ev_dates >= "2016-10-01") & (ev_dates <= "2016-11-30")).all()
    dup = c.articles.loc[c.articles["duplicate_of"].notna(), "article_id"]
    assert not w.mentions["article_id"].isin(dup).any()
    assert not workbook.from_corpus(c).events["article_id"].isin(dup).any()
    with pytest.raises(params.ParameterError, match="outlet 'Reuter' does not occur in this "
                       "corpus; did you mean 'Reuters'"):
        workbook.from_corpus(c, params.Params(outlets=("Reuter",)))


def test_chosen_faction_without_mentions_in_the_window_is_kept_and_explained():
    # November: Hezbollah is mentioned in the corpus, but in no article of this window
    p = params.Params(start=dt.date(2016, 11, 1), end=dt.date(2016, 11, 30),
                      factions=("Russia", "Hezbollah"))
    w = workbook.from_corpus(full_corpus(), p)
    assert "Hezbollah" not in set(w.mentions["actor"]) and "Russia" in set(w.mentions["actor"])
    ex = explorer.Explorer(w)
    assert ex.controls["factions"].value == ("Russia", "Hezbollah")
    assert set(ex.articles["article_id"]) == ids_mentioning(w, "Russia")
    assert "mentioning Russia or Hezbollah" in ex.summary.value
    spec = ex.chart.to_dict()
    assert spec["encoding"]["color"]["condition"]["scale"]["domain"] == ["Russia", "Hezbollah"]
    hez = [r for r in datasets(spec) if r["actor"] == "Hezbollah"]
    assert hez and all(r["mentions"] == 0 for r in hez)
    note = w.faction_note().data
    assert "<li>Hezbollah: 4 mentions, none in this window.</li>" in note
    assert "<li>Russia: 113 mentions: 40 in the charts over time, 73 outside the window." in note


def datasets(spec):
    return [r for d in spec.get("datasets", {}).values() for r in d]


def test_article_list_shows_undated_and_file_line():
    w = workbook.from_corpus(full_corpus())
    listed = explorer.article_list(w.articles)
    assert list(listed.columns) == ["published", "title", "outlet", "words", "where",
                                    "article_id"]
    assert (listed["published"] == "undated").sum() == w.articles["date"].isna().sum() > 0
    first = w.articles.iloc[0]
    assert listed["where"].iloc[0] == f"{first['file']}:{first['first_line']}"
