"""Nothing lost, nothing counted twice: on the bundled corpus, every non-whitespace character
is in exactly one article block or one ledger span."""

from __future__ import annotations

from siegewatch.accounting import account, coverage


def test_bundled_corpus_accounts_for_every_character(corpus):
    acc = account(corpus)
    assert len(acc) == 5
    assert (acc["status"] == "read").all()
    assert acc["lost"].sum() == 0, acc
    assert acc["claimed_twice"].sum() == 0, acc
    assert (acc["in_articles"] + acc["in_ledger"] == acc["chars"]).all()
    # The forum list of file 004 is in the ledger, not in an article.
    row = acc.set_index("file").loc["004_ddb399af3f17ee9c.txt"]
    assert row["in_ledger"] > 9000


def test_blocks_point_at_their_own_text(corpus):
    for file, group in corpus.blocks.groupby("file"):
        text = corpus.text(file)
        for b in group.itertuples():
            assert text[b.start : b.end] == b.text


def test_coverage_counts_lost_and_double_claimed_characters():
    text = "ab cd\nef"
    assert coverage(text, [(0, 2)], [(3, 5)]) == {
        "chars": 6, "in_articles": 2, "in_ledger": 2, "lost": 2, "claimed_twice": 0}
    assert coverage(text, [(0, 5)], [(3, 8)])["claimed_twice"] == 2


def test_a_long_article_quoting_a_short_one_whole_is_not_its_duplicate():
    from siegewatch import dedup

    short = " ".join(f"word{i}" for i in range(60))
    long_ = short + " " + " ".join(f"more{i}" for i in range(400))
    cut = " ".join(short.split()[:45])  # a cut-off copy: still a duplicate
    ids, exact, sigs, ns = [], [], [], []
    for i, text in enumerate((short, long_, cut)):
        h, sig, n = dedup.signature(text)
        ids.append(f"a{i}"), exact.append(h), sigs.append(sig), ns.append(n)
    assert dedup.find_duplicates(ids, exact, sigs, ns) == {"a2": "a0"}
