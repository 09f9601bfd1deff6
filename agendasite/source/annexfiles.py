"""Annex files a browser would run as a document on the site's own address: refused, with the reason.

The site is static, so the build cannot send headers (`Content-Type`, `nosniff`, a sandboxing CSP):
whatever a browser makes of a published file is what the file is. Three rules, each with its reason:

- Types that are documents with scripts by nature (HTML, XHTML, MHTML, XSLT, JavaScript, Flash,
  compressed SVG) are refused: cleaning a whole web page to something inert would not leave the
  page the editor meant, and a PDF of it is what readers can open anywhere.
- SVG and other XML files are read with the standard library's expat parser (no DTD: entity
  declarations are refused before anything is expanded) and checked against an allow-list: SVG's
  drawing elements only (no `<script>`, `<foreignObject>`, animation or HTML/MathML/XSLT elements),
  no `on...` attribute, references only to `#fragment`s (or `data:` images), CSS without `url()` to
  other places, `@import` or escapes, no `xml-stylesheet`. A file that passes is copied byte for byte:
  what was checked is what is published. One that does not is refused rather than rewritten, because a
  drawing with parts cut out would show something else than what the editor published.
- A CSV or TSV file is refused when a cell would run as a formula in a spreadsheet (csvout.is_formula):
  it is copied byte for byte, so the build cannot neutralise it the way it writes its own CSVs.
- Every other file is sniffed the way a browser sniffs a file of unknown type (the first bytes after
  white space): markup (HTML, XML, SVG) in a file named `.png`, `.pdf`, `.txt` or with no extension is
  refused, since a server that does not know the extension lets the browser decide, and it decides HTML.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.parsers import expat

from .csvout import first_formula

# Extensions refused outright, with what they are in words.
REFUSED_TYPES: dict[str, str] = {
    **dict.fromkeys((".html", ".htm", ".shtml", ".shtm", ".xhtml", ".xht", ".hta"), "an HTML web page"),
    **dict.fromkeys((".mht", ".mhtml"), "a saved web page (MHTML)"),
    **dict.fromkeys((".xsl", ".xslt"), "an XSLT style sheet"),
    **dict.fromkeys((".js", ".mjs", ".cjs"), "a JavaScript program"),
    ".swf": "a Flash program", ".wasm": "a WebAssembly program", ".svgz": "a compressed SVG drawing",
}
# Extensions that common web servers (nginx's and Apache's mime.types) serve as an XML type, which a browser
# renders as an XML document (running the HTML, SVG or MathML inside): checked against the allow-list.
XML_TYPES = frozenset({".svg", ".xml", ".rss", ".atom", ".rdf", ".kml", ".gpx", ".xsd", ".mml", ".mathml", ".xul",
                       ".smil", ".smi", ".xspf", ".wsdl", ".opml", ".gml", ".xlf", ".xliff", ".dbk", ".xbl"})
CONVERT_HINT = "convert it to PDF (or PNG for a picture) and give that file as the annex"

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
XML_NS = "http://www.w3.org/XML/1998/namespace"
# Namespaces whose elements a browser runs or renders as documents inside any XML file.
ACTIVE_NS = {"http://www.w3.org/1999/xhtml": "HTML", "http://www.w3.org/1998/Math/MathML": "MathML",
             "http://www.w3.org/1999/XSL/Transform": "XSLT", "http://www.w3.org/2001/XInclude": "XInclude"}
SVG_ELEMENTS = frozenset("""
    svg g defs symbol use path rect circle ellipse line polyline polygon text tspan textPath title desc
    metadata linearGradient radialGradient stop pattern clipPath mask marker image filter style switch view a
    feBlend feColorMatrix feComponentTransfer feComposite feConvolveMatrix feDiffuseLighting
    feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB feFuncG feFuncR feGaussianBlur
    feImage feMerge feMergeNode feMorphology feOffset fePointLight feSpecularLighting feSpotLight feTile
    feTurbulence
""".split())
_DATA_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp)[;,]", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_CSS_BAD = ("@import", "expression(", "javascript:", "behavior", "binding", "\\")
# The HTML signatures of the WHATWG MIME sniffing standard, each followed by a space or '>'.
_HTML_TAGS = ("<!doctype html", "<html", "<head", "<script", "<iframe", "<h1", "<div", "<font", "<table",
              "<a", "<style", "<title", "<b", "<body", "<br", "<p", "<!--")
_SNIFF_BYTES = 512


def active_content(path: Path) -> tuple[str, str] | None:
    """Why the file may not be published as it is (message, hint), or None when it is inert."""
    suffix = path.suffix.lower()
    if suffix in REFUSED_TYPES:
        return (f"is {REFUSED_TYPES[suffix]}, which a browser runs with its scripts on the site's own address",
                CONVERT_HINT)
    data = path.read_bytes()
    if suffix in (".csv", ".tsv"):
        formula = first_formula(data, suffix == ".tsv")
        if formula is not None:
            return (f"has at its line {formula[0]} the cell '{formula[1][:60]}', which a spreadsheet opening the "
                    "file would run as a formula (CSV injection)",
                    "put a ' in front of that cell (a spreadsheet then shows it as text), or convert it to PDF")
        return None
    if suffix in XML_TYPES:
        problems = xml_problems(data)
        if problems:
            what = "SVG drawing" if suffix == ".svg" else "XML file"
            return (f"is an {what} with active content a browser would run on the site: "
                    + "; ".join(problems[:3]),
                    "remove it (scripts, on... attributes, foreignObject, links to other files), "
                    "or " + CONVERT_HINT)
        return None
    kind = sniffed_markup(data)
    if kind is not None:
        named = f"named '{suffix}'" if suffix else "without an extension"
        return (f"is {named} but holds {kind}: a browser may open it as a web page and run its scripts",
                CONVERT_HINT + ", or give the file the extension of what it holds")
    return None


def sniffed_markup(data: bytes) -> str | None:
    """'HTML', 'XML' or 'SVG' when a browser sniffing the file's first bytes would take it for markup."""
    head = data[:_SNIFF_BYTES]
    if head.startswith((b"\xfe\xff", b"\xff\xfe")):
        head = head.decode("utf-16", "ignore").encode("utf-8", "ignore")
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip(b"\t\n\x0c\r ").decode("latin-1").lower()
    if text.startswith("<?xml"):
        return "XML"
    if text.startswith("<svg"):
        return "SVG"
    for tag in _HTML_TAGS:
        if text.startswith(tag) and (len(text) == len(tag) or text[len(tag)] in " >"):
            return "HTML"
    return None


class _Refused(Exception):
    """Stops parsing at a declaration that must not be expanded."""


def xml_problems(data: bytes) -> list[str]:
    """What in an XML or SVG file a browser would run or fetch, in words (empty: nothing)."""
    checker = _XmlChecker()
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = checker.doctype
    parser.EntityDeclHandler = checker.entity
    parser.ProcessingInstructionHandler = checker.instruction
    parser.StartElementHandler = checker.start
    parser.EndElementHandler = checker.end
    parser.CharacterDataHandler = checker.text
    try:
        parser.Parse(data, True)
    except _Refused as exc:
        checker.add(str(exc))
    except expat.ExpatError as exc:
        checker.add(f"it is not well-formed XML ({expat.ErrorString(exc.code)}, line {exc.lineno})")
    return checker.problems


class _XmlChecker:
    """The expat handlers: each problem found is named once."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.open: list[str] = []
        self.style: list[str] = []  # the text of the <style> element being read (expat gives it in pieces)

    def add(self, text: str) -> None:
        if text not in self.problems:
            self.problems.append(text)

    def doctype(self, name: str, system_id: str | None, public_id: str | None, internal: int) -> None:
        if internal:
            raise _Refused("a DOCTYPE with its own declarations (entities)")

    def entity(self, *args: object) -> None:
        raise _Refused("an entity declaration")

    def instruction(self, target: str, data: str) -> None:
        if target.lower() == "xml-stylesheet":
            self.add("an xml-stylesheet instruction")

    def start(self, name: str, attrs: dict[str, str]) -> None:
        ns, _, local = name.rpartition(" ")
        self.open.append(name)
        if ns in ACTIVE_NS:
            self.add(f"an {ACTIVE_NS[ns]} element <{local}>")
        elif ns == SVG_NS and local not in SVG_ELEMENTS:
            self.add(f"a <{local}> element")
        for attr, value in attrs.items():
            attr_ns, _, attr_local = attr.rpartition(" ")
            if attr_local.lower().startswith("on"):
                self.add(f"the event attribute '{attr_local}'")
            elif attr_ns == XML_NS and attr_local == "base":
                self.add("an xml:base address")
            elif attr_local == "href" and attr_ns in ("", XLINK_NS):
                if not (value.strip().startswith("#") or (local in ("image", "feImage") and _DATA_IMAGE.match(value))):
                    self.add(f"a link to '{value[:60]}' (only #fragments inside the file may be referenced)")
            elif "url(" in value.lower() or attr_local == "style":
                self._css(value)

    def end(self, name: str) -> None:
        if self.open.pop() == f"{SVG_NS} style":
            self._css("".join(self.style))
            self.style.clear()

    def text(self, data: str) -> None:
        if self.open and self.open[-1] == f"{SVG_NS} style":
            self.style.append(data)

    def _css(self, css: str) -> None:
        lowered = css.lower()
        for bad in _CSS_BAD:
            if bad in lowered:
                self.add(f"'{bad}' in CSS")
        for match in _CSS_URL.finditer(css):
            target = match[2].strip()
            if not (target.startswith("#") or _DATA_IMAGE.match(target)):
                self.add(f"a CSS url() to '{target[:60]}'")
