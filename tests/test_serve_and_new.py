"""`build.py serve` rebuilds and reloads; `build.py new` starts valid files; `build.py reference` prints the keys."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from agendasite.cli.reference import reference_page

from .conftest import ROOT, run_build, soup, write

ITEM = "content/2030-01-15-udvalget/1-1-forste.md"


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT), SOURCE_DATE_EPOCH="1732406400", PYTHONUNBUFFERED="1")


def _fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def _wait_for(condition, what: str, limit: float = 60.0):
    """Poll until `condition()` returns something true (a bound for a broken server, not a timing test)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


def test_serve_rebuilds_reloads_shows_errors_and_stops_on_ctrl_c(tiny_site: Path):
    proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--port", "0", "--interval", "0.1"],
                            cwd=tiny_site, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    output: list[str] = []

    def port() -> str | None:
        while not lines.empty():
            output.append(lines.get())
            match = re.search(r"serving the preview at http://127\.0\.0\.1:(\d+)/", output[-1])
            if match:
                return match[1]
        return None

    try:
        base = f"http://127.0.0.1:{_wait_for(port, 'the server to start')}"
        status, page = _fetch(f"{base}/2030-01-15-udvalget/1-1-forste/")
        assert status == 200 and "Første sag" in page
        assert "/__agendasite/version" in page  # the reload script, added while serving
        version = _fetch(f"{base}/__agendasite/version")[1]

        path = tiny_site / ITEM
        path.write_text(path.read_text(encoding="utf-8").replace("Første sag", "Rettet sag"), encoding="utf-8")
        _wait_for(lambda: _fetch(f"{base}/__agendasite/version")[1] != version, "a rebuild")
        status, page = _fetch(f"{base}/2030-01-15-udvalget/1-1-forste/")
        assert status == 200 and "Rettet sag" in page and "Første sag" not in page

        version = _fetch(f"{base}/__agendasite/version")[1]
        path.write_text(path.read_text(encoding="utf-8").replace("title:", "titel:"), encoding="utf-8")
        _wait_for(lambda: _fetch(f"{base}/__agendasite/version")[1] != version, "a failing rebuild")
        status, page = _fetch(f"{base}/2030-01-15-udvalget/1-1-forste/")
        assert status == 500
        errors = soup_text(page)
        assert f"{ITEM}:3:1: error: unknown key 'titel'" in errors and "did you mean 'title'?" in errors
        assert "/__agendasite/version" in page  # the error page reloads itself when fixed
        assert proc.poll() is None  # a failing build does not stop the preview
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    while not lines.empty():
        output.append(lines.get())
    assert proc.returncode == 0, "".join(output)
    assert "stopped." in "".join(output) and "Traceback" not in "".join(output)
    assert not (tiny_site / "site").exists()  # the preview never writes the published output


def soup_text(page: str) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(page, "html.parser").get_text()


def _new(site: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "new", *args], cwd=site, env=_env(),
                          capture_output=True, text=True, timeout=120)


def test_new_item_takes_the_next_free_number_and_builds(tiny_site: Path, monkeypatch: pytest.MonkeyPatch):
    proc = _new(tiny_site, "item", "2030-01-15-udvalget", "--title", "Budget: 2031 og frem")
    assert proc.returncode == 0, proc.stderr
    created = tiny_site / "content/2030-01-15-udvalget/1-3-budget-2031-og-frem.md"
    assert proc.stdout.strip() == f"created {created}"
    text = created.read_text(encoding="utf-8")
    assert text.startswith('---\nnumber: 1.3\ntitle: "Budget: 2031 og frem"\n')
    monkeypatch.chdir(tiny_site)
    result = run_build(Path("site_config.yml"), strict=True)
    assert result.ok, result.diagnostics.sorted()
    page = soup(tiny_site / "site/2030-01-15-udvalget/1-3-budget-2031-og-frem/index.html")
    assert page.h1.get_text(" ", strip=True) == "1.3 Budget: 2031 og frem"


def test_new_meeting_then_items_build(tiny_site: Path, monkeypatch: pytest.MonkeyPatch):
    proc = _new(tiny_site, "meeting", "--date", "2030-03-01", "--body", "Økonomiudvalget", "--start", "10:00")
    assert proc.returncode == 0, proc.stderr
    folder = tiny_site / "content/2030-03-01-okonomiudvalget"
    assert (folder / "meeting.md").is_file()
    assert _new(tiny_site, "item", "2030-03-01-okonomiudvalget").returncode == 0
    assert _new(tiny_site, "item", "2030-03-01-okonomiudvalget", "--section", "1", "--title", "Dagsorden").returncode == 0
    assert _new(tiny_site, "item", "2030-03-01-okonomiudvalget").returncode == 0
    assert sorted(p.name for p in folder.glob("*.md")) == ["1-1-dagsorden.md", "2-1-ny-sag.md", "2-2-ny-sag.md",
                                                          "meeting.md"]
    monkeypatch.chdir(tiny_site)
    result = run_build(Path("site_config.yml"), strict=True)
    assert result.ok, result.diagnostics.sorted()
    assert (tiny_site / "site/2030-03-01-okonomiudvalget/2-1-ny-sag/index.html").is_file()


def test_new_refuses_bad_input_with_a_message(tiny_site: Path):
    proc = _new(tiny_site, "meeting", "--date", "2030-02-30", "--body", "Udvalget")
    assert proc.returncode == 1 and "--date: error: the date must be a date written YYYY-MM-DD" in proc.stderr
    proc = _new(tiny_site, "item", "no-such-meeting")
    assert proc.returncode == 1 and "there is no meeting here (meeting.md not found)" in proc.stderr
    proc = _new(tiny_site, "item", "2030-01-15-udvalget", "--section", "9")
    assert proc.returncode == 1 and "section 9 is not declared" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_reference_command_prints_the_handbooks_reference_generated_from_the_schemas(tmp_path: Path):
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "reference"], cwd=tmp_path, env=_env(),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout == reference_page()
    from agendasite.source.schemas import ALL_SCHEMAS

    for schema in ALL_SCHEMAS:
        assert f"## {schema.name}" in proc.stdout
        for field in schema.fields:
            assert f"| `{field.name}` |" in proc.stdout
    out = tmp_path / "reference.md"
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "reference", "--out", str(out)], cwd=tmp_path,
                          env=_env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and out.read_text(encoding="utf-8") == reference_page()


def test_the_preview_prints_notes_only_when_asked(tiny_site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Like the build command: a note (here a stated total within the rounding of its rows) is counted, and
    printed with --verbose; the editor's terminal is not filled with them on every save."""
    from agendasite.engine.build import BuildOptions
    from agendasite.cli.serve import PreviewState, rebuild

    path = tiny_site / ITEM
    path.write_text(path.read_text(encoding="utf-8") + "\n| Post | Beløb |\n|---|--:|\n| a | 1,2 |\n| b | 1,2 |\n"
                    "| I alt | =sum 2,5 |\n", encoding="utf-8")
    options = BuildOptions(config_path=tiny_site / "site_config.yml", output_dir=tiny_site / "preview",
                           environ=_env())
    assert rebuild(options, PreviewState()).ok
    quiet = capsys.readouterr()
    assert "stated total 2,5" not in quiet.err
    assert re.search(r"^built: \d+ pages, \d+ files in [\d.]+ s; 1 note\(s\), shown with --verbose$", quiet.out, re.M)
    assert rebuild(options, PreviewState(), verbose=True).ok
    loud = capsys.readouterr()
    assert f"{ITEM}:" in loud.err and "note: stated total 2,5" in loud.err and "note(s)" not in loud.out
