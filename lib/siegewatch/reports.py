"""HTML reports: execute every notebook with papermill, export it with the code hidden, index it.

`build_reports` is what `siegewatch report` runs. Notebooks execute in parallel (one papermill
run and kernel per process, as many as there are cores), each is exported to a self-contained
HTML page (charts drawn by one inlined vega-embed bundle, no request to any host, no absolute
path of this machine) and `index.html` links them with the parameters, the corpus fingerprint
and the time of the run. Everything is written into a temporary folder next to the output
folder and swapped in only when every notebook succeeded; a failed notebook is kept, executed
up to its error, under `OUT/failed/` and the reports of an earlier run stay as they were.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, TextIO

from siegewatch import paths as P
from siegewatch import rendering

KERNEL = "python3"
CELL_TIMEOUT = 300


class ReportFailed(Exception):
    """One or more notebooks failed; the message names each notebook, cell and error."""


@dataclass
class NotebookResult:
    """The outcome of executing and exporting one notebook."""

    name: str
    status: str  # "done" or "failed"
    seconds: float
    title: str = ""
    n_charts: int = 0
    error: str = ""
    problems: list[str] = field(default_factory=list)


@dataclass
class ReportRun:
    """What `build_reports` wrote: the output folder and one result per notebook."""

    out: Path
    results: list[NotebookResult]
    fingerprint: str
    parameters: dict[str, Any]
    started: str
    seconds: float


# --------------------------------------------------------------------------- discovery


def find_notebooks(folder: str | os.PathLike[str]) -> list[Path]:
    """The notebooks of `folder`, in name order (checkpoints and hidden files left out)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: no notebooks folder here")
    return sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith((".", "_")))


def papermill_parameters(params: Any) -> dict[str, Any]:
    """Validated `params.Params` as plain values for papermill's injected cell.

    Paths are absolute so the kernel finds them from any folder (the injected cell is hidden
    in the reports and the HTML is scrubbed of them).
    """
    return params.as_dict(absolute=True)


# --------------------------------------------------------------------------- export

PAGE_CSS = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; color: #1d2430; background: #fff; margin: 0; }
main.report { max-width: 1320px; margin: 0 auto; padding: 24px 32px 64px; }
h1, h2, h3 { line-height: 1.25; color: #111826; }
h1 { font-size: 1.9em; margin: .6em 0 .4em; }
h2 { font-size: 1.4em; margin: 1.4em 0 .4em; border-bottom: 1px solid #e3e7ee;
  padding-bottom: .2em; }
a.anchor-link { display: none; }
.cell { margin: 0 0 12px; }
.output_subarea { overflow-x: auto; max-width: 100%; }
.output_text pre, .output_stream pre, pre { white-space: pre-wrap; word-break: break-word;
  font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; margin: 0; }
.output_error pre { color: #8a1c1c; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border-bottom: 1px solid #e3e7ee; padding: 4px 8px; text-align: left;
  vertical-align: top; }
thead th { border-bottom: 2px solid #c9d0db; background: #f6f8fb; }
table.dataframe { border: none; }
table.dataframe th, table.dataframe td { border: none; border-bottom: 1px solid #e3e7ee; }
table.dataframe td { min-width: 6em; max-width: 40em; }
tbody tr:nth-child(odd) { background: #fbfcfd; }
.siegewatch-chart { margin: 8px 0 16px; }
.siegewatch-chart[data-error] { color: #8a1c1c; font-weight: 600; }
img { max-width: 100%; }
footer.report-footer { margin-top: 48px; color: #5b6576; font-size: 13px;
  border-top: 1px solid #e3e7ee; padding-top: 8px; }
"""

TEMPLATE_NAME = "siegewatch_report.html.j2"
TEMPLATE = r"""{%- extends 'classic/base.html.j2' -%}
{%- block header -%}
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{{ resources.siegewatch.title | e }}</title>
<style>{{ resources.siegewatch.css }}</style>
{% for css in resources.inlining.css -%}<style>{{ css }}</style>{% endfor %}
{{ resources.siegewatch.head }}
</head>
<body>
<main class="report">
{%- endblock header -%}
{%- block footer -%}
<footer class="report-footer">{{ resources.siegewatch.footer | e }}</footer>
</main>
</body>
</html>
{%- endblock footer -%}
"""


def _chart_preprocessor_class() -> type:
    from nbconvert.preprocessors import Preprocessor

    class ReportOutputs(Preprocessor):
        """Charts become div + script; widgets and stderr (not for readers) are left out."""

        def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
            n = 0
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                kept = []
                for k, output in enumerate(cell.get("outputs", [])):
                    if output.output_type == "stream" and output.get("name") == "stderr":
                        continue
                    data = output.get("data") or {}
                    if "application/vnd.jupyter.widget-view+json" in data:
                        continue
                    if rendering.MIMETYPE in data:
                        n += 1
                        meta = (output.get("metadata") or {}).get(rendering.MIMETYPE) or {}
                        html_div = rendering.chart_html(
                            data[rendering.MIMETYPE], f"chart-{index}-{k}",
                            meta.get("embed_options"),
                        )
                        output["data"] = {"text/html": html_div}
                        output["metadata"] = {}
                    kept.append(output)
                cell["outputs"] = kept
            resources.setdefault("siegewatch", {})["n_charts"] = n
            return nb, resources

    return ReportOutputs


def export_html(nb: Any, title: str, footer: str) -> tuple[str, int]:
    """An executed notebook as one self-contained HTML page with the code hidden.

    Returns the page and its number of charts.
    """
    from jinja2 import DictLoader
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="classic",
        template_file=TEMPLATE_NAME,
        extra_loaders=[DictLoader({TEMPLATE_NAME: TEMPLATE})],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        anchor_link_text="",
    )
    exporter.register_preprocessor(_chart_preprocessor_class()(), enabled=True)
    resources = {
        "siegewatch": {
            "title": title, "css": PAGE_CSS, "head": rendering.bundle_script(), "footer": footer,
        },
        "metadata": {"name": title},
    }
    body, res = exporter.from_notebook_node(nb, resources=resources)
    return body, int(res["siegewatch"].get("n_charts", 0))


def notebook_title(nb: Any, fallback: str) -> str:
    """The first Markdown heading of a notebook (or its metadata title), as plain text."""
    title = (nb.get("metadata") or {}).get("title")
    if title:
        return str(title)
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            m = re.match(r"\s*#{1,3}\s+(.+)", line)
            if m:
                return re.sub(r"[*_`]", "", m.group(1)).strip()
    return fallback


# --------------------------------------------------------------------------- checks


def scrub_paths(text: str, roots: Sequence[str | os.PathLike[str]]) -> str:
    """`text` with every absolute `roots` path made relative, and the home folder as `~`."""
    pairs: list[tuple[str, str]] = []
    for root in roots:
        r = str(root).rstrip("/")
        if r.count("/") < 2 and not r.startswith("/tmp"):
            continue  # "/" or a top-level folder: too short to replace safely
        pairs += [(r + "/", ""), (r, ".")]
    home = os.path.expanduser("~").rstrip("/")
    if home.count("/") >= 2:
        pairs.append((home, "~"))
    for old, new in sorted(set(pairs), key=lambda p: -len(p[0])):
        text = text.replace(old, new)
    return text


_LOADING_ATTRS = {
    "script": ("src",), "img": ("src", "srcset"), "iframe": ("src",), "frame": ("src",),
    "embed": ("src",), "object": ("data",), "source": ("src", "srcset"), "video": ("src", "poster"),
    "audio": ("src",), "track": ("src",), "input": ("src",), "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"), "link": ("href",), "meta": ("content",),
}
_CSS_URL = re.compile(r"url\(\s*['\"]?(?!data:)([^'\")\s]+)|@import\s+['\"]?([^'\";\s]+)", re.I)


class _ResourceScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        if tag == "script" and "src" in values:
            self.problems.append(f"<script src={values['src']!r}> loads a script")
        for name in _LOADING_ATTRS.get(tag, ()):
            value = values.get(name, "").strip()
            if tag == "meta" and values.get("http-equiv", "").lower() != "refresh":
                continue
            if tag == "link" and "stylesheet" not in values.get("rel", "") and not re.search(
                r"icon|preload|prefetch|import|manifest", values.get("rel", "")
            ):
                continue
            if value and not value.startswith(("data:", "#")) and tag != "script":
                self.problems.append(f"<{tag} {name}={value[:80]!r}> loads a resource")
        style = values.get("style", "")
        for m in _CSS_URL.finditer(style):
            self.problems.append(f"style attribute loads {(m.group(1) or m.group(2))[:80]!r}")
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            for m in _CSS_URL.finditer(data):
                self.problems.append(f"stylesheet loads {(m.group(1) or m.group(2))[:80]!r}")


def offline_problems(page: str, forbidden: Sequence[str] = ()) -> list[str]:
    """Why `page` is not self-contained: resource loads, and any `forbidden` text in it."""
    scan = _ResourceScan()
    scan.feed(page)
    scan.close()
    problems = list(dict.fromkeys(scan.problems))
    for text in forbidden:
        if text and text in page:
            problems.append(f"contains the absolute path {text!r}")
    return problems


def private_paths(extra: Sequence[str | os.PathLike[str]] = ()) -> list[str]:
    """Absolute paths of this machine that no report may contain."""
    out = {str(P.PROJECT_ROOT), str(P.PROJECT_ROOT.resolve())}
    home = os.path.expanduser("~")
    if home.count("/") >= 2:
        out.add(home)
    for p in extra:
        s = str(p).rstrip("/")
        if s.count("/") >= 2:
            out.add(s)
    return sorted(out, key=len, reverse=True)


# --------------------------------------------------------------------------- one notebook


def _first_line(source: str) -> str:
    for line in source.splitlines():
        if line.strip():
            return line.strip()[:100]
    return ""


def run_notebook(job: dict[str, Any]) -> NotebookResult:
    """Execute one notebook with papermill and export it; runs in a worker process."""
    import nbformat
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    src, work = Path(job["src"]), Path(job["work"])
    name = src.stem
    executed = work / f"{name}.ipynb"
    t0 = time.perf_counter()
    env_before = os.environ.get("SIEGEWATCH_REPORT")
    os.environ["SIEGEWATCH_REPORT"] = "1"
    # The kernel inherits this process's stderr: send its chatter to a log kept on failure.
    log = open(work / f"{name}.kernel.log", "ab")  # closed in finally
    saved_fd = os.dup(2)
    os.dup2(log.fileno(), 2)
    try:
        for attempt in (1, 2):
            try:
                pm.execute_notebook(
                    str(src), str(executed), parameters=job["parameters"],
                    kernel_name=job["kernel"], cwd=str(src.parent), progress_bar=False,
                    log_output=False, request_save_on_cell_execute=False,
                    execution_timeout=job["timeout"],
                )
                break
            except PapermillExecutionError as exc:
                where = f"cell {exc.cell_index}"
                line = _first_line(exc.source or "")
                if line:
                    where += f" ({line})"
                evalue = " ".join(str(exc.evalue).split())[:300]
                return NotebookResult(
                    name, "failed", time.perf_counter() - t0,
                    error=f"{where}: {exc.ename}: {evalue}",
                )
            except Exception as exc:  # the kernel did not start or died: retry once
                if attempt == 2:
                    return NotebookResult(
                        name, "failed", time.perf_counter() - t0,
                        error=f"the kernel failed: {type(exc).__name__}: {exc}",
                    )
    finally:
        os.dup2(saved_fd, 2)
        os.close(saved_fd)
        log.close()
        if env_before is None:
            os.environ.pop("SIEGEWATCH_REPORT", None)
        else:
            os.environ["SIEGEWATCH_REPORT"] = env_before
    nb = nbformat.read(executed, as_version=4)
    title = notebook_title(nb, name)
    page, n_charts = export_html(nb, title, job["footer"])
    page = scrub_paths(page, job["scrub"])
    problems = offline_problems(page, job["forbidden"])
    (work / f"{name}.html").write_text(page, encoding="utf-8")
    executed.unlink()
    (work / f"{name}.kernel.log").unlink(missing_ok=True)
    seconds = time.perf_counter() - t0
    if problems:
        return NotebookResult(
            name, "failed", seconds, title, n_charts,
            error="the HTML is not self-contained: " + "; ".join(problems[:3]),
            problems=problems,
        )
    return NotebookResult(name, "done", seconds, title, n_charts)


# --------------------------------------------------------------------------- progress


class Progress:
    """One line per notebook: waiting, running, done or failed, with seconds."""

    def __init__(self, names: Sequence[str], out: TextIO | None = None) -> None:
        self.out = out if out is not None else sys.stderr
        self.names = list(names)
        self.state = {n: "waiting" for n in names}
        self.started: dict[str, float] = {}
        self.seconds: dict[str, float] = {}
        self.width = max((len(n) for n in names), default=0)
        self.live = hasattr(self.out, "isatty") and self.out.isatty()
        self._drawn = False

    def _line(self, name: str) -> str:
        state = self.state[name]
        secs = self.seconds.get(name)
        if secs is None and name in self.started:
            secs = time.perf_counter() - self.started[name]
        shown = state in ("done", "failed") or (self.live and state == "running")
        tail = f"{secs:6.1f} s" if secs is not None and shown else ""
        return f"  {name.ljust(self.width)}  {state:<8} {tail}".rstrip()

    def update(self, name: str, state: str, seconds: float | None = None) -> None:
        self.state[name] = state
        if state == "running":
            self.started[name] = time.perf_counter()
        if seconds is not None:
            self.seconds[name] = seconds
        if self.live:
            self.redraw()
        elif state != "waiting":
            print(self._line(name), file=self.out, flush=True)

    def redraw(self) -> None:
        if not self.live:
            return
        if self._drawn:
            self.out.write(f"\x1b[{len(self.names)}F")
        for n in self.names:
            self.out.write("\x1b[2K" + self._line(n) + "\n")
        self.out.flush()
        self._drawn = True


# --------------------------------------------------------------------------- the run


def _swap_in(work: Path, out: Path) -> None:
    """Replace `out` by `work` (two renames on the same file system), then drop the old one."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(work, 0o777 & ~umask)  # mkdtemp made it private
    old = None
    if out.exists():
        old = out.parent / f".{out.name}.old-{os.getpid()}-{time.time_ns()}"
        out.rename(old)
    work.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _index_html(run: ReportRun, summary: dict[str, Any]) -> str:
    e = html.escape
    rows = []
    for r in run.results:
        rows.append(
            f'<li><a href="{e(r.name)}.html">{e(r.title or r.name)}</a>'
            f' <span class="meta">{e(r.name)}.html · {r.n_charts} chart'
            f'{"" if r.n_charts == 1 else "s"} · {r.seconds:.1f} s</span></li>'
        )
    prow = []
    for k, v in run.parameters.items():
        if isinstance(v, (list, tuple)):
            v = ", ".join(map(str, v)) if v else "(all)"
        elif v is None:
            v = "(default)"
        prow.append(f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>")
    facts = [
        ("corpus fingerprint", run.fingerprint),
        ("run at", run.started),
        ("files", summary.get("files", "")),
        ("unique articles", summary.get("unique_articles", "")),
        ("duplicates set aside", summary.get("duplicates", "")),
        ("siegewatch", _version()),
    ]
    frow = [f"<tr><th>{e(k)}</th><td><code>{e(str(v))}</code></td></tr>" for k, v in facts]
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>siegewatch reports</title>
<style>{PAGE_CSS}
ul.reports {{ padding-left: 1.2em; }} ul.reports li {{ margin: .4em 0; font-size: 1.1em; }}
.meta {{ color: #5b6576; font-size: .85em; }}
</style>
</head>
<body>
<main class="report">
<h1>siegewatch reports</h1>
<ul class="reports" id="reports">
{chr(10).join(rows)}
</ul>
<h2>Parameters</h2>
<table id="parameters">
{chr(10).join(prow)}
</table>
<h2>Run</h2>
<table id="run">
{chr(10).join(frow)}
</table>
</main>
</body>
</html>
"""


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("siegewatch")
    except Exception:  # pragma: no cover - not installed as a distribution
        return "unknown"


def build_reports(
    out: str | os.PathLike[str],
    params: Any,
    *,
    notebooks_dir: str | os.PathLike[str] | None = None,
    workers: int | None = None,
    kernel: str = KERNEL,
    timeout: int | None = CELL_TIMEOUT,
    progress_out: TextIO | None = None,
    open_corpus: Callable[..., Any] | None = None,
) -> ReportRun:
    """Execute every notebook with `params` and write the HTML reports and index into `out`.

    Raises `ReportFailed` (the earlier contents of `out` left in place) if any notebook fails.
    """
    from siegewatch import pipeline

    t0 = time.perf_counter()
    out = Path(out).absolute()
    notebooks = find_notebooks(notebooks_dir or P.NOTEBOOKS_DIR)
    if not notebooks:
        raise FileNotFoundError(f"{notebooks_dir or P.NOTEBOOKS_DIR}: no notebooks to run")
    # Open the corpus once first: it checks the path, fills the table cache the notebooks
    # read, and gives the fingerprint for the index.
    opener = open_corpus or pipeline.open_corpus
    corpus = opener(params.corpus, gazetteer=params.gazetteer)
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    fingerprint = corpus.fingerprint
    out.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out.name}.build-", dir=out.parent))
    scrub = [P.PROJECT_ROOT, P.PROJECT_ROOT.resolve(), Path.cwd(), out.parent, work]
    for p in (params.corpus, params.gazetteer):
        if p:
            scrub += [Path(p).parent, Path(p).resolve().parent]
    footer = f"siegewatch {_version()} · corpus {fingerprint} · run at {started}"
    jobs = [
        {
            "src": str(nb.resolve()), "work": str(work), "parameters": papermill_parameters(params),
            "kernel": kernel, "timeout": timeout, "footer": footer,
            "scrub": [str(s) for s in scrub], "forbidden": private_paths([work, out]),
        }
        for nb in notebooks
    ]
    rendering.embed_bundle()  # fail early if the bundle cannot be inlined
    n_workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    progress = Progress([Path(j["src"]).stem for j in jobs], progress_out)
    progress.redraw()
    results: dict[str, NotebookResult] = {}
    try:
        with ProcessPoolExecutor(max_workers=n_workers) as pool:
            pending: dict[Future[NotebookResult], str] = {}
            queue = list(jobs)
            while queue or pending:
                while queue and len(pending) < n_workers:
                    job = queue.pop(0)
                    name = Path(job["src"]).stem
                    pending[pool.submit(run_notebook, job)] = name
                    progress.update(name, "running")
                done, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for fut in done:
                    name = pending.pop(fut)
                    try:
                        res = fut.result()
                    except Exception as exc:  # a worker process died
                        res = NotebookResult(name, "failed", 0.0, error=f"{exc}")
                    results[name] = res
                    progress.update(name, res.status, res.seconds)
                progress.redraw()
        ordered = [results[Path(j["src"]).stem] for j in jobs]
        failed = [r for r in ordered if r.status != "done"]
        parameters = params.as_dict()
        run = ReportRun(out, ordered, fingerprint, parameters, started, time.perf_counter() - t0)
        if failed:
            kept = _keep_failed(work, out, failed)
            lines = [
                f"{len(failed)} of {len(ordered)} notebooks failed; "
                f"{_shown(out)} was left as it was:"
            ]
            for r in failed:
                where = f" (executed notebook kept in {kept[r.name]})" if r.name in kept else ""
                lines.append(f"  {r.name}: {r.error}{where}")
            raise ReportFailed("\n".join(lines))
        (work / "index.html").write_text(_index_html(run, corpus.summary()), encoding="utf-8")
        _swap_in(work, out)
        run.seconds = time.perf_counter() - t0
        return run
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)


def _shown(path: Path) -> str:
    """`path` relative to the working folder when it is below it, for messages."""
    rel = os.path.relpath(path)
    return path.as_posix() if rel.startswith("..") else rel


def _keep_failed(work: Path, out: Path, failed: Sequence[NotebookResult]) -> dict[str, str]:
    """Move the executed notebooks of failed runs to `out/failed/`; their display paths."""
    dest = out / "failed"
    if dest.exists():
        shutil.rmtree(dest)
    kept: dict[str, str] = {}
    for r in failed:
        for suffix in (".ipynb", ".html", ".kernel.log"):
            src = work / f"{r.name}{suffix}"
            if src.exists():
                dest.mkdir(parents=True, exist_ok=True)
                shutil.move(str(src), dest / src.name)
                if suffix == ".ipynb" or r.name not in kept:
                    kept[r.name] = _shown(dest / src.name)
    return kept
