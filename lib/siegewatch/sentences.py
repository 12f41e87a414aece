"""Sentences: split a block of text into sentence spans, for evidence shown next to a number.

A sentence ends at `.`, `!` or `?` (optionally followed by closing quotes or brackets) when
whitespace and an upper-case letter, digit or opening quote follow, and the word before the
stop is not a known abbreviation (`U.S.`, `Dec.`, `Gen.`, initials). Spans are offsets into
the same text the block's offsets point into, so a sentence is always `text[start:end]`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence

ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "gen", "lt", "col", "maj", "capt", "sgt", "adm", "rep", "sen",
    "gov", "pres", "st", "jr", "sr", "no", "vs", "etc", "inc", "co", "corp", "ltd", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx",
    "u.s", "u.n", "u.k", "e.u", "a.m", "p.m", "i.e", "e.g", "al",
}
# A candidate end: terminal punctuation, optional closers, then whitespace.
_END = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s)")
# The look-behind makes a search start only at the first space of a run: linear, not quadratic,
# on a line of many spaces (tests/test_linear_time.py). The match ends where the next sentence
# starts (its opening quote or first letter), so no second pass strips the space.
_NEXT_START = re.compile(r"(?<!\s)\s+(?=[\"“‘'(\[]?[A-Z0-9])")
_LEADING_SPACE = re.compile(r"\s*")
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
    # Built stripped in one pass (a hot path: every block with a mention, cue or event): a
    # sentence starts after the leading space of the text or after the space matched by
    # _NEXT_START, and every sentence but the last ends on its (non-space) punctuation.
    spans: list[tuple[int, int]] = []
    s = _LEADING_SPACE.match(text, start, end).end()  # type: ignore[union-attr]
    next_start = _NEXT_START.match
    for m in _END.finditer(text, s, end):
        stop = m.end()
        gap = next_start(text, stop, end)
        if gap is None:
            continue
        dot = m.start()
        if stop - dot == 1 and text[dot] == "." and _is_abbreviation(text, dot):
            continue
        spans.append((s, stop))
        s = gap.end()
    e = end
    while e > s and text[e - 1].isspace():
        e -= 1
    if s < e:
        spans.append((s, e))
    return spans


class SentenceIndex:
    """Sentence lookup for a set of blocks: the sentence around any offset, in O(log n)."""

    def __init__(self, text: str, blocks: list[tuple[int, int]],
                 spans: list[tuple[int, int]] | None = None) -> None:
        self.text = text
        if spans is None:
            spans = []
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


class BlockSentences:
    """One document's blocks split into sentences once, shared by the extractors.

    Dates, actor mentions and attributions each need the sentences of many of the same
    blocks; an instance lives for one `extract` call (one document), so nothing leaks between
    documents. The returned indexes are shared: read them, never modify them.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._blocks: dict[tuple[int, int], SentenceIndex] = {}

    def block(self, start: int, end: int) -> SentenceIndex:
        """The sentence index of text[start:end] (split at the first request)."""
        key = (int(start), int(end))
        index = self._blocks.get(key)
        if index is None:
            index = SentenceIndex(self.text, [], sentence_spans(self.text, *key))
            self._blocks[key] = index
        return index


class LineIndex:
    """1-based line number of any offset of a text."""

    def __init__(self, text: str) -> None:
        self.newlines = [m.start() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect_right(self.newlines, offset - 1) + 1

    def lines(self, offsets: Sequence[int]) -> list[int]:
        """`line` of many offsets at once (one vectorized search: mentions ask for thousands)."""
        import numpy as np

        found = np.searchsorted(np.asarray(self.newlines, dtype=np.int64),
                                np.asarray(offsets, dtype=np.int64), side="left")
        return (found + 1).tolist()
