"""Generate synthetic corpora for the benchmark from the bundled one, deterministically.

Articles are rebuilt from the bundled corpus's article layouts (title, captions, byline,
dateline, body, credit or sources line) with body paragraphs drawn from the whole corpus,
so texts are new combinations rather than copies; reporters' names, month and weekday names
and numbers are varied. Site chrome and forum boilerplate from the ledger are mixed in
between articles, a few articles are reprinted (exact copies, in the same file or another
one) and a few are printed twice in a row by the "scraper". Files range from 10 KB to 2 MB;
corpora of 100 MB and more also get one file above the pipeline's chunking threshold
(48 MB), so the chunked path is measured too. The same seed and size give the same bytes.

    python bench/generate.py --size 100MB [--seed 7] [--out bench/corpora]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "bench" / "corpora"
BIG_FILE_BYTES = 48 * 2**20  # above siegewatch.chunking.CHUNK_THRESHOLD (32 MB)

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
SURNAMES = ["Perry", "Francis", "Said", "Al-Khalidi", "Nebehay", "Kalin", "Liffey", "Hamdan",
            "Barrington", "Davison", "Ensor", "Hafezi", "Kiselyova", "Coskun", "Toksabay",
            "Nakhoul", "Bassam", "Karouny", "Aboulenein", "Gumrukcu", "Dadouch", "Azhari"]
GIVEN = ["Tom", "Ellen", "Rodi", "Suleiman", "Stephanie", "Stephen", "Kevin", "Laila",
         "Lisa", "John", "Maria", "Babak", "Orhan", "Tulay", "Samia", "Angus", "Sarah"]
_NUMBER = re.compile(r"(?<![\w.,])(?:\d{1,3}(?:,\d{3})+|\d+)(?![\w]|[.,]\d)")
_MONTH = re.compile(r"\b(" + "|".join(MONTHS) + r")\b")
_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b")
_BYLINE = re.compile(r"^By (.+)$")


def parse_size(s: str) -> int:
    """'10MB', '1GB', '500KB' or a number of bytes."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]?B?)\s*", s.upper())
    if not m:
        raise argparse.ArgumentTypeError(f"{s}: give a size such as 10MB, 100MB or 1GB")
    mult = {"": 1, "B": 1, "K": 2**10, "KB": 2**10, "M": 2**20, "MB": 2**20, "G": 2**30,
            "GB": 2**30}[m.group(2)]
    return int(float(m.group(1)) * mult)


def size_label(n: int) -> str:
    for unit, mult in (("GB", 2**30), ("MB", 2**20), ("KB", 2**10)):
        if n >= mult and n % mult == 0:
            return f"{n // mult}{unit}"
    return f"{n}B"


def _material(raw: Path) -> tuple[list[list[tuple[str, str]]], list[str], list[str]]:
    """Article layouts (role, text) per article, a pool of body paragraphs, boilerplate."""
    sys.path.insert(0, str(ROOT / "lib"))
    from siegewatch.corpus import load_corpus

    corpus = load_corpus(raw)
    blocks = corpus.blocks
    layouts: list[list[tuple[str, str]]] = []
    pool: list[str] = []
    for _, grp in blocks.groupby("article_id", sort=True):
        grp = grp.sort_values("block")
        layout: list[tuple[str, str]] = []
        for role, text in zip(grp["role"], grp["text"], strict=True):
            if role == "dateline" and layout and layout[-1][0] == "dateline":
                continue
            layout.append((str(role), str(text)))
            if role == "body" and len(text) >= 60:
                pool.append(str(text))
        if any(r == "body" for r, _ in layout):
            layouts.append(layout)
    boiler: list[str] = []
    for f in sorted(corpus.files["file"]):
        text = corpus.text(f)
        rows = corpus.ledger[corpus.ledger["file"] == f]
        for s, e in zip(rows["start"], rows["end"], strict=True):
            boiler.append(text[int(s) : int(e)])
    return layouts, pool, boiler


def _vary(text: str, rng: random.Random) -> str:
    """Change numbers, months and weekdays, keeping the text's shape."""
    def num(m: re.Match[str]) -> str:
        v = int(m.group(0).replace(",", ""))
        if 1990 <= v <= 2030:  # a year: move it by a few years at most
            return str(v + rng.randint(-3, 3))
        w = max(1, int(v * rng.uniform(0.5, 1.8)))
        return f"{w:,}" if "," in m.group(0) else str(w)

    text = _NUMBER.sub(num, text)
    text = _MONTH.sub(lambda m: rng.choice(MONTHS), text)
    return _WEEKDAY.sub(lambda m: rng.choice(WEEKDAYS), text)


def _name(rng: random.Random) -> str:
    return f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}"


def make_article(layout: list[tuple[str, str]], pool: list[str], rng: random.Random) -> str:
    """One new article following `layout`, its later paragraphs drawn from `pool`."""
    lines: list[str] = []
    n_body = 0
    for role, text in layout:
        if role == "byline" and _BYLINE.match(text):
            text = "By " + " and ".join(_name(rng) for _ in range(rng.randint(1, 2)))
        elif role == "body":
            n_body += 1
            if n_body > 1 and rng.random() < 0.7:
                text = rng.choice(pool)
            text = _vary(text, rng)
        elif role in ("title", "caption", "heading"):
            text = _vary(text, rng)
        elif role == "credit" and text.startswith("(Reporting by"):
            text = f"(Reporting by {_name(rng)}; Editing by {_name(rng)})"
        if role == "dateline":
            # Datelines were split off their paragraph; join them back.
            lines.append(text + " ")
            continue
        if lines and lines[-1].endswith(" ") and not lines[-1].endswith("\n"):
            lines[-1] = lines[-1] + text
        else:
            lines.append(text)
        if role == "body" and rng.random() < 0.08:
            lines.append(rng.choice(pool))  # an extra paragraph now and then
    return "\n\n".join(line.strip() for line in lines) + "\n\n"


def generate(size: int, seed: int, out: Path, raw: Path) -> Path:
    """Write a corpus of about `size` bytes to out/<size>-s<seed>/ (kept when complete)."""
    folder = out / f"{size_label(size)}-s{seed}"
    manifest = folder / "MANIFEST.json"
    if manifest.exists():
        return folder
    rng = random.Random(seed)
    layouts, pool, boiler = _material(raw)
    folder.mkdir(parents=True, exist_ok=True)
    files: list[dict[str, object]] = []
    written = 0
    recent: list[str] = []
    big_left = size >= 100 * 2**20
    idx = 0
    while written < size:
        if big_left and written >= size // 3:
            target = BIG_FILE_BYTES
            big_left = False
        else:
            target = int(min(2 * 2**20, 10 * 2**10 * (1.0 / max(rng.random(), 0.005)) ** 0.8))
        target = min(target, max(4096, size - written))
        parts: list[str] = []
        n = 0
        while n < target:
            r = rng.random()
            if r < 0.03 and recent:
                art = rng.choice(recent)  # a reprint of a recent article
            else:
                art = make_article(rng.choice(layouts), pool, rng)
                recent.append(art)
                if len(recent) > 200:
                    recent.pop(0)
            parts.append(art)
            n += len(art.encode())
            if r > 0.99:
                parts.append(art)  # the scraper printed it twice
                n += len(art.encode())
            if rng.random() < 0.05:
                b = rng.choice(boiler) + "\n\n"
                parts.append(b)
                n += len(b.encode())
        data = "".join(parts).encode()
        name = f"{idx // 1000:03d}/{idx:06d}.txt"
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        files.append({"file": name, "bytes": len(data)})
        written += len(data)
        idx += 1
    manifest.write_text(
        json.dumps({"seed": seed, "size": size, "bytes": written, "files": len(files)}, indent=1)
    )
    return folder


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=parse_size, default=parse_size("10MB"),
                    help="corpus size: 10MB, 100MB or 1GB (default 10MB)")
    ap.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    ap.add_argument("--raw", type=Path, default=ROOT / "data" / "raw",
                    help="corpus to draw from (default: the bundled data/raw)")
    args = ap.parse_args(argv)
    folder = generate(args.size, args.seed, args.out, args.raw)
    info = json.loads((folder / "MANIFEST.json").read_text())
    print(f"{folder}: {info['files']} files, {info['bytes'] / 2**20:.1f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
