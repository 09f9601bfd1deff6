"""Check every internal link and anchor of a built site (used by the tests)."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse


@dataclass(frozen=True, slots=True)
class BrokenLink:
    """A link in `page` to `href` that leads nowhere."""

    page: str
    href: str
    reason: str


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"] or "")
        for key in ("href", "src"):
            if values.get(key) and not (tag == "link" and values.get("rel") == "canonical"):
                self.links.append(values[key] or "")


def _parse(path: Path) -> _Collector:
    collector = _Collector()
    collector.feed(path.read_text(encoding="utf-8"))
    return collector


def check_links(root: Path, skip: tuple[str, ...] = ("404.html", "handbook/404.html")) -> list[BrokenLink]:
    """Every internal href/src of every HTML page must name an existing file and anchor."""
    broken: list[BrokenLink] = []
    cache: dict[Path, _Collector] = {}
    pages = sorted(p for p in root.rglob("*.html") if p.relative_to(root).as_posix() not in skip)
    for page in pages:
        info = cache.setdefault(page, _parse(page))
        rel_page = page.relative_to(root).as_posix()
        for href in info.links:
            parsed = urlparse(href)
            if parsed.scheme or href.startswith("//"):
                continue
            target_part, fragment = urldefrag(href)
            if not target_part:
                target = page
            else:
                target = (page.parent / unquote(target_part)).resolve()
                if not str(target).startswith(str(root.resolve())):
                    broken.append(BrokenLink(rel_page, href, "leaves the site"))
                    continue
                if target.is_dir():
                    # '.' and '..' resolve to the folder with its '/' (RFC 3986); MkDocs links home so
                    if not target_part.endswith(("/", "/.", "/..")) and target_part not in (".", ".."):
                        broken.append(BrokenLink(rel_page, href, "folder link without trailing '/'"))
                        continue
                    target = target / "index.html"
            if not target.is_file():
                broken.append(BrokenLink(rel_page, href, "no such file"))
                continue
            if fragment and target.suffix == ".html":
                ids = cache.setdefault(target, _parse(target)).ids
                if unquote(fragment) not in ids:
                    broken.append(BrokenLink(rel_page, href, f"no element with id '{fragment}'"))
    return broken
