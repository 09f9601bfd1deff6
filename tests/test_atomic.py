"""--check writes nothing, --strict fails on warnings, and publishing is atomic even when a build dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .conftest import ROOT, run_build, write

ITEM = "content/2030-01-15-udvalget/1-1-forste.md"


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def siblings(site: Path) -> list[str]:
    """Folders beside the output left by builds, except the spare copy of the site a rebuild keeps on purpose."""
    return sorted(p.name for p in site.iterdir() if p.name.startswith(".site.") and p.name != ".site.spare")


def _cli(site: Path, *args: str, code: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), SOURCE_DATE_EPOCH="1732406400")
    command = [sys.executable, "-c", code, *args] if code else [sys.executable, str(ROOT / "build.py"), *args]
    return subprocess.run(command, cwd=site, env=env, capture_output=True, text=True, timeout=120)


def test_check_writes_nothing(tiny_site: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tiny_site)
    before = sorted(p.relative_to(tiny_site) for p in tiny_site.rglob("*"))
    proc = _cli(tiny_site, "--check")
    assert proc.returncode == 0, proc.stderr
    assert "checked" in proc.stdout
    assert sorted(p.relative_to(tiny_site) for p in tiny_site.rglob("*")) == before
    result = run_build(Path("site_config.yml"), check=True)
    assert result.ok and result.output_dir is None and not (tiny_site / "site").exists()


def test_check_leaves_an_existing_site_alone_and_finds_the_same_errors(tiny_site: Path,
                                                                     monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tiny_site)
    assert run_build(Path("site_config.yml")).ok
    before = snapshot(tiny_site / "site")
    (tiny_site / ITEM).write_text("---\nnumber: 1.1\ntitle: Ny titel\n---\nSe [x](mangler.md).\n", encoding="utf-8")
    proc = _cli(tiny_site, "--check")
    assert proc.returncode == 1
    assert f"{ITEM}:5: error: the link 'mangler.md' points to a page the site does not have" in proc.stderr
    assert "nothing was written" in proc.stderr
    (tiny_site / ITEM).write_text("---\nnumber: 1.1\ntitle: Ny titel\n---\nTekst.\n", encoding="utf-8")
    assert _cli(tiny_site, "--check").returncode == 0
    assert snapshot(tiny_site / "site") == before and siblings(tiny_site) == []


def test_strict_turns_warnings_into_errors(tiny_site: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tiny_site)
    write(tiny_site, ITEM, """
        ---
        number: 1.1
        title: Første sag
        ---
        Vand er H<sub>2</sub>O, men <span onmouseover="x()">dette</span> er ikke tilladt.
    """)
    plain = _cli(tiny_site)
    assert plain.returncode == 0, plain.stderr
    assert f"{ITEM}:5: warning: raw HTML removed: the attribute 'onmouseover' of <span>" in plain.stderr
    assert "1 warning(s)" in plain.stdout
    before = snapshot(tiny_site / "site")
    (tiny_site / ITEM).write_text((tiny_site / ITEM).read_text(encoding="utf-8").replace("dette", "det"),
                                  encoding="utf-8")
    strict = _cli(tiny_site, "--strict")
    assert strict.returncode == 1
    assert f"{ITEM}:5: error: raw HTML removed: the attribute 'onmouseover' of <span> [--strict]" in strict.stderr
    assert "build failed: 1 error(s), 0 warning(s)" in strict.stderr
    assert snapshot(tiny_site / "site") == before


# A build whose writes are made to fail: the real pipeline, with StagingDir.write wrapped so the
# process raises (or is killed) after a few files, as a full disk or a power cut would.
_INTERRUPT = textwrap.dedent("""
    import os, signal, sys
    from agendasite.engine import staging as write
    from agendasite.cli.main import main
    mode, count = sys.argv[1], [0]
    original = write.StagingDir.write
    def failing(self, rel, data):
        count[0] += 1
        if count[0] == 4:
            original(self, rel, data[: len(data) // 2])  # half a file is on disk
            if mode == "kill":
                os.kill(os.getpid(), signal.SIGKILL)
            raise OSError(28, "No space left on device")
        original(self, rel, data)
    write.StagingDir.write = failing
    sys.exit(main(sys.argv[2:]))
""")


def _change_every_page(site: Path) -> None:
    config = site / "site_config.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("title: Test", "title: Ny titel"),
                      encoding="utf-8")


def test_exception_mid_write_leaves_the_previous_output_byte_for_byte(tiny_site: Path):
    assert _cli(tiny_site).returncode == 0
    before = snapshot(tiny_site / "site")
    _change_every_page(tiny_site)
    proc = _cli(tiny_site, "raise", code=_INTERRUPT)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "internal error: OSError: [Errno 28] No space left on device" in proc.stderr
    assert "the previous output was left untouched" in proc.stderr
    assert snapshot(tiny_site / "site") == before
    assert siblings(tiny_site) == []


def test_killed_build_leaves_the_previous_output_and_the_next_build_cleans_up(tiny_site: Path):
    assert _cli(tiny_site).returncode == 0
    before = snapshot(tiny_site / "site")
    _change_every_page(tiny_site)
    proc = _cli(tiny_site, "kill", code=_INTERRUPT)
    assert proc.returncode == -signal.SIGKILL
    assert snapshot(tiny_site / "site") == before
    stale = siblings(tiny_site)
    assert len(stale) == 1 and stale[0].startswith(".site.building-")
    assert _cli(tiny_site).returncode == 0
    assert siblings(tiny_site) == []
    assert "Ny titel" in (tiny_site / "site" / "index.html").read_text(encoding="utf-8")


def test_a_failed_build_after_a_good_one_keeps_it(tiny_site: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tiny_site)
    assert run_build(Path("site_config.yml")).ok
    before = snapshot(tiny_site / "site")
    (tiny_site / ITEM).write_bytes(b"\xff\xfe")
    result = run_build(Path("site_config.yml"))
    assert not result.ok and snapshot(tiny_site / "site") == before and siblings(tiny_site) == []


_INTERNAL = textwrap.dedent("""
    import sys
    from agendasite.compute import tables
    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")
    tables.compute_table = broken
    import agendasite.markdown.parser as md
    md.compute_table = broken
    from agendasite.cli.main import main
    sys.exit(main([]))
""")


def test_internal_error_says_so_and_names_the_file_being_processed(tiny_site: Path):
    write(tiny_site, "content/2030-01-15-udvalget/1-2-anden.md", """
        ---
        number: 1.2
        title: Anden sag
        ---
        | Kommune | Beløb |
        |---|---:|
        | A | 1 |
        | I alt | =sum |
    """)
    proc = _cli(tiny_site, code=_INTERNAL)
    assert proc.returncode == 1
    assert "Traceback (most recent call last)" not in proc.stderr
    first = proc.stderr.splitlines()[0]
    assert first == ("content/2030-01-15-udvalget/1-2-anden.md: error: internal error: "
                     "ZeroDivisionError: division by zero")
    assert "this is a bug in agendasite" in proc.stderr and "File \"" not in proc.stderr


def test_template_mistake_is_reported_at_the_template_line(tiny_site: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tiny_site)
    write(tiny_site, "templates/item.html", """
        {% extends "!default/item.html" %}
        {% block main %}
        <p>{{ item.no_such_value }}</p>
        {% endblock %}
    """)
    result = run_build(Path("site_config.yml"))
    assert not result.ok
    errors = [(d.path, d.line, d.message) for d in result.diagnostics.sorted()]
    assert errors == [("templates/item.html", 3,
                       "template error: 'agendasite.model.Item object' has no attribute 'no_such_value'")]
