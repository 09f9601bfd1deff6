"""The embedded 6 September 2024 agenda, built and read as the public reads it."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from agendasite.source.numbers import parse_number

from .conftest import soup
from .linkcheck import check_links

MEETING = "2024-09-06-kkr-hovedstaden"

ITEMS = {
    "1.1": "Godkendelse af dagsorden",
    "1.2": "Godkendelse af referat",
    "2.1": "Siden sidst",
    "3.1": "Scenarier i den tværgående mobilitetsanalyse for hovedstadsområdet",
    "3.2": "Godkendelse af Rammeaftale 2025-2026",
    "3.3": "Monitoreringsrapport for det specialiserede socialområde 2024",
    "3.4": "Opfølgning på lånepuljen til botilbud 2024-2026",
    "3.5": "Fordeling af lærepladser på SOSU-uddannelserne for 2025",
    "3.6": "Politiske aftaler på erhvervsområdet - Aftale om et stærkere erhvervsliv og Aftale om iværksætterpakke",
    "3.7": "Klimaalliancen og status på indsatser",
    "3.8": "Aftale om Grønt Danmark",
    "4.1": "Udpegning til Region Hovedstadens opgaveudvalg om kvindesygdomme",
    "5.1": "Punkter til næste møde",
    "6.1": "Eventuelt",
}


def item_pages(site: Path) -> dict[str, Path]:
    pages = {}
    for page in sorted((site / MEETING).glob("*/index.html")):
        if page.parent.name == "bilag":
            continue
        h1 = soup(page).h1
        pages[h1.find(class_="number").get_text(strip=True)] = page
    return pages


def test_every_item_page_exists_with_number_and_title(built_site: Path):
    pages = item_pages(built_site)
    assert set(pages) == set(ITEMS)
    for number, title in ITEMS.items():
        h1 = soup(pages[number]).h1.get_text(" ", strip=True)
        assert h1 == f"{number} {title}"


def test_item_url_is_stable_and_readable(built_site: Path):
    assert (built_site / MEETING / "3-4-opfolgning-pa-lanepuljen" / "index.html").is_file()


def _table(page: Path, index: int = 0):
    return soup(page).find_all("table")[index]


def test_loan_pool_total_reads_561_5_and_274(built_site: Path):
    table = _table(built_site / MEETING / "3-4-opfolgning-pa-lanepuljen" / "index.html")
    total = table.find("tr", class_="total")
    cells = [c.get_text(strip=True) for c in total.find_all(["th", "td"])]
    assert cells[0] == "I alt"
    assert cells[1].startswith("561,5") and cells[2] == "274"
    # The source's 561,5 is the stated total; the rounded rows add to 561,4 and the page says so.
    assert "561,4" in table.find_parent("div").find_next_sibling("div").get_text()


def test_loan_pool_places_are_the_sum_of_the_rows(built_site: Path):
    table = _table(built_site / MEETING / "3-4-opfolgning-pa-lanepuljen" / "index.html")
    rows = table.tbody.find_all("tr")
    places = [parse_number(r.find_all("td")[1].get_text(strip=True)) for r in rows[:-1]]
    assert len(places) == 11 and sum(places) == 274


def test_every_sosu_total_equals_the_sum_of_its_column(built_site: Path):
    table = _table(built_site / MEETING / "3-5-fordeling-af-laerepladser-sosu" / "index.html")
    rows = table.tbody.find_all("tr")
    data, total = rows[:-1], rows[-1]
    assert total.th.get_text(strip=True) == "Hele landet" and len(data) == 5
    expected = ["3.000", "3.000", "6.000", "6.000"]
    for column in range(4):
        column_sum = sum(parse_number(r.find_all("td")[column].get_text(strip=True)) for r in data)
        shown = total.find_all("td")[column].get_text(strip=True)
        assert parse_number(shown) == column_sum
        assert shown == expected[column]
    groups = [th.get_text(strip=True) for th in table.thead.find_all("th", scope="colgroup")]
    assert groups == ["Social- og sundhedshjælpere", "Social- og sundhedsassistenter"]


def test_computed_table_csv_matches_page(built_site: Path):
    data = (built_site / MEETING / "3-5-fordeling-af-laerepladser-sosu" / "tabel-1.csv").read_text("utf-8")
    rows = list(csv.reader(io.StringIO(data), delimiter=";"))
    assert rows[-1] == ["Hele landet", "3000", "3000", "6000", "6000"]


def test_meeting_page_header_and_recommendations(built_site: Path):
    page = soup(built_site / MEETING / "index.html")
    facts = page.find("dl", class_="facts").get_text(" ", strip=True)
    assert "fredag den 6. september 2024 kl. 10.00" in facts
    assert "Glostrup Park Hotel, Hovedvejen 41, 2600 Glostrup" in facts
    assert "formøder fra kl. 9" in page.get_text()
    recommendations = page.find_all(class_="recommendation")
    assert len(recommendations) == 11  # every item but 2.1, 5.1 and 6.1 has an Indstilling in the source
    text = page.get_text(" ", strip=True)
    assert "Det indstilles, at KKR Hovedstaden godkender dagsordenen for møde den 6. september 2024." in text
    sections = [h.get_text(" ", strip=True) for h in page.find_all("h3")]
    assert sections[0] == "1. Godkendelse af dagsorden og referat" and len(sections) == 6
    links = {a["href"] for a in page.find_all("a")}
    assert "3-4-opfolgning-pa-lanepuljen/" in links and "bilag/" in links


def test_item_page_parts(built_site: Path):
    page = soup(built_site / MEETING / "3-4-opfolgning-pa-lanepuljen" / "index.html")
    facts = page.find("dl", class_="facts").get_text(" ", strip=True)
    assert "SAG-2024-02570" in facts and "ascm" in facts
    assert [h.get_text() for h in page.find_all("h2")][:3] == ["Baggrund", "Indstilling", "Sagsfremstilling"]
    pager = page.find("nav", class_="pager")
    assert "3.3" in pager.find("a", rel="prev").get_text() and "3.5" in pager.find("a", rel="next").get_text()
    crumbs = [a["href"] for a in page.find("nav", class_="breadcrumbs").find_all("a")]
    assert crumbs == ["../../", "../"]


def test_annex_index_groups_by_item_and_links_resolve(built_site: Path):
    page = soup(built_site / MEETING / "bilag" / "index.html")
    headings = [h.get_text(" ", strip=True) for h in page.find_all("h2")]
    assert any(h.startswith("3.1 ") for h in headings)
    item = soup(built_site / MEETING / "3-1-scenarier-tvaergaende-mobilitetsanalyse" / "index.html")
    annex_links = item.find("section", class_="annexes").find_all("a")
    assert annex_links and all(a["href"].startswith("https://") for a in annex_links)


def test_no_broken_internal_link_anywhere(built_site: Path):
    assert check_links(built_site) == []


def test_front_page_lists_meetings_by_year(built_site: Path):
    page = soup(built_site / "index.html")
    archive = page.find(id="archive").find_parent("section")
    assert archive.find("h3", id="year-2024") is not None
    assert f"{MEETING}/" in {a["href"] for a in archive.find_all("a")}


def test_no_pdf_artefacts_in_pages(built_site: Path):
    for page in (built_site / MEETING).rglob("*.html"):
        text = page.read_text("utf-8")
        assert "&lt;b&gt;" not in text and "....." not in text and 'href="#"' not in text, page
