"""Notebook and report parameters: one definition, validated before any work is done.

Every notebook opens with a cell tagged `parameters` assigning the names in `PARAMETERS`;
papermill (and `siegewatch report -p NAME=VALUE`) may pass any of them as strings, so
`validate` accepts strings for dates and lists ("ISIS,Hezbollah" or a JSON list) and raises
`ParameterError` with one sentence for anything it cannot use, naming the closest known value.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from siegewatch import paths as P


class ParameterError(ValueError):
    """A notebook or report parameter that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Parameter:
    name: str
    default: Any
    help: str


PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in (
        Parameter("corpus", None, "corpus file or folder (default: the bundled data/raw)"),
        Parameter("start", None, "first day of the window, YYYY-MM-DD (default: no limit)"),
        Parameter("end", None, "last day of the window, YYYY-MM-DD, inclusive (default: no limit)"),
        Parameter("freq", "M", "time step of the charts: D (day), W (week) or M (month)"),
        Parameter("factions", [], "actors to highlight: canonical names or aliases"),
        Parameter("outlets", [], "only articles from these outlets (default: all)"),
        Parameter("gazetteer", None, "actors CSV to use instead of data/gazetteer/actors.csv"),
        Parameter("title", None, "title shown at the top of each report"),
    )
}
FREQS = {"D": "day", "W": "week", "M": "month"}


@dataclass(frozen=True)
class Params:
    """Validated parameters: resolved paths, parsed dates, canonical faction names."""

    corpus: Path | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    freq: str = "M"
    factions: tuple[str, ...] = ()
    outlets: tuple[str, ...] = ()
    gazetteer: Path | None = None
    title: str | None = None
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def corpus_label(self) -> str:
        """The corpus as shown in reports: relative to the project, never an absolute path."""
        return display_path(self.corpus or P.RAW_DIR)

    def as_dict(self, absolute: bool = False) -> dict[str, Any]:
        """Parameters as plain values: paths shown relative for a report header or index page,
        or `absolute` for papermill's injected cell (the kernel may run from any folder)."""
        if absolute:
            corpus = str(self.corpus) if self.corpus else None
            gazetteer = str(self.gazetteer) if self.gazetteer else None
        else:
            corpus = self.corpus_label
            gazetteer = display_path(self.gazetteer) if self.gazetteer else None
        return {
            "corpus": corpus,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "freq": self.freq,
            "factions": list(self.factions),
            "outlets": list(self.outlets),
            "gazetteer": gazetteer,
            "title": self.title,
        }


def display_path(path: str | os.PathLike[str]) -> str:
    """`path` relative to the project (or the working folder), else only its name."""
    p = Path(path).resolve()
    for base in (P.PROJECT_ROOT, Path.cwd()):
        try:
            return p.relative_to(base.resolve()).as_posix() or "."
        except ValueError:
            continue
    return p.name


def closest(name: str, known: Iterable[str], n: int = 3) -> list[str]:
    """The known names closest to `name` (case-insensitive), best first."""
    known = list(dict.fromkeys(known))
    lower = {k.lower(): k for k in known}
    hits = difflib.get_close_matches(name.lower(), list(lower), n=n, cutoff=0.5)
    return [lower[h] for h in hits]


def _suggest(name: str, known: Iterable[str]) -> str:
    hits = closest(name, known)
    if not hits:
        return ""
    return "; did you mean " + " or ".join(f"'{h}'" for h in hits) + "?"


def check_names(names: Iterable[str]) -> None:
    """Raise `ParameterError` for the first name that is not a known parameter."""
    for name in names:
        if name not in PARAMETERS:
            hint = _suggest(name, PARAMETERS) or (
                "; known parameters are " + ", ".join(PARAMETERS)
            )
            raise ParameterError(f"unknown parameter '{name}'{hint}")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in ("", "none"))


def parse_list(name: str, value: Any) -> tuple[str, ...]:
    """A list parameter from a list, a comma-separated string or a JSON list string."""
    if _blank(value):
        return ()
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                raise ParameterError(
                    f"parameter '{name}' is not a valid JSON list ({text!r}); "
                    "write it as a comma-separated list such as ISIS,Hezbollah"
                ) from None
        else:
            value = text.split(",")
    if not isinstance(value, Sequence) or isinstance(value, (bytes, str)):
        raise ParameterError(
            f"parameter '{name}' must be a list of names or a comma-separated string, "
            f"not {type(value).__name__}"
        )
    out = []
    for item in value:
        if not isinstance(item, str):
            raise ParameterError(f"parameter '{name}' must list names, not {item!r}")
        if item.strip():
            out.append(item.strip())
    return tuple(dict.fromkeys(out))


def parse_date(name: str, value: Any) -> dt.date | None:
    """An ISO date (YYYY-MM-DD) from a string or a date."""
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ParameterError(
        f"parameter '{name}' is not a date: {value!r}; write it as YYYY-MM-DD, e.g. 2016-10-01"
    )


def parse_freq(value: Any) -> str:
    """D, W or M (any case); the time step of every chart over time."""
    if _blank(value):
        return "M"
    text = str(value).strip().upper()
    if text in ("MS", "ME"):
        text = "M"
    if text not in FREQS:
        raise ParameterError(
            f"parameter 'freq' must be D (day), W (week) or M (month), not {value!r}"
        )
    return text


def resolve_path(name: str, value: Any, *, folder: bool) -> Path | None:
    """An existing file or folder, relative to the working folder or the project."""
    if _blank(value):
        return None
    raw = Path(os.path.expanduser(str(value).strip()))
    candidates = [raw] if raw.is_absolute() else [Path.cwd() / raw, P.PROJECT_ROOT / raw]
    for c in candidates:
        if c.exists():
            if not folder and not c.is_file():
                raise ParameterError(f"parameter '{name}' must be a CSV file, not a folder: {raw}")
            return c.resolve()
    what = "corpus folder or file" if folder else "file"
    raise ParameterError(
        f"parameter '{name}': the {what} '{raw}' does not exist; give a path relative to the "
        "project or an absolute one"
    )


def known_factions(gazetteer: Path) -> dict[str, str]:
    """Lower-cased canonical names and aliases of a gazetteer CSV → canonical names."""
    with open(gazetteer, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        cols = {c.strip().lower(): c for c in reader.fieldnames or []}
        canon = next((cols[c] for c in ("actor", "canonical", "name") if c in cols), None)
        alias = next((cols[c] for c in ("alias", "aliases", "surface") if c in cols), None)
        if canon is None:
            raise ParameterError(
                f"{display_path(gazetteer)}: no 'actor' column, so factions cannot be checked; "
                "add a header line naming the columns actor,bloc,alias"
            )
        out: dict[str, str] = {}
        for row in reader:
            name = (row.get(canon) or "").strip()
            if not name:
                continue
            out.setdefault(name.lower(), name)
            if alias:
                for a in (row.get(alias) or "").split("|"):
                    if a.strip():
                        out.setdefault(a.strip().lower(), name)
    return out


def resolve_factions(names: Sequence[str], gazetteer: Path | None) -> tuple[tuple[str, ...], str]:
    """Canonical names for `names`, and a warning when no gazetteer exists to check them."""
    if not names:
        return (), ""
    path = gazetteer or P.GAZETTEER
    try:
        from siegewatch import actors

        resolver = getattr(actors, "resolve_factions", None)
    except ImportError:  # pragma: no cover - actors is part of the package
        resolver = None
    if resolver is not None and path.exists():
        try:
            resolved = resolver(list(names), str(path))
        except ValueError as exc:
            raise ParameterError(str(exc).rstrip(".")) from None
        return tuple(dict.fromkeys(resolved)), ""
    if not path.exists():
        return tuple(names), (
            f"no gazetteer at {display_path(path)}, so the factions {', '.join(names)} were "
            "not checked"
        )
    known = known_factions(path)
    out = []
    for n in names:
        if n.lower() not in known:
            hint = _suggest(n, sorted(set(known.values()))) or _suggest(n, known)
            raise ParameterError(
                f"unknown faction '{n}'"
                + (hint or f"; see {display_path(path)} for the known actors")
            )
        out.append(known[n.lower()])
    return tuple(dict.fromkeys(out)), ""


def validate(**raw: Any) -> Params:
    """Check and parse notebook parameters (any subset of `PARAMETERS`, strings allowed)."""
    check_names(raw)
    values = {name: raw.get(name, p.default) for name, p in PARAMETERS.items()}
    corpus = resolve_path("corpus", values["corpus"], folder=True)
    gazetteer = resolve_path("gazetteer", values["gazetteer"], folder=False)
    start = parse_date("start", values["start"])
    end = parse_date("end", values["end"])
    if start and end and start > end:
        raise ParameterError(
            f"the start date {start.isoformat()} is after the end date {end.isoformat()}; "
            "swap them or widen the window"
        )
    freq = parse_freq(values["freq"])
    factions, warning = resolve_factions(parse_list("factions", values["factions"]), gazetteer)
    outlets = parse_list("outlets", values["outlets"])
    title = None if _blank(values["title"]) else str(values["title"]).strip()
    return Params(
        corpus=corpus, start=start, end=end, freq=freq, factions=factions, outlets=outlets,
        gazetteer=gazetteer, title=title, warnings=(warning,) if warning else (),
    )


def from_pairs(pairs: Iterable[str]) -> Params:
    """Validate `NAME=VALUE` strings as given to `siegewatch report -p`."""
    raw: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ParameterError(f"parameter {pair!r} must be written NAME=VALUE, e.g. freq=W")
        raw[name.strip()] = value
    return validate(**raw)


def defaults() -> Mapping[str, Any]:
    """Each parameter's default value."""
    return {name: p.default for name, p in PARAMETERS.items()}
