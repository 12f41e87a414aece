"""Attribution: which outlet published each article, and whom each claim is attributed to.

Two questions, two outputs (docs/attribution.md has the long form and the rules):

- `annotate_provenance` fills `outlet`, `aggregator` and `outlet_evidence` on every article row
  from its Sources line, wire dateline, credit lines, photo credits and ``told Reuters`` cues,
  with names normalized through `data/sources/outlets.csv`;
- `find_attributions` returns one `attributions` row per source of every attribution cue
  (``said``, ``told Reuters``, ``according to`` …) in the body and heading blocks, the source
  normalized through `data/sources/sources.csv` and typed (war monitor, state media, …).

Everything here runs in time linear in the text: one cue regex (literal alternation) finds the
few places worth reading, and every later step looks only at a bounded window around a cue.
"""

from __future__ import annotations

import csv
import os
import re
import threading
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import repeat
from typing import Any

import ahocorasick

from siegewatch import paths
from siegewatch import patterns as P
from siegewatch.loading import Document, LoadError
from siegewatch.segmenting import BODY_ROLES, Segmentation
from siegewatch.sentences import BlockSentences, LineIndex, SentenceIndex


class SourcesError(LoadError, ValueError):
    """A sources or outlets CSV that cannot be used; the message names the file, line and fix."""


# --------------------------------------------------------------------------- tables

SOURCE_COLUMNS = ("pattern", "source", "source_type", "kind", "number", "anonymous", "side")
SOURCE_KINDS = ("name", "noun", "role")
NUMBERS = ("person", "people", "body")
OUTLET_COLUMNS = ("outlet", "alias", "kind")
# Outlet kinds that publish news; any other kind (e.g. "war monitor") is named on Sources lines
# but is not an outlet, and "aggregator" marks the site that re-posted the article.
PUBLISHER_KINDS = ("wire", "newspaper", "broadcaster", "state media", "blog", "website")
AGGREGATOR = "aggregator"


@dataclass(frozen=True)
class SourceRow:
    pattern: str
    source: str
    source_type: str
    kind: str
    number: str
    anonymous: bool
    side: str
    line: int


@dataclass
class SourceTable:
    """The analyst-edited sources table, compiled into one Aho-Corasick automaton."""

    path: str
    rows: list[SourceRow]
    automaton: Any = field(repr=False, default=None)

    def matches(self, low: str, start: int, end: int) -> list[tuple[int, int, SourceRow]]:
        """Leftmost-longest whole-word matches of table patterns in low[start:end]."""
        found: list[tuple[int, int, int, int, SourceRow]] = []
        n = len(low)
        # Search a slice: the automaton copies its haystack, so never hand it the whole text.
        for k, (stop, (row, size)) in enumerate(self.automaton.iter(low[start:end])):
            e = start + stop + 1
            s = e - size
            if s > 0:
                c = low[s - 1]
                if c.isalnum() or c == "-":
                    continue
            if e < n:
                c = low[e]
                if c.isalnum() or c == "-":
                    continue
            found.append((s, -size, k, e, row))  # k: ties keep the automaton's order
        if len(found) < 2:
            return [(s, e, row) for s, _, _, e, row in found]
        found.sort()
        out: list[tuple[int, int, SourceRow]] = []
        last = -1
        for s, _, _, e, row in found:
            if s >= last:
                out.append((s, e, row))
                last = e
        return out


def _bool(value: str, where: str) -> bool:
    v = value.strip().lower()
    if v in ("true", "yes", "1"):
        return True
    if v in ("false", "no", "0", ""):
        return False
    raise SourcesError(f"{where}: anonymous must be true or false, not {value!r}; fix the cell.")


def _read_csv(path: str, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            missing = [c for c in required if c not in header]
            if missing:
                raise SourcesError(
                    f"{path}, line 1: missing column(s) {', '.join(missing)}; the header must "
                    f"name {', '.join(required)}."
                )
            return [(i + 2, {k: (v or "").strip() for k, v in r.items() if k}) for i, r in
                    enumerate(reader)]
    except OSError as exc:
        raise SourcesError(f"{path}: cannot be read ({exc.strerror}); check the path.") from exc
    except UnicodeDecodeError as exc:
        raise SourcesError(f"{path}: is not UTF-8 text; save it as UTF-8 CSV.") from exc


def _stamp(path: str) -> tuple[str, float, int]:
    try:
        st = os.stat(path)
    except OSError as exc:
        raise SourcesError(f"{path}: cannot be read ({exc.strerror}); check the path.") from exc
    return path, st.st_mtime, st.st_size


def load_sources(path: str | os.PathLike[str] | None = None) -> SourceTable:
    """Read and validate the sources table (cached per file version)."""
    return _load_sources(*_stamp(str(path or paths.SOURCES)))


@lru_cache(maxsize=8)
def _load_sources(path: str, _mtime: float, _size: int) -> SourceTable:
    rows: list[SourceRow] = []
    seen: dict[str, SourceRow] = {}
    for line, r in _read_csv(path, SOURCE_COLUMNS):
        where = f"{path}, line {line}"
        pattern = " ".join(r["pattern"].lower().replace("’", "'").split())
        if not pattern:
            raise SourcesError(f"{where}: empty pattern; write the words to match or delete it.")
        kind, number = r["kind"].lower(), r["number"].lower()
        if kind not in SOURCE_KINDS:
            raise SourcesError(f"{where}: kind {r['kind']!r} must be one of {SOURCE_KINDS}.")
        if number not in NUMBERS:
            raise SourcesError(f"{where}: number {r['number']!r} must be one of {NUMBERS}.")
        if kind == "role" and (r["source"] or r["source_type"]):
            raise SourcesError(f"{where}: a role row names no source or type; leave them empty.")
        if kind != "role" and not (r["source"] and r["source_type"]):
            raise SourcesError(f"{where}: {pattern!r} needs both a source and a source_type.")
        row = SourceRow(pattern, r["source"], r["source_type"], kind, number,
                        _bool(r["anonymous"], where), r["side"], line)
        prev = seen.get(pattern)
        if prev is not None:
            if (prev.source, prev.source_type) != (row.source, row.source_type):
                raise SourcesError(
                    f"{where}: pattern {pattern!r} conflicts with line {prev.line} "
                    f"({prev.source} / {prev.source_type}); keep one of the two rows."
                )
            continue
        seen[pattern] = row
        rows.append(row)
    auto = ahocorasick.Automaton()
    for row in rows:
        auto.add_word(row.pattern, (row, len(row.pattern)))
    auto.make_automaton()
    return SourceTable(path, rows, auto)


@dataclass
class OutletTable:
    path: str
    canonical: dict[str, tuple[str, str]]  # lower-case alias -> (outlet, kind)
    pattern: re.Pattern[str]


def load_outlets(path: str | os.PathLike[str] | None = None) -> OutletTable:
    """Read and validate the outlets table (cached per file version)."""
    return _load_outlets(*_stamp(str(path or paths.OUTLETS)))


@lru_cache(maxsize=8)
def _load_outlets(path: str, _mtime: float, _size: int) -> OutletTable:
    canonical: dict[str, tuple[str, str]] = {}
    lines: dict[str, int] = {}
    kinds: dict[str, tuple[str, int]] = {}
    for line, r in _read_csv(path, OUTLET_COLUMNS):
        where = f"{path}, line {line}"
        outlet, alias, kind = r["outlet"], r["alias"], r["kind"].lower()
        if not outlet or not alias or not kind:
            raise SourcesError(f"{where}: outlet, alias and kind must all be filled in.")
        prev_kind = kinds.setdefault(outlet, (kind, line))
        if prev_kind[0] != kind:
            raise SourcesError(
                f"{where}: {outlet!r} has kind {kind!r} but {prev_kind[0]!r} on line "
                f"{prev_kind[1]}; give an outlet one kind."
            )
        key = alias.lower()
        if key in canonical and canonical[key][0] != outlet:
            raise SourcesError(
                f"{where}: alias {alias!r} is given to {outlet!r} here and to "
                f"{canonical[key][0]!r} on line {lines[key]}; an alias names one outlet."
            )
        canonical[key] = (outlet, kind)
        lines[key] = line
    # Aliases as whole words, longest first (an alternation of literals: linear time).
    alts = sorted(canonical, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![\w&])(?:" + "|".join(re.escape(a) for a in alts) + r")(?![\w&])", re.IGNORECASE
    ) if alts else re.compile(r"(?!x)x")
    return OutletTable(path, canonical, pattern)


# --------------------------------------------------------------------------- provenance

_TOLD_OUTLET = re.compile(r"\btold (Reuters|AFP|the Associated Press|The Associated Press|AP)\b")
_REUTERS_CREDIT = re.compile(r"\b(?:Editing|Writing|Reporting) by\b")


def _normalize(name: str, outlets: OutletTable) -> tuple[str, str]:
    """Canonical outlet and kind for a name as written ('' kind when unknown)."""
    key = " ".join(name.split()).lower()
    return outlets.canonical.get(key, (" ".join(name.split()), ""))


def annotate_provenance(doc: Document, seg: Segmentation, outlets: str | None) -> None:
    """Fill `outlet`, `aggregator`, `outlet_evidence` on `seg.articles` in place."""
    table = load_outlets(outlets)
    by_article: dict[str, list[dict[str, Any]]] = {}
    for b in seg.blocks:
        by_article.setdefault(str(b["article_id"]), []).append(b)
    for art in seg.articles:
        outlet, aggregator, evidence = _provenance(art, by_article.get(str(art["article_id"]),
                                                                       []), table)
        art["outlet"], art["aggregator"], art["outlet_evidence"] = outlet, aggregator, evidence


def _provenance(
    art: dict[str, Any], blocks: list[dict[str, Any]], table: OutletTable
) -> tuple[str | None, str | None, str | None]:
    evidence: list[str] = []
    # 1. A "Sources: A/B/aggregator" line names the outlets and the site that re-posted them.
    listed: list[str] = []
    aggregator: str | None = None
    for b in blocks:
        if b["role"] != "sources":
            continue
        m = P.SOURCES_LINE.fullmatch(str(b["text"]))
        names = [s.strip() for s in (m.group("sources") if m else "").split("/") if s.strip()]
        skipped: list[str] = []
        for name in names:
            canon, kind = _normalize(name, table)
            if kind == AGGREGATOR:
                aggregator = aggregator or canon
            elif kind and kind not in PUBLISHER_KINDS:
                skipped.append(f"{name} ({kind}, not an outlet)")
            elif canon not in listed:
                listed.append(canon)
        note = f"Sources line {b['text']!r}"
        if len(listed) > 1:
            note += f": {len(listed)} outlets listed, joined in order"
        if aggregator:
            note += f"; re-posted by aggregator {aggregator}"
        if skipped:
            note += "; left out " + ", ".join(skipped)
        evidence.append(note)
    if listed:
        return " / ".join(listed), aggregator, "; ".join(evidence)
    # 2. The wire named in the dateline, normalized.
    wire = art.get("outlet")
    for b in blocks:
        if b["role"] == "dateline" and wire:
            canon, _ = _normalize(str(wire), table)
            return canon, aggregator, "; ".join(evidence + [f"dateline {b['text']!r}"])
    # 3. Credit lines: the Associated Press contributor line, Reuters-style credits.
    for b in blocks:
        if b["role"] != "credit":
            continue
        text = str(b["text"])
        if text.startswith("Associated Press"):
            return "Associated Press", aggregator, f"credit line {text!r}"
    # 4. Photo credits in captions and "told Reuters" in the body: whose material it is.
    votes: dict[str, list[str]] = {}
    for b in blocks:
        text = str(b["text"])
        if b["role"] in ("caption", "caption_repeat"):
            m = P.PHOTO_CREDIT.search(text)
            if m is None:
                continue
            # The distributor is named last ("SANA/Handout via Reuters"); a handout's
            # provider ("SANA/Handout") supplied the picture, not the story.
            hits = [h for h in table.pattern.finditer(text, max(0, m.start() - 20))
                    if not text.startswith("/Handout", h.end())]
            if hits:
                canon, kind = _normalize(hits[-1].group(0), table)
                if kind in PUBLISHER_KINDS:
                    cut = text.rfind(". ", 0, m.start())
                    votes.setdefault(canon, []).append(
                        f"photo credit {text[cut + 2 if cut >= 0 else 0:].strip()!r}"
                    )
        elif b["role"] in BODY_ROLES:
            for m in _TOLD_OUTLET.finditer(text):
                canon, _ = _normalize(m.group(1).removeprefix("the ").removeprefix("The "),
                                      table)
                votes.setdefault(canon, []).append(f"body {m.group(0)!r}")
    for b in blocks:
        if b["role"] == "credit" and _REUTERS_CREDIT.search(str(b["text"])):
            votes.setdefault("Reuters", []).append(f"Reuters-style credit line {b['text']!r}")
    if votes:
        best = max(votes, key=lambda k: len(votes[k]))
        notes = votes[best]
        uniq = list(dict.fromkeys(notes))
        summary = "; ".join(
            f"{n} ×{notes.count(n)}" if notes.count(n) > 1 else n for n in uniq
        )
        return best, aggregator, summary
    return (str(wire) if wire else None), aggregator, None


# --------------------------------------------------------------------------- attributions

_VERBS = (
    "said|says|say|told|tells|reported|reports|reporting|claimed|claims|denied|denies|deny|"
    "confirmed|confirms|added|adds|accused|accuses|accuse|wrote|writes"
)
# One literal alternation: the cheap prefilter and the cue finder at once (linear time).
_CUE = re.compile(
    r"\b(?:(?P<acc>[Aa]ccording to)|(?P<quoted>quoted as saying|[Qq]uoting)|"
    rf"(?P<by>reported by)|(?P<verb>{_VERBS}))\b"
)
# The literal forms of every cue, for the one-pass candidate scan (Hyperscan when importable).
_CUE_WORDS = ("according to", "According to", "quoted as saying", "quoting", "Quoting",
              "reported by", *_VERBS.split("|"))
_TOKEN = re.compile(r"\S+")  # \S, not [^\s]: the same characters, a faster scan
_WINDOW = 320  # characters read on either side of a cue
_MAX_SENTENCE = 1000  # longest sentence text stored in a row
_LOOKBACK = 40  # earlier sources a pronoun may refer back to

CUE_LABELS = {
    "said": "said", "says": "said", "say": "said", "told": "told", "tells": "told",
    "reported": "reported", "reports": "reported", "reporting": "reported",
    "claimed": "claimed", "claims": "claimed", "denied": "denied", "denies": "denied",
    "deny": "denied", "confirmed": "confirmed", "confirms": "confirmed", "added": "added",
    "adds": "added", "accused": "accused", "accuses": "accused", "accuse": "accused",
    "wrote": "wrote", "writes": "wrote",
}
_RIGHT_LABELS = {"acc": "according to", "by": "reported by", "quoted": "quoted"}
# Words that end the clause whose subject is the source (scanning left from a cue).
_BOUNDARY = {
    "that", "which", "who", "whom", "where", "what", "while", "when", "but", "because",
    "although", "though", "if", "whether", "after", "before", "since", "as", "so", "than",
    "whose", "however", "meanwhile", "yet",
}
_SKIP_BEFORE = {"also", "earlier", "later", "swiftly", "has", "have", "had", "then", "again",
                "previously", "separately", "repeatedly", "publicly", "only", "often",
                "reportedly", "both"}
_TIME_WORDS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "today",
    "yesterday", "tonight", "night", "week", "month", "year", "morning", "evening",
}
_PASSIVE = {"be", "been", "being", "was", "were", "is", "are", "not", "never", "n't",
            "to", "the", "a", "an", "no", "any", "credible", "such", "these", "those", "of",
            "unconfirmed", "conflicting"}
_PRONOUNS = {"he": "person", "she": "person", "it": "body", "they": "people"}
_DETERMINERS = {"the", "a", "an", "some", "other", "another", "its", "their", "his", "her",
                "two", "three", "four", "five", "several", "both", "one", "local", "and"}
_NAME_STOP = {
    "The", "A", "An", "But", "However", "And", "In", "On", "At", "Both", "One", "Two",
    "Three", "Four", "Asked", "Earlier", "Syrian", "Russian", "Turkish", "Iranian", "Iraqi",
    "U.S.", "US", "UN", "U.N.", "Mr", "Mr.", "Mrs", "Ms", "Dr", "Dr.", "President",
    "General", "Lieutenant", "Major", "Colonel", "Minister", "Foreign", "Deputy",
    "Secretary", "Special", "Chief", "His", "Her", "Their", "Its", "This", "That", "Speaking",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "Quoting",
    "According", "He", "She", "It", "They", "We", "I", "Another", "French", "German",
    "State", "Prime", "Commander", "Spokesman", "Spokeswoman", "Director", "Head",
    "Western", "Former", "Senior", "Kremlin", "Moscow", "Damascus", "Observatory",
}
_PARTICLES = {"al", "el", "de", "bin", "ibn", "van", "von", "abu", "abo", "haj", "bint"}
_NP_STOP_WORDS = {
    "told", "said", "says", "in", "on", "who", "which", "that", "adding", "speaking", "citing",
    "saying", "according", "when", "while", "as", "after", "before", "because", "but",
    "and", "by", "from", "at",
}
_VERBISH = {"had", "has", "have", "was", "were", "is", "are", "would", "will", "could",
            "should", "might", "may", "can", "did", "does", "do", "been", "be", "there"}
_QUOTE_CLOSE = ("”", '"', "’’")
_CLAUSE_END = (":", ";", *_QUOTE_CLOSE)  # a token ending so ends the clause before a cue
_SEPARATORS = (",", "—", "–")


@dataclass
class _Hit:
    start: int
    end: int
    source: str
    source_type: str
    anonymous: bool
    side: str
    number: str
    person_name: str = ""
    reused: bool = False  # "… and said", "who said": a second cue of the same source


@dataclass
class _ArticleState:
    """Sources already seen in an article: names introduced, hits for pronoun resolution."""

    text: str
    start: int
    table: SourceTable
    names: dict[str, _Hit] = field(default_factory=dict)
    hits: list[tuple[int, int, _Hit]] = field(default_factory=list)  # (block ordinal, pos, hit)
    introduced: dict[str, SourceRow | None] = field(default_factory=dict)


_BARE_CHARS = ",.;:()[]“”\"'‘’"
_SPAN = re.Match.span


def _tokens(text: str, lo: int, hi: int) -> tuple[list[tuple[int, int]], list[str], list[str]]:
    """Spans, texts and `_bare` forms of the whitespace-separated tokens of text[lo:hi]."""
    # `map` over the match objects and over the words: C loops, no per-token Python frame.
    spans = list(map(_SPAN, _TOKEN.finditer(text, lo, hi)))
    words = text[lo:hi].split()  # the same runs of non-space characters as _TOKEN finds
    return spans, words, list(map(str.lower, map(str.strip, words, repeat(_BARE_CHARS))))


_HS_STATE = threading.local()  # Hyperscan database and scratch space, one per thread


def _hyperscan_cue_db() -> Any:
    """(database, scratch) for the cue words, or None when Hyperscan is not importable."""
    if not hasattr(_HS_STATE, "db"):
        try:
            import hyperscan as hs
        except ImportError:
            _HS_STATE.db = None
            return None
        db = hs.Database(mode=hs.HS_MODE_BLOCK)
        n = len(_CUE_WORDS)
        db.compile(expressions=[w.encode("ascii") for w in _CUE_WORDS], ids=list(range(n)),
                   elements=n, flags=[hs.HS_FLAG_SOM_LEFTMOST] * n)
        _HS_STATE.db = (db, hs.Scratch(db))
    return _HS_STATE.db


def cue_candidates(text: str, engine: str | None = None) -> list[int]:
    """Sorted offsets where a cue may start: a superset of the `_CUE` matches in any block.

    One pass over the whole text instead of one regex search per block: Hyperscan on the
    text encoded one byte per character (anything outside Latin-1 becomes '?', so byte and
    character offsets agree; the cue words are ASCII), else the cue regex itself. Callers
    confirm each offset with `_CUE.match`, so both engines give the same cues.
    """
    hs_db = _hyperscan_cue_db() if engine in (None, "hyperscan") else None
    if hs_db is None:
        if engine == "hyperscan":
            raise ValueError("engine 'hyperscan' asked for but hyperscan is not importable")
        return [m.start() for m in _CUE.finditer(text)]
    db, scratch = hs_db
    found: list[int] = []
    add = found.append
    db.scan(text.encode("latin-1", "replace"),
            match_event_handler=lambda _i, start, _e, _f, _c: add(start), scratch=scratch)
    return sorted(set(found))


def find_attributions(
    doc: Document, seg: Segmentation, sources: str | None,
    sentences: BlockSentences | None = None,
) -> list[dict[str, Any]]:
    """`attributions` rows for every attributed statement in the document's articles."""
    table = load_sources(sources)
    text = doc.text
    sentences = sentences or BlockSentences(text)
    low: str | None = None
    lines: LineIndex | None = None
    rows: list[dict[str, Any]] = []
    by_article: dict[str, list[dict[str, Any]]] = {}
    for b in seg.blocks:
        if b["role"] in BODY_ROLES:
            by_article.setdefault(str(b["article_id"]), []).append(b)
    cands = cue_candidates(text) if by_article else []
    match = _CUE.match
    for art in seg.articles:
        aid = str(art["article_id"])
        state = _ArticleState(text, int(art["start"]), table)  # type: ignore[arg-type]
        for ordinal, b in enumerate(by_article.get(aid, [])):
            bs, be = int(b["start"]), int(b["end"])
            i, j = bisect_left(cands, bs), bisect_left(cands, be)
            if i == j:
                continue
            cues = [m for m in (match(text, p, be) for p in cands[i:j]) if m is not None]
            if not cues:
                continue
            if lines is None or low is None:
                lines = LineIndex(text)
                low = text.lower().replace("’", "'")  # same length: offsets stay valid
            for hit, cue, sent in _block_attributions(text, low, bs, be, cues, ordinal,
                                                      state, sentences):
                s0, s1 = sent
                if s1 - s0 > _MAX_SENTENCE:
                    s0 = max(s0, hit.start - _MAX_SENTENCE // 2)
                    s1 = min(s1, s0 + _MAX_SENTENCE)
                rows.append({
                    "article_id": aid, "file": doc.file, "line": lines.line(hit.start),
                    "source": hit.source, "source_type": hit.source_type,
                    "anonymous": hit.anonymous, "side": hit.side or None, "cue": cue,
                    "start": hit.start, "end": hit.end, "sentence": text[s0:s1],
                })
    return rows


def _block_attributions(
    text: str, low: str, bs: int, be: int, cues: list[re.Match[str]], ordinal: int,
    state: _ArticleState, doc_sentences: BlockSentences,
) -> list[tuple[_Hit, str, tuple[int, int]]]:
    out: list[tuple[_Hit, str, tuple[int, int]]] = []
    in_sentence: dict[tuple[int, int], list[_Hit]] = {}
    sentences: SentenceIndex | None = None  # split at the first cue outside a quotation
    # Quote state, counted incrementally from one cue to the next (linear in the block).
    pos, curly_open, straight = bs, 0, 0
    for m in cues:
        seg_text = text[pos:m.start()]
        curly_open = max(0, curly_open + seg_text.count("“") - seg_text.count("”"))
        straight += seg_text.count('"')
        pos = m.start()
        if curly_open > 0 or straight % 2 == 1:
            continue  # inside a direct quotation: the speaker's words, not the article's
        if sentences is None:
            sentences = doc_sentences.block(bs, be)
        sent = sentences.around(m.start())
        if sent[0] == sent[1]:
            sent = (bs, be)
        lo = max(sent[0], m.start() - _WINDOW)
        hi = min(sent[1], m.end() + _WINDOW)
        kind = m.lastgroup or "verb"
        word = m.group(0)
        hits: list[_Hit] = []
        if kind in ("acc", "by") or (kind == "quoted" and word[0] in "Qq" and
                                     word.lower() == "quoting"):
            hits = _right_sources(text, low, m.end(), hi, state)
            label = _RIGHT_LABELS[kind]
        else:
            label = "quoted as saying" if kind == "quoted" else CUE_LABELS[word.lower()]
            hits = _verb_sources(text, low, lo, m.start(), m.end(), hi, sent, ordinal, state,
                                 kind == "quoted", in_sentence.get(sent, []))
            if label == "told":
                obj = _TOKEN.match(text, m.end() + 1, hi) if m.end() < hi else None
                if obj and (obj.group(0)[:1].isupper() or obj.group(0).startswith("reporters")):
                    label = "told " + obj.group(0).rstrip(".,;:")
            elif label == "said" and low.startswith(" in a statement", m.end()):
                label = "said in a statement"
        for h in hits:
            same = in_sentence.setdefault(sent, [])
            if not h.reused and any(_overlaps(h, o) and o.source == h.source
                                    for o in same[-8:]):
                continue  # "said X … told Reuters": one statement, one source
            same.append(h)
            out.append((h, label, sent))
            state.hits.append((ordinal, h.start, h))
            if h.person_name:
                _register(state, h)
    return out


def _overlaps(a: _Hit, b: _Hit) -> bool:
    return a.start < b.end and b.start < a.end


def _register(state: _ArticleState, h: _Hit) -> None:
    name = h.person_name
    state.names[name.lower()] = h
    last = name.split()[-1]
    state.names.setdefault(last.lower(), h)
    for prefix in ("al-", "el-"):
        if last.lower().startswith(prefix):
            state.names.setdefault(last[len(prefix):].lower(), h)


# ---- left of the cue: "X said", "X, the head of Y, said", "X and Y said"


def _bare(tok: str) -> str:
    return tok.strip(_BARE_CHARS).lower()


def _verb_sources(
    text: str, low: str, lo: int, cs: int, ce: int, hi: int, sent: tuple[int, int],
    ordinal: int, state: _ArticleState, quoted: bool,
    earlier: list[_Hit],
) -> list[_Hit]:
    toks, words, bares = _tokens(text, lo, cs)
    # Skip adverbs and auxiliaries right before the cue; reject passives and nouns.
    i = len(toks) - 1
    while i >= 0 and bares[i] in _SKIP_BEFORE and not words[i].endswith(","):
        i -= 1
    prev = bares[i] if i >= 0 else ""
    raw_prev = words[i] if i >= 0 else ""
    if quoted:  # "X was quoted as saying": the subject stands before "was"
        while i >= 0 and bares[i] in ("was", "is", "were", "been"):
            i -= 1
        prev = bares[i] if i >= 0 else ""
        raw_prev = words[i] if i >= 0 else ""
    elif prev in _PASSIVE:
        return []
    if raw_prev.endswith((",", "—", "–")) or raw_prev in ("—", "–") or raw_prev.endswith(
        _QUOTE_CLOSE
    ) or i < 0:
        inverted = _right_sources(text, low, ce, hi, state, strict=True)
        if inverted:
            return inverted
    if i < 0:
        return []
    if prev in ("and", "who") and not raw_prev.endswith(","):
        if earlier:
            last = earlier[-1]
            return [_Hit(last.start, last.end, last.source, last.source_type, last.anonymous,
                         last.side, last.number, last.person_name, reused=True)]
        if prev == "who":
            return []
    if prev in _PRONOUNS and not raw_prev.endswith(","):
        ps, pe = toks[i]
        h = _resolve_pronoun(text, low, prev, ps, pe, sent, ordinal, state)
        return [h] if h else []
    left = _left_phrase(toks[: i + 1], words[: i + 1], bares[: i + 1])
    hits = _resolve_phrase(text, low, left, state) if left else []
    if not hits:
        hits = _right_sources(text, low, ce, hi, state, strict=True)
    return hits


def _left_phrase(
    toks: list[tuple[int, int]], words: list[str], bares: list[str]
) -> tuple[list[tuple[int, int]], bool] | None:
    """Chunks (spans) of the subject before a cue, and whether they are [head, appositive]
    ("X, the head of Y, said") rather than list items ("A, B and C said"); `words` and
    `bares` are the tokens' texts and `_bare` forms."""

    def sep(k: int) -> bool:
        return words[k].endswith(_SEPARATORS)

    def boundary(k: int) -> bool:
        w = words[k]
        return (w.endswith(_CLAUSE_END) or w.startswith(("“", '"'))
                or (bares[k] in _BOUNDARY and not w[:1].isupper()))

    n = len(toks)
    k = n - 1
    chunks: list[tuple[int, int]] = []
    if sep(k):  # "X, <appositive>, said": skip back over the appositive
        j = k - 1
        while j >= 0 and not sep(j) and not words[j].endswith(_QUOTE_CLOSE):
            j -= 1
        appos = (toks[j + 1][0], toks[k][1] - 1)
        head_end = j
        j -= 1 if j >= 0 and words[j + 1] in ("—", "–") else 0
        h = head_end - (1 if head_end >= 0 and words[head_end] in ("—", "–") else 0)
        start = h
        while start >= 0 and not boundary(start) and not (start < h and sep(start)):
            start -= 1
        if h < 0 or start == h:
            return [appos], False
        end = toks[h][1] - (1 if sep(h) and words[h] not in ("—", "–") else 0)
        if words[h] in ("—", "–"):
            end = toks[h - 1][1] if h > 0 else toks[h][0]
        return [(toks[start + 1][0], end), appos], True
    start = k
    while start >= 0 and not boundary(start) and not (start < k and sep(start)):
        start -= 1
    if start == k:
        return None
    chunks.append((toks[start + 1][0], toks[k][1]))
    # List items before a final "X and Y" chunk: "the Observatory, rescuers and residents".
    while start >= 0 and sep(start) and not boundary(start):
        j = start - 1
        while j >= 0 and not boundary(j) and not sep(j):
            j -= 1
        end = toks[start][1] - (0 if words[start] in ("—", "–") else 1)
        chunks.insert(0, (toks[j + 1][0], end))
        if len(chunks) > 6:
            break
        start = j
    return chunks, False


def _resolve_phrase(
    text: str, low: str, parsed: tuple[list[tuple[int, int]], bool], state: _ArticleState,
) -> list[_Hit]:
    """Sources named by the subject chunks (head, appositive; or the items of a list)."""
    chunks, appositive = parsed
    if appositive:
        return _resolve_single_or_and(text, low, chunks[0], state, chunks[1])
    head = chunks[-1]
    if len(chunks) >= 2:
        # A list "A, B and C said" when every earlier chunk is a bare source phrase.
        items: list[tuple[int, int]] = []
        for c in chunks[:-1]:
            if _is_bare_source(low, c, state.table):
                items.append(c)
            else:
                items = []
        if items:
            out: list[_Hit] = []
            for c in items:
                out.extend(_resolve_single_or_and(text, low, c, state, None))
            out.extend(_resolve_single_or_and(text, low, head, state, None))
            if all(h.source_type for h in out):
                return out
    return _resolve_single_or_and(text, low, head, state, None)


def _is_bare_source(low: str, span: tuple[int, int], table: SourceTable) -> bool:
    s, e = span
    matches = [m for m in table.matches(low, s, e) if m[2].kind != "role"]
    if not matches:
        return False
    covered = [False] * 0
    pos = s
    for ms, me, _ in matches:
        gap = low[pos:ms].split()
        if any(w.strip(",") not in _DETERMINERS for w in gap):
            return False
        pos = me
    rest = low[pos:e].split()
    del covered
    return len(rest) <= 4 and all(w.strip(",") not in _VERBISH for w in rest) and all(
        not w[:1].isdigit() for w in rest
    )


def _resolve_single_or_and(
    text: str, low: str, span: tuple[int, int], state: _ArticleState,
    appos: tuple[int, int] | None,
) -> list[_Hit]:
    s, e = span
    parts = _split_and(low, s, e)
    if len(parts) > 1 and appos is None:
        hits = [_resolve_one(text, low, p, None, state) for p in parts]
        if all(h is not None for h in hits):
            return [h for h in hits if h is not None]
    h = _resolve_one(text, low, span, appos, state)
    return [h] if h else []


def _split_and(low: str, s: int, e: int) -> list[tuple[int, int]]:
    parts: list[tuple[int, int]] = []
    pos = s
    while True:
        k = low.find(" and ", pos, e)
        if k < 0:
            break
        parts.append((s if not parts else parts[-1][1] + 5, k))
        pos = k + 5
    if not parts:
        return [(s, e)]
    parts.append((parts[-1][1] + 5, e))
    return [(a, b) for a, b in parts if b > a]


_NAME_WORD = re.compile(r"[A-Za-zÀ-ÿ][\w’'\-]*\.?")


def _names(text: str, s: int, e: int, covered: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of capitalized runs (person names) in text[s:e], outside table matches."""
    # One flat loop with the run kept as two offsets (no word list, no closure): it reads every
    # word of every phrase resolved. A run's trailing particles ("… al") are not part of it.
    runs: list[tuple[int, int]] = []
    first = -1  # start of the run being read, -1 when there is none
    last = -1  # end of the run's last word that is not a particle, -1 when there is none
    prev_end = -1
    for t in _NAME_WORD.finditer(text, s, e):
        ts, te = t.span()
        w = t.group()
        if not w.endswith("S."):
            w = w.rstrip(".")
        if first >= 0 and text[prev_end:ts] not in (" ", "\u00a0"):
            if last >= 0:
                runs.append((first, last))
            first = last = -1
        prev_end = te
        stop = w in _NAME_STOP or w.rstrip("’'s") in _NAME_STOP
        if not stop:
            for a, b in covered:
                if a <= ts < b:
                    stop = True
                    break
        lw = w.lower()
        if not stop and (w[:1].isupper() or (first >= 0 and (lw in _PARTICLES or (
            w[:3].lower() in ("al-", "el-") and w[3:4].isupper()
        )))):
            if first < 0:
                first = ts
            if lw not in _PARTICLES:
                last = ts + len(w)
        elif first >= 0:
            if last >= 0:
                runs.append((first, last))
            first = last = -1
    if last >= 0:
        runs.append((first, last))
    return runs


def _resolve_one(
    text: str, low: str, span: tuple[int, int], appos: tuple[int, int] | None,
    state: _ArticleState,
) -> _Hit | None:
    """One source from a head phrase (and its appositive, if any)."""
    s, e = span
    while s < e and text[s] in " ,“”\"(":
        s += 1
    while e > s and text[e - 1] in " ,.;:”\")":
        e -= 1
    if s >= e:
        return None
    matches = state.table.matches(low, s, e)  # the head's, then the appositive's
    if appos and low[s:s + 4] == "the " and matches and all(
        m[2].kind == "role" for m in matches
    ) and not _names(text, s, e, []):
        # "the official, who is based in Turkey": the official already quoted.
        appos = None
    regions = [(s, e)] + ([appos] if appos else [])
    if appos:
        matches = matches + state.table.matches(low, appos[0], appos[1])
    # The matches sorted once into: typed and role rows; persons named in the head (a table
    # name, "Lavrov"); anonymous individuals heading it ("a Syrian official in Damascus").
    typed: list[tuple[int, int, SourceRow]] = []
    roles: list[tuple[int, int, SourceRow]] = []
    person_rows: list[tuple[int, int, SourceRow]] = []
    heads: list[tuple[int, int, SourceRow]] = []
    for m in matches:
        row = m[2]
        if row.kind == "role":
            roles.append(m)
            continue
        typed.append(m)
        if row.number == "person" and s <= m[0] < e:
            if row.kind == "name":
                person_rows.append(m)
            elif row.kind == "noun" and row.anonymous:
                heads.append(m)
    # A person named in the head: a table name ("Lavrov"), a known name, a capitalized run.
    name_span: tuple[int, int] | None = None
    name = ""
    if person_rows:
        ps, pe, row = person_rows[-1]
        name_span, name = (ps, pe), row.source
    else:
        covered = [(a, b) for a, b, _ in matches]
        for a, b in regions[:1] + regions[1:]:
            runs = _names(text, a, b, covered)
            if not runs:
                continue
            runs = [r for r in runs if " " in text[r[0]:r[1]].strip()
                    or text[r[0]:r[1]].lower() in state.names
                    or (r[0] == s and r[1] == e)]
            if runs:
                name_span = runs[-1] if (a, b) == regions[0] else runs[0]
                name = " ".join(text[name_span[0]:name_span[1]].split())
                break
    known = state.names.get(name.lower()) if name else None
    if known is not None and not person_rows:
        name = known.person_name
    # The type: an organisation's name beats a generic noun; the head beats the appositive.
    pick: SourceRow | None = None
    pick_span: tuple[int, int] | None = None
    # An anonymous individual ("a Syrian official in Damascus") is the head of its phrase.
    if heads:
        pick, pick_span = heads[0][2], (heads[0][0], heads[0][1])
    for kind in () if pick else ("name", "noun"):
        for a, b in regions:
            cands = [m for m in typed if m[2].kind == kind and a <= m[0] < b]
            if cands:
                m = cands[-1] if (a, b) == regions[0] and appos is None else cands[0]
                pick, pick_span = m[2], (m[0], m[1])
                break
        if pick:
            break
    if name_span is not None:
        if pick is None or (pick.number != "person" and known is not None):
            if known is not None:
                return _Hit(name_span[0], name_span[1], name, known.source_type, False,
                            known.side, "person", name)
        if pick is None:
            typ = _introduced_type(text, low, name, name_span[0], state)
            name = _full_name(text, name, name_span[0], state)
            if typ is None and roles and low[s:s + 4] == "the ":
                # "The spokesman, Yasser al-Yousef, said": the spokesman just quoted.
                prev = _last(state, "person", text, name_span)
                if prev is not None:
                    return _Hit(name_span[0], name_span[1], name, prev.source_type, False,
                                "", "person", name)
            if typ is None:
                return _Hit(name_span[0], name_span[1], name, "other", False, "", "person",
                            name)
            return _Hit(name_span[0], name_span[1], name, typ.source_type, False, "", "person",
                        name)
        return _Hit(name_span[0], name_span[1], name, pick.source_type, False, "", "person",
                    name)
    if pick is None or pick_span is None:
        # "the official", "the spokesman": a definite role refers back to the last person.
        # "one of the officials", "a second official": someone already quoted.
        if roles:
            return _last(state, "person", text, (s, e)) or _last(state, "people", text, (s, e))
        return None
    anonymous = pick.anonymous or any(r[2].anonymous for r in roles)
    number = "person" if roles and roles[0][2].number == "person" else pick.number
    return _Hit(s, e, pick.source, pick.source_type, anonymous,
                pick.side if anonymous else "", number)


def _full_name(text: str, name: str, before: int, state: _ArticleState) -> str:
    """'Badran' → 'Riyadh al-Badran' when the article introduced the full name earlier."""
    if " " in name:
        return name
    k = text.find(name, state.start, before)
    if k < 0:
        return name
    for a, b in _names(text, max(state.start, k - 60), min(before, k + len(name)), []):
        if a <= k < b and text[a:b].endswith(name):
            return " ".join(text[a:b].split())
    return name


def _introduced_type(
    text: str, low: str, name: str, before: int, state: _ArticleState
) -> SourceRow | None:
    """Type of a new name from where the article introduced it ("… Commission Riyadh …")."""
    last = name.split()[-1]
    if last in state.introduced:
        return state.introduced[last]
    state.introduced[last] = None
    k = text.find(last, state.start, before)
    if k < 0:
        return None
    a = max(state.start, k - 60)
    b = min(len(text), k + len(last) + 60)
    nl = text.rfind("\n", a, k)
    a = nl + 1 if nl >= 0 else a
    nl = text.find("\n", k, b)
    b = nl if nl >= 0 else b
    matches = [m for m in state.table.matches(low, a, b) if m[2].kind != "role"]
    if not matches:
        return None
    matches.sort(key=lambda m: (m[2].kind != "name", abs(m[0] - k)))
    state.introduced[last] = matches[0][2]
    return matches[0][2]


def _last(state: _ArticleState, number: str, text: str, span: tuple[int, int],
          max_blocks: int | None = None, ordinal: int = 0) -> _Hit | None:
    for o, _pos, h in reversed(state.hits[-_LOOKBACK:]):
        if max_blocks is not None and ordinal - o > max_blocks:
            break
        if h.number == number or (number == "people" and h.source.endswith("s")
                                  and h.number != "person"):
            return _Hit(span[0], span[1], h.source, h.source_type, h.anonymous, h.side,
                        h.number, h.person_name)
    return None


def _resolve_pronoun(
    text: str, low: str, pronoun: str, ps: int, pe: int, sent: tuple[int, int], ordinal: int,
    state: _ArticleState,
) -> _Hit | None:
    """He/she: the last person quoted; it: the last organisation; they: a plural source."""
    span = (ps, pe)
    if pronoun in ("he", "she"):
        h = _last(state, "person", text, span)
        if h is not None:
            return h
        # First paragraph: "The U.N. humanitarian adviser … said" earlier in the sentence.
        matches = state.table.matches(low, max(sent[0], ps - _WINDOW), ps)
        typed = [m for m in matches if m[2].kind != "role"]
        if typed and any(m[2].kind == "role" for m in matches):
            row = typed[0][2]
            return _Hit(ps, pe, row.source, row.source_type, False, "", "person")
        return None
    if pronoun == "it":
        return _last(state, "body", text, span, max_blocks=2, ordinal=ordinal)
    # they: a plural source earlier in the same sentence, else the last plural source.
    typed = [m for m in state.table.matches(low, max(sent[0], ps - _WINDOW), ps)
             if m[2].kind != "role" and m[2].number in ("people", "body")]
    if typed:
        row = typed[0][2]
        return _Hit(ps, pe, row.source, row.source_type, row.anonymous, row.side, "people")
    return _last(state, "people", text, span, max_blocks=2, ordinal=ordinal)


_AFTER_SOURCE = {"of", "from", "for", "with", "in", "at", "familiar", "based", "close", "who",
                 "on", "inside", "within", "near", "speaking", "told", "to"}


def _inverted_np(
    text: str, low: str, head: list[tuple[int, int]], words: list[str], bares: list[str],
    table: SourceTable,
) -> bool:
    """Is the phrase after a cue its subject ("said Mustafa Bali of …") and not the start of
    the reported clause ("said the rebels still control …", "confirmed the army's advances")?
    `words` and `bares` are the texts and `_bare` forms of the tokens, from `head[0]` on."""
    k = 0
    while k < len(head) and bares[k] in _DETERMINERS:
        k += 1
    if k == len(head):
        return False
    first = words[k]
    if first[:1].isupper():
        j = k
        while j + 1 < len(head) and (
            words[j + 1][:1].isupper()
            or bares[j + 1] in _PARTICLES
            or bares[j + 1][:3] in ("al-", "el-")
        ) and not words[j].endswith(","):
            j += 1
        end = head[j][1]
    else:
        ms = [m for m in table.matches(low, head[k][0], head[-1][1]) if m[0] == head[k][0]]
        if not ms:
            return False
        end = ms[0][1]
    if low.startswith(("'s", "’s"), end):
        return False
    rest = [i for i, t in enumerate(head) if t[0] >= end]
    if rest:  # "an Aleppo resident": a table word right after the capitalized words
        at = head[rest[0]][0]
        ms = [m for m in table.matches(low, at, head[-1][1]) if m[0] == at]
        if ms:
            rest = [i for i, t in enumerate(head) if t[0] >= ms[0][1]]
    return (not rest or bares[rest[0]] in _AFTER_SOURCE
            or text[end - 1:end] in ",.;:")


# ---- right of the cue: "said X, the head of Y", "according to X"


def _right_sources(
    text: str, low: str, ce: int, hi: int, state: _ArticleState, strict: bool = False
) -> list[_Hit]:
    """The noun phrase after a cue (and its appositive); strict: only if it ends the clause."""
    toks, words, bares = _tokens(text, ce, hi)
    head: list[tuple[int, int]] = []
    appos: tuple[int, int] | None = None
    end_kind = "end"
    for k, (a, b) in enumerate(toks):
        w = words[k]
        bare = bares[k]
        if w.startswith(("“", '"', "(")):
            end_kind = "quote"
            break
        if head and bare in _NP_STOP_WORDS:
            end_kind = bare
            break
        if bare in _VERBISH:
            return []
        head.append((a, b))
        if w.endswith((",", ";", ":", ".", "”", '"')):
            end_kind = w[-1]
            if w.endswith(",") and k + 1 < len(toks):
                # The appositive: up to the next comma or the end of the sentence.
                ap: list[tuple[int, int]] = []
                for k2 in range(k + 1, len(toks)):
                    a2, b2 = toks[k2]
                    w2 = words[k2]
                    if bares[k2] in ("who", "which", "that") and ap:
                        break
                    if w2.startswith(("“", '"')):
                        break
                    ap.append((a2, b2))
                    if w2.endswith((",", ".", ";", ":")):
                        break
                if ap:
                    appos = (ap[0][0], ap[-1][1])
            break
        if len(head) > 14:
            return []
    if not head:
        return []
    if strict and end_kind not in (",", ".", ";", ":", "end", "told", "in", "adding", "that",
                                   "which", "speaking", "who", "citing", "saying", "quote", "”",
                                   '"'):
        return []
    span = (head[0][0], head[-1][1])
    first = text[head[0][0]:head[0][1]]
    if strict and not (first[:1].isupper() or _bare(first) in _DETERMINERS):
        return []
    if strict and not _inverted_np(text, low, head, words, bares, state.table):
        return []
    hits = _resolve_single_or_and(text, low, span, state, appos)
    if appos and hits and hits[0].source_type == "other":
        hits = _resolve_single_or_and(text, low, span, state, appos)
    return hits
