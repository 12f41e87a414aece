"""Segmenting: split a decoded document into the articles a careful reader sees.

The unit of work is the *block*: one non-empty line, stripped. Each block is given a role
(title, caption, byline, dateline, body, heading, credit, ...) and either belongs to exactly one
article or goes to the ledger of what was set aside, with the reason. Because blocks never
overlap and every non-whitespace character lies in some block, nothing is lost and nothing is
counted twice: `tests/test_accounting.py` checks this on the bundled corpus and on generated
text.

How boundaries are found (see docs/segmentation.md for the long form):
- an article ends at its credit line (``(Reporting by …)``), an ``Associated Press writers …
  contributed`` line, a ``Sources: …`` line, or site chrome such as ``Show Full Article``;
- after an end, the next short unpunctuated line is the next article's title;
- inside an article, such a line is a section heading unless a byline, a credited photo
  caption or a wire dateline follows it at once (an article whose credit line was lost);
- a run of three or more lines repeating an earlier run of the same file starts a new
  (untitled) article: a scraper that printed the article twice; `dedup` then marks it.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass, field

from siegewatch import patterns as P
from siegewatch.loading import Document

ARTICLE_ROLES = (
    "title", "caption", "caption_repeat", "byline", "dateline", "body", "heading",
    "credit", "note", "graphic", "sources", "artifact", "repeat",
)
# Roles whose text makes up the article body (what `n_words` counts and extraction reads).
BODY_ROLES = ("body", "heading")


@dataclass(slots=True)
class Block:
    line: int
    start: int
    end: int
    text: str
    kind: str = "text"  # what the line looks like on its own
    role: str = ""  # what it is in context
    ledger: str | None = None  # reason, when set aside
    idx: int = 0  # position among the document's blocks
    place: str | None = None  # dateline blocks: the place named
    wire: str | None = None  # dateline blocks: the wire named
    norm: str | None = field(default=None, repr=False, compare=False)  # `_norm(text)`, once


@dataclass
class _Draft:
    blocks: list[Block] = field(default_factory=list)
    has_body: bool = False


@dataclass
class Segmentation:
    """Rows of the `articles`, `blocks` and `ledger` tables for one document."""

    articles: list[dict[str, object]]
    blocks: list[dict[str, object]]
    ledger: list[dict[str, object]]


# --------------------------------------------------------------------------- blocks


def split_blocks(text: str) -> list[Block]:
    """Every non-empty line of `text`, stripped, with its 1-based line number and span."""
    blocks: list[Block] = []
    pos = 0
    for line, raw in enumerate(text.split("\n"), start=1):
        stripped = raw.strip()  # str.strip removes exactly the characters str.isspace accepts
        if stripped:
            s = pos + len(raw) - len(raw.lstrip())
            blocks.append(Block(line, s, s + len(stripped), stripped, idx=len(blocks)))
        pos += len(raw) + 1
    return blocks


# ASCII bytes that are not letters or digits become spaces; bytes of other characters stay.
_ASCII_NON_ALNUM_TO_SPACE = bytes(
    c if c >= 128 or chr(c).isalnum() else ord(" ") for c in range(256)
)
_NON_ASCII_NON_ALNUM = re.compile(r"[^\x00-\x7f\w]")
_ASCII_LOWER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")
_NOT_ASCII_ALNUM = bytes(c for c in range(256) if not (c < 128 and chr(c).isalnum()))


def _norm(s: str) -> str:
    """Lower-case alphanumerics only, for comparing near-identical lines."""
    # The runs of str.isalnum() characters of s.lower(), joined by single spaces. Written as a
    # byte-table pass (ASCII), a regex for the rare other non-alphanumerics (curly quotes) and
    # str.split, which is three times faster than collecting the runs with a regex.
    low = s.lower().encode("utf-8", "surrogatepass")
    spaced = low.translate(_ASCII_NON_ALNUM_TO_SPACE).decode("utf-8", "surrogatepass")
    if not spaced.isascii():
        spaced = _NON_ASCII_NON_ALNUM.sub(" ", spaced)
    return " ".join(spaced.split())


def _block_norm(b: Block) -> str:
    """`_norm` of a block's text, computed once: caption pairs, repeats and standfirsts ask."""
    if b.norm is None:
        b.norm = _norm(b.text)
    return b.norm


def _fingerprint(s: str) -> bytes:
    """The ASCII letters and digits of `s.lower()`: equal for lines whose `_norm` is equal.

    `_norm` keeps every letter and digit of the lower-cased text in order, so this is a
    function of `_norm(s)`, and several times cheaper to compute.
    """
    if s.isascii() or ("\u0130" not in s and "\u212a" not in s):
        # No other character lower-cases to an ASCII one (İ gives i, the Kelvin sign k), so
        # lower-casing the kept ASCII letters alone gives the same bytes, without str.lower.
        return s.encode("utf-8", "surrogatepass").translate(_ASCII_LOWER, _NOT_ASCII_ALNUM)
    return s.lower().encode("utf-8", "surrogatepass").translate(None, _NOT_ASCII_ALNUM)


_ALNUM = re.compile(r"[^\W_]")  # a character for which str.isalnum() is true


def _first_alnum(s: str) -> str | None:
    """First character of `_norm(s)` when the first letter or digit of `s` is ASCII, else None.

    Nothing before that letter or digit lower-cases to a letter or digit (true of every
    Unicode character), and an ASCII character lower-cases alone.
    """
    m = _ALNUM.search(s)
    return m.group().lower() if m is not None and m.group().isascii() else None


# `near_duplicate` holds only for normalized texts that are equal or share their first
# `_HEAD` characters (a cut-off copy has 30+, a changed credit 32+ in common).
_HEAD = 30


def _norm_head(b: Block) -> str:
    """The first `_HEAD` characters of `_block_norm(b)`, from the line's start when it can."""
    start = b.text[: 3 * _HEAD]
    # str.lower maps character by character except capital sigma (final or not depends on
    # what follows), so without it the start's `_norm` is a prefix of the line's `_norm`.
    if b.norm is None and len(start) < len(b.text) and "\u03a3" not in start:
        head = _norm(start)
        if len(head) >= _HEAD:
            return head[:_HEAD]
    return _block_norm(b)[:_HEAD]


def near_duplicate(na: str, nb: str) -> bool:
    """Given two lines' `_norm` texts: the same text, one a cut-off copy of the other, or the
    same but for a changed credit."""
    if not na or not nb:
        return False
    if na == nb:
        return True
    short, long_ = (na, nb) if len(na) <= len(nb) else (nb, na)
    if len(short) >= 30 and long_.startswith(short):
        return True
    common = len(os.path.commonprefix([na, nb]))
    return len(short) >= 40 and common >= 0.8 * len(short)


def _strip_bbcode(s: str) -> str:
    return P.BBCODE.sub("", s).strip() if "[" in s else s


def _ends_unpunctuated(s: str) -> bool:
    t = s.rstrip(P.QUOTE_CLOSERS + " ")
    return bool(t) and t[-1] not in P.TERMINAL_PUNCT


def is_headline(text: str) -> bool:
    """A short line that reads like a title or heading: no sentence punctuation at its end."""
    t = _strip_bbcode(text)
    if not t or len(t) > 200:
        return False
    words = t.split()
    if not 1 <= len(words) <= 25:
        return False
    first = t[0]
    if not (first.isupper() or first.isdigit() or first in "‘“\"'["):
        return False
    if t.endswith("?"):
        return len(words) <= 15
    return _ends_unpunctuated(t)


def is_caps_heading(text: str) -> bool:
    if text.isascii():  # ASCII letters are exactly its cased characters: one C-level test
        return text.isupper() and len(text.split()) <= 8
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and len(text.split()) <= 8 and all(c.isupper() for c in letters)


# Longer lines are never photo captions (the longest in the bundled corpus has 263 characters):
# a scraped page flattened onto one line of megabytes is article text, whatever it mentions.
MAX_CAPTION_CHARS = 1000


def _wire_dateline(text: str) -> re.Match[str] | None:
    """`DATELINE_WIRE.match`, skipped at once for the many lines without an early "("."""
    if text.find("(", 0, P.DATELINE_WIRE_PAREN_BEFORE) == -1:
        return None
    return P.DATELINE_WIRE.match(text)


def caption_like(text: str) -> bool:
    """Looks like a photo caption: a credit, FILE PHOTO, a trailing date, or a cut-off line."""
    if len(text) > MAX_CAPTION_CHARS:
        return False
    if P.PHOTO_CREDIT.search(text) or P.FILE_PHOTO.match(text):
        return True
    tail = text[-80:]
    if P.CAPTION_DATE_END.search(tail):
        return True
    return _ends_unpunctuated(text) and len(text.split()) >= 8


def classify(block: Block) -> str:
    """What a block looks like on its own, before context decides its role."""
    t = block.text
    if len(t) <= 120:
        if P.FORUM_STAMP.fullmatch(t):
            return "forum_stamp"
        if P.SITE_CHROME.fullmatch(t):
            low = t.lower()
            if low.startswith(("show full", "related")):
                return "chrome_end"
            return "chrome"
        if P.BYLINE.fullmatch(t):
            return "byline"
    if t.startswith("» ") and len(t) <= 300:
        return "forum_thread"
    if t.startswith("("):
        if P.CREDIT.fullmatch(t):
            return "credit"
        if P.CORRECTION_NOTE.fullmatch(t):
            return "note"
        if P.GRAPHIC.fullmatch(t):
            return "graphic"
    if t.startswith("Associated Press") and P.AP_CONTRIB.fullmatch(t):
        return "credit"
    if t.startswith("Source") and len(t) <= 300 and P.SOURCES_LINE.fullmatch(t):
        return "sources"
    if len(t) <= MAX_CAPTION_CHARS and (P.PHOTO_CREDIT.search(t) or P.FILE_PHOTO.match(t)):
        return "caption"
    if is_headline(t):
        return "caps" if is_caps_heading(t) else "headline"
    return "text"


END_KINDS = ("credit", "sources")
LEDGER_KINDS = ("forum_stamp", "forum_thread", "chrome", "chrome_end", "nav_tags")


def _mark_ledger_runs(blocks: list[Block]) -> None:
    """Forum thread lists and site chrome go to the ledger, with a reason each."""
    n = len(blocks)
    for i, b in enumerate(blocks):
        if b.kind == "forum_thread":
            near = [blocks[j].kind for j in (i - 1, i + 1) if 0 <= j < n]
            if "forum_stamp" not in near:
                b.kind = "text"
        if b.kind == "chrome_end" and b.text.lower().startswith("related"):
            # The tag list printed after "Related Topics".
            j = i + 1
            while j < n and j <= i + 3 and len(blocks[j].text.split()) <= 8 and _ends_unpunctuated(
                blocks[j].text
            ):
                blocks[j].kind = "nav_tags"
                j += 1
    for b in blocks:
        if b.kind in ("forum_stamp", "forum_thread"):
            b.ledger = "forum thread list (unrelated posts)"
        elif b.kind in ("chrome", "chrome_end", "nav_tags"):
            b.ledger = "site navigation or advertising"


def _mark_caption_pairs(blocks: list[Block]) -> set[int]:
    """Adjacent near-identical lines: a caption printed twice (or a line repeated)."""
    repeats: set[int] = set()
    # Cheap necessary conditions first, each computed once per block (most are in two pairs).
    firsts = [_first_alnum(b.text) for b in blocks]
    heads: dict[int, str] = {}

    def same_start(i: int) -> bool:
        fa, fb = firsts[i], firsts[i + 1]
        if fa is not None and fb is not None and fa != fb:
            return False
        for k in (i, i + 1):
            if k not in heads:
                heads[k] = _norm_head(blocks[k])
        return heads[i] == heads[i + 1]

    i = 0
    while i + 1 < len(blocks):
        a, b = blocks[i], blocks[i + 1]
        if (
            a.ledger is None
            and b.ledger is None
            and len(a.text) <= 800
            and len(b.text) <= 800
            and a.kind not in END_KINDS
            and same_start(i)
            and near_duplicate(_block_norm(a), _block_norm(b))
        ):
            keep, drop = (a, b) if len(_block_norm(a)) >= len(_block_norm(b)) else (b, a)
            captiony = caption_like(a.text) or caption_like(b.text)
            keep.kind = "caption" if captiony else keep.kind
            drop.kind = "caption_repeat" if captiony else "repeat"
            repeats.add(id(drop))
            i += 2
            continue
        i += 1
    return repeats


def _repeat_keys(lines: list[Block]) -> list[str | int]:
    """Keys of lines that are equal exactly when their `_norm` is, with few `_norm` computed.

    Equal `_norm` implies equal fingerprint, and equal texts have equal `_norm`: lines whose
    fingerprint only one distinct text has get the fingerprint's number as key (no `_norm`).
    """
    prints = [_fingerprint(b.text) for b in lines]
    texts: dict[bytes, set[str]] = {}
    for f, b in zip(prints, lines, strict=True):
        texts.setdefault(f, set()).add(b.text)
    number = {f: k for k, f in enumerate(texts)}
    return [
        number[f] if len(texts[f]) == 1 else _block_norm(b)
        for f, b in zip(prints, lines, strict=True)
    ]


def _repeat_run_starts(blocks: list[Block], min_run: int = 3) -> set[int]:
    """Indexes where a run of `min_run`+ long lines repeats an earlier run of the same file.

    Only lines of 60+ characters take part, so a short heading inside the repeated text
    ("PALMYRA") does not break the run.
    """
    long_ = [i for i, b in enumerate(blocks) if len(b.text) >= 60 and b.ledger is None]
    keys = _repeat_keys([blocks[i] for i in long_])
    first_seen: dict[str | int, int] = {}
    for p, key in enumerate(keys):
        first_seen.setdefault(key, p)
    starts: set[int] = set()
    p = 0
    while p < len(keys):
        j = first_seen[keys[p]]
        if j < p:
            run = 1
            while p + run < len(keys) and j + run < p and keys[p + run] == keys[j + run]:
                run += 1
            if run >= min_run:
                starts.add(long_[p])
                p += run
                continue
        p += 1
    return starts


# --------------------------------------------------------------------------- roles


def _dateline(text: str) -> tuple[int, str | None, str | None]:
    """Length of a leading wire dateline, the place and the wire (0 when none)."""
    m = _wire_dateline(text)
    if m:
        place = (m.group("place") or "").strip(" ,") or None
        return m.end(), place, m.group("wire")
    m = P.DATELINE_CAPS.match(text)
    if m:
        return m.end(), m.group("place").strip(" ,"), None
    m = P.DATELINE_COLON.match(text)
    if m and len(text) > m.end() + 40:
        return m.end(), m.group("place").strip(" ,"), None
    return 0, None, None


def _strong_header(blocks: list[Block], i: int) -> bool:
    """Does block i open an article's header: byline, credited caption, wire dateline?"""
    if i >= len(blocks):
        return False
    b = blocks[i]
    if b.ledger is not None:
        return False
    if b.kind in ("byline",):
        return True
    if b.kind == "caption" and (P.PHOTO_CREDIT.search(b.text) or P.FILE_PHOTO.match(b.text)):
        return True
    return bool(_wire_dateline(b.text))


def _split_block(b: Block, cut: int, first_role: str, second_role: str) -> list[Block]:
    head = b.text[:cut].rstrip()
    a = Block(b.line, b.start, b.start + len(head), head, b.kind, first_role, idx=b.idx)
    rest = b.text[cut:]
    lead = len(rest) - len(rest.lstrip())
    c = Block(b.line, b.start + cut + lead, b.end, rest.lstrip(), b.kind, second_role, idx=b.idx)
    return [a, c] if c.text else [a]


def _body_blocks(b: Block, first_body: bool) -> list[Block]:
    """A body line, with a leading wire dateline or image-file slug split off."""
    if first_body:
        cut, place, wire = _dateline(b.text)
        if cut and cut < len(b.text):
            parts = _split_block(b, cut, "dateline", "body")
            parts[0].place, parts[0].wire = place, wire
            return parts
    m = P.SLUG_PREFIX.match(b.text)
    if m:
        return _split_block(b, m.end(), "artifact", "body")
    b.role = "body"
    return [b]


# --------------------------------------------------------------------------- segmentation


def article_id(doc: Document, ordinal: int) -> str:
    """Stable id: the file's name and content fingerprint, then the article's ordinal."""
    return f"{_id_prefix(doc)}-{ordinal:04d}"


def _id_prefix(doc: Document) -> str:
    return hashlib.sha1(f"{doc.file}\0{doc.sha1}".encode()).hexdigest()[:10]


def segment(doc: Document) -> Segmentation:
    """Split one document into article rows, block rows and ledger rows."""
    if doc.records is not None:
        return _segment_records(doc)
    blocks = split_blocks(doc.text)
    for b in blocks:
        b.kind = classify(b)
    _mark_ledger_runs(blocks)
    _mark_caption_pairs(blocks)
    repeat_starts = _repeat_run_starts(blocks)

    drafts: list[_Draft] = []
    ledger_blocks: list[Block] = []
    cur: _Draft | None = None
    last_closed: _Draft | None = None

    def close() -> None:
        nonlocal cur, last_closed
        if cur is not None:
            drafts.append(cur)
            last_closed = cur
        cur = None

    def open_(first: Block | None = None) -> _Draft:
        nonlocal cur, last_closed
        close()
        cur = _Draft()
        last_closed = None
        if first is not None:
            first.role = "title"
            cur.blocks.append(first)
        return cur

    n = len(blocks)
    for i, b in enumerate(blocks):
        if b.ledger is not None:
            ledger_blocks.append(b)
            if b.kind != "chrome":  # "Advertisements" mid-article does not end it
                close()
                last_closed = None
            continue
        if i in repeat_starts and (cur is None or cur.has_body):
            # A repeat right after a fresh title (or between articles) is already a new
            # article; only a repeat inside an article's text opens an untitled one.
            open_()
        kind = b.kind
        if kind in END_KINDS:
            target = cur or last_closed
            if target is None:
                b.ledger = "credit or sources line outside any article"
                ledger_blocks.append(b)
                continue
            b.role = "credit" if kind == "credit" else "sources"
            target.blocks.append(b)
            if cur is not None:
                close()
            continue
        if cur is None:
            if kind in ("headline", "caps") and len(_strip_bbcode(b.text).split()) >= 2:
                open_(b)
                continue
            open_()
        assert cur is not None
        if kind in ("headline", "caps") and cur.has_body:
            if kind == "headline" and _strong_header(blocks, i + 1):
                open_(b)
            else:
                b.role = "heading"
                cur.blocks.append(b)
            continue
        if kind == "caption_repeat":
            b.role = "caption_repeat"
        elif kind == "repeat":
            b.role = "repeat"
        elif kind == "byline":
            b.role = "byline"
        elif kind in ("note", "graphic"):
            b.role = kind
        elif kind == "caption":
            b.role = "caption"
        elif not cur.has_body and (
            caption_like(b.text)
            or (i + 1 < n and (blocks[i + 1].kind == "byline" or _strong_dateline(blocks[i + 1])))
        ):
            b.role = "caption"
        else:
            parts = _body_blocks(b, first_body=_dateline_allowed(cur))
            cur.blocks.extend(parts)
            cur.has_body = True
            continue
        cur.blocks.append(b)
    close()

    # Drafts with no body text are not articles: a stray headline or caption.
    articles: list[_Draft] = []
    for d in drafts:
        if d.has_body:
            _mark_repeated_standfirst(d)
            articles.append(d)
        else:
            for b in d.blocks:
                b.ledger = "headline or caption without article text"
                ledger_blocks.append(b)
    return _rows(doc, articles, ledger_blocks)


def _mark_repeated_standfirst(d: _Draft) -> None:
    """A summary paragraph above the dateline that the body repeats word for word is a
    `repeat`: the same sentences are not counted twice."""
    roles = [b.role for b in d.blocks]
    if "dateline" not in roles:
        return
    lead = roles.index("dateline")
    above = [b for b in d.blocks[:lead] if b.role == "body" and len(b.text) >= 40]
    if not above:
        return
    later = " ".join(_block_norm(b) for b in d.blocks[lead:] if b.role == "body")
    for b in above:
        if _block_norm(b) in later:
            b.role = "repeat"


def _dateline_allowed(d: _Draft) -> bool:
    """A dateline opens the first paragraph, or the second after a standfirst and captions."""
    if not d.has_body:
        return True  # no body block yet, so no dateline either (one comes with a body block)
    if d.blocks[-1].role not in ("caption", "caption_repeat"):
        return False  # checked first: it is cheap, and rules out most calls
    roles = [b.role for b in d.blocks]
    return "dateline" not in roles and roles.count("body") == 1


def _strong_dateline(b: Block) -> bool:
    return b.ledger is None and bool(_wire_dateline(b.text))


def _segment_records(doc: Document) -> Segmentation:
    """JSON Lines / CSV exports: every record is an article already."""
    assert doc.records is not None
    drafts: list[_Draft] = []
    text = doc.text
    all_blocks = split_blocks(text)
    bi = 0
    for rec in doc.records:
        d = _Draft()
        while bi < len(all_blocks) and all_blocks[bi].start < rec.body_end + 1:
            b = all_blocks[bi]
            if rec.title_start <= b.start < rec.title_end and rec.title:
                b.role = "title"
                d.blocks.append(b)
            else:
                d.blocks.extend(_body_blocks(b, first_body=not d.has_body))
                d.has_body = True
            bi += 1
        if d.blocks:
            drafts.append(d)
    seg = _rows(doc, [d for d in drafts if d.has_body], [])
    # Export fields: the record's own date and source.
    by_start = {r.title_start if r.title else r.body_start: r for r in doc.records}
    for row in seg.articles:
        rec = by_start.get(int(row["start"]))  # type: ignore[arg-type]
        if rec is None:
            continue
        if rec.source and not row["outlet"]:
            row["outlet"] = rec.source
        row["url"] = rec.url
        row["export_date"] = rec.date
    leftovers = [d for d in drafts if not d.has_body]
    for d in leftovers:
        for b in d.blocks:
            seg.ledger.append(_ledger_row(doc, [b], "record with a title but no text"))
    return seg


def _ledger_row(doc: Document, run: list[Block], reason: str) -> dict[str, object]:
    text = doc.text[run[0].start : run[-1].end]
    chars = len("".join("".join(b.text for b in run).split()))  # non-whitespace characters
    return {
        "file": doc.file,
        "first_line": run[0].line,
        "last_line": run[-1].line,
        "start": run[0].start,
        "end": run[-1].end,
        "reason": reason,
        "chars": chars,
        "excerpt": " ".join(text.split())[:160],
    }


def _article_row(doc: Document, aid: str, bl: list[Block]) -> dict[str, object]:
    """The `articles` row of one article's blocks, read in one pass over them."""
    title: str | None = None
    place = wire = None
    dated = False
    body_parts: list[str] = []
    credits: list[str] = []
    sources: list[str] = []
    bylines: list[str] = []
    captions: list[str] = []
    for b in bl:
        role = b.role
        if role in BODY_ROLES:
            body_parts.append(b.text)
        elif role == "title":
            if title is None:
                title = " ".join(_strip_bbcode(b.text).split())
        elif role == "dateline":
            if not dated:
                place, wire, dated = b.place, b.wire, True
        elif role == "credit":
            inner = b.text.strip("()")
            credits.extend(p.strip() for p in inner.split(";") if p.strip())
        elif role == "sources":
            m = P.SOURCES_LINE.fullmatch(b.text)
            if m:
                sources.extend(s.strip() for s in m.group("sources").split("/") if s.strip())
        elif role == "byline":
            names = b.text[3:].replace(" and ", ", ").split(",")
            bylines.extend(n.strip() for n in names if n.strip())
        elif role == "caption":
            captions.append(b.text)
    body = "\n\n".join(body_parts)
    return {
        "article_id": aid,
        "file": doc.file,
        "first_line": bl[0].line,
        "last_line": bl[-1].line,
        "start": bl[0].start,
        "end": bl[-1].end,
        "title": title or "",
        "outlet": wire,
        "dateline": place,
        "bylines": bylines,
        "credits": credits,
        "sources": sources,
        "captions": captions,
        "body": body,
        "n_words": len(body.split()),
        "duplicate_of": None,
    }


def _rows(doc: Document, drafts: list[_Draft], ledger_blocks: list[Block]) -> Segmentation:
    articles: list[dict[str, object]] = []
    block_rows: list[dict[str, object]] = []
    prefix = _id_prefix(doc)
    file = doc.file
    for ordinal, d in enumerate(drafts):
        aid = f"{prefix}-{ordinal:04d}"  # article_id(doc, ordinal), hashing once per document
        articles.append(_article_row(doc, aid, d.blocks))
        block_rows.extend(
            {
                "article_id": aid,
                "file": file,
                "block": k,
                "role": b.role,
                "line": b.line,
                "start": b.start,
                "end": b.end,
                "text": b.text,
            }
            for k, b in enumerate(d.blocks)
        )
    # Merge adjacent ledger blocks with the same reason into one row.
    ledger_blocks.sort(key=lambda b: b.start)
    ledger: list[dict[str, object]] = []
    run: list[Block] = []
    for b in ledger_blocks:
        if run and (b.ledger != run[-1].ledger or b.idx != run[-1].idx + 1):
            ledger.append(_ledger_row(doc, run, run[0].ledger or ""))
            run = []
        run.append(b)
    if run:
        ledger.append(_ledger_row(doc, run, run[0].ledger or ""))
    return Segmentation(articles=articles, blocks=block_rows, ledger=ledger)
