"""The bad-input corpus: every mistake an editor can make comes back located, and publishes nothing.

Each case changes one thing in a small valid site that was built before, then builds
again and asserts: the exit status, the exact file and line, the message, that no
traceback appears anywhere in the output, and that the previous site is byte for byte
as it was. A representative subset runs the real command line as a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from agendasite.cli.main import main as cli_main
from agendasite.diagnostics import format_diagnostic

from .conftest import ROOT, run_build, write

M = "content/2030-01-15-udvalget"
ITEM = f"{M}/1-1-forste.md"
ITEM2 = f"{M}/1-2-anden.md"
MEETING = f"{M}/meeting.md"


def item(front: str, body: str = "## Indstilling\n\nDet indstilles, at sagen godkendes.\n") -> str:
    """An item file: front matter lines (without the --- lines) and a body."""
    return f"---\n{front.strip()}\n---\n{body}"


def meeting(extra: str = "", sections: str = "  - number: 1\n    title: Sager\n") -> str:
    return f"---\nbody: Udvalget\ndate: 2030-01-15\n{extra}sections:\n{sections}---\nVelkommen.\n"


FUNDING = """title: Finansiering pr. kommune
total: 100.000
period: per year
key:
  type: population
  data: folketal
"""
FUNDING_FILES: dict[str, str | bytes | None] = {
    "content/data/folketal.csv": "kommune;indbyggere\nAlby;1.000\nBorup;2.000\n",
    "content/data/folketal.yml": "title: Indbyggere\nsource: Testkilde\ndate: \"2030\"\n"
                                 "columns: {key: kommune, value: indbyggere}\n",
    f"{M}/1-3-finansiering.md": item("number: 1.3\ntitle: Finansiering\nannexes:\n"
                                     "  - title: \"Bilag 1: Finansiering\"\n    funding: bilag/finansiering.yml"),
    f"{M}/bilag/finansiering.yml": FUNDING,
}


@dataclass(frozen=True)
class Case:
    """One bad input: the files it changes and the problem the build must report."""

    id: str
    files: dict[str, str | bytes | None]
    path: str
    line: int | None
    message: str
    severity: str = "error"
    strict: bool = False
    cli: bool = False
    symlinks: dict[str, str] = field(default_factory=dict)


CASES = [
    Case("broken-yaml", {ITEM: item("number: 1.1\ntitle: Punkt: tekst")}, ITEM, 3,
         "invalid YAML: mapping values are not allowed", cli=True),
    Case("tab-indentation", {MEETING: meeting(sections="\t- number: 1\n")}, MEETING, 5,
         "a tab character is used for indentation", cli=True),
    Case("unknown-key", {ITEM: item("number: 1.1\ntitel: Første sag\ntitle: Første sag")}, ITEM, 3,
         "unknown key 'titel'", cli=True),
    Case("missing-title", {ITEM: item("number: 1.1\ncase: SAG-2030-00001")}, ITEM, 2,
         "missing required key 'title'"),
    Case("missing-sections", {MEETING: "---\nbody: Udvalget\ndate: 2030-01-15\n---\n"}, MEETING, 2,
         "missing required key 'sections'"),
    Case("number-without-dot", {ITEM: item("number: 3\ntitle: T")}, ITEM, 2,
         "'number' must be an item number such as 3.4, not '3'"),
    Case("public-maybe", {ITEM: item("number: 1.1\ntitle: T\npublic: maybe")}, ITEM, 4,
         "'public' must be true or false, not 'maybe'"),
    Case("bad-case-number", {ITEM: item("number: 1.1\ntitle: T\ncase: 2024-02570")}, ITEM, 4,
         "'case' must be a case number such as SAG-2024-02570"),
    Case("impossible-date", {MEETING: meeting().replace("2030-01-15", "2030-02-30")}, MEETING, 3,
         "'date' must be a date written YYYY-MM-DD (or YYYY-MM), not '2030-02-30'"),
    Case("bad-time", {MEETING: meeting('start: "25:00"\n')}, MEETING, 4,
         "'start' must be a time written HH:MM, not '25:00'"),
    Case("status-typo", {MEETING: meeting("status: helt\n")}, MEETING, 4,
         "'status' must be one of planned, held, cancelled, not 'helt'"),
    Case("title-is-yaml-null", {ITEM: item("number: 1.1\ntitle: ~")}, ITEM, 3, "'title' is empty"),
    Case("title-is-a-list", {ITEM: item("number: 1.1\ntitle: [a, b]")}, ITEM, 3, "'title' must be text, not a list"),
    Case("duplicate-key", {ITEM: item("number: 1.1\ntitle: A\ntitle: B")}, ITEM, 4,
         "the key 'title' appears twice (first on line 3)"),
    Case("front-matter-not-closed", {ITEM: "---\nnumber: 1.1\ntitle: T\n\nTekst.\n"}, ITEM, 1,
         "the front matter is not closed"),
    Case("front-matter-is-a-list", {ITEM: "---\n- number: 1.1\n---\nTekst.\n"}, ITEM, 2,
         "the front matter must be a list of 'key: value' lines"),
    Case("empty-file", {ITEM: ""}, ITEM, 1, "the file does not start with front matter", cli=True),
    Case("not-utf8", {ITEM: "---\nnumber: 1.1\ntitle: Første\n---\n".encode() + b"Caf\xe9 og kage\n"}, ITEM, 5,
         "the file is not valid UTF-8 (byte 0xe9)", cli=True),
    Case("nul-bytes", {ITEM: b"---\nnumber: 1.1\ntitle: T\n---\n%PDF-1.7\n\x00\x01"}, ITEM, 6,
         "the file contains a NUL byte"),
    Case("five-megabytes", {ITEM2: item("number: 1.2\ntitle: T", "Lang tekst. " * 440_000)}, ITEM2, None,
         "the file is 5.3 MB; text files over 2 MB are refused"),
    Case("duplicate-number", {ITEM2: item("number: 1.1\ntitle: Anden sag")}, ITEM2, 2,
         "item number 1.1 is also used by content/2030-01-15-udvalget/1-1-forste.md", cli=True),
    Case("undeclared-section", {ITEM2: item("number: 7.1\ntitle: Anden sag")}, ITEM2, 2,
         "item 7.1 belongs to section 7, which content/2030-01-15-udvalget/meeting.md does not declare"),
    Case("section-twice", {MEETING: meeting(sections="  - number: 1\n    title: A\n  - number: 1\n    title: B\n")},
         MEETING, 7, "section 1 is declared twice (first on line 5)"),
    Case("numbering-gap", {ITEM2: item("number: 1.3\ntitle: Anden sag")}, ITEM2, 2,
         "item 1.3 follows 1.1; no item has the number 1.2", severity="warning", strict=True, cli=True),
    Case("same-url-as-annex-index", {f"{M}/bilag.md": item("number: 1.3\ntitle: Tredje")}, f"{M}/bilag.md", None,
         "this gives the address 2030-01-15-udvalget/bilag/index.html, which"),
    Case("missing-annex", {ITEM: item("number: 1.1\ntitle: T\nannexes:\n  - title: Bilag 1\n    file: bilag/notat.pdf")},
         ITEM, 6, "the annex file 'bilag/notat.pdf' does not exist", cli=True),
    Case("annex-path-traversal",
         {ITEM: item("number: 1.1\ntitle: T\nannexes:\n  - title: Bilag 1\n    file: ../../site_config.yml")},
         ITEM, 6, "the annex path '../../site_config.yml' points outside the meeting folder", cli=True),
    Case("annex-absolute-path",
         {ITEM: item("number: 1.1\ntitle: T\nannexes:\n  - title: Bilag 1\n    file: /etc/passwd")},
         ITEM, 6, "the annex path '/etc/passwd' points outside the meeting folder"),
    Case("annex-symlink-outside",
         {ITEM: item("number: 1.1\ntitle: T\nannexes:\n  - title: Bilag 1\n    file: bilag/passwd.txt")},
         ITEM, 6, "the annex path 'bilag/passwd.txt' points outside the meeting folder",
         symlinks={f"{M}/bilag/passwd.txt": "site_config.yml"}),
    Case("annex-folder-symlink-outside",
         {ITEM: item("number: 1.1\ntitle: T\nannexes:\n  - title: Bilag 1\n    file: ekstern/notat.txt"),
          "elsewhere/notat.txt": "fortroligt\n"},
         ITEM, 6, "the annex path 'ekstern/notat.txt' points outside the meeting folder",
         symlinks={f"{M}/ekstern": "elsewhere"}),
    Case("meeting-symlink-outside", {"elsewhere/meeting.md": meeting()}, "elsewhere", None,
         "the meeting folder (or its meeting.md) is a link to a place outside the content folder",
         symlinks={"content/2030-02-01-linket": "elsewhere"}),
    Case("annex-two-kinds",
         {ITEM: item("number: 1.1\ntitle: T\nannexes:\n  - title: B\n    url: https://example.org/\n    page: b.md")},
         ITEM, 7, "the annex 'B' has both 'url' and 'page'"),
    Case("annex-page-not-markdown", {
        ITEM: item("number: 1.1\ntitle: T\nannexes:\n  - title: B\n    page: bilag/notat.txt"),
        f"{M}/bilag/notat.txt": "tekst\n"}, ITEM, 6, "the annex page 'bilag/notat.txt' is not a Markdown (.md) file"),
    Case("script-in-body", {ITEM: item("number: 1.1\ntitle: T", "Tekst.\n\n<script>alert(1)</script>\n")}, ITEM, 7,
         "raw HTML removed: <script> element and its content", severity="warning", strict=True, cli=True),
    Case("event-attribute", {ITEM: item("number: 1.1\ntitle: T", "Tekst\nmed <b onclick=\"x()\">fed</b>.\n")},
         ITEM, 6, "raw HTML removed: the attribute 'onclick' of <b>", severity="warning", strict=True),
    Case("iframe", {ITEM: item("number: 1.1\ntitle: T", "<iframe src=\"https://evil.example/\"></iframe>\n")},
         ITEM, 5, "raw HTML removed: <iframe> tag", severity="warning", strict=True),
    Case("javascript-url", {ITEM: item("number: 1.1\ntitle: T", "Se <a href=\"javascript:alert(1)\">her</a>.\n")},
         ITEM, 5, "raw HTML removed: the 'javascript:' address of <a>", severity="warning", strict=True),
    Case("style-element", {ITEM: item("number: 1.1\ntitle: T", "<style>body{display:none}</style>\n")}, ITEM, 5,
         "raw HTML removed: <style> element and its content", severity="warning", strict=True),
    Case("script-in-table-cell", {ITEM: item("number: 1.1\ntitle: T",
                                             "| a | b |\n|---|---:|\n| <script>x()</script> | 1 |\n")},
         ITEM, 7, "raw HTML removed: <script> element", severity="warning", strict=True),
    Case("script-in-meeting-note", {MEETING: meeting("notes:\n  - Husk <script>x()</script> mødet\n")}, MEETING, 5,
         "raw HTML removed: <script> element", severity="warning", strict=True),
    Case("sum-of-text", {ITEM: item("number: 1.1\ntitle: T",
                                    "| Kommune | Beløb |\n|---|---:|\n| A | 10 |\n| B | ti |\n| I alt | =sum |\n")},
         ITEM, 8, "the total in column 'Beløb' adds the cells above it, but 'ti' is not a number", cli=True),
    Case("link-to-missing-item", {ITEM: item("number: 1.1\ntitle: T", "Se [punkt 1.3](1-3-tredje.md).\n")}, ITEM, 5,
         "the link '1-3-tredje.md' points to a page the site does not have", cli=True),
    Case("link-to-missing-anchor", {ITEM: item("number: 1.1\ntitle: T", "Tekst.\n\nSe [her](1-2-anden.md#beslutning).\n")},
         ITEM, 7, "the link '1-2-anden.md#beslutning' names the anchor '#beslutning', which that page does not have"),
    Case("link-to-missing-meeting", {ITEM: item("number: 1.1\ntitle: T", "Se [mødet](../2030-02-01-udvalget/).\n")},
         ITEM, 5, "the link '../2030-02-01-udvalget/' points to a page the site does not have"),
    Case("link-from-site-root", {ITEM: item("number: 1.1\ntitle: T", "Se [her](/2030-01-15-udvalget/).\n")}, ITEM, 5,
         "the link '/2030-01-15-udvalget/' starts with '/'"),
    Case("link-out-of-content", {ITEM: item("number: 1.1\ntitle: T", "Se [her](../../site_config.yml).\n")}, ITEM, 5,
         "the link '../../site_config.yml' leads outside the content folder"),
    Case("meeting-without-meeting-md", {f"{M}-2/1-1-x.md": item("number: 1.1\ntitle: T")}, f"{M}-2", None,
         "the meeting folder has no meeting.md", cli=True),
    Case("bad-folder-name", {"content/Møde 2030/meeting.md": meeting()}, "content/Møde 2030", None,
         "the meeting folder name 'Møde 2030' is not a valid URL name"),
    Case("bad-file-name", {f"{M}/Punkt 1.3.md": item("number: 1.3\ntitle: T")}, f"{M}/Punkt 1.3.md", None,
         "the file name 'Punkt 1.3.md' does not make a valid URL"),
    Case("item-symlink-outside", {}, f"{M}/1-3-link.md", None,
         "this file is a link to a file outside the content folder",
         symlinks={f"{M}/1-3-link.md": "outside.md"}),
    Case("funding-municipality-not-in-data", {
        **FUNDING_FILES, f"{M}/bilag/finansiering.yml": FUNDING + "  payers: [Alby, Borupp]\n"},
        f"{M}/bilag/finansiering.yml", 7, "'Borupp' is not in the data file 'folketal'", cli=True),
    Case("funding-unknown-data-file", {
        **FUNDING_FILES, f"{M}/bilag/finansiering.yml": FUNDING.replace("data: folketal", "data: folketall")},
        f"{M}/bilag/finansiering.yml", 6, "the data file 'folketall' does not exist"),
    Case("data-file-bad-number", {
        **FUNDING_FILES, "content/data/folketal.csv": "kommune;indbyggere\nAlby;1.000\nBorup;to tusind\n"},
        "content/data/folketal.csv", 3, "to tusind"),
    Case("config-unknown-key", {"site_config.yml": "title: Test\nlanguage: da\nbase_ulr: https://example.org/\n"},
         "site_config.yml", 3, "unknown key 'base_ulr'", cli=True),
    Case("config-broken-yaml", {"site_config.yml": "title: Test\nlanguage: [da\n"}, "site_config.yml", 2,
         "invalid YAML"),
]


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _apply(site: Path, case: Case) -> None:
    (site / "outside.md").write_text("---\nnumber: 1.3\ntitle: Udefra\n---\n", encoding="utf-8")
    for rel, content in case.files.items():
        path = site / rel
        if content is None:
            path.unlink()
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    for rel, target in case.symlinks.items():
        link = site / rel
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to((site / target).resolve())


def _leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.iterdir() if ".building-" in p.name or ".old-" in p.name)


@pytest.fixture
def built_tiny(tiny_site: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, dict[str, bytes]]:
    """The tiny site built once (the 'previous output'), with the working folder at its root."""
    monkeypatch.chdir(tiny_site)
    result = run_build(Path("site_config.yml"))
    assert result.ok, result.diagnostics.sorted()
    return tiny_site, _snapshot(tiny_site / "site")


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 30 and len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_located_and_publishes_nothing(case: Case, built_tiny):
    site, before = built_tiny
    _apply(site, case)
    result = run_build(Path("site_config.yml"), strict=case.strict)
    diags = result.diagnostics.sorted()
    text = "\n".join(format_diagnostic(d) for d in diags)
    assert not result.ok, text
    assert "Traceback" not in text and "internal error" not in text, text
    found = [d for d in diags if d.path == case.path and d.line == case.line and case.message in d.message]
    assert found, f"expected {case.path}:{case.line}: {case.message}\n--- got:\n{text}"
    assert found[0].severity == case.severity
    assert _snapshot(site / "site") == before
    assert _leftovers(site) == []
    assert all(d.hint for d in found), "every problem comes with a hint"


CLI_CASES = [c for c in CASES if c.cli]


def test_the_cli_subset_is_representative():
    assert len(CLI_CASES) >= 10


@pytest.mark.parametrize("case", CLI_CASES, ids=[c.id for c in CLI_CASES])
def test_bad_input_through_the_command_line(case: Case, built_tiny):
    site, before = built_tiny
    _apply(site, case)
    env = dict(os.environ, PYTHONPATH=str(ROOT), SOURCE_DATE_EPOCH="1732406400")
    args = [sys.executable, str(ROOT / "build.py")] + (["--strict"] if case.strict else [])
    proc = subprocess.run(args, cwd=site, env=env, capture_output=True, text=True, timeout=120)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert "Traceback" not in out, out
    place = case.path + (f":{case.line}" if case.line is not None else "")
    severity = "error"  # --strict reports warnings as errors
    lines = [line for line in proc.stderr.splitlines() if line.startswith(place + ":") or line.startswith(place + " ")]
    assert any(f": {severity}: " in line and case.message in line for line in lines), out
    assert "build failed:" in proc.stderr and "the previous output was left untouched" in proc.stderr
    assert _snapshot(site / "site") == before


def test_crlf_line_endings_build_and_lines_stay_right(built_tiny):
    site, _ = built_tiny
    path = site / ITEM
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    result = run_build(Path("site_config.yml"))
    assert result.ok, result.diagnostics.sorted()
    page = (site / "site/2030-01-15-udvalget/1-1-forste/index.html").read_text(encoding="utf-8")
    assert "Første sag" in page and "\r" not in page.split("<main", 1)[1].split("</main>")[0]
    path.write_bytes(item("number: 1.1\ntitel: T\ntitle: T").replace("\n", "\r\n").encode())
    result = run_build(Path("site_config.yml"))
    assert [(d.path, d.line, d.column) for d in result.diagnostics.items if "titel" in d.message] == [(ITEM, 3, 1)]
    path.write_bytes(item("number: 1.1\ntitel: T\ntitle: T", "Tekst.\n\n<script>x()</script>\n").replace("\n", "\r").encode())
    result = run_build(Path("site_config.yml"))  # old Mac line ends (CR only) count as lines too
    assert sorted((d.line, d.message.split(":")[0]) for d in result.diagnostics.items) == [
        (3, "unknown key 'titel'"), (8, "raw HTML removed")]


def test_byte_order_mark_is_accepted(built_tiny):
    site, _ = built_tiny
    path = site / ITEM
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = run_build(Path("site_config.yml"))
    assert result.ok, result.diagnostics.sorted()
    assert "Første sag" in (site / "site/2030-01-15-udvalget/1-1-forste/index.html").read_text(encoding="utf-8")


def test_all_problems_are_reported_together_sorted_by_file_and_line(built_tiny, capsys):
    site, _ = built_tiny
    (site / ITEM2).write_text(item("number: 1.2\ntitel: A\ntitle: A\nstatus: x"), encoding="utf-8")
    (site / ITEM).write_text(item("number: 1.1\ntitle: T\npublic: kanske"), encoding="utf-8")
    assert cli_main([]) == 1
    err = capsys.readouterr().err
    places = [line.split(": ")[0] for line in err.splitlines() if ": error: " in line]
    assert places == [f"{ITEM}:4:9", f"{ITEM2}:3:1", f"{ITEM2}:5:1"]
    assert "build failed: 3 error(s)" in err


def test_compiler_style_message_shows_source_line_caret_and_hint(built_tiny, capsys):
    site, _ = built_tiny
    (site / ITEM).write_text(item("number: 1.1\ntitel: Første sag\ntitle: T"), encoding="utf-8")
    assert cli_main([]) == 1
    err = capsys.readouterr().err.splitlines()
    at = err.index(f"{ITEM}:3:1: error: unknown key 'titel'")
    assert err[at + 1:at + 4] == ["    titel: Første sag", "    ^", "  hint: did you mean 'title'?"]


def test_a_partial_agenda_may_have_gaps(built_tiny):
    site, _ = built_tiny
    (site / ITEM2).write_text(item("number: 1.3\ntitle: Anden sag"), encoding="utf-8")
    (site / MEETING).write_text(meeting("partial: true\n"), encoding="utf-8")
    result = run_build(Path("site_config.yml"), strict=True)
    assert result.ok and result.diagnostics.items == []


def test_links_that_stay_inside_the_content_folder_are_followed(tiny_site: Path, monkeypatch: pytest.MonkeyPatch):
    """The counterpart of the *-symlink-outside cases: a link to a file within content/ is read like the file."""
    monkeypatch.chdir(tiny_site)
    write(tiny_site, "content/_kladder/punkt.md", "---\nnumber: 1.3\ntitle: Lånt sag\nannexes:\n"
                     "  - title: Notat\n    file: bilag/notat.txt\n---\nTekst fra kladden.\n")
    write(tiny_site, f"{M}/originaler/notat.txt", "Notatets tekst.\n")
    (tiny_site / M / "1-3-laant.md").symlink_to(tiny_site / "content/_kladder/punkt.md")
    (tiny_site / M / "bilag").mkdir()
    (tiny_site / M / "bilag/notat.txt").symlink_to(tiny_site / M / "originaler/notat.txt")
    result = run_build(Path("site_config.yml"))
    assert result.ok, result.diagnostics.sorted()
    site = tiny_site / "site/2030-01-15-udvalget"
    assert "Tekst fra kladden." in (site / "1-3-laant/index.html").read_text(encoding="utf-8")
    assert (site / "bilag/notat.txt").read_text(encoding="utf-8") == "Notatets tekst.\n"
