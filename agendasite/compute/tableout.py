"""A computed table as the site shows it: accessible HTML with its notes and CSV link, and the CSV itself."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Callable

from ..model import Table
from ..source.csvout import write_csv
from ..source.numbers import decimals_of, format_number
from ..source.urls import attribute_url


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
