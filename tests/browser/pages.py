"""Which built page stands for each page type, found in the built site (not hard-coded where content may change)."""

from __future__ import annotations

from pathlib import Path

from bs4 import BeautifulSoup

from agendasite.finish.handbook import HANDBOOK_DIR
from agendasite.model import Site

MEETING = "2024-09-06-kkr-hovedstaden/"
ITEM = MEETING + "3-4-opfolgning-pa-lanepuljen/"  # has a computed table with a CSV download and a footnote


def _html(site: Path, url: str) -> str:
    path = site / (url + "index.html" if url.endswith("/") or url == "" else url)
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def page_urls(site: Path) -> list[str]:
    """Every page agendasite renders, as a site-relative URL (folders end in /); not the MkDocs handbook."""
    urls = []
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site).as_posix()
        if rel.startswith(f"{HANDBOOK_DIR}/"):
            continue  # the editors' handbook is MkDocs' output with its own theme, not these templates'
        urls.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return urls


def annex_walk(site: Path, model: Site) -> tuple[str, str, str] | None:
    """(meeting, item, annex page) URLs of a Markdown annex document, one with a table and deeper headings first."""
    found = []
    for meeting in model.meetings:
        for item in meeting.items:
            for annex in item.annexes:
                if annex.kind == "page" and annex.public and annex.url and _html(site, annex.url):
                    soup = BeautifulSoup(_html(site, annex.url), "html.parser")
                    rich = bool(soup.find("table") and soup.find("h3"))
                    found.append((not rich, meeting.url, item.url, annex.url))
    return min(found)[1:] if found else None


def funding_page_url(site: Path, model: Site) -> str | None:
    """A computed funding annex page, if the content has one and the build wrote it."""
    for meeting in model.meetings:
        for item in meeting.items:
            for annex in item.annexes:
                if annex.kind == "funding" and annex.public and annex.url and _html(site, annex.url):
                    return annex.url
    return None


def search_page_url(site: Path) -> str | None:
    """The search page, if the built site has one: the page that loads Pagefind's script."""
    for url in page_urls(site):
        soup = BeautifulSoup(_html(site, url), "html.parser")
        if soup.find("script", src=lambda src: bool(src) and "pagefind" in src):
            return url
    return None


def page_types(site: Path, model: Site) -> dict[str, str | None]:
    """One URL per page type; None where this build has no such page yet."""
    walk = annex_walk(site, model)
    return {
        "front": "",
        "meeting": MEETING,
        "item": ITEM,
        "annex-index": MEETING + "bilag/",
        "annex-page": walk[2] if walk else None,
        "walk-meeting": walk[0] if walk else None,
        "walk-item": walk[1] if walk else None,
        "funding-annex": funding_page_url(site, model),
        "search": search_page_url(site),
        "404": "no-such-page/",  # the web host answers an unknown address with 404.html
    }
