"""Hostile input is refused quickly and in place: alias bombs, deep nesting, absurd numbers, bad folder names,
files that are folders or FIFOs, and garbage requests to the preview server (issue 14, points 6, 7 and 9).

Every build case runs the CLI in a subprocess with a timeout, after a good build into the same folder:
exit code, the message's file:line:col, no traceback, and the published output unchanged (tree digest).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from .conftest import ROOT, run_build, write
from .test_funding_errors import FUNDING as FUNDING_YAML
from .test_funding_errors import add_population

MEETING = "content/2030-01-15-udvalget"
ITEM = f"{MEETING}/1-1-forste.md"
TABLE_ITEM = f"{MEETING}/1-3-tabel.md"
FUNDING_ITEM = f"{MEETING}/1-4-finansiering.md"
FUNDING = f"{MEETING}/bilag/finansiering.yml"
HOURS = f"{MEETING}/bilag/timer.yml"
CSV = "content/data/folketal.csv"
SIDECAR = "content/data/folketal.yml"
FIGURES = "content/data/tal.yml"  # a data file without CSV: its figures under 'values'
CONFIG = "site_config.yml"
TIMEOUT = 10  # seconds: a bound for a hang, not a timing assertion

BOMB = """a: &a [x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]
"""
HUGE = "1e999999999"
DIGITS = "9" * 10_000


def add_rich_content(site: Path) -> None:
    """tiny_site plus a table with a sum, a population key, a contributions annex, a data file and an annex
    file and page: every kind of file an editor writes."""
    add_population(site)
    write(site, FIGURES, """
        title: Vægte
        source: Testkilde
        date: "2030"
        values:
          Alby: 1
          Borup: 2
    """)
    write(site, TABLE_ITEM, """
        ---
        number: 1.3
        title: Tabel
        annexes:
          - title: "Bilag 1: Notat"
            file: bilag/notat.pdf
          - title: "Bilag 2: Brev"
            page: bilag/brev.md
        ---
        ## Indstilling

        | Post | Beløb |
        |---|---:|
        | Drift | 10 |
        | Anlæg | 20 |
        | I alt | =sum |
    """)
    write(site, f"{MEETING}/bilag/notat.pdf", "%PDF-1.4 test\n")
    write(site, f"{MEETING}/bilag/brev.md", "Et brev.\n")
    write(site, FUNDING_ITEM, """
        ---
        number: 1.4
        title: Finansiering
        annexes:
          - title: "Bilag 1: Finansiering"
            funding: bilag/finansiering.yml
          - title: "Bilag 2: Timer"
            funding: bilag/timer.yml
        ---
        Tekst.
    """)
    write(site, FUNDING, FUNDING_YAML)
    write(site, HOURS, """
        title: Medfinansiering
        model: contributions
        period: per year
        scenarios:
          - title: Forslag
            hourly_rate: 430
            rows:
              - payer: Alby
                amount: 1.000
                hours: 10
              - payer: Kommunerne
                count: 3
                hours: 5
    """)


def tree_digest(folder: Path) -> str:
    """One digest of every file's path and bytes under a folder."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def cli(site: Path, *args: str, out: str = "out") -> subprocess.CompletedProcess:
    """The build command as an editor runs it; a hang fails the test by the timeout."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1732406400", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "--out", out, *args], cwd=site, env=env,
                          capture_output=True, text=True, timeout=TIMEOUT)


def replace_in(site: Path, rel: str, old: str, new: str) -> None:
    path = site / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def replace_file(site: Path, rel: str, text: str) -> None:
    (site / rel).write_text(text, encoding="utf-8")


def fifo(site: Path, rel: str) -> None:
    path = site / rel
    if path.exists():
        path.unlink()
    os.mkfifo(path)


def folder(site: Path, rel: str) -> None:
    path = site / rel
    if path.exists():
        path.unlink()
    path.mkdir()


def front(site: Path, rel: str, text: str) -> None:
    """Replace an item's front matter (the body stays)."""
    body = (site / rel).read_text(encoding="utf-8").split("---\n", 2)[2]
    replace_file(site, rel, f"---\n{text}---\n{body}")


ANY_COLUMN = -1  # a column that differs between PyYAML versions: any is right, on the line given


@dataclass(frozen=True)
class Case:
    """A hostile change, and the error it must give: file, line, column (None: not shown) and message."""

    name: str
    kind: str
    change: Callable[[Path], None]
    path: str
    line: int | None
    column: int | None
    message: str
    args: tuple[str, ...] = ()


def item_front(lines: str) -> Callable[[Path], None]:
    return lambda site: front(site, ITEM, lines)


ITEM_OK = "number: 1.1\ntitle: Første sag\ncase: SAG-2030-00001\n"
CASES = [
    # Aliases, in each kind of file (refused at the first alias; the bomb's first alias is on its line 2).
    Case("bomb-item", "alias", item_front(ITEM_OK + "extra:\n" + "".join("  " + l + "\n" for l in BOMB.split("\n") if l)),
         ITEM, 7, 10, "'*a' is a YAML alias (it repeats the value marked '&a' on line 6)"),
    Case("bomb-meeting", "alias", lambda s: replace_in(s, f"{MEETING}/meeting.md", "---\nVelkommen",
                                                        BOMB + "---\nVelkommen"),
         f"{MEETING}/meeting.md", 10, 8, "aliases are not accepted"),
    Case("bomb-funding", "alias", lambda s: replace_file(s, FUNDING, BOMB), FUNDING, 2, 8,
         "'*a' is a YAML alias"),
    Case("bomb-sidecar", "alias", lambda s: replace_file(s, SIDECAR, BOMB), SIDECAR, 2, 8, "'*a' is a YAML alias"),
    Case("bomb-data-values", "alias", lambda s: replace_file(s, FIGURES, BOMB), FIGURES, 2, 8,
         "'*a' is a YAML alias"),
    Case("bomb-config", "alias", lambda s: replace_file(s, CONFIG, "title: Test\n" + BOMB), CONFIG, 3, 8,
         "'*a' is a YAML alias (it repeats the value marked '&a' on line 2)"),
    Case("alias-used-on-line-5", "alias", item_front("number: 1.1\ntitle: &t Første sag\ncase: *t\n"), ITEM, 4, 7,
         "'*t' is a YAML alias (it repeats the value marked '&t' on line 3)"),
    Case("alias-merge-key", "alias", lambda s: replace_in(s, FUNDING, "key:\n", "base: &k {type: population}\nkey:\n"
                                                          "  <<: *k\n"), FUNDING, 6, 7, "'*k' is a YAML alias"),
    Case("alias-recursive", "alias", item_front(ITEM_OK + "extra: &r [*r]\n"), ITEM, 5, 12, "'*r' is a YAML alias"),
    Case("alias-undefined", "alias", item_front("number: 1.1\ntitle: *nothing\n"), ITEM, 3, 8,
         "'*nothing' is a YAML alias"),
    # Deep nesting (10,000 levels overflowed Python's recursion; 100,000 crashed the C composer).
    # (the column is where the parser stopped: the 51st bracket, or PyYAML 6.0.4's own limit of 1,000 levels)
    Case("nesting-item-10000", "nesting", item_front(ITEM_OK + "extra: " + "[" * 10_000 + "]" * 10_000 + "\n"),
         ITEM, 5, ANY_COLUMN, "nested more than 50 levels deep"),
    Case("nesting-config-100000", "nesting",
         lambda s: replace_file(s, CONFIG, "title: Test\nx: " + "[" * 100_000 + "]" * 100_000 + "\n"),
         CONFIG, 2, ANY_COLUMN, "nested more than 50 levels deep"),
    Case("nesting-funding-maps", "nesting",
         lambda s: replace_file(s, FUNDING, "title: T\nx: " + "{a: " * 10_000 + "1" + "}" * 10_000 + "\n"),
         FUNDING, 2, 200, "nested more than 50 levels deep"),
    Case("nesting-block-dashes", "nesting", item_front(ITEM_OK + "extra:\n  " + "- " * 5_000 + "x\n"), ITEM, 6, 101,
         "nested more than 50 levels deep"),
    # Absurd numbers wherever a number is read.
    Case("funding-total-huge", "number", lambda s: replace_in(s, FUNDING, "total: 100.000", f"total: {HUGE}"),
         FUNDING, 2, 8, f"'total': '{HUGE}' is too large"),
    Case("funding-total-digits", "number", lambda s: replace_in(s, FUNDING, "total: 100.000", f"total: {DIGITS}"),
         FUNDING, 2, 8, "(10,000 characters)' is too large"),
    Case("funding-total-nan", "number", lambda s: replace_in(s, FUNDING, "total: 100.000", "total: NaN1"),
         FUNDING, 2, 8, "'total': 'NaN1' is not a number"),
    Case("funding-total-decimals", "number",
         lambda s: replace_in(s, FUNDING, "total: 100.000", "total: 1,000000000001"), FUNDING, 2, 8,
         "has too many decimals"),
    Case("share-decimals-huge", "number",
         lambda s: replace_in(s, FUNDING, "period:", "share_decimals: 999999999\nperiod:"), FUNDING, 3, 17,
         "'share_decimals' must be a whole number from 0 to 10, not 999999999"),
    Case("share-decimals-digits", "number",
         lambda s: replace_in(s, FUNDING, "period:", f"share_decimals: {DIGITS}\nperiod:"), FUNDING, 3, 17,
         "(10,000 digits)"),
    Case("decimals-negative", "number", lambda s: replace_in(s, HOURS, "period:", "decimals: -1\nperiod:"), HOURS, 3,
         11, "'decimals' must be a whole number from 0 to 10, not -1"),
    Case("rounding-tiny", "number", lambda s: replace_in(s, FUNDING, "period:", f"rounding: 1e-999999999\nperiod:"),
         FUNDING, 3, 11, "has too many decimals"),
    Case("fixed-weight-huge", "number",
         lambda s: replace_in(s, FUNDING, "  type: population\n  data: folketal\n",
                              f"  type: fixed\n  weights: {{Alby: {HUGE}, Borup: 1}}\n"), FUNDING, 6, 19,
         "is too large"),
    Case("split-share-huge", "number",
         lambda s: replace_in(s, FUNDING, "key:", f"split:\n  - payer: Regionen\n    share: {HUGE} %\n"
                                                  "  - payer: Kommunerne\n    share: 50 %\n    distribute: true\nkey:"),
         FUNDING, 6, 12, "is too large"),
    Case("stated-amount-huge", "number",
         lambda s: replace_in(s, FUNDING, "key:", f"stated:\n  amounts: {{Alby: {HUGE}}}\nkey:"), FUNDING, 5, 19,
         "is too large"),
    Case("hours-huge", "number", lambda s: replace_in(s, HOURS, "hours: 10", f"hours: {HUGE}"), HOURS, 10, 16,
         "is too large"),
    Case("hourly-rate-digits", "number", lambda s: replace_in(s, HOURS, "hourly_rate: 430", f"hourly_rate: {DIGITS}"),
         HOURS, 6, 18, "is too large"),
    Case("count-digits", "number", lambda s: replace_in(s, HOURS, "count: 3", f"count: {DIGITS}"), HOURS, 12, 16,
         "'count' must be a whole number from 1 to 1000000"),
    Case("population-digits", "number", lambda s: replace_in(s, CSV, "Borup;2.000", f"Borup;{DIGITS}"), CSV, 3, 7,
         "is too large"),
    Case("population-huge", "number", lambda s: replace_in(s, CSV, "Borup;2.000", f"Borup;{HUGE}"), CSV, 3, 7,
         "is too large"),
    Case("population-negative", "number", lambda s: replace_in(s, CSV, "Borup;2.000", "Borup;-2.000"), CSV, 3, 7,
         "the figure of 'Borup' is negative (-2.000)"),
    Case("fixed-weight-negative", "number",
         lambda s: replace_in(s, FUNDING, "  type: population\n  data: folketal\n",
                              "  type: fixed\n  weights: {Alby: -1, Borup: 1}\n"), FUNDING, 6, 13,
         "the weight of 'Alby' is negative"),
    Case("data-values-huge", "number", lambda s: replace_in(s, FIGURES, "Alby: 1", f"Alby: {HUGE}"), FIGURES, 5, 9,
         "is too large"),
    Case("stated-total-huge", "number", lambda s: replace_in(s, SIDECAR, "columns:", f"stated_total: {HUGE}\ncolumns:"),
         SIDECAR, 4, 15, "is too large"),
    Case("table-cell-huge", "number", lambda s: replace_in(s, TABLE_ITEM, "| Drift | 10 |", f"| Drift | {HUGE} |"),
         TABLE_ITEM, 14, None, f"adds the cells above it, but '{HUGE}' is too large"),
    Case("table-cell-digits", "number", lambda s: replace_in(s, TABLE_ITEM, "| Drift | 10 |", f"| Drift | {DIGITS} |"),
         TABLE_ITEM, 14, None, "(10,000 characters)' is too large"),
    Case("table-stated-huge", "number", lambda s: replace_in(s, TABLE_ITEM, "=sum |", f"=sum {HUGE} |"), TABLE_ITEM,
         16, None, "the stated total after '=sum' is not a number"),
    Case("section-number-digits", "number",
         lambda s: replace_in(s, f"{MEETING}/meeting.md", "  - number: 1", f"  - number: {DIGITS}"),
         f"{MEETING}/meeting.md", 7, 13, "'number' must be a whole number from -999999999 to 999999999"),
    # Folder and file names: say what is wrong and the name to use.
    Case("folder-space", "name", lambda s: (s / MEETING).rename(s / "content/2030-01-15 udvalget"),
         "content/2030-01-15 udvalget", None, None, "it has spaces; hint: rename the folder to '2030-01-15-udvalget'"),
    Case("folder-upper", "name", lambda s: (s / MEETING).rename(s / "content/2030-01-15-Udvalget"),
         "content/2030-01-15-Udvalget", None, None, "it has upper-case letters"),
    Case("folder-non-ascii", "name", lambda s: (s / MEETING).rename(s / "content/2030-01-15-møde-på-ærø"),
         "content/2030-01-15-møde-på-ærø", None, None,
         "it has letters outside a-z; hint: rename the folder to '2030-01-15-mode-pa-aero'"),
    Case("item-name-upper", "name", lambda s: (s / ITEM).rename(s / f"{MEETING}/1-1-Forste.md"),
         f"{MEETING}/1-1-Forste.md", None, None, "does not make a valid URL: it has upper-case letters"),
    # Places that are not files (a FIFO hung the build; a cached build said nothing).
    Case("item-is-folder", "not-a-file", lambda s: folder(s, f"{MEETING}/1-9-mappe.md"), f"{MEETING}/1-9-mappe.md",
         None, None, "this is a folder, not an item file"),
    Case("item-is-fifo", "not-a-file", lambda s: fifo(s, f"{MEETING}/1-9-ror.md"), f"{MEETING}/1-9-ror.md", None,
         None, "this is a named pipe (FIFO), not an item file"),
    Case("item-is-fifo-no-cache", "not-a-file", lambda s: fifo(s, f"{MEETING}/1-9-ror.md"),
         f"{MEETING}/1-9-ror.md", None, None, "this is a named pipe (FIFO), not an item file", ("--no-cache",)),
    Case("meeting-is-fifo", "not-a-file", lambda s: fifo(s, f"{MEETING}/meeting.md"), f"{MEETING}/meeting.md", None,
         None, "this is a named pipe (FIFO), not a file"),
    Case("annex-file-is-folder", "not-a-file", lambda s: folder(s, f"{MEETING}/bilag/notat.pdf"), TABLE_ITEM, 6, None,
         "the annex file 'bilag/notat.pdf' is a folder, not a file"),
    Case("annex-file-is-fifo", "not-a-file", lambda s: fifo(s, f"{MEETING}/bilag/notat.pdf"), TABLE_ITEM, 6, None,
         "the annex file 'bilag/notat.pdf' is a named pipe (FIFO), not a file"),
    Case("annex-page-is-fifo", "not-a-file", lambda s: fifo(s, f"{MEETING}/bilag/brev.md"), TABLE_ITEM, 8, None,
         "the annex page 'bilag/brev.md' is a named pipe (FIFO)"),
    Case("funding-is-fifo", "not-a-file", lambda s: fifo(s, FUNDING), FUNDING_ITEM, 6, None,
         "the funding annex 'bilag/finansiering.yml' is a named pipe (FIFO)"),
    Case("data-csv-is-fifo", "not-a-file", lambda s: fifo(s, CSV), CSV, None, None,
         "this is a named pipe (FIFO), not a file"),
    # Messages that had no place, or the wrong one.
    Case("unclosed-quote-line-3", "place", item_front('number: 1.1\ntitle: "Første sag\ncase: SAG-2030-00001\n'
                                                      'officer: abc\n'), ITEM, 3, 8,
         "the quote that starts here is not closed"),
    Case("unclosed-bracket-config", "place", lambda s: replace_file(s, CONFIG, "title: Test\nlanguage: [da\n"
                                                                    "base_url: https://example.org/\n"),
         CONFIG, 2, 11, "the '[' that starts here is not closed"),
    Case("timezone-unknown", "place", lambda s: replace_file(s, CONFIG, "title: Test\ntimezone: Mars/Olympus\n"),
         CONFIG, 2, 11, "'Mars/Olympus' is not a known time zone; hint: use a name of the IANA time zone database, "
         "e.g. timezone: Europe/Copenhagen"),
    Case("timezone-misspelt", "place", lambda s: replace_file(s, CONFIG, "title: Test\ntimezone: europe/copenhagen\n"),
         CONFIG, 2, 11, "did you mean 'Europe/Copenhagen'?"),
]


@pytest.fixture
def rich_site(tiny_site: Path) -> Path:
    add_rich_content(tiny_site)
    return tiny_site


def _built(site: Path) -> str:
    """A good build into site/out (with the cache the CLI uses); the digest of what it published."""
    result = cli(site)
    assert result.returncode == 0, result.stderr
    return tree_digest(site / "out")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input_is_refused_in_place_and_in_time(rich_site: Path, case: Case) -> None:
    before = _built(rich_site)
    case.change(rich_site)
    result = cli(rich_site, *case.args)
    place = case.path + (f":{case.line}" if case.line else "") + (f":{case.column}" if case.column else "")
    if case.column == ANY_COLUMN:
        place = case.path + f":{case.line}:"
        assert re.search(rf"^{re.escape(place)}\d+: error: ", result.stderr, re.M), result.stderr
        place += result.stderr.split(place, 1)[1].split(":", 1)[0]
    report = re.sub(r"\n\s+(?:\S.*\n\s+\^\n\s+)?hint:", "; hint:", result.stderr)  # message and hint on one line
    assert result.returncode == 1, result.stderr
    assert f"{place}: error: " in result.stderr, result.stderr
    assert case.message in report, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    assert tree_digest(rich_site / "out") == before


def test_a_renamed_meeting_folder_simply_builds(rich_site: Path) -> None:
    _built(rich_site)
    (rich_site / MEETING).rename(rich_site / "content/2030-01-15-udvalget-nyt")
    result = cli(rich_site)
    assert result.returncode == 0, result.stderr
    assert (rich_site / "out/2030-01-15-udvalget-nyt/1-1-forste/index.html").is_file()
    assert not (rich_site / f"out/{MEETING.split('/')[1]}").exists()


def test_two_meeting_folders_swapping_names_build_like_a_clean_build(rich_site: Path) -> None:
    write(rich_site, "content/2030-02-01-udvalget/meeting.md", """
        ---
        body: Udvalget
        date: 2030-02-01
        sections:
          - number: 1
            title: Sager
        ---
        Februar.
    """)
    _built(rich_site)
    content = rich_site / "content"
    (content / "2030-01-15-udvalget").rename(content / "swap")
    (content / "2030-02-01-udvalget").rename(content / "2030-01-15-udvalget")
    (content / "swap").rename(content / "2030-02-01-udvalget")
    result = cli(rich_site)
    assert result.returncode == 0, result.stderr
    clean = cli(rich_site, "--no-cache", out="clean")
    assert clean.returncode == 0, clean.stderr
    assert tree_digest(rich_site / "out") == tree_digest(rich_site / "clean")


def test_a_hidden_folder_with_a_meeting_is_warned_about_and_other_hidden_folders_are_not(rich_site: Path) -> None:
    shutil.copytree(rich_site / MEETING, rich_site / "content/...")
    (rich_site / "content/.obsidian").mkdir()
    (rich_site / "content/.obsidian/app.json").write_text("{}", encoding="utf-8")
    result = cli(rich_site)
    assert result.returncode == 0, result.stderr
    assert "content/...: warning: the folder '...' holds a meeting.md but is left out of the site" in result.stderr
    assert ".obsidian" not in result.stderr


@pytest.mark.parametrize("markdown", ["[" * 10_000 + "x" + "]" * 10_000, "> " * 10_000 + "x", "- " * 10_000 + "x",
                                      "*" * 10_000 + "x" + "*" * 10_000],
                         ids=["brackets", "quotes", "lists", "emphasis"])
def test_deeply_nested_markdown_builds_in_time(rich_site: Path, markdown: str) -> None:
    """markdown-it stops block nesting at 20 levels and scans inline brackets without recursion."""
    with open(rich_site / ITEM, "a", encoding="utf-8") as fh:
        fh.write("\n" + markdown + "\n")
    result = cli(rich_site, "--no-cache")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_the_check_of_a_site_with_an_alias_bomb_returns_at_once(rich_site: Path) -> None:
    """The same refusal without a build folder (run in process, as the tests' builds are)."""
    replace_file(rich_site, CONFIG, "title: Test\n" + BOMB)
    result = run_build(rich_site / CONFIG, check=True)
    errors = [d for d in result.diagnostics.items if d.severity == "error"]
    assert [(d.path.endswith(CONFIG), d.line, d.column) for d in errors] == [(True, 3, 8)]


# The preview server.

def _request(port: int, raw: bytes) -> bytes:
    """Send raw bytes as a request; the whole answer (the server closes the connection)."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as conn:
        conn.sendall(raw)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    return data


GARBAGE = [
    (b"GET /a%00b HTTP/1.1\r\n\r\n", 400), (b"GET /a\x00b HTTP/1.1\r\n\r\n", 400),
    (b"HEAD /a%00b HTTP/1.1\r\n\r\n", 400), (b"GET /" + b"a" * 8_000 + b" HTTP/1.1\r\n\r\n", 414),
    (b"GET /" + b"a/" * 5_000 + b" HTTP/1.1\r\n\r\n", 414), (b"GET /" + b"a" * 1_000 + b" HTTP/1.1\r\n\r\n", 404),
    (b"GET /%zz HTTP/1.1\r\n\r\n", 400), (b"GET /%ff%fe HTTP/1.1\r\n\r\n", 400), (b"GET /% HTTP/1.1\r\n\r\n", 400),
    (b"GET /%0a HTTP/1.1\r\n\r\n", 400), (b"GET /\xff\xfe HTTP/1.1\r\n\r\n", 404),
    (b"GET /../../../etc/passwd HTTP/1.1\r\n\r\n", 404), (b"GARBAGE / HTTP/1.1\r\n\r\n", 405),
    (b"POST / HTTP/1.1\r\n\r\n", 405), (b"GET / HTTP/9.9\r\n\r\n", 400), (b"\x00\x01\x02 x y\r\n\r\n", 400),
]


def test_the_preview_answers_garbage_requests_with_4xx_and_keeps_serving(tiny_site: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": "1732406400"}
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", "0"], cwd=tiny_site,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        port = None
        deadline = time.monotonic() + 60
        while port is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            port = int(found[1]) if found else None
        assert port, "the preview did not start"
        for raw, status in GARBAGE:
            answer = _request(port, raw)
            assert answer.startswith(f"HTTP/1.0 {status} ".encode()) or \
                (status == 400 and b"Error code: 400" in answer), (raw[:60], answer[:200])
        assert _request(port, b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n").startswith(b"HTTP/1.0 200 ")
    finally:
        proc.terminate()
        _, stderr = proc.communicate(timeout=TIMEOUT)
    assert "Traceback" not in stderr, stderr
