"""The Hyperscan matcher and the pure-Python fallback give identical results.

Both are checked against each other on the whole bundled corpus (mentions rows) and, with
hypothesis, on generated text full of alias spellings, case changes, glued letters and
multi-byte characters; and both against a slow reference written with str.find.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from siegewatch import actors
from siegewatch.loading import read_document
from siegewatch.segmenting import segment

pytest.importorskip("hyperscan")

ROOT = Path(__file__).resolve().parents[1]
COMP = actors.compile_gazetteer()
WORD = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def reference(text: str) -> list[tuple[int, int, int]]:
    """Slow, obvious version: every pattern by str.find, then leftmost-longest greedy."""
    low = text.translate(str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                                       "abcdefghijklmnopqrstuvwxyz"))
    hits = set()
    for pid, pat in enumerate(COMP.patterns):
        hay = text if COMP.case[pid] else low
        i = hay.find(pat)
        while i != -1:
            e = i + len(pat)
            left = pat[0] in WORD and i > 0 and text[i - 1] in WORD
            right = pat[-1] in WORD and e < len(text) and text[e] in WORD
            if not left and not right:
                hits.add((i, e, int(COMP.group[pid])))
            i = hay.find(pat, i + 1)
    out, last = [], -1
    for s, e, g in sorted(hits, key=lambda h: (h[0], -h[1], h[2])):
        if s >= last:
            out.append((s, e, g))
            last = e
    return out


def test_both_matchers_find_the_same_mentions_in_the_corpus():
    for p in sorted((ROOT / "data" / "raw").iterdir()):
        doc = read_document(p, p.name)
        seg = segment(doc)
        hs_rows = actors.find_mentions(doc, seg, None, matcher="hyperscan")
        py_rows = actors.find_mentions(doc, seg, None, matcher="python")
        assert hs_rows == py_rows, p.name
        spans = actors.match_spans(doc.text, COMP, "hyperscan")
        assert spans == actors.match_spans(doc.text, COMP, "python") == reference(doc.text)


def _spellings() -> list[str]:
    out = []
    for a in COMP.gazetteer.aliases[::3]:
        out += actors.variants(a.alias)[:2]
    return out


ALIASES = _spellings()
PIECES = st.one_of(
    st.sampled_from(ALIASES),
    st.sampled_from(ALIASES).map(str.upper),
    st.sampled_from(ALIASES).map(str.lower),
    st.sampled_from(ALIASES).map(str.swapcase),
    st.sampled_from([" ", "  ", "-", "’", "'", ".", ",", "\n", "(", ")", "é", "x", "s", "_",
                     "İ", "\u212a", "ß", "日本", "😀", "U.S.", "IS", "is", "Is", "army", "the "]),
    st.text(alphabet="aAeIsS ’-é\n", max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=40).map("".join))
def test_matchers_agree_with_each_other_and_the_reference(text):
    hs_spans = actors.match_spans(text, COMP, "hyperscan")
    py_spans = actors.match_spans(text, COMP, "python")
    assert hs_spans == py_spans == reference(text)
    for s, e, g in hs_spans:
        assert actors.alias_key(text[s:e]) == actors.alias_key(
            COMP.groups[g][0].alias) or COMP.groups[g][0].case


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(ALIASES), min_size=1, max_size=8))
def test_aliases_separated_by_spaces_are_all_found(names):
    text = " ; ".join(names)
    spans = actors.match_spans(text, COMP, "hyperscan")
    assert spans == actors.match_spans(text, COMP, "python")
    # Every alias written out on its own is found (perhaps as part of a longer alias).
    covered = [any(s <= text.index(n, sum(len(m) + 3 for m in names[:i])) < e for s, e, _ in spans)
               for i, n in enumerate(names)]
    assert all(covered)
