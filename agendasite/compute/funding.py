"""Funding annexes: a YAML file of figures and a key becomes a computed table, checked against the source.

`load_funding_annex` is called from annexes.py for an annex entry with `funding:`; the two models
are computed in distribution.py (a total shared by a key) and contributions.py (scenarios).
Every amount, share and total is computed; figures the source states are only
compared (see `Comparison`), never shown in their place.
"""

from __future__ import annotations

from decimal import DecimalException
from pathlib import Path

from ..diagnostics import Diagnostics
from ..model import Annex
from ..source.files import SourceFile, read_text
from ..source.funding_schemas import FUNDING
from ..source.numbers import bounded_arithmetic
from ..source.schema import Record
from ..source.validate import check
from ..source.yamlpos import SourceError, parse_yaml
from .contributions import compute_contributions
from .distribution import compute_distribution
from .funding_parts import as_table

ANNEX_DIR = "bilag"


def read_funding(target: Path, rel: str, diags: Diagnostics, locale: str) -> Record | None:
    """Read and check a funding annex file against its schema."""
    try:
        tree = parse_yaml(read_text(target))
    except SourceError as exc:
        diags.error(rel, exc.line, exc.message, exc.hint, exc.column)
        return None
    before = diags.count("error")
    record = check(tree, FUNDING, diags, rel, locale)
    if record is None or diags.count("error") > before:
        return None
    return record


def load_funding_annex(title: str, target: Path, meeting_slug: str, item: SourceFile, line: int, ctx) -> Annex | None:
    """Compute a funding annex; the Annex carries the computed model (`extra`) and its table (for CSV)."""
    rel = ctx.rel(target)
    if target.suffix not in (".yml", ".yaml"):
        ctx.diags.error(item.rel, line, f"the funding annex '{target.name}' is not a YAML (.yml) file",
                        "a funding annex is a YAML file; see docs/funding.md")
        return None
    record = read_funding(target, rel, ctx.diags, ctx.config.language)
    if record is None:
        return None
    model = record.get("model")
    foreign = ("total", "split", "key", "columns", "labels", "stated") if model == "contributions" else ("scenarios",)
    for key in foreign:
        if key in record.positions:
            ctx.diags.error(rel, record.line(key), f"'{key}' does not belong in a funding annex with "
                            f"model: {model}", "remove it, or set 'model' to the other kind (see docs/funding.md)")
            return None
    before = ctx.diags.count("error")
    try:
        with bounded_arithmetic():
            funding = (compute_contributions if model == "contributions" else compute_distribution)(record, rel, ctx)
    except DecimalException as exc:  # figures are bounded when read; this is the context's second line
        ctx.diags.error(rel, record.line("total"), f"the figures cannot be computed ({type(exc).__name__})",
                        "check the total, the rounding unit and the key's figures for absurdly large values")
        return None
    if funding is None or ctx.diags.count("error") > before:
        return None
    table = as_table(funding, ctx.config.language)
    return Annex(title, "funding", True, source=rel,
                 url=f"{meeting_slug}/{ANNEX_DIR}/{target.stem}/", tables=(table,), extra=funding)

