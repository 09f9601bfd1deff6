"""Tables with computed totals: `=sum` and `=rowsum` cells are filled in at build time.

A total is never typed. A stated total (`=sum 561,5`) is checked against the
computed sum: equal is silent; a difference explained by the rounding of the
rows (at most half a unit of the last decimal per row) keeps the stated figure
with a visible footnote and a build note; any other difference is a warning and
the computed sum is shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Callable

from ..diagnostics import Diagnostics
from ..model import Cell, Table
from ..source.numbers import (NumberFormatError, bounded_arithmetic, decimals_of, format_number, number_or_none,
                      parse_number, why_not_a_number)

_EMPTY = {"", "-", "–", "—"}
_FORMULA = re.compile(r"^=(sum|rowsum)\b\s*(.*)$")
_CAPTION = re.compile(r"^(Tabel|Table)\s*:\s*", re.IGNORECASE)


@dataclass(slots=True)
class RawCell:
    """A cell as written: its inline Markdown, the HTML of it, and its source line."""

    text: str
    html: str
    line: int


@dataclass(slots=True)
class TableContext:
    """What table computation needs to know about the file it is in."""

    path: str
    locale: str
    diags: Diagnostics
    gettext: Callable[[str], str]


def _bare(text: str) -> str:
    """A cell's text without surrounding emphasis markers."""
    return text.strip().strip("*_").strip()


def compute_table(header: list[RawCell], aligns: list[str | None], rows: list[list[RawCell]],
                  caption_html: str | None, caption_text: str | None, line: int, index: int,
                  ctx: TableContext) -> Table:
    """Turn a parsed pipe table into a Table with every formula computed (in the bounded Decimal context)."""
    with bounded_arithmetic():
        return _compute_table(header, aligns, rows, caption_html, caption_text, line, index, ctx)


def _compute_table(header: list[RawCell], aligns: list[str | None], rows: list[list[RawCell]],
                   caption_html: str | None, caption_text: str | None, line: int, index: int,
                   ctx: TableContext) -> Table:
    groups, header_html, header_text = _read_header(header)
    work = _Computation(rows, len(header), header_text, ctx)
    work.compute_totals()
    return Table(
        caption=caption_html, caption_text=caption_text, groups=tuple(groups) if groups is not None else (),
        header=tuple(header_html), header_text=tuple(header_text), numeric=tuple(work.numeric_columns()),
        rows=tuple(work.output_rows()), total_rows=frozenset(work.total_rows), notes=tuple(work.notes),
        csv_name=f"tabel-{index}.csv" if work.computed_value else None, line=line,
    )


def _read_header(header: list[RawCell]) -> tuple[list[tuple[str, int]] | None, list[str], list[str]]:
    """Column groups (`Group :: label`; None when no header cell has one), the labels' HTML and their text."""
    groups: list[tuple[str, int]] = []
    header_html: list[str] = []
    header_text: list[str] = []
    has_groups = any("::" in cell.text for cell in header)
    for cell in header:
        if "::" in cell.text:
            group, _, label = cell.text.partition("::")
            group, label = group.strip(), label.strip()
            label_html = cell.html.split("::", 1)[1].strip() if "::" in cell.html else escape(label)
        else:
            group, label, label_html = "", cell.text.strip(), cell.html
        if has_groups:
            if groups and groups[-1][0] == group and group:
                groups[-1] = (group, groups[-1][1] + 1)
            else:
                groups.append((group, 1))
        header_html.append(label_html)
        header_text.append(f"{group} – {label}" if group else label)
    return (groups if has_groups else None), header_html, header_text


class _Computation:
    """One table's cells classified (empty, number, =sum, =rowsum, text), its totals computed and checked."""

    def __init__(self, rows: list[list[RawCell]], ncols: int, header_text: list[str], ctx: TableContext) -> None:
        self.rows, self.ncols, self.header_text, self.ctx = rows, ncols, header_text, ctx
        self.kinds: list[list[str]] = []  # 'empty' | 'number' | 'sum' | 'rowsum' | 'text'
        self.values: list[list[Decimal | None]] = []
        self.stated: list[list[Decimal | None]] = []
        self.bares: list[list[str]] = []  # each cell's text without emphasis
        self.decimals: list[list[int]] = []  # the decimals a number cell is written with
        self.decimals_col = [0] * ncols
        self.numbers_in_col = [0] * ncols
        self.notes: list[str] = []
        self.computed_value: dict[tuple[int, int], Decimal] = {}
        self.shown_value: dict[tuple[int, int], Decimal] = {}
        self.note_of: dict[tuple[int, int], int] = {}
        self.cell_decimals: dict[tuple[int, int], int] = {}
        for row in rows:
            self._classify_row(row)
        self.total_rows = {r for r in range(len(rows)) if "sum" in self.kinds[r]}

    def _classify_row(self, row: list[RawCell]) -> None:
        locale = self.ctx.locale
        row_kinds, row_values, row_stated, row_bares, row_decimals = [], [], [], [], []
        for c in range(self.ncols):
            cell = row[c]
            bare = _bare(cell.text)
            row_bares.append(bare)
            row_decimals.append(0)
            m = _FORMULA.match(bare) if bare[:1] == "=" else None
            if m:
                row_kinds.append(m[1])
                row_values.append(None)
                row_stated.append(self._stated_total(m, cell))
                continue
            row_stated.append(None)
            if bare in _EMPTY:
                row_kinds.append("empty")
                row_values.append(None)
                continue
            value = number_or_none(bare, locale)
            if value is None:
                row_kinds.append("text")
                row_values.append(None)
                continue
            row_kinds.append("number")
            row_values.append(value)
            row_decimals[c] = written = decimals_of(bare, locale)
            if written > self.decimals_col[c]:
                self.decimals_col[c] = written
            self.numbers_in_col[c] += 1
        self.kinds.append(row_kinds)
        self.values.append(row_values)
        self.stated.append(row_stated)
        self.bares.append(row_bares)
        self.decimals.append(row_decimals)

    def _stated_total(self, m: re.Match[str], cell: RawCell) -> Decimal | None:
        """The total a formula cell states (`=sum 561,5`), None if none (or not a number: an error)."""
        if not m[2].strip():
            return None
        try:
            return parse_number(_bare(m[2]), self.ctx.locale)
        except NumberFormatError as exc:
            self.ctx.diags.error(self.ctx.path, cell.line, f"the stated total after '={m[1]}' is not a number: {exc}",
                                 f"write it like this: ={m[1]} 561,5 (or just ={m[1]})")
        return None

    def numeric_columns(self) -> list[bool]:
        """Columns of numbers (text only in total rows) or with a formula: aligned right, numbers in the CSV."""
        numeric = []
        for c in range(self.ncols):
            col_kinds = [self.kinds[r][c] for r in range(len(self.rows)) if r not in self.total_rows]
            has_formula = any(self.kinds[r][c] in ("sum", "rowsum") for r in range(len(self.rows)))
            numeric.append((self.numbers_in_col[c] > 0 and "text" not in col_kinds) or has_formula)
        return numeric

    def value_at(self, r: int, c: int) -> Decimal | None:
        if (r, c) in self.computed_value:
            return self.computed_value[(r, c)]
        return self.values[r][c]

    def check_stated(self, r: int, c: int, computed: Decimal, decimals: int, terms: int) -> None:
        ctx = self.ctx
        want = self.stated[r][c]
        self.shown_value[(r, c)] = computed
        if want is None or want == computed:
            return
        diff = abs(want - computed)
        tolerance = Decimal(terms) * Decimal(5) / (Decimal(10) ** (decimals + 1)) if decimals > 0 else Decimal(0)
        fmt = lambda v: format_number(v, ctx.locale, decimals)  # noqa: E731
        place = f"'{self.header_text[c]}'" if self.header_text[c] else f"column {c + 1}"
        if diff <= tolerance:
            self.shown_value[(r, c)] = want
            self.notes.append(ctx.gettext("The total %(stated)s is stated in the source; the rounded figures "
                                          "in the table add up to %(computed)s.")
                              % {"stated": fmt(want), "computed": fmt(computed)})
            self.note_of[(r, c)] = len(self.notes)
            ctx.diags.note(ctx.path, self.rows[r][c].line,
                           f"stated total {fmt(want)} in {place} differs from the sum of the rows "
                           f"{fmt(computed)} by {fmt(diff)}, within the rounding of the {terms} rows; the stated "
                           f"total is shown with a footnote")
        else:
            ctx.diags.warning(ctx.path, self.rows[r][c].line,
                              f"stated total {fmt(want)} in {place} differs from the computed sum "
                              f"{fmt(computed)} by {fmt(diff)}; the computed sum is shown",
                              "check the rows above and the stated figure")

    def rowsum(self, r: int, c: int) -> None:
        total, dec, terms = Decimal(0), 0, 0
        for k in range(1, c):
            v = self.value_at(r, k)
            if self.kinds[r][k] == "text":
                self.ctx.diags.error(self.ctx.path, self.rows[r][k].line,
                                     f"'=rowsum' in column {c + 1} adds the cells to its left, but "
                                     f"{why_not_a_number(_bare(self.rows[r][k].text), self.ctx.locale)}",
                                     "write the number the Danish way (1.234,5), or leave the cell empty")
            if v is not None:
                total += v
                dec = max(dec, self.cell_decimals.get((r, k), self.decimals_col[k]))
                terms += 1
        self.computed_value[(r, c)] = total
        self.cell_decimals[(r, c)] = dec
        self.check_stated(r, c, total, dec, terms)

    def colsum(self, r: int, c: int) -> None:
        start = max((t for t in self.total_rows if t < r), default=-1) + 1
        total, terms, dec = Decimal(0), 0, self.decimals_col[c]
        for k in range(start, r):
            if self.kinds[k][c] == "text":
                self.ctx.diags.error(self.ctx.path, self.rows[k][c].line,
                                     f"the total in column '{self.header_text[c]}' adds the cells above it, but "
                                     f"{why_not_a_number(_bare(self.rows[k][c].text), self.ctx.locale)}",
                                     "write the number the Danish way (1.234,5), or leave the cell empty or '-'")
                continue
            v = self.value_at(k, c)
            if v is not None:
                total += v
                terms += 1
                dec = max(dec, self.cell_decimals.get((k, c), 0))
        self.computed_value[(r, c)] = total
        self.cell_decimals[(r, c)] = dec
        self.check_stated(r, c, total, dec, terms)

    def compute_totals(self) -> None:
        """Row sums of the plain rows first, then each total row's column sums and its row sums."""
        for r in range(len(self.rows)):
            if r not in self.total_rows:
                for c in range(self.ncols):
                    if self.kinds[r][c] == "rowsum":
                        self.rowsum(r, c)
        for r in sorted(self.total_rows):
            for c in range(self.ncols):
                if self.kinds[r][c] == "sum":
                    if c == 0:
                        self.ctx.diags.error(self.ctx.path, self.rows[r][c].line,
                                             "'=sum' cannot stand in the first column",
                                             "the first column holds the row's label, e.g. **I alt**")
                        continue
                    self.colsum(r, c)
            for c in range(self.ncols):
                if self.kinds[r][c] == "rowsum":
                    self.rowsum(r, c)

    def output_rows(self) -> list[tuple[Cell, ...]]:
        """The cells as shown: text as written, numbers in the locale's way, computed totals (bold if marked)."""
        locale = self.ctx.locale
        out_rows: list[tuple[Cell, ...]] = []
        for r, row in enumerate(self.rows):
            cells = []
            for c in range(self.ncols):
                raw, kind = row[c], self.kinds[r][c]
                if kind == "text" or kind == "empty":
                    cells.append(Cell(raw.html, self.bares[r][c]))
                elif (r, c) in self.computed_value:
                    shown = self.shown_value[(r, c)]
                    text = format_number(shown, locale, self.cell_decimals[(r, c)])
                    computed = self.computed_value[(r, c)]
                    cells.append(Cell(_bold_if(raw, escape(text)), text, computed, True,
                                      shown if shown != computed else None, self.note_of.get((r, c))))
                elif kind == "number":
                    text = format_number(self.values[r][c], locale, self.decimals[r][c])
                    cells.append(Cell(_bold_if(raw, escape(text)), text, self.values[r][c]))
                else:
                    cells.append(Cell(raw.html, self.bares[r][c]))
            out_rows.append(tuple(cells))
        return out_rows


def _bold_if(raw: RawCell, html: str) -> str:
    """A figure's HTML, strong if the editor wrote the cell in bold."""
    return f"<strong>{html}</strong>" if raw.text.strip().startswith("**") else html


def split_caption(text: str) -> str | None:
    """The caption text if a paragraph is a table caption (`Tabel: ...`)."""
    m = _CAPTION.match(text)
    return text[m.end():].strip() if m else None
