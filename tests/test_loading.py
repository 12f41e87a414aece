"""Loading: files or folders, any common encoding and line ending, HTML pages, JSON Lines and CSV
exports; what cannot be read is reported per file with the reason, never a crash.

Runs on the hand-made files in `tests/fixtures/hostile/` (see `tests/fixtures/make_hostile.py`).
"""

from __future__ import annotations

import codecs
import os
from pathlib import Path

import pytest

from siegewatch import load_corpus
from siegewatch.loading import (
    Document,
    LoadError,
    Unreadable,
    decode_bytes,
    discover,
    html_to_text,
    normalize_newlines,
    read_document,
    sniff_binary,
)

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"


def read(name: str) -> Document:
    doc = read_document(HOSTILE / name, name)
    assert isinstance(doc, Document), getattr(doc, "reason", doc)
    return doc


# ------------------------------------------------------------------ encodings


@pytest.mark.parametrize(
    ("name", "encoding", "sample"),
    [
        ("enc_utf8.txt", "utf-8", "حي الشعار (al-Shaar)"),
        ("enc_utf8_bom.txt", "utf-8-sig", "حي الشعار (al-Shaar)"),
        ("enc_utf16_bom.txt", "utf-16", "حي الشعار (al-Shaar)"),
        ("enc_cp1252.txt", "cp1252", "“We have no bread – none at all.” The café owner’s"),
        ("enc_latin1.txt", "latin-1", "Zoé Müller, who said the hospital in Genève had sent 12°"),
    ],
)
def test_each_encoding_is_read_and_recorded(name, encoding, sample):
    doc = read(name)
    assert doc.encoding == encoding
    assert sample in doc.text
    assert doc.text.startswith("Syrian army shells")  # no byte-order mark left in the text
    assert "\ufffd" not in doc.text


def test_cp1252_and_latin1_are_told_apart_by_content():
    # 0x93/0x94 are curly quotes in Windows-1252 and invisible controls in Latin-1.
    assert decode_bytes("“Aleppo” café".encode("cp1252"))[1] == "cp1252"
    assert decode_bytes("Genève café".encode("latin-1"))[1] == "latin-1"
    text, enc, warnings = decode_bytes("Genève".encode("latin-1"))
    assert text == "Genève" and warnings and "latin-1" in warnings[0]


def test_utf16_without_bom_is_recognised_by_its_byte_pattern():
    text, enc, warnings = decode_bytes("Aleppo under siege\n".encode("utf-16-le"))
    assert (text, enc) == ("Aleppo under siege\n", "utf-16-le")
    assert "byte-order mark" in warnings[0]
    assert decode_bytes("Aleppo".encode("utf-16-be"))[1] == "utf-16-be"
    assert decode_bytes(codecs.BOM_UTF16_BE + "حلب".encode("utf-16-be"))[0] == "حلب"


def test_utf8_cut_inside_a_character_keeps_everything_before_the_cut():
    doc = read("cut_multibyte.txt")
    assert doc.encoding == "utf-8"
    assert doc.text.endswith("the city ح\ufffd")
    assert "U+FFFD" in doc.warnings[0] and "cut" in doc.warnings[0]


def test_nul_bytes_are_spaces_so_offsets_stay_put():
    raw = (HOSTILE / "nul_bytes.txt").read_bytes()
    doc = read("nul_bytes.txt")
    assert "\x00" not in doc.text
    assert len(doc.text) == len(raw.decode("utf-8"))
    assert doc.warnings == [f"{raw.count(0)} NUL character(s) replaced by spaces"]


# ------------------------------------------------------------------ line endings


@pytest.mark.parametrize(
    ("name", "style"),
    [("newline_crlf.txt", "CRLF"), ("newline_cr.txt", "CR"), ("newline_mixed.txt", "mixed"),
     ("enc_utf8.txt", "LF")],
)
def test_line_endings_become_lf_and_are_recorded(name, style):
    doc = read(name)
    assert doc.newline == style
    assert "\r" not in doc.text
    if name.startswith("newline"):
        assert doc.text == read("folder with spaces/report from the front.txt").text


def test_normalize_newlines_names_the_style():
    assert normalize_newlines("a\r\nb\r\n") == ("a\nb\n", "CRLF")
    assert normalize_newlines("a\rb") == ("a\nb", "CR")
    assert normalize_newlines("a\r\nb\rc\n") == ("a\nb\nc\n", "mixed")
    assert normalize_newlines("no break") == ("no break", "none")


# ------------------------------------------------------------------ not text


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.txt", "no text: the file is empty (0 bytes)"),
        ("whitespace_only.txt", "no text: the file is only whitespace (14 bytes)"),
        ("binary.txt", "not text: the file holds binary data"),
        ("photo.txt", "not text: the file holds a PNG image"),
    ],
)
def test_files_without_text_are_unreadable_with_a_reason(name, reason):
    doc = read_document(HOSTILE / name, name)
    assert isinstance(doc, Unreadable)
    assert doc.file == name
    assert doc.reason.startswith(reason)
    # ... and the reason says what to do.
    assert any(w in doc.reason for w in ("remove", "move it out", "convert"))


def test_binary_sniffing_is_not_fooled_by_random_bytes_or_text_with_a_few_nuls():
    import random

    for seed in range(50):
        data = random.Random(seed).randbytes(1000)
        if data[:1] in (b"\xff", b"\xfe"):
            continue  # could be a UTF-16 byte-order mark
        assert sniff_binary(data), seed
    assert sniff_binary(b"\x00" * 900 + b"text") == "binary data (mostly NUL bytes)"
    assert sniff_binary(b"Aleppo\x00 under siege.\n" * 20) is None
    assert sniff_binary("Genève, «Alep»\f\n".encode("latin-1") * 10) is None
    for name in os.listdir(Path(__file__).parents[1] / "data" / "raw"):
        data = (Path(__file__).parents[1] / "data" / "raw" / name).read_bytes()
        assert sniff_binary(data) is None, name


def test_unreadable_permissions_are_reported_not_raised(tmp_path):
    p = tmp_path / "locked.txt"
    p.write_text("Title\n\nBody text.\n")
    p.chmod(0)
    try:
        if os.access(p, os.R_OK):
            pytest.skip("running as a user who can read any file")
        doc = read_document(p, "locked.txt")
        assert isinstance(doc, Unreadable) and "permissions" in doc.reason
    finally:
        p.chmod(0o644)


# ------------------------------------------------------------------ HTML and exports


def test_html_page_keeps_the_visible_article_only():
    doc = read("page.html")
    assert doc.format == "html"
    assert doc.text.startswith("Syrian army shells rebel-held districts of eastern Aleppo\n\n")
    assert "BEIRUT (Reuters) – Syrian government forces shelled rebel-held districts of eastern " \
        "Aleppo on Monday" in doc.text
    for junk in ("tracker", "font-family", "Home", "Middle East", "Most read", "©", "Privacy",
                 "Sponsored", "| Example News"):
        assert junk not in doc.text, junk
    assert doc.removed_markup_chars > 100


def test_html_pre_keeps_its_line_breaks_and_detects_pages_without_suffix(tmp_path):
    text, removed = html_to_text("<p>one\ntwo</p><pre>a\nb</pre><script>x()</script>")
    assert text == "one two\n\na\nb\n" and removed == 3
    p = tmp_path / "saved_page"
    p.write_text("<!DOCTYPE html><html><body><h1>Title</h1><p>Text.</p></body></html>")
    doc = read_document(p, "saved_page")
    assert isinstance(doc, Document) and doc.format == "html" and doc.text == "Title\n\nText.\n"


def test_jsonl_export_records_become_placed_articles_and_bad_lines_are_named():
    doc = read("export.jsonl")
    assert doc.format == "jsonl"
    assert doc.records is not None and len(doc.records) == 2
    first, second = doc.records
    assert doc.text[first.title_start : first.title_end] == "Syrian army shells rebel-held " \
        "districts of eastern Aleppo"
    assert (first.date, first.source, first.url) == ("2016-11-28", "Reuters",
                                                     "https://example.org/aleppo-1")
    assert second.title == "Aid convoy reaches besieged Madaya" and second.date == "2016-01-11"
    assert doc.text[second.body_start : second.body_end].endswith("eating grass.")
    assert doc.warnings == [
        "export.jsonl:3: not a JSON object (Expecting value); the line was set aside — "
        "fix or remove it",
        "export.jsonl:4: JSON value is not an object; the line was set aside",
    ]


def test_csv_export_with_quoted_newlines_and_an_empty_text():
    doc = read("export.csv")
    assert doc.format == "csv"
    assert doc.records is not None and [r.title for r in doc.records] == [
        "Syrian army shells rebel-held districts of eastern Aleppo",
        "Aid convoy reaches besieged Madaya",
        "Title only, no text",
    ]
    body = doc.records[0]
    assert doc.text[body.body_start : body.body_end].count("\n\n") == 3  # paragraphs kept
    assert doc.records[2].body_start == doc.records[2].body_end
    assert len(doc.warnings) == 1 and doc.warnings[0].startswith("export.csv:")
    assert "text field is empty" in doc.warnings[0]


def test_csv_without_a_text_column_says_which_column_to_add(tmp_path):
    p = tmp_path / "export.csv"
    p.write_text("headline,summary\nAleppo falls,Short summary\n")
    doc = read_document(p, "export.csv")
    assert isinstance(doc, Document)
    assert doc.warnings == [
        "export.csv:2: record without article text: it has no text, body or content field; "
        "add a 'text' field"
    ]


# ------------------------------------------------------------------ discovery


def test_folders_are_walked_recursively_in_sorted_order():
    names = [item[1] for item in discover([HOSTILE]) if not isinstance(item, Unreadable)]
    assert names == sorted(names, key=lambda n: n.split("/"))
    assert "nested/deeper/deepest/Алеппо сводка.txt" in names
    assert "folder with spaces/report from the front.txt" in names
    assert len(names) == len([p for p in HOSTILE.rglob("*") if p.is_file()])


def test_a_single_file_is_named_by_its_own_name():
    [(path, name)] = list(discover([HOSTILE / "nested" / "تقارير" / "حلب ٢٠١٦.txt"]))
    assert name == "حلب ٢٠١٦.txt" and path.is_absolute()


def test_a_missing_path_is_a_load_error_that_says_what_to_give():
    with pytest.raises(LoadError, match=r"no_such_folder: no such file or folder; give the path"):
        load_corpus("no_such_folder")


def test_hidden_files_dangling_links_and_loops_are_reported(tmp_path):
    (tmp_path / ".hidden.txt").write_text("Secret\n\nText.\n")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "story.txt").write_text("Title here\n\nBody text.\n")
    (tmp_path / "sub" / "loop").symlink_to("..", target_is_directory=True)
    (tmp_path / "gone.txt").symlink_to("nowhere.txt")
    items = list(discover([tmp_path]))
    unreadable = {i.file: i.reason for i in items if isinstance(i, Unreadable)}
    assert "hidden" in unreadable[".hidden.txt"] and "rename" in unreadable[".hidden.txt"]
    assert unreadable["gone.txt"].startswith("dangling symbolic link: its target nowhere.txt")
    assert unreadable["sub/loop"].startswith("symbolic link loop")
    read_ok = [i[1] for i in items if not isinstance(i, Unreadable)]
    assert read_ok == ["sub/story.txt"]


def test_a_dangling_link_given_directly_is_reported(tmp_path):
    link = tmp_path / "link.txt"
    link.symlink_to("missing.txt")
    [item] = list(discover([link]))
    assert isinstance(item, Unreadable) and "dangling" in item.reason


def test_a_file_name_that_is_not_utf8_is_reported_with_an_escaped_name(tmp_path):
    bad = tmp_path / os.fsdecode(b"caf\xe9.txt")
    bad.write_text("Title here\n\nBody text.\n")
    [item] = list(discover([tmp_path]))
    assert isinstance(item, Unreadable)
    assert item.file == "caf\\xe9.txt"
    assert "not valid UTF-8" in item.reason and "rename" in item.reason
    item.path.encode("utf-8")  # printable: every table and report can hold it


def test_load_corpus_takes_files_and_folders_together():
    corpus = load_corpus([HOSTILE / "enc_utf8.txt", HOSTILE / "nested"])
    assert sorted(corpus.files["file"]) == [
        "deeper/deepest/Алеппо сводка.txt", "enc_utf8.txt", "تقارير/حلب ٢٠١٦.txt"]
    assert (corpus.files["status"] == "read").all()
    assert len(corpus.articles) == 3
