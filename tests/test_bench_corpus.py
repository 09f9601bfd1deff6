"""The benchmark's corpus: Hugo and MkDocs get the same pages and files as our build makes, numbers written out."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from .test_incremental import _build, _corpus_module

SITE_LEVEL = {"", "bilag", "betalere"}  # home, site-wide pages: not part of the per-meeting comparison


def _meeting_outputs(site: Path, meetings: set[str]) -> tuple[set[str], set[str]]:
    """Our build's pages (as folder addresses) and other files, under the meetings' folders."""
    pages, files = set(), set()
    for path in site.rglob("*"):
        rel = path.relative_to(site).as_posix()
        if not path.is_file() or rel.split("/")[0] not in meetings:
            continue
        if path.name == "index.html":
            pages.add(rel[: -len("index.html")])
        else:
            files.add(rel)
    return pages, files


def test_hugo_and_mkdocs_get_every_page_and_file_of_our_site(tmp_path: Path) -> None:
    module = _corpus_module()
    meetings = module.generate(60, seed=7)
    config = module.write_agendasite(meetings, tmp_path / "ours", None)
    _build(config, tmp_path / "site")
    slugs = {slug for slug, *_ in meetings}
    our_pages, our_files = _meeting_outputs(tmp_path / "site", slugs)
    assert any("/bilag/finansiering-" in p for p in our_pages) and any(p.endswith("/bilag/") for p in our_pages)

    hugo = module.write_hugo(meetings, tmp_path / "hugo")
    content = hugo / "content"
    hugo_pages = {(p.parent.relative_to(content).as_posix() + "/") if p.name == "_index.md"
                  else p.relative_to(content).as_posix()[: -len(".md")] + "/" for p in content.rglob("*.md")}
    hugo_files = {p.relative_to(hugo / "static").as_posix() for p in (hugo / "static").rglob("*") if p.is_file()}
    assert hugo_pages == our_pages
    assert hugo_files == our_files

    docs, pages, items = module.write_mkdocs(meetings, tmp_path / "mkdocs", 10_000)
    docs = docs / "docs"
    mkdocs_pages = {(p.parent.relative_to(docs).as_posix() + "/") if p.name == "index.md"
                    else p.relative_to(docs).as_posix()[: -len(".md")] + "/" for p in docs.rglob("*.md")}
    mkdocs_files = {p.relative_to(docs).as_posix() for p in docs.rglob("*") if p.is_file() and p.suffix != ".md"}
    assert mkdocs_pages - {"./"} == our_pages
    assert mkdocs_files == our_files
    assert (items, pages) == (60, len(our_pages))

    capped = module.write_mkdocs(meetings, tmp_path / "capped", 20)
    assert capped[2] == 20 and capped[1] < pages


def test_written_out_numbers_are_the_ones_our_build_computes(tmp_path: Path) -> None:
    module = _corpus_module()
    meetings = module.generate(60, seed=7)
    config = module.write_agendasite(meetings, tmp_path / "ours", None)
    _build(config, tmp_path / "site")
    hugo = module.write_hugo(meetings, tmp_path / "hugo")
    funding = sorted((hugo / "static").glob("*/bilag/finansiering-*/tabel-1.csv"))
    item_tables = sorted((hugo / "static").glob("*/[0-9]*/tabel-1.csv"))
    assert funding and len(item_tables) == 60
    for path in funding + item_tables[:5]:
        ours = (tmp_path / "site" / path.relative_to(hugo / "static")).read_text(encoding="utf-8-sig")
        theirs = path.read_text(encoding="utf-8")
        # the same rows and the same numbers (our CSV writes plain numbers, the Markdown tables Danish ones)
        plain = [[cell.replace(".", "").replace(",", ".") for cell in row]
                 for row in csv.reader(io.StringIO(theirs), delimiter=";")]
        assert [[cell.replace(",", ".") for cell in row] for row in csv.reader(io.StringIO(ours), delimiter=";")
                if row][1:] == plain[1:], path
