"""What both funding models (a distribution by a key, contributions in scenarios) share: the check of the
source's stated figures against the computed ones, Markdown values as HTML, the annex as a table for its CSV."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from ..diagnostics import Diagnostics
from ..funding_model import Difference, Figure, FundingAnnex
from ..model import Cell, Table
from ..source.numbers import format_number
from ..source.schema import Record

CSV_NAME = "tabel-1.csv"


@dataclass(slots=True)
class Comparison:
    """Compares the source's stated figures with computed ones; a difference is a warning, or a note if acknowledged."""

    path: str
    diags: Diagnostics
    locale: str
    acknowledged: bool
    differences: list[Difference] = field(default_factory=list)

    def check(self, what: str, stated: Decimal, line: int, computed: Decimal, decimals: int) -> bool:
        """True if the stated figure equals the computed one (at the shown decimals); else report it."""
        shown = computed.quantize(Decimal(1).scaleb(-decimals))
        if stated == shown:
            return True
        diff = stated - shown
        fmt = lambda v: format_number(v, self.locale, decimals)  # noqa: E731
        self.differences.append(Difference(what, Figure(stated, decimals), Figure(shown, decimals),
                                           Figure(diff, decimals), line))
        severity = "note" if self.acknowledged else "warning"
        self.diags.add(severity, self.path, line,
                       f"{what}: the source states {fmt(stated)}, the build computes {fmt(shown)} "
                       f"(difference {fmt(diff)})",
                       "acknowledged in 'acknowledged' and shown on the annex page; the computed figure is used"
                       if self.acknowledged else
                       "correct the stated figure, or explain the difference in 'acknowledged' (then it is a "
                       "note shown on the page)")
        return False


def record_html(record: Record, key: str, rel: str, ctx) -> str:
    """A Markdown value of a funding annex as HTML, its messages at the line of its key."""
    return ctx.markdown_html(record.get(key), (rel, record.line(key)))


def _cell(figure: Figure, locale: str) -> Cell:
    if figure.value is None:
        text = figure.text or ""
        return Cell(text, text)
    text = format_number(figure.value, locale, figure.decimals)
    return Cell(text, text, figure.value, True)


def as_table(annex: FundingAnnex, locale: str) -> Table:
    """The annex's table as a generic Table, so it is written as CSV like every other table."""
    header = (annex.first_label,) + tuple(c.label for c in annex.columns)
    header_text = (annex.first_label,) + tuple(f"{c.group} – {c.label}" if c.group else c.label
                                               for c in annex.columns)
    rows = tuple((Cell(r.label + r.mark, r.label + r.mark),) + tuple(_cell(f, locale) for f in r.cells)
                 for r in annex.rows)
    return Table(caption=escape(annex.caption), caption_text=annex.caption, groups=annex.groups, header=header,
                 header_text=header_text, numeric=(False,) + (True,) * len(annex.columns), rows=rows,
                 total_rows=frozenset(i for i, r in enumerate(annex.rows) if r.total), notes=(),
                 csv_name=annex.csv_name, line=1)
