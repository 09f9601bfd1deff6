"""The embedded funding annexes, read as the public reads them: tables, CSVs, differences, payer pages."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from agendasite.source.numbers import parse_number

from .conftest import ROOT, run_build, soup

SPRING = "2024-04-kkr-hovedstaden"
BILAG = ROOT / "content" / SPRING / "bilag"
FUNDING_FILES = ("finansieringsmodel-energi-pa-tvaers-4", "finansiering-programledelse-telehjerter",
                 "finansiering-kod-telemedicin")


def funding_pages(site: Path) -> dict[str, Path]:
    """Every rendered funding annex page, found by its table (not by a list in the test)."""
    return {page.parent.name: page for page in sorted(site.glob("*/bilag/*/index.html"))
            if soup(page).select_one("table.funding-table")}


def number(text: str) -> Decimal | None:
    text = text.replace("≠", "").strip()
    try:
        return parse_number(text)
    except ValueError:
        return None


def read_table(page: Path) -> tuple[list[str], list[list[str]], list[str]]:
    """Column kinds, body rows (label + cells) and the total row of a funding table."""
    table = soup(page).select_one("table.funding-table")
    kinds = [next(c for c in th["class"] if c.startswith("col-"))[4:] for th in table.select("thead th.num")]
    body, total = [], []
    for tr in table.select("tbody tr"):
        cells = [tr.th.get_text(strip=True)] + [td.get_text(strip=True).replace("≠", "") for td in tr.find_all("td")]
        if "total" in (tr.get("class") or []):
            total = cells
        else:
            body.append(cells)
    return kinds, body, total


@pytest.fixture(scope="module")
def build_result():
    return run_build(ROOT / "site_config.yml", check=True)


def test_the_three_funding_annexes_are_pages(built_site: Path):
    assert set(funding_pages(built_site)) == set(FUNDING_FILES)


def test_every_column_adds_up_to_its_total_row(built_site: Path):
    for name, page in funding_pages(built_site).items():
        kinds, body, total = read_table(page)
        assert total, name
        for c, kind in enumerate(kinds, start=1):
            values = [number(row[c]) for row in body]
            assert sum(v for v in values if v is not None) == number(total[c]), (name, kind)


def test_shares_add_up_to_100_and_amounts_to_the_total(built_site: Path):
    for name in ("finansiering-programledelse-telehjerter", "finansiering-kod-telemedicin"):
        kinds, body, total = read_table(funding_pages(built_site)[name])
        share, amount = kinds.index("share") + 1, kinds.index("amount") + 1
        assert sum(number(row[share]) for row in body) == Decimal(100) == number(total[share])
        assert len(body) == 29
    _, body, total = read_table(funding_pages(built_site)["finansiering-kod-telemedicin"])
    assert sum(number(row[3]) for row in body) == Decimal(525000) == number(total[3])
    _, body, total = read_table(funding_pages(built_site)["finansiering-programledelse-telehjerter"])
    assert sum(number(row[3]) for row in body) == Decimal(875000) == number(total[3])


def test_the_split_gives_the_region_the_other_half(built_site: Path):
    page = soup(funding_pages(built_site)["finansiering-programledelse-telehjerter"])
    rows = [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])]
            for tr in page.select("table.split tbody tr")]
    assert rows[0] == ["Region Hovedstaden", "50", "875.000"]
    assert rows[-1][-1] == "1.750.000"


def test_csv_holds_the_same_figures_as_the_page(built_site: Path):
    for name, page in funding_pages(built_site).items():
        link = soup(page).find("a", string=re.compile("CSV"))
        path = page.parent / link["href"]
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8")), delimiter=";"))
        _, body, total = read_table(page)
        shown = sorted([total] + body)
        in_csv = sorted(rows[1:])
        assert len(in_csv) == len(shown), name
        for row_csv, row_page in zip(in_csv, shown):
            assert row_csv[0] == row_page[0]
            for a, b in zip(row_csv[1:], row_page[1:]):
                assert number(a) == number(b) if number(b) is not None else a == b


def test_hours_are_valued_at_the_stated_rate(built_site: Path):
    kinds, body, total = read_table(funding_pages(built_site)["finansieringsmodel-energi-pa-tvaers-4"])
    hours, value = kinds.index("hours") + 1, len(kinds)
    for row in body:
        if number(row[hours]) is not None:
            assert number(row[value]) == number(row[hours]) * 430, row[0]
    kommuner = next(row for row in body if row[0] == "33 kommuner")
    assert number(kommuner[hours]) == 1650 and number(kommuner[value]) == Decimal("709500")
    assert number(total[value]) == Decimal("1010500")
    assert number(total[3]) == Decimal("1933333.35")  # the source's "Samlet" says 1.833.333,33


def line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, start=1) if text in line)


@pytest.mark.parametrize("file, text, stated, computed", [
    ("finansiering-kod-telemedicin", "København: 181.310", "181.310", "181.319"),
    ("finansiering-kod-telemedicin", "key_total: 1.913.090", "1.913.090", "1.912.998"),
    ("finansiering-programledelse-telehjerter", "København: 302.504", "302.504", "302.199"),
    ("finansiering-programledelse-telehjerter", "København: 34,6", "34,6", "34,5"),
    ("finansieringsmodel-energi-pa-tvaers-4", 'amount: "1.833.333,33"', "1.833.333,33", "1.933.333,35"),
    ("finansieringsmodel-energi-pa-tvaers-4", 'amount: "3.000.000,00"', "3.000.000,00", "3.000.000,04"),
])
def test_each_stated_mismatch_is_reported_with_file_line_and_both_numbers(build_result, file, text, stated,
                                                                          computed):
    path = BILAG / f"{file}.yml"
    line = line_of(path, text)
    found = [d for d in build_result.diagnostics.items if d.path.endswith(f"{file}.yml") and d.line == line]
    assert found, (file, line)
    assert found[0].severity == "note"  # acknowledged in the file, so --strict still builds
    assert stated in found[0].message and computed in found[0].message


def test_every_difference_on_the_page_is_a_located_diagnostic(built_site: Path, build_result):
    for name, page in funding_pages(built_site).items():
        listed = soup(page).select("#differences ~ .table-scroll tbody tr, section.differences tbody tr")
        diags = [d for d in build_result.diagnostics.items if d.path.endswith(f"{name}.yml")]
        assert len({id(tr) for tr in listed}) == len(diags) > 0, name
        assert all(d.line and d.severity == "note" for d in diags)


def test_the_population_total_stated_by_the_source_is_checked(build_result):
    found = [d for d in build_result.diagnostics.items if d.path.endswith("befolkning-region-hovedstaden.yml")]
    assert len(found) == 1 and "1.913.090" in found[0].message and "1.912.998" in found[0].message


def test_the_embedded_site_builds_under_strict(tmp_path: Path):
    result = run_build(ROOT / "site_config.yml", tmp_path / "site", strict=True)
    assert result.ok, [d for d in result.diagnostics.items if d.severity != "note"]


def test_differences_are_visible_on_the_page(built_site: Path):
    page = soup(funding_pages(built_site)["finansieringsmodel-energi-pa-tvaers-4"])
    section = page.select_one("section.differences")
    text = section.get_text(" ", strip=True)
    assert "Kilden angiver" in text and "1.833.333,33" in text and "1.933.333,35" in text
    assert page.select("table.funding-table tr.total a[href='#differences']")


def test_payer_pages_repeat_the_annexes_amounts(built_site: Path):
    kinds, body, _ = read_table(funding_pages(built_site)["finansiering-kod-telemedicin"])
    yearly = {row[0]: row[kinds.index("amount") + 1] for row in body}
    kinds, body, _ = read_table(funding_pages(built_site)["finansiering-programledelse-telehjerter"])
    once = {row[0]: row[kinds.index("amount") + 1] for row in body}
    index = soup(built_site / "betalere" / "index.html")
    links = {a.get_text(strip=True): a["href"] for a in index.select("tbody th a")}
    assert set(yearly) <= set(links)
    for name in yearly:
        page = soup(built_site / "betalere" / links[name] / "index.html")
        totals = page.select_one("ul.payer-totals").get_text(" ", strip=True)
        assert f"Pr. år: {yearly[name]} kr." in totals and f"Engangsbeløb: {once[name]} kr." in totals
        assert len(page.select("table tbody tr")) == 2


def test_region_pays_once_and_hours_per_year(built_site: Path):
    totals = soup(built_site / "betalere" / "region-hovedstaden" / "index.html").select_one("ul.payer-totals")
    text = totals.get_text(" ", strip=True)
    assert "Engangsbeløb: 875.000 kr." in text and "50 medfinansierede timer" in text and "21.500,00" in text


def test_front_page_and_funding_pages_link_to_the_payers(built_site: Path):
    assert soup(built_site / "index.html").select_one("a[href='betalere/']")
    for page in funding_pages(built_site).values():
        assert soup(page).select_one("a[href$='betalere/']")


def test_month_only_meeting_is_shown_and_sorted(built_site: Path):
    front = soup(built_site / "index.html")
    meetings = [a.get_text(strip=True) for a in front.select("#year-2024 ~ ul.meetings a")]
    assert meetings.index("KKR Hovedstaden, 6. september 2024") < meetings.index("KKR Hovedstaden, april 2024")
    assert soup(built_site / SPRING / "index.html").h1.get_text(strip=True) == "KKR Hovedstaden, april 2024"


def test_annex_index_lists_funding_annexes_with_page_and_csv(built_site: Path):
    index = soup(built_site / SPRING / "bilag" / "index.html")
    for name in FUNDING_FILES:
        assert index.select_one(f"a[href='{name}/']")
        csv_link = index.select_one(f"a[href='{name}/tabel-1.csv']")
        assert csv_link and (built_site / SPRING / "bilag" / name / "tabel-1.csv").is_file()
