"""Segmentation of the bundled corpus, pinned against what a reader of the five files sees."""

from __future__ import annotations

import pandas as pd

# (file, first line, title) of every article, written by reading data/raw side by side.
EXPECTED = [
    ("000_744be8aa4c07456e.txt", 1, "U.S.-backed Syrian force starts final battle in Islamic State enclave"),
    ("000_744be8aa4c07456e.txt", 23, "Syrian rebels and Iran reach deal to evacuate villages: sources"),
    ("000_744be8aa4c07456e.txt", 59, "Iraqi election commission says Kirkuk voting stations under siege, staff inside"),
    ("000_744be8aa4c07456e.txt", 91, "U.N. seeks access to Syrians ‘on their knees’ in eastern Ghouta"),
    ("000_744be8aa4c07456e.txt", 127, "Talks with rebels in no-man’s land as Russia eyes post-war role in Syria"),
    ("000_744be8aa4c07456e.txt", 219, "Suspected Russian jets bomb residential area near Damascus; kill 30"),
    ("000_744be8aa4c07456e.txt", 273, "Syrian, Russian jets bomb residential areas in eastern Ghouta: witnesses, monitor"),
    ("000_744be8aa4c07456e.txt", 321, "Prices soar, families use river water as Islamic State besieges Syrian city"),
    ("000_744be8aa4c07456e.txt", 341, "Girl, 7, who tweeted from Aleppo is evacuated from Syrian city"),
    ("000_744be8aa4c07456e.txt", 363, "Syrian army in ‘final stages’ of Aleppo offensive"),
    ("001_bf4136b5d83f17ff.txt", 1, "Syrian Military Says Rebels Driven from 98 Percent of Aleppo"),
    ("002_076498367e560eef.txt", 1, "Syrian Government Forces Advance In East Aleppo"),
    ("003_7c942f0ab56c54e6.txt", 1, "21 civilians ‘executed’ by rebels in Aleppo, say authorities"),
    ("003_7c942f0ab56c54e6.txt", 18, "Syrian rebels hold secret talks with Russia in Ankara to end Aleppo fighting: FT"),
    ("003_7c942f0ab56c54e6.txt", 41, "SAA and allies advance in SW Aleppo"),
    ("003_7c942f0ab56c54e6.txt", 66, "Putin orders 10-hour humanitarian pause in Aleppo on November 4: Russian Chief of Staff"),
    ("003_7c942f0ab56c54e6.txt", 87, "Syrian rebels launch attack to break Aleppo siege"),
    ("003_7c942f0ab56c54e6.txt", 130, "Kerry and Lavrov talk about Aleppo, while the rebels announce major assault to break siege"),
    ("003_7c942f0ab56c54e6.txt", 175, "Syrian army begins East Aleppo ceasefire, while Germany and France threaten Russia with sanctions"),
    ("004_ddb399af3f17ee9c.txt", 1, "Exclusive: Syrian rebels get proposal to quit Aleppo, jihadists retake Palmyra"),
    # The scraper printed the Exclusive twice (lines 39-75 repeat lines 2-38), without its title.
    ("004_ddb399af3f17ee9c.txt", 39, ""),
]


def test_articles_are_the_ones_a_reader_lists(corpus):
    got = list(corpus.articles[["file", "first_line", "title"]].itertuples(index=False, name=None))
    assert got == EXPECTED


def test_the_repeated_exclusive_is_a_duplicate_and_nothing_else_is(corpus):
    a = corpus.articles.set_index(["file", "first_line"])
    first = a.loc[("004_ddb399af3f17ee9c.txt", 1)]
    repeat = a.loc[("004_ddb399af3f17ee9c.txt", 39)]
    assert repeat["duplicate_of"] == first["article_id"]
    assert a["duplicate_of"].notna().sum() == 1
    assert len(corpus.unique_articles()) == len(EXPECTED) - 1


def test_article_ends_at_its_credit_or_sources_line(corpus):
    a = corpus.articles.set_index(["file", "first_line"])
    assert a.loc[("000_744be8aa4c07456e.txt", 363), "last_line"] == 447
    assert a.loc[("001_bf4136b5d83f17ff.txt", 1), "last_line"] == 41
    assert a.loc[("003_7c942f0ab56c54e6.txt", 175), "last_line"] == 195
    assert a.loc[("004_ddb399af3f17ee9c.txt", 39), "last_line"] == 75


def test_furniture_is_parsed_into_fields_not_left_in_the_body(corpus):
    a = corpus.articles.set_index(["file", "first_line"])
    first = a.loc[("000_744be8aa4c07456e.txt", 1)]
    assert list(first["bylines"]) == ["Ellen Francis", "Rodi Said"]
    assert first["dateline"] == "DEIR AL-ZOR PROVINCE, Syria"
    assert first["outlet"] == "Reuters"
    assert "Editing by Kevin Liffey" in list(first["credits"])
    assert "(Reuters)" not in first["body"]
    assert "REUTERS/Rodi Said" not in first["body"]
    assert "Additional reporting" not in first["body"]
    ap = a.loc[("001_bf4136b5d83f17ff.txt", 1)]
    assert ap["dateline"] == "BEIRUT"
    assert any("Associated Press writers" in c for c in ap["credits"])
    assert "Associated Press writers" not in ap["body"]
    gulf = a.loc[("002_076498367e560eef.txt", 1)]
    assert gulf["dateline"] == "Aleppo, Syria/Beirut"
    blog = a.loc[("003_7c942f0ab56c54e6.txt", 1)]
    assert list(blog["sources"]) == ["AFP", "Syria & Iraq News"]
    assert "Sources:" not in blog["body"]
    bb = a.loc[("004_ddb399af3f17ee9c.txt", 1)]
    assert "[size" not in bb["title"]


def test_section_headings_stay_inside_their_article(corpus):
    b = corpus.blocks
    heads = {" ".join(t.split()) for t in b[b["role"] == "heading"]["text"]}
    for text in ("TRUCE PROCESS", "PALMYRA", "REBELS", "Rockets, bombs, artillery",
                 "Rebel bombardment", "SAA and Hezbollah capture Bazo hill in SW Aleppo"):
        assert text in heads, text


def test_captions_printed_twice_are_counted_once(corpus):
    b = corpus.blocks
    caps = b[b["role"] == "caption"]
    reps = b[b["role"] == "caption_repeat"]
    # 000:101/103 identical; 000:249/251 and 000:421/423 a cut-off copy then the credited one.
    assert {101, 249, 421} & set(reps[reps["file"].str.startswith("000")]["line"]) == {249, 421} | (
        {101} if 101 in set(reps["line"]) else set()
    )
    a = corpus.articles.set_index(["file", "first_line"])
    aleppo = a.loc[("000_744be8aa4c07456e.txt", 363)]
    assert sum("Sheikh Saeed district of Aleppo" in c for c in aleppo["captions"]) == 1
    assert len(caps) > 0 and not set(caps.index) & set(reps.index)
    for art in corpus.articles.itertuples():
        for cap in art.captions:
            assert cap not in art.body


def test_forum_list_and_site_chrome_go_to_the_ledger(corpus):
    led = corpus.ledger
    forum = led[led["reason"].str.startswith("forum")]
    assert list(forum[["file", "first_line", "last_line"]].itertuples(index=False, name=None)) == [
        ("004_ddb399af3f17ee9c.txt", 76, 272)
    ]
    chrome = led[led["reason"].str.startswith("site navigation")]
    assert ("001_bf4136b5d83f17ff.txt", 43, 47) in set(
        chrome[["file", "first_line", "last_line"]].itertuples(index=False, name=None)
    )
    titles = " ".join(corpus.articles["title"]) + " ".join(corpus.articles["body"])
    for junk in ("by Rocky", "Show Full Article", "Related Topics", "Advertisements", "Al-Sudani"):
        assert junk not in titles


def test_article_ids_are_stable_across_loads(corpus, raw_dir):
    from siegewatch import load_corpus

    again = load_corpus(raw_dir)
    pd.testing.assert_series_equal(corpus.articles["article_id"], again.articles["article_id"])


def test_a_summary_paragraph_the_body_repeats_is_counted_once(corpus):
    b = corpus.blocks
    row = b[(b["file"] == "002_076498367e560eef.txt") & (b["line"] == 3)].iloc[0]
    assert row["role"] == "repeat"
    a = corpus.articles.set_index(["file", "first_line"]).loc[("002_076498367e560eef.txt", 1)]
    assert a["body"].count("closer to victory than at any point in the five years") == 1
