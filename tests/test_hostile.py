"""Hostile input: every kind of bad file loads without a crash or a hang and ends in articles,
in ledger rows, or in a per-file reason that says what the analyst can do.

The fixtures are built by `tests/fixtures/make_hostile.py` into a temporary folder (the small
ones are also committed under `tests/fixtures/hostile/`); the whole folder is loaded once, as an
analyst would load a messy corpus folder.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from siegewatch import load_corpus
from siegewatch.accounting import account

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
import make_hostile as H  # noqa: E402

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
BASE_SENTENCE = "The Syrian Observatory for Human Rights, a Britain-based war monitor"

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    H.build(root)
    return root


@pytest.fixture(scope="module")
def loaded(tree):
    t0 = time.perf_counter()
    corpus = load_corpus(tree)
    return corpus, time.perf_counter() - t0


@pytest.fixture(scope="module")
def hc(loaded):
    return loaded[0]


def files_row(corpus, name):
    f = corpus.files.set_index("file")
    assert name in f.index, f"{name} missing from the files table"
    return f.loc[name]


def articles_of(corpus, name):
    a = corpus.articles
    return a[a["file"] == name].reset_index(drop=True)


def ledger_of(corpus, name):
    led = corpus.ledger
    return led[led["file"] == name].reset_index(drop=True)


# ------------------------------------------------------------------ the fixtures themselves


def test_committed_small_fixtures_are_what_the_script_writes():
    expected = H.small_files()
    on_disk = {
        p.relative_to(HOSTILE).as_posix(): p.read_bytes()
        for p in HOSTILE.rglob("*")
        if p.is_file()
    }
    assert set(on_disk) == set(expected)
    for rel, data in expected.items():
        assert on_disk[rel] == data, f"{rel} differs: run tests/fixtures/make_hostile.py"


def test_whole_hostile_folder_loads_in_bounded_time(loaded):
    corpus, seconds = loaded
    # Several MB of hostile text; a hang or a quadratic step would take minutes.
    assert seconds < 60, seconds
    assert len(corpus.articles) > 300


def test_every_entry_on_disk_has_an_outcome(tree, hc):
    """Nothing is silently skipped: every file or link under the folder is in `files`."""
    listed = set(hc.files["file"])
    for dirpath, dirnames, filenames in os.walk(tree):
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            rel = Path(os.path.join(dirpath, name)).relative_to(tree).as_posix()
            shown = rel.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            assert shown in listed, rel
    for row in hc.files.itertuples(index=False):
        if row.status == "read":
            assert row.n_articles > 0 or row.n_ledger > 0, row.file
        else:
            assert row.status == "unreadable" and row.reason, row.file


def test_summary_counts_the_unreadable_files(hc):
    unreadable = set(hc.unreadable["file"])
    assert unreadable == {
        "binary.txt", "photo.txt", "empty.txt", "whitespace_only.txt", "dangling.txt",
        "links/back_up", "caf\\xe9 report.txt",
    }
    assert hc.summary()["files_unreadable"] == len(unreadable)
    # Each unreadable file is also one ledger row, so `siegewatch ledger` lists it.
    led = hc.ledger[hc.ledger["reason"].str.startswith("unreadable file")]
    assert sorted(led["file"]) == sorted(unreadable)


# ------------------------------------------------------------------ encodings


@pytest.mark.parametrize(
    ("name", "encoding", "must_contain"),
    [
        ("enc_utf8.txt", "utf-8", "حي الشعار"),
        ("enc_utf8_bom.txt", "utf-8-sig", "حي الشعار"),
        ("enc_utf16_bom.txt", "utf-16", "حي الشعار"),
        ("enc_cp1252.txt", "cp1252", "“We have no bread – none at all.”"),
        ("enc_latin1.txt", "latin-1", "Zoé Müller"),
    ],
)
def test_each_encoding_is_detected_and_decoded(hc, name, encoding, must_contain):
    row = files_row(hc, name)
    assert row["status"] == "read"
    assert row["encoding"] == encoding
    arts = articles_of(hc, name)
    assert list(arts["title"]) == [H.TITLE]
    assert arts["outlet"][0] == "Reuters" and arts["dateline"][0] == "BEIRUT"
    assert must_contain in arts["body"][0]
    assert "\ufeff" not in hc.text(name)


def test_file_cut_inside_a_multibyte_character_keeps_its_text_and_warns(hc):
    row = files_row(hc, "cut_multibyte.txt")
    assert row["encoding"] == "utf-8"
    assert any("U+FFFD" in w for w in row["warnings"])
    body = articles_of(hc, "cut_multibyte.txt")["body"][0]
    assert body.endswith("the city ح\ufffd")


def test_nul_bytes_become_spaces_with_a_warning(hc):
    row = files_row(hc, "nul_bytes.txt")
    assert any("NUL" in w for w in row["warnings"])
    text = hc.text("nul_bytes.txt")
    assert "\x00" not in text
    arts = articles_of(hc, "nul_bytes.txt")
    assert len(arts) == 1 and arts["title"][0] == H.TITLE
    assert "\x00" not in arts["body"][0]


@pytest.mark.parametrize(
    ("name", "style"),
    [("newline_crlf.txt", "CRLF"), ("newline_cr.txt", "CR"), ("newline_mixed.txt", "mixed")],
)
def test_line_endings_segment_exactly_like_lf(hc, name, style):
    assert files_row(hc, name)["newline"] == style
    ref = hc.blocks[hc.blocks["file"] == "repeated_copy.txt"]
    got = hc.blocks[hc.blocks["file"] == name]
    cols = ["block", "role", "line", "start", "end", "text"]
    assert got[cols].reset_index(drop=True).equals(ref[cols].reset_index(drop=True))
    assert "\r" not in hc.text(name)


# ------------------------------------------------------------------ files that are not text


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("empty.txt", ["empty", "0 bytes", "remove"]),
        ("whitespace_only.txt", ["only whitespace", "remove"]),
        ("binary.txt", ["not text", "binary", "move it out"]),
        ("photo.txt", ["PNG image", "convert it to text"]),
        ("caf\\xe9 report.txt", ["not valid UTF-8", "rename"]),
        ("dangling.txt", ["dangling", "moved_away.txt", "restore the target or delete"]),
        ("links/back_up", ["symbolic link loop", "remove the link"]),
    ],
)
def test_unreadable_files_are_reported_with_what_to_do(hc, name, words):
    row = files_row(hc, name)
    assert row["status"] == "unreadable"
    for w in words:
        assert w in row["reason"], (w, row["reason"])
    assert articles_of(hc, name).empty


def test_link_loop_does_not_read_a_folder_twice(hc):
    files = list(hc.files["file"])
    assert files.count("links/story.txt") == 1
    assert not any(f.startswith("links/back_up/") for f in files)


# ------------------------------------------------------------------ pages and exports


def test_html_page_keeps_visible_article_text_only(hc):
    arts = articles_of(hc, "page.html")
    assert len(arts) == 1
    art = arts.iloc[0]
    assert art["title"] == H.TITLE
    assert art["dateline"] == "BEIRUT" and art["outlet"] == "Reuters"
    assert list(art["bylines"]) == ["Laila Bassam", "Tom Perry"]
    # Source line breaks inside a paragraph do not split it.
    assert "eastern Aleppo on Monday, a war monitor said" in art["body"]
    text = hc.text("page.html")
    for junk in ("dataLayer", "font-family", "Middle East", "Most read", "All rights reserved",
                 "Sponsored", "Example News", "Privacy"):
        assert junk not in text, junk
    led = ledger_of(hc, "page.html")
    assert list(led["reason"]) == ["html markup: script, style and navigation removed"]
    assert led["chars"][0] > 100


def test_jsonl_export_gives_one_article_per_record_and_names_bad_lines(hc):
    arts = articles_of(hc, "export.jsonl")
    assert list(arts["title"]) == [H.TITLE, "Aid convoy reaches besieged Madaya"]
    assert arts["outlet"][0] == "Reuters"
    warnings = files_row(hc, "export.jsonl")["warnings"]
    assert any(w.startswith("export.jsonl:3:") for w in warnings)
    assert any(w.startswith("export.jsonl:4:") for w in warnings)


def test_csv_export_gives_articles_and_ledgers_a_record_without_text(hc):
    arts = articles_of(hc, "export.csv")
    assert list(arts["title"]) == [H.TITLE, "Aid convoy reaches besieged Madaya"]
    led = ledger_of(hc, "export.csv")
    assert list(led["reason"]) == ["record with a title but no text"]
    assert "Title only" in led["excerpt"][0]
    warnings = files_row(hc, "export.csv")["warnings"]
    assert any(w.startswith("export.csv:") and "text field is empty" in w for w in warnings)


def test_file_of_forum_boilerplate_is_all_ledger(hc):
    assert articles_of(hc, "forum_only.txt").empty
    reasons = set(ledger_of(hc, "forum_only.txt")["reason"])
    assert reasons == {"forum thread list (unrelated posts)", "site navigation or advertising"}
    acc = account(hc).set_index("file").loc["forum_only.txt"]
    assert acc["in_ledger"] == acc["chars"] > 0


# ------------------------------------------------------------------ names and folders


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("folder with spaces/report from the front.txt", H.TITLE),
        ("nested/deeper/deepest/Алеппо сводка.txt",
         "Rebels agree to leave eastern Aleppo, sources say"),
        ("nested/تقارير/حلب ٢٠١٦.txt",
         "Evacuation of eastern Aleppo begins under ceasefire deal"),
    ],
)
def test_names_with_spaces_and_non_latin_letters_in_nested_folders(hc, name, title):
    assert files_row(hc, name)["status"] == "read"
    assert list(articles_of(hc, name)["title"]) == [title]
    assert hc.text(name).startswith(title)


# ------------------------------------------------------------------ size and backtracking


def test_multi_megabyte_line_without_newline_is_one_untitled_article(hc):
    row = files_row(hc, "long_line.txt")
    assert row["newline"] == "none" and row["n_chars"] == H.LONG_LINE_CHARS
    arts = articles_of(hc, "long_line.txt")
    assert len(arts) == 1
    assert arts["first_line"][0] == arts["last_line"][0] == 1
    assert arts["n_words"][0] > 500_000


@pytest.mark.parametrize("kind", sorted(H.backtracking_lines(10)))
def test_backtracking_line_stays_in_its_article(hc, kind):
    name = f"backtrack_{kind}.txt"
    arts = articles_of(hc, name)
    assert list(arts["title"]) == [H.TITLE]
    line = H.backtracking_lines(50_000)[kind].strip()
    b = hc.blocks[hc.blocks["file"] == name]
    assert line in set(b["text"]) or any(line.endswith(t) for t in b["text"] if len(t) > 1000)
    assert list(arts["credits"][0]) == ["Reporting by Laila Bassam and Tom Perry",
                                        "Editing by Peter Graff"]


# ------------------------------------------------------------------ duplicates


def test_article_repeated_hundreds_of_times_is_counted_once(hc):
    arts = articles_of(hc, "repeated.txt")
    assert len(arts) == H.REPEATS
    assert (arts["title"] == H.TITLE).all()
    # Every copy in the file, and every copy in other files, points at one first article.
    a = hc.articles[hc.articles["file"] != "long_line.txt"]  # its prose is made of the same words
    base = a[a["body"].str.contains(BASE_SENTENCE, regex=False)]
    assert len(base) > H.REPEATS + 10
    unique = base[base["duplicate_of"].isna()]
    assert len(unique) == 1
    assert set(base["duplicate_of"].dropna()) == {unique["article_id"].iloc[0]}
    assert arts["duplicate_of"].isna().sum() <= 1  # at most the first copy counts
    counted = hc.unique_articles()
    counted = counted[counted["file"] != "long_line.txt"]
    assert (counted["body"].str.contains(BASE_SENTENCE, regex=False)).sum() == 1


def test_repeated_titles_are_not_set_aside(hc):
    # Each copy keeps its own title: no copy's title is left in the ledger.
    assert ledger_of(hc, "repeated.txt").empty


# ------------------------------------------------------------------ nothing lost


def test_every_character_of_every_readable_file_is_accounted_for(hc):
    acc = account(hc)
    assert set(acc["file"]) == set(hc.files["file"])
    read = acc[acc["status"] == "read"]
    assert (read["lost"] == 0).all(), read[read["lost"] > 0]
    assert (read["claimed_twice"] == 0).all(), read[read["claimed_twice"] > 0]
    assert (read["in_articles"] + read["in_ledger"] == read["chars"]).all()
    unreadable = acc[acc["status"] == "unreadable"]
    assert unreadable["reason"].notna().all() and len(unreadable) == 7


def test_blocks_and_ledger_spans_point_at_their_own_text(hc):
    for file, group in hc.blocks.groupby("file"):
        text = hc.text(file)
        for b in group.itertuples():
            assert text[b.start : b.end] == b.text
    spans = hc.ledger[hc.ledger["start"].notna()]
    for row in spans.itertuples():
        text = hc.text(row.file)
        assert text[row.start : row.end].strip()
        assert row.first_line == text.count("\n", 0, row.start) + 1


def test_loading_twice_gives_identical_tables(tree, hc):
    again = load_corpus(tree)
    for name in ("files", "articles", "blocks", "ledger"):
        a = hc.tables[name].drop(columns=["minhash"], errors="ignore")
        b = again.tables[name].drop(columns=["minhash"], errors="ignore")
        assert a.astype(str).equals(b.astype(str)), name
    assert list(hc.articles["minhash"]) == list(again.articles["minhash"])
