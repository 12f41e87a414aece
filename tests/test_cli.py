"""The command line: output shapes, exit status 0 / 2, one-sentence errors on stderr, no
traceback for user errors unless `--debug`."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from siegewatch.cli import build_parser, main
from siegewatch.loading import LoadError, read_document

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
HOSTILE = ROOT / "tests" / "fixtures" / "hostile"
REQUIRED = {
    "article_id", "file", "title", "first_line", "last_line", "outlet", "dateline", "bylines",
    "date", "date_confidence", "duplicate_of", "n_words",
}
UNREADABLE = {"binary.txt", "photo.txt", "empty.txt", "whitespace_only.txt"}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exc:  # argparse: --help and usage errors
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    lines = [ln for ln in err.splitlines() if ln.strip() and not ln.startswith("warning:")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture(scope="module")
def raw_json():
    """`siegewatch articles data/raw --format json`, run once."""
    buf_out, buf_err = io.StringIO(), io.StringIO()
    old = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = buf_out, buf_err
    try:
        code = main(["articles", str(RAW), "--format", "json"])
    finally:
        sys.stdout, sys.stderr = old
    assert code == 0, buf_err.getvalue()
    return json.loads(buf_out.getvalue())


# ------------------------------------------------------------------ articles


def test_articles_json_is_a_list_of_objects_with_the_documented_fields(raw_json):
    assert isinstance(raw_json, list) and len(raw_json) == 21
    for row in raw_json:
        assert REQUIRED <= set(row), REQUIRED - set(row)
        assert isinstance(row["bylines"], list)
        assert isinstance(row["first_line"], int) and isinstance(row["n_words"], int)


def test_articles_lines_are_one_based_inclusive_and_files_relative(raw_json):
    texts = {}
    for row in raw_json:
        assert "/" not in row["file"] and (RAW / row["file"]).is_file()
        if row["file"] not in texts:
            texts[row["file"]] = read_document(RAW / row["file"]).text.split("\n")
        lines = texts[row["file"]]
        assert 1 <= row["first_line"] <= row["last_line"] <= len(lines)
        if row["title"]:
            assert row["title"][-30:] in " ".join(lines[row["first_line"] - 1].split())
        assert lines[row["last_line"] - 1].strip()  # the last line is part of the article
    first = raw_json[0]
    assert (first["file"], first["first_line"], first["last_line"]) == (
        "000_744be8aa4c07456e.txt", 1, 21)


def test_articles_file_names_are_relative_to_the_folder_given(capsys):
    code, out, err = run(capsys, "articles", str(HOSTILE / "nested"), "--format", "json")
    assert code == 0, err
    assert sorted(r["file"] for r in json.loads(out)) == [
        "deeper/deepest/Алеппо сводка.txt", "تقارير/حلب ٢٠١٦.txt"]


def test_articles_csv_has_the_same_rows_with_lists_joined(capsys, raw_json):
    code, out, err = run(capsys, "articles", str(RAW), "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["article_id"] for r in rows] == [r["article_id"] for r in raw_json]
    assert REQUIRED <= set(rows[0])
    assert rows[0]["bylines"] == "; ".join(raw_json[0]["bylines"])
    assert rows[0]["first_line"] == str(raw_json[0]["first_line"])


def test_articles_table_is_aligned_text_with_one_line_per_article(capsys, raw_json):
    code, out, err = run(capsys, "articles", str(RAW))
    assert code == 0, err
    lines = out.rstrip("\n").split("\n")
    assert lines[0].split()[:4] == ["article_id", "file", "first_line", "last_line"]
    assert set(lines[1]) <= {"-", " "}
    assert len(lines) == 2 + len(raw_json)
    assert all(ln.split()[0] == r["article_id"] for ln, r in zip(lines[2:], raw_json, strict=True))


# ------------------------------------------------------------------ ledger


def test_ledger_rows_and_one_row_per_unreadable_file(capsys):
    code, out, err = run(capsys, "ledger", str(HOSTILE), "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert all({"file", "first_line", "last_line", "reason", "chars"} <= set(r) for r in rows)
    unreadable = [r for r in rows if r["reason"].startswith("unreadable file")]
    assert sorted(r["file"] for r in unreadable) == sorted(UNREADABLE)
    assert all(r["first_line"] is None for r in unreadable)
    spans = [r for r in rows if r["first_line"] is not None]
    assert all(1 <= r["first_line"] <= r["last_line"] and r["chars"] > 0 for r in spans)
    # Each unreadable file is also a warning on stderr, with its reason.
    for name in UNREADABLE:
        assert f"warning: {name}: " in err


def test_ledger_table_has_the_documented_columns(capsys):
    code, out, err = run(capsys, "ledger", str(RAW))
    assert code == 0, err
    header = out.split("\n")[0].split()
    assert header == ["file", "first_line", "last_line", "reason", "chars"]
    assert "004_ddb399af3f17ee9c.txt  76          272" in out


def test_ledger_accounting_prints_every_file_and_nothing_is_lost(capsys):
    code, out, err = run(capsys, "ledger", "--accounting", str(HOSTILE), "--format", "json")
    assert code == 0, err
    rows = {r["file"]: r for r in json.loads(out)}
    assert set(rows) == {p.relative_to(HOSTILE).as_posix() for p in HOSTILE.rglob("*")
                         if p.is_file()}
    for name, r in rows.items():
        if name in UNREADABLE:
            assert r["status"] == "unreadable" and r["reason"] and r["chars"] is None
        else:
            assert r["status"] == "read"
            assert r["lost"] == 0 and r["claimed_twice"] == 0
            assert r["in_articles"] + r["in_ledger"] == r["chars"]
    assert rows["forum_only.txt"]["articles"] == 0 and rows["forum_only.txt"]["in_ledger"] > 0
    assert rows["enc_utf8.txt"]["articles"] == 1


def test_ledger_accounting_table(capsys):
    code, out, err = run(capsys, "ledger", str(RAW), "--accounting")
    assert code == 0, err
    lines = out.strip().split("\n")
    assert lines[0].split() == ["file", "status", "articles", "chars", "in_articles",
                                "in_ledger", "lost", "claimed_twice", "reason"]
    assert len(lines) == 2 + 5


# ------------------------------------------------------------------ help


def _subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return sorted(action.choices)


@pytest.mark.parametrize("command", _subcommands())
def test_every_subcommand_has_help(capsys, command):
    code, out, err = run(capsys, command, "--help")
    assert code == 0
    assert out.startswith(f"usage: siegewatch {command}")
    assert "--debug" in out


def test_core_subcommands_are_there():
    assert {"articles", "ledger", "summary"} <= set(_subcommands())


# ------------------------------------------------------------------ user errors


def test_missing_path_exits_2_with_one_sentence(capsys):
    code, out, err = run(capsys, "articles", "no/such/folder")
    assert code == 2 and out == ""
    line = one_error_line(err)
    assert line.startswith("siegewatch: error: no/such/folder: no such file or folder")
    assert "give the path" in line


@pytest.mark.parametrize("argv", [["--debug", "articles", "nope"], ["articles", "nope", "--debug"]])
def test_debug_shows_the_traceback_before_or_after_the_subcommand(argv):
    with pytest.raises(LoadError):
        main(argv)


def test_bad_option_value_exits_2_with_one_line(capsys):
    code, out, err = run(capsys, "articles", str(RAW), "--format", "xml")
    assert code == 2 and out == ""
    line = one_error_line(err)
    assert "invalid choice: 'xml'" in line and "siegewatch articles --help" in line


def test_unknown_subcommand_exits_2(capsys):
    code, _, err = run(capsys, "segment-everything")
    assert code == 2
    assert "invalid choice" in one_error_line(err)


def _gazetteer(tmp_path: Path, rows: list[str]) -> Path:
    p = tmp_path / "actors.csv"
    p.write_text("actor,bloc,alias,flags,context,note\n" + "\n".join(rows) + "\n")
    return p


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        (["Syrian government,government and allies,Syrian army,,,",
          "ISIS,jihadists,Syrian army,,,"], ["line 3", "Syrian army", "line 2"]),
        (["Syrian government,government and allies,,,,"], ["line 2", "empty alias"]),
    ],
)
def test_bad_gazetteer_exits_2_naming_file_and_line(capsys, tmp_path, rows, words):
    gaz = _gazetteer(tmp_path, rows)
    code, out, err = run(capsys, "articles", str(RAW / "001_bf4136b5d83f17ff.txt"),
                         "--gazetteer", str(gaz))
    assert code == 2 and out == ""
    line = one_error_line(err)
    assert line.startswith(f"siegewatch: error: {gaz}")
    for w in words:
        assert w in line


def test_missing_gazetteer_exits_2(capsys, tmp_path):
    code, _, err = run(capsys, "articles", str(RAW / "001_bf4136b5d83f17ff.txt"),
                       "--gazetteer", str(tmp_path / "nope.csv"))
    assert code == 2
    assert "nope.csv" in one_error_line(err)


@pytest.mark.parametrize(
    ("param", "words"),
    [("start=2016-13-45", ["'start'", "YYYY-MM-DD"]), ("nosuch=1", ["unknown parameter 'nosuch'"]),
     ("freq=fortnight", ["freq"])],
)
def test_bad_report_parameter_exits_2_before_any_work(capsys, tmp_path, param, words):
    if "report" not in _subcommands():
        pytest.skip("the report sub-command is not registered")
    out_dir = tmp_path / "reports"
    code, out, err = run(capsys, "report", str(RAW), "--out", str(out_dir), "-p", param)
    assert code == 2
    line = one_error_line(err)
    for w in words:
        assert w in line, line
    assert not out_dir.exists() or not any(out_dir.iterdir())


def test_real_entry_point_prints_no_traceback(tmp_path):
    """Through `python -m siegewatch`, as an analyst runs it."""
    proc = subprocess.run(
        [sys.executable, "-m", "siegewatch", "articles", str(tmp_path / "missing")],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1 and "no such file or folder" in proc.stderr


def test_summary_of_a_hostile_folder_exits_0_and_warns_on_stderr(capsys):
    code, out, err = run(capsys, "summary", str(HOSTILE), "--format", "json")
    assert code == 0
    summary = json.loads(out)
    assert summary["files_unreadable"] == len(UNREADABLE)
    assert summary["files"] == len([p for p in HOSTILE.rglob("*") if p.is_file()])
    assert "warning: export.jsonl:" in err
