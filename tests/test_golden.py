"""The meeting page of the embedded agenda compared with a golden file a human has read.

Regenerate after an intended change with:  UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
then read the diff (git diff tests/golden/) before committing it.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"


def _compare(actual: str, name: str) -> None:
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                            f"golden/{name}", "built", n=2))
        raise AssertionError(f"the built page differs from tests/golden/{name}:\n{diff[:6000]}")


def test_meeting_page_matches_golden(built_site: Path):
    _compare((built_site / "2024-09-06-kkr-hovedstaden" / "index.html").read_text("utf-8"), "meeting-2024-09-06.html")
