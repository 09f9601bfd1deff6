"""The benchmark's verdicts (benchmarks/run.py): what it prints as met or missed, and how a stopped run reads."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
run = importlib.util.module_from_spec(_spec)
assert _spec.loader is not None
sys.modules["bench_run"] = run  # dataclasses look their module up
_spec.loader.exec_module(run)


def rows(cold: float, item: float, whole: float, stopped: bool) -> list:
    n = 10_000
    return [run.Row("agendasite cold (fresh cache)", n, cold, 105, n),
            run.Row("agendasite no-change rebuild", n, 0.12, 29, n),
            run.Row("agendasite one item edited", n, item, 90, n),
            run.Row("Hugo cold", n, 6.0, 1100, n),
            run.Row("floor (1 process)", n, 11.0, 25, n),
            run.Row("MkDocs-Material (capped: 1,000 items, 1,434 pages)", 1000, 19.6, 75, 1000),
            run.Row("MkDocs-Material, all 14,302 pages", n, whole, 900, n, stopped=stopped)]


def test_a_stopped_mkdocs_run_is_a_lower_bound_and_meets_the_target() -> None:
    data = rows(cold=11.0, item=0.45, whole=220.0, stopped=True)
    table = run.report(data)
    assert "| 10,000 | MkDocs-Material, all 14,302 pages | > 220.00 | > 22.00 | 900 | — | — |" in table
    verdicts = run.targets(data)
    assert "- met: cold ≤ 2 × Hugo cold (11.00 s vs 12.00 s)" in verdicts
    assert "- met: ≥ 20 × faster than MkDocs-Material on the whole site (> 20.0 ×" in verdicts
    assert ("- MISSED: ≥ 20 × faster than MkDocs-Material per item, against its time per item at its cap of 1,000 "
            "items (17.8 ×") in verdicts  # 19.6 ms an item against 1.1 ms


def test_missed_targets_say_so() -> None:
    verdicts = run.targets(rows(cold=12.5, item=1.3, whole=200.0, stopped=False))
    assert "- MISSED: cold ≤ 2 × Hugo cold (12.50 s vs 12.00 s)" in verdicts
    assert "- MISSED: one-item rebuild ≤ 0.2 × Hugo cold and < 1 s (1.30 s vs 1.00 s)" in verdicts
    assert "- MISSED: ≥ 20 × faster than MkDocs-Material on the whole site (16.0 ×: MkDocs 200.0 s" in verdicts
