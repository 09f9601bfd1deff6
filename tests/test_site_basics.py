"""Site basics: sitemap, robots.txt, 404 page, canonical URLs, Open Graph and description, favicon, lang."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from .conftest import soup

BASE = "https://example.org/kkr-hovedstaden/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def html_pages(site: Path) -> list[Path]:
    """The site's own pages (the handbook under handbook/ is MkDocs' and has its own sitemap)."""
    return sorted(p for p in site.rglob("*.html") if not {"pagefind", "handbook"} & set(p.relative_to(site).parts))


def _url_of(site: Path, page: Path) -> str:
    rel = page.relative_to(site).as_posix()
    return BASE + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def test_sitemap_lists_every_page_but_the_404(built_site: Path):
    root = ET.parse(built_site / "sitemap.xml").getroot()
    locs = [u.find(f"{SITEMAP}loc").text for u in root.findall(f"{SITEMAP}url")]
    expected = [_url_of(built_site, p) for p in html_pages(built_site) if p.name != "404.html"]
    assert sorted(locs) == sorted(expected) and len(locs) == len(set(locs))
    item = next(u for u in root.findall(f"{SITEMAP}url")
                if u.find(f"{SITEMAP}loc").text.endswith("3-4-opfolgning-pa-lanepuljen/"))
    assert item.find(f"{SITEMAP}lastmod").text == "2024-09-06"


def test_robots_points_to_the_sitemap(built_site: Path):
    lines = (built_site / "robots.txt").read_text("utf-8").splitlines()
    assert "User-agent: *" in lines and f"Sitemap: {BASE}sitemap.xml" in lines
    assert f"Sitemap: {BASE}handbook/sitemap.xml" in lines and (built_site / "handbook" / "sitemap.xml").is_file()


def test_every_page_has_lang_canonical_description_and_open_graph(built_site: Path):
    for page in html_pages(built_site):
        doc = soup(page)
        assert doc.html["lang"] == "da", page
        description = doc.find("meta", attrs={"name": "description"})["content"]
        assert description.strip(), page
        og = {m["property"]: m["content"] for m in doc.find_all("meta", property=True)}
        assert og["og:title"] and og["og:description"] == description and og["og:locale"] == "da_DK", page
        assert og["og:site_name"] == "KKR Hovedstaden – dagsordener"
        icon = doc.find("link", rel="icon")["href"]
        assert (page.parent / icon).resolve().is_file() or page.name == "404.html"
        if page.name == "404.html":
            assert doc.find("link", rel="canonical") is None  # served at any address
            continue
        canonical = doc.find("link", rel="canonical")["href"]
        assert canonical == _url_of(built_site, page) == og["og:url"], page


def test_item_description_names_item_and_meeting(built_site: Path):
    doc = soup(built_site / "2024-09-06-kkr-hovedstaden" / "3-4-opfolgning-pa-lanepuljen" / "index.html")
    assert doc.find("meta", attrs={"name": "description"})["content"] == (
        "3.4 Opfølgning på lånepuljen til botilbud 2024-2026 – KKR Hovedstaden, 6. september 2024")
    assert doc.find("meta", property="og:type")["content"] == "article"


def test_404_page_links_home_from_any_address(built_site: Path):
    doc = soup(built_site / "404.html")
    assert doc.h1.get_text() == "Siden findes ikke"
    home = doc.find("main").find("a")["href"]
    assert home == "/kkr-hovedstaden/"  # absolute path: the page is served for any missing address
    assert doc.find("link", rel="stylesheet")["href"] == "/kkr-hovedstaden/assets/style.css"


def test_footer_links_to_feed_calendar_and_open_data(built_site: Path):
    links = {a.get_text(): a["href"] for a in soup(built_site / "index.html").find("ul", class_="subscribe").find_all("a")}
    assert links == {"Nyhedsfeed": "feed.xml", "Mødekalender": "kalender.ics", "Åbne data": "oparl/system.json"}
    for href in links.values():
        assert (built_site / href).is_file()
