"""The five notebooks: committed clean, executed with papermill, checked by their outputs.

Runs each notebook on the bundled corpus in a temporary folder (default parameters, then a
date window with two factions, then bad parameters) and under nbval (`--nbval-lax`).
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from siegewatch import params
from siegewatch import paths as P

NOTEBOOKS = sorted(P.NOTEBOOKS_DIR.glob("*.ipynb"))
NAMES = ["01_overview", "02_timeline", "03_attribution", "04_factions", "05_explorer"]
VEGA = "application/vnd.vegalite.v5+json"
TIMINGS: dict[str, float] = {}


def execute(name: str, out_dir: Path, parameters: dict | None = None) -> nbformat.NotebookNode:
    import papermill as pm

    t0 = time.perf_counter()
    out = out_dir / f"{name}.ipynb"
    try:
        pm.execute_notebook(
            str(P.NOTEBOOKS_DIR / f"{name}.ipynb"), str(out), parameters=parameters or {},
            kernel_name="python3", cwd=str(P.NOTEBOOKS_DIR), progress_bar=False,
            log_output=False, execution_timeout=300,  # a stuck cell fails, never hangs CI
        )
    finally:
        TIMINGS[f"{name}{' ' + json.dumps(parameters) if parameters else ''}"] = round(
            time.perf_counter() - t0, 1)
    return nbformat.read(out, as_version=4)


def outputs(nb: nbformat.NotebookNode) -> list[dict]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]


def html_of(nb: nbformat.NotebookNode) -> str:
    return "\n".join(str(o.get("data", {}).get("text/html", "")) for o in outputs(nb))


def specs(nb: nbformat.NotebookNode) -> list[dict]:
    return [o["data"][VEGA] for o in outputs(nb) if VEGA in o.get("data", {})]


def test_the_five_notebooks_are_committed_without_outputs():
    assert [p.stem for p in NOTEBOOKS] == NAMES
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        nbformat.validate(nb)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(not c.outputs and c.execution_count is None for c in code), path.name
        first = nb.cells[0]
        assert first.cell_type == "code" and first.metadata.get("tags") == ["parameters"]
        assert sum("parameters" in c.metadata.get("tags", []) for c in nb.cells) == 1
        names = [t.id for node in ast.parse(first.source).body
                 for t in getattr(node, "targets", [])]
        assert names == list(params.PARAMETERS), path.name
        assert "workbook.setup(globals())" in nb.cells[1].source
        # each code cell stays short: a call into siegewatch, a chart or a table
        assert all(len(c.source.splitlines()) <= 4 for c in code[1:]), path.name
        # a sentence of markdown above each chart
        assert sum(c.cell_type == "markdown" for c in nb.cells) >= 3


def test_parameter_defaults_match_params_module():
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    ns: dict = {}
    exec(nb.cells[0].source, ns)  # noqa: S102 - our own parameters cell
    assert {k: ns[k] for k in params.PARAMETERS} == dict(params.defaults())


@pytest.fixture(scope="module")
def default_runs(tmp_path_factory):
    out = tmp_path_factory.mktemp("notebooks")
    with ThreadPoolExecutor(max_workers=3) as pool:
        runs = dict(zip(NAMES, pool.map(lambda n: execute(n, out), NAMES), strict=True))
    return runs


@pytest.mark.slow
def test_every_notebook_runs_on_the_bundled_corpus(default_runs):
    for name, nb in default_runs.items():
        outs = outputs(nb)
        assert not [o for o in outs if o["output_type"] == "error"], name
        assert html_of(nb).startswith("<h1>"), name
        text = json.dumps(outs)  # papermill's metadata records paths; reports show outputs
        assert str(P.PROJECT_ROOT) not in text, f"{name} shows an absolute path"
        assert len(text) < 3_000_000, f"{name}: {len(text)} bytes of outputs"
        if name != "01_overview":
            assert specs(nb), f"{name} drew no chart"
    print("\nnotebook run times (s):", TIMINGS)


def cell_value(html: str, measure: str) -> int:
    m = re.search(rf"<td>{re.escape(measure)}</td>\s*<td>(\d+)</td>", html)
    assert m, measure
    return int(m.group(1))


@pytest.mark.slow
def test_overview_counts_and_ledger(default_runs):
    html = html_of(default_runs["01_overview"])
    assert cell_value(html, "articles found") == 21
    assert cell_value(html, "duplicate articles") == 1
    assert cell_value(html, "unique articles") == 20
    assert cell_value(html, "unreadable files") == 0
    assert "forum thread list" in html
    assert "every file could be read" in html
    assert "03c7f181af-0001" in html  # the duplicate, next to its first copy
    assert "<h1>Corpus overview</h1>" in html
    # the facts to know before trusting any chart come first, right after the header
    facts = html.index("have no publication date")
    assert facts < html.index("<td>articles found</td>")
    assert "1 duplicate (a repeat of an earlier article) is counted once everywhere" in html
    assert re.search(r"\d+ of the 20 unique articles \(\d+%\) have no publication date", html)
    assert "Every file could be read." in html
    assert "<NA>" not in html and "None</td>" not in html
    per_file = specs(default_runs["01_overview"])[0]
    assert len(next(iter(per_file["datasets"].values()))) == 5


@pytest.mark.slow
def test_timeline_and_attribution_have_their_linked_selections(default_runs):
    timeline = json.dumps(specs(default_runs["02_timeline"]))
    attribution = json.dumps(specs(default_runs["03_attribution"]))
    events_drawn = '"window"' in timeline
    assert events_drawn or "no dated events in this window" in timeline
    if events_drawn:
        assert '"type": "interval"' in timeline and '{"param": "window"}' in timeline
    picked = '"pick"' in attribution
    assert picked or "no attributed statements in this window" in attribution
    if picked:
        assert '{"param": "pick"}' in attribution


@pytest.mark.slow
def test_evidence_tables_are_capped_and_traceable(default_runs):
    html = html_of(default_runs["02_timeline"])
    last = html[html.rindex("<table"):]
    body_rows = last.count("<tr>") - 1  # the header row
    assert 0 < body_rows <= 50
    for column in ("when", "sentence", "article", "outlet", "published", "where"):
        assert f">{column}</th>" in last, column
    assert re.search(r"<td[^>]*>[^<]+\.txt:\d+</td>", last), "no file:line in the table"
    total = int(re.search(r"([\d,]+) dated statements in this window", html).group(1).replace(
        ",", ""))
    if total > 50:
        assert f"showing 50 of {total:,}" in html
    for name in ("03_attribution", "04_factions"):
        page = html_of(default_runs[name])
        assert ">where</th>" in page and ">published</th>" in page, name


@pytest.mark.slow
def test_window_and_two_factions(tmp_path):
    raw = {"start": "2016-10-01", "end": "2016-12-31", "factions": "ISIS,Hezbollah",
           "freq": "W"}
    expected = params.validate(**raw)
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = dict(zip(["02_timeline", "04_factions"], pool.map(
            lambda n: execute(n, tmp_path, raw), ["02_timeline", "04_factions"]), strict=True))
    for name, nb in runs.items():
        assert not [o for o in outputs(nb) if o["output_type"] == "error"], name
        header = html_of(nb)
        assert "Window: 2016-10-01 to 2016-12-31" in header
        assert ", ".join(expected.factions) in header
        assert "time step: week" in header
    factions = specs(runs["04_factions"])
    page = html_of(runs["04_factions"])
    # Hezbollah's mentions are all in undated articles: the report says so instead of
    # silently leaving it out, and its line is drawn at zero with the chosen factions
    assert re.search(r"Hezbollah: \d+ mentions?, all in undated articles", page), page[:3000]
    over_time = [s for s in factions if "Mentions over time" in json.dumps(s.get("title"))]
    for s in over_time:
        rows = [r for d in s.get("datasets", {}).values() for r in d]
        ticks = s["encoding"]["x"]["axis"]["values"]
        assert len(ticks) == len(set(ticks)) <= 12  # each week labelled once
        if '"oneOf"' in json.dumps(s):
            hez = [r for r in rows if r.get("actor") == "Hezbollah"]
            assert hez and all(r["mentions"] == 0 for r in hez)
    highlighted = [s for s in factions if '"oneOf"' in json.dumps(s)]
    if any("datasets" in s and '"actor"' in json.dumps(s) for s in factions):
        assert highlighted, "chosen factions are not highlighted"
        for s in highlighted:
            tests = re.findall(r'"oneOf": (\[[^\]]*\])', json.dumps(s))
            assert [json.loads(t) for t in tests] == [list(expected.factions)]


@pytest.mark.slow
@pytest.mark.parametrize("raw, message", [
    ({"facions": "ISIS"}, "unknown parameter 'facions'; did you mean 'factions'?"),
    ({"start": "2016-31-12"}, "parameter 'start' is not a date: '2016-31-12'; write it as "
                              "YYYY-MM-DD, e.g. 2016-10-01"),
])
def test_bad_parameter_stops_the_run_with_one_sentence(tmp_path, raw, message):
    from papermill.exceptions import PapermillExecutionError

    with pytest.raises(PapermillExecutionError) as exc:
        execute("01_overview", tmp_path, raw)
    assert exc.value.ename == "ParameterError"
    assert exc.value.evalue == message
    nb = nbformat.read(tmp_path / "01_overview.ipynb", as_version=4)
    errors = [o for o in outputs(nb) if o["output_type"] == "error"]
    assert len(errors) == 1 and errors[0]["evalue"] == message
    assert "<h1>" not in html_of(nb)  # stopped before any work


@pytest.mark.slow
def test_notebooks_pass_nbval():
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-q", "-p", "no:cacheprovider",
         str(P.NOTEBOOKS_DIR)],
        cwd=P.PROJECT_ROOT, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert re.search(r"\b\d+ passed\b", proc.stdout), proc.stdout[-500:]
