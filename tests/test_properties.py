"""Property tests: for generated documents, segmentation never raises, nothing is lost or
claimed twice, a second run gives identical tables, and every extracted span points at its own
text.

Documents are random sequences of articles (title, captions, bylines, datelines, body
paragraphs, credit and sources lines) mixed with forum boilerplate, site chrome and repeated
blocks, written in a random encoding with random line endings to a temporary file, then loaded
as an analyst would load them. The extraction checks run on whatever rows the extractors
produce, so they tighten as the extractors land.
"""

from __future__ import annotations

import codecs
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from siegewatch import load_corpus
from siegewatch.accounting import account, coverage
from siegewatch.corpus import process_file
from siegewatch.loading import Unreadable, read_document

SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Words that every encoding can hold, and a few that exercise each one.
ASCII_WORDS = (
    "the army said rebels Aleppo Syrian forces on Monday in a of and were killed shelling "
    "district civilians government opposition monitor city east siege ceasefire talks U.S. "
    "Russia’s 20 300 al-Shaar Reuters AFP (Reuters) told sources Observatory convoy aid"
).replace("’", "'").split()
LATIN1_WORDS = ["café", "Genève", "Zoé", "Müller", "«", "»", "12°", "façade"]
CP1252_WORDS = ["“We", "none”", "–", "Russia’s", "‘final", "stages’", "…"]
UNICODE_WORDS = ["حلب", "حي", "Алеппо", "Ğ", "—", "\u00a0", "東京"]

ENCODINGS = {
    "utf-8": ASCII_WORDS + LATIN1_WORDS + CP1252_WORDS + UNICODE_WORDS,
    "utf-8-sig": ASCII_WORDS + UNICODE_WORDS,
    "utf-16": ASCII_WORDS + UNICODE_WORDS + CP1252_WORDS,
    "cp1252": ASCII_WORDS + CP1252_WORDS + LATIN1_WORDS,
    "latin-1": ASCII_WORDS + LATIN1_WORDS,
}
NEWLINES = {"LF": "\n", "CRLF": "\r\n", "CR": "\r"}

BOILERPLATE = [
    "Today at 7:09 am by Rocky",
    "» Prime Minister promises youth investment opportunities",
    "Show Full Article",
    "Related Topics",
    "Advertisements",
    "Share this:",
    "[size=18][b]Syrian rebels get proposal[/b][/size]",
    "(Graphic on the battle for Aleppo: http://tmsnrt.rs/2fJ4)",
    "(This version of the story corrects the date in paragraph 3)",
]


@st.composite
def sentence(draw, words: list[str]) -> str:
    ws = draw(st.lists(st.sampled_from(words), min_size=3, max_size=25))
    s = " ".join(ws)
    return s[:1].upper() + s[1:] + draw(st.sampled_from([".", ".", "?", "!", ".”", ":", ""]))


@st.composite
def article(draw, words: list[str]) -> list[str]:
    lines: list[str] = []
    if draw(st.booleans()):
        title = " ".join(draw(st.lists(st.sampled_from(words), min_size=2, max_size=12)))
        lines.append(title[:1].upper() + title[1:])
    for _ in range(draw(st.integers(0, 2))):
        cap = draw(sentence(words))
        lines.append(cap + draw(st.sampled_from([" REUTERS/Rodi Said", "", " (AP Photo)"])))
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(["By Ellen Francis", "By Tom Perry and Laila Bassam"])))
    n_paras = draw(st.integers(1, 6))
    for k in range(n_paras):
        para = " ".join(draw(st.lists(sentence(words), min_size=1, max_size=4)))
        if k == 0 and draw(st.booleans()):
            para = draw(st.sampled_from(["BEIRUT (Reuters) – ", "AMMAN (Reuters) - ",
                                         "ALEPPO, Syria/BEIRUT – ", "Aleppo: "])) + para
        lines.append(para)
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["PALMYRA", "Rebel bombardment", "TRUCE PROCESS"])))
    ending = draw(st.sampled_from(["", "credit", "ap", "sources"]))
    if ending == "credit":
        lines.append("(Reporting by Tom Perry; Editing by Peter Graff)")
    elif ending == "ap":
        lines.append("Associated Press writers Albert Aji in Damascus contributed.")
    elif ending == "sources":
        lines.append("Sources: AFP/Syria & Iraq News")
    return lines


@st.composite
def document(draw) -> tuple[str, str, str]:
    """(text with LF newlines, encoding, newline style)."""
    encoding = draw(st.sampled_from(sorted(ENCODINGS)))
    words = ENCODINGS[encoding]
    blocks: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.integers(0, 9))
        if kind == 0:
            blocks.extend(draw(st.lists(st.sampled_from(BOILERPLATE), min_size=1, max_size=6)))
        elif kind == 1 and blocks:
            # The scraper printed part of the file again.
            i = draw(st.integers(0, len(blocks) - 1))
            j = draw(st.integers(i, len(blocks)))
            blocks.extend(blocks[i:j])
        else:
            blocks.extend(draw(article(words)))
    seps = draw(st.lists(st.sampled_from(["\n\n", "\n", "\n \n\t\n", "\n\n\n"]),
                         min_size=len(blocks), max_size=len(blocks)))
    indent = draw(st.sampled_from(["", " ", "\t"]))
    text = "".join(indent + b + s for b, s in zip(blocks, seps, strict=True))
    if draw(st.integers(0, 7)) == 0:
        text = text.replace(" ", " \x00", 1)  # a stray NUL byte
    if encoding in ("latin-1", "cp1252"):
        # Datelines, quotes and captions bring characters an 8-bit code page may lack.
        text = text.encode(encoding, errors="replace").decode(encoding)
    newline = draw(st.sampled_from(["LF", "CRLF", "CR", "mixed"]))
    return text, encoding, newline


def encode(text: str, encoding: str, newline: str) -> bytes:
    if newline == "mixed":
        parts = text.split("\n")
        seps = ["\r\n", "\n", "\r"]
        raw = "".join(p + seps[i % 3] for i, p in enumerate(parts[:-1])) + parts[-1]
    else:
        raw = text.replace("\n", NEWLINES[newline])
    if encoding == "utf-16":
        return codecs.BOM_UTF16_LE + raw.encode("utf-16-le")
    return raw.encode(encoding)


def run_map_step(text: str, encoding: str, newline: str):
    """Write the document and run the per-file map step on it twice, as the pipeline would."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "generated.txt"
        path.write_bytes(encode(text, encoding, newline))
        first = process_file(path, "generated.txt")
        second = process_file(path, "generated.txt")
        doc = read_document(path, "generated.txt")
    return first, second, doc


@SETTINGS
@given(document())
def test_segmentation_loses_nothing_and_is_deterministic(generated):
    text, encoding, newline = generated
    first, second, doc = run_map_step(text, encoding, newline)
    file_row = first["files"][0]
    if not text.replace("\x00", " ").strip():
        assert isinstance(doc, Unreadable) and file_row["status"] == "unreadable"
        return
    assert file_row["status"] == "read", file_row["reason"]
    assert not isinstance(doc, Unreadable)
    # The decoded text is the generated text, whatever the encoding and line endings.
    assert doc.text == text.replace("\x00", " ")
    if newline != "mixed":  # every generated block ends in a line break
        assert file_row["newline"] == newline
    # Nothing lost, nothing claimed twice.
    counts = coverage(
        doc.text,
        [(b["start"], b["end"]) for b in first["blocks"]],
        [(r["start"], r["end"]) for r in first["ledger"] if r.get("start") is not None],
    )
    assert counts["lost"] == 0 and counts["claimed_twice"] == 0, counts
    assert counts["in_articles"] + counts["in_ledger"] == counts["chars"]
    # A second run gives identical rows in every table.
    for name in first:
        assert first[name] == second[name], name
    check_spans(first, doc.text)


def check_spans(rows, text: str) -> None:
    """Every block, ledger span and extraction span points at its own text."""
    by_article: dict[str, list[tuple[int, int]]] = {}
    for b in rows["blocks"]:
        assert text[b["start"] : b["end"]] == b["text"]
        assert b["text"] == b["text"].strip() and b["text"]
        assert b["line"] == text.count("\n", 0, b["start"]) + 1
        by_article.setdefault(b["article_id"], []).append((b["start"], b["end"]))
    for r in rows["ledger"]:
        if r.get("start") is not None:
            assert text[r["start"] : r["end"]].strip()
            assert r["first_line"] == text.count("\n", 0, r["start"]) + 1
    for a in rows["articles"]:
        spans = by_article[a["article_id"]]
        assert a["start"] == min(s for s, _ in spans) and a["end"] == max(e for _, e in spans)
        assert a["first_line"] <= a["last_line"]
    for m in rows["mentions"]:
        assert text[m["start"] : m["end"]] == m["surface"], m
        assert inside(by_article, m["article_id"], m["start"], m["end"]), m
    for r in rows["attributions"] + rows["events"]:
        assert r["start"] < r["end"], r
        assert inside(by_article, r["article_id"], r["start"], r["end"]), r
        assert text[r["start"] : r["end"]].strip(), r
    for r in rows["events"]:
        if isinstance(r.get("expression"), str):
            assert text[r["start"] : r["end"]] == r["expression"], r


def inside(by_article: dict[str, list[tuple[int, int]]], article_id: str, s: int, e: int) -> bool:
    return any(bs <= s and e <= be for bs, be in by_article.get(article_id, []))


@SETTINGS
@given(st.lists(st.text(min_size=0, max_size=80), min_size=1, max_size=30),
       st.sampled_from(["\n", "\r\n", "\r"]))
def test_arbitrary_unicode_text_never_raises_and_loses_nothing(lines, nl):
    """Free text from the whole of Unicode (controls included), written as UTF-8."""
    text = nl.join(lines)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "free.txt"
        path.write_bytes(text.encode("utf-8"))
        rows = process_file(path, "free.txt")
        doc = read_document(path, "free.txt")
    if isinstance(doc, Unreadable):
        assert rows["files"][0]["status"] == "unreadable" and doc.reason
        return
    counts = coverage(
        doc.text,
        [(b["start"], b["end"]) for b in rows["blocks"]],
        [(r["start"], r["end"]) for r in rows["ledger"] if r.get("start") is not None],
    )
    assert counts["lost"] == 0 and counts["claimed_twice"] == 0, counts
    check_spans(rows, doc.text)


def _comparable(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for col in out.columns:
        out[col] = out[col].map(repr)  # lists, bytes and missing values alike
    return out


def test_loaded_corpus_of_generated_files_accounts_for_everything(tmp_path):
    """The same checks through the public entry point, on a folder of fixed examples."""
    texts = {
        "a.txt": ("Title one here\n\nBy Tom Perry\n\nBEIRUT (Reuters) – Body text.\n", "cp1252",
                  "CRLF"),
        "b.txt": ("Today at 7:09 am by Rocky\n» Thread title\n\nShow Full Article\n", "utf-8", "CR"),
        "c.txt": ("Another title\n\nSome text that runs on.\n\n(Reporting by A B)\n", "utf-16",
                  "mixed"),
    }
    for name, (text, enc, nl) in texts.items():
        (tmp_path / name).write_bytes(encode(text, enc, nl))
    corpus = load_corpus(tmp_path)
    acc = account(corpus)
    assert list(acc["status"]) == ["read"] * 3
    assert (acc["lost"] == 0).all() and (acc["claimed_twice"] == 0).all()
    again = load_corpus(tmp_path)
    for name in ("files", "articles", "blocks", "ledger"):
        assert _comparable(corpus.tables[name]).equals(_comparable(again.tables[name])), name
