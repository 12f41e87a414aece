"""The built reports in Debian's headless Chromium, with no network: charts draw, tooltips and
selections work, nothing is requested from any host, and corpus text never runs as script.

Chromium is driven over the DevTools protocol by playwright (`executable_path=/usr/bin/chromium`;
no browser is downloaded). `make browser` installs chromium; without it these tests skip, except
in CI (`CI=true`) where a missing chromium fails. Screenshots go to the test's temporary folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
FIXTURE_NOTEBOOKS = ROOT / "tests" / "fixtures" / "notebooks"
HOSTILE = ROOT / "tests" / "fixtures" / "hostile_markup"
REAL_NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CHROMIUM = os.environ.get("SIEGEWATCH_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    # no network at all: every host name fails to resolve
    "--host-resolver-rules=MAP * ~NOTFOUND",
]
HOSTILE_TEXTS = [
    "<script>window.__pwned=1;alert(1)</script>",
    '<img src=x onerror="window.__pwned=3;alert(3)">',
]

# Count the items each chart drew (SVG renderer: one element per item of a user mark).
COUNT_MARKS = """() => Array.from(document.querySelectorAll('.siegewatch-chart')).map(el => ({
  id: el.id,
  rendered: el.getAttribute('data-rendered'),
  error: el.getAttribute('data-error'),
  marks: el.querySelectorAll('svg g.role-mark > *').length,
}))"""


def _chromium_or_skip() -> str:
    if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    found = shutil.which("chromium")
    if found:
        return found
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"chromium is missing at {CHROMIUM}; run `make browser` in CI")
    pytest.skip("chromium is not installed (run `make browser`)")


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory):
    exe = _chromium_or_skip()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI", "").lower() == "true":
            raise
        pytest.skip("playwright is not installed (pip install -e '.[dev]')")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(
            str(profile), executable_path=exe, headless=True, args=ARGS,
            viewport={"width": 1280, "height": 900},
        )
        requests: list[str] = []
        ctx.on("request", lambda r: requests.append(r.url))

        def block(route):  # anything that is not a local file or inline data never leaves
            requests.append(route.request.url)
            route.abort()

        ctx.route(lambda url: not url.startswith(("file:", "data:")), block)
        ctx.requests = requests  # type: ignore[attr-defined]
        yield ctx
        ctx.close()


def _build(tmp: Path, corpus: Path, notebooks: Path | None, *extra: str) -> Path:
    out = tmp / "reports"
    args = [sys.executable, "-m", "siegewatch", "report", str(corpus), "--out", str(out), *extra]
    if notebooks is not None:
        args += ["--notebooks", str(notebooks)]
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def fixture_reports(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("browser-fixture"), HOSTILE, FIXTURE_NOTEBOOKS,
                  "-p", "factions=ISIS,Hezbollah")


@pytest.fixture(scope="module")
def real_reports(tmp_path_factory):
    if len(REAL_NOTEBOOKS) < 5:
        pytest.skip("notebooks/ does not hold the five notebooks yet")
    return _build(tmp_path_factory.mktemp("browser-real"), ROOT / "data" / "raw", None,
                  "-p", "start=2016-10-01", "-p", "end=2016-12-31", "-p", "factions=ISIS,Hezbollah")


@pytest.fixture(scope="module")
def real_hostile_reports(tmp_path_factory):
    if len(REAL_NOTEBOOKS) < 5:
        pytest.skip("notebooks/ does not hold the five notebooks yet")
    return _build(tmp_path_factory.mktemp("browser-real-hostile"), HOSTILE, None)


def open_page(ctx, path: Path, shots: Path):
    """Open `path`, wait for every chart to draw or fail; return the page, marks, dialogs."""
    page = ctx.new_page()
    dialogs: list[str] = []
    errors: list[str] = []

    def on_dialog(d):
        dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda e: errors.append(str(e)))
    before = len(ctx.requests)
    page.goto(path.as_uri())
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.siegewatch-chart'))"
        ".every(el => el.hasAttribute('data-rendered') || el.hasAttribute('data-error'))",
        timeout=30_000,
    )
    charts = page.evaluate(COUNT_MARKS)
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"{path.stem}.png"), full_page=True)
    return page, charts, dialogs, errors, ctx.requests[before:]


def check_offline_page(ctx, path: Path, shots: Path, *, marks_required: bool = True) -> tuple:
    page, charts, dialogs, errors, requests = open_page(ctx, path, shots)
    outside = [u for u in requests if not u.startswith(("file:", "data:"))]
    assert outside == [], f"{path.name} requested {outside}"
    assert dialogs == [], f"{path.name} opened a dialog: {dialogs}"
    assert page.evaluate("window.__pwned") is None, f"{path.name}: corpus text ran as script"
    assert errors == [], f"{path.name}: script errors {errors}"
    for c in charts:
        assert c["rendered"] == "true" and not c["error"], f"{path.name}: {c}"
        if marks_required:
            assert c["marks"] > 0, f"{path.name}: chart {c['id']} drew nothing"
    return page, charts


# --------------------------------------------------------------------------- fixture notebooks


def test_fixture_reports_draw_offline_and_show_hostile_text_as_text(browser_context,
                                                                    fixture_reports, tmp_path):
    pages = sorted(fixture_reports.glob("*.html"))
    assert [p.name for p in pages] == ["01_charts.html", "02_summary.html", "index.html"]
    for path in pages:
        page, charts = check_offline_page(browser_context, path, tmp_path / "shots")
        if path.stem == "01_charts":
            assert len(charts) == 2
            body = page.inner_text("body")
            for text in HOSTILE_TEXTS:
                assert text in body, f"{text!r} is not shown literally"
        page.close()


def test_tooltip_shows_corpus_text_literally_and_click_selects(browser_context, fixture_reports,
                                                               tmp_path):
    page, charts, dialogs, _, _ = open_page(
        browser_context, fixture_reports / "01_charts.html", tmp_path / "shots")
    bars = page.locator("#" + charts[0]["id"] + " g.role-mark path")
    assert bars.count() == 2
    bars.first.hover()
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5_000)
    shown = tooltip.inner_text()
    assert "window.__pwned" in shown and "<" in shown, shown  # the title, as text
    assert page.evaluate("window.__pwned") is None and dialogs == []
    # a click fills the point selection 'pick' and dims the other bar
    bars.first.click()
    stored = page.evaluate("window.siegewatchViews[0].data('pick_store').length")
    assert stored == 1
    opacities = (
        f"Array.from(document.querySelectorAll('#{charts[0]['id']} g.role-mark path'))"
        ".map(p => p.getAttribute('opacity') || '1')"
    )
    page.wait_for_function(f"() => new Set(({opacities})).size === 2", timeout=5_000)
    assert sorted(page.evaluate(opacities)) == ["0.3", "1"]
    page.screenshot(path=str(tmp_path / "shots" / "01_charts-selected.png"))
    page.close()


# --------------------------------------------------------------------------- the real notebooks


@pytest.mark.slow
def test_real_reports_draw_every_chart_offline(browser_context, real_reports, tmp_path):
    pages = sorted(real_reports.glob("*.html"))
    assert len(pages) == 6
    total = 0
    for path in pages:
        page, charts = check_offline_page(browser_context, path, tmp_path / "shots")
        total += len(charts)
        page.close()
    assert total >= 5


@pytest.mark.slow
def test_real_reports_on_hostile_corpus_run_no_corpus_script(browser_context,
                                                             real_hostile_reports, tmp_path):
    shown = ""
    for path in sorted(real_hostile_reports.glob("*.html")):
        page, _ = check_offline_page(browser_context, path, tmp_path / "shots",
                                     marks_required=False)
        shown += page.inner_text("body")
        page.close()
    assert any(t in shown for t in HOSTILE_TEXTS), "the hostile titles should appear as text"
