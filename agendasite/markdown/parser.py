"""One configured Markdown parser; item bodies split into sub-sections with tables computed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin

from ..compute.tableout import render_table_html
from ..compute.tables import RawCell, TableContext, compute_table, split_caption
from ..diagnostics import Diagnostics
from ..model import SubSection, Table
from ..source.urls import slugify
from .blockdispatch import dispatch_block_rules, fast_normalize
from .pipetable import TOKEN as PIPE_TABLE
from .pipetable import cell_html, pipe_table_plugin
from .sanitize import ENV_KEY, sanitize_plugin
from .sitelinks import LinkCollector, links_plugin


# Post-processing steps applied to the token stream of every document, in order.
TokenStep = Callable[[list[Token], "RenderContext"], list[Token]]


def make_parser(dispatch: bool = True) -> MarkdownIt:
    """The one Markdown parser of a build: CommonMark, tables, strikethrough, heading anchors (`dispatch`:
    block rules tried by the line's first character and line ends normalised only when there are CRs, the
    same tokens; off only to test that)."""
    md = MarkdownIt("commonmark", {"html": True, "typographer": False})
    md.enable(["table", "strikethrough"])
    anchors_plugin(md, min_level=2, max_level=4, slug_func=slugify)
    links_plugin(md)  # editors' links to other pages -> site addresses (sitelinks.py)
    sanitize_plugin(md)  # raw HTML through the allow-list (sanitize.py)
    pipe_table_plugin(md)  # tables as one token each (pipetable.py); its fold step is the last core rule
    if dispatch:
        dispatch_block_rules(md)  # after every block rule is added (blockdispatch.py)
        fast_normalize(md)
    return md


@dataclass(slots=True)
class RenderContext:
    """Where a document comes from and what its rendering needs."""

    path: str
    line_offset: int  # line number in the file of the body's first line, minus 1
    locale: str
    diags: Diagnostics
    gettext: Callable[[str], str]
    csv_base: str = ""  # URL prefix (relative to the page) of the document's table CSVs
    links: LinkCollector | None = None  # collects links to other pages for the build's link check
    at_line: int | None = None  # every message at this line (a YAML text, whose lines the file does not show)

    def line_at(self, line0: int) -> int:
        """The file's line of the document's 0-based line `line0`, for messages."""
        return self.at_line if self.at_line is not None else line0 + 1 + self.line_offset


@dataclass(frozen=True, slots=True)
class Rendered:
    """A rendered Markdown document."""

    html: str
    subsections: tuple[SubSection, ...]
    tables: tuple[Table, ...]


def inline_text(token: Token) -> str:
    """Plain text of an inline token (for headings, captions, search)."""
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "html_inline" and child.meta:  # inline run cleaned by sanitize.py
            parts.append(str(child.meta.get("text", "")))
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()


def _compute_tables(md: MarkdownIt, tokens: list[Token], ctx: RenderContext) -> tuple[list[Token], list[Table]]:
    out: list[Token] = []
    tables: list[Table] = []
    i = 0
    heading = ""  # the nearest heading above, which names a table without a caption
    while i < len(tokens):
        tok = tokens[i]
        if tok.type != PIPE_TABLE:
            if tok.type == "inline" and i > 0 and tokens[i - 1].type == "heading_open":
                heading = inline_text(tok)
            out.append(tok)
            i += 1
            continue
        caption_html = caption_text = None
        if len(out) >= 3 and out[-1].type == "paragraph_close" and out[-2].type == "inline":
            cap = split_caption(out[-2].content)
            if cap is not None:
                caption_text = split_caption(inline_text(out[-2])) or cap
                caption_md = md.parseInline(cap)
                caption_html = md.renderer.render(caption_md, md.options, {})
                del out[-3:]
        aligns = ["right" if a == "right" else None for a in tok.meta["aligns"]]
        cells = [[RawCell(text, cell_html(md, tok, r, c, {}), row_line + 1 + ctx.line_offset)
                  for c, text in enumerate(texts)]
                 for r, (row_line, texts) in enumerate(tok.meta["rows"])]
        header, rows = cells[0], cells[1:]
        table_line = (tok.map[0] if tok.map else 0) + 1 + ctx.line_offset
        table = compute_table(header, aligns, rows, caption_html, caption_text, table_line, len(tables) + 1,
                              TableContext(ctx.path, ctx.locale, ctx.diags, ctx.gettext))
        tables.append(table)
        html_tok = Token("html_block", "", 0)
        csv_url = f"{ctx.csv_base}{table.csv_name}" if table.csv_name else None
        html_tok.content = render_table_html(table, ctx.gettext, csv_url, len(tables), heading)
        out.append(html_tok)
        i += 1
    return out, tables


def render_document(md: MarkdownIt, text: str, ctx: RenderContext,
                    steps: tuple[TokenStep, ...] = ()) -> Rendered:
    """Parse once, compute tables, run extra token steps, split at `##` headings, render."""
    tokens = md.parse(text, {ENV_KEY: ctx})
    tokens, tables = _compute_tables(md, tokens, ctx)
    for step in steps:
        tokens = step(tokens, ctx)
    env: dict = {}
    subsections: list[SubSection] = []
    start = 0
    heading = anchor = ""
    parts: list[str] = []  # the whole document's HTML, rendered once, piece by piece
    nested = False  # an h2 inside a list or quote: render the whole document again (the pieces are not exact)

    def flush(end: int) -> None:
        body = md.renderer.render(tokens[start:end], md.options, env)
        parts.append(body)
        if heading or body.strip():
            subsections.append(SubSection(heading, anchor, body))

    k = 0
    while k < len(tokens):
        tok = tokens[k]
        if tok.type == "heading_open" and tok.tag == "h2":
            flush(k)
            nested = nested or tok.level != 0
            parts.append(md.renderer.render(tokens[k:k + 3], md.options, env))
            heading = inline_text(tokens[k + 1])
            anchor = str(tok.attrGet("id") or slugify(heading))
            start = k + 3
            k += 3
            continue
        k += 1
    flush(len(tokens))
    # Top-level pieces join to the whole (the renderer looks across a piece's edge only inside lists).
    html = md.renderer.render(tokens, md.options, env) if nested else "".join(parts)
    return Rendered(html, tuple(subsections), tuple(tables))
