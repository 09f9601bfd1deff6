"""Static search: the Pagefind index built over the site, the search page and the header's search field."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from .conftest import run_build, soup, write

FRAGMENT_SIGNATURE = b"pagefind_dcd"


def fragments(site: Path) -> dict[str, dict]:
    """The indexed pages, by URL, as Pagefind stored them (gzip'd JSON fragments)."""
    out = {}
    for path in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        raw = gzip.decompress(path.read_bytes())
        assert raw.startswith(FRAGMENT_SIGNATURE)
        record = json.loads(raw[len(FRAGMENT_SIGNATURE):])
        out[record["url"]] = record
    return out


def test_index_covers_meetings_items_and_annex_pages(built_site: Path):
    entry = json.loads((built_site / "pagefind" / "pagefind-entry.json").read_text("utf-8"))
    assert list(entry["languages"]) == ["da"]  # from <html lang="da">
    marked = [p for p in built_site.rglob("*.html") if "data-pagefind-body" in p.read_text("utf-8")]
    indexed = fragments(built_site)
    assert entry["languages"]["da"]["page_count"] == len(marked) == len(indexed)
    assert "/2024-09-06-kkr-hovedstaden/" in indexed and "/" not in indexed and "/search/" not in indexed
    loan = indexed["/2024-09-06-kkr-hovedstaden/3-4-opfolgning-pa-lanepuljen/"]
    assert loan["meta"]["title"] == "3.4 Opfølgning på lånepuljen til botilbud 2024-2026"
    assert loan["meta"]["meeting"] == "KKR Hovedstaden, 6. september 2024"
    assert "lånepuljen" in loan["content"] and "SAG-2024-02570" in loan["content"]
    assert "Gå til indholdet" not in loan["content"]  # header, breadcrumbs and footer are not indexed
    assert loan["filters"] == {}  # Pagefind writes filters in arbitrary order: none, so the index is reproducible
    for name in ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css"):
        assert (built_site / "pagefind" / name).is_file()


def test_closed_items_are_not_indexed(minutes_site: Path):
    indexed = fragments(minutes_site)
    assert "/2024-05-14-okonomiudvalget/1-1-budgetopfolgning/" in indexed
    assert "/2024-05-14-okonomiudvalget/2-1-personalesag/" not in indexed
    assert not any("Hemmelig" in r["content"] or "Fortrolig" in r["content"] for r in indexed.values())
    assert indexed["/2024-05-14-okonomiudvalget/bilag/notat/"]["meta"]["meeting"] == "Økonomiudvalget, 14. maj 2024"


def test_search_page_works_with_and_without_javascript(built_site: Path):
    page = soup(built_site / "search" / "index.html")
    assert page.h1.get_text() == "Søg"
    scripts = [s["src"] for s in page.find_all("script")]
    assert scripts == ["../pagefind/pagefind-ui.js", "../assets/search.js"]
    assert all((built_site / "search" / src).resolve().is_file() for src in scripts)
    assert page.find(id="search") is not None
    assert "Søgningen kræver JavaScript" in page.find("noscript").get_text()
    archive = [a["href"] for a in page.find(id="all-meetings").find_parent("section").find_all("a")]
    assert archive == ["../2024-09-06-kkr-hovedstaden/", "../2024-04-kkr-hovedstaden/"]
    assert page.find("form", role="search") is None  # the page's own search field replaces the header's


def test_every_page_has_a_search_field_that_works_without_javascript(built_site: Path):
    for path in [built_site / "index.html", built_site / "2024-09-06-kkr-hovedstaden" / "index.html",
                 built_site / "2024-09-06-kkr-hovedstaden" / "3-4-opfolgning-pa-lanepuljen" / "index.html"]:
        form = soup(path).find("form", role="search")
        assert form["method"] == "get"
        assert (path.parent / form["action"] / "index.html").resolve() == built_site / "search" / "index.html"
        field = form.find("input", attrs={"name": "q"})
        assert form.find("label", attrs={"for": field["id"]}).get_text() == "Søg"
    query_handler = (built_site / "assets" / "search.js").read_text("utf-8")
    assert 'get("q")' in query_handler and "triggerSearch" in query_handler


def test_search_can_be_switched_off(tiny_site: Path):
    config = tiny_site / "site_config.yml"
    config.write_text(config.read_text("utf-8") + "search: false\n", encoding="utf-8")
    result = run_build(config, tiny_site / "out")
    assert result.ok
    assert not (tiny_site / "out" / "pagefind").exists() and not (tiny_site / "out" / "search").exists()
    assert soup(tiny_site / "out" / "index.html").find("form", role="search") is None


def test_missing_pagefind_binary_fails_the_build_and_keeps_the_old_site(tiny_site: Path,
                                                                        monkeypatch: pytest.MonkeyPatch):
    out = tiny_site / "out"
    assert run_build(tiny_site / "site_config.yml", out).ok
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    write(tiny_site, "content/2030-01-15-udvalget/1-3-tredje.md", """
        ---
        number: 1.3
        title: Tredje sag
        ---
        Tekst.
    """)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tiny_site / "no-such-pagefind"))
    result = run_build(tiny_site / "site_config.yml", out)
    assert not result.ok
    (error,) = [d for d in result.diagnostics.sorted() if d.severity == "error"]
    assert "Pagefind binary was not found" in error.message and "search: false" in (error.hint or "")
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
