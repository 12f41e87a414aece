"""Actors: the gazetteer of armed groups and powers, and the `mentions` table built from it.

The gazetteer (`data/gazetteer/actors.csv`, editable, or the analyst's own file) lists one alias
per row with its canonical actor, bloc, flags and context. Matching is one pass over the
document text for every alias (Hyperscan when importable, else an Aho-Corasick automaton; both
give the same candidate set), then one cheap post-pass shared by both: exact-case check,
word boundaries, longest-leftmost without overlaps, then the reading rules of docs/actors.md
(context of generic references, place names after locatives, a generic word describing the
named group before it, a parenthesised repeat of the same actor).
"""

from __future__ import annotations

import csv
import difflib
import os
import re
import threading
import warnings
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import product
from pathlib import Path
from typing import Any

from siegewatch import paths
from siegewatch.loading import Document
from siegewatch.matching import choose_matcher
from siegewatch.segmenting import Segmentation
from siegewatch.sentences import BlockSentences, LineIndex, SentenceIndex

REQUIRED_COLUMNS = ("actor", "bloc", "alias")
FLAGS = {
    "case": "match the alias with exactly this capitalisation (short acronyms: IS, SAA, US)",
    "generic": "a common noun (army, regime, rebels): counts only in an article of its context",
    "place": "also a place name: not counted after a locative word (in, near, from, ...)",
    "ignore": "a phrase that contains an alias but is not the actor (Russia Today)",
}
# Blocks whose text is searched: the headline, the article body and first-time photo captions.
SEARCHED_ROLES = ("title", "body", "heading", "caption")
_MAX_VARIANT_SEPARATORS = 6
_APOSTROPHES = ("'", "\u2019")


class GazetteerError(ValueError):
    """A gazetteer CSV that cannot be used; the message names the file, line and fix."""


class UnknownFactionError(GazetteerError):
    """A faction name that is neither a canonical actor nor an alias of the gazetteer."""


class GazetteerWarning(UserWarning):
    """A gazetteer row that is redundant but harmless (the same alias twice for one actor)."""


@dataclass(frozen=True)
class Alias:
    """One gazetteer row."""

    actor: str
    bloc: str
    alias: str
    case: bool
    generic: bool
    place: bool
    ignore: bool
    context: str
    line: int
    note: str = ""


@dataclass
class Gazetteer:
    """A validated gazetteer: aliases, context cues and locative words, with its warnings."""

    path: str
    aliases: list[Alias]
    cues: dict[str, str]  # cue word (case-sensitive) -> context
    locatives: frozenset[str]
    warnings: list[str] = field(default_factory=list)

    def actors(self) -> dict[str, str]:
        """Canonical actor -> bloc, in file order."""
        out: dict[str, str] = {}
        for a in self.aliases:
            out.setdefault(a.actor, a.bloc)
        return out


# --------------------------------------------------------------------------- loading


def _fail(path: str | Path, line: int, problem: str, fix: str) -> GazetteerError:
    return GazetteerError(f"{path}, line {line}: {problem}; {fix}.")


def alias_key(alias: str, case: bool = False) -> str:
    """How two aliases are compared: ’ as ', hyphen as space, and lower case unless `case`."""
    key = alias.replace("\u2019", "'").replace("-", " ")
    key = " ".join(key.split())
    return key if case else key.lower()


def _read_rows(path: Path, required: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip() for h in (reader.fieldnames or [])]
            missing = [c for c in required if c not in header]
            if missing:
                raise _fail(
                    path, 1, f"missing required column(s) {', '.join(missing)}",
                    f"the header must name {', '.join(required)}",
                )
            rows = []
            for row in reader:
                clean = {(k or "").strip(): (v or "").strip() for k, v in row.items()
                         if isinstance(v, str) or v is None}
                if any(clean.values()):
                    rows.append((reader.line_num, clean))
            return rows
    except FileNotFoundError:
        raise GazetteerError(
            f"{path}: file not found; pass an existing CSV or omit it to use the bundled one."
        ) from None
    except UnicodeDecodeError as exc:
        raise GazetteerError(
            f"{path}: not UTF-8 text ({exc.reason}); save the file as UTF-8 CSV."
        ) from None
    except csv.Error as exc:
        raise GazetteerError(f"{path}: not a readable CSV ({exc}); fix the quoting.") from None


def _companion(path: Path, name: str) -> Path:
    """contexts.csv / locatives.csv next to the gazetteer, else the bundled ones."""
    near = path.parent / name
    return near if near.exists() else paths.GAZETTEER.parent / name


def _load_cues(path: Path) -> dict[str, str]:
    cues: dict[str, str] = {}
    for line, row in _read_rows(path, ("context", "cue")):
        ctx, cue = row["context"].lower(), row["cue"]
        if not ctx or not cue:
            raise _fail(path, line, "empty context or cue", "fill both cells or delete the row")
        if cues.get(cue, ctx) != ctx:
            raise _fail(path, line, f"cue {cue!r} given to two contexts",
                        "keep it for one context only")
        cues[cue] = ctx
    return cues


def _load_locatives(path: Path) -> frozenset[str]:
    return frozenset(r["word"].lower() for _, r in _read_rows(path, ("word",)) if r["word"])


def _parse_flags(path: Path, line: int, text: str) -> set[str]:
    flags = {f.strip().lower() for f in text.replace(",", ";").split(";") if f.strip()}
    unknown = sorted(flags - set(FLAGS))
    if unknown:
        raise _fail(path, line, f"unknown flag {unknown[0]!r}",
                    f"use flags from {', '.join(FLAGS)}, separated by ';'")
    return flags


def _parse(path: Path) -> Gazetteer:
    cues = _load_cues(_companion(path, "contexts.csv"))
    contexts = set(cues.values())
    aliases: list[Alias] = []
    notes: list[str] = []
    seen: dict[str, list[Alias]] = {}
    blocs: dict[str, tuple[str, int]] = {}
    for line, row in _read_rows(path, REQUIRED_COLUMNS):
        actor, bloc, text = row["actor"], row["bloc"], row["alias"]
        if not text:
            raise _fail(path, line, "empty alias", "write the name as it appears in news text")
        if not actor or not bloc:
            raise _fail(path, line, f"alias {text!r} has no actor or bloc",
                        "fill the actor and bloc cells")
        flags = _parse_flags(path, line, row.get("flags", ""))
        context = row.get("context", "").lower()
        if context and context not in contexts:
            raise _fail(path, line, f"unknown context {context!r}",
                        f"use one of {', '.join(sorted(contexts))} or add its cues to contexts.csv")
        if "generic" in flags and not context:
            raise _fail(path, line, f"generic alias {text!r} has no context",
                        "give the context (e.g. syria) in which it names this actor")
        if actor in blocs and blocs[actor][0] != bloc:
            raise _fail(path, line, f"actor {actor!r} is in bloc {bloc!r} here but "
                        f"{blocs[actor][0]!r} on line {blocs[actor][1]}", "use one bloc per actor")
        blocs.setdefault(actor, (bloc, line))
        a = Alias(actor=actor, bloc=bloc, alias=text, case="case" in flags,
                  generic="generic" in flags, place="place" in flags,
                  ignore="ignore" in flags, context=context, line=line,
                  note=row.get("note", ""))
        key = alias_key(text, a.case)
        for other in seen.get(key, []):
            if other.actor == actor and other.context == context:
                msg = (f"{path}, line {line}: alias {text!r} repeats line {other.line} for "
                       f"{actor!r}; the row is redundant and can be deleted")
                notes.append(msg)
                warnings.warn(msg, GazetteerWarning, stacklevel=3)
                break
            if not (context and other.context and context != other.context):
                raise _fail(path, line, f"alias {text!r} is also given to {other.actor!r} on "
                            f"line {other.line}", "keep it for one actor, or give both rows "
                            "different contexts")
        else:
            seen.setdefault(key, []).append(a)
            aliases.append(a)
    if not aliases:
        raise _fail(path, 1, "no aliases", "add one row per alias under the header")
    locatives = _load_locatives(_companion(path, "locatives.csv"))
    return Gazetteer(path=str(path), aliases=aliases, cues=cues, locatives=locatives,
                     warnings=notes)


_GAZETTEERS: dict[tuple[int, int, int, int], Gazetteer] = {}


def _stamp(path: Path) -> tuple[int, int, int, int]:
    """Which file (device, inode) and which version (mtime, size) a gazetteer is.

    The companions' mtimes are folded in, so editing any of the three CSVs is seen. Plain
    `os.stat` calls (no `resolve`, no `exists` before each `stat`): this runs per document.
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise GazetteerError(
            f"{path}: file not found; pass an existing CSV or omit it to use the bundled one."
        ) from None
    extra = 0
    for name in ("contexts.csv", "locatives.csv"):
        for comp in (path.parent / name, paths.GAZETTEER.parent / name):  # as `_companion`
            try:
                extra ^= os.stat(comp).st_mtime_ns
                break
            except (FileNotFoundError, NotADirectoryError):
                continue
    return st.st_dev, st.st_ino, st.st_mtime_ns ^ extra, st.st_size


def load_gazetteer(path: str | Path | None = None) -> Gazetteer:
    """Read and validate a gazetteer CSV (default: the bundled one); cached by path + mtime."""
    p = Path(path) if path is not None else paths.GAZETTEER
    stamp = _stamp(p)
    gaz = _GAZETTEERS.get(stamp)
    if gaz is None:
        gaz = _parse(p)
        _GAZETTEERS[stamp] = gaz
    return gaz


def _as_gazetteer(gazetteer: Gazetteer | str | Path | None) -> Gazetteer:
    return gazetteer if isinstance(gazetteer, Gazetteer) else load_gazetteer(gazetteer)


# --------------------------------------------------------------------------- compiling


def variants(alias: str) -> list[str]:
    """Spellings matched for an alias: ' or ’ for each apostrophe, hyphen or space between words."""
    parts: list[str] = []
    opts: list[tuple[str, ...]] = []
    buf = ""
    for ch in alias:
        if ch in "'\u2019":
            parts.append(buf)
            opts.append(_APOSTROPHES)
            buf = ""
        elif ch in " -":
            parts.append(buf)
            opts.append((" ", "-") if len(opts) < _MAX_VARIANT_SEPARATORS else (ch,))
            buf = ""
        else:
            buf += ch
    parts.append(buf)
    out: list[str] = []
    for choice in product(*opts):
        s = parts[0] + "".join(c + p for c, p in zip(choice, parts[1:], strict=True))
        if s not in out:
            out.append(s)
    return out


@dataclass
class Compiled:
    """Literal patterns of a gazetteer ready for one-pass matching, and what each one means."""

    gazetteer: Gazetteer
    patterns: list[str]  # as matched: lower case unless case-sensitive
    case: list[bool]
    group: Any  # numpy array: pattern -> group
    groups: list[list[Alias]]  # alias rows sharing one spelling (contexts differ)
    word_edges: list[tuple[bool, bool]]  # pattern starts / ends with a word character
    _hs: Any = None
    _ac: Any = None
    _lengths: Any = None
    _left: Any = None
    _right: Any = None


_COMPILED: dict[int, Compiled] = {}
_THREAD = threading.local()
# Word characters for boundaries: ASCII letters, digits and underscore (what Hyperscan's \b
# uses without UCP), so both matchers agree on every text.
_WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def _word_bytes() -> Any:
    import numpy as np

    lut = np.zeros(256, dtype=bool)
    lut[[ord(c) for c in _WORD]] = True
    return lut


_WORD_BYTES: Any = _word_bytes()


def _is_word(ch: str) -> bool:
    return ch in _WORD


def compile_gazetteer(gazetteer: Gazetteer | str | Path | None = None) -> Compiled:
    """Literal patterns for every alias spelling, grouped by alias (cached per gazetteer)."""
    import numpy as np

    gaz = _as_gazetteer(gazetteer)
    cached = _COMPILED.get(id(gaz))
    if cached is not None and cached.gazetteer is gaz:
        return cached
    by_key: dict[tuple[str, bool], int] = {}
    groups: list[list[Alias]] = []
    for a in gaz.aliases:
        k = (alias_key(a.alias, a.case), a.case)
        if k not in by_key:
            by_key[k] = len(groups)
            groups.append([])
        groups[by_key[k]].append(a)
    patterns: list[str] = []
    case: list[bool] = []
    group: list[int] = []
    for (_, is_case), g in by_key.items():
        seen: set[str] = set()
        for v in variants(groups[g][0].alias):
            pat = v if is_case else v.lower()
            if pat not in seen:
                seen.add(pat)
                patterns.append(pat)
                case.append(is_case)
                group.append(g)
    edges = [(_is_word(p[0]), _is_word(p[-1])) for p in patterns]
    comp = Compiled(gaz, patterns, case, np.array(group, dtype=np.int64), groups, edges)
    _COMPILED[id(gaz)] = comp
    return comp




def _hs_db(comp: Compiled) -> Any:
    if comp._hs is None:
        import hyperscan as hs

        db = hs.Database(mode=hs.HS_MODE_BLOCK)
        db.compile(expressions=[p.encode("utf-8") for p in comp.patterns],
                   ids=list(range(len(comp.patterns))), elements=len(comp.patterns),
                   flags=[0 if c else hs.HS_FLAG_CASELESS for c in comp.case], literal=True)
        comp._hs = db
    # Hyperscan scratch space must not be shared between threads: one per thread and database.
    scratches = _THREAD.__dict__.setdefault("scratch", {})
    key = id(comp._hs)
    if key not in scratches or scratches[key][0] is not comp._hs:
        import hyperscan as hs

        scratches[key] = (comp._hs, hs.Scratch(comp._hs))
    return scratches[key]


def _ac_automaton(comp: Compiled) -> Any:
    if comp._ac is None:
        import ahocorasick

        auto = ahocorasick.Automaton()
        table: dict[str, list[tuple[int, int]]] = {}
        for pid, p in enumerate(comp.patterns):
            table.setdefault(p.lower(), []).append((pid, len(p)))
        for key, value in table.items():
            auto.add_word(key, tuple(value))
        auto.make_automaton()
        comp._ac = auto
    return comp._ac


def _candidates_hyperscan(text: str, comp: Compiled) -> Any:
    """(start, end, pattern) rows of every match on word boundaries, in character offsets.

    Hyperscan's literal mode does the case rule (ASCII case folding unless the alias is
    case-sensitive); the callback only records end * n_patterns + pattern, and the start, the
    word-boundary check and the byte-to-character conversion are done in numpy afterwards.
    """
    import numpy as np

    db, scratch = _hs_db(comp)
    data = text.encode("utf-8", "surrogatepass")
    k = len(comp.patterns)
    codes: list[int] = []
    add = codes.append
    db.scan(data, match_event_handler=lambda i, _f, t, _fl, _c: add(t * k + i), scratch=scratch)
    if not codes:
        return np.empty((0, 3), dtype=np.int64)
    end, pid = np.divmod(np.array(codes, dtype=np.int64), k)
    if comp._lengths is None:
        comp._lengths = np.array([len(p.encode("utf-8")) for p in comp.patterns], np.int64)
        comp._left = np.array([e[0] for e in comp.word_edges], dtype=bool)
        comp._right = np.array([e[1] for e in comp.word_edges], dtype=bool)
    start = end - comp._lengths[pid]
    # The text with a non-word byte at each edge: padded[i] is byte i - 1, so the bytes
    # before and after a match are padded[start] and padded[end + 1], with no edge cases
    # (few numpy calls: on small documents their fixed cost is most of the post-pass).
    padded = np.frombuffer(b"\0" + data + b"\0", dtype=np.uint8)
    glued = comp._left[pid] & _WORD_BYTES[padded[start]]
    glued |= comp._right[pid] & _WORD_BYTES[padded[end + 1]]
    ok = np.flatnonzero(~glued)
    start, end, pid = start[ok], end[ok], pid[ok]
    if len(data) != len(text):
        # Byte -> character offsets: matches fall on character boundaries, so subtract the
        # UTF-8 continuation bytes (0b10xxxxxx) that come before each offset.
        cont = np.flatnonzero((padded[1:-1] & 0xC0) == 0x80)
        start = start - np.searchsorted(cont, start)
        end = end - np.searchsorted(cont, end)
    return np.stack([start, end, pid], axis=1)


def _candidates_python(text: str, comp: Compiled) -> Any:
    """Same as `_candidates_hyperscan`, from an Aho-Corasick automaton and a Python check."""
    import numpy as np

    auto = _ac_automaton(comp)
    low = text.lower()
    if len(low) != len(text):  # a character whose lower case is longer: keep it as is
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    pats, case, edges = comp.patterns, comp.case, comp.word_edges
    n = len(text)
    flat = array("q")
    for end, value in auto.iter(low):
        e = end + 1
        for pid, k in value:
            s = e - k
            seg = text[s:e]
            if case[pid]:
                if seg != pats[pid]:
                    continue
            elif seg.translate(_ASCII_LOWER) != pats[pid]:
                continue
            left, right = edges[pid]
            if left and s > 0 and text[s - 1] in _WORD:
                continue
            if right and e < n and text[e] in _WORD:
                continue
            flat.extend((s, e, pid))
    return np.frombuffer(flat, dtype=np.int64).reshape(-1, 3).copy()


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _resolved(comp: Compiled, hits: Any) -> tuple[Any, Any, Any]:
    """`resolve` as three numpy arrays (starts, ends, groups), for callers that stay in numpy."""
    import numpy as np

    if not len(hits):
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty
    s, e, p = hits[:, 0], hits[:, 1], hits[:, 2]
    order = np.lexsort((p, s - e, s))  # by start, then longest, then pattern
    s, e, g = s[order], e[order], comp.group[p[order]]
    # A span opens a cluster of overlapping spans when it starts at or after the end of every
    # span before it. When every span lies inside the one opening its cluster (a long alias
    # with shorter ones inside it: nearly always), leftmost-longest keeps just the openers.
    reach = np.maximum.accumulate(e)
    keep = np.empty(len(s), dtype=bool)
    keep[0] = True
    np.greater_equal(s[1:], reach[:-1], out=keep[1:])
    idx = np.flatnonzero(keep)
    # Nested clusters: the reach at the end of each cluster is its opener's own end.
    last = np.append(idx[1:] - 1, len(s) - 1)
    if not np.array_equal(reach[last], e[idx]):  # chains of partial overlaps: greedy
        starts, ends = s.tolist(), e.tolist()
        kept, edge = [], -1
        for i, (a, b) in enumerate(zip(starts, ends, strict=True)):
            if a >= edge:
                kept.append(i)
                edge = b
        idx = np.array(kept, dtype=np.int64)
    return s[idx], e[idx], g[idx]


def resolve(comp: Compiled, hits: Any) -> list[tuple[int, int, int]]:
    """Alias spans (start, end, group), leftmost then longest first, none overlapping."""
    s, e, g = _resolved(comp, hits)
    return list(zip(s.tolist(), e.tolist(), g.tolist(), strict=True))


def _candidates(text: str, comp: Compiled, matcher: str | None) -> Any:
    """Candidate rows of the chosen engine (looked up at call time: the bench swaps them)."""
    find = _candidates_hyperscan if choose_matcher(matcher) == "hyperscan" else _candidates_python
    return find(text, comp)


def match_spans(text: str, gazetteer: Gazetteer | Compiled | str | Path | None = None,
                matcher: str | None = None) -> list[tuple[int, int, int]]:
    """One pass over `text` for all aliases: resolved (start, end, alias group) spans."""
    comp = gazetteer if isinstance(gazetteer, Compiled) else compile_gazetteer(gazetteer)
    return resolve(comp, _candidates(text, comp, matcher))


def article_context(text: str, spans: Iterable[tuple[int, int]], cues: dict[str, str]
                    ) -> str | None:
    """The context whose cue words occur most often in the spans (None on a tie or none)."""
    counts: Counter[str] = Counter()
    for s, e in spans:
        for cue, ctx in cues.items():
            counts[ctx] += text.count(cue, s, e)
    ranked = counts.most_common(2) + [("", 0)]
    (top, n), (_, m) = ranked[0], ranked[1]
    return top if n > m else None


def _can_overlap(a: str, b: str) -> bool:
    """Whether an occurrence of `a` and one of `b` can share characters (other than being
    the very same occurrence of the same word)."""
    if not a or not b:
        return True
    if a != b and (a in b or b in a):
        return True
    return any(a[-k:] == b[:k] for k in range(1, min(len(a), len(b))))


@lru_cache(maxsize=16)
def _cue_pattern(cues: tuple[str, ...]) -> re.Pattern[str] | None:
    """One regex finding every occurrence of every cue, when no two occurrences can overlap;
    None when they can (then `str.count` per block is the rule)."""
    if not cues or any(_can_overlap(a, b) for a in cues for b in cues):
        return None
    # No groups: with plain alternatives the engine skips ahead to their first letters.
    return re.compile("|".join(re.escape(c) for c in cues))


def _article_contexts(text: str, blocks: Sequence[tuple[int, int, str, str]],
                      cues: dict[str, str]) -> dict[str, str | None]:
    """`article_context` of every article, for sorted `blocks` (start, end, article, role).

    Counting every cue in every block is blocks x cues `str.count` calls. When no two cue
    occurrences can overlap and blocks do not overlap, one regex pass over the text finds
    them all and each is counted for the block that holds it: the same counts.
    """
    import numpy as np

    pattern = _cue_pattern(tuple(cues))
    disjoint = all(a[1] <= b[0] for a, b in zip(blocks, blocks[1:], strict=False))
    if pattern is None or not disjoint:
        spans: dict[str, list[tuple[int, int]]] = {}
        for b in blocks:
            spans.setdefault(b[2], []).append((b[0], b[1]))
        return {a: article_context(text, s, cues) for a, s in spans.items()}
    names = list(dict.fromkeys(cues.values()))  # the contexts
    context_of_cue = {cue: names.index(c) for cue, c in cues.items()}
    articles: dict[str, int] = {}
    article_of_block = np.array([articles.setdefault(b[2], len(articles)) for b in blocks],
                                dtype=np.int64)
    found = np.array([(m.start(), m.end(), context_of_cue[m.group()])
                      for m in pattern.finditer(text)],
                     dtype=np.int64).reshape(-1, 3)
    block_start = np.array([b[0] for b in blocks], dtype=np.int64)
    block_end = np.array([b[1] for b in blocks], dtype=np.int64)
    bi = np.searchsorted(block_start, found[:, 0], side="right") - 1
    ok = (bi >= 0) & (found[:, 1] <= block_end[np.maximum(bi, 0)])
    counts = np.zeros((len(articles), len(names)), dtype=np.int64)
    np.add.at(counts, (article_of_block[bi[ok]], found[ok, 2]), 1)
    out: dict[str, str | None] = {}
    for article, row in zip(articles, counts.tolist(), strict=True):
        top = max(row, default=0)
        out[article] = names[row.index(top)] if top > 0 and row.count(top) == 1 else None
    return out


# --------------------------------------------------------------------------- mentions


def _previous_word(text: str, start: int, floor: int) -> str:
    i = start
    while i > floor and text[i - 1] not in _WORD:
        if text[i - 1] == "\n":
            return ""
        i -= 1
    j = i
    while j > floor and text[j - 1] in _WORD:
        j -= 1
    return text[j:i].lower()


def _choose(rows: list[Alias], context: str | None) -> Alias | None:
    for a in rows:
        if a.context and a.context == context:
            return a
    for a in rows:
        if not a.context:
            return a
    return None


def _sentences(text: str, offsets: Sequence[int], block_ids: Sequence[int],
               blocks: Sequence[tuple[int, int, str, str]], disjoint: bool,
               sentences: BlockSentences) -> list[str]:
    """The sentence around each offset, splitting only the blocks that hold one."""
    import numpy as np

    if not disjoint:  # the general rule: sentences of every searched block, in one index
        index = SentenceIndex(text, [(b[0], b[1]) for b in blocks])
        return [index.sentence(s) for s in offsets]
    # Blocks do not overlap, so an offset's sentence lies in its own block: the blocks without
    # a mention need no splitting.
    spans: list[tuple[int, int]] = []
    for bi in sorted(set(block_ids)):
        spans.extend(sentences.block(blocks[bi][0], blocks[bi][1]).spans)
    if not spans:
        return ["" for _ in offsets]
    lo = np.array([a for a, _ in spans], dtype=np.int64)
    hi = np.array([b for _, b in spans], dtype=np.int64)
    at = np.asarray(offsets, dtype=np.int64)
    i = np.searchsorted(lo, at, side="right") - 1
    j = np.maximum(i, 0)
    inside = ((i >= 0) & (hi[j] > at)).tolist()
    return [text[a:b] if ok else "" for a, b, ok in zip(lo[j].tolist(), hi[j].tolist(), inside,
                                                          strict=True)]


def find_mentions(doc: Document, seg: Segmentation, gazetteer: str | None,
                  matcher: str | None = None,
                  sentences: BlockSentences | None = None) -> list[dict[str, Any]]:
    """`mentions` rows for every actor mention in the titles, bodies and captions of articles."""
    import numpy as np

    comp = compile_gazetteer(gazetteer)
    gaz = comp.gazetteer
    text = doc.text
    blocks = sorted(
        (int(b["start"]), int(b["end"]), str(b["article_id"]), str(b["role"]))
        for b in seg.blocks if b.get("role") in SEARCHED_ROLES and b.get("article_id")
    )
    if not blocks:
        return []
    starts, ends, group = _resolved(comp, _candidates(text, comp, matcher))
    if not len(starts):
        return []
    # The block of each span: the last one starting at or before it, if the span ends in it.
    block_start = np.array([b[0] for b in blocks], dtype=np.int64)
    block_end = np.array([b[1] for b in blocks], dtype=np.int64)
    bi = np.searchsorted(block_start, starts, side="right") - 1
    inside = np.flatnonzero((bi >= 0) & (ends <= block_end[np.maximum(bi, 0)]))
    hits = zip(starts[inside].tolist(), ends[inside].tolist(), group[inside].tolist(),
               bi[inside].tolist(), strict=True)
    disjoint = all(a[1] <= b[0] for a, b in zip(blocks, blocks[1:], strict=False))
    contexts: dict[str, str | None] | None = None

    def context_of(article_id: str) -> str | None:
        nonlocal contexts
        if contexts is None:  # once per document, and only when an alias needs it
            contexts = _article_contexts(text, blocks, gaz.cues)
        return contexts[article_id]

    # Hits are in start order, so each article's hits come in its own order: the state of the
    # reading rules (the last kept mention) is kept per article.
    prev_of: dict[str, tuple[int, Alias, int] | None] = {}  # end, alias, block of the last kept
    chosen: dict[tuple[int, str | None], Alias | None] = {}
    kept: list[tuple[int, int, int, Alias]] = []
    for s, e, g, b in hits:
        article_id = blocks[b][2]
        rows_g = comp.groups[g]
        if rows_g[0].ignore:
            prev_of[article_id] = None
            continue
        context = context_of(article_id) if any(a.context for a in rows_g) else None
        key = (g, context)
        if key not in chosen:
            chosen[key] = _choose(rows_g, context)
        a = chosen[key]
        if a is None or a.ignore:
            continue
        if a.place and _previous_word(text, s, blocks[b][0]) in gaz.locatives:
            continue
        prev = prev_of.get(article_id)
        if prev is not None and prev[2] == b:
            gap = text[prev[0]:s]
            if a.generic and not prev[1].generic and gap.strip() == "" and gap:
                continue  # "the Jaish al-Islam rebels": the generic word describes it
            if a.actor == prev[1].actor and gap.strip() == "(":
                continue  # "Syrian Democratic Forces (SDF)": one mention
        kept.append((s, e, b, a))
        prev_of[article_id] = (e, a, b)
    if not kept:
        return []
    offsets = [k[0] for k in kept]
    lines = LineIndex(text).lines(offsets)
    around = _sentences(text, offsets, [k[2] for k in kept], blocks, disjoint,
                        sentences or BlockSentences(text))
    file = doc.file
    # Already in start order: spans do not overlap and came sorted.
    return [
        {"article_id": blocks[b][2], "file": file, "line": line, "actor": a.actor,
         "bloc": a.bloc, "surface": text[s:e], "start": s, "end": e, "sentence": sentence,
         "role": blocks[b][3]}
        for (s, e, b, a), line, sentence in zip(kept, lines, around, strict=True)
    ]


# --------------------------------------------------------------------------- helpers


def actors_table(gazetteer: Gazetteer | str | Path | None = None) -> Any:
    """One row per canonical actor: actor, bloc, its aliases and the note of its first row."""
    import pandas as pd

    gaz = _as_gazetteer(gazetteer)
    rows: dict[str, dict[str, Any]] = {}
    for a in gaz.aliases:
        r = rows.setdefault(a.actor, {"actor": a.actor, "bloc": a.bloc, "aliases": [],
                                      "note": a.note})
        if not a.ignore:
            r["aliases"].append(a.alias)
    return pd.DataFrame(list(rows.values()), columns=["actor", "bloc", "aliases", "note"])


def _closest_names(name: str, gaz: Gazetteer, canonical: list[str]) -> str:
    """'did you mean …?' over canonical names and aliases, naming an alias's actor."""
    surfaces: dict[str, str] = {c.lower(): c for c in canonical}
    owner: dict[str, str] = {c.lower(): c for c in canonical}
    for a in gaz.aliases:
        if not a.ignore and not a.generic:
            surfaces.setdefault(a.alias.lower(), a.alias)
            owner.setdefault(a.alias.lower(), a.actor)
    close = difflib.get_close_matches(name.lower(), list(surfaces), n=6, cutoff=0.6)
    shown: list[str] = []
    for key in close:
        label = repr(surfaces[key])
        if owner[key] != surfaces[key]:
            label += f" ({owner[key]})"
        if label not in shown:
            shown.append(label)
    if not shown:
        return "list the known names with siegewatch.actors.actors_table()."
    return f"did you mean {', '.join(shown[:3])}?"


def resolve_factions(names: str | Iterable[str],
                     gazetteer: Gazetteer | str | Path | None = None) -> list[str]:
    """Canonical actor names for canonical names or aliases (any case); unknown names raise."""
    gaz = _as_gazetteer(gazetteer)
    if isinstance(names, str):
        names = [names]
    lookup: dict[str, set[str]] = {}
    for a in gaz.aliases:
        lookup.setdefault(alias_key(a.actor), set()).add(a.actor)
        if not a.ignore:
            lookup.setdefault(alias_key(a.alias), set()).add(a.actor)
    canonical = list(gaz.actors())
    out: list[str] = []
    for name in names:
        found = lookup.get(alias_key(str(name)), set())
        if len(found) == 1:
            actor = next(iter(found))
        elif str(name) in found:
            actor = str(name)
        elif found:
            raise UnknownFactionError(
                f"faction {name!r} is ambiguous in {gaz.path}: it names "
                f"{', '.join(sorted(found))}; give the canonical name."
            )
        else:
            hint = _closest_names(str(name), gaz, canonical)
            raise UnknownFactionError(
                f"unknown faction {name!r} in {Path(gaz.path).name}; {hint}"
            )
        if actor not in out:
            out.append(actor)
    return out
