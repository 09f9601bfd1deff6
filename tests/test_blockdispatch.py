"""Block rules tried by the line's first character (blockdispatch.py) give the stock parser's tokens."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from agendasite.markdown.blockdispatch import dispatch_block_rules, fast_normalize
from agendasite.markdown.parser import make_parser

FAST, PLAIN = make_parser(), make_parser(dispatch=False)
ROOT = Path(__file__).resolve().parent.parent


def tokens(md: MarkdownIt, text: str) -> list[str]:
    return [repr(t) for t in md.parse(text)]


# Every block construct, at the start of a line, indented, nested and as a paragraph's next line.
PIECES = ["# ", "## ", "#", ">", "> ", "- ", "-", "* ", "+ ", "1. ", "2) ", "10. ", "9. ", "0) ", "1.", "---", "***", "___", "- - -",
          "```", "~~~", "    ", "  ", " ", "\t", "[", "[x]: /u", "[x]", "<div>", "</div>", "<!-- c -->", "<b>",
          "<?p ?>", "<![CDATA[", "| a | b |", "|---|---|", "|", "a", "Bø", "tekst", "===", "==", "=sum", "\\", "`",
          "*", "_", "**v**", "12,5", "\r", "\r\n", "\0", ""]
LINES = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)
DOCS = st.lists(LINES, min_size=1, max_size=12).map("\n".join)


@settings(max_examples=1500, deadline=None)
@given(DOCS)
def test_any_document_gives_the_tokens_of_the_stock_rules(text: str) -> None:
    assert tokens(FAST, text) == tokens(PLAIN, text)
    assert FAST.render(text) == PLAIN.render(text)


def test_the_embedded_content_gives_the_tokens_of_the_stock_rules() -> None:
    files = sorted((ROOT / "content").rglob("*.md")) + sorted((ROOT / "docs").rglob("*.md"))
    assert len(files) > 20
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert tokens(FAST, text) == tokens(PLAIN, text), path


def test_a_rule_a_plugin_put_in_place_of_a_stock_rule_is_always_tried() -> None:
    seen: list[str] = []

    def heading(state, start, end, silent) -> bool:  # a replacement that matches nothing: called on every line
        seen.append(state.src[state.bMarks[start] + state.tShift[start]])
        return False

    md = MarkdownIt("commonmark")
    md.block.ruler.at("heading", heading)
    dispatch_block_rules(md)
    assert md.render("tekst\n\n> citat\n\n# titel\n") == "<p>tekst</p>\n<blockquote>\n<p>citat</p>\n</blockquote>\n<p># titel</p>\n"
    assert seen == ["t", "c", "#"]  # tried on every line no rule before it took, whatever its first character


def test_line_ends_and_nul_are_normalised_as_markdown_it_does() -> None:
    text = "a\r\nb\rc\r\r\nd\0e\n\r\n# f\r"
    assert FAST.core.ruler.__rules__[0].fn is not PLAIN.core.ruler.__rules__[0].fn
    assert tokens(FAST, text) == tokens(PLAIN, text)
    assert FAST.render(text) == PLAIN.render(text) == "<p>a\nb\nc</p>\n<p>d\ufffde</p>\n<h1>f</h1>\n"


def test_a_normalize_rule_a_plugin_put_in_place_is_kept() -> None:
    def shout(state) -> None:
        state.src = state.src.upper()

    md = MarkdownIt("commonmark")
    md.core.ruler.at("normalize", shout)
    fast_normalize(md)
    assert md.render("tekst") == "<p>TEKST</p>\n"
