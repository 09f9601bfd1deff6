"""The editors' handbook: MkDocs builds it strictly, every example in it is a real file that builds."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from agendasite.source.schemas import ALL_SCHEMAS

from .conftest import ROOT, run_build, soup, write

DOCS = ROOT / "docs"
EXAMPLES = DOCS / "examples"
SNIPPET = re.compile(r'^\s*--8<--\s+"([^"]+)"\s*$', re.MULTILINE)


def _mkdocs(out: Path, config: Path = ROOT / "mkdocs.yml") -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config),
                           "--site-dir", str(out)], cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def _snippets() -> list[tuple[str, str, Path, tuple[int, int] | None]]:
    """Every `--8<--` inclusion of every page: (page, reference, file, line range)."""
    found = []
    for page in sorted(DOCS.glob("*.md")):
        for ref in SNIPPET.findall(page.read_text(encoding="utf-8")):
            m = re.fullmatch(r"(.+?)(?::(\d+)(?::(\d+))?)?", ref)
            name, start, end = m[1], m[2], m[3]
            path = next((base / name for base in (DOCS, ROOT) if (base / name).is_file()), DOCS / name)
            found.append((page.name, ref, path, (int(start), int(end or start)) if start else None))
    return found


@pytest.fixture(scope="module")
def handbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("handbook") / "handbook"
    done = _mkdocs(out)
    assert done.returncode == 0, done.stderr
    return out


def test_mkdocs_build_strict_passes(handbook: Path):
    for page in ("index.html", "meetings/index.html", "tables/index.html", "annexes/index.html",
                 "reference/index.html", "publishing/index.html", "templates/index.html"):
        assert (handbook / page).is_file(), page


def test_the_reference_lists_every_key_of_every_schema(handbook: Path):
    page = soup(handbook / "reference" / "index.html")
    headings = {h.get_text(" ", strip=True).rstrip("¶").strip() for h in page.find_all(["h2", "h3"])}
    keys_by_table = {}
    for heading in page.find_all(["h2", "h3"]):
        table = heading.find_next("table")
        keys_by_table[heading.get_text(" ", strip=True).rstrip("¶").strip()] = {
            row.find("td").get_text(strip=True) for row in table.find_all("tr") if row.find("td")}
    for schema in ALL_SCHEMAS:
        assert schema.name in headings
        assert keys_by_table[schema.name] == {f.name for f in schema.fields}, schema.name
    assert "handbook" in keys_by_table["Site configuration (site_config.yml)"]


def test_every_snippet_is_a_real_file_with_the_lines_shown():
    snippets = _snippets()
    assert len(snippets) >= 10
    for page, ref, path, lines in snippets:
        assert path.is_file(), f"{page}: --8<-- \"{ref}\" names no file"
        if lines:
            text = path.read_text(encoding="utf-8").splitlines()
            assert 1 <= lines[0] <= lines[1] <= len(text), f"{page}: {ref} is outside the file"
            shown = text[lines[0] - 1:lines[1]]
            assert shown[0].strip() and shown[-1].strip(), f"{page}: {ref} starts or ends on an empty line"


def test_every_example_file_is_shown_in_the_handbook():
    shown = {path.resolve() for _, _, path, _ in _snippets()}
    examples = {p.resolve() for p in EXAMPLES.rglob("*") if p.is_file() and p.suffix in (".md", ".yml", ".html")}
    assert examples - shown == set()


def test_the_examples_build_strictly_and_show_what_the_handbook_says(tmp_path: Path):
    result = run_build(EXAMPLES / "site_config.yml", tmp_path / "site", strict=True)
    assert result.ok, [str(d) for d in result.diagnostics.sorted()]
    assert not result.diagnostics.count("warning")
    site = tmp_path / "site"
    meeting = site / "2024-09-06-kkr-hovedstaden"
    assert "Sekretariatet for KKR Hovedstaden" in soup(site / "index.html").find("footer").get_text()
    item = soup(meeting / "3-4-opfolgning-pa-lanepuljen" / "index.html")
    total_row = item.find("table").find_all("tr")[-1]
    assert [c.get_text(" ", strip=True).split(" ")[0] for c in total_row.find_all(["td", "th"])][1:] == \
        ["561,5", "274"]
    annex = soup(meeting / "bilag" / "monitorering-2024-kob-uden-for-egen-kommune" / "index.html")
    rows = [[c.get_text(strip=True) for c in tr.find_all(["td", "th"])] for tr in annex.find("table").find_all("tr")]
    assert rows[-3][-1] == "21" and rows[-2][-1] == "24" and rows[-1][1:] == ["23", "22", "45"]
    assert (meeting / "bilag" / "monitorering-2024-voksenomradet.pdf").read_bytes().startswith(b"%PDF-")


def test_the_handbook_is_published_under_handbook_by_the_config_switch(tiny_site: Path):
    config = tiny_site / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + f"handbook: {ROOT / 'mkdocs.yml'}\n", encoding="utf-8")
    result = run_build(config, tiny_site / "site")
    assert result.ok, [str(d) for d in result.diagnostics.sorted()]
    handbook = tiny_site / "site" / "handbook"
    assert soup(handbook / "reference" / "index.html").find("h1").get_text(strip=True).startswith(
        "Front matter and configuration reference")
    sitemap = (handbook / "sitemap.xml").read_text(encoding="utf-8")
    assert "<loc>https://example.org/test/handbook/publishing/</loc>" in sitemap
    assert "<lastmod>2024-11-24</lastmod>" in sitemap  # the build's SOURCE_DATE_EPOCH, not the clock


def test_without_the_switch_there_is_no_handbook(tiny_site: Path):
    assert run_build(tiny_site / "site_config.yml", tiny_site / "site").ok
    assert not (tiny_site / "site" / "handbook").exists()


def test_a_missing_handbook_config_is_an_error_with_its_line(tiny_site: Path):
    config = tiny_site / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + "handbook: mkdoc.yml\n", encoding="utf-8")
    result = run_build(config, tiny_site / "site")
    assert not result.ok
    errors = [d for d in result.diagnostics.sorted() if d.severity == "error"]
    assert len(errors) == 1 and "mkdoc.yml" in errors[0].message and errors[0].line == 4


def test_a_broken_handbook_fails_the_build_and_keeps_the_published_site(tiny_site: Path):
    out = tiny_site / "site"
    assert run_build(tiny_site / "site_config.yml", out).ok
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    write(tiny_site, "handbook/docs/index.md", "# Håndbog\n\nSe [siden om bilag](bilag.md).\n")
    write(tiny_site, "handbook/mkdocs.yml", "site_name: Håndbog\nstrict: true\n")
    config = tiny_site / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + "handbook: handbook/mkdocs.yml\n", encoding="utf-8")
    result = run_build(config, out)
    assert not result.ok
    errors = [d for d in result.diagnostics.sorted() if d.severity == "error"]
    assert errors and errors[0].path == "handbook/mkdocs.yml" and "bilag.md" in errors[0].message
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
