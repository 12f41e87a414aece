"""Sentences: split a block of text into sentence spans, for evidence shown next to a number.

A sentence ends at `.`, `!` or `?` (optionally followed by closing quotes or brackets) when
whitespace and an upper-case letter, digit or opening quote follow, and the word before the
stop is not a known abbreviation (`U.S.`, `Dec.`, `Gen.`, initials). Spans are offsets into
the same text the block's offsets point into, so a sentence is always `text[start:end]`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "adm", "rep", "sen",
    "gov", "pres", "st", "jr", "sr", "no", "vs", "etc", "inc", "co", "corp", "ltd", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx",
    "u.s", "u.n", "u.k", "e.u", "a.m", "p.m", "i.e", "e.g", "al",
}
# A candidate end: terminal punctuation, optional closers, then whitespace.
_END = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s)")
# The look-behind makes a search start only at the first space of a run: linear, not quadratic,
# on a line of many spaces (tests/test_linear_time.py).
_NEXT_START = re.compile(r"(?<!\s)\s+[\"“‘'(\[]?[A-Z0-9]")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]{0,10})$")


def _is_abbreviation(text: str, dot: int) -> bool:
    m = _WORD_BEFORE.search(text, max(0, dot - 12), dot)
    if not m:
        return False
    word = m.group(1).lower().rstrip(".")
    if word in ABBREVIATIONS:
        return True
    # Single initials ("J. Smith") and dotted acronyms ("U.S.", "U.N.") do not end sentences
    # unless a new sentence clearly follows; keep them joined.
    return len(word) == 1 or ("." in word and len(word) <= 5)


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans within text[start:end], stripped of surrounding whitespace."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    s = start
    for m in _END.finditer(text, start, end):
        stop = m.end()
        if not _NEXT_START.match(text, stop, end):
            continue
        if text[m.start()] == "." and m.end() - m.start() == 1 and _is_abbreviation(
            text, m.start()
        ):
            continue
        spans.append((s, stop))
        s = stop
    if s < end:
        spans.append((s, end))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a < b:
            out.append((a, b))
    return out


class SentenceIndex:
    """Sentence lookup for a set of blocks: the sentence around any offset, in O(log n)."""

    def __init__(self, text: str, blocks: list[tuple[int, int]]) -> None:
        self.text = text
        spans: list[tuple[int, int]] = []
        for s, e in sorted(blocks):
            spans.extend(sentence_spans(text, s, e))
        self.spans = spans
        self.starts = [s for s, _ in spans]

    def around(self, offset: int) -> tuple[int, int]:
        i = bisect_right(self.starts, offset) - 1
        if i >= 0 and self.spans[i][0] <= offset < self.spans[i][1]:
            return self.spans[i]
        return offset, offset

    def sentence(self, offset: int) -> str:
        s, e = self.around(offset)
        return self.text[s:e]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return iter(self.spans)


class LineIndex:
    """1-based line number of any offset of a text."""

    def __init__(self, text: str) -> None:
        self.newlines = [m.start() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect_right(self.newlines, offset - 1) + 1
