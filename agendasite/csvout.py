"""The one CSV writer of the site: `;`-separated, and no cell a spreadsheet would run as a formula.

A published CSV is opened by readers in Excel or LibreOffice, which run a cell that starts with `=`,
`+`, `-` or `@` (and, in some versions, a tab or carriage return) as a formula: `=HYPERLINK(...)`
in an editor's table would become a live link or worse (CSV injection). As OWASP recommends, such a
cell is written with a single quote in front and in double quotes, so the spreadsheet shows it as
text. A number as written (`-12,5`, `+3`, `-4 %`) is a number, not a formula, and stays as it is; so
does a lone `-`, the sign tables use for "no value", which a spreadsheet reads as text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:[.,]\d+)*|[.,]\d+)(?:\s?%)?$")
_NEEDS_QUOTES = re.compile(r'[;"\n\r]')


def csv_field(text: str) -> str:
    """One cell as a CSV field: quoted when needed, neutralised when a spreadsheet would run it."""
    if text.startswith(_FORMULA_START) and text != "-" and not _NUMBER.match(text):
        return '"\'' + text.replace('"', '""') + '"'
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(rows: Iterable[Sequence[str]]) -> bytes:
    """Rows of cell texts as the site's CSV (UTF-8, `;` between fields, `\\n` after each row)."""
    return "".join(";".join(csv_field(cell) for cell in row) + "\n" for row in rows).encode("utf-8")
