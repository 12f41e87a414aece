"""Source attribution: provenance per article and attributions per statement."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from siegewatch import attribution
from siegewatch.evaluation import evaluate
from siegewatch.loading import read_document
from siegewatch.segmenting import segment


def _doc(tmp_path: Path, body: str, title: str = "Rebels and army fight for Aleppo"):
    p = tmp_path / "doc.txt"
    p.write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    doc = read_document(p, "doc.txt")
    return doc, segment(doc)


def _rows(tmp_path: Path, body: str) -> list[dict]:
    doc, seg = _doc(tmp_path, body)
    rows = attribution.find_attributions(doc, seg, None)
    for r in rows:  # every span opens to its text and sits on its line
        assert doc.text[r["start"]:r["end"]].strip()
        assert r["sentence"] and doc.text[r["start"]:r["end"]] in r["sentence"]
    return rows


def _types(rows: list[dict]) -> list[tuple[str, str]]:
    return [(r["source"], r["source_type"]) for r in rows]


# --------------------------------------------------------------------------- evaluation


def test_attributions_against_annotation(corpus):
    score = evaluate(corpus)["attributions"]
    print(
        f"\nattributions: precision {score.precision:.3f} recall {score.recall:.3f} "
        f"(tp {score.tp}, fp {score.fp}, fn {score.fn})"
    )
    assert score.tp + score.fn >= 300  # the whole bundled corpus is annotated
    assert score.precision >= 0.9
    assert score.recall >= 0.9


def test_every_span_opens_to_its_source(corpus):
    a = corpus.attributions
    assert len(a) > 250
    for r in a.itertuples():
        text = corpus.text(r.file)
        span = text[r.start:r.end]
        assert span.strip() and "\n" not in span
        assert text.count("\n", 0, r.start) + 1 == r.line
        assert span in r.sentence


# --------------------------------------------------------------------------- cues, orders


@pytest.mark.parametrize(
    "body, source, cue",
    [
        ("The army advanced, the Syrian Observatory for Human Rights said.",
         "Syrian Observatory for Human Rights", "said"),
        ("The army advanced on Friday, said Mustafa Bali, the head of the SDF media office.",
         "Mustafa Bali", "said"),
        ("Rebels say the truce has collapsed.", "rebels", "said"),
        ("“We are advancing,” a Syrian military source told Reuters.",
         "Syrian military source", "told Reuters"),
        ("The Syrian general told reporters the battle was over.", "Syrian general",
         "told reporters"),
        ("Ten people died, according to the Observatory.",
         "Syrian Observatory for Human Rights", "according to"),
        ("State media reported that seven civilians were killed.", "Syrian state media",
         "reported"),
        ("The head of the unit was quoted as saying the bodies were found, SANA said.",
         "SANA", "said"),
        ("The Syrian military claimed to have retaken the district.", "Syrian military",
         "claimed"),
        ("Moscow denied a deal had been reached.", "Russian government", "denied"),
        ("The Observatory confirmed that bodies had been found.",
         "Syrian Observatory for Human Rights", "confirmed"),
        ("Islamic State accused Russia of the attack.", "Islamic State", "accused"),
        ("Turkish aid agency IHH wrote on Twitter that the girl was safe.", "IHH", "wrote"),
        ("Fateh al-Sham said in a statement that rebels had gained control.",
         "Jabhat Fateh al-Sham", "said in a statement"),
        ("Quoting a Syrian military source, state news agency SANA said the army advanced.",
         "Syrian military source", "quoted"),
    ],
)
def test_cue_patterns_and_word_orders(tmp_path, body, source, cue):
    rows = _rows(tmp_path, body)
    assert (source, cue) in [(r["source"], r["cue"]) for r in rows], rows


def test_appositive_gives_the_persons_organisation(tmp_path):
    rows = _rows(
        tmp_path,
        "“The situation is critical,” said Zakaria Malahifji, head of the political office of "
        "the Fastaqim rebel group.\n\nRami Abdulrahman, head of the Syrian Observatory for "
        "Human Rights, said the rebels still control 7 percent of the east.\n\nYury Barmin, "
        "an expert with a think-tank close to the foreign ministry, said Russia built ties.",
    )
    assert _types(rows) == [
        ("Zakaria Malahifji", "armed group"),
        ("Rami Abdulrahman", "war monitor"),
        ("Yury Barmin", "analysts"),
    ]


def test_named_people_from_the_table_and_from_their_introduction(tmp_path):
    rows = _rows(
        tmp_path,
        "Russian Foreign Minister Sergei Lavrov said the army had paused.\n\n"
        "Adviser Jan Egeland said 130,000 people had fled.\n\n"
        "The head of Iraq's election commission Riyadh al-Badran spoke on Monday.\n\n"
        "Badran said the results would come within days.",
    )
    assert _types(rows) == [
        ("Sergei Lavrov", "foreign government"),
        ("Jan Egeland", "UN or aid agency"),
        ("Riyadh al-Badran", "foreign government"),
    ]


def test_coordinated_sources_give_one_row_each(tmp_path):
    rows = _rows(
        tmp_path,
        "Ten people were killed, the Observatory, rescuers and residents said.\n\n"
        "Damascus and Moscow say they only target militants.",
    )
    assert [r["source_type"] for r in rows] == [
        "war monitor", "rescue workers", "residents", "government", "foreign government",
    ]


def test_pronouns_resolve_to_the_last_matching_source(tmp_path):
    rows = _rows(
        tmp_path,
        "The SDF moved at 6 p.m., said Mustafa Bali, the head of the SDF media office.\n\n"
        "“Nothing remains,” he told Reuters.\n\n"
        "The Russian Defence Ministry said 728 rebels had laid down arms. It said 13,346 "
        "civilians left.\n\n"
        "Opposition sources said a deal was reached.\n\n"
        "They said Iran was involved.",
    )
    assert _types(rows) == [
        ("Mustafa Bali", "armed group"),
        ("Mustafa Bali", "armed group"),
        ("Russian Defence Ministry", "military"),
        ("Russian Defence Ministry", "military"),
        ("opposition sources", "opposition"),
        ("opposition sources", "opposition"),
    ]
    assert rows[1]["cue"] == "told Reuters"


def test_unresolvable_pronoun_is_left_out(tmp_path):
    # No earlier source and nothing in the sentence: precision over recall, no row.
    assert _rows(tmp_path, "“It is over,” he said.") == []


def test_quotes_passives_and_nouns_are_not_cues(tmp_path):
    rows = _rows(
        tmp_path,
        "“They say government authorities denied bombing,” said Hamza Birqdar, a spokesman "
        "for Jaish al-Islam.\n\n"
        "The footage could not be independently confirmed.\n\n"
        "There were no reports the army had made gains.\n\n"
        "Jaish al-Islam, which has not confirmed any deal, released five prisoners.",
    )
    assert _types(rows) == [("Hamza Birqdar", "armed group")]


# --------------------------------------------------------------------------- normalization


@pytest.mark.parametrize(
    "subject",
    ["The Observatory", "A war monitor", "The monitor", "SOHR",
     "The Britain-based Syrian Observatory for Human Rights"],
)
def test_observatory_variants_are_one_source(tmp_path, subject):
    rows = _rows(tmp_path, f"{subject} said 30 people were killed.")
    assert _types(rows) == [("Syrian Observatory for Human Rights", "war monitor")]


@pytest.mark.parametrize(
    "subject",
    ["State news agency SANA", "State media", "State television", "State TV",
     "Syrian state radio"],
)
def test_state_media_variants(tmp_path, subject):
    rows = _rows(tmp_path, f"{subject} said the army advanced.")
    assert [r["source_type"] for r in rows] == ["state media"]


@pytest.mark.parametrize(
    "sentence, source_type, side",
    [
        ("“It is over,” a Syrian military source said.", "military", "government"),
        ("“Talks go on,” said a rebel official.", "armed group", "rebel"),
        ("“Talks go on,” said an Islamist rebel source familiar with the talks.",
         "armed group", "rebel"),
        ("Opposition sources said a deal was reached.", "opposition", "opposition"),
        ("A U.S. official said Russia refused the proposal.", "foreign government", "U.S."),
    ],
)
def test_anonymous_sources_and_their_side(tmp_path, sentence, source_type, side):
    rows = _rows(tmp_path, sentence)
    assert len(rows) == 1
    assert rows[0]["anonymous"] is True
    assert (rows[0]["source_type"], rows[0]["side"]) == (source_type, side)


def test_named_sources_are_not_anonymous(tmp_path):
    rows = _rows(tmp_path, "Wael Olwan, spokesman for Failaq al-Rahman, said talks go on.")
    assert rows[0]["anonymous"] is False and rows[0]["side"] is None


# --------------------------------------------------------------------------- provenance


def _outlets(corpus, prefix):
    arts = corpus.articles[corpus.articles["file"].str.startswith(prefix)]
    return list(
        zip(arts["outlet"], arts["aggregator"].fillna(""), arts["outlet_evidence"], strict=True)
    )


def test_provenance_of_the_bundled_files(corpus):
    assert {o for o, _, _ in _outlets(corpus, "000")} == {"Reuters"}
    [(outlet, agg, ev)] = _outlets(corpus, "001")
    assert outlet == "Associated Press" and "contributed" in ev
    [(outlet, agg, ev)] = _outlets(corpus, "002")
    assert outlet == "Reuters" and agg == ""
    assert "Credits: Reuters" in ev and "told Reuters" in ev
    assert {o for o, _, _ in _outlets(corpus, "004")} == {"Reuters"}
    rows = _outlets(corpus, "003")
    assert [o for o, _, _ in rows] == [
        "Agence France-Presse", "Financial Times", "Al-Masdar News", "Russia Today", "Reuters",
        "Reuters / Associated Press / Russia Today", "Agence France-Presse / Reuters",
    ]
    assert {a for _, a, _ in rows} == {"Syria & Iraq News"}
    assert "SOHR (war monitor, not an outlet)" in rows[2][2]
    assert "3 outlets listed" in rows[5][2]


# --------------------------------------------------------------------------- tables


def _write(tmp_path: Path, name: str, text: str) -> str:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


HEADER = "pattern,source,source_type,kind,number,anonymous,side\n"


@pytest.mark.parametrize(
    "rows, message",
    [
        (",X,war monitor,name,body,false,\n", "line 2: empty pattern"),
        ("sohr,SOHR,war monitor,name,body,false,\nsohr,SOHR,media,name,body,false,\n",
         "line 3: pattern 'sohr' conflicts with line 2"),
        ("sohr,SOHR,,name,body,false,\n", "line 2: 'sohr' needs both a source"),
        ("sohr,SOHR,war monitor,thing,body,false,\n", "line 2: kind 'thing'"),
        ("sohr,SOHR,war monitor,name,body,maybe,\n", "line 2: anonymous must be"),
    ],
)
def test_sources_table_is_validated(tmp_path, rows, message):
    path = _write(tmp_path, "sources.csv", HEADER + rows)
    with pytest.raises(attribution.SourcesError, match=message) as err:
        attribution.load_sources(path)
    assert "sources.csv" in str(err.value)


def test_sources_table_missing_column(tmp_path):
    path = _write(tmp_path, "s.csv", "pattern,source\nsohr,SOHR\n")
    with pytest.raises(attribution.SourcesError, match="line 1: missing column"):
        attribution.load_sources(path)


def test_outlets_table_is_validated(tmp_path):
    path = _write(tmp_path, "o.csv", "outlet,alias,kind,country\nReuters,AP,wire,\n"
                  "Associated Press,AP,wire,\n")
    with pytest.raises(attribution.SourcesError, match="line 3: alias 'AP'.*line 2"):
        attribution.load_outlets(path)
    path = _write(tmp_path, "o2.csv", "outlet,alias,kind\nReuters,Reuters,,\n")
    with pytest.raises(attribution.SourcesError, match="line 2"):
        attribution.load_outlets(path)


def test_bundled_tables_load():
    table = attribution.load_sources()
    assert len(table.rows) > 100
    outlets = attribution.load_outlets()
    assert outlets.canonical["ap"] == ("Associated Press", "wire")
    assert outlets.canonical["rt"][0] == "Russia Today"
    assert outlets.canonical["ft"][0] == "Financial Times"
    assert outlets.canonical["sohr"][1] not in attribution.PUBLISHER_KINDS


# --------------------------------------------------------------------------- hostile input


def _time(tmp_path: Path, unit: str, n: int) -> float:
    """Best of three runs: a busy machine slows single runs, never the fastest of several."""
    doc, seg = _doc(tmp_path, unit * (n // len(unit)))
    times = []
    for _ in range(3):
        t = time.perf_counter()
        attribution.annotate_provenance(doc, seg, None)
        attribution.find_attributions(doc, seg, None)
        times.append(time.perf_counter() - t)
    return min(times)


@pytest.mark.parametrize("unit", ["(", "-", "a b ", "he said ", "said, ", "according to ",
                                  "Rebels, residents and "])
def test_hostile_lines_run_in_linear_time(tmp_path, unit):
    small = _time(tmp_path, unit, 20_000)
    big = _time(tmp_path, unit, 80_000)
    assert big < 5.0  # generous: the suite may share the machine with other jobs
    assert big < 10 * max(small, 0.01)  # 4× the input: ~4× the time; quadratic would be 16×


# --------------------------------------------------------------------------- cue scan engines


def _confirmed(text: str, starts: list[int]) -> list[tuple[int, int]]:
    return [m.span() for p in starts if (m := attribution._CUE.match(text, p))]


TRICKY = (
    "Rebels said it. Unsaid words; ésaid, Дsaid, ﬁsaid and said_x are not cues. “said” and "
    "—said— are. According to SANA, quoting a source, the army, reported by AFP, adds, "
    "deny, wrote. Said at the start is not a cue (capital S). accordingto and according\u00a0to"
    " are not. Ещё: officials told Reuters that 10 people died, 𝔘nicode said so.\n"
)


def test_cue_scan_engines_find_the_same_cues():
    pytest.importorskip("hyperscan")
    regex = [m.span() for m in attribution._CUE.finditer(TRICKY)]
    assert _confirmed(TRICKY, attribution.cue_candidates(TRICKY, "hyperscan")) == regex
    assert _confirmed(TRICKY, attribution.cue_candidates(TRICKY, "python")) == regex
    words = [TRICKY[a:b] for a, b in regex]
    assert words == ["said", "said", "said", "According to", "quoting", "reported by", "adds",
                     "deny", "wrote", "told", "said"]


def test_attribution_rows_do_not_depend_on_the_cue_engine(raw_dir, tmp_path, monkeypatch):
    pytest.importorskip("hyperscan")
    docs = [read_document(p, p.name) for p in sorted(Path(raw_dir).iterdir())]
    docs.append(_doc(tmp_path, TRICKY)[0])
    fast = []
    for doc in docs:
        fast.append(attribution.find_attributions(doc, segment(doc), None))
    monkeypatch.setattr(attribution, "_hyperscan_cue_db", lambda: None)
    for doc, rows in zip(docs, fast, strict=True):
        assert rows == attribution.find_attributions(doc, segment(doc), None)
    assert sum(len(r) for r in fast) > 300 and fast[-1]
