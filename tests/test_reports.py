"""`siegewatch report`: executed, self-contained, offline HTML reports; safe failure.

The real notebooks run once with non-default parameters (a date window and two factions); the
small notebooks in tests/fixtures/notebooks run on the hostile-markup corpus, whose titles hold
`<script>` and `<img onerror>`, and are used to check failures.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_output

from siegewatch import rendering, reports
from siegewatch.corpus import load_corpus

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_NOTEBOOKS = ROOT / "tests" / "fixtures" / "notebooks"
HOSTILE = ROOT / "tests" / "fixtures" / "hostile_markup"
REAL_NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WINDOW = ["-p", "start=2016-10-01", "-p", "end=2016-12-31", "-p", "factions=ISIS,Hezbollah"]
BUNDLE_MARK = "window.vegaEmbed="


def run_report(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "siegewatch", "report", *args],
        cwd=cwd, capture_output=True, text=True, timeout=600,
    )


def chart_divs(page: str) -> int:
    return len(re.findall(r'<div class="siegewatch-chart" id="', page))


def check_page(page: str, name: str) -> None:
    """What every report page must be: one bundle, no loads, no local paths, no code."""
    assert page.count(BUNDLE_MARK) == 1, f"{name}: the vega-embed bundle must be inlined once"
    assert page.count('id="siegewatch-vega-embed"') == 1, name
    assert "<script src" not in page.lower(), name
    assert reports.offline_problems(page, reports.private_paths()) == [], name
    assert str(ROOT) not in page, f"{name} contains the project path"
    assert os.path.expanduser("~") + "/" not in page, f"{name} contains the home folder"
    assert "rendering.enable()" not in page and "import altair" not in page, f"{name}: code shown"
    assert not re.search(r"class=\"[^\"]*output_error", page), f"{name} shows an error"


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("fixture-run") / "out"
    proc = run_report(str(HOSTILE), "--out", str(out), "--notebooks", str(FIXTURE_NOTEBOOKS),
                      *WINDOW)
    assert proc.returncode == 0, proc.stderr
    return out, proc


@pytest.fixture(scope="module")
def real_run(tmp_path_factory):
    if len(REAL_NOTEBOOKS) < 5:
        pytest.skip("notebooks/ does not hold the five notebooks yet")
    out = tmp_path_factory.mktemp("real-run") / "reports"
    t0 = time.perf_counter()
    proc = run_report("data/raw", "--out", str(out), *WINDOW)
    seconds = time.perf_counter() - t0
    assert proc.returncode == 0, proc.stderr
    return out, proc, seconds


# --------------------------------------------------------------------------- the real reports


@pytest.mark.slow
def test_real_reports_index_lists_five_reports_with_parameters_and_fingerprint(real_run):
    out, proc, seconds = real_run
    index = (out / "index.html").read_text()
    links = re.findall(r'<a href="([^"]+\.html)">', index)
    assert links == [f"{p.stem}.html" for p in REAL_NOTEBOOKS]
    assert len(links) == 5
    for link in links:
        assert (out / link).is_file()
    corpus = load_corpus(ROOT / "data" / "raw")
    assert corpus.fingerprint in index
    assert "2016-10-01" in index and "2016-12-31" in index
    assert "Hezbollah" in index and "Islamic State" in index  # canonical name of ISIS
    assert re.search(r"run at</th><td><code>\d{4}-\d\d-\d\dT", index)
    assert reports.offline_problems(index, reports.private_paths()) == []
    assert not (out / "failed").exists()
    print(f"real reports built in {seconds:.1f} s")


@pytest.mark.slow
def test_real_reports_are_self_contained_and_executed(real_run):
    out, _, _ = real_run
    total_charts = 0
    for nb in REAL_NOTEBOOKS:
        page = (out / f"{nb.stem}.html").read_text()
        check_page(page, nb.name)
        total_charts += chart_divs(page)
        # the parameters reached the kernel: the window shows up in the executed output
        assert "2016" in page
    assert total_charts >= 5, "the reports should hold charts"


@pytest.mark.slow
def test_progress_shows_one_line_per_notebook_state(real_run):
    _, proc, _ = real_run
    for nb in REAL_NOTEBOOKS:
        assert re.search(rf"{nb.stem}\s+running", proc.stderr), proc.stderr
        assert re.search(rf"{nb.stem}\s+done\s+\d+\.\d s", proc.stderr), proc.stderr
    assert "5 reports written to" in proc.stdout


# --------------------------------------------------------------------------- fixture notebooks


def test_fixture_reports_render_hostile_text_as_text(fixture_run):
    out, proc = fixture_run
    pages = {p.stem: p.read_text() for p in out.glob("*.html") if p.name != "index.html"}
    assert set(pages) == {"01_charts", "02_summary"}
    assert chart_divs(pages["01_charts"]) == 2
    assert chart_divs(pages["02_summary"]) == 1
    for name, page in pages.items():
        check_page(page, name)
        assert "<script>window.__pwned" not in page
        assert "<img src=x onerror" not in page
    # the titles are shown, escaped, in the table and the printed lines
    assert "&lt;script&gt;window.__pwned=1;alert(1)&lt;/script&gt;" in pages["01_charts"]
    assert "&lt;img src=x onerror=" in pages["01_charts"]
    # stderr chatter (warnings) is left out of the report
    assert "this warning goes to stderr" not in pages["01_charts"]
    index = (out / "index.html").read_text()
    assert load_corpus(HOSTILE).fingerprint in index
    assert "Fixture: charts" in index and "Fixture: summary" in index


def test_output_folder_is_readable_and_has_no_leftovers(fixture_run):
    out, _ = fixture_run
    assert oct(out.stat().st_mode & 0o755) == oct(0o755 & ~_umask())
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".")]


def _umask() -> int:
    m = os.umask(0)
    os.umask(m)
    return m


def test_bad_parameter_exits_2_with_one_sentence(tmp_path):
    out = tmp_path / "out"
    proc = run_report("data/raw", "--out", str(out), "-p", "factoins=ISIS")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "factoins" in lines[0] and "factions" in lines[0]
    assert not out.exists()


def test_bad_faction_exits_2_before_anything_runs(tmp_path):
    out = tmp_path / "out"
    proc = run_report("--out", str(out), "-p", "factions=Hezbolah")
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Hezbollah" in proc.stderr
    assert not out.exists() and not list(tmp_path.iterdir())


def test_failing_notebook_names_the_cell_keeps_it_and_leaves_earlier_reports(tmp_path):
    nbdir = tmp_path / "notebooks"
    shutil.copytree(FIXTURE_NOTEBOOKS, nbdir)
    out = tmp_path / "out"
    good = run_report(str(HOSTILE), "--out", str(out), "--notebooks", str(nbdir))
    assert good.returncode == 0, good.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    broken = nbformat.read(nbdir / "02_summary.ipynb", as_version=4)
    broken.cells.append(new_code_cell('counts = {"a": 1}\nvalue = counts["no such key"]'))
    nbformat.write(broken, nbdir / "03_broken.ipynb")
    proc = run_report(str(HOSTILE), "--out", str(out), "--notebooks", str(nbdir))

    assert proc.returncode == 1
    assert "03_broken" in proc.stderr
    n_cells = len(broken.cells) + 1  # papermill injects one parameters cell
    assert f"cell {n_cells - 1} (counts = {{\"a\": 1}})" in proc.stderr, proc.stderr
    assert "KeyError" in proc.stderr
    assert re.search(r"03_broken\s+failed\s+\d+\.\d s", proc.stderr)
    kept = out / "failed" / "03_broken.ipynb"
    assert kept.is_file()
    executed = nbformat.read(kept, as_version=4)
    errors = [o for c in executed.cells if c.cell_type == "code" for o in c.get("outputs", [])
              if o.output_type == "error"]
    assert errors and errors[0].ename == "KeyError"
    # the earlier reports are untouched, and no half-built folder is left behind
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notebooks", "out"]


def test_missing_notebooks_folder_is_a_usage_error(tmp_path):
    proc = run_report("--out", str(tmp_path / "o"), "--notebooks", str(tmp_path / "none"))
    assert proc.returncode == 2
    assert "--notebooks" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


# --------------------------------------------------------------------------- units


def test_script_json_cannot_close_the_script_element():
    value = {"t": "</script><script>x()</script><!-- \u2028\u2029 & >", "n": [1, 2.5, None]}
    text = rendering.script_json(value)
    for bad in ("</", "<!--", "\u2028", "\u2029", "<", ">"):
        assert bad not in text
    assert json.loads(text) == value


def test_renderer_output_is_valid_nbformat_and_keeps_the_spec():
    import altair as alt
    import pandas as pd

    rendering.enable()
    assert alt.renderers.active == rendering.RENDERER
    chart = alt.Chart(pd.DataFrame({"x": [1, 2]}), title="T").mark_bar().encode(x="x:Q")
    data, metadata = chart._repr_mimebundle_()
    assert data[rendering.MIMETYPE]["mark"]["type"] == "bar"
    assert data["text/plain"] == "<chart: T>"
    out = new_output("display_data", data=data, metadata=metadata)  # validates
    nbformat.validate(nbformat.v4.new_notebook(cells=[new_code_cell("c", outputs=[out])]))


def test_chart_html_is_a_div_and_a_script_calling_vega_embed():
    part = rendering.chart_html({"mark": "bar", "title": "</script><b>x"}, "chart-1-0")
    assert part.startswith('<div class="siegewatch-chart" id="chart-1-0"></div>')
    assert "window.vegaEmbed(el, spec, opts)" in part
    assert part.count("</script>") == 1
    assert '"actions":false' in part


def test_embed_bundle_defines_vega_embed_and_loads_nothing():
    bundle = rendering.embed_bundle()
    assert BUNDLE_MARK in bundle and len(bundle) > 500_000
    assert "</script" not in bundle.lower()
    assert reports.offline_problems(rendering.bundle_script()) == []


@pytest.mark.parametrize(
    "page, problem",
    [
        ('<script src="https://cdn.example/vega.js"></script>', "loads a script"),
        ('<script src="require.js"></script>', "loads a script"),
        ('<link rel="stylesheet" href="http://x/s.css">', "loads a resource"),
        ('<img src="x" onerror="1">', "loads a resource"),
        ("<style>@font-face { src: url('../fonts/a.woff') }</style>", "stylesheet loads"),
        ('<div style="background: url(https://x/a.png)"></div>', "style attribute loads"),
        ("<p>/home/someone/data</p>", "absolute path"),
    ],
)
def test_offline_problems_finds_each_kind_of_load(page, problem):
    found = reports.offline_problems(page, ["/home/someone"])
    assert found and problem in found[0], found


def test_offline_problems_allows_inline_data_and_links():
    page = (
        '<img src="data:image/png;base64,AAAA"><a href="https://example.org">source</a>'
        "<style>.a { background: url(data:image/png;base64,AA) }</style>"
        '<svg xmlns="http://www.w3.org/2000/svg"></svg>'
    )
    assert reports.offline_problems(page) == []


def test_scrub_paths_makes_project_paths_relative():
    text = "read /work/x/proj/data/raw/a.txt and /work/x/proj and /root/notes"
    out = reports.scrub_paths(text, ["/work/x/proj"])
    assert "/work/x/proj" not in out
    assert "data/raw/a.txt" in out
