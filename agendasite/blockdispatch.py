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
"""

from __future__ import annotations

from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.parser_block import _rules as _STOCK_RULES
from markdown_it.rules_block import StateBlock

Rule = Callable[[StateBlock, int, int, bool], bool]

# The characters a line must start with (after its indentation) for the stock rule to match it; each
# of these rules returns False, having changed nothing, on any other first character.
_MARKERS = {"fence": "~`", "blockquote": ">", "hr": "*-_", "list": "*-+0123456789", "reference": "[",
            "html_block": "<", "heading": "#"}
_FIRST: dict[Rule, str] = {fn: _MARKERS[name] for name, fn, *_ in _STOCK_RULES if name in _MARKERS}


def _dispatcher(rules: list[Rule]) -> Rule:
    """One rule for a chain: the rules that can match a line, by its first character, in chain order."""
    by_char = {ch: [r for r in rules if r not in _FIRST or ch in _FIRST[r]]
               for ch in set("".join(_FIRST.get(r, "") for r in rules))}
    unmarked = [r for r in rules if r not in _FIRST]

    def dispatch(state: StateBlock, line: int, end: int, silent: bool) -> bool:
        pos = state.bMarks[line] + state.tShift[line]
        src = state.src
        for rule in by_char.get(src[pos], unmarked) if pos < len(src) else rules:
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
