"""The handbook's funding example builds to the table it shows, and its reference is current."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from agendasite.source.funding_schemas import reference

from .conftest import ROOT, run_build, soup, write

DOC = ROOT / "docs" / "funding.md"


def _blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, re.S)


def test_the_documented_example_produces_the_documented_table(tiny_site: Path):
    text = DOC.read_text(encoding="utf-8")
    example = next(b for b in _blocks(text, "yaml") if b.startswith("title: Finansiering af et fælles"))
    (tiny_site / "content" / "data").mkdir(exist_ok=True)
    for name in ("befolkning-region-hovedstaden.csv", "befolkning-region-hovedstaden.yml"):
        shutil.copy(ROOT / "content" / "data" / name, tiny_site / "content" / "data" / name)
    write(tiny_site, "content/2030-01-15-udvalget/1-3-sekretariat.md", """
        ---
        number: 1.3
        title: Sekretariat
        annexes:
          - title: "Bilag 1: Finansiering af et fælles sekretariat"
            funding: bilag/eksempel.yml
        ---
    """)
    (tiny_site / "content/2030-01-15-udvalget/bilag").mkdir(exist_ok=True)
    (tiny_site / "content/2030-01-15-udvalget/bilag/eksempel.yml").write_text(example, encoding="utf-8")
    result = run_build(tiny_site / "site_config.yml", tiny_site / "site", strict=True)
    assert result.ok, result.diagnostics.items
    page = soup(tiny_site / "site/2030-01-15-udvalget/bilag/eksempel/index.html")
    shown = [[c.get_text(strip=True).replace("≠", "") for c in tr.find_all(["th", "td"])]
             for tr in page.select("table.funding-table tr")]
    after = text.split("which is also written as `tabel-1.csv`:\n\n", 1)[1].split("\n\n", 1)[0]
    documented = [[cell.strip().strip("*") for cell in line.strip("|").split("|")]
                  for line in after.split("\n")[2:]]
    assert shown[0] == ["Kommune", "Indbyggere", "Andel pct.", "Beløb kr."]
    assert shown[1:] == documented
    note = next(d for d in result.diagnostics.items if d.path.endswith("eksempel.yml"))
    assert f"eksempel.yml:{note.line}: note: {note.message}" in text


def test_the_reference_is_generated_from_the_schemas():
    text = DOC.read_text(encoding="utf-8")
    current = text.split("<!-- reference:start -->\n", 1)[1].split("<!-- reference:end -->", 1)[0]
    assert current == reference(), "regenerate: python -m agendasite.source.funding_schemas, paste between the markers"
