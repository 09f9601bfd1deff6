"""markdown-it's block rules tried by the first character of the line: the same tokens, fewer calls.

markdown-it tries every block rule (table, code, fence, blockquote, hr, list, reference, html_block,
heading, lheading, paragraph) on every line a block can start on, and every terminator rule on every
line of a paragraph, until one matches. Most of them give up at once unless the line starts with their
marker (`>` for a blockquote, `#` for a heading, ...), but each such call, with its debug log line,
costs about a microsecond, and a document of the site has hundreds of such lines: a tenth of its parse.

`dispatch_block_rules(md)` makes each chain one rule that looks at the line's first non-blank character
and calls, in their order, only the rules that can start with it: markdown-it's own rules of that
marker (checked by identity, so a rule a plugin replaced is always called) and every other rule. A rule
left out returns False without touching the state for such a line, so the tokens are the same
(tests/test_blockdispatch.py compares them with the stock parser's on generated documents).

`fast_normalize(md)` likewise skips the two passes of markdown-it's first core rule over a text without
carriage returns or NUL characters.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.parser_block import _rules as _STOCK_RULES
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core import StateCore
from markdown_it.rules_core import normalize as _STOCK_NORMALIZE

Rule = Callable[[StateBlock, int, int, bool], bool]

# The characters a line must start with (after its indentation) for the stock rule to match it; each
# of these rules returns False, having changed nothing, on any other first character.
_MARKERS = {"fence": "~`", "blockquote": ">", "hr": "*-_", "list": "*-+0123456789", "reference": "[",
            "html_block": "<", "heading": "#"}
_FIRST: dict[Rule, str] = {fn: _MARKERS[name] for name, fn, *_ in _STOCK_RULES if name in _MARKERS}
# The stock indented-code rule returns False, having changed nothing, unless the line is a code block.
_CODE: Rule = next(fn for name, fn, *_ in _STOCK_RULES if name == "code")


def _dispatcher(rules: list[Rule]) -> Rule:
    """One rule for a chain: the rules that can match a line, by its first character, in chain order;
    the stock code rule only for a line indented as a code block."""
    def lists(rules: list[Rule]) -> tuple[dict[str, list[Rule]], list[Rule], list[Rule]]:
        by_char = {ch: [r for r in rules if r not in _FIRST or ch in _FIRST[r]]
                   for ch in set("".join(_FIRST.get(r, "") for r in rules))}
        return by_char, [r for r in rules if r not in _FIRST], rules

    with_code = lists(rules)
    without_code = lists([r for r in rules if r is not _CODE])

    def dispatch(state: StateBlock, line: int, end: int, silent: bool) -> bool:
        pos = state.bMarks[line] + state.tShift[line]
        src = state.src
        by_char, unmarked, every = with_code if state.is_code_block(line) else without_code
        for rule in by_char.get(src[pos], unmarked) if pos < len(src) else every:
            if rule(state, line, end, silent):
                return True
        return False

    return dispatch


def dispatch_block_rules(md: MarkdownIt) -> None:
    """Try `md`'s block rules by the first character of each line (call after every block rule is added:
    the chains are taken as they are at the first parse and not looked at again)."""
    ruler = md.block.ruler
    stock = ruler.getRules
    chains: dict[str, list[Rule]] = {}

    def get_rules(chain: str) -> list[Rule]:
        rules = chains.get(chain)
        if rules is None:
            rules = chains[chain] = [_dispatcher(list(stock(chain)))]
        return rules

    ruler.getRules = get_rules  # type: ignore[method-assign]


def normalize(state: StateCore) -> None:
    """markdown-it's first core rule (CR LF and CR to LF, NUL to U+FFFD) without its two passes over a
    text that has neither (about 17 us a document, and it runs for every inline parse of a cell too)."""
    src = state.src
    if "\r" in src:
        src = _CR.sub("\n", src)
    if "\0" in src:
        src = src.replace("\0", "\ufffd")
    state.src = src


_CR = re.compile(r"\r\n?")


def fast_normalize(md: MarkdownIt) -> None:
    """Use `normalize` in place of markdown-it's own rule (only if that rule is still the stock one)."""
    rules = md.core.ruler.__rules__
    if any(rule.name == "normalize" and rule.fn is _STOCK_NORMALIZE for rule in rules):
        md.core.ruler.at("normalize", normalize)
