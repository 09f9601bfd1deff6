"""Funding annexes (placeholder until the funding computation lands; see issue 3)."""

from __future__ import annotations

from pathlib import Path

from .model import Annex
from .source import SourceFile


def load_funding_annex(title: str, target: Path, meeting_slug: str, item: SourceFile, line: int, ctx) -> Annex:
    """List a funding annex by title and warn that it is not computed yet."""
    ctx.diags.warning(item.rel, line, f"funding annex '{target.name}' is not computed yet",
                      "funding annexes arrive with issue 3")
    return Annex(title, "none", True, source=ctx.rel(target))
