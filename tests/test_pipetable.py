"""The one-token pipe table rule (pipetable.py) accepts and renders exactly what markdown-it's table rule does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from agendasite.markdown.parser import make_parser
from agendasite.markdown.pipetable import TOKEN, pipe_table_plugin


def stock() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def ours() -> MarkdownIt:
    md = stock()
    pipe_table_plugin(md)
    return md


STOCK, OURS = stock(), ours()

EXAMPLES = [
    "| a | b |\n|---|--:|\n| 1 | 2 |\n",
    "a | b\n- | -\n1 | 2\n",
    "| a |\n|:-:|\n",  # header only: no tbody
    "| a | b |\n|---|---|\n| 1 |\n| 1 | 2 | 3 |\n",  # short and long rows
    "| a \\| b | c |\n|---|---|\n| `x \\| y` | **z** |\n",  # escaped pipes, inline code, emphasis
    "| a | b |\n|---|---|\n| [l](x.md) | <sub>2</sub> &amp; |\n",
    "| a | b |\n|---|\n",  # column count mismatch: no table
    "| a |\n| - |\n",  # "- " after the pipe: a list item?
    "text\n| a | b |\n|---|---|\n| 1 | 2 |\n",  # interrupts a paragraph
    "| a | b |\n|---|---|\n| 1 | 2 |\n> quote\n",  # ends at a blockquote
    "| a | b |\n|---|---|\n| 1 | 2 |\n# heading\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n- item\n",
    "| a | b |\n|---|---|\n    | 1 | 2 |\n",
    "    | a | b |\n    |---|---|\n",  # indented: code
    "- | a | b |\n  |---|---|\n  | 1 | 2 |\n",  # in a list item
    "> | a | b |\n> |---|---|\n> | 1 | 2 |\n",  # in a blockquote
    '| "q" | a_b |\n|:--|:-:|\n| 1 - 2 = 3 | ~~x~~ |\n',
    "|a|\n|-|\n|b|\n\n|c|\n",
    "| Kommune | Beløb |\n|---|--:|\n| Allerød | 244,9 |\n| **I alt** | =sum 1516,6 |\n",
    "a | b\n:-- | --:\n1 | 2\n",  # a delimiter row without its outer pipes, starting with ':'
    "a | b\n--|--\n1 | 2\n",
    "a | b\n  :-:|:-:\n",
]


def test_examples_render_as_markdown_it_renders_them() -> None:
    for text in EXAMPLES:
        assert OURS.render(text) == STOCK.render(text), text


PIECES = ["|", "|", "|", " | ", "-", "--", "---", ":", ":-", "-:", " ", "  ", "    ", "a", "Bø", "12,5", "\\|",
          "`", "*", "**", "_", "[x](y)", "<b>", "&", ">", "#", "- ", "1. ", "=sum", '"', "~~", "\t"]
LINES = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)
DOCS = st.lists(LINES, min_size=1, max_size=8).map(lambda lines: "\n".join(lines) + "\n")


@settings(max_examples=600, deadline=None)
@given(DOCS)
def test_any_document_renders_as_markdown_it_renders_it(text: str) -> None:
    assert OURS.render(text) == STOCK.render(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(["a", "1", "2,5", "`c`", "*e*", "x\\|y", "", "<i>i</i>", "&amp;"]),
                         min_size=1, max_size=4), min_size=2, max_size=6))
def test_generated_tables_render_as_markdown_it_renders_them(rows: list[list[str]]) -> None:
    width = len(rows[0])
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * width] + ["| " + " | ".join(r) + " |" for r in rows[1:]]
    text = "\n".join(lines) + "\n"
    assert OURS.render(text) == STOCK.render(text)


def test_the_site_parser_makes_one_token_per_table_with_cell_tokens_only_where_needed() -> None:
    md = make_parser()
    tokens = md.parse("| a | b |\n|---|--:|\n| 1 | **2** |\n| 3 | 4 |\n")
    assert [t.type for t in tokens] == [TOKEN]
    table = tokens[0]
    assert table.map == [0, 4]
    assert table.meta["aligns"] == ["", "right"]
    assert table.meta["rows"] == [(0, ["a", "b"]), (2, ["1", "**2**"]), (3, ["3", "4"])]
    assert list(table.meta["inline"]) == [(1, 1)]
    assert md.renderer.renderInline(table.meta["inline"][(1, 1)].children, md.options, {}) == "<strong>2</strong>"


BLOCKS = ["## Overskrift", "## Anden", "### Under", "tekst med *vægt*", "", "- punkt", "  - indrykket", "1. første",
          "> citat", "> ## i citat", "- ## i liste", "1. punkt\n   ## i punkt\n   mere", "- a\n  ## b",
          "    kode", "```", "<div>x</div>", "---", "| a | b |", "|---|---|"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(BLOCKS), min_size=1, max_size=12).map("\n".join))
def test_a_document_rendered_in_pieces_is_the_document_rendered_whole(text: str) -> None:
    from agendasite.diagnostics import Diagnostics
    from agendasite.markdown.parser import RenderContext, render_document
    from agendasite.markdown.sanitize import ENV_KEY

    md = make_parser()

    def ctx() -> RenderContext:
        return RenderContext("x.md", 0, "da", Diagnostics(), lambda s: s)

    rendered = render_document(md, text, ctx())
    if not rendered.tables:  # tables are replaced by computed HTML; without them the token streams are the same
        assert rendered.html == md.renderer.render(md.parse(text, {ENV_KEY: ctx()}), md.options, {})
