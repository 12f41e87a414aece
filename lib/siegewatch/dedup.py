"""Duplicates: find articles whose text is repeated, whole or nearly whole, anywhere in a corpus.

Each article gets a MinHash signature of its body's word 5-shingles in the per-file map step
(`signature`). The reduce step (`find_duplicates`) buckets signatures by bands (locality
sensitive hashing), so the work grows with the number of articles, not its square, and marks
every later copy as a duplicate of the first article of its group, in corpus order (file
name, then position). A copy counts as "nearly whole" when the estimated overlap of shingles
(containment of the shorter in the longer) is at least `THRESHOLD` and the shorter text is at
least `MIN_COVER` of the longer: a cut-off copy is a duplicate, but a long article that quotes a
short one in full (an update with new paragraphs, a round-up) is not.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections.abc import Callable, Sequence

import numpy as np

N_HASHES = 64
BANDS = 16
ROWS = N_HASHES // BANDS
SHINGLE = 5
THRESHOLD = 0.8
MIN_COVER = 0.5
MIN_WORDS = 25  # shorter texts are compared exactly, not approximately
_CHUNK = 16384  # shingles hashed at a time

_WORD = re.compile(r"\w+")
# ASCII bytes that `\w` does not match become spaces; bytes of multi-byte UTF-8 characters stay.
_ASCII_NON_WORD_TO_SPACE = bytes(
    c if c >= 128 or c == ord("_") or chr(c).isalnum() else ord(" ") for c in range(256)
)
_NON_ASCII_NON_WORD = re.compile(r"[^\x00-\x7f\w]")  # no "+": faster, split() joins runs
_RNG = np.random.default_rng(20161212)  # fixed seed: signatures are identical across runs
_A = _RNG.integers(1, 2**63, size=N_HASHES, dtype=np.uint64) | np.uint64(1)
_B = _RNG.integers(0, 2**63, size=N_HASHES, dtype=np.uint64)
_MIX = np.array([0x9E3779B97F4A7C15 >> k for k in range(SHINGLE)], dtype=np.uint64) | np.uint64(1)
_FNV = 0x100000001B3
# A shingle's hash is h = h * _FNV + word_k * _MIX[k] over its words, modulo 2**64; unrolled,
# word k is multiplied by _MIX[k] * _FNV ** (SHINGLE - 1 - k), the same number modulo 2**64.
_SHINGLE_COEF = [
    np.uint64(int(m) * pow(_FNV, SHINGLE - 1 - k, 2**64) % 2**64) for k, m in enumerate(_MIX)
]
_A_COL = _A[:, None]
_B_COL = _B[:, None]


def normalized_words(text: str) -> list[str]:
    """The `\\w+` runs of the lower-cased text (what shingles are made of)."""
    # Same result as `_WORD.findall(text.lower())`, about three times faster: one byte-table
    # pass turns ASCII non-word characters into spaces, a regex does the same for the rare
    # non-ASCII ones (curly quotes, dashes, no-break spaces), and str.split cuts at the spaces.
    # No whitespace character is a word character, so the pieces are exactly the runs.
    low = text.lower().encode("utf-8", "surrogatepass")
    spaced = low.translate(_ASCII_NON_WORD_TO_SPACE).decode("utf-8", "surrogatepass")
    if not spaced.isascii():
        spaced = _NON_ASCII_NON_WORD.sub(" ", spaced)
    return spaced.split()


_CRC: dict[str, int] = {}  # word -> crc32, shared by the articles a worker signs


def _word_hashes(words: list[str]) -> list[int]:
    """crc32 of each word's UTF-8 bytes, from a bounded cache (news reuses its words)."""
    if len(_CRC) > 500_000:
        _CRC.clear()
    codes = list(map(_CRC.get, words))
    if None in codes:  # some words are new: hash each new word once, then look all up again
        for w in set(words).difference(_CRC):
            _CRC[w] = zlib.crc32(w.encode())
        codes = list(map(_CRC.get, words))
    return codes  # type: ignore[return-value]


def signature(text: str) -> tuple[str, bytes, int]:
    """(exact hash of the normalized text, MinHash signature bytes, number of shingles)."""
    words = normalized_words(text)
    exact = hashlib.sha1(" ".join(words).encode()).hexdigest()
    if len(words) < MIN_WORDS:
        return exact, b"", 0
    w = np.fromiter(_word_hashes(words), dtype=np.uint64, count=len(words))
    n = len(words) - SHINGLE + 1
    with np.errstate(over="ignore"):
        sh = w[:n] * _SHINGLE_COEF[0]  # in place from here: fewer passes over the array
        for k in range(1, SHINGLE):
            sh += w[k : k + n] * _SHINGLE_COEF[k]
        sh.sort()  # then keep the first of equal neighbours: np.unique, minus its overhead
        sh = sh[np.concatenate(([True], sh[1:] != sh[:-1]))]
        # In chunks, so a multi-megabyte article needs N_HASHES x CHUNK words of memory, not
        # N_HASHES x its size (a 4 MB line of prose otherwise takes most of a gigabyte).
        mins = np.full(N_HASHES, np.iinfo(np.uint64).max, dtype=np.uint64)
        for k in range(0, sh.size, _CHUNK):
            hashed = _A_COL * sh[k : k + _CHUNK]
            hashed += _B_COL
            np.minimum(mins, hashed.min(axis=1), out=mins)
    return exact, mins.astype("<u8").tobytes(), int(sh.size)


def _similar(sig_a: bytes, n_a: int, sig_b: bytes, n_b: int) -> bool:
    a = np.frombuffer(sig_a, dtype="<u8")
    b = np.frombuffer(sig_b, dtype="<u8")
    jaccard = float(np.count_nonzero(a == b)) / N_HASHES
    # Containment of the smaller set in the larger, from the Jaccard estimate.
    small, large = sorted((n_a, n_b))
    if small == 0 or small < MIN_COVER * large:
        return False
    containment = jaccard * (small + large) / (small * (1 + jaccard))
    return containment >= THRESHOLD


def find_duplicates(
    ids: Sequence[str],
    exact: Sequence[str],
    sigs: Sequence[bytes],
    n_shingles: Sequence[int],
) -> dict[str, str]:
    """Map each duplicate article id to the id of the first article it repeats.

    Inputs are parallel sequences in corpus order (the first occurrence wins).
    """
    parent = list(range(len(ids)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri != rj:
            lo, hi = min(ri, rj), max(ri, rj)
            parent[hi] = lo

    first_exact: dict[str, int] = {}
    for i, h in enumerate(exact):
        if h in first_exact:
            union(first_exact[h], i)
        else:
            first_exact[h] = i
    # One band at a time: memory holds one band's buckets, not all sixteen.
    width = ROWS * 8
    for band in range(BANDS):
        buckets: dict[bytes, list[int]] = {}
        for i, sig in enumerate(sigs):
            if sig:
                buckets.setdefault(sig[band * width : (band + 1) * width], []).append(i)
        for members in buckets.values():
            if len(members) > 1:
                _join_bucket(members, sigs, n_shingles, find, union)
        del buckets
    out: dict[str, str] = {}
    for i in range(len(ids)):
        r = find(i)
        if r != i:
            out[ids[i]] = ids[r]
    return out


MAX_COMPARE = 32  # earlier members of a bucket a candidate is compared with, at most


def _join_bucket(
    members: list[int],
    sigs: Sequence[bytes],
    n_shingles: Sequence[int],
    find: Callable[[int], int],
    union: Callable[[int, int], None],
) -> None:
    """Union each member with the first earlier member it is similar to (bounded work)."""
    for pos, j in enumerate(members[1:], start=1):
        for k in members[max(0, pos - MAX_COMPARE) : pos]:
            if find(k) == find(j):
                break
            if _similar(sigs[k], n_shingles[k], sigs[j], n_shingles[j]):
                union(k, j)
                break

