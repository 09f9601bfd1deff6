"""Tables with computed totals: `=sum` and `=rowsum` cells are filled in at build time.

A total is never typed. A stated total (`=sum 561,5`) is checked against the
computed sum: equal is silent; a difference explained by the rounding of the
rows (at most half a unit of the last decimal per row) keeps the stated figure
with a visible footnote and a build note; any other difference is a warning and
the computed sum is shown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Callable

from .csvout import write_csv
from .diagnostics import Diagnostics
from .model import Cell, Table
from .urls import attribute_url
from .numbers import (NumberFormatError, bounded_arithmetic, decimals_of, format_number, number_or_none,
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
    ncols = len(header)
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

    # Classify every cell.
    kinds: list[list[str]] = []  # 'empty' | 'number' | 'sum' | 'rowsum' | 'text'
    values: list[list[Decimal | None]] = []
    stated: list[list[Decimal | None]] = []
    bares: list[list[str]] = []  # each cell's text without emphasis
    decimals: list[list[int]] = []  # the decimals a number cell is written with
    decimals_col = [0] * ncols
    numbers_in_col = [0] * ncols
    locale = ctx.locale
    for r, row in enumerate(rows):
        row_kinds, row_values, row_stated, row_bares, row_decimals = [], [], [], [], []
        for c in range(ncols):
            cell = row[c]
            bare = _bare(cell.text)
            row_bares.append(bare)
            row_decimals.append(0)
            m = _FORMULA.match(bare) if bare[:1] == "=" else None
            if m:
                row_kinds.append(m[1])
                row_values.append(None)
                stated_value = None
                if m[2].strip():
                    try:
                        stated_value = parse_number(_bare(m[2]), locale)
                    except NumberFormatError as exc:
                        ctx.diags.error(ctx.path, cell.line, f"the stated total after '={m[1]}' is not a number: {exc}",
                                        f"write it like this: ={m[1]} 561,5 (or just ={m[1]})")
                row_stated.append(stated_value)
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
            if written > decimals_col[c]:
                decimals_col[c] = written
            numbers_in_col[c] += 1
        kinds.append(row_kinds)
        values.append(row_values)
        stated.append(row_stated)
        bares.append(row_bares)
        decimals.append(row_decimals)

    total_rows = {r for r in range(len(rows)) if "sum" in kinds[r]}
    numeric = []
    for c in range(ncols):
        col_kinds = [kinds[r][c] for r in range(len(rows)) if r not in total_rows]
        has_formula = any(kinds[r][c] in ("sum", "rowsum") for r in range(len(rows)))
        numeric.append((numbers_in_col[c] > 0 and "text" not in col_kinds) or has_formula)

    notes: list[str] = []
    computed_value: dict[tuple[int, int], Decimal] = {}
    shown_value: dict[tuple[int, int], Decimal] = {}
    note_of: dict[tuple[int, int], int] = {}
    cell_decimals: dict[tuple[int, int], int] = {}

    def value_at(r: int, c: int) -> Decimal | None:
        if (r, c) in computed_value:
            return computed_value[(r, c)]
        return values[r][c]

    def check_stated(r: int, c: int, computed: Decimal, decimals: int, terms: int) -> None:
        want = stated[r][c]
        shown_value[(r, c)] = computed
        if want is None or want == computed:
            return
        diff = abs(want - computed)
        tolerance = Decimal(terms) * Decimal(5) / (Decimal(10) ** (decimals + 1)) if decimals > 0 else Decimal(0)
        fmt = lambda v: format_number(v, ctx.locale, decimals)  # noqa: E731
        place = f"'{header_text[c]}'" if header_text[c] else f"column {c + 1}"
        if diff <= tolerance:
            shown_value[(r, c)] = want
            notes.append(ctx.gettext("The total %(stated)s is stated in the source; the rounded figures "
                                     "in the table add up to %(computed)s.")
                         % {"stated": fmt(want), "computed": fmt(computed)})
            note_of[(r, c)] = len(notes)
            ctx.diags.note(ctx.path, rows[r][c].line,
                           f"stated total {fmt(want)} in {place} differs from the sum of the rows "
                           f"{fmt(computed)} by {fmt(diff)}, within the rounding of the {terms} rows; the stated "
                           f"total is shown with a footnote")
        else:
            ctx.diags.warning(ctx.path, rows[r][c].line,
                              f"stated total {fmt(want)} in {place} differs from the computed sum "
                              f"{fmt(computed)} by {fmt(diff)}; the computed sum is shown",
                              "check the rows above and the stated figure")

    def rowsum(r: int, c: int) -> None:
        total, dec, terms = Decimal(0), 0, 0
        for k in range(1, c):
            v = value_at(r, k)
            if kinds[r][k] == "text":
                ctx.diags.error(ctx.path, rows[r][k].line,
                                f"'=rowsum' in column {c + 1} adds the cells to its left, but "
                                f"{why_not_a_number(_bare(rows[r][k].text), locale)}",
                                "write the number the Danish way (1.234,5), or leave the cell empty")
            if v is not None:
                total += v
                dec = max(dec, cell_decimals.get((r, k), decimals_col[k]))
                terms += 1
        computed_value[(r, c)] = total
        cell_decimals[(r, c)] = dec
        check_stated(r, c, total, dec, terms)

    def colsum(r: int, c: int) -> None:
        start = max((t for t in total_rows if t < r), default=-1) + 1
        total, terms, dec = Decimal(0), 0, decimals_col[c]
        for k in range(start, r):
            if kinds[k][c] == "text":
                ctx.diags.error(ctx.path, rows[k][c].line,
                                f"the total in column '{header_text[c]}' adds the cells above it, but "
                                f"{why_not_a_number(_bare(rows[k][c].text), locale)}",
                                "write the number the Danish way (1.234,5), or leave the cell empty or '-'")
                continue
            v = value_at(k, c)
            if v is not None:
                total += v
                terms += 1
                dec = max(dec, cell_decimals.get((k, c), 0))
        computed_value[(r, c)] = total
        cell_decimals[(r, c)] = dec
        check_stated(r, c, total, dec, terms)

    for r in range(len(rows)):
        if r not in total_rows:
            for c in range(ncols):
                if kinds[r][c] == "rowsum":
                    rowsum(r, c)
    for r in sorted(total_rows):
        for c in range(ncols):
            if kinds[r][c] == "sum":
                if c == 0:
                    ctx.diags.error(ctx.path, rows[r][c].line, "'=sum' cannot stand in the first column",
                                    "the first column holds the row's label, e.g. **I alt**")
                    continue
                colsum(r, c)
        for c in range(ncols):
            if kinds[r][c] == "rowsum":
                rowsum(r, c)

    out_rows: list[tuple[Cell, ...]] = []
    for r, row in enumerate(rows):
        cells = []
        row_kinds = kinds[r]
        for c in range(ncols):
            raw = row[c]
            kind = row_kinds[c]
            if kind == "text" or kind == "empty":
                cells.append(Cell(raw.html, bares[r][c]))
            elif (r, c) in computed_value:
                shown = shown_value[(r, c)]
                text = format_number(shown, locale, cell_decimals[(r, c)])
                html = escape(text)
                if raw.text.strip().startswith("**"):
                    html = f"<strong>{html}</strong>"
                cells.append(Cell(html, text, computed_value[(r, c)], True,
                                  shown if shown != computed_value[(r, c)] else None, note_of.get((r, c))))
            elif kind == "number":
                text = format_number(values[r][c], locale, decimals[r][c])
                html = escape(text)
                if raw.text.strip().startswith("**"):
                    html = f"<strong>{html}</strong>"
                cells.append(Cell(html, text, values[r][c]))
            else:
                cells.append(Cell(raw.html, bares[r][c]))
        out_rows.append(tuple(cells))

    has_computed = bool(computed_value)
    return Table(
        caption=caption_html, caption_text=caption_text, groups=tuple(groups) if has_groups else (),
        header=tuple(header_html), header_text=tuple(header_text), numeric=tuple(numeric),
        rows=tuple(out_rows), total_rows=frozenset(total_rows), notes=tuple(notes),
        csv_name=f"tabel-{index}.csv" if has_computed else None, line=line,
    )


def table_name(table: Table, gettext: Callable[[str], str], number: int, heading: str = "") -> str:
    """What a table is called by screen readers and download links: its caption, else its number and heading."""
    if table.caption_text:
        return table.caption_text
    if heading:
        return gettext("Table %(number)s, %(heading)s") % {"number": number, "heading": heading}
    return gettext("Table %(number)s") % {"number": number}


def render_table_html(table: Table, gettext: Callable[[str], str], csv_url: str | None = None,
                      number: int = 1, heading: str = "") -> str:
    """Accessible HTML of a table: caption, header scopes, numeric cells aligned right, a name of its own."""
    name = table_name(table, gettext, number, heading)
    out = [f'<div class="table-scroll" role="region" tabindex="0" aria-label="{escape(name)}">', '<table>']
    if table.caption:
        out.append(f"<caption>{table.caption}</caption>")
    out.append("<thead>")
    if table.groups:
        out.append("<tr>")
        for label, span in table.groups:
            attrs = f' colspan="{span}"' if span > 1 else ""
            if label:
                out.append(f'<th scope="colgroup"{attrs} class="group">{escape(label)}</th>')
            else:
                out.append(f"<td{attrs}></td>")
        out.append("</tr>")
    out.append("<tr>")
    for c, head in enumerate(table.header):
        cls = ' class="num"' if table.numeric[c] else ""
        out.append(f'<th scope="col"{cls}>{head}</th>' if head else f"<td{cls}></td>")
    out.append("</tr></thead>")
    out.append("<tbody>")
    for r, row in enumerate(table.rows):
        cls = ' class="total"' if r in table.total_rows else ""
        out.append(f"<tr{cls}>")
        for c, cell in enumerate(row):
            num = table.numeric[c]  # like its header cell, so a column lines up
            attrs = ' class="num"' if num else ""
            content = cell.html
            if cell.note:
                content += (f'<sup class="note-ref"><a href="#t{table.line}-note-{cell.note}" '
                            f'aria-label="{escape(gettext("Note"))} {cell.note}">{cell.note}</a></sup>')
            if c == 0 and not table.numeric[0]:
                out.append(f'<th scope="row">{content}</th>')
            else:
                out.append(f"<td{attrs}>{content}</td>")
        out.append("</tr>")
    out.append("</tbody></table></div>")
    if table.notes or csv_url:
        out.append('<div class="table-after">')
        if table.notes:
            out.append('<ol class="table-notes">')
            for n, note in enumerate(table.notes, start=1):
                out.append(f'<li id="t{table.line}-note-{n}">{escape(note)}</li>')
            out.append("</ol>")
        if csv_url:
            label = gettext("Download as CSV: %(table)s") % {"table": name}
            out.append(f'<p class="table-csv"><a href="{attribute_url(csv_url)}" download>{escape(label)}</a></p>')
        out.append("</div>")
    return "\n".join(out) + "\n"


def table_csv(table: Table, locale: str) -> bytes:
    """The table as CSV (';'-separated, numbers with the locale's decimal sign, no grouping)."""
    rows: list[Sequence[str]] = [table.header_text]
    for row in table.rows:
        out = []
        for c, cell in enumerate(row):
            shown = cell.stated if cell.stated is not None else cell.value
            if shown is not None and table.numeric[c]:
                out.append(format_number(shown, locale, decimals_of(cell.text, locale), grouping=False))
            else:
                out.append(cell.text)
        rows.append(out)
    return write_csv(rows)


def split_caption(text: str) -> str | None:
    """The caption text if a paragraph is a table caption (`Tabel: ...`)."""
    m = _CAPTION.match(text)
    return text[m.end():].strip() if m else None
