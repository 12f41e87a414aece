"""Dates: article dates from captions, stamps and exports; events resolved against them.

Synthetic articles are laid out the way the bundled corpus lays them out (title, caption,
byline, wire dateline, body, credit) so that segmentation gives the same roles; each test
names the date form it covers. The bundled corpus is scored against the hand-checked
annotation in tests/fixtures/annotations/dates.csv.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import time
from pathlib import Path

import pandas as pd
import pytest

from siegewatch import dates, matching
from siegewatch.evaluation import ANNOTATIONS, evaluate
from siegewatch.loading import read_document
from siegewatch.segmenting import segment

MATCHERS = ["python"] + (["hyperscan"] if matching.hyperscan_available() else [])


def run(tmp_path: Path, text: str, name: str = "story.txt"):
    """Read, segment and date one synthetic file: (article rows, event rows, document)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    doc = read_document(path, name)
    seg = segment(doc)
    events = dates.annotate(doc, seg)
    return seg.articles, events, doc


def story(caption: str, *paragraphs: str, title: str = "Syrian army advances in east Aleppo") -> str:
    body = "\n\n".join(paragraphs)
    return (
        f"{title}\n\n{caption}\n\nBy Ellen Francis\n\n"
        f"BEIRUT (Reuters) – {body}\n\n(Reporting by Tom Perry; Editing by Kevin Liffey)\n"
    )


def only(articles):
    assert len(articles) == 1, articles
    return articles[0]


def by_expression(events):
    return {e["expression"]: e for e in events}


# --------------------------------------------------------------------------- article dates


def test_caption_date_written_out_is_explicit_when_the_lead_names_that_day(tmp_path):
    text = story(
        "A fighter sits on a vehicle near Baghouz, Syria February 27, 2019. REUTERS/Rodi Said",
        "Syrian fighters launched an operation on Wednesday to clear the village, a spokesman said.",
    )
    a = only(run(tmp_path, text)[0])
    assert (a["date"], a["date_precision"], a["date_confidence"]) == ("2019-02-27", "day", "explicit")
    assert "February 27, 2019" in a["date_evidence"]


def test_abbreviated_caption_date_with_weekday(tmp_path):
    text = story(
        "In this Monday, Dec. 5, 2016 photo, Syrian army soldiers fire their weapons east of "
        "Aleppo, Syria. (AP Photo/Hassan Ammar)",
        "Syria's military said Monday it has regained control of 98 percent of eastern Aleppo.",
    )
    a = only(run(tmp_path, text)[0])
    assert (a["date"], a["date_confidence"]) == ("2016-12-05", "explicit")


def test_weekday_in_the_lead_resolves_against_the_caption_date(tmp_path):
    # Caption Wednesday 27 February; the lead reports Friday: 1 March, inferred.
    text = story(
        "A fighter sits on a vehicle near Baghouz, Syria February 27, 2019. REUTERS/Rodi Said",
        "Syrian fighters launched an operation on Friday to clear the village, a spokesman said.",
        "The commander said on Thursday that victory would come within a week.",
    )
    arts, events, _ = run(tmp_path, text)
    a = only(arts)
    assert (a["date"], a["date_confidence"]) == ("2019-03-01", "inferred")
    assert "on Friday" in a["date_evidence"]
    # Other weekdays then resolve backwards from the article date.
    assert by_expression(events)["on Thursday"]["date"] == "2019-02-28"


def test_weekday_may_lie_before_the_caption_date(tmp_path):
    # A stamp of Saturday 29 October; the attack was on Friday: the day before.
    text = story(
        "A screenshot from a video shows bombardment of southwestern Aleppo [29/10/2016]",
        "Syrian rebels counter-attacked the army on Friday aiming to break the siege, insurgents said.",
    )
    a = only(run(tmp_path, text)[0])
    assert (a["date"], a["date_confidence"]) == ("2016-10-28", "inferred")


def test_bracket_stamp_is_day_month_year(tmp_path):
    text = story(
        "US Secretary of State John Kerry at a joint press conference in Geneva [10/9/2016]",
        "The two ministers discussed the ceasefire, officials said.",
    )
    a = only(run(tmp_path, text)[0])
    assert (a["date"], a["date_confidence"]) == ("2016-09-10", "explicit")


def test_as_of_date_of_a_map(tmp_path):
    text = story(
        "Situation map of SW Aleppo, as of November 12, 2016 [map by Peto Lucem]",
        "The Syrian army captured the district of western Aleppo on Saturday after a long battle.",
    )
    a = only(run(tmp_path, text)[0])
    assert (a["date"], a["date_confidence"]) == ("2016-11-12", "explicit")


def test_caption_date_with_on(tmp_path):
    text = story(
        "A picture shows destruction in the Sukkari district in East Aleppo on December 23, 2016 "
        "[photo by AFP/George Ourfalian]",
        "The bodies were found in two neighborhoods in east Aleppo, state media reported.",
    )
    a = only(run(tmp_path, text)[0])
    assert (a["date"], a["date_confidence"]) == ("2016-12-23", "explicit")


def test_latest_caption_date_is_the_anchor(tmp_path):
    text = story(
        "Egeland addresses the media in Geneva, Switzerland, April 4, 2018. REUTERS/Pierre Albouy",
        "The U.N. adviser called on Wednesday for access to Douma, he said.",
        "A man walks in Douma, Eastern Ghouta, Syria March 30, 2018. REUTERS/Bassam Khabieh",
        "They were now negotiating with the armed group, he said.",
    )
    a = only(run(tmp_path, text)[0])
    assert a["date"] == "2018-04-04"


def test_month_precision_when_the_caption_gives_only_a_month(tmp_path):
    text = story(
        "A man walks with his bicycle in Douma, Syria, in March 2018. REUTERS/Bassam Khabieh",
        "Rebels said on Monday that talks had failed, and that fighting began last month.",
    )
    arts, events, _ = run(tmp_path, text)
    a = only(arts)
    assert (a["date"], a["date_precision"], a["date_confidence"]) == ("2018-03", "month", "explicit")
    ev = by_expression(events)
    assert "on Monday" not in ev  # a weekday cannot be placed within a month
    assert (ev["last month"]["date"], ev["last month"]["date_end"]) == ("2018-02-01", "2018-02-28")


def test_file_photo_dates_are_not_the_articles_date(tmp_path):
    text = story(
        "FILE PHOTO - People walk near buses at al-Rashideen, Aleppo province, Syria April 15, "
        "2017. REUTERS/Ammar Abdullah",
        "Syrian rebels and Iran have reached a deal to evacuate two villages, sources said.",
        "In April 2017 thousands of people were evacuated in a swap deal.",
    )
    arts, events, _ = run(tmp_path, text)
    a = only(arts)
    assert a["date"] is None and a["date_confidence"] == "unknown"
    assert [e["expression"] for e in events] == ["In April 2017"]


def test_no_evidence_stays_unknown_and_keeps_only_absolute_events(tmp_path):
    text = story(
        "FILE PHOTO: An Islamic State flag is seen in this picture",
        "UNICEF said on Monday that food prices had soared since last month.",
        "Islamic State encircled the city in July 2014 and seized Palmyra in 2015. The air drops "
        "stopped on Jan. 15, and the army arrived earlier this month. Since 2013 the area has "
        "been besieged.",
    )
    arts, events, _ = run(tmp_path, text)
    a = only(arts)
    assert (a["date"], a["date_precision"], a["date_confidence"]) == (None, None, "unknown")
    got = {e["expression"]: (e["date"], e["date_end"], e["precision"]) for e in events}
    assert got == {
        "in July 2014": ("2014-07-01", "2014-07-31", "month"),
        "in 2015": ("2015-01-01", "2015-12-31", "year"),
        # An open range: it ends at the article date, which is unknown.
        "Since 2013": ("2013-01-01", None, "range"),
    }
    assert not any(e["relative"] for e in events)


def test_export_date_is_explicit(tmp_path):
    rows = [
        {"title": "Rebels quit Aleppo", "text": "Rebels left Aleppo on Thursday, a monitor said.",
         "date": "2016-12-22T10:31:00Z"},
        {"title": "Talks in Astana", "text": "Talks were held last month, officials said.",
         "date": "2017-02"},
    ]
    text = "\n".join(json.dumps(r) for r in rows) + "\n"
    arts, events, doc = run(tmp_path, text, "export.jsonl")
    got = [(a["date"], a["date_precision"], a["date_confidence"]) for a in arts]
    assert got == [("2016-12-22", "day", "explicit"), ("2017-02", "month", "explicit")]
    ev = by_expression(events)
    assert ev["on Thursday"]["date"] == "2016-12-22"
    assert ev["last month"]["date"] == "2017-01-01"
    assert not doc.warnings


def test_unreadable_export_date_is_a_recorded_warning(tmp_path):
    row = {"title": "Rebels quit Aleppo", "text": "Rebels left Aleppo, a monitor said.",
           "date": "the other day"}
    arts, _, doc = run(tmp_path, json.dumps(row) + "\n", "export.jsonl")
    assert only(arts)["date_confidence"] == "unknown"
    assert any("export.jsonl:1" in w and "the other day" in w and "YYYY-MM-DD" in w
               for w in doc.warnings)


def test_caption_date_contradicted_by_a_later_past_event_is_rejected(tmp_path):
    # An archive photo of 10 September; the body reports the 19 September collapse as past.
    text = story(
        "Kerry and Lavrov at a joint press conference in Geneva [10/9/2016]",
        "Kerry voiced concern to Lavrov on Monday about renewed fighting, officials said.",
        "The ceasefire brokered by the United States and Russia collapsed on Sept. 19.",
    )
    a = only(run(tmp_path, text)[0])
    assert a["date"] is None and a["date_confidence"] == "unknown"
    assert "Sept. 19" in a["date_evidence"]


def test_latest_full_date_of_the_body_dates_an_article_without_captions(tmp_path):
    text = story(
        "Smoke rises over the city",
        "The army entered the district on Dec. 12, 2016, after the rebels withdrew on Dec. 10, "
        "2016, a monitor said.",
    )
    a = only(run(tmp_path, text)[0])
    assert (a["date"], a["date_confidence"]) == ("2016-12-12", "inferred")


# --------------------------------------------------------------------------- events


def test_relative_and_absolute_events_resolve_against_the_article_date(tmp_path):
    # Article date: Monday 12 December 2016 (caption date, named by the lead).
    text = story(
        "Forces walk past damaged buildings in Aleppo, Syria December 12, 2016. REUTERS/Omar Sanadiki",
        "The army is in the final stages of recapturing Aleppo, a general said on Monday.",
        "On Oct. 28, rebels counter-attacked. The offensive began on Nov. 26, and the east has "
        "been besieged since July. Russia has observed a moratorium since Oct. 18.",
        "Islamic State seized Palmyra in May 2015 and took Kirkuk in 2014. Since 2013 the suburbs "
        "have been blockaded. A truce failed last month and talks stalled last week.",
        "The group lost ground last year and again earlier this month, after a ceasefire that "
        "collapsed on Sept. 19. Last Tuesday a deal was agreed; on Sunday Palmyra fell.",
        "In the past two weeks thousands fled. Officials will meet on Saturday to discuss aid.",
    )
    arts, events, _ = run(tmp_path, text)
    assert only(arts)["date"] == "2016-12-12"
    got = {e["expression"]: (e["date"], e["date_end"], e["precision"], e["relative"])
           for e in events}
    expected = {
        "on Monday": ("2016-12-12", "2016-12-12", "day", True),
        "On Oct. 28": ("2016-10-28", "2016-10-28", "day", True),
        "on Nov. 26": ("2016-11-26", "2016-11-26", "day", True),
        "since July": ("2016-07-01", "2016-12-12", "range", True),
        "since Oct. 18": ("2016-10-18", "2016-12-12", "range", True),
        "in May 2015": ("2015-05-01", "2015-05-31", "month", False),
        "in 2014": ("2014-01-01", "2014-12-31", "year", False),
        "Since 2013": ("2013-01-01", "2016-12-12", "range", False),
        "last month": ("2016-11-01", "2016-11-30", "month", True),
        "last week": ("2016-12-05", "2016-12-11", "week", True),
        "last year": ("2015-01-01", "2015-12-31", "year", True),
        "earlier this month": ("2016-12-01", "2016-12-12", "month", True),
        "on Sept. 19": ("2016-09-19", "2016-09-19", "day", True),
        "Last Tuesday": ("2016-12-06", "2016-12-06", "day", True),
        "on Sunday": ("2016-12-11", "2016-12-11", "day", True),
        "In the past two weeks": ("2016-11-28", "2016-12-12", "range", True),
        # A clause about the future: the coming Saturday.
        "on Saturday": ("2016-12-17", "2016-12-17", "day", True),
    }
    assert got == expected


def test_year_is_inferred_across_a_year_boundary(tmp_path):
    # Article date Thursday 4 January 2018: December and Dec. 28 belong to 2017.
    text = story(
        "A boy walks on rubble in Misraba, Syria, January 4, 2018. REUTERS/Bassam Khabieh",
        "At least 30 civilians were killed early on Thursday, a war monitor said.",
        "The army launched its campaign in December and took the base on Dec. 28. A new round of "
        "talks is due to start in February. Aid stopped in January.",
    )
    arts, events, _ = run(tmp_path, text)
    assert only(arts)["date"] == "2018-01-04"
    ev = by_expression(events)
    assert ev["in December"]["date"] == "2017-12-01"
    assert ev["on Dec. 28"]["date"] == "2017-12-28"
    assert ev["in January"]["date"] == "2018-01-01"
    assert ev["in February"]["date"] == "2018-02-01"  # future clause: the coming February
    assert ev["early on Thursday"]["date"] == "2018-01-04"


def test_captions_titles_and_credits_give_no_events(tmp_path):
    text = story(
        "A fighter near Baghouz, Syria February 27, 2019. REUTERS/Rodi Said",
        "Fighters launched an operation on Wednesday, a spokesman said.",
        title="Fighters begin assault in 2019 on Monday",
    )
    _, events, doc = run(tmp_path, text)
    assert [e["expression"] for e in events] == ["on Wednesday"]
    assert events[0]["line"] == 7


def test_bare_months_and_numbers_are_not_dates(tmp_path):
    text = story(
        "Smoke rises over the city",
        "“May God take his revenge,” said a resident. The 2014 offensive killed 2015 people and "
        "1,500 detainees were freed. Jan Egeland said March was a word.",
    )
    _, events, _ = run(tmp_path, text)
    assert events == []


@pytest.mark.parametrize("matcher", MATCHERS)
def test_every_event_span_opens_to_its_expression(corpus, matcher, monkeypatch):
    events = corpus.events
    assert len(events) > 50
    texts = {f: corpus.text(f) for f in events["file"].unique()}
    for e in events.itertuples():
        text = texts[e.file]
        assert text[e.start : e.end] == e.expression
        assert e.expression in e.sentence
        assert text.count("\n", 0, e.start) + 1 == e.line
    # The same spans come out of either trigger matcher.
    monkeypatch.setenv("SIEGEWATCH_MATCHER", matcher)
    for f in texts:
        doc = corpus.document(f)
        seg = segment(doc)
        rows = dates.annotate(doc, seg)
        got = sorted((r["start"], r["end"], r["date"]) for r in rows)
        want = sorted(
            (int(r.start), int(r.end), r.date) for r in events[events["file"] == f].itertuples()
        )
        assert got == want


def test_events_of_the_bundled_corpus_cover_the_forms_of_the_issue(corpus):
    ev = corpus.events
    found = set(ev["expression"])
    for expr in ["On Oct. 28", "since July", "last month", "In April 2017", "on Monday",
                 "on Nov. 26", "since Oct. 18", "in May 2015", "in 2014", "Since 2013",
                 "last year", "Last week"]:
        assert expr in found, expr
    # "on Sept. 19" and "earlier this month" are in articles with no date: relative, dropped.
    assert "on Sept. 19" not in found and "earlier this month" not in found
    unknown = set(corpus.articles.loc[corpus.articles["date"].isna(), "article_id"])
    assert not ev[ev["article_id"].isin(unknown)]["relative"].any()


# --------------------------------------------------------------------------- the bundled corpus


def test_annotation_covers_every_article_of_the_bundled_corpus(corpus):
    with open(ANNOTATIONS / "dates.csv", encoding="utf-8") as f:
        gold = list(csv.DictReader(f))
    assert [(g["file"], int(g["first_line"])) for g in gold] == list(
        corpus.articles[["file", "first_line"]].itertuples(index=False, name=None)
    )
    for g in gold:
        assert g["date_confidence"] in ("explicit", "inferred", "unknown")
        assert (g["date"] == "") == (g["date_confidence"] == "unknown")


def test_article_dates_match_the_annotation(corpus):
    score = evaluate(corpus)["dates"]
    print(f"\ndates: precision {score.precision:.3f} recall {score.recall:.3f} "
          f"(tp {score.tp}, fp {score.fp}, fn {score.fn}); "
          f"missed {score.false_negatives}; wrong {score.false_positives}")
    assert score.precision >= 0.9
    assert score.recall >= 0.9


def test_confidence_matches_the_annotation_where_dates_agree(corpus):
    with open(ANNOTATIONS / "dates.csv", encoding="utf-8") as f:
        gold = {(g["file"], int(g["first_line"])): g for g in csv.DictReader(f)}
    agree = 0
    for a in corpus.articles.itertuples():
        g = gold[(a.file, a.first_line)]
        if g["date"] and not pd.isna(a.date) and a.date == g["date"]:
            assert a.date_confidence == g["date_confidence"], (a.file, a.first_line)
            agree += 1
    assert agree >= 14


# --------------------------------------------------------------------------- hostile input


HOSTILE = {
    "parens": "(",
    "dashes": "-",
    "short_words": "a on in ",
    "weekdays": "on Monday ",
    "years": "in 2014 ",
    "months": "since May ",
    "digits": "12 ",
    "brackets": "[1/1/",
    "relatives": "the last two ",
}


@pytest.mark.parametrize("matcher", MATCHERS)
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_scanning_hostile_lines_takes_linear_time(name, matcher):
    unit = HOSTILE[name]

    def cost(n: int) -> float:
        line = unit * (n // len(unit))
        best = float("inf")
        for _ in range(3):  # best of three: other processes only ever add time
            t0 = time.perf_counter()
            hits = dates.triggers(line, matcher)
            dates.scan(line, 0, len(line), 1, hits)
            best = min(best, time.perf_counter() - t0)
        return best

    small, large = cost(20_000), cost(160_000)
    assert large < 5.0
    assert large < max(small, 0.005) * 24  # linear: ~8x; quadratic would be ~64x


def test_infer_year_and_nearest_weekday():
    ref = dt.date(2017, 1, 4)
    assert dates.infer_year(12, ref) == 2016
    assert dates.infer_year(1, ref) == 2017
    assert dates.infer_year(2, ref, future=True) == 2017
    assert dates.infer_year(12, dt.date(2016, 12, 5), future=True) == 2016
    wed = dt.date(2019, 2, 27)
    assert dates.nearest_weekday(wed, 4) == dt.date(2019, 3, 1)  # Friday after
    assert dates.nearest_weekday(wed, 6) == dt.date(2019, 2, 24)  # Sunday before
    assert dates.nearest_weekday(wed, 2) == wed


def test_parse_export_date_forms():
    assert dates.parse_export_date("2016-12-05") == (dt.date(2016, 12, 5), "day")
    assert dates.parse_export_date("2016-12-05 10:00:00+02:00") == (dt.date(2016, 12, 5), "day")
    assert dates.parse_export_date("Dec. 5, 2016") == (dt.date(2016, 12, 5), "day")
    assert dates.parse_export_date("5 December 2016") == (dt.date(2016, 12, 5), "day")
    assert dates.parse_export_date("November 2016") == (dt.date(2016, 11, 1), "month")
    assert dates.parse_export_date("2016-02-30") is None
    assert dates.parse_export_date("12/05/2016") is None  # day or month first? not guessed
