"""Closed items, annexes and meetings: nothing of their content reaches any byte of the output."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import run_build, soup, write

MARKER = "HEMMELIG-7f3a9c"  # planted in everything closed; must appear in no output file


def _plant(site: Path) -> None:
    m = "content/2030-01-15-udvalget"
    write(site, f"{m}/1-2-anden.md", f"""
        ---
        number: 1.2
        title: Lukket sag {MARKER}-titel
        officer: {MARKER}-officer
        public: false
        annexes:
          - title: Bilag 1
            file: bilag/lukket.pdf
          - title: Bilag 2
            page: bilag/lukket-notat.md
          - title: Bilag 3
            funding: bilag/lukket-finansiering.yml
        ---
        ## Baggrund

        Indhold {MARKER}-body med [et link](1-1-forste.md).

        | Kommune | Beløb |
        |---|---:|
        | {MARKER}-cell | 10 |
        | I alt | =sum |

        ## Indstilling

        Det indstilles, at {MARKER}-recommendation.
    """)
    (site / m / "bilag").mkdir(exist_ok=True)
    (site / m / "bilag" / "lukket.pdf").write_bytes(b"%PDF-1.4\n" + MARKER.encode() + b"-file\x00\x01\n")
    write(site, f"{m}/bilag/lukket-notat.md", f"Notat {MARKER}-annex-page\n")
    write(site, "content/data/folketal.csv", "kommune;indbyggere\nAlby;1.000\nBorup;2.000\n")
    write(site, "content/data/folketal.yml", 'title: Indbyggere\nsource: Test\ndate: "2030"\n'
                                             "columns: {key: kommune, value: indbyggere}\n")
    write(site, f"{m}/bilag/lukket-finansiering.yml", f"""
        title: Finansiering {MARKER}-funding-title
        total: 100.000
        period: per year
        key:
          type: population
          data: folketal
        notes: Noter {MARKER}-funding-notes
    """)
    # a public item with one public and two closed annexes
    write(site, f"{m}/1-1-forste.md", f"""
        ---
        number: 1.1
        title: Første sag
        annexes:
          - title: Offentligt bilag
            page: bilag/aabent.md
          - title: Lukket bilag
            page: bilag/lukket-bilag.md
            public: false
          - title: Lukket fil
            file: bilag/lukket-fil.csv
            public: false
        ---
        ## Indstilling

        Det indstilles, at udvalget godkender sagen.
    """)
    write(site, f"{m}/bilag/aabent.md", "Et offentligt notat.\n")
    write(site, f"{m}/bilag/lukket-bilag.md", f"Lukket {MARKER}-closed-annex-page\n")
    write(site, f"{m}/bilag/lukket-fil.csv", f"kommune;beløb\n{MARKER}-closed-annex-file;1\n")
    # a closed meeting, with an item and an annex file
    c = "content/2030-02-01-lukket-mode"
    write(site, f"{c}/meeting.md", f"""
        ---
        body: Lukket udvalg {MARKER}-meeting-body
        date: 2030-02-01
        public: false
        sections:
          - number: 1
            title: Sager {MARKER}-section
        ---
        Velkommen {MARKER}-preamble.
    """)
    write(site, f"{c}/1-1-sag.md", f"""
        ---
        number: 1.1
        title: Sag {MARKER}-closed-meeting-item
        annexes:
          - title: Bilag {MARKER}-closed-meeting-annex
            file: bilag/fil.txt
        ---
        Tekst {MARKER}-closed-meeting-item-body, se [sag](../2030-01-15-udvalget/1-1-forste.md).
    """)
    write(site, f"{c}/bilag/fil.txt", f"{MARKER}-closed-meeting-file\n")


def _scan(root: Path, needle: bytes) -> list[str]:
    """Every file of the output tree, as bytes, whatever its type."""
    hits = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and needle in path.read_bytes():
            hits.append(path.relative_to(root).as_posix())
        if needle in path.name.encode():
            hits.append(f"(name) {path.relative_to(root).as_posix()}")
    return hits


@pytest.mark.parametrize("closed_items", ["number_only", "number_and_title"])
def test_nothing_closed_reaches_the_output(tiny_site: Path, monkeypatch: pytest.MonkeyPatch, closed_items: str):
    monkeypatch.chdir(tiny_site)
    config = tiny_site / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8") + f"closed_items: {closed_items}\n", encoding="utf-8")
    _plant(tiny_site)
    result = run_build(Path("site_config.yml"))
    assert result.ok, result.diagnostics.sorted()
    out = tiny_site / "site"
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) >= 8
    hits = _scan(out, MARKER.encode())
    if closed_items == "number_only":
        assert hits == []
    else:  # the title of a closed item may be shown, and nothing else
        title_hits = _scan(out, f"{MARKER}-titel".encode())
        assert hits == title_hits
        for part in ("body", "cell", "recommendation", "officer", "file", "annex-page", "closed-annex-page",
                     "closed-annex-file", "meeting-body", "preamble", "closed-meeting-item", "funding-title",
                     "funding-notes"):
            assert _scan(out, f"{MARKER}-{part}".encode()) == [], part
    # the closed item is listed by number, its page says it is closed, the public annex is published
    page = soup(out / "2030-01-15-udvalget" / "1-2-anden" / "index.html")
    assert page.h1.find(class_="number").get_text(strip=True) == "1.2"
    assert page.find(class_="closed") is not None
    assert (out / "2030-01-15-udvalget" / "bilag" / "aabent" / "index.html").is_file()
    assert not (out / "2030-02-01-lukket-mode").exists()
    assert not any("lukket" in p.name for p in files)


def test_a_link_to_a_closed_annex_is_an_error(tiny_site: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tiny_site)
    _plant(tiny_site)
    write(tiny_site, "content/2030-01-15-udvalget/1-3-tredje.md", """
        ---
        number: 1.3
        title: Tredje
        ---
        Se [det lukkede bilag](bilag/lukket-bilag.md).
    """)
    result = run_build(Path("site_config.yml"))
    assert not result.ok
    assert [(d.path, d.line) for d in result.diagnostics.items if d.severity == "error"] == [
        ("content/2030-01-15-udvalget/1-3-tredje.md", 5)]


def test_a_closed_items_body_is_still_checked(tiny_site: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tiny_site)
    write(tiny_site, "content/2030-01-15-udvalget/1-2-anden.md", """
        ---
        number: 1.2
        title: Lukket
        public: false
        ---
        | Kommune | Beløb |
        |---|---:|
        | A | ti |
        | I alt | =sum |
    """)
    result = run_build(Path("site_config.yml"))
    assert not result.ok
    assert [(d.path, d.line) for d in result.diagnostics.items] == [("content/2030-01-15-udvalget/1-2-anden.md", 8)]
