"""Regular expressions shared by segmentation and extraction.

Every pattern here is anchored or bounded so that it runs in time linear in its input: no nested
quantifiers, no unbounded alternation that can backtrack (tests feed them hostile lines).
"""

from __future__ import annotations

import re

MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
)
MONTH_ABBR = r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
WIRES = r"Reuters|AFP|AP|Associated Press|Agence France-Presse|Xinhua|dpa|UPI|Anadolu|IANS"

# --- boilerplate that belongs to no article
FORUM_STAMP = re.compile(
    r"(?:Today|Yesterday|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4},)"
    r" (?:at )?\d{1,2}:\d{2} ?(?:am|pm) by \S{1,60}"
)
FORUM_THREAD = re.compile(r"» \S")
SITE_CHROME = re.compile(
    r"(?:Show Full Article|Related Topics|Related Articles|Related Stories|Advertisements?|"
    r"Advertisement|Share this:?|Share|Tweet|Print|Email|Comments?|Read more:?|"
    r"Click here to .{0,80}|Subscribe.{0,80}|Sponsored|Like this:?|Loading\.\.\.)",
    re.IGNORECASE,
)

# --- article furniture
BYLINE = re.compile(r"By [A-Z][\w.’'\-]{0,40}(?:(?:,? and |, | )[A-Z][\w.’'\-]{0,40}){0,11}")
CREDIT = re.compile(
    r"\((?:Additional )?(?:[Rr]eporting|Writing|Editing|Compiled|Written|Produced|"
    r"Additional reporting)\b[^()]{0,600}\)"
)
AP_CONTRIB = re.compile(
    r"Associated Press (?:writers?|reporters?|correspondents?) .{1,400}contributed"
    r"(?: (?:to )?(?:this )?(?:report|story))?\.?"
)
CORRECTION_NOTE = re.compile(r"\((?:This (?:version|story)|Corrects|Updates)\b[^()]{0,400}\)")
GRAPHIC = re.compile(r"\((?:Graphic|Factbox|Interactive|Video|Related)\b[^()]{0,400}\)")
SOURCES_LINE = re.compile(r"Sources?: ?(?P<sources>[^\n]{1,300})")

# Photo credits inside captions. `E(?<!\wE)PA/` is `\bEPA\b/` written to start with a
# literal: when every alternative does, `search` skips ahead to the possible first characters
# instead of trying all of them at every position (five times faster on article text).
PHOTO_CREDIT = re.compile(
    r"(?:REUTERS/[A-Z]|REUTERS TV|Handout via REUTERS|\(AP Photo|AP Photo/|\[photo by |"
    r"\[map by |\[image by |Credit: |Credits: |AFP PHOTO|/AFP\b|Getty Images|"
    r"via Reuters\b|SANA/Handout|/Handout|E(?<!\wE)PA/)"
)
FILE_PHOTO = re.compile(r"(?:FILE PHOTO|File photo|FILE -|In this (?:\w+ ){0,6}photo)")
CAPTION_WORDS = re.compile(
    r"\b(?:is seen|are seen|pictured|picture|photo|photograph|image|screenshot|handout|"
    r"video|situation map|map of|walks?|stands?|sits?)\b",
    re.IGNORECASE,
)
CAPTION_DATE_END = re.compile(
    rf"(?:{MONTHS}|{MONTH_ABBR})\.? \d{{1,2}},(?: \d{{4}})?\.?(?: [^.]{{0,60}})?$"
)

# --- datelines at the head of a first paragraph
# The place has no "(", so a match has its first "(" within this many characters.
DATELINE_WIRE_PAREN_BEFORE = 150
DATELINE_WIRE = re.compile(
    rf"(?P<place>[A-Z][A-Za-z .’'/\-]{{0,60}}(?:, ?[A-Z][A-Za-z .’'/\-]{{0,40}}){{0,2}} ?)?"
    rf"\((?P<wire>{WIRES})\)(?:[ \u00a0]?[–—\-]{{1,2}})?[ \u00a0]?"
)
DATELINE_CAPS = re.compile(
    r"(?P<place>[A-Z][A-Z.’'\-]{1,30}(?: [A-Z][A-Z.’'\-]{1,30}){0,3}"
    r"(?:, ?[A-Z][A-Za-z.’'\-]{1,30}(?: [A-Z][A-Za-z.’'\-]{1,30}){0,2})?"
    r"(?:/[A-Z][A-Za-z.’'\-]{1,30})?)[ \u00a0](?:[–—]|--)[ \u00a0]"
)
DATELINE_COLON = re.compile(
    r"(?P<place>[A-Z][a-z]{2,20}(?: [A-Z][a-z]{2,20})?(?:, ?[A-Z][a-z]{2,20})?"
    r"(?:/[A-Z][a-z]{2,20})?):[ \u00a0]"
)

BBCODE = re.compile(r"\[/?[a-zA-Z]{1,10}(?:=[^\]\n]{0,40})?\]")
SLUG_PREFIX = re.compile(r"[a-z][a-z0-9]{1,30}(?:[-_][a-z0-9]{1,20}){2,6}(?=[A-Z])")

TERMINAL_PUNCT = ".!?;:,"
QUOTE_CLOSERS = "”\"’')]"
