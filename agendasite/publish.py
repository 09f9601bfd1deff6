"""Publishing a rebuild: reuse unchanged published files, or apply a small change in place, never half."""

from __future__ import annotations

import os
from pathlib import Path

from .write import StagingDir


def link_all(staging: StagingDir, previous: Path, outputs: dict[str, bytes]) -> bool:
    """Hard-link a meeting's published files into staging; False (and nothing left) if one is missing."""
    done: list[str] = []
    try:
        for rel in outputs:
            staging.link(rel, previous / rel)
            done.append(rel)
    except OSError:
        for rel in done:
            (staging.path / rel).unlink(missing_ok=True)
        return False
    return True


def apply_in_place(staging: StagingDir, output: Path, before: dict[str, bytes], after: dict[str, bytes]) -> None:
    """Publish a small change without copying the site: each changed file is renamed over the old one
    (atomic per file), new files first, then changed ones, removals last, so at every moment every file
    is complete and every link resolves. A crash midway leaves the 'applying' mark: the next build then
    builds the whole folder afresh and swaps it in."""
    added = sorted(p for p in after if p not in before)
    changed = sorted(p for p in after if p in before and before[p] != after[p])
    for rel in added + changed:
        target = output / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging.path / rel, target)
    for rel in sorted((p for p in before if p not in after), reverse=True):
        (output / rel).unlink(missing_ok=True)
        parent = (output / rel).parent
        while parent != output and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    staging.discard()
