"""sitemap.xml of every public page and robots.txt pointing to it, for search engines."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .model import Site
from .plan import FilePlan, plan_site
from .published import absolute, updated_moment

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
NOT_LISTED = ("404.html",)


def plan_sitemap(site: Site) -> list[FilePlan]:
    """sitemap.xml (absolute URLs, so base_url is needed) and robots.txt."""
    if site.config.base_url is None:
        return []
    pages, _ = plan_site(site)
    ET.register_namespace("", SITEMAP_NS)
    urlset = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for page in pages:
        if page.url in NOT_LISTED:
            continue
        entry = ET.SubElement(urlset, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = absolute(site.config, page.url)
        meeting = page.context.get("meeting")
        if meeting is not None:
            item = page.context.get("item")
            moment = updated_moment(meeting, site.config, item)
            ET.SubElement(entry, f"{{{SITEMAP_NS}}}lastmod").text = moment.date().isoformat()
    ET.indent(urlset)
    sitemap = ET.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"
    sitemaps = ["sitemap.xml"] + (["handbook/sitemap.xml"] if site.config.handbook else [])  # MkDocs writes its own
    robots = "User-agent: *\nAllow: /\n\n" + "".join(f"Sitemap: {absolute(site.config, s)}\n" for s in sitemaps)
    return [FilePlan("sitemap.xml", sitemap), FilePlan("robots.txt", robots.encode("utf-8"))]
