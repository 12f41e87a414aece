"""Aggregation: small pure functions from corpus tables to the tables the reports chart.

Charts take aggregated tables only (altair inlines chart data into the HTML), and every
aggregated row keeps the keys that lead back to its evidence (actor, bloc, outlet, source
type, period), so the mentions, attributions and events behind a number can be listed.
Counts use the articles passed in: give them unique articles (`Corpus.unique_articles()` or a
`Workbook`'s tables) so duplicates are never counted. Dates are ISO strings (YYYY-MM-DD, or
YYYY-MM at month precision) as in `siegewatch.schema`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from siegewatch import schema

UNKNOWN_OUTLET = "(outlet unknown)"
NO_ACTOR = "(no actor named)"
FREQ_ALIAS = {"D": "D", "W": "W-SUN", "M": "M"}


@dataclass(frozen=True)
class Evidence:
    """An evidence table capped for display, with the number of rows it was cut from."""

    rows: pd.DataFrame
    total: int

    @property
    def caption(self) -> str:
        if self.total == 0:
            return "no rows"
        if len(self.rows) < self.total:
            return f"showing {len(self.rows):,} of {self.total:,}"
        return f"all {self.total:,} shown"


def empty_frame(columns: dict[str, str]) -> pd.DataFrame:
    """A table with no rows but its columns and dtypes, for charts of an empty window."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})


def cap(df: pd.DataFrame, limit: int = 200) -> Evidence:
    """The first `limit` rows of `df` and its full length."""
    return Evidence(df.head(limit).reset_index(drop=True), int(len(df)))


# --------------------------------------------------------------------------- dates


def date_range(dates: pd.Series) -> tuple[pd.Series, pd.Series]:
    """First and last day of each ISO date (YYYY, YYYY-MM or YYYY-MM-DD); NaT when missing."""
    s = dates.astype("string")
    first = pd.to_datetime(
        s.where(s.str.len() != 7, s + "-01").where(s.str.len() != 4, s + "-01-01"),
        format="%Y-%m-%d", errors="coerce",
    )
    last = first.copy()
    month = s.str.len() == 7
    year = s.str.len() == 4
    last[month.fillna(False)] = first[month.fillna(False)] + pd.offsets.MonthEnd(0)
    last[year.fillna(False)] = first[year.fillna(False)] + pd.offsets.YearEnd(0)
    return first, last


def period_start(dates: pd.Series, freq: str) -> pd.Series:
    """ISO date (string) of the start of the D/W/M period each date falls in; NA if undated."""
    first, _ = date_range(dates)
    out = pd.Series(pd.NA, index=dates.index, dtype="string")
    ok = first.notna()
    if ok.any():
        starts = first[ok].dt.to_period(FREQ_ALIAS[freq]).dt.start_time
        out[ok] = starts.dt.strftime("%Y-%m-%d").astype("string")
    return out


def in_window(
    dates: pd.Series, start: dt.date | None, end: dt.date | None,
    date_end: pd.Series | None = None,
) -> pd.Series:
    """True where a date (or range) overlaps [start, end]; undated rows only without a window."""
    if start is None and end is None:
        return pd.Series(True, index=dates.index)
    first, last = date_range(dates)
    if date_end is not None:
        _, last2 = date_range(date_end.fillna(dates))
        last = last2.fillna(last)
    ok = first.notna()
    if start is not None:
        ok &= last >= pd.Timestamp(start)
    if end is not None:
        ok &= first <= pd.Timestamp(end)
    return ok.fillna(False).astype(bool)


def period_end(starts: pd.Series, freq: str) -> pd.Series:
    """ISO date of the first day after each D/W/M period starting at `starts` (for bar ends)."""
    first = pd.to_datetime(starts.astype("string"), format="%Y-%m-%d", errors="coerce")
    step = {"D": pd.offsets.Day(1), "W": pd.offsets.Week(1), "M": pd.offsets.MonthBegin(1)}
    out = (first + step[freq]).dt.strftime("%Y-%m-%d")
    return out.astype("string").where(first.notna(), pd.NA)


def period_range(first: str, last: str, freq: str) -> list[str]:
    """ISO starts of every D/W/M period from the one holding `first` to the one holding `last`."""
    if not first or not last or pd.isna(first) or pd.isna(last):
        return []
    ends = period_start(pd.Series([first, last]), freq)
    starts = pd.period_range(ends.iloc[0], ends.iloc[1], freq=FREQ_ALIAS[freq]).start_time
    return [d.strftime("%Y-%m-%d") for d in starts]


def fill_periods(
    table: pd.DataFrame, freq: str, by: str, words: pd.Series | None = None,
) -> pd.DataFrame:
    """A period × `by` count table with a zero row for every period it skips, per `by` value.

    Lines over time then drop to zero instead of joining across periods without mentions.
    `words` (period → words of dated articles) gives each added row its word count; the rate
    per 1,000 words is 0 where the period has words and missing where nothing dated was
    published (a line breaks there).
    """
    if table.empty:
        return table
    periods = period_range(table["period"].min(), table["period"].max(), freq)
    if words is not None and len(words):
        periods = sorted(set(periods) | {p for p in words.index if periods
                                         and periods[0] <= p <= periods[-1]})
    grid = pd.MultiIndex.from_product([periods, sorted(table[by].dropna().unique())],
                                      names=["period", by])
    out = table.set_index(["period", by]).reindex(grid).reset_index()
    known = table.groupby("period")["words"].max()
    if words is not None:
        known = words.combine_first(known)
    out["mentions"] = out["mentions"].fillna(0)
    out["articles"] = out["articles"].fillna(0)
    out["words"] = out["words"].fillna(out["period"].map(known)).fillna(0)
    rate = (out["mentions"] * 1000 / out["words"].where(out["words"] > 0)).round(3)
    out["per_1000_words"] = out["per_1000_words"].fillna(rate)
    return out.astype(table.dtypes.to_dict())[list(table.columns)]


# --------------------------------------------------------------------------- articles


def outlet_parts(outlet: Any) -> list[str]:
    """The outlets named in an `outlet` value ("Reuters / Associated Press" → two)."""
    if outlet is None or outlet is pd.NA or (isinstance(outlet, float) and outlet != outlet):
        return []
    return [p.strip() for p in str(outlet).split(" / ") if p.strip()]


def filter_articles(
    articles: pd.DataFrame,
    start: dt.date | None = None,
    end: dt.date | None = None,
    outlets: tuple[str, ...] | list[str] = (),
) -> pd.DataFrame:
    """Unique articles whose date overlaps the window and (if given) from one of `outlets`."""
    a = articles[articles["duplicate_of"].isna()]
    a = a[in_window(a["date"], start, end)]
    if outlets:
        wanted = {o.lower() for o in outlets}
        keep = a["outlet"].map(lambda o: any(p.lower() in wanted for p in outlet_parts(o)))
        a = a[keep.astype(bool)]
    return a.reset_index(drop=True)


def rows_of(table: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Rows of a mentions/attributions/events table that belong to `articles`."""
    return table[table["article_id"].isin(articles["article_id"])].reset_index(drop=True)


def articles_per_file(articles: pd.DataFrame) -> pd.DataFrame:
    """Per file: articles found, unique ones, duplicates and words (of unique articles)."""
    a = articles.assign(
        unique=articles["duplicate_of"].isna(),
        words=articles["n_words"].where(articles["duplicate_of"].isna(), 0).fillna(0),
    )
    out = a.groupby("file", sort=True).agg(
        articles=("article_id", "size"), unique=("unique", "sum"), words=("words", "sum")
    ).reset_index()
    out["duplicates"] = out["articles"] - out["unique"]
    return out[["file", "articles", "unique", "duplicates", "words"]].astype(
        {"articles": "int64", "unique": "int64", "duplicates": "int64", "words": "int64"}
    )


def articles_per_outlet(articles: pd.DataFrame) -> pd.DataFrame:
    """Per outlet (each outlet of a multi-outlet article counts it): articles and words."""
    rows = []
    for r in articles[["article_id", "outlet", "n_words"]].itertuples(index=False):
        for o in outlet_parts(r.outlet) or [UNKNOWN_OUTLET]:
            rows.append({"outlet": o, "article_id": r.article_id, "words": r.n_words})
    if not rows:
        return empty_frame({"outlet": "string", "articles": "int64", "words": "int64"})
    df = pd.DataFrame(rows)
    out = df.groupby("outlet").agg(articles=("article_id", "nunique"), words=("words", "sum"))
    out = out.reset_index().sort_values(["articles", "outlet"], ascending=[False, True])
    return out.astype({"articles": "int64", "words": "int64"}).reset_index(drop=True)


def articles_over_time(articles: pd.DataFrame, freq: str = "M") -> pd.DataFrame:
    """Articles and words per period and date precision (day, month); undated ones left out."""
    a = articles.assign(period=period_start(articles["date"], freq))
    a = a[a["period"].notna()]
    prec = a["date_precision"].astype("string").fillna("unknown")
    out = a.assign(precision=prec).groupby(["period", "precision"]).agg(
        articles=("article_id", "size"), words=("n_words", "sum")
    ).reset_index()
    return out.astype({"period": "string", "precision": "string", "articles": "int64",
                       "words": "int64"})


def corpus_summary(files: pd.DataFrame, articles: pd.DataFrame, ledger: pd.DataFrame,
                   window: pd.DataFrame | None = None) -> pd.DataFrame:
    """The corpus in numbers: files, articles, duplicates, words, ledger (and the window)."""
    uniq = articles[articles["duplicate_of"].isna()]
    words = int(uniq["n_words"].fillna(0).sum())
    rows = [
        ("files", len(files)),
        ("unreadable files", int((files["status"] != "read").sum())),
        ("articles found", len(articles)),
        ("duplicate articles", int(articles["duplicate_of"].notna().sum())),
        ("unique articles", len(uniq)),
        ("undated unique articles", int(uniq["date"].isna().sum())),
        ("words in unique articles", words),
        ("median words per article", int(uniq["n_words"].median()) if len(uniq) else 0),
        ("ledger spans set aside", len(ledger)),
        ("characters set aside", int(ledger["chars"].fillna(0).sum())),
    ]
    if window is not None:
        rows.append(("unique articles in the window", len(window)))
    return pd.DataFrame(rows, columns=["measure", "value"]).astype({"value": "int64"})


def corpus_facts(files: pd.DataFrame, articles: pd.DataFrame,
                 ledger: pd.DataFrame) -> dict[str, int]:
    """The numbers to know before trusting any chart: files, duplicates, undated, ledger."""
    uniq = articles[articles["duplicate_of"].isna()]
    chars = pd.to_numeric(files.get("n_chars", pd.Series(dtype="Int64")), errors="coerce")
    return {
        "files": int(len(files)),
        "unreadable": int((files["status"] != "read").sum()),
        "articles": int(len(articles)),
        "unique": int(len(uniq)),
        "duplicates": int(articles["duplicate_of"].notna().sum()),
        "undated": int(uniq["date"].isna().sum()),
        "month_only": int((uniq["date_precision"] == "month").sum()),
        "no_outlet": int(uniq["outlet"].map(lambda o: not outlet_parts(o)).sum()),
        "ledger_spans": int(len(ledger)),
        "ledger_chars": int(ledger["chars"].fillna(0).sum()),
        "file_chars": int(chars.fillna(0).sum()),
    }


def date_precision(articles: pd.DataFrame) -> pd.DataFrame:
    """How each article's date is known: precision × confidence, with counts."""
    a = articles.assign(
        precision=articles["date_precision"].astype("string").fillna("undated"),
        confidence=articles["date_confidence"].astype("string").fillna("unknown"),
    )
    out = a.groupby(["precision", "confidence"]).size().rename("articles").reset_index()
    return out.astype({"articles": "int64"})


def duplicates(articles: pd.DataFrame) -> pd.DataFrame:
    """Each duplicate article next to the first copy it repeats (file, lines, title)."""
    d = articles[articles["duplicate_of"].notna()]
    orig = articles.set_index("article_id")
    out = pd.DataFrame({
        "article_id": d["article_id"],
        "file": d["file"],
        "first_line": d["first_line"],
        "last_line": d["last_line"],
        "duplicate_of": d["duplicate_of"],
        "original_file": d["duplicate_of"].map(orig["file"]),
        "original_line": d["duplicate_of"].map(orig["first_line"]),
        "original_title": d["duplicate_of"].map(orig["title"]),
    })
    return out.reset_index(drop=True)


def ledger_by_reason(ledger: pd.DataFrame) -> pd.DataFrame:
    """Per reason a span was set aside: spans, files and non-whitespace characters."""
    if ledger.empty:
        return empty_frame(
            {"reason": "string", "spans": "int64", "files": "int64", "chars": "int64"}
        )
    out = ledger.assign(chars=ledger["chars"].fillna(0)).groupby("reason").agg(
        spans=("file", "size"), files=("file", "nunique"), chars=("chars", "sum")
    ).reset_index().sort_values("chars", ascending=False)
    return out.astype({"spans": "int64", "files": "int64", "chars": "int64"}).reset_index(
        drop=True)


def data_quality(
    files: pd.DataFrame, articles: pd.DataFrame, tables: dict[str, pd.DataFrame],
    accounting: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """What an analyst must know before trusting the charts: one row per check that fires."""
    rows: list[dict[str, Any]] = []
    uniq = articles[articles["duplicate_of"].isna()]
    n = len(uniq)

    def add(check: str, count: int, of: int | None, note: str) -> None:
        share = f"{count / of:.0%}" if of else ""
        rows.append({"check": check, "count": int(count), "share": share, "note": note})

    bad = files[files["status"] != "read"]
    if len(bad):
        add("unreadable files", len(bad), len(files),
            "not in any table: " + "; ".join(f"{f}: {r}" for f, r in zip(
                bad["file"], bad["reason"], strict=True)))
    warned = files[files["warnings"].map(lambda w: bool(w) if isinstance(w, list) else
                                         w is not None and len(w) > 0)]
    if len(warned):
        add("files with decoding warnings", len(warned), len(files),
            "; ".join(f"{f}: {'; '.join(map(str, w))}" for f, w in zip(
                warned["file"], warned["warnings"], strict=True)))
    n_dup = int(articles["duplicate_of"].notna().sum())
    if n_dup:
        add("duplicate articles", n_dup, len(articles),
            "repeats of an earlier article; counted once everywhere")
    undated = int(uniq["date"].isna().sum())
    if undated:
        add("undated articles", undated, n,
            "left out of every chart over time and of any date window")
    month = int((uniq["date_precision"] == "month").sum())
    if month:
        add("dated to the month only", month, n,
            "drawn at the start of their month in daily and weekly charts")
    no_outlet = int(uniq["outlet"].map(lambda o: not outlet_parts(o)).sum())
    if no_outlet:
        add("articles without a known outlet", no_outlet, n,
            f"shown as '{UNKNOWN_OUTLET}' in outlet charts")
    for name, what in (("mentions", "faction charts"), ("attributions", "source charts"),
                       ("events", "the event timeline")):
        if name in tables and tables[name].empty:
            add(f"no {name} extracted", 0, None, f"{what} will be empty")
    if accounting is not None and not accounting.empty and "lost" in accounting:
        lost = int(pd.to_numeric(accounting["lost"], errors="coerce").fillna(0).sum())
        twice = int(pd.to_numeric(accounting["claimed_twice"], errors="coerce").fillna(0).sum())
        if lost or twice:
            add("characters not accounted for", lost + twice, None,
                f"{lost} lost, {twice} claimed twice: a segmentation bug to report")
    cols = {"check": "string", "count": "int64", "share": "string", "note": "string"}
    if not rows:
        return empty_frame(cols)
    return pd.DataFrame(rows).astype(cols)


# --------------------------------------------------------------------------- mentions


def mentions_by_actor(mentions: pd.DataFrame) -> pd.DataFrame:
    """Per actor: its bloc, mentions and articles mentioning it, most mentioned first."""
    if mentions.empty:
        return empty_frame(
            {"actor": "string", "bloc": "string", "mentions": "int64", "articles": "int64"}
        )
    m = mentions.assign(bloc=mentions["bloc"].fillna(""))
    out = m.groupby(["actor", "bloc"]).agg(
        mentions=("article_id", "size"), articles=("article_id", "nunique")
    ).reset_index().sort_values(["mentions", "actor"], ascending=[False, True])
    return out.astype({"mentions": "int64", "articles": "int64"}).reset_index(drop=True)


def mentions_over_time(
    mentions: pd.DataFrame, articles: pd.DataFrame, freq: str = "M", by: str = "actor",
    complete: bool = False,
) -> pd.DataFrame:
    """Mentions per period and actor (or bloc), raw and per 1,000 words of that period.

    Periods come from the article's publication date; words are those of all the dated
    `articles` of the period, so the rate compares coverage across periods of unequal volume.
    With `complete`, every period between the first and the last gets a row for every actor,
    0 when it is not mentioned (see `fill_periods`), as charts over time need.
    """
    if by not in ("actor", "bloc"):
        raise ValueError(f"by must be 'actor' or 'bloc', not {by!r}")
    dated = articles.assign(period=period_start(articles["date"], freq))
    dated = dated[dated["period"].notna()]
    words = dated.groupby("period")["n_words"].sum()
    m = mentions.merge(dated[["article_id", "period"]], on="article_id", how="inner")
    cols = {"period": "string", by: "string", "mentions": "int64", "articles": "int64",
            "words": "int64", "per_1000_words": "float64"}
    if m.empty:
        return empty_frame(cols)
    m[by] = m[by].fillna("")
    out = m.groupby(["period", by]).agg(
        mentions=("article_id", "size"), articles=("article_id", "nunique")
    ).reset_index()
    out["words"] = out["period"].map(words).fillna(0)
    out["per_1000_words"] = (out["mentions"] * 1000 / out["words"].where(out["words"] > 0)
                             ).round(3)
    out = out.astype(cols)[list(cols)]
    if complete:
        out = fill_periods(out, freq, by, words.astype("int64"))
    return out.sort_values(["period", by]).reset_index(drop=True)


def faction_coverage(
    factions: list[str] | tuple[str, ...], mentions: pd.DataFrame, articles: pd.DataFrame,
    window: pd.DataFrame,
) -> pd.DataFrame:
    """Per chosen faction: its mentions in `articles` (unique, any date), how many are in
    undated articles, and how many fall in the `window` articles and can be drawn over time.

    Explains a chosen faction that is missing from a chart ("all in undated articles").
    """
    m = mentions[mentions["actor"].isin(list(factions))]
    m = m.merge(articles[["article_id", "date"]], on="article_id", how="inner")
    in_window = m["article_id"].isin(window["article_id"])
    rows = []
    for f in factions:
        own = m["actor"] == f
        rows.append({
            "faction": f,
            "mentions": int(own.sum()),
            "articles": int(m.loc[own, "article_id"].nunique()),
            "undated": int((own & m["date"].isna()).sum()),
            "in_window": int((own & in_window).sum()),
            "drawn": int((own & in_window & m["date"].notna()).sum()),
        })
    cols = {"faction": "string", "mentions": "int64", "articles": "int64", "undated": "int64",
            "in_window": "int64", "drawn": "int64"}
    if not rows:
        return empty_frame(cols)
    return pd.DataFrame(rows).astype(cols)


def _n(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def faction_notes(coverage: pd.DataFrame, windowed: bool) -> list[str]:
    """One sentence per chosen faction saying what the charts can show of it and why not."""
    notes = []
    for r in coverage.itertuples(index=False):
        said = f"{r.faction}: {_n(r.mentions, 'mention')}"
        if r.mentions == 0:
            notes.append(f"{r.faction}: not mentioned in these articles.")
        elif r.drawn == r.mentions:
            notes.append(f"{said}, all drawn in the charts.")
        elif r.undated == r.mentions:
            notes.append(f"{said}, all in undated articles, so none is in the charts "
                         + ("(a date window leaves undated articles out)." if windowed
                            else "over time."))
        elif windowed and r.in_window == 0:
            notes.append(f"{said}, none in this window"
                         + (f" ({r.undated:,} in undated articles)." if r.undated else "."))
        else:
            parts = [f"{r.drawn:,} in the charts over time"]
            if r.undated:
                parts.append(f"{r.undated:,} in undated articles")
            rest = r.mentions - r.undated - r.in_window
            if windowed and rest > 0:
                parts.append(f"{rest:,} outside the window")
            notes.append(f"{said}: " + ", ".join(parts) + ".")
    return notes


def co_mentions(mentions: pd.DataFrame, top: int = 20) -> pd.DataFrame:
    """Articles in which both actors appear, for the `top` actors by articles (with diagonal)."""
    cols = {"actor_a": "string", "actor_b": "string", "articles": "int64"}
    if mentions.empty:
        return empty_frame(cols)
    pairs = mentions[["article_id", "actor"]].drop_duplicates()
    keep = pairs["actor"].value_counts().sort_index().sort_values(
        ascending=False, kind="stable").head(top).index
    pairs = pairs[pairs["actor"].isin(keep)]
    both = pairs.merge(pairs, on="article_id", suffixes=("_a", "_b"))
    out = both.groupby(["actor_a", "actor_b"]).size().rename("articles").reset_index()
    return out.astype(cols).sort_values(["actor_a", "actor_b"]).reset_index(drop=True)


def kwic(
    mentions: pd.DataFrame, articles: pd.DataFrame, actors: list[str] | tuple[str, ...] = (),
    limit: int = 200,
) -> Evidence:
    """Keyword in context: the sentence around each mention of `actors` (all when empty)."""
    m = mentions if not actors else mentions[mentions["actor"].isin(list(actors))]
    m = m.merge(articles[["article_id", "title", "date", "outlet"]], on="article_id",
                how="inner")
    m = m.sort_values(["file", "start"], kind="stable")
    rows = []
    for r in m.head(limit).itertuples(index=False):
        sent = str(r.sentence) if isinstance(r.sentence, str) else str(r.surface)
        surface = str(r.surface)
        i = sent.find(surface)
        left, right = (sent[:i], sent[i + len(surface):]) if i >= 0 else ("", sent)
        rows.append({"actor": r.actor, "left": left, "surface": surface, "right": right,
                     "title": r.title, "date": r.date, "file": r.file, "line": r.line,
                     "article_id": r.article_id,
                     "outlet": " / ".join(outlet_parts(r.outlet)) or UNKNOWN_OUTLET})
    cols = ["actor", "left", "surface", "right", "title", "date", "file", "line", "article_id",
            "outlet"]
    return Evidence(pd.DataFrame(rows, columns=cols), int(len(m)))


# --------------------------------------------------------------------------- attribution


def _with_outlet(attributions: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    a = attributions.merge(articles[["article_id", "outlet", "date", "title"]],
                           on="article_id", how="inner")
    a["outlet"] = a["outlet"].map(lambda o: " / ".join(outlet_parts(o)) or UNKNOWN_OUTLET)
    a["source_type"] = a["source_type"].astype("string").fillna("(type unknown)")
    a["anonymous"] = a["anonymous"].astype("boolean").fillna(False).astype(bool)
    return a


def sources_by_type(attributions: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Per source type, named or anonymous: statements and articles."""
    a = _with_outlet(attributions, articles)
    cols = {"source_type": "string", "anonymity": "string", "statements": "int64",
            "articles": "int64"}
    if a.empty:
        return empty_frame(cols)
    a["anonymity"] = a["anonymous"].map({True: "anonymous", False: "named"})
    out = a.groupby(["source_type", "anonymity"]).agg(
        statements=("article_id", "size"), articles=("article_id", "nunique")).reset_index()
    return out.astype(cols).sort_values(["statements", "source_type"], ascending=[False, True]
                                        ).reset_index(drop=True)


def attribution_by_outlet(attributions: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Per outlet and source type: statements, and their share of the outlet's statements."""
    a = _with_outlet(attributions, articles)
    cols = {"outlet": "string", "source_type": "string", "statements": "int64",
            "anonymous": "int64", "share": "float64"}
    if a.empty:
        return empty_frame(cols)
    out = a.groupby(["outlet", "source_type"]).agg(
        statements=("article_id", "size"), anonymous=("anonymous", "sum")).reset_index()
    out["share"] = (out["statements"] / out.groupby("outlet")["statements"].transform("sum")
                    ).round(4)
    return out.astype(cols).reset_index(drop=True)


def top_sources(attributions: pd.DataFrame, articles: pd.DataFrame, n: int = 20) -> pd.DataFrame:
    """The `n` sources most often cited, with their type and the outlets that cite them."""
    a = _with_outlet(attributions, articles)
    if a.empty:
        return pd.DataFrame(columns=["source", "source_type", "statements", "articles",
                                     "outlets"])
    out = a.groupby(["source", "source_type"]).agg(
        statements=("article_id", "size"), articles=("article_id", "nunique"),
        outlets=("outlet", lambda s: ", ".join(sorted(set(s))))).reset_index()
    return out.sort_values(["statements", "source"], ascending=[False, True]).head(n
                                                                                  ).reset_index(
        drop=True)


def anonymous_share_over_time(
    attributions: pd.DataFrame, articles: pd.DataFrame, freq: str = "M"
) -> pd.DataFrame:
    """Per period of publication: attributed statements, anonymous ones and their share."""
    a = _with_outlet(attributions, articles)
    a["period"] = period_start(a["date"], freq)
    a = a[a["period"].notna()]
    cols = {"period": "string", "statements": "int64", "anonymous": "int64", "share": "float64"}
    if a.empty:
        return empty_frame(cols)
    out = a.groupby("period").agg(statements=("article_id", "size"),
                                  anonymous=("anonymous", "sum")).reset_index()
    out["share"] = (out["anonymous"] / out["statements"]).round(4)
    return out.astype(cols)


def attribution_evidence(
    attributions: pd.DataFrame, articles: pd.DataFrame, limit: int = 300
) -> Evidence:
    """The attributed sentences behind the outlet × source-type bars, capped."""
    a = _with_outlet(attributions, articles).sort_values(["file", "start"], kind="stable")
    cols = ["outlet", "source_type", "source", "anonymous", "cue", "sentence", "title", "date",
            "file", "line", "article_id"]
    return cap(a[cols], limit)


# --------------------------------------------------------------------------- events


def place_of(dateline: Any) -> str:
    """The first place of a dateline ("ALEPPO, Syria/BEIRUT" → "Aleppo"), else ''."""
    if not isinstance(dateline, str) or not dateline.strip():
        return ""
    first = dateline.split("/")[0].split(",")[0].strip()
    return first.title() if first.isupper() else first


def events_timeline(
    events: pd.DataFrame, articles: pd.DataFrame, mentions: pd.DataFrame, limit: int = 2000,
) -> Evidence:
    """Dated statements with their article's title, outlet and place, and the bloc most
    mentioned in the same sentence; sorted by date and capped at `limit` for charting.
    `when` is the date as text ("2016-10-10 – 2016-10-16" for a range), for tables."""
    e = events.merge(articles[["article_id", "title", "outlet", "dateline", "date"]].rename(
        columns={"date": "published"}), on="article_id", how="inner")
    e = e[e["date"].notna()]
    cols = ["date", "date_end", "when", "precision", "expression", "sentence", "title", "outlet",
            "place", "bloc", "file", "line", "article_id", "published"]
    if e.empty:
        return Evidence(schema.frame("events").assign(
            when=pd.Series(dtype="string"), published=pd.Series(dtype="string"),
            title=pd.Series(dtype="string"), outlet=pd.Series(dtype="string"),
            place=pd.Series(dtype="string"), bloc=pd.Series(dtype="string"))[cols], 0)
    blocs = pd.Series(dtype="string")
    if not mentions.empty:
        b = mentions.assign(bloc=mentions["bloc"].fillna(""))
        b = b.groupby(["article_id", "sentence", "bloc"]).size().rename("n").reset_index()
        b = b.sort_values(["n", "bloc"], ascending=[False, True]).drop_duplicates(
            ["article_id", "sentence"])
        blocs = b.set_index(["article_id", "sentence"])["bloc"]
    keys = pd.MultiIndex.from_arrays([e["article_id"], e["sentence"]])
    e["bloc"] = pd.Series(blocs.reindex(keys).to_numpy() if len(blocs) else pd.NA,
                          index=e.index).astype("string").fillna(NO_ACTOR).replace("",
                                                                                   NO_ACTOR)
    e["place"] = e["dateline"].map(place_of).astype("string").replace("", "(no dateline)")
    e["outlet"] = e["outlet"].map(lambda o: " / ".join(outlet_parts(o)) or UNKNOWN_OUTLET)
    e["date_end"] = e["date_end"].fillna(e["date"])
    e["when"] = e["date"].where(e["date_end"] == e["date"], e["date"] + " – " + e["date_end"])
    e = e.sort_values(["date", "file", "start"], kind="stable")
    return cap(e[cols], limit)


# --------------------------------------------------------------------------- evidence


def where(files: pd.Series, lines: pd.Series) -> pd.Series:
    """`file:line` for each row: where to read the evidence (`siegewatch explain` shows it)."""
    ln = lines.astype("Int64").astype("string").fillna("?")
    return (files.astype("string").fillna("?") + ":" + ln).astype("string")


def evidence_view(ev: Evidence | pd.DataFrame, keys: list[str] | tuple[str, ...] = ()
                  ) -> Evidence:
    """Evidence rows as an analyst reads them: the `keys` that lead to them from a chart, the
    sentence, then the article's title, outlet and publication date, and `file:line`."""
    ev = ev if isinstance(ev, Evidence) else Evidence(ev, len(ev))
    r = ev.rows
    published = "published" if "published" in r else "date"
    out = pd.DataFrame({k: r[k] for k in keys}, index=r.index)
    if "sentence" in r and "sentence" not in keys:
        out["sentence"] = r["sentence"]
    out["article"] = r["title"] if "title" in r else pd.NA
    out["outlet"] = r["outlet"] if "outlet" in r else pd.NA
    out["published"] = r[published].astype("string").fillna("undated") if published in r else pd.NA
    out["where"] = where(r["file"], r["line"])
    return Evidence(out.reset_index(drop=True), ev.total)
