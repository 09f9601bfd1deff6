"""What both funding models (a distribution by a key, contributions in scenarios) share: the check of the
source's stated figures against the computed ones, Markdown values as HTML, the name of the annex's CSV."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .diagnostics import Diagnostics
from .funding_model import Difference, Figure
from .markdown import RenderContext
from .numbers import format_number
from .sanitize import ENV_KEY
from .schema import Record

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


def markdown_html(text: str | None, ctx, where: tuple[str, int] | None = None) -> str:
    """Render an intro or note (Markdown) to HTML; `where` (the file and the line of its key) places the
    warnings for raw HTML removed and the errors for addresses that may not be published."""
    if not text:
        return ""
    if where is None:
        return ctx.md.render(text)
    located = RenderContext(where[0], 0, ctx.config.language, ctx.diags, ctx.gettext, at_line=where[1])
    return ctx.md.render(text, {ENV_KEY: located})


def record_html(record: Record, key: str, rel: str, ctx) -> str:
    """A Markdown value of a funding annex as HTML, its messages at the line of its key."""
    return markdown_html(record.get(key), ctx, (rel, record.line(key)))
