"""Every regular expression in the library runs in time linear in its input.

The patterns are collected automatically from every `siegewatch` module (module globals, and
containers and classes one level down), so patterns added later by anyone are covered. Each is
run (finditer to the end, plus match and fullmatch) on hostile lines at two sizes, n and 8n:
a linear pattern takes about 8 times as long on the larger line, a quadratic one about 64 times,
an exponential one never finishes, which a hard per-call timeout turns into a failure.

This is a complexity check, not a speed target: the ratio bound is generous and calls faster than
a noise floor always pass.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import siegewatch

sys.path.insert(0, str(Path(__file__).parent / "fixtures"))
import make_hostile as H  # noqa: E402

N = 20_000
GROWTH = 8
MAX_RATIO = 32.0  # linear: ~8; quadratic: ~64
ATTEMPTS = 3  # a ratio above the bound is measured again: a busy machine skews one timing
# Seconds: a larger line faster than this always passes. A quadratic pattern takes seconds on
# the 8n line (about 10^10 steps), so this floor hides scheduler noise on a busy machine and
# nothing else.
NOISE_FLOOR = 0.05
CALL_TIMEOUT = 10.0  # seconds for one call on the 8n line


def hostile_lines(n: int) -> dict[str, str]:
    """The hostile lines of the fixtures plus prose and repeated cue words, about n chars."""
    lines = H.backtracking_lines(n)
    lines["prose"] = H.long_line(n)
    lines["said_words"] = "said the Syrian army told Reuters " * (n // 34)
    lines["sources_colons"] = "Sources: " * (n // 9)
    lines["wire_parens"] = "BEIRUT (Reuters) " * (n // 17)
    lines["upper_hyphen"] = "AL-" * (n // 3)
    lines["nbsp_dashes"] = "A\u00a0–\u00a0" * (n // 4)
    return lines


# ------------------------------------------------------------------ collecting the patterns


def _modules() -> Iterator[object]:
    for info in pkgutil.walk_packages(siegewatch.__path__, prefix="siegewatch."):
        if info.name.endswith("__main__"):
            continue  # runs the command line when imported
        yield importlib.import_module(info.name)


def _patterns_in(value: object, depth: int = 0) -> Iterator[re.Pattern]:
    if isinstance(value, re.Pattern):
        yield value
    elif depth >= 2:
        return
    elif isinstance(value, dict):
        for v in value.values():
            yield from _patterns_in(v, depth + 1)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for v in value:
            yield from _patterns_in(v, depth + 1)
    elif getattr(type(value), "__module__", "").startswith("siegewatch") and hasattr(
        value, "__dict__"
    ):
        for v in vars(value).values():
            yield from _patterns_in(v, depth + 1)


def collect_patterns() -> dict[str, re.Pattern]:
    """Every compiled pattern reachable from a siegewatch module, by a readable id."""
    found: dict[int, tuple[str, re.Pattern]] = {}
    for module in _modules():
        for name, value in sorted(vars(module).items()):
            owner = module.__name__
            if isinstance(value, type):
                if not value.__module__.startswith("siegewatch"):
                    continue
                items = list(vars(value).items())
                owner = f"{module.__name__}.{name}"
            else:
                items = [(name, value)]
            for attr, v in items:
                for k, pat in enumerate(_patterns_in(v)):
                    key = f"{owner}.{attr}" + (f"[{k}]" if not isinstance(v, re.Pattern) else "")
                    found.setdefault(id(pat), (key, pat))
    return {key: pat for key, pat in found.values()}


PATTERNS = collect_patterns()


# ------------------------------------------------------------------ timing


class CallTimeout(Exception):
    pass


def _on_alarm(signum, frame):  # pragma: no cover - only on a hang
    raise CallTimeout


def timed(fn: Callable[[], object], timeout: float) -> float:
    """Seconds `fn` takes; raises CallTimeout after `timeout` (the re engine checks signals)."""
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        t0 = time.perf_counter()
        fn()
        return time.perf_counter() - t0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def exercise(pat: re.Pattern, line: str | bytes) -> Callable[[], object]:
    def run() -> None:
        for _ in pat.finditer(line):
            pass
        pat.match(line)
        pat.fullmatch(line)

    return run


def growth(
    pat: re.Pattern, small: str | bytes, large: str | bytes, timeout: float
) -> tuple[float, float]:
    """(best time on the n line, best time on the 8n line)."""
    if isinstance(pat.pattern, bytes) and isinstance(small, str) and isinstance(large, str):
        small, large = small.encode(), large.encode()
    return best(exercise(pat, small), timeout), best(exercise(pat, large), timeout)


def best(fn: Callable[[], object], timeout: float, runs: int = 4, budget: float = 0.3) -> float:
    """The fastest of up to `runs` timings (fewer once `budget` seconds are spent)."""
    times: list[float] = []
    while len(times) < runs and sum(times) < budget:
        times.append(timed(fn, timeout))
    return min(times)


SMALL_LINES = hostile_lines(N)
LARGE_LINES = hostile_lines(N * GROWTH)


def check_linear(
    pat: re.Pattern, kinds: list[str] | None = None, timeout: float = CALL_TIMEOUT
) -> list[str]:
    """Problems found for `pat` on the hostile lines (empty when it is linear)."""
    problems = []
    for kind in kinds or list(SMALL_LINES):
        for _ in range(ATTEMPTS):
            try:
                t_small, t_large = growth(pat, SMALL_LINES[kind], LARGE_LINES[kind], timeout)
            except CallTimeout:
                problems.append(f"{kind}: no answer within {timeout:.0f} s")
                break
            ratio = t_large / max(t_small, NOISE_FLOOR / GROWTH)
            if t_large < NOISE_FLOOR or ratio <= MAX_RATIO:
                break
        else:
            problems.append(
                f"{kind}: {t_small * 1e3:.1f} ms at n={N}, {t_large * 1e3:.1f} ms at "
                f"{GROWTH}n (x{ratio:.0f}, linear is x{GROWTH})"
            )
    return problems


# ------------------------------------------------------------------ tests


def test_collector_finds_patterns_of_every_kind_of_module():
    from siegewatch import dedup
    from siegewatch import patterns as P

    pats = set(map(id, PATTERNS.values()))
    for p in (P.BYLINE, P.DATELINE_WIRE, P.FORUM_STAMP, dedup._WORD):
        assert id(p) in pats
    assert len(PATTERNS) >= 20


def test_the_check_catches_quadratic_and_exponential_patterns():
    """The check can fail: a quadratic and an exponential pattern are both caught."""
    quadratic = re.compile(r"\s+x?y")  # from every space, scans the rest of the run
    assert check_linear(quadratic, ["spaces_then_x"], timeout=2.0)
    exponential = re.compile(r"(?:\w+\s?)+\.$")
    problems = check_linear(exponential, ["letters"], timeout=1.0)
    assert problems == ["letters: no answer within 1 s"]
    assert check_linear(re.compile(r"\bsaid\b")) == []


@pytest.mark.parametrize("key", sorted(PATTERNS))
def test_pattern_runs_in_linear_time(key):
    problems = check_linear(PATTERNS[key])
    assert not problems, f"{key} ({PATTERNS[key].pattern[:80]!r}) is not linear: " + "; ".join(
        problems
    )
