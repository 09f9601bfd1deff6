"""Incremental builds publish exactly what a clean build publishes, for every kind of edit."""

from __future__ import annotations

import importlib.util
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agendasite.engine import steps as incremental
from agendasite.engine.build import BuildOptions, build
from agendasite.engine.progress import LogLines, for_stream

from .conftest import ROOT

ENV = {"SOURCE_DATE_EPOCH": "1732406400"}


def _corpus_module():
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "benchmarks" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """60 generated items in 4 meetings (enough for the worker pool; funding annexes read a data file), and a
    site template."""
    module = _corpus_module()
    config = module.write_agendasite(module.generate(60, seed=7), tmp_path / "site-src")
    root = config.parent
    (root / "templates").mkdir()
    (root / "templates" / "item.html").write_text(
        '{% extends "!default/item.html" %}\n{% block footer %}<p>Punkt</p>{% endblock %}\n', encoding="utf-8")
    return config


def _build(config: Path, out: Path, **kwargs) -> None:
    result = build(BuildOptions(config_path=config, output_dir=out, environ=dict(ENV), **kwargs))
    assert result.ok, [str(d) for d in result.diagnostics.sorted()]


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _assert_same_as_clean(config: Path, out: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean"
    _build(config, clean, incremental=False)
    incremental, expected = _tree(out), _tree(clean)
    assert sorted(incremental) == sorted(expected)
    different = [path for path in expected if incremental[path] != expected[path]]
    assert different == []


def _meeting(config: Path, index: int = 1) -> Path:
    return sorted(p for p in (config.parent / "content").iterdir() if p.is_dir() and p.name != "data")[index]


def _item(config: Path, number: str) -> Path:
    return next(_meeting(config).glob(number.replace(".", "-") + "-*.md"))


def _edit_item_text(config: Path) -> None:
    path = _item(config, "3.2")
    path.write_text(path.read_text(encoding="utf-8").replace("## Baggrund\n\n", "## Baggrund\n\nÆndret tekst. "),
                    encoding="utf-8")


def _renumber_item(config: Path) -> None:
    path = _item(config, "3.2")  # 3.2 becomes 3.20, after 3.11: neighbours' previous/next links change
    lines = ["number: 3.20" if line == "number: 3.2" else "title: Nyt nummer og titel"
             if line.startswith("title:") else line for line in path.read_text(encoding="utf-8").splitlines()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _add_item(config: Path) -> None:
    (_meeting(config) / "3-12-nyt-punkt.md").write_text(
        "---\nnumber: 3.12\ntitle: Nyt punkt om grøn omstilling\n---\n\n## Indstilling\n\nDet indstilles, at "
        "sagen godkendes.\n", encoding="utf-8")


def _remove_item(config: Path) -> None:
    _item(config, "3.5").unlink()


def _edit_annex_file(config: Path) -> None:
    (_meeting(config) / "bilag" / "oversigt.pdf").write_bytes(b"%PDF-1.4\n" + b"x" * 5000)


def _edit_data_file(config: Path) -> None:
    path = config.parent / "content" / "data" / "befolkning.csv"  # the key of every funding annex
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:1] + ["Allerød;99999"] + lines[2:]) + "\n", encoding="utf-8")


def _edit_template(config: Path) -> None:
    path = config.parent / "templates" / "item.html"
    path.write_text(path.read_text(encoding="utf-8").replace("<p>Punkt</p>", "<p>Dagsordenspunkt</p>"),
                    encoding="utf-8")


def _edit_config(config: Path) -> None:
    config.write_text(config.read_text(encoding="utf-8").replace("Benchmark – dagsordener", "Nyt navn – møder"),
                      encoding="utf-8")


def _add_meeting(config: Path) -> None:
    source = _meeting(config, 0)
    target = source.parent / "2031-02-03-nyt-udvalg"
    target.mkdir()
    (target / "meeting.md").write_text((source / "meeting.md").read_text(encoding="utf-8")
                                       .replace("date: 2000-", "date: 2031-"), encoding="utf-8")
    (target / "1-1-eneste.md").write_text("---\nnumber: 1.1\ntitle: Eneste punkt\n---\n\nTekst.\n", encoding="utf-8")


EDITS = [_edit_item_text, _renumber_item, _add_item, _remove_item, _edit_annex_file, _edit_data_file,
         _edit_template, _edit_config, _add_meeting]


@pytest.fixture(params=["search", "no-search"])
def publish_mode(request: pytest.FixtureRequest, corpus: Path) -> str:
    """A rebuild with the search index built by the Pagefind finisher over the staged folder, and one without
    any finisher (unchanged files are hard-linked into the staged folder either way)."""
    _search(corpus, request.param == "search")
    return request.param


def _search(config: Path, on: bool) -> None:
    text = "\n".join(line for line in config.read_text(encoding="utf-8").splitlines() if not line.startswith("search:"))
    config.write_text(text + f"\nsearch: {'true' if on else 'false'}\n", encoding="utf-8")


@pytest.mark.parametrize("edit", EDITS, ids=[e.__name__.lstrip("_") for e in EDITS])
def test_incremental_build_equals_clean_build(corpus: Path, tmp_path: Path, edit, publish_mode: str) -> None:
    out = tmp_path / "out"
    _build(corpus, out)
    before = _tree(out)
    edit(corpus)
    _build(corpus, out)
    assert _tree(out) != before  # the edit shows
    _assert_same_as_clean(corpus, out, tmp_path)


def test_several_edits_in_a_row_and_no_change(corpus: Path, tmp_path: Path, publish_mode: str) -> None:
    out = tmp_path / "out"
    _build(corpus, out)
    for edit in (_edit_item_text, _add_item, _edit_template, _remove_item):
        edit(corpus)
        _build(corpus, out)
    stamp = out.stat().st_ino
    _build(corpus, out)  # nothing changed: the published folder stays as it is
    assert out.stat().st_ino == stamp
    _assert_same_as_clean(corpus, out, tmp_path)


@pytest.mark.parametrize("large, background", [(0, True), (100_000, False)])
def test_the_swapped_out_site_is_kept_as_the_spare_and_the_one_before_removed(corpus: Path, tmp_path: Path,
                                                                              monkeypatch, large: int,
                                                                              background: bool) -> None:
    """A rebuild swaps the new folder in and keeps the old one beside it as the spare copy the next small
    change is written into; the spare it replaces is removed, by a detached process when it is large (the
    build does not wait for its unlinks), a small one at once; nothing else stays."""
    from agendasite.engine import publish

    _search(corpus, False)
    monkeypatch.setattr(publish, "LARGE_FOLDER", large)
    out = tmp_path / "out"
    leftovers = lambda: sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out."))  # noqa: E731
    _build(corpus, out)
    assert leftovers() == []  # nothing was swapped out
    for edit in (_edit_template, _edit_item_text, _edit_template):
        edit(corpus)
        _build(corpus, out)
        for _ in range(100):
            if leftovers() == [".out.spare"]:
                break
            assert background  # removed before the build returned
            time.sleep(0.1)
        assert leftovers() == [".out.spare"]
        _assert_same_as_clean(corpus, out, tmp_path)


def test_same_bytes_whatever_the_number_of_workers(corpus: Path, tmp_path: Path) -> None:
    _build(corpus, tmp_path / "one", jobs=1, cache_dir=tmp_path / "cache-1")
    _build(corpus, tmp_path / "two", jobs=2, cache_dir=tmp_path / "cache-2")
    _build(corpus, tmp_path / "cached", jobs=2, cache_dir=tmp_path / "cache-1")  # parsed meetings from the cache
    assert _tree(tmp_path / "one") == _tree(tmp_path / "two") == _tree(tmp_path / "cached")
    _assert_same_as_clean(corpus, tmp_path / "two", tmp_path)


def test_files_hashed_by_several_processes_give_the_same_table(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    """A first build of a large site reads its files in several processes: the same digests, in the scan's order,
    a file gone since the scan left out; the build state then tells an edited file from an unchanged one."""
    from agendasite.engine import cache

    found = cache.scan([corpus.parent])
    gone = corpus.parent / "gone.md"
    found[str(gone)] = (1, 1)  # scanned, then deleted before it was read
    serial = cache.hash_table(found, {}, 0, workers=1)
    monkeypatch.setattr(cache, "PARALLEL_HASHING", 2)
    monkeypatch.setattr(cache, "HASH_CHUNK", 7)
    parallel = cache.hash_table(found, {}, 0, workers=2)
    assert list(parallel.items()) == list(serial.items())
    assert str(gone) not in parallel and len(parallel) == len(found) - 1 > 50
    assert parallel[str(corpus)][2] == cache.digest(corpus.read_bytes())

    out = tmp_path / "out"
    _build(corpus, out, jobs=2, cache_dir=tmp_path / "cache")
    first = _tree(out)
    _build(corpus, out, jobs=2, cache_dir=tmp_path / "cache")
    assert _tree(out) == first
    item = sorted((corpus.parent / "content").rglob("*.md"))[3]
    item.write_text(item.read_text(encoding="utf-8") + "\nEn ny sætning.\n", encoding="utf-8")
    _build(corpus, out, jobs=2, cache_dir=tmp_path / "cache")
    assert _tree(out) != first
    _assert_same_as_clean(corpus, out, tmp_path)


def test_failed_build_keeps_output_and_next_build_is_complete(corpus: Path, tmp_path: Path,
                                                              publish_mode: str) -> None:
    out = tmp_path / "out"
    _build(corpus, out)
    published = _tree(out)
    path = _item(corpus, "3.3")
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace("number: 3.3", "number: 9.1"), encoding="utf-8")  # undeclared section
    result = build(BuildOptions(config_path=corpus, output_dir=out, environ=dict(ENV)))
    assert not result.ok and any("section 9" in d.message for d in result.diagnostics.items)
    assert _tree(out) == published
    path.write_text(good.replace("## Baggrund", "## Baggrund\n\nRettet."), encoding="utf-8")
    _build(corpus, out)
    _assert_same_as_clean(corpus, out, tmp_path)


def test_warnings_are_reported_again_when_nothing_changed(tiny_site: Path) -> None:
    item = tiny_site / "content" / "2030-01-15-udvalget" / "1-1-forste.md"
    item.write_text(item.read_text(encoding="utf-8") + "\n| Kommune | Beløb |\n|---|--:|\n| A | 1 |\n| B | 2 |\n"
                    "| I alt | =sum 99 |\n", encoding="utf-8")  # a wrongly stated total: a warning
    first = build(BuildOptions(config_path=tiny_site / "site_config.yml", environ=dict(ENV)))
    second = build(BuildOptions(config_path=tiny_site / "site_config.yml", environ=dict(ENV)))
    assert first.ok and second.ok
    assert [d.severity for d in first.diagnostics.sorted()] == ["warning"]
    assert first.diagnostics.sorted() == second.diagnostics.sorted()
    assert (second.meetings, second.items, second.pages, second.files) == \
        (first.meetings, first.items, first.pages, first.files)
    strict = build(BuildOptions(config_path=tiny_site / "site_config.yml", environ=dict(ENV), strict=True))
    assert not strict.ok


def test_progress_is_plain_lines_when_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = for_stream(stream, {"CI": "false"})
    assert isinstance(progress, LogLines)
    progress.phase("parse and render meetings", 3)
    progress.advance(3)
    progress.done()
    assert stream.getvalue().startswith("parse and render meetings: 3 in ")
    assert "\r" not in stream.getvalue() and "\x1b" not in stream.getvalue()


def test_cli_on_a_terminal_draws_a_bar_then_a_phase_summary(corpus: Path, tmp_path: Path) -> None:
    """On an interactive terminal (a pseudo-terminal here) and without CI: the bar is redrawn in place, wiped,
    and the phases are summarised in a table before the closing line."""
    import pty

    env = {k: v for k, v in os.environ.items() if k != "CI"} | {"PYTHONPATH": str(ROOT), "TERM": "xterm", **ENV}
    leader, follower = pty.openpty()
    with subprocess.Popen([sys.executable, str(ROOT / "build.py"), "--config", str(corpus), "--out",
                           str(tmp_path / "out"), "--jobs", "2"], stdout=follower, stderr=follower,
                          stdin=subprocess.DEVNULL, env=env, cwd=tmp_path) as child:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert child.wait(timeout=120) == 0
    os.close(leader)
    shown = b"".join(chunks).decode("utf-8")
    assert "\rparse and render meetings" in shown and "█" in shown and " 4/4" in shown  # the bar, redrawn
    assert "\r\x1b[K" in shown  # wiped when the phase ends
    lines = [line.rstrip("\r").split("\r")[-1].replace("\x1b[K", "") for line in shown.split("\n")]  # as seen
    summary = [line for line in lines if line.startswith("  ")]
    assert [line.split()[0] for line in summary][:2] == ["scan", "reuse"]
    assert any(line.split()[:4] == ["parse", "and", "render", "meetings"] and line.split()[4] == "4"
               for line in summary)
    assert not any(line.startswith("parse and render meetings: ") for line in lines)  # no plain log lines
    assert [line for line in lines if line][-1].startswith("4 meetings, 60 items")


def test_cli_under_ci_prints_plain_phase_lines(corpus: Path, tmp_path: Path) -> None:
    env = dict(os.environ, CI="true", PYTHONPATH=str(ROOT), **ENV)
    run = subprocess.run([sys.executable, str(ROOT / "build.py"), "--config", str(corpus), "--out",
                          str(tmp_path / "out")], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert any(line.startswith("parse and render meetings: 4 in ") for line in lines)
    assert lines[-1].startswith("4 meetings, 60 items")
    assert "\r" not in run.stdout and "\x1b" not in run.stdout
    again = subprocess.run([sys.executable, str(ROOT / "build.py"), "--config", str(corpus), "--out",
                            str(tmp_path / "out")], capture_output=True, text=True, env=env, cwd=tmp_path)
    assert again.returncode == 0 and "nothing changed since the last build" in again.stdout
    assert again.stdout.splitlines()[-1].startswith("4 meetings, 60 items") and \
        f"files unchanged in {tmp_path / 'out'} in " in again.stdout.splitlines()[-1]


def test_only_changed_files_are_written(corpus: Path, tmp_path: Path, publish_mode: str) -> None:
    out = tmp_path / "out"
    _build(corpus, out)
    edited_meeting, other_meeting = _meeting(corpus, 1).name, _meeting(corpus, 2).name
    edited_page = out / edited_meeting / _item(corpus, "3.2").stem / "index.html"
    same_page_in_same_meeting = out / edited_meeting / _item(corpus, "3.7").stem / "index.html"
    other_page = next((out / other_meeting).rglob("index.html"))
    inodes = {p: p.stat().st_ino for p in (edited_page, same_page_in_same_meeting, other_page)}
    _edit_item_text(corpus)
    _build(corpus, out)
    assert edited_page.stat().st_ino != inodes[edited_page]  # rewritten
    assert same_page_in_same_meeting.stat().st_ino == inodes[same_page_in_same_meeting]  # re-rendered, same bytes
    assert other_page.stat().st_ino == inodes[other_page]  # its meeting was not even parsed


def test_interrupted_publish_is_followed_by_a_complete_build(corpus: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from agendasite.engine.staging import StagingDir

    _search(corpus, False)
    out = tmp_path / "out"
    _build(corpus, out)
    before = _tree(out)
    _edit_item_text(corpus)

    def crash(*args, **kwargs) -> None:
        raise KeyboardInterrupt  # as if the build were stopped just before the swap

    monkeypatch.setattr(StagingDir, "publish", crash)
    with pytest.raises(KeyboardInterrupt):
        build(BuildOptions(config_path=corpus, output_dir=out, environ=dict(ENV)))
    monkeypatch.undo()
    assert _tree(out) == before
    _build(corpus, out)
    _assert_same_as_clean(corpus, out, tmp_path)


def test_link_into_another_meeting_is_checked_again_when_only_the_target_changes(corpus: Path,
                                                                                 tmp_path: Path) -> None:
    out = tmp_path / "out"
    source = _item(corpus, "3.2")
    target_meeting = _meeting(corpus, 2)
    target = next(target_meeting.glob("3-1-*.md"))
    source.write_text(source.read_text(encoding="utf-8") + f"\nSe [sagen](../{target_meeting.name}/{target.name}"
                      "#baggrund).\n", encoding="utf-8")
    _build(corpus, out)
    target.write_text(target.read_text(encoding="utf-8").replace("## Baggrund", "## Indledning"), encoding="utf-8")
    result = build(BuildOptions(config_path=corpus, output_dir=out, environ=dict(ENV)))
    clean = build(BuildOptions(config_path=corpus, output_dir=tmp_path / "clean", environ=dict(ENV),
                               incremental=False))
    assert not result.ok and not clean.ok
    assert result.diagnostics.sorted() == clean.diagnostics.sorted()
    assert any("#baggrund" in d.message for d in result.diagnostics.items)


def test_the_embedded_site_with_its_handbook_is_unchanged_on_a_second_build(tmp_path):
    """The handbook's inputs are mkdocs.yml, docs/ and what the pages include, not the whole folder of
    mkdocs.yml (which holds site/ and .cache/ too): a second build with the default layout changes nothing."""
    import shutil

    from .conftest import ROOT

    for name in ("site_config.yml", "mkdocs.yml", ".gitlab-ci.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    for name in ("content", "templates", "docs", ".github"):
        shutil.copytree(ROOT / name, tmp_path / name)
    command = [sys.executable, str(ROOT / "build.py")]
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1732406400", "CI": "true", "PYTHONPATH": str(ROOT)}
    env.pop("AGENDASITE_CACHE_DIR", None)
    first = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "site" / "handbook" / "index.html").is_file() and (tmp_path / ".cache").is_dir()
    second = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert second.returncode == 0, second.stderr
    assert "nothing changed since the last build" in second.stdout
    (tmp_path / "docs" / "index.md").write_text((tmp_path / "docs" / "index.md").read_text("utf-8") + "\nMere.\n",
                                                encoding="utf-8")
    third = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert third.returncode == 0 and "nothing changed" not in third.stdout
    assert "Mere." in (tmp_path / "site" / "handbook" / "index.html").read_text("utf-8")


def test_a_rebuild_may_keep_the_search_index(corpus: Path, tmp_path: Path) -> None:
    """The preview's rebuilds (serve.py) keep the last search index instead of running Pagefind over the whole
    site: the index files stay the same files; every other file is what a clean build gives."""
    _search(corpus, True)
    out = tmp_path / "out"
    _build(corpus, out, keep_search_index=True)  # no index yet: Pagefind builds it
    index = {p: p.stat().st_ino for p in (out / "pagefind").rglob("*") if p.is_file()}
    assert any(p.name == "pagefind.js" for p in index)
    _edit_item_text(corpus)
    _build(corpus, out, keep_search_index=True)
    assert {p: p.stat().st_ino for p in (out / "pagefind").rglob("*") if p.is_file()} == index
    clean = tmp_path / "clean"
    _build(corpus, clean, incremental=False)
    kept, expected = _tree(out), _tree(clean)
    assert {k: v for k, v in kept.items() if not k.startswith("pagefind/")} == \
        {k: v for k, v in expected.items() if not k.startswith("pagefind/")}
    _build(corpus, out)  # a build without keep_search_index indexes the site again
    assert {p: p.stat().st_ino for p in (out / "pagefind").rglob("*") if p.is_file()} != index
    assert _tree(out) == _tree(clean)
