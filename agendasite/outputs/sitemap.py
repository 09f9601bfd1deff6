"""sitemap.xml of every public page and robots.txt pointing to it, for search engines.

Each meeting's `<url>` entries are serialised once (`sitemap_part`); the site-level pages (front page,
payer pages, search page) are listed before and after them, as the site plans its pages.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Callable

from ..model import Config, Meeting, Site
from ..plan.pages import PagePlan, meeting_pages
from ..plan.published import Parts, SiteFile, absolute, updated_moment, xml_document, xml_fragment

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
URLSET = f"{{{SITEMAP_NS}}}urlset"
NOT_LISTED = ("404.html",)


def sitemap_files(site: Site, parts: Parts, site_pages: Callable[[], tuple[list[str], list[str]]]) -> list[SiteFile]:
    """sitemap.xml from the URLs of the site-level pages (before and after the meetings') and each meeting's
    entries; robots.txt."""
    config = site.config
    if config.base_url is None:
        return []

    def inputs() -> object:
        return site_pages(), [parts.key(m, "sitemap", sitemap_part) for m in site.meetings]

    def make() -> bytes:
        front, rest = site_pages()
        ET.register_namespace("", SITEMAP_NS)
        return xml_document(ET.Element(URLSET), [_entries(config, [PagePlan(url, "") for url in front])]
                            + [parts.get(m, "sitemap", sitemap_part) for m in site.meetings]
                            + [_entries(config, [PagePlan(url, "") for url in rest])])

    sitemaps = ["sitemap.xml"] + (["handbook/sitemap.xml"] if config.handbook else [])  # MkDocs writes its own
    robots = "User-agent: *\nAllow: /\n\n" + "".join(f"Sitemap: {absolute(config, s)}\n" for s in sitemaps)
    return [SiteFile("sitemap.xml", inputs, make), SiteFile("robots.txt", lambda: robots, robots.encode)]


def sitemap_part(config: Config, meeting: Meeting) -> dict[str, bytes]:
    """The meeting's pages' entries, with the date of their last change."""
    return {"sitemap": _entries(config, meeting_pages(meeting, config))}


def _entries(config: Config, pages: list[PagePlan]) -> bytes:
    ET.register_namespace("", SITEMAP_NS)
    entries = []
    for page in pages:
        if page.url in NOT_LISTED:
            continue
        entry = ET.Element(f"{{{SITEMAP_NS}}}url")
        ET.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = absolute(config, page.url)
        meeting = page.context.get("meeting")
        if meeting is not None:
            item = page.context.get("item")
            moment = updated_moment(meeting, config, item)
            ET.SubElement(entry, f"{{{SITEMAP_NS}}}lastmod").text = moment.date().isoformat()
        entries.append(entry)
    return xml_fragment(URLSET, entries)
