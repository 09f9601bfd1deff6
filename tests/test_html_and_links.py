"""Raw HTML goes through the allow-list; links between items and meetings resolve on every page."""

from __future__ import annotations

from pathlib import Path

import pytest

from agendasite.markdown.sanitize import clean_html, removed_parts

from .conftest import run_build, soup, write
from .linkcheck import check_links

M = "content/2030-01-15-udvalget"


@pytest.mark.parametrize("raw, kept", [
    ("CO<sub>2</sub>", "CO<sub>2</sub>"),
    ("m<sup>2</sup>", "m<sup>2</sup>"),
    ('<abbr title="Kommunernes Kontaktråd">KKR</abbr>', '<abbr title="Kommunernes Kontaktråd">KKR</abbr>'),
    ("a<br>b", "a<br>b"),
    ('<a href="https://kl.dk/">KL</a>', '<a href="https://kl.dk/">KL</a>'),
])
def test_harmless_inline_html_passes(raw: str, kept: str):
    assert clean_html(raw) == kept and removed_parts(raw) == []


@pytest.mark.parametrize("raw, gone, reported", [
    ("<script>alert(1)</script>ok", "alert", "<script> element and its content"),
    ('<b onclick="steal()">x</b>', "steal", "the attribute 'onclick' of <b>"),
    ('<img src="x.png" onerror="steal()">', "steal", "the attribute 'onerror' of <img>"),
    ('<a href="javascript:steal()">x</a>', "steal", "the 'javascript:' address of <a>"),
    ('<a href=" JavaScript:steal()">x</a>', "steal", "the 'javascript:' address of <a>"),
    ('<iframe src="https://evil.example/"></iframe>', "iframe", "<iframe> tag"),
    ("<style>body{display:none}</style>", "display", "<style> element and its content"),
    ('<span style="position:fixed">x</span>', "position", "the attribute 'style' of <span>"),
    ('<object data="x.swf"></object>', "object", "<object> tag"),
])
def test_dangerous_html_is_removed_and_named(raw: str, gone: str, reported: str):
    assert gone not in clean_html(raw)
    assert reported in removed_parts(raw)


def _site_with(tiny_site: Path, body: str) -> Path:
    write(tiny_site, f"{M}/1-1-forste.md", "---\nnumber: 1.1\ntitle: Første sag\n---\n" + body)
    return tiny_site


def test_markdown_javascript_links_are_not_links(tiny_site: Path, monkeypatch: pytest.MonkeyPatch):
    """markdown-it's validateLink refuses javascript:, vbscript:, file: and most data: links."""
    monkeypatch.chdir(_site_with(tiny_site, "[a](javascript:alert(1)) [b](JAVASCRIPT:x) [c](vbscript:x) "
                                            "[d](data:text/html,x) ![e](javascript:x)\n"))
    assert run_build(Path("site_config.yml")).ok
    page = soup(tiny_site / "site/2030-01-15-udvalget/1-1-forste/index.html")
    main = page.find("main")
    hrefs = [a.get("href", "") for a in main.find_all("a")] + [i.get("src", "") for i in main.find_all("img")]
    assert not [h for h in hrefs if h.lower().startswith(("javascript", "vbscript", "data"))]
    assert "[a](javascript:alert(1))" in main.get_text()


def test_sanitized_page_keeps_the_harmless_and_drops_the_rest(tiny_site: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(_site_with(tiny_site, "## CO<sub>2</sub>-udledning\n\n"
                                            "Udledning af CO<sub>2</sub> <script>steal()</script> "
                                            "<b onclick=\"x()\">fed</b>.\n\n"
                                            "<div onclick=\"x()\"><iframe src=\"https://evil.example/\"></iframe></div>\n"))
    result = run_build(Path("site_config.yml"))
    assert result.ok
    html = (tiny_site / "site/2030-01-15-udvalget/1-1-forste/index.html").read_text(encoding="utf-8")
    body = html.split("<main", 1)[1]
    assert "CO<sub>2</sub>" in body and "<b>fed</b>" in body
    assert "steal" not in body and "onclick" not in body and "iframe" not in body
    assert soup(tiny_site / "site/2030-01-15-udvalget/1-1-forste/index.html").find(id="co2-udledning").get_text() \
        == "CO2-udledning"
    warnings = sorted((d.line, d.message) for d in result.diagnostics.items if d.severity == "warning")
    assert warnings == [
        (7, "raw HTML removed: <script> element and its content"),
        (7, "raw HTML removed: the attribute 'onclick' of <b>"),
        (9, "raw HTML removed: <div> tag; <iframe> tag"),
    ]


def test_links_between_items_meetings_and_annexes_resolve(tiny_site: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tiny_site)
    write(tiny_site, f"{M}/1-1-forste.md", """
        ---
        number: 1.1
        title: Første sag
        annexes:
          - title: Notat
            page: bilag/notat.md
          - title: Regneark
            file: bilag/tal.csv
        ---
        ## Indstilling

        Det indstilles, at sagen ses med [punkt 1.2](1-2-anden.md#indstilling), [mødet](meeting.md),
        [det næste møde](../2030-03-01-udvalget/), [notatet](bilag/notat.md), [tallene](bilag/tal.csv)
        og [forsiden](../).
    """)
    write(tiny_site, f"{M}/bilag/notat.md", "Se [punkt 1.1](../1-1-forste.md#indstilling).\n")
    write(tiny_site, f"{M}/bilag/tal.csv", "a;b\n1;2\n")
    write(tiny_site, "content/2030-03-01-udvalget/meeting.md", """
        ---
        body: Udvalget
        date: 2030-03-01
        sections:
          - number: 1
            title: Sager
        ---
        Se [sidste møde](../2030-01-15-udvalget/meeting.md).
    """)
    result = run_build(Path("site_config.yml"))
    assert result.ok, result.diagnostics.sorted()
    out = tiny_site / "site"
    item = soup(out / "2030-01-15-udvalget/1-1-forste/index.html").find("main")
    hrefs = [a["href"] for a in item.find_all("a") if a.get_text() in
             ("punkt 1.2", "mødet", "det næste møde", "notatet", "tallene", "forsiden")]
    assert hrefs == ["../1-2-anden/#indstilling", "../", "../../2030-03-01-udvalget/", "../bilag/notat/",
                     "../bilag/tal.csv", "../../"]
    # the recommendation also appears on the meeting page, one folder up: the same links still work there
    meeting = soup(out / "2030-01-15-udvalget/index.html").find("main")
    assert meeting.find("a", string="punkt 1.2")["href"] == "1-2-anden/#indstilling"
    assert check_links(out) == []
    assert "agendasite:" not in "".join(p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    # generated files (the Atom feed holds the recommendation as escaped HTML) get full addresses
    assert not [p for p in out.rglob("*") if p.is_file() and b"agendasite:2030-" in p.read_bytes()]
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert '&lt;a href="https://example.org/test/2030-01-15-udvalget/1-2-anden/#indstilling"&gt;punkt 1.2' in feed


@pytest.mark.parametrize("html", [
    '<h2 id="a">A</h2>\n<p id="b">', 'id="start" <p id="x">', '<p xid="a" id="b">', '<p xid="a id="b">',
    '<p id="a"id="b">', '<p\tid="tab">', '<p\u00a0id="nbsp">', '<p id="">', '<p id="a b" id="c">', '',
])
def test_ids_found_fast_are_those_of_the_exact_pattern(html: str):
    from agendasite.markdown.sitelinks import _ID, ids_in

    assert ids_in(html) == _ID.findall(html)


def test_ids_of_every_built_page_are_those_of_the_exact_pattern(built_site: Path):
    from agendasite.markdown.sitelinks import _ID, anchors_of, ids_in

    pages = [p.read_text(encoding="utf-8") for p in sorted(built_site.rglob("*.html"))]
    assert len(pages) > 50 and sum(len(ids_in(p)) for p in pages) > 200
    for page in pages:
        assert ids_in(page) == _ID.findall(page)
        assert _ID.findall(anchors_of(page)) == _ID.findall(page)
