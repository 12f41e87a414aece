"""Actors: the gazetteer, its validation, the reading rules of docs/actors.md and the score."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from siegewatch import actors, evaluation, matching
from siegewatch.actors import GazetteerError, UnknownFactionError
from siegewatch.loading import Document, read_document
from siegewatch.segmenting import Segmentation, segment

ROOT = Path(__file__).resolve().parents[1]
HEADER = "actor,bloc,alias,flags,context,note\n"


def doc_of(*paragraphs: str, roles: tuple[str, ...] | None = None) -> tuple[Document, Segmentation]:
    """A one-article document whose blocks are the given paragraphs (role 'body' by default)."""
    text = "\n\n".join(paragraphs) + "\n"
    doc = Document(file="t.txt", path="/t.txt", text=text, encoding="utf-8", newline="LF",
                   format="text", sha1="0", n_bytes=len(text))
    blocks, pos = [], 0
    for i, p in enumerate(paragraphs):
        s = text.index(p, pos)
        pos = s + len(p)
        role = roles[i] if roles else "body"
        blocks.append({"article_id": "a", "file": "t.txt", "block": i, "role": role,
                       "line": text.count("\n", 0, s) + 1, "start": s, "end": pos, "text": p})
    return doc, Segmentation(articles=[{"article_id": "a"}], blocks=blocks, ledger=[])


def found(*paragraphs: str, gazetteer: str | None = None, matcher: str | None = None,
          roles: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    doc, seg = doc_of(*paragraphs, roles=roles)
    rows = actors.find_mentions(doc, seg, gazetteer, matcher=matcher)
    for r in rows:
        assert doc.text[r["start"]:r["end"]] == r["surface"]
    return [(r["actor"], r["surface"]) for r in rows]


# --------------------------------------------------------------------------- aliases

SYRIA = "Fighting went on in Aleppo, Syria."


@pytest.mark.parametrize("surface,actor", [
    ("Islamic State", "Islamic State"), ("ISIS", "Islamic State"), ("ISIL", "Islamic State"),
    ("Daesh", "Islamic State"), ("IS", "Islamic State"),
    ("Jabhat Fateh al-Sham", "Jabhat Fateh al-Sham"), ("Fateh al-Sham", "Jabhat Fateh al-Sham"),
    ("Nusra Front", "Jabhat Fateh al-Sham"),
    ("Hayat Tahrir al-Sham", "Hayat Tahrir al-Sham"), ("Tahrir al Sham", "Hayat Tahrir al-Sham"),
    ("Jaish al-Fatah", "Jaish al-Fatah"), ("Jaysh al-Fateh", "Jaish al-Fatah"),
    ("Army of Conquest", "Jaish al-Fatah"),
    ("Nour al-Din al-Zinki", "Nour al-Din al-Zinki"), ("Nour el-Din el-Zinki", "Nour al-Din al-Zinki"),
    ("Levant Front", "Levant Front"), ("Jabha Shamiya", "Levant Front"),
    ("Syrian army", "Syrian government"), ("SAA", "Syrian government"),
    ("Syrian Arab Army", "Syrian government"), ("Tiger Forces", "Tiger Forces"),
    ("government forces", "Syrian government"), ("Hezbollah", "Hezbollah"),
    ("Iran’s Revolutionary Guards", "Iranian Revolutionary Guards"),
    ("Iranian-backed militias", "Iranian-backed militias"),
    ("Shi’ite militias", "Iranian-backed militias"), ("Liwa al-Quds", "Liwa al-Quds"),
    ("Russian air force", "Russia"), ("Russian Defence Ministry", "Russia"), ("Russia", "Russia"),
    ("Turkey", "Turkey"), ("U.S.", "United States"), ("U.S.-led coalition", "U.S.-led coalition"),
    ("Free Syrian Army", "Free Syrian Army"), ("FSA", "Free Syrian Army"),
    ("Ahrar al-Sham", "Ahrar al-Sham"), ("Jaish al-Islam", "Jaish al-Islam"),
    ("Failaq al-Rahman", "Failaq al-Rahman"), ("Fastaqim", "Fastaqim"),
    ("Islamic Front", "Islamic Front"), ("SDF", "Syrian Democratic Forces"), ("YPG", "YPG"),
    ("Kurdish Peshmerga", "Kurdish Peshmerga"), ("Iraqi army", "Iraqi security forces"),
    ("Iraqi forces", "Iraqi security forces"),
    ("Popular Mobilisation Forces", "Popular Mobilisation Forces"), ("al Qaeda", "al Qaeda"),
    ("al-Qaeda", "al Qaeda"),
])
@pytest.mark.parametrize("matcher", matching.MATCHERS)
def test_alias_variants_name_their_actor(surface, actor, matcher):
    got = found(f"Officials said {surface} attacked the town.", SYRIA, matcher=matcher)
    assert [a for a, _ in got] == [actor], got
    assert got[0][1] in (surface, "Peshmerga")  # "Kurdish Peshmerga": the alias is Peshmerga


def test_curly_and_straight_apostrophes_and_hyphen_or_space_match_alike():
    got = found("Shi'ite militias and Shi’ite militias joined Tahrir al-Sham and Tahrir al Sham.",
                SYRIA)
    assert [a for a, _ in got] == ["Iranian-backed militias"] * 2 + ["Hayat Tahrir al-Sham"] * 2


@pytest.mark.parametrize("matcher", matching.MATCHERS)
def test_short_acronyms_are_case_sensitive(matcher):
    text = "This is what it is: IS fighters, the SAA, the FSA and the SDF, and US officials."
    got = found(text, SYRIA, matcher=matcher)
    assert got == [("Islamic State", "IS"), ("Syrian government", "SAA"),
                   ("Free Syrian Army", "FSA"), ("Syrian Democratic Forces", "SDF"),
                   ("United States", "US")]
    assert found("Tell us: is the saa or fsa or sdf here?", SYRIA, matcher=matcher) == []


@pytest.mark.parametrize("matcher", matching.MATCHERS)
def test_word_boundaries(matcher):
    assert found("Russians, Russian jets and Russia’s war; Prussia; Iranian; Turkeys.", SYRIA,
                 matcher=matcher) == [("Russia", "Russians"), ("Russia", "Russian jets"),
                                      ("Russia", "Russia")]


@pytest.mark.parametrize("matcher", matching.MATCHERS)
def test_longest_alias_first_and_no_overlap(matcher):
    got = found("Jabhat Fateh al-Sham fighters and the Syrian Arab Army clashed; later "
                "Fateh al-Sham said Iran-backed Shi’ite militias and the U.S.-led coalition "
                "struck.", SYRIA, matcher=matcher)
    assert got == [("Jabhat Fateh al-Sham", "Jabhat Fateh al-Sham"),
                   ("Syrian government", "Syrian Arab Army"),
                   ("Jabhat Fateh al-Sham", "Fateh al-Sham"),
                   ("Iranian-backed militias", "Iran-backed Shi’ite militias"),
                   ("U.S.-led coalition", "U.S.-led coalition")]


def test_parenthesised_repeat_and_describing_generic_are_one_mention():
    got = found("The Syrian Democratic Forces (SDF) and the Jaish al-Islam rebels met the "
                "Free Syrian Army (FSA); rebels (FSA) left.", SYRIA)
    assert got == [("Syrian Democratic Forces", "Syrian Democratic Forces"),
                   ("Jaish al-Islam", "Jaish al-Islam"), ("Free Syrian Army", "Free Syrian Army"),
                   ("rebels (unspecified)", "rebels"), ("Free Syrian Army", "FSA")]


def test_ignore_rows_block_the_alias_inside_them():
    assert found("Russia Today said the Russia analyst, a Turkey-based writer, spoke.",
                 SYRIA) == []


# --------------------------------------------------------------------------- generic rule


def test_generic_references_count_in_a_syrian_context():
    got = found("The army and the regime advanced; rebels and insurgents withdrew.",
                "Aleppo and Idlib, Syria, were shelled by the army.")
    assert got == [("Syrian government", "army"), ("Syrian government", "regime"),
                   ("rebels (unspecified)", "rebels"), ("rebels (unspecified)", "insurgents"),
                   ("Syrian government", "army")]


def test_generic_references_do_not_count_in_an_iraq_only_article():
    got = found("Iraqi forces and the army entered Kirkuk; the regime was not mentioned.",
                "Baghdad said the Iraqi army held Mosul.")
    assert got == [("Iraqi security forces", "Iraqi forces"),
                   ("Iraqi security forces", "army"),
                   ("Iraqi security forces", "Iraqi army")]
    assert "Syrian government" not in {a for a, _ in got}


def test_the_iraqi_army_is_never_the_syrian_army():
    got = found("In Syria, Aleppo and Damascus: the Iraqi army crossed.", SYRIA)
    assert ("Iraqi security forces", "Iraqi army") in got
    assert ("Syrian government", "army") not in got


def test_contextual_alias_picks_the_actor_of_the_article_context():
    assert found("Shi’ite militias advanced.", SYRIA) == [
        ("Iranian-backed militias", "Shi’ite militias")]
    assert found("Shi’ite militias advanced.", "Baghdad and Kirkuk, Iraq.") == [
        ("Popular Mobilisation Forces", "Shi’ite militias")]


def test_generic_without_any_context_is_dropped():
    assert found("The army and the rebels fought.") == []


def test_place_names_after_a_locative_are_not_actors():
    got = found("Talks in Moscow and near Damascus; Moscow and Damascus said Turkey backs "
                "rebels based in Turkey.", SYRIA)
    assert got == [("Russia", "Moscow"), ("Syrian government", "Damascus"),
                   ("Turkey", "Turkey"), ("rebels (unspecified)", "rebels")]


# --------------------------------------------------------------------------- which blocks


def test_only_titles_bodies_headings_and_first_captions_are_searched():
    got = found("Russia", "Turkey", "Iran", "Hezbollah", "SDF", "U.S.", "Kremlin",
                roles=("title", "caption", "caption_repeat", "credit", "byline", "heading",
                       "sources"))
    assert [a for a, _ in got] == ["Russia", "Turkey", "United States"]


def test_rows_carry_line_sentence_role_and_span():
    doc, seg = doc_of("Aleppo, Syria. The army moved.", "Then Russia struck. It was late.")
    rows = actors.find_mentions(doc, seg, None)
    assert [(r["line"], r["sentence"], r["role"]) for r in rows] == [
        (1, "The army moved.", "body"), (3, "Then Russia struck.", "body")]
    for r in rows:
        assert doc.text[r["start"]:r["end"]] == r["surface"]
        assert r["bloc"] in {"government and allies", "foreign states"}


# --------------------------------------------------------------------------- gazetteer


def write(tmp_path: Path, body: str, name: str = "g.csv", header: str = HEADER) -> Path:
    p = tmp_path / name
    p.write_text(header + body, encoding="utf-8")
    return p


def test_bundled_gazetteer_is_clean():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gaz = actors.load_gazetteer()
    assert gaz.warnings == []
    assert len(gaz.actors()) >= 30
    assert set(gaz.actors().values()) >= {
        "government and allies", "opposition", "Islamist and jihadist rebels", "Islamic State",
        "Kurdish-led forces", "foreign states", "Iraqi state forces"}


@pytest.mark.parametrize("body,header,needle", [
    ("A,b,x,,,\n", "actor,alias\n", "missing required column(s) bloc"),
    ("A,b,,,,\n", HEADER, "line 2: empty alias"),
    ("A,b,x,,,\nB,b,X,,,\n", HEADER, "line 3: alias 'X' is also given to 'A' on line 2"),
    ("A,b,x,loud,,\n", HEADER, "line 2: unknown flag 'loud'"),
    ("A,b,x,generic,,\n", HEADER, "line 2: generic alias 'x' has no context"),
    ("A,b,x,,mars,\n", HEADER, "line 2: unknown context 'mars'"),
    ("A,b,x,,,\nA,c,y,,,\n", HEADER, "line 3: actor 'A' is in bloc 'c'"),
])
def test_gazetteer_errors_name_file_line_and_fix(tmp_path, body, header, needle):
    p = write(tmp_path, body, header=header)
    with pytest.raises(GazetteerError) as err:
        actors.load_gazetteer(p)
    msg = str(err.value)
    assert str(p) in msg and needle in msg, msg
    assert msg.count(";") >= 1 and msg.endswith(".")  # problem; fix.


def test_same_alias_twice_for_one_actor_is_a_warning(tmp_path):
    p = write(tmp_path, "A,b,Red Army,,,\nA,b,red-army,,,\n")
    with pytest.warns(actors.GazetteerWarning, match="line 3"):
        gaz = actors.load_gazetteer(p)
    assert len(gaz.aliases) == 1 and len(gaz.warnings) == 1


def test_missing_gazetteer_file(tmp_path):
    with pytest.raises(GazetteerError, match="file not found"):
        actors.load_gazetteer(tmp_path / "nope.csv")


def test_gazetteer_is_cached_by_path_and_mtime(tmp_path):
    import os

    p = write(tmp_path, "A,b,Red Army,,,\n")
    g1 = actors.load_gazetteer(p)
    assert actors.load_gazetteer(p) is g1
    p.write_text(HEADER + "A,b,Red Army,,,\nB,b,Blue Army,,,\n", encoding="utf-8")
    st = p.stat()
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))
    g2 = actors.load_gazetteer(p)
    assert g2 is not g1 and [a.actor for a in g2.aliases] == ["A", "B"]


def test_analyst_gazetteer_is_used(tmp_path):
    p = write(tmp_path, "Red Army,reds,Red Army,,,\n")
    assert found("The Red Army and Russia.", gazetteer=str(p)) == [("Red Army", "Red Army")]


# --------------------------------------------------------------------------- helpers


def test_resolve_factions_maps_aliases_in_any_case():
    assert actors.resolve_factions(["isis", "Daesh", "jabha shamiya", "Hezbollah",
                                    "Syrian Government", "free syrian army"]) == [
        "Islamic State", "Levant Front", "Hezbollah", "Syrian government", "Free Syrian Army"]
    assert actors.resolve_factions("nour el-din el-zinki") == ["Nour al-Din al-Zinki"]


def test_resolve_factions_unknown_name_suggests_close_ones():
    with pytest.raises(UnknownFactionError, match="did you mean.*Hezbollah"):
        actors.resolve_factions(["Hezbolah"])
    with pytest.raises(ValueError, match="ambiguous"):
        actors.resolve_factions(["army"])  # Syrian or Iraqi: depends on the article


def test_actors_table_has_one_row_per_actor():
    t = actors.actors_table()
    assert list(t.columns) == ["actor", "bloc", "aliases", "note"]
    assert t["actor"].is_unique
    row = t.set_index("actor").loc["Islamic State"]
    assert row["bloc"] == "Islamic State" and "Daesh" in row["aliases"]


def test_matcher_choice():
    assert matching.choose_matcher("python") == "python"
    with pytest.raises(ValueError, match="unknown matcher"):
        matching.choose_matcher("grep")


# --------------------------------------------------------------------------- corpus


def corpus_mentions(matcher: str | None = None) -> list[dict]:
    rows = []
    for p in sorted((ROOT / "data" / "raw").iterdir()):
        doc = read_document(p, p.name)
        rows += actors.find_mentions(doc, segment(doc), None, matcher=matcher)
    return rows


def test_every_mention_span_opens_to_its_surface():
    docs = {p.name: read_document(p, p.name) for p in (ROOT / "data" / "raw").iterdir()}
    rows = corpus_mentions()
    assert len(rows) > 300
    for r in rows:
        assert docs[r["file"]].text[r["start"]:r["end"]] == r["surface"]
        assert r["surface"] in r["sentence"]


def test_mentions_match_the_hand_annotation():
    """Precision and recall against tests/fixtures/annotations/mentions.csv (read by hand)."""
    import pandas as pd

    gold = pd.read_csv(evaluation.ANNOTATIONS / "mentions.csv", dtype=str,
                       keep_default_na=False).to_dict("records")
    sc = evaluation.score("mentions", corpus_mentions(), gold)
    print(f"\nmentions: precision {sc.precision:.3f} recall {sc.recall:.3f} "
          f"(tp {sc.tp}, fp {sc.fp}, fn {sc.fn})")
    print("false positives:", sc.false_positives)
    print("false negatives:", sc.false_negatives)
    assert sc.precision >= 0.9 and sc.recall >= 0.9


def test_evaluate_on_the_loaded_corpus(corpus):
    """The same score through the whole pipeline (load_corpus -> evaluation.evaluate)."""
    sc = evaluation.evaluate(corpus)["mentions"]
    print(f"\nmentions via load_corpus: precision {sc.precision:.3f} recall {sc.recall:.3f}")
    assert sc.precision >= 0.9 and sc.recall >= 0.9
