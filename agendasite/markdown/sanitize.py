"""Raw HTML in editors' Markdown, cleaned by an allow-list sanitizer (nh3, i.e. Ammonia).

A markdown-it core rule: every `html_block` token, and every inline run that holds
`html_inline` tokens, is cleaned by nh3 with the allow-list below. What nh3 removes
is also reported, as a warning with file and line, so the editor learns why the
text looks different. The detection only words the message; nh3 does the cleaning.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ..source.urls import INTERNAL_SCHEME, UnsafeURL, checked_url, scheme_of
from .sitelinks import is_site_placeholder

# Harmless inline markup an editor may write as raw HTML, plus what Markdown itself produces inline.
ALLOWED_TAGS: frozenset[str] = frozenset({
    "sub", "sup", "abbr", "br", "em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small",
    "span", "code", "kbd", "q", "cite", "dfn", "time", "a", "img", "wbr",
})
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "abbr": {"title"}, "a": {"href", "title", "hreflang"}, "img": {"src", "alt", "title", "width", "height"},
    "time": {"datetime"}, "q": {"cite"}, "span": {"lang"}, "dfn": {"title"},
}
# `agendasite:` marks links to other pages of the site, resolved per page (see sitelinks.py).
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto", "tel", "agendasite"})
_DANGEROUS_CONTENT = frozenset({"script", "style"})
_URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
ENV_KEY = "agendasite"


def url_problem(value: str) -> str | None:
    """Why an address in raw HTML is removed (its scheme, in words), or None when it may stay."""
    if scheme_of(value) == INTERNAL_SCHEME:
        return None if is_site_placeholder(value.strip()) else f"'{INTERNAL_SCHEME}:'"
    try:
        checked_url(value)
    except UnsafeURL:
        scheme = scheme_of(value)
        return f"'{scheme}:'" if scheme else "control character in the"
    return None


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    """Addresses in raw HTML through the one URL check (urls.py): an unsafe one is dropped."""
    if name not in _URL_ATTRIBUTES:
        return value
    if url_problem(value) is not None:
        return None
    return value.strip() if scheme_of(value) == INTERNAL_SCHEME else checked_url(value)


def clean_html(html: str) -> str:
    """Clean one HTML fragment with the allow-list."""
    return nh3.clean(html, tags=set(ALLOWED_TAGS), attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
                     url_schemes=set(URL_SCHEMES), clean_content_tags=set(_DANGEROUS_CONTENT),
                     link_rel=None, strip_comments=True, attribute_filter=_filter_attribute)


class _Finder(HTMLParser):
    """Names what the allow-list removes from a fragment, for the editor's message."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.removed: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            what = "content" if tag in _DANGEROUS_CONTENT else "tag"
            self._add(f"<{tag}> {'element and its content' if what == 'content' else 'tag'}")
            return
        allowed = ALLOWED_ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name not in allowed:
                self._add(f"the attribute '{name}' of <{tag}>")
            elif name in _URL_ATTRIBUTES and value:
                problem = url_problem(value)
                if problem is not None:
                    self._add(f"the {problem} address of <{tag}>")

    def handle_comment(self, data: str) -> None:
        self._add("an HTML comment")

    def _add(self, text: str) -> None:
        if text not in self.removed:
            self.removed.append(text)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def _text_of(html: str) -> str:
    """The plain text of cleaned HTML (headings, search text)."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())


def removed_parts(html: str) -> list[str]:
    """What the allow-list will remove from `html`, in words."""
    finder = _Finder()
    try:
        finder.feed(html)
        finder.close()
    except Exception:  # html.parser is lenient; never let the message finder fail a build
        return ["markup the sanitizer does not allow"]
    return finder.removed


def _warn(state: StateCore, line0: int | None, removed: list[str]) -> None:
    ctx: Any = state.env.get(ENV_KEY) if isinstance(state.env, dict) else None
    if ctx is None or not removed:
        return
    line = ctx.line_at(line0) if line0 is not None else None
    ctx.diags.warning(ctx.path, line, "raw HTML removed: " + "; ".join(removed),
                      "only harmless inline HTML is allowed (sub, sup, abbr, br, em, strong, ...); "
                      "no scripts, styles, event attributes, iframes or javascript: addresses")


def _inline_line(parent: Token, index: int) -> int | None:
    if parent.map is None:
        return None
    breaks = sum(1 for c in (parent.children or [])[:index] if c.type in ("softbreak", "hardbreak"))
    return parent.map[0] + breaks


def sanitize_rule(state: StateCore) -> None:
    """Clean raw HTML in the token stream; warn with file and line for what is removed."""
    md: MarkdownIt = state.md
    for token in state.tokens:
        if token.type == "html_block":
            _warn(state, token.map[0] if token.map else None, removed_parts(token.content))
            token.content = clean_html(token.content)
        elif token.type == "inline" and any(c.type == "html_inline" for c in token.children or []):
            children = token.children or []
            for index, child in enumerate(children):
                if child.type == "html_inline":
                    _warn(state, _inline_line(token, index), removed_parts(child.content))
            html = md.renderer.renderInline(children, md.options, state.env)
            cleaned = Token("html_inline", "", 0)
            cleaned.content = clean_html(html)
            cleaned.meta = {"text": _text_of(cleaned.content)}
            token.children = [cleaned]


def sanitize_plugin(md: MarkdownIt) -> None:
    """Install the sanitizer as the last core rule (after links are resolved)."""
    md.core.ruler.push("sanitize_html", sanitize_rule)
