"""The one CSV writer of the site: `;`-separated, and no cell a spreadsheet would run as a formula.

A published CSV is opened by readers in Excel or LibreOffice, which run a cell that starts with `=`,
`+`, `-` or `@` (and, in some versions, a tab or carriage return) as a formula: `=HYPERLINK(...)`
in an editor's table would become a live link or worse (CSV injection). As OWASP recommends, such a
cell is written with a single quote in front and in double quotes, so the spreadsheet shows it as
text. A number as written (`-12,5`, `+3`, `-4 %`) is a number, not a formula, and stays as it is; so
does a lone `-`, the sign tables use for "no value", which a spreadsheet reads as text.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d+)*|[.,]\d+)(?:\s?%)?$")
_NEEDS_QUOTES = re.compile(r'[;"\n\r]')


def is_formula(text: str) -> bool:
    """Whether a spreadsheet would run this cell as a formula (not a number as written, not a lone '-')."""
    return text.startswith(_FORMULA_START) and text != "-" and not _NUMBER.match(text)


def first_formula(data: bytes, tab_separated: bool) -> tuple[int, str] | None:
    """The line and text of the first cell of an editor's CSV (or TSV) file that a spreadsheet would run."""
    text = data.decode("utf-8-sig", "replace")
    head = text.split("\n", 1)[0]
    delimiter = "\t" if tab_separated else max(";,\t", key=head.count)
    reader = csv.reader(text.splitlines(keepends=True), delimiter=delimiter)
    try:
        for row in reader:
            for cell in row:
                if is_formula(cell):
                    return reader.line_num, cell
    except csv.Error:
        return None
    return None


def csv_field(text: str) -> str:
    """One cell as a CSV field: quoted when needed, neutralised when a spreadsheet would run it."""
    if is_formula(text):
        return '"\'' + text.replace('"', '""') + '"'
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(rows: Iterable[Sequence[str]]) -> bytes:
    """Rows of cell texts as the site's CSV (UTF-8, `;` between fields, `\\n` after each row)."""
    return "".join(";".join(csv_field(cell) for cell in row) + "\n" for row in rows).encode("utf-8")
