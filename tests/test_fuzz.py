"""Property: whatever front matter and Markdown an editor writes, the build succeeds or reports located errors."""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agendasite.diagnostics import format_diagnostic

from .conftest import run_build, write

ITEM = "content/2030-01-15-udvalget/1-1-forste.md"
MEETING = "content/2030-01-15-udvalget/meeting.md"
KEYS = ["number", "title", "case", "officer", "public", "annexes", "titel", "date", "sections", "file", "page",
        "body", "start", "notes", "status", "partial"]

scalars = st.one_of(
    st.text(max_size=20), st.integers(), st.floats(allow_nan=False), st.booleans(), st.none(),
    st.sampled_from(["1.1", "3.10", "SAG-2024-02570", "10:00", "2030-02-30", "bilag/x.pdf", "../../etc/passwd",
                     "/etc/passwd", "ja", "nej", "", "~", "*alias", "&anchor", "!!binary x", "=sum"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(KEYS + ["title", "file", "url"]), inner,
                                                 max_size=3)), max_leaves=8)
front_dicts = st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)), values, max_size=6)
front_texts = st.one_of(
    st.sampled_from([  # valid front matter, so that the Markdown body is rendered and checked
        "number: 1.1\ntitle: Første sag", "number: 1.1\ntitle: Lukket\npublic: false",
        "body: Udvalget\ndate: 2030-01-15\nsections:\n  - number: 1\n    title: Sager",
    ]),
    front_dicts.map(lambda d: yaml.safe_dump(d, allow_unicode=True, sort_keys=False)),
    st.text(max_size=120),  # anything at all, including broken YAML, tabs and control characters
)
fragments = st.sampled_from([
    "## Indstilling\n", "| a | b |\n|---|---:|\n| x | 1 |\n| I alt | =sum |\n", "| a | =rowsum |\n|--|--|\n",
    "<script>x()</script>", "<sub>2</sub>", "<b onclick=x>", "[l](1-2-anden.md#nope)", "[l](../)", "[l](/x)",
    "[l](javascript:x)", "![i](bilag/x.png)", "\t- tab", "\r\n", "\ufeff", "```\ncode\n", "> quote", "&amp;",
    "=sum 12,5", "| =sum |", "<!-- c -->", "<div>", "\x00", "\x1b", "# H1", "### H3 {#x}",
])
bodies = st.lists(st.one_of(st.text(max_size=40), fragments), max_size=8).map("".join)


@settings(max_examples=int(os.environ.get("AGENDASITE_FUZZ_EXAMPLES", "150")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(target=st.sampled_from([ITEM, ITEM, MEETING]), front=front_texts, body=bodies)
def test_any_item_file_builds_or_fails_with_located_errors(tiny_site: Path, monkeypatch, target: str, front: str,
                                                           body: str):
    monkeypatch.chdir(tiny_site)
    path = tiny_site / target
    path.write_bytes(f"---\n{front}\n---\n{body}".encode("utf-8", errors="surrogatepass"))
    result = run_build(Path("site_config.yml"), check=True)
    report = "\n".join(format_diagnostic(d) for d in result.diagnostics.sorted())
    assert "internal error" not in report and "Traceback" not in report, report
    errors = [d for d in result.diagnostics.items if d.severity == "error"]
    assert result.ok == (not errors), report
    for diag in result.diagnostics.items:
        assert (tiny_site / diag.path).exists(), report  # every problem names a file of the site
        if diag.path == target and diag.line is not None:
            lines = path.read_bytes().replace(b"\r\n", b"\n").replace(b"\r", b"\n").count(b"\n") + 1
            assert 1 <= diag.line <= lines, report
        assert diag.hint or diag.severity == "note", report
    assert not (tiny_site / "site").exists()


def test_the_fuzzed_file_is_written_where_the_build_reads_it(tiny_site: Path, monkeypatch):
    """Guard for the property above: a bad item file written the same way does fail the build."""
    monkeypatch.chdir(tiny_site)
    write(tiny_site, ITEM, "---\ntitel: x\n---\n")
    assert not run_build(Path("site_config.yml"), check=True).ok
