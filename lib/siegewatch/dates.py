"""Dates: each article's date, and the dated statements (events) inside article bodies.

An article's date comes from *anchors*: an export's own date field, or a full date written in
a photo caption, a bracket stamp (``[29/10/2016]``, day/month/year) or a map's ``as of`` date.
The body then fixes the reported day: a weekday in the lead (``on Friday``) is resolved to the
date nearest the anchor (at most three days either side). A date is ``explicit`` when it is the
written anchor itself, ``inferred`` when it was derived (a weekday resolved against the anchor,
a year taken from another date, the latest dated statement of the body), and ``unknown`` when
the text gives no evidence: a date is never made up. docs/dates.md has the full rules.

Events are the date expressions of body and heading blocks (``On Oct. 28``, ``since July``,
``last month``, ``in 2014``). Expressions that need the article date (weekdays, ``last week``,
a month without its year) are resolved against it, or dropped when the article has none.

Every pattern has bounded quantifiers only, so extraction runs in time linear in the text. The
places where an expression may begin are found once per document (one hyperscan scan, or two
passes of flat literal patterns), and the combined DATE_EXPRESSION is matched only there.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any

from siegewatch import patterns as P
from siegewatch.loading import Document
from siegewatch.matching import choose_matcher
from siegewatch.segmenting import BODY_ROLES, Segmentation
from siegewatch.sentences import BlockSentences

# --------------------------------------------------------------------------- vocabulary

MONTH_NUMBER = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAY_NUMBER = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3,
    "friday": 4, "saturday": 5, "sunday": 6,
}
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fifteen": 15, "twenty": 20, "thirty": 30,
}
# How far (days) the reported day may lie from a caption date: a weekday resolves to the
# nearest date with that weekday, which is never more than three days away.
MAX_SHIFT = 3
# Captions of old photos: their date says nothing about the article's day.
FILE_CAPTION = re.compile(
    r"(?i:file (?:photo|picture|image)|archive (?:photo|picture|image)|undated)|FILE -"
)

# --------------------------------------------------------------------------- patterns

_WD = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_ABBR = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
_MON_ANY = rf"(?:{P.MONTHS}|(?:{_ABBR})\.?)"
_YEAR = r"(?:19|20)\d\d(?!\w)(?![.,]\d)"
_NUM = (
    r"\d{1,3}|(?i:an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"fifteen|twenty|thirty)"
)
_DIRS = "this|last|next|past|previous|coming"
_DAYWORDS = "today|tonight|yesterday|tomorrow"

# Where an expression may begin: the first word of every alternative of DATE_EXPRESSION.
# Python's engine scans a flat list of literals fast (it skips to their first letters), so
# the words are found by two such passes (capitalized, lower case) or by one hyperscan scan,
# and DATE_EXPRESSION is then matched only at those places.
_UPPER_TRIGGERS = [*P.MONTHS.split("|"), *_ABBR.split("|"), *_WD.split("|"), "19", "20", r"\[",
                   *(w.capitalize() for w in f"{_DIRS}|{_DAYWORDS}".split("|"))]
_LOWER_TRIGGERS = [*_DIRS.split("|"), *_DAYWORDS.split("|"), "ago"]
TRIGGER_UPPER = re.compile("|".join(_UPPER_TRIGGERS))
TRIGGER_LOWER = re.compile("|".join(_LOWER_TRIGGERS))
# The same places for hyperscan: (pattern, caseless).
_HS_TRIGGERS = [
    (rf"\b(?:{P.MONTHS}|{_ABBR}|{_WD})\b", False),
    (r"\b(?:19|20)\d\d\b", False),
    (r"\[\d{1,2}/\d{1,2}/(?:19|20)\d\d\]", False),
    (rf"\b(?:{_DAYWORDS}|ago)\b", True),
    (rf"\b(?:{_DIRS}) (?:week|month|year|\d|an?\b|one|two|three|four|five|six|seven|eight|nine"
     r"|ten|eleven|twelve|fifteen|twenty|thirty)", True),
]

# Every date expression a body or caption may hold, matched where a trigger word begins.
# Alternatives are tried in order (a full date before the weekday or month it starts with).
DATE_EXPRESSION = re.compile(
    r"(?P<stamp>\[(?P<s_d>\d{1,2})/(?P<s_m>\d{1,2})/(?P<s_y>(?:19|20)\d\d)\])"
    rf"|(?P<full>(?:(?P<f_wd>{_WD}),? )?(?P<f_m>{_MON_ANY}) (?P<f_d>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"(?![\d:])(?:,? (?P<f_y>{_YEAR}))?)"
    r"|(?P<iso>(?P<i_y>(?:19|20)\d\d)-(?P<i_m>[01]\d)-(?P<i_d>[0-3]\d)(?!\d))"
    rf"|(?P<year>{_YEAR})"
    rf"|(?P<monthyear>(?P<my_m>{P.MONTHS}),?(?: of)? (?P<my_y>{_YEAR}))"
    rf"|(?P<month>{P.MONTHS})\b"
    rf"|(?P<weekday>(?P<wd>{_WD})(?P<poss>[’']s)?(?: (?:morning|afternoon|evening|night))?)\b"
    rf"|(?P<dayword>(?i:{_DAYWORDS}))\b"
    rf"|(?P<span>(?P<sp_dir>(?i:past|last|previous)) (?P<sp_n>{_NUM}) "
    r"(?P<sp_u>(?i:hours|days|weeks|months|years)))\b"
    rf"|(?P<unit>(?P<u_dir>(?i:{_DIRS})) (?P<u_u>(?i:week|month|year)))\b"
    r"|(?P<ago>ago)\b"
)
# Words just before an expression that belong to it: a preposition (``on``, ``since``,
# ``as of``) with its modifier (``early on``), ``the``, a modifier (``early``, ``mid-``,
# ``the end of``), a direction (``last
# Tuesday``) and, before a month, the day of a British date (``30 March 2018``). They are read
# backwards: BEFORE is matched once, anchored, on the reversed text before the expression.
PREPOSITIONS = ("on", "in", "since", "until", "till", "by", "from", "before", "after",
                "through", "throughout", "during", "as of", "dated")
MODIFIERS = ("early", "late", "mid", "earlier", "later", "the end of", "end of",
             "the start of", "start of", "the beginning of", "beginning of")
DIRECTIONS = ("last", "next", "this", "coming")


def _reversed(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w[::-1]) for w in sorted(words, key=len, reverse=True))


BEFORE = re.compile(
    r"(?i:(?:[ ](?:fo )?(?:ht|ts|dn|dr)?(?P<bday>\d{1,2})(?!\d))?"
    rf"(?:[ ](?P<dir>{_reversed(DIRECTIONS)})\b)?"
    rf"(?:[ -](?P<mod>{_reversed(MODIFIERS)})\b)?"
    r"(?:[ ](?P<the>eht)\b)?"
    rf"(?:[ ](?P<prep>{_reversed(PREPOSITIONS)})\b"
    r"(?:[ ](?P<mod2>ylrae|etal|reilrae|retal)\b)?)?)"
)
# What comes before "ago": the number and unit.
_AGO = re.compile(rf"\b(?P<n>{_NUM}) (?P<u>(?i:days?|weeks?|months?|years?)) \Z")
_LOOKBACK = 40
# A clause that speaks of the future: its weekdays and months lie ahead of the article date.
_FUTURE = re.compile(
    r"(?i:\b(?:will|shall|won[’']t|is due|are due|due to|set to|set for|scheduled|expected to|"
    r"plans? to|planned|next)\b|[’']ll\b)"
)
CLAUSE_END = re.compile(r"[.;:!?,—–\"“”]")
_ISO_EXPORT = re.compile(
    r"(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)(?:-(?P<d>[0-3]\d))?(?:[T ][0-9:.+\-Z ]{0,40})?"
)


# --------------------------------------------------------------------------- data


@dataclass(slots=True)
class Expression:
    """One date expression found in a block, before it is resolved."""

    start: int  # offset of the expression (its preposition included) in doc.text
    end: int
    core: int  # offset where the date words themselves begin
    line: int
    block: tuple[int, int]
    kind: str  # day, month_year, month, year, weekday, dayword, unit, span, ago
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    number: int | None = None
    unit: str | None = None
    direction: str | None = None  # last, next, this, past, previous, coming
    prep: str | None = None
    mod: str | None = None
    possessive: bool = False
    future: bool = False


@dataclass(frozen=True)
class ArticleDate:
    """An article's date: the day (or the first of the month), its precision and evidence."""

    date: dt.date
    precision: str  # day or month
    confidence: str  # explicit or inferred
    evidence: str

    @property
    def text(self) -> str:
        return self.date.isoformat() if self.precision == "day" else self.date.isoformat()[:7]


# --------------------------------------------------------------------------- calendar helpers


def _safe_date(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _month_end(y: int, m: int) -> dt.date:
    nxt = dt.date(y + m // 12, m % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    idx = y * 12 + (m - 1) + k
    return idx // 12, idx % 12 + 1


def _month_of(name: str) -> int:
    return MONTH_NUMBER[name[:3].lower()]


def _number(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


def infer_year(month: int, ref: dt.date, future: bool = False) -> int:
    """Year of a month written without one: a month after `ref`'s belongs to the year before
    (or, in a clause about the future, a month before `ref`'s to the year after)."""
    if future:
        return ref.year if month >= ref.month else ref.year + 1
    return ref.year if month <= ref.month else ref.year - 1


def nearest_weekday(anchor: dt.date, weekday: int) -> dt.date:
    """The date with `weekday` nearest to `anchor` (at most three days either side)."""
    offset = (weekday - anchor.weekday()) % 7
    if offset > MAX_SHIFT:
        offset -= 7
    return anchor + dt.timedelta(days=offset)


# --------------------------------------------------------------------------- scanning

_HS: list[Any] = []  # [database, scratch], compiled on first use in each process




def _hs_triggers(text: str) -> list[int]:
    if not _HS:
        import hyperscan as hs

        db = hs.Database(mode=hs.HS_MODE_BLOCK)
        db.compile(
            expressions=[p.encode() for p, _ in _HS_TRIGGERS],
            ids=list(range(len(_HS_TRIGGERS))),
            elements=len(_HS_TRIGGERS),
            flags=[hs.HS_FLAG_SOM_LEFTMOST | (hs.HS_FLAG_CASELESS if c else 0)
                   for _, c in _HS_TRIGGERS],
        )
        _HS.extend([db, hs.Scratch(db)])
    db, scratch = _HS
    # One byte per character (non-ASCII as '?'): byte offsets are character offsets, and every
    # trigger word is ASCII.
    data = text.encode("ascii", "replace")
    hits: list[int] = []
    add = hits.append
    db.scan(data, match_event_handler=lambda _i, f, _t, _fl, _c: add(f), scratch=scratch)
    return sorted(set(hits))


def _python_triggers(text: str) -> list[int]:
    hits = [m.start() for m in TRIGGER_UPPER.finditer(text)]
    hits += [m.start() for m in TRIGGER_LOWER.finditer(text)]
    return sorted(set(hits))


def triggers(text: str, matcher: str | None = None) -> list[int]:
    """Offsets in `text` where a date expression may begin (a superset: DATE_EXPRESSION
    decides)."""
    if choose_matcher(matcher) == "hyperscan":
        return _hs_triggers(text)
    return _python_triggers(text)


_NO_WORDS: tuple[None, None, None, None] = (None, None, None, None)
_BEFORE_GROUPS = ("prep", "dir", "mod", "mod2", "bday")


def _before(text: str, block_start: int, s: int) -> tuple[int, tuple[str | None, ...]]:
    """Start of the expression with the words before `s` that belong to it, and those words:
    (prep, dir, mod, bday), un-reversed, lower case; mod is `mod2` when there is no `mod`."""
    lo = max(block_start, s - _LOOKBACK)
    if s - 1 < lo or text[s - 1] not in " -":
        return s, _NO_WORDS
    rev = text[lo:s][::-1]
    m = BEFORE.match(rev)
    if m is None or m.end() == 0:
        return s, _NO_WORDS
    if m.end() < len(rev) and rev[m.end()].isalnum():
        return s, _NO_WORDS  # the window cut a word: read nothing rather than half a word
    prep, direction, mod, mod2, bday = m.group(*_BEFORE_GROUPS)
    mod = mod or mod2
    return s - m.end(), (_forward(prep), _forward(direction), _forward(mod), _forward(bday))


def _forward(word: str | None) -> str | None:
    """A word read backwards by BEFORE, the right way round and in lower case."""
    return word[::-1].lower() if word else None


def _expression(
    text: str, m: re.Match[str], line: int, block: tuple[int, int]
) -> Expression | None:
    """Turn one match of DATE_EXPRESSION into an Expression (None: not a date after all)."""
    g = m.group
    kind = m.lastgroup
    s, e = m.start(), m.end()
    x = Expression(start=s, end=e, core=s, line=line, block=block, kind="")
    if kind == "ago":
        ago = _AGO.search(text, max(block[0], s - _LOOKBACK), s)
        if ago is None:
            return None
        x.kind, x.number, x.unit = "ago", _number(ago.group("n")), ago.group("u").lower()
        x.unit = x.unit.rstrip("s")
        x.start = x.core = ago.start()
        return x
    if kind == "dayword":
        x.kind, x.unit = "dayword", g("dayword").lower()
        return x
    monthish = kind in ("month", "monthyear")
    x.start, (prep, direction, mod, bday) = _before(text, block[0], s)  # mod: "late in 2016"
    if bday and not monthish:
        return None  # "5 Monday", "12 2014": a number, not a date
    x.prep, x.mod = prep, mod
    if kind == "stamp":
        x.kind, x.year, x.month, x.day = "day", int(g("s_y")), int(g("s_m")), int(g("s_d"))
    elif kind == "full":
        f_y = g("f_y")
        x.kind, x.month, x.day = "day", _month_of(g("f_m")), int(g("f_d"))
        x.year = int(f_y) if f_y else None
    elif kind == "iso":
        x.kind, x.year, x.month, x.day = "day", int(g("i_y")), int(g("i_m")), int(g("i_d"))
    elif kind == "year":
        if not (prep or mod):
            return None  # "the 2014 offensive", "2015 figures": not a dated statement
        x.kind, x.year = "year", int(g("year"))
    elif monthish:
        month = _month_of(g("my_m") or g("month"))
        year = int(g("my_y")) if kind == "monthyear" else None
        if bday:
            x.kind, x.month, x.day, x.year = "day", month, int(bday), year
        elif year is not None:
            x.kind, x.month, x.year = "month_year", month, year
        elif prep or mod or direction:
            x.kind, x.month, x.direction = "month", month, direction
        else:
            return None  # "May God ...", a name: a bare month is no date
    elif kind == "weekday":
        x.kind, x.weekday = "weekday", WEEKDAY_NUMBER[g("wd").lower()]
        x.possessive = g("poss") is not None
        x.direction = direction
    elif kind == "span":
        x.kind, x.number = "span", _number(g("sp_n"))
        x.unit, x.direction = g("sp_u").lower().rstrip("s"), g("sp_dir").lower()
    elif kind == "unit":
        x.kind, x.unit, x.direction = "unit", g("u_u").lower(), g("u_dir").lower()
    else:  # pragma: no cover - every alternative is a named group
        return None
    if x.kind == "day":
        if not 1 <= (x.day or 0) <= 31 or not 1 <= (x.month or 0) <= 12:
            return None
        if x.year is not None and _safe_date(x.year, x.month or 0, x.day or 0) is None:
            return None
    return x


# Kinds whose reading depends on whether the clause speaks of the future.
_TENSED = frozenset(("day", "month", "month_year", "weekday"))
_CLAUSE_WINDOW = 120


def _clause_start(text: str, block_start: int, s: int) -> int:
    """Where the clause leading up to `s` begins: after the last CLAUSE_END character of the
    block before `s`, and at most _CLAUSE_WINDOW characters back."""
    # CLAUSE_END matches single characters and only the last one before `s` counts, if it
    # lies in the window (or ends just at its start): the window is searched backwards
    # instead of listing every clause end of the block.
    lo = max(block_start, s - _CLAUSE_WINDOW - 1)
    m = CLAUSE_END.search(text[lo:s][::-1])
    return max(s - m.start() if m else block_start, s - _CLAUSE_WINDOW)


def scan(
    text: str, start: int, end: int, line: int, hits: list[int] | None = None
) -> list[Expression]:
    """Every date expression in text[start:end] (one block), in order. `hits`: the sorted
    trigger offsets of the whole text, when already found (else found here)."""
    if hits is None:
        hits = [start + h for h in triggers(text[start:end])]
    out: list[Expression] = []
    last = start
    i = bisect_left(hits, start)
    n = len(hits)
    block = (start, end)
    while i < n and hits[i] < end:
        s = hits[i]
        i += 1
        if s < last or (s > start and (text[s - 1].isalnum() or text[s - 1] == "_")):
            continue
        m = DATE_EXPRESSION.match(text, s, end)
        if m is None:
            continue
        x = _expression(text, m, line, block)
        if x is None or x.start < last:
            continue
        if x.kind in _TENSED:
            # Does the clause leading up to the expression speak of the future?
            lo = _clause_start(text, start, x.start)
            x.future = _FUTURE.search(text, lo, x.start) is not None
        out.append(x)
        last = x.end
    return out


# --------------------------------------------------------------------------- resolution


def _unit_bounds(unit: str, ref: dt.date, k: int) -> tuple[dt.date, dt.date]:
    """The week, month or year `k` units from the one holding `ref`."""
    if unit == "week":
        monday = ref - dt.timedelta(days=ref.weekday()) + dt.timedelta(weeks=k)
        return monday, monday + dt.timedelta(days=6)
    if unit == "month":
        y, m = _add_months(ref.year, ref.month, k)
        return dt.date(y, m, 1), _month_end(y, m)
    return dt.date(ref.year + k, 1, 1), dt.date(ref.year + k, 12, 31)


def _back(ref: dt.date, n: int, unit: str) -> dt.date:
    if unit == "hour":
        return ref - dt.timedelta(days=max(1, (n + 23) // 24))
    if unit == "day":
        return ref - dt.timedelta(days=n)
    if unit == "week":
        return ref - dt.timedelta(weeks=n)
    if unit == "month":
        y, m = _add_months(ref.year, ref.month, -n)
        return dt.date(y, m, min(ref.day, _month_end(y, m).day))
    return _safe_date(ref.year - n, ref.month, ref.day) or dt.date(ref.year - n, ref.month, 28)


def _narrow(lo: dt.date, hi: dt.date, precision: str, mod: str | None) -> tuple[dt.date, dt.date]:
    """'early', 'mid', 'late' March / 2016: the first, middle or last third of the period."""
    if mod not in ("early", "mid", "late") or precision not in ("month", "year"):
        return lo, hi
    if precision == "month":
        cuts = {"early": (1, 10), "mid": (11, 20), "late": (21, hi.day)}[mod]
        return lo.replace(day=cuts[0]), lo.replace(day=cuts[1])
    months = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}[mod]
    return dt.date(lo.year, months[0], 1), _month_end(lo.year, months[1])


# (date, date_end, precision, relative); date_end is None for an open range ("since 2013" in
# an article without a date).
Resolved = tuple[dt.date, "dt.date | None", str, bool]


def resolve(x: Expression, ref: ArticleDate | None) -> Resolved | None:
    """(date, date_end, precision, relative) of an expression, or None when it cannot be
    placed: it needs the article date and there is none (or only its month)."""
    base = _resolve_base(x, ref)
    if base is None:
        return None
    lo, hi, precision, relative = base
    lo, hi = _narrow(lo, hi, precision, x.mod)
    if x.prep == "since":
        if ref is None:
            return lo, None, "range", relative  # open range: its end is the unknown article date
        end = ref.date if ref.precision == "day" else _month_end(ref.date.year, ref.date.month)
        return lo, max(lo, end), "range", relative
    return lo, hi, precision, relative


def _resolve_base(x: Expression, ref: ArticleDate | None) -> Resolved | None:
    day_ref = ref.date if ref is not None and ref.precision == "day" else None
    k = x.kind
    if k == "day":
        if x.year is not None:
            d = _safe_date(x.year, x.month or 0, x.day or 0)
            return (d, d, "day", False) if d else None
        if ref is None:
            return None
        d = _safe_date(infer_year(x.month or 0, ref.date, x.future), x.month or 0, x.day or 0)
        return (d, d, "day", True) if d else None
    if k == "month_year":
        y, m = x.year or 0, x.month or 0
        return dt.date(y, m, 1), _month_end(y, m), "month", False
    if k == "year":
        y = x.year or 0
        return dt.date(y, 1, 1), dt.date(y, 12, 31), "year", False
    if ref is None:
        return None
    if k == "month":
        m = x.month or 0
        if x.direction == "last":
            y = ref.date.year if m < ref.date.month else ref.date.year - 1
        elif x.direction in ("next", "coming"):
            y = ref.date.year if m > ref.date.month else ref.date.year + 1
        else:
            y = infer_year(m, ref.date, x.future)
        return dt.date(y, m, 1), _month_end(y, m), "month", True
    if k == "unit":
        unit = x.unit or "year"
        if unit == "week" and day_ref is None:
            return None
        r = day_ref or ref.date
        if x.direction == "past":
            if day_ref is None:
                return None
            return _back(day_ref, 1, unit), day_ref, "range", True
        shift = {"this": 0, "last": -1, "previous": -1, "next": 1, "coming": 1}[x.direction or ""]
        lo, hi = _unit_bounds(unit, r, shift)
        if shift == 0 and day_ref is not None and x.mod == "earlier":
            hi = day_ref
        elif shift == 0 and day_ref is not None and x.mod == "later":
            lo = day_ref
        return lo, hi, unit, True
    if day_ref is None:
        return None
    if k == "weekday":
        wd = x.weekday or 0
        back = (day_ref.weekday() - wd) % 7
        ahead = (wd - day_ref.weekday()) % 7
        if x.direction == "last":
            d = day_ref - dt.timedelta(days=back or 7)
        elif x.direction in ("next", "coming"):
            d = day_ref + dt.timedelta(days=ahead or 7)
        elif x.future:
            d = day_ref + dt.timedelta(days=ahead)
        else:
            d = day_ref - dt.timedelta(days=back)
        return d, d, "day", True
    if k == "dayword":
        shift = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[x.unit or "today"]
        d = day_ref + dt.timedelta(days=shift)
        return d, d, "day", True
    if k == "span":
        return _back(day_ref, x.number or 1, x.unit or "day"), day_ref, "range", True
    if k == "ago":
        unit = x.unit or "day"
        d = _back(day_ref, x.number or 1, unit)
        if unit == "day":
            return d, d, "day", True
        lo, hi = _unit_bounds(unit, d, 0)
        return lo, hi, unit, True
    return None


# --------------------------------------------------------------------------- article dates


def parse_export_date(value: str) -> tuple[dt.date, str] | None:
    """An export's date field: ISO (``2016-12-05``, with a time, or ``2016-12``) or written
    (``Dec. 5, 2016``, ``5 December 2016``). None when it cannot be read."""
    v = value.strip()
    m = _ISO_EXPORT.fullmatch(v)
    if m:
        y, mo = int(m.group("y")), int(m.group("m"))
        if m.group("d"):
            d = _safe_date(y, mo, int(m.group("d")))
            return (d, "day") if d else None
        return (dt.date(y, mo, 1), "month") if 1 <= mo <= 12 else None
    x = next(iter(scan(v, 0, len(v), 0)), None)
    if x is None or x.start != 0 or x.end != len(v.rstrip(". ")) or x.year is None:
        return None
    if x.kind == "day":
        d = _safe_date(x.year, x.month or 0, x.day or 0)
        return (d, "day") if d else None
    if x.kind == "month_year":
        return dt.date(x.year, x.month or 1, 1), "month"
    return None


_ANCHOR_KINDS = ("day", "month_year")


@dataclass(frozen=True)
class _Anchor:
    date: dt.date
    precision: str
    written: bool  # the full date is written (not a year borrowed from another date)
    evidence: str


def caption_anchors(captions: list[tuple[int, str, list[Expression]]]) -> list[_Anchor]:
    """Dates of an article's (non-file) photo captions, stamps and map dates."""
    full: list[_Anchor] = []
    yearless: list[tuple[int, str, Expression]] = []
    for line, text, exprs in captions:
        # Only full or yearless days and month-years make anchors: test for an old photo's
        # caption (a slow case-insensitive search) only when the caption holds one.
        if not any(x.kind in _ANCHOR_KINDS for x in exprs) or FILE_CAPTION.search(text):
            continue
        for x in exprs:
            words = text[x.core - x.block[0] : x.end - x.block[0]]
            ev = f'caption "{words}" (line {line})'
            if x.kind == "day" and x.year is not None:
                d = _safe_date(x.year, x.month or 0, x.day or 0)
                if d:
                    full.append(_Anchor(d, "day", True, ev))
            elif x.kind == "day":
                yearless.append((line, ev, x))
            elif x.kind == "month_year" and x.year is not None:
                full.append(_Anchor(dt.date(x.year, x.month or 1, 1), "month", True, ev))
    out = list(full)
    days = [a for a in full if a.precision == "day"]
    if days:
        latest = max(a.date for a in days)
        for _line, ev, x in yearless:
            d = _safe_date(infer_year(x.month or 0, latest), x.month or 0, x.day or 0)
            if d and d not in {a.date for a in out}:
                out.append(_Anchor(d, "day", False, ev + f", year from {latest.year}"))
    return out


def _quote(text: str, x: Expression) -> str:
    return f'"{text[x.start:x.end]}" (line {x.line})'


def _reported_weekdays(body: list[list[Expression]], lede: int | None) -> list[Expression]:
    """Weekdays that name the reported day: plain, past, not possessive, not 'last Tuesday'.
    Those of the lead paragraph when it has any, else those of the whole body."""
    def usable(x: Expression) -> bool:
        return (
            x.kind == "weekday" and not x.possessive and not x.future
            and x.direction is None and x.prep not in ("since", "until", "till", "by", "before")
        )

    if lede is not None:
        lead = [x for x in body[lede] if usable(x)]
        if lead:
            return lead
    return [x for xs in body for x in xs if usable(x)]


def _contradiction(body: list[list[Expression]], d: ArticleDate) -> Expression | None:
    """A past statement dated after the article date: the anchor is an old photo's."""
    for xs in body:
        for x in xs:
            if x.future or x.kind not in ("day", "month_year"):
                continue
            r = _resolve_base(x, d)
            if r is None:
                continue
            first = r[0]
            limit = d.date if d.precision == "day" else _month_end(d.date.year, d.date.month)
            if first > limit:
                return x
    return None


def article_date(
    text: str,
    export_date: str | None,
    captions: list[tuple[int, str, list[Expression]]],
    body: list[list[Expression]],
    lede: int | None,
) -> tuple[ArticleDate | None, str | None]:
    """The article's date and, when it stays unknown, why (None: no evidence at all)."""
    if export_date:
        parsed = parse_export_date(export_date)
        if parsed is not None:
            evidence = f'export date "{export_date}"'
            return ArticleDate(parsed[0], parsed[1], "explicit", evidence), None
    anchors = caption_anchors(captions)
    if not anchors:
        # The latest dated statement of the body, when it gives a full date.
        stated = [
            x for xs in body for x in xs
            if x.kind == "day" and x.year is not None and not x.future and x.prep != "since"
        ]
        dated = [(_safe_date(x.year or 0, x.month or 0, x.day or 0), x) for x in stated]
        dated = [(d, x) for d, x in dated if d is not None]
        if dated:
            d, x = max(dated, key=lambda p: p[0])
            assert d is not None
            anchors = [_Anchor(d, "day", False, f"latest dated statement {_quote(text, x)}")]
    if not anchors:
        return None, None
    days = [a for a in anchors if a.precision == "day"]
    if not days:
        a = max(anchors, key=lambda a: a.date)
        result = ArticleDate(a.date, "month", "explicit" if a.written else "inferred", a.evidence)
    else:
        a = max(days, key=lambda a: a.date)
        refs = _reported_weekdays(body, lede)
        if refs:
            resolved = [(nearest_weekday(a.date, x.weekday or 0), x) for x in refs]
            d, x = max(resolved, key=lambda p: p[0])
            evidence = f"{a.evidence}; body {_quote(text, x)}"
            confidence = "explicit" if d == a.date and a.written else "inferred"
            result = ArticleDate(d, "day", confidence, evidence)
        else:
            result = ArticleDate(a.date, "day", "explicit" if a.written else "inferred", a.evidence)
    bad = _contradiction(body, result)
    if bad is not None:
        why = f"{result.evidence}: rejected, the body reports {_quote(text, bad)} as past"
        return None, why
    return result, None


# --------------------------------------------------------------------------- the hook

_SCANNED = frozenset(("caption", "caption_repeat", *BODY_ROLES))


def _any_hit(hits: list[int], start: int, end: int) -> bool:
    i = bisect_left(hits, start)
    return i < len(hits) and hits[i] < end



def annotate(doc: Document, seg: Segmentation,
             sentences: BlockSentences | None = None) -> list[dict[str, Any]]:
    """Fill date columns of `seg.articles` in place; return `events` rows."""
    text = doc.text
    sentences = sentences or BlockSentences(text)
    hits = triggers(text)
    by_article: dict[Any, list[dict[str, Any]]] = {}
    for b in seg.blocks:
        by_article.setdefault(b["article_id"], []).append(b)
    events: list[dict[str, Any]] = []
    for row in seg.articles:
        blocks = by_article.get(row["article_id"], [])
        captions: list[tuple[int, str, list[Expression]]] = []
        body_blocks: list[dict[str, Any]] = []
        body: list[list[Expression]] = []
        lede: int | None = None
        seen_dateline = False
        for b in blocks:
            role = b["role"]
            if role in _SCANNED and not _any_hit(hits, b["start"], b["end"]):
                if role in BODY_ROLES:
                    if seen_dateline and lede is None:
                        lede = len(body)
                    body_blocks.append(b)
                    body.append([])
                continue
            if role in ("caption", "caption_repeat"):
                exprs = scan(text, b["start"], b["end"], b["line"], hits)
                captions.append((b["line"], b["text"], exprs))
            elif role == "dateline":
                seen_dateline = True
            elif role in BODY_ROLES:
                if seen_dateline and lede is None:
                    lede = len(body)
                body_blocks.append(b)
                body.append(scan(text, b["start"], b["end"], b["line"], hits))
        if lede is None and body:
            lede = 0
        export = row.get("export_date")
        date, why = article_date(text, str(export) if export else None, captions, body, lede)
        if export and (date is None or not date.evidence.startswith("export")):
            doc.warnings.append(
                f"{doc.file}:{row['first_line']}: export date {export!r} not understood; "
                "write it as YYYY-MM-DD (or YYYY-MM)"
            )
        row["date"] = date.text if date else None
        row["date_precision"] = date.precision if date else None
        row["date_confidence"] = date.confidence if date else "unknown"
        row["date_evidence"] = date.evidence if date else why
        events.extend(_event_rows(doc, row, body_blocks, body, date, sentences))
    return events


def _event_rows(
    doc: Document,
    row: dict[str, Any],
    blocks: list[dict[str, Any]],
    body: list[list[Expression]],
    date: ArticleDate | None,
    sentences: BlockSentences,
) -> list[dict[str, Any]]:
    text = doc.text
    out: list[dict[str, Any]] = []
    for b, xs in zip(blocks, body, strict=True):
        spans: list[tuple[int, int]] | None = None
        for x in xs:
            r = resolve(x, date)
            if r is None:
                continue
            if spans is None:  # split the block only when it holds an event
                index = sentences.block(b["start"], b["end"])
                spans, starts = index.spans, index.starts
            lo, hi, precision, relative = r
            i = bisect_right(starts, x.start) - 1
            s, e = spans[i] if i >= 0 else (b["start"], b["end"])
            out.append(
                {
                    "article_id": row["article_id"],
                    "file": doc.file,
                    "line": x.line,
                    "expression": text[x.start : x.end],
                    "date": lo.isoformat(),
                    "date_end": hi.isoformat() if hi else None,
                    "precision": precision,
                    "relative": relative,
                    "start": x.start,
                    "end": x.end,
                    "sentence": text[s:e],
                }
            )
    return out
