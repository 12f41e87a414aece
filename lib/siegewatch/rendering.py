"""Offline chart rendering: altair charts stored as Vega-Lite specs, drawn with no network.

`enable()` switches altair to a renderer whose output is the chart's Vega-Lite spec under a
mimetype nbformat accepts and JupyterLab draws interactively. The HTML reports turn each such
output into a `<div>` and a `<script>` calling the global `vegaEmbed` (`chart_html`), and put
the vega-embed bundle shipped by vl-convert in the page once (`embed_bundle`), so every chart
renders from a file with no request to any host.

Why not altair's own renderers: its `html` renderer loads vega from a CDN (or, inlined, draws
only the first chart of a page), and its `mimetype` renderer writes
`application/vnd.vegalite.v6.json`, which nbformat rejects because the name lacks `+json`.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

# JupyterLab 4 draws Vega-Lite with its bundled vega5 extension, which knows this mimetype
# (rank 57); nbformat keeps `+json` mimetypes as JSON objects.
MIMETYPE = "application/vnd.vegalite.v5+json"
RENDERER = "siegewatch"
EMBED_OPTIONS: dict[str, Any] = {"actions": False, "renderer": "svg"}

_SCRIPT_UNSAFE = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def script_json(value: Any) -> str:
    """`value` as JSON that is safe inside an HTML `<script>`: no `</`, `<!--`, U+2028/2029."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=True, separators=(",", ":"))
    return text.translate(_SCRIPT_UNSAFE)


def renderer(spec: dict[str, Any], **metadata: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The altair renderer: the Vega-Lite spec as a mimebundle, with a plain-text fallback."""
    options = {**EMBED_OPTIONS, **(metadata.get("embed_options") or {})}
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(map(str, title))
    label = f"<chart: {title}>" if title else "<chart>"
    data = {MIMETYPE: spec, "text/plain": label}
    return data, {MIMETYPE: {"embed_options": options}}


def enable() -> None:
    """Register and enable the offline renderer for altair charts in this Python process."""
    import altair as alt

    if RENDERER not in alt.renderers.names():
        alt.renderers.register(RENDERER, renderer)
    alt.renderers.enable(RENDERER)


def chart_html(spec: dict[str, Any], element_id: str, options: dict[str, Any] | None = None) -> str:
    """A `<div>` and a `<script>` drawing `spec` into it with the page's global `vegaEmbed`.

    The div gets `data-rendered="true"` once drawn; a failure is written into the div as text,
    so a broken chart is visible instead of blank.
    """
    opts = {**EMBED_OPTIONS, **(options or {})}
    eid = script_json(element_id)
    return (
        f'<div class="siegewatch-chart" id="{_attr(element_id)}"></div>\n'
        "<script>\n(function () {\n"
        f"  var el = document.getElementById({eid});\n"
        f"  var spec = {script_json(spec)};\n"
        f"  var opts = {script_json(opts)};\n"
        '  if (typeof window.vegaEmbed !== "function") {\n'
        '    el.textContent = "This chart cannot be drawn: the vega-embed bundle is missing.";\n'
        '    el.setAttribute("data-error", "no vegaEmbed");\n'
        "    return;\n  }\n"
        "  window.vegaEmbed(el, spec, opts).then(function (result) {\n"
        '    el.setAttribute("data-rendered", "true");\n'
        "    (window.siegewatchViews = window.siegewatchViews || []).push(result.view);\n"
        "  }).catch(function (err) {\n"
        '    el.setAttribute("data-error", String(err));\n'
        '    el.textContent = "This chart could not be drawn: " + err;\n'
        "  });\n})();\n</script>"
    )


def _attr(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def _vegalite_version() -> str | None:
    """The vl-convert Vega-Lite version matching altair's schema (e.g. '6.4'), if shipped."""
    import altair as alt
    import vl_convert as vlc

    want = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    versions = getattr(vlc, "get_vegalite_versions", lambda: [])()
    return want if want in versions else None


@functools.lru_cache(maxsize=1)
def embed_bundle() -> str:
    """The vega-embed + vega-lite + vega JavaScript bundle (~0.9 MB), to inline in a page once.

    It defines the globals `vegaEmbed`, `vega` and `vegaLite` and loads nothing from a network.
    """
    from importlib.metadata import version

    key = f"vlc{version('vl-convert-python')}-altair{version('altair')}"
    cache = _bundle_cache(f"vega-embed-{key}.js")
    bundle = cache.read_text(encoding="utf-8") if cache is not None and cache.is_file() else ""
    if "window.vegaEmbed=" not in bundle:  # missing or damaged cache
        import vl_convert as vlc

        bundle = vlc.javascript_bundle(vl_version=_vegalite_version())  # 1.5 s+: cache it
        _write_cache(cache, bundle)
    lowered = bundle.lower()
    if "</script" in lowered or "<!--" in lowered:
        raise RuntimeError(
            "the vega-embed bundle from vl-convert contains '</script' or '<!--' and cannot be "
            "inlined in a <script> element; pin another vl-convert-python version"
        )
    return bundle


def _bundle_cache(name: str) -> Path | None:
    from siegewatch import paths as P

    return P.PROCESSED_DIR / "vendor" / name


def _write_cache(path: Path | None, text: str) -> None:
    """Write `text` to `path` atomically; a read-only data folder only costs the speed-up."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        pass


def bundle_script() -> str:
    """The `<script>` element that defines `vegaEmbed` for every chart of a page."""
    return f'<script id="siegewatch-vega-embed">\n{embed_bundle()}\n</script>'
