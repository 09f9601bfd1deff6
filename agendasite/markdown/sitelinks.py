"""Links between pages of the site, written by editors as relative paths to the files they edit.

An editor links to another item by its file (`[punkt 3.4](3-4-opfolgning-pa-lanepuljen.md)`),
to a meeting by its folder (`../2024-12-06-kkr-hovedstaden/`), to an annex document or file by
its path (`bilag/brev.md`, `bilag/notat.pdf`), optionally with `#anchor`. A markdown-it core
rule resolves such links to the page's site URL, written `agendasite:<url>`; after rendering,
`resolve_site_links` makes them relative to the page they appear on (the same text can appear
on an item page and on its meeting page), `resolve_file_links` makes them full addresses in
generated files (feeds, JSON), and `check_site_links` reports links to pages or anchors the
site does not have, with file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from ..diagnostics import Diagnostics
from ..source.urls import SCHEME_HINT, UnsafeURL, attribute_url, checked_url, relative_url, scheme_of

SCHEME = "agendasite:"
ENV_KEY = "agendasite"
_PLACEHOLDER = re.compile(r'(href|src)="agendasite:([^"]*)"')
# What `LinkCollector.resolve` writes after `agendasite:` (a quoted site path); nothing else is resolved.
_SITE_PATH = re.compile(r"[A-Za-z0-9/\-_.~%]*")
_ID = re.compile(r'\sid="([^"]+)"')
_NOTE_ID = re.compile(r"^t\d+-note-\d+$")
_ID_VALUE = re.compile(r'id="([^"]+)"')  # found 5 times faster than _ID: it starts with a literal


def ids_in(html: str) -> list[str]:
    """The values of the page's id attributes (`id="..."` after a space), as _ID finds them."""
    found = []
    for match in _ID_VALUE.finditer(html):
        start = match.start()
        if not start or not html[start - 1].isspace():  # "xid=" or the like: let the exact pattern decide
            return _ID.findall(html)
        found.append(match.group(1))
    return found


def anchors_of(html: str) -> str:
    """A page's ids, kept for the site-wide link check as short text (` id="a" id="b"`)."""
    return "".join(f' id="{i}"' for i in ids_in(html))


@dataclass(frozen=True, slots=True)
class SiteLink:
    """One link to a page of the site, where it was written."""

    source: str
    line: int | None
    written: str
    url: str  # site-relative URL of the target page or file
    fragment: str


@dataclass(slots=True)
class LinkCollector:
    """Resolves editors' relative links against content/ and remembers them for the final check."""

    content: Path
    links: list[SiteLink] = field(default_factory=list)

    def resolve(self, href: str, document: Path, source: str, line: int | None,
                diags: Diagnostics) -> str | None:
        """The `agendasite:` address for a local link, or None to leave the link as written."""
        if not href or href.startswith(("#", "//")) or scheme_of(href) is not None:
            return None
        path_part, _, fragment = href.partition("#")
        path_part = unquote(path_part.split("?", 1)[0])
        if path_part.startswith("/"):
            diags.error(source, line, f"the link '{href}' starts with '/'",
                        "link to other pages by their file, relative to this file, e.g. "
                        "[punkt 3.4](3-4-navn.md) or ../2024-12-06-udvalget/")
            return None
        content = self.content.resolve()
        target = (document.resolve().parent / path_part).resolve()
        try:
            parts = target.relative_to(content).parts
        except ValueError:
            diags.error(source, line, f"the link '{href}' leads outside the content folder",
                        "link only to files and folders under content/, or write a full https:// address")
            return None
        url = self._url_of(target, parts, path_part.endswith("/"))
        if url is None:
            diags.error(source, line, f"the link '{href}' does not point to a page of the site",
                        "link to an item by its file (3-4-navn.md), to a meeting by its folder "
                        "(../2024-12-06-udvalget/), or to an annex by its path (bilag/notat.pdf)")
            return None
        self.links.append(SiteLink(source, line, href, url, fragment))
        return SCHEME + quote(url, safe="/-_.~") + (f"#{fragment}" if fragment else "")

    @staticmethod
    def _url_of(target: Path, parts: tuple[str, ...], as_folder: bool) -> str | None:
        if not parts:
            return ""
        if as_folder or target.is_dir() or not target.suffix:
            if len(parts) == 1:
                return f"{parts[0]}/"
            if len(parts) == 2 and parts[1] == "bilag":
                return f"{parts[0]}/bilag/"
            return None
        if len(parts) < 2:
            return None
        meeting, name = parts[0], parts[-1]
        if target.suffix == ".md":
            if len(parts) == 2:
                return f"{meeting}/" if name == "meeting.md" else f"{meeting}/{target.stem}/"
            return f"{meeting}/bilag/{target.stem}/"
        return f"{meeting}/bilag/{name}"


def is_site_placeholder(url: str) -> bool:
    """Whether an `agendasite:` address is one the build wrote (a quoted site path and a fragment)."""
    path = url[len(SCHEME):].partition("#")[0] if url.startswith(SCHEME) else None
    return path is not None and _SITE_PATH.fullmatch(path) is not None


def checked_link(href: str, ctx: Any, line: int | None) -> str:
    """An editor's link as it may be published: checked (an error at its line if not), resolved if local."""
    try:
        checked = checked_url(href)
    except UnsafeURL as exc:
        if ctx is not None:
            shown = href if len(href) <= 80 else href[:77] + "..."
            ctx.diags.error(ctx.path, line, f"the link '{shown}' cannot be published: {exc}", SCHEME_HINT)
        return "#"
    collector = getattr(ctx, "links", None)
    if collector is None:
        return checked
    resolved = collector.resolve(href, Path(ctx.path), ctx.path, line, ctx.diags)
    return checked if resolved is None else resolved


def link_rule(state: StateCore) -> None:
    """Check every link's address (allowed schemes only) and rewrite editors' relative links to
    `agendasite:` site addresses (before sanitizing)."""
    ctx: Any = state.env.get(ENV_KEY) if isinstance(state.env, dict) else None
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        breaks = 0
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                breaks += 1
            elif child.type in ("link_open", "image"):
                attr = "href" if child.type == "link_open" else "src"
                href = str(child.attrGet(attr) or "")
                line = ctx.line_at(token.map[0] + breaks) if token.map and ctx is not None else None
                child.attrSet(attr, checked_link(href, ctx, line))


def links_plugin(md: MarkdownIt) -> None:
    """Install the link rule as a core rule."""
    md.core.ruler.push("site_links", link_rule)


def resolve_site_links(html: str, page_url: str) -> str:
    """Make every `agendasite:` address in a rendered page relative to that page."""
    if SCHEME not in html:
        return html

    def resolved(match: re.Match[str]) -> str:
        path, hash_, fragment = unescape(match[2]).partition("#")
        if _SITE_PATH.fullmatch(path) is None:  # not written by the build: never published
            return f'{match[1]}="#"'
        try:
            return f'{match[1]}="{attribute_url(relative_url(page_url, path) + hash_ + fragment)}"'
        except UnsafeURL:
            return f'{match[1]}="#"'

    return _PLACEHOLDER.sub(resolved, html)


_FILE_PLACEHOLDER = re.compile(rb'((?:href|src)=(?:"|&quot;|&#34;|\\"))agendasite:')


def resolve_file_links(data: bytes, base_url: str | None) -> bytes:
    """In a generated file (feed, JSON), `agendasite:` addresses become full ones (base_url + page URL)."""
    if SCHEME.encode() not in data:
        return data
    return _FILE_PLACEHOLDER.sub(lambda m: m[1] + (base_url or "/").encode(), data)


def _output_path(url: str) -> str:
    return f"{url}index.html" if url == "" or url.endswith("/") else url


def check_site_links(links: list[SiteLink], pages: dict[str, str], files: set[str],
                     diags: Diagnostics) -> None:
    """Every link must name a page or file of the output, and an anchor on that page."""
    ids: dict[str, set[str]] = {}
    for link in links:
        path = _output_path(link.url)
        if path not in pages and path not in files:
            diags.error(link.source, link.line, f"the link '{link.written}' points to a page the site does "
                        "not have", "check the file name; closed items' annexes and closed meetings are "
                        "not published, so links to them cannot work")
            continue
        if link.fragment and path in pages:
            known = ids.setdefault(path, set(ids_in(pages[path])))
            if unquote(link.fragment) not in known:
                headings = sorted(a for a in known if not _NOTE_ID.match(a))[:8]
                diags.error(link.source, link.line, f"the link '{link.written}' names the anchor "
                            f"'#{link.fragment}', which that page does not have",
                            "anchors are the headings' names in lower case with '-', e.g. "
                            + (", ".join(f"#{a}" for a in headings) or "#indstilling"))
