"""GFM pipe tables as one token, not ~17 tokens a row: the same tables as markdown-it's `table` rule, less work.

A 13-row table cost more than the rest of a typical item's Markdown together, because markdown-it
makes an open, an inline and a close token per cell and parses every cell's inline Markdown, and
the table is then replaced by computed HTML anyway (`parser.py`, `tables.py`). This block rule
accepts exactly what markdown-it-py's `table` rule accepts (same header, delimiter row, column
count and end of table) and pushes one `pipe_table` token whose `meta` holds the cells' text.
Only cells with characters that inline Markdown could act on get an `inline` token, so that the
other core rules (site links, the HTML sanitizer) treat them as before; `fold_rule`, the last
core rule, then moves those tokens into the table token. A plain cell's HTML is its escaped text,
which is what markdown-it would make of it. `render_pipe_table` renders the token as markdown-it
renders a table, for documents rendered without table computation (funding annex texts).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml, isStrSpace, mdTrim
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.table import (
    MAX_AUTOCOMPLETED_CELLS,
    escapedSplit,
    headerLineRe,
)
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

TOKEN = "pipe_table"
_END = "pipe_table_end"  # marks the end of a table's cell tokens until fold_rule removes it
# Characters an enabled inline rule (escape, backticks, emphasis, strikethrough, links, images,
# autolinks, raw HTML, entities) starts at; a cell without any of them is plain text.
_INLINE_SYNTAX = re.compile(r"[\\`*_~\[\]!<>&]")
_md_trim = mdTrim


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]


def _cells(text: str) -> list[str]:
    columns = escapedSplit(text) if "\\" in text else text.split("|")  # the same without backslashes
    if columns and columns[0] == "":
        columns.pop(0)
    if columns and columns[-1] == "":
        columns.pop()
    return columns


def _aligns(state: StateBlock, line: int) -> list[str] | None:
    """The delimiter row's alignments, or None if the line is not a delimiter row."""
    start, end = state.bMarks[line] + state.tShift[line], state.eMarks[line]
    if end - start < 2:
        return None
    first, second = state.src[start], state.src[start + 1]
    if first not in "|-:" or (second not in "|-:" and not isStrSpace(second)) or (first == "-" and isStrSpace(second)):
        return None
    for ch in state.src[start + 2:end]:
        if ch not in "|-:" and not isStrSpace(ch):
            return None
    columns = _line(state, line).split("|")
    aligns = []
    for i, column in enumerate(columns):
        t = _md_trim(column)
        if not t:
            if i == 0 or i == len(columns) - 1:
                continue
            return None
        if not headerLineRe.search(t):
            return None
        if t[-1] == ":":
            aligns.append("center" if t[0] == ":" else "right")
        else:
            aligns.append("left" if t[0] == ":" else "")
    return aligns


_DELIMITER_START = ("|", "-", ":")  # what a delimiter row starts with (after its indentation; see _aligns)


def pipe_table(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """Block rule: a pipe table starting at `start_line` (the header row)."""
    if start_line + 2 > end_line:
        return False
    delimiter = start_line + 1
    row_start = state.bMarks[delimiter] + state.tShift[delimiter]
    if state.src[row_start:row_start + 1] not in _DELIMITER_START:  # most lines: not followed by a delimiter row
        return False
    if state.sCount[delimiter] < state.blkIndent or state.is_code_block(delimiter):
        return False
    aligns = _aligns(state, delimiter)
    if aligns is None:
        return False
    header_text = _md_trim(_line(state, start_line))
    if "|" not in header_text or state.is_code_block(start_line):
        return False
    header = _cells(header_text)
    ncols = len(header)
    if ncols == 0 or ncols != len(aligns):
        return False
    if silent:
        return True

    old_parent = state.parentType
    state.parentType = "table"
    terminators = state.md.block.ruler.getRules("blockquote")
    rows: list[tuple[int, list[str]]] = [(start_line, [_md_trim(c) for c in header])]
    autocompleted = 0
    line = start_line + 2
    while line < end_line:
        if state.sCount[line] < state.blkIndent:
            break
        first = state.src[state.bMarks[line] + state.tShift[line]:state.bMarks[line] + state.tShift[line] + 1]
        # No terminator (fence, blockquote, hr, list, html block, heading) starts with "|".
        if first != "|" and any(rule(state, line, end_line, True) for rule in terminators):
            break
        text = _md_trim(_line(state, line))
        if not text or state.is_code_block(line):
            break
        columns = _cells(text)
        autocompleted += ncols - len(columns)
        if autocompleted > MAX_AUTOCOMPLETED_CELLS:
            break
        rows.append((line, [_md_trim(columns[i]) if i < len(columns) and columns[i] else "" for i in range(ncols)]))
        line += 1

    token = state.push(TOKEN, "table", 0)
    token.map = [start_line, line]
    token.meta = {"aligns": aligns, "rows": rows, "inline": {}}
    for r, (row_line, cells) in enumerate(rows):
        for c, text in enumerate(cells):
            if _INLINE_SYNTAX.search(text):
                cell = state.push("inline", "", 0)
                cell.map = [row_line, row_line + 1]
                cell.content = text
                cell.children = []
                cell.meta = {"cell": (r, c)}
    state.push(_END, "", 0)
    state.parentType = old_parent
    state.line = line
    return True


def fold_rule(state: StateCore) -> None:
    """Core rule, last: move each table's cell tokens (now parsed, linked, cleaned) into the table token."""
    out: list[Token] = []
    table: Token | None = None
    for token in state.tokens:
        if token.type == TOKEN:
            table = token
            out.append(token)
        elif token.type == _END:
            table = None
        elif table is not None:
            table.meta["inline"][token.meta["cell"]] = token
        else:
            out.append(token)
    state.tokens[:] = out


def cell_html(md: MarkdownIt, table: Token, r: int, c: int, env: EnvType) -> str:
    """A cell's HTML: its inline Markdown rendered, or its escaped text when it has no inline syntax."""
    inline: Token | None = table.meta["inline"].get((r, c))
    if inline is None:
        return escapeHtml(table.meta["rows"][r][1][c])
    return md.renderer.renderInline(inline.children or [], md.options, env)


def render_pipe_table(md: MarkdownIt, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    """The table as markdown-it renders one (used where tables are not computed)."""
    table = tokens[idx]
    aligns: list[str] = table.meta["aligns"]
    rows: list[tuple[int, list[str]]] = table.meta["rows"]
    out = ["<table>\n<thead>\n"]
    for r, (_, cells) in enumerate(rows):
        if r == 1:
            out.append("<tbody>\n")
        tag = "th" if r == 0 else "td"
        out.append("<tr>\n")
        for c in range(len(cells)):
            style = f' style="text-align:{aligns[c]}"' if aligns[c] else ""
            out.append(f"<{tag}{style}>{cell_html(md, table, r, c, env)}</{tag}>\n")
        out.append("</tr>\n")
        if r == 0:
            out.append("</thead>\n")
    if len(rows) > 1:
        out.append("</tbody>\n")
    out.append("</table>\n")
    return "".join(out)


def pipe_table_plugin(md: MarkdownIt) -> None:
    """Replace markdown-it's table rule; call after every other core rule has been added."""
    md.block.ruler.at("table", pipe_table, {"alt": ["paragraph", "reference"]})
    md.core.ruler.push("pipe_table_fold", fold_rule)

    def render(self: Any, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        return render_pipe_table(md, tokens, idx, options, env)

    md.add_render_rule(TOKEN, render)
