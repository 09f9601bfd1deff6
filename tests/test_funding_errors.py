"""Funding annexes and data files written wrong, or disagreeing with the source: located messages."""

from __future__ import annotations

import textwrap
from pathlib import Path

from .conftest import run_build, soup, write

MEETING = "content/2030-01-15-udvalget"


def add_population(site: Path, stated: str = "", acknowledged: str = "") -> None:
    write(site, "content/data/folketal.csv", """
        kommune;indbyggere
        Alby;1.000
        Borup;2.000
        Cestrup;3.000
    """)
    write(site, "content/data/folketal.yml", f"""
        title: Indbyggere
        source: Testkilde
        date: "2030"
        columns: {{key: kommune, value: indbyggere}}
        {stated}
        {acknowledged}
    """)


def add_funding(site: Path, body: str) -> Path:
    write(site, f"{MEETING}/1-3-finansiering.md", """
        ---
        number: 1.3
        title: Finansiering
        annexes:
          - title: "Bilag 1: Finansiering"
            funding: bilag/finansiering.yml
        ---
        Tekst.
    """)
    return write(site, f"{MEETING}/bilag/finansiering.yml", body)


FUNDING = textwrap.dedent("""
    title: Finansiering pr. kommune
    total: 100.000
    period: per year
    key:
      type: population
      data: folketal
""")


def diags_of(result, name: str) -> list:
    return [d for d in result.diagnostics.sorted() if d.path.endswith(name)]


def test_a_population_key_is_computed_and_published(tiny_site: Path):
    add_population(tiny_site)
    add_funding(tiny_site, FUNDING)
    result = run_build(tiny_site / "site_config.yml", tiny_site / "site", strict=True)
    assert result.ok, result.diagnostics.items
    page = soup(tiny_site / "site" / "2030-01-15-udvalget" / "bilag" / "finansiering" / "index.html")
    rows = [[c.get_text(strip=True) for c in tr.find_all(["th", "td"])] for tr in page.select("table.funding-table tbody tr")]
    assert rows == [["Alby", "1.000", "16,7", "16.667"], ["Borup", "2.000", "33,3", "33.333"],
                    ["Cestrup", "3.000", "50,0", "50.000"], ["I alt", "6.000", "100,0", "100.000"]]
    csv_text = (tiny_site / "site" / "2030-01-15-udvalget" / "bilag" / "finansiering" / "tabel-1.csv").read_text()
    assert csv_text.splitlines()[-1] == "I alt;6000;100,0;100000"
    assert (tiny_site / "site" / "betalere" / "borup" / "index.html").is_file()


def test_unknown_municipality_in_the_key_is_located(tiny_site: Path):
    add_population(tiny_site)
    path = add_funding(tiny_site, FUNDING + "  payers: [Alby, Borupp]\n")
    result = run_build(tiny_site / "site_config.yml", check=True)
    errors = [d for d in diags_of(result, "finansiering.yml") if d.severity == "error"]
    assert len(errors) == 1 and not result.ok
    assert "'Borupp' is not in the data file 'folketal'" in errors[0].message
    assert errors[0].line == path.read_text().split("\n").index("  payers: [Alby, Borupp]") + 1
    assert "Borup" in errors[0].hint


def test_missing_data_file_is_located(tiny_site: Path):
    add_population(tiny_site)
    path = add_funding(tiny_site, FUNDING.replace("data: folketal", "data: folketall"))
    result = run_build(tiny_site / "site_config.yml", check=True)
    errors = [d for d in diags_of(result, "finansiering.yml") if d.severity == "error"]
    assert len(errors) == 1 and "'folketall' does not exist" in errors[0].message
    assert errors[0].line == path.read_text().split("\n").index("  data: folketall") + 1
    assert "did you mean 'folketal'" in errors[0].hint


def test_no_data_folder_at_all(tiny_site: Path):
    add_funding(tiny_site, FUNDING)
    result = run_build(tiny_site / "site_config.yml", check=True)
    assert not result.ok
    assert any("does not exist in content/data" in d.message for d in diags_of(result, "finansiering.yml"))


def test_unacknowledged_mismatch_is_a_warning_and_fails_strict(tiny_site: Path):
    add_population(tiny_site)
    path = add_funding(tiny_site, FUNDING + "stated:\n  amounts:\n    Alby: 16.600\n")
    result = run_build(tiny_site / "site_config.yml", tiny_site / "site")
    found = diags_of(result, "finansiering.yml")
    assert [d.severity for d in found] == ["warning"]
    assert found[0].line == path.read_text().split("\n").index("    Alby: 16.600") + 1
    assert "16.600" in found[0].message and "16.667" in found[0].message
    assert not run_build(tiny_site / "site_config.yml", tiny_site / "site2", strict=True).ok


def test_acknowledged_mismatch_is_a_note_shown_on_the_page(tiny_site: Path):
    add_population(tiny_site)
    add_funding(tiny_site, FUNDING + "stated:\n  amounts:\n    Alby: 16.600\n"
                "  acknowledged: Kilden har regnet med et ældre folketal.\n")
    result = run_build(tiny_site / "site_config.yml", tiny_site / "site", strict=True)
    assert result.ok
    assert [d.severity for d in diags_of(result, "finansiering.yml")] == ["note"]
    page = soup(tiny_site / "site" / "2030-01-15-udvalget" / "bilag" / "finansiering" / "index.html")
    section = page.select_one("section.differences").get_text(" ", strip=True)
    assert "ældre folketal" in section and "16.600" in section and "16.667" in section


def test_data_file_stated_total_and_bad_numbers(tiny_site: Path):
    add_population(tiny_site, stated="stated_total: 6.001")
    result = run_build(tiny_site / "site_config.yml", check=True)
    found = diags_of(result, "folketal.yml")
    assert [d.severity for d in found] == ["warning"] and "6.001" in found[0].message and "6.000" in found[0].message
    write(tiny_site, "content/data/folketal.csv", "kommune;indbyggere\nAlby;1.000\nBorup;to tusind\n")
    result = run_build(tiny_site / "site_config.yml", check=True)
    errors = [d for d in diags_of(result, "folketal.csv") if d.severity == "error"]
    assert len(errors) == 1 and errors[0].line == 3


def test_unknown_key_and_wrong_split(tiny_site: Path):
    add_population(tiny_site)
    add_funding(tiny_site, FUNDING + "totl: 5\nsplit:\n  - payer: Regionen\n    share: 40 %\n"
                "  - payer: Kommunerne\n    share: 50 %\n    distribute: true\n")
    result = run_build(tiny_site / "site_config.yml", check=True)
    messages = [d.message for d in diags_of(result, "finansiering.yml")]
    assert any("unknown key 'totl'" in m for m in messages)
    add_funding(tiny_site, FUNDING + "split:\n  - payer: Regionen\n    share: 40 %\n"
                "  - payer: Kommunerne\n    share: 50 %\n    distribute: true\n")
    result = run_build(tiny_site / "site_config.yml", check=True)
    assert any("add up to 90,00 %" in d.message for d in diags_of(result, "finansiering.yml"))


def test_equal_and_fixed_keys(tiny_site: Path):
    add_funding(tiny_site, """
        title: Lige deling
        total: 10
        period: once
        key:
          type: fixed
          weights: {Stor: 3, Lille: 1}
    """)
    result = run_build(tiny_site / "site_config.yml", tiny_site / "site", strict=True)
    assert result.ok, result.diagnostics.items
    page = soup(tiny_site / "site" / "2030-01-15-udvalget" / "bilag" / "finansiering" / "index.html")
    rows = [[c.get_text(strip=True) for c in tr.find_all(["th", "td"])] for tr in page.select("table.funding-table tbody tr")]
    assert rows[:2] == [["Stor", "3", "75,0", "8"], ["Lille", "1", "25,0", "2"]]


def test_keys_of_the_other_model_are_refused(tiny_site: Path):
    add_population(tiny_site)
    path = add_funding(tiny_site, FUNDING + "model: contributions\n")
    result = run_build(tiny_site / "site_config.yml", check=True)
    errors = [d for d in diags_of(result, "finansiering.yml") if d.severity == "error"]
    assert len(errors) == 1 and "'total' does not belong" in errors[0].message
    assert errors[0].line == path.read_text().split("\n").index("total: 100.000") + 1
