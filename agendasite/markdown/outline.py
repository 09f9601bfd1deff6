"""Keep a page's heading outline in order: Markdown may start at `#` or jump from `##` to `####`."""

from __future__ import annotations

from markdown_it.token import Token

TOP_LEVEL = 2  # the page's own h1 is the template's; a document's headings start below it


def outline_headings(tokens: list[Token], ctx: object) -> list[Token]:
    """Lift headings so none is an h1 and none is more than one level below the one before it.

    Screen-reader users move through a page by its headings; a second h1 or a jump from h2 to h4 makes them
    think they missed something (WCAG 1.3.1). Only levels that break the order change; the text stays.
    """
    previous = TOP_LEVEL - 1
    for token in tokens:
        if token.type not in ("heading_open", "heading_close"):
            continue
        level = int(token.tag[1])
        if token.type == "heading_open":
            level = max(TOP_LEVEL, min(level, previous + 1))
            previous = level
        else:
            level = previous
        token.tag = f"h{level}"
    return tokens
