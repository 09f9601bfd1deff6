"""Accessibility and weight of every built page, read from the HTML (the browser tests add axe-core)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from agendasite.finish.handbook import HANDBOOK_DIR

from .conftest import run_build, soup, write

HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"]


def html_pages(site: Path) -> list[Path]:
    """Every page agendasite renders (the editors' handbook is MkDocs' output with its own theme)."""
    return sorted(p for p in site.rglob("*.html") if p.relative_to(site).parts[0] != HANDBOOK_DIR)


def test_every_page_has_one_h1_and_headings_in_order(built_site: Path):
    problems = []
    for page in html_pages(built_site):
        levels = [int(h.name[1]) for h in soup(page).find_all(HEADINGS)]
        rel = page.relative_to(built_site)
        if levels.count(1) != 1 or levels[0] != 1:
            problems.append(f"{rel}: {levels.count(1)} h1, first heading h{levels[0]}")
        jumps = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
        if jumps:
            problems.append(f"{rel}: heading jumps {jumps}")
    assert not problems, "\n".join(problems)


def test_meeting_page_outline(built_site: Path):
    page = soup(built_site / "2024-09-06-kkr-hovedstaden" / "index.html")
    h2 = page.find("h2", id="toc")
    assert h2.get_text(strip=True) == "Punkter på dagsordenen"
    section = h2.find_next("h3")
    assert section.get_text(strip=True) == "1. Godkendelse af dagsorden og referat"
    assert section.find_next(HEADINGS).name == "h4"


def test_landmarks_language_and_skip_link(built_site: Path):
    for page in html_pages(built_site):
        doc = soup(page)
        assert doc.html["lang"] == "da"
        assert len(doc.find_all("main")) == 1 and doc.main["id"] == "main"
        assert doc.find("a", class_="skip-link")["href"] == "#main"
        assert doc.find("header", class_="site-header") and doc.find("footer", class_="site-footer")
        for nav in doc.find_all("nav"):
            assert nav.get("aria-label"), f"{page}: a navigation landmark without a name"


def test_tables_have_names_header_scopes_and_right_aligned_numbers(built_site: Path):
    css = (built_site / "assets" / "style.css").read_text("utf-8")
    assert re.search(r"\.num\s*\{[^}]*text-align:\s*right", css)
    tables = 0
    for page in html_pages(built_site):
        for table in soup(page).find_all("table"):
            tables += 1
            region = table.find_parent(class_="table-scroll")
            name = table.caption.get_text(strip=True) if table.caption else region.get("aria-label", "")
            assert name and name != "Tabel", f"{page}: a table without a name of its own"
            for th in table.find_all("th"):
                assert th.get("scope") in ("col", "row", "colgroup"), f"{page}: {th} has no scope"
            for row in table.tbody.find_all("tr"):
                for cell in row.find_all("td"):
                    text = cell.get_text(strip=True)
                    if re.fullmatch(r"-?[\d.]+(,\d+)?\d*", text):
                        assert "num" in cell.get("class", []), f"{page}: number {text} not right-aligned"
    assert tables >= 4


def test_table_download_link_says_which_table(built_site: Path):
    page = soup(built_site / "2024-09-06-kkr-hovedstaden" / "3-4-opfolgning-pa-lanepuljen" / "index.html")
    link = page.find("p", class_="table-csv").a
    assert link.get_text(" ", strip=True) == "Hent som CSV: Tabel 1, Sagsfremstilling"


def test_annex_links_state_file_type_and_size(tiny_site: Path, tmp_path: Path):
    meeting = tiny_site / "content" / "2030-01-15-udvalget"
    (meeting / "notat.pdf").write_bytes(b"%PDF-1.4 " + b"x" * 2400)
    item = meeting / "1-2-anden.md"
    item.write_text(item.read_text("utf-8").replace("title: Anden sag\n", "title: Anden sag\nannexes:\n"
                                                     "  - title: Notat\n    file: notat.pdf\n"), "utf-8")
    result = run_build(tiny_site / "site_config.yml", tmp_path / "out")
    assert result.ok, result.diagnostics.sorted()
    li = soup(tmp_path / "out" / "2030-01-15-udvalget" / "1-2-anden" / "index.html").find("section", class_="annexes").li
    assert li.get_text(" ", strip=True) == "Notat (PDF, 2,4\u00a0kB)"


def test_annex_markdown_that_jumps_levels_gets_an_ordered_outline(tiny_site: Path, tmp_path: Path):
    write(tiny_site, "content/2030-01-15-udvalget/bilag/notat.md", """
        # Notat om sagen

        #### Baggrund

        Tekst.

        ## Økonomi

        ###### Detaljer

        Mere tekst.
    """)
    item = tiny_site / "content" / "2030-01-15-udvalget" / "1-2-anden.md"
    item.write_text(item.read_text("utf-8").replace("title: Anden sag\n", "title: Anden sag\nannexes:\n"
                                                     "  - title: Notat\n    page: bilag/notat.md\n"), "utf-8")
    result = run_build(tiny_site / "site_config.yml", tmp_path / "out")
    assert result.ok, result.diagnostics.sorted()
    page = soup(tmp_path / "out" / "2030-01-15-udvalget" / "bilag" / "notat" / "index.html")
    outline = [(h.name, h.get_text(strip=True)) for h in page.find_all(HEADINGS)]
    assert outline == [("h1", "Notat"), ("h2", "Notat om sagen"), ("h3", "Baggrund"), ("h2", "Økonomi"),
                       ("h3", "Detaljer")]


def test_item_page_with_its_css_is_small_and_needs_no_fonts_or_scripts(built_site: Path):
    css = (built_site / "assets" / "style.css").read_bytes()
    items = [p for p in html_pages(built_site) if p.parent.parent.name.startswith("20") and p.parent.name != "bilag"]
    biggest = max(items, key=lambda p: p.stat().st_size)
    assert biggest.stat().st_size + len(css) < 50_000, f"{biggest}: {biggest.stat().st_size} B + {len(css)} B CSS"
    assert b"@font-face" not in css and b"url(" not in css
    for page in html_pages(built_site):
        doc = soup(page)
        if doc.find("script", src=re.compile("pagefind")):  # the search page: a tool, with a no-script way on
            assert doc.find("noscript") and doc.main.find("ul", class_="meetings").find("a"), \
                f"{page}: without JavaScript the search page offers the meeting archive"
            continue
        assert not doc.find("script"), f"{page}: reading a page needs no JavaScript"
        stylesheets = [link["href"] for link in doc.find_all("link", rel="stylesheet")]
        assert len(stylesheets) == 1 and stylesheets[0].endswith("assets/style.css")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_colours_reach_contrast_4_5(built_site: Path, scheme: str):
    """The palette itself, besides axe-core's check of the rendered pages (which skips unused colours)."""
    css = (built_site / "assets" / "style.css").read_text("utf-8")
    light = dict(re.findall(r"--(\w+):\s*(#[0-9a-f]{6})", css.split("@media (prefers-color-scheme: dark)")[0]))
    dark_block = css.split("@media (prefers-color-scheme: dark)")[1].split("}")[0]
    palette = light | (dict(re.findall(r"--(\w+):\s*(#[0-9a-f]{6})", dark_block)) if scheme == "dark" else {})
    for background in ("bg", "soft"):
        for colour in ("fg", "muted", "link", "visited", "accent", "ok"):
            ratio = contrast(palette[colour], palette[background])
            assert ratio >= 4.5, f"{scheme}: --{colour} on --{background} has contrast {ratio:.2f}"
        assert contrast(palette["focus"], palette[background]) >= 3, "focus outline contrast (WCAG 1.4.11)"


def contrast(a: str, b: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
