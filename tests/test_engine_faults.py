"""Faults and equality (issue 15, point 5): after any change, fault or kill, a build with the cache gives what a
build from scratch gives: the same exit code, the same messages and, when both succeed, the same files.

The real command (`python build.py`) in tests/test_incremental.py's generated corpus (funding annexes, base_url
set: feeds and open data too); the damaged-cache cases call the build API.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import subprocess
import time
from fnmatch import fnmatch
from pathlib import Path

import pytest

from agendasite.engine.lock import lock_path
from agendasite.engine.build import BuildOptions, build

from .test_incremental import ENV, _corpus_module, _edit_item_text, _meeting, corpus  # noqa: F401 - a fixture
from .test_safety_output import _leftovers, clean, cli, command, tree

KILL_AT = "AGENDASITE_TEST_KILL_AT"
WAITING = "waiting for another build into "


def _messages(proc: subprocess.CompletedProcess) -> tuple[list[str], str]:
    """What a build told its user: its messages and its counts (without times and folder names)."""
    counts = re.findall(r"^\d+ meetings, .* files", proc.stdout, re.M)
    return [line for line in proc.stderr.splitlines() if not line.startswith(WAITING)], "".join(counts)


def _fresh(project: Path) -> tuple[subprocess.CompletedProcess, Path]:
    """A build from scratch (--no-cache) into a new folder beside the project."""
    out = project.parent / f"clean-{len(list(project.parent.glob('clean-*')))}"
    return cli(project, "--no-cache", "--out", f"../{out.name}", timeout=120), out


def same_as_clean(project: Path) -> subprocess.CompletedProcess:
    """Build with the cache into site/, then from scratch: same exit code, messages, counts and files."""
    cached = cli(project, timeout=120)
    fresh, out = _fresh(project)
    clean(cached)
    clean(fresh)
    assert (cached.returncode, _messages(cached)) == (fresh.returncode, _messages(fresh)), cached.stderr
    if cached.returncode == 0:
        assert tree(project / "site") == tree(out)
    return cached


def _nothing_beside(project: Path) -> None:
    """No staging or old folder and no lock file beside the output after a build; the spare copy may be."""
    assert _leftovers(project) in ([], [".site.spare"]) and not lock_path(project / "site").exists()


def _built(config: Path) -> Path:
    """The corpus built once into site/; its project folder."""
    assert cli(config.parent, timeout=120).returncode == 0
    return config.parent


# a. the same files in two folders, the same meeting twice, renamed and swapped folders

def _identical_folders(content: Path, meeting: Path) -> None:
    shutil.copytree(meeting, content / f"{meeting.name}-kopi")


def _same_date_and_body(content: Path, meeting: Path) -> None:
    twin = content / "2000-01-10-tvilling"  # sorts after the meeting (the edits go to the 2nd)
    twin.mkdir()
    shutil.copy2(meeting / "meeting.md", twin / "meeting.md")
    (twin / "1-1-eneste.md").write_text("---\nnumber: 1.1\ntitle: Eneste punkt\n---\n\nTekst.\n", encoding="utf-8")


def _renamed(content: Path, meeting: Path) -> None:
    meeting.rename(content / "2000-01-10-omdoebt")


def _swapped(content: Path, meeting: Path) -> None:
    other = _meeting(content.parent / "site_config.yml", 0)
    meeting.rename(content / "swap")
    other.rename(meeting)
    (content / "swap").rename(other)


FOLDERS = [_identical_folders, _same_date_and_body, _renamed, _swapped]


@pytest.mark.parametrize("change", FOLDERS, ids=[c.__name__.strip("_") for c in FOLDERS])
def test_meeting_folders_copied_renamed_or_swapped_build_like_a_clean_build(corpus: Path, change) -> None:
    project = _built(corpus)
    change(project / "content", _meeting(corpus))
    same_as_clean(project)
    _edit_item_text(corpus)  # and a small edit after it, from the cache that change left
    same_as_clean(project)


# b. a meeting folder that is a link outside content/ (the cached build said "nothing changed")

def test_a_meeting_folder_linked_outside_content_fails_like_a_clean_build(corpus: Path, tmp_path: Path) -> None:
    project = _built(corpus)
    before = tree(project / "site")
    meeting = _meeting(corpus)
    shutil.copytree(meeting, tmp_path / "outside")  # the same files with the same times: the same stat table
    shutil.rmtree(meeting)
    meeting.symlink_to(tmp_path / "outside", target_is_directory=True)
    proc = same_as_clean(project)
    assert proc.returncode == 1 and "is a link to a place outside the content folder" in proc.stderr
    assert tree(project / "site") == before
    meeting.unlink()
    shutil.copytree(tmp_path / "outside", meeting)
    assert same_as_clean(project).returncode == 0


# c. an item "file" that is a folder or a named pipe (which must never be read: it would block)

@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_an_item_that_is_no_file_fails_like_a_clean_build(corpus: Path, kind: str) -> None:
    project = _built(corpus)
    before = tree(project / "site")
    odd = _meeting(corpus) / "9-1-ikke-en-fil.md"
    odd.mkdir() if kind == "folder" else os.mkfifo(odd)
    proc = same_as_clean(project)  # each build has two minutes (cli's timeout), not forever
    assert proc.returncode == 1 and "not an item file" in proc.stderr
    assert tree(project / "site") == before
    odd.rmdir() if kind == "folder" else odd.unlink()
    assert same_as_clean(project).returncode == 0


# d. files of the published site (or of its spare copy) changed by hand

def _replace(path: Path, text: str) -> None:
    """A hand edit that writes a new file (never through a hard link shared with the other copy)."""
    path.unlink()
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("how", ["edited", "deleted"])
def test_a_published_page_changed_by_hand_is_made_again(corpus: Path, how: str) -> None:
    project = _built(corpus)
    page = project / "site" / _meeting(corpus, 0).name / "index.html"
    _replace(page, "<p>Rettet i hånden</p>") if how == "edited" else page.unlink()
    same_as_clean(project)


def test_a_hand_edit_in_the_spare_copy_never_reaches_the_site(corpus: Path) -> None:
    project = _built(corpus)
    _edit_item_text(corpus)
    assert cli(project).returncode == 0  # now the site swapped out is kept as the spare copy
    _replace(project / ".site.spare" / _meeting(corpus, 0).name / "index.html", "<p>Rettet i hånden</p>")
    for _ in range(2):  # the next build writes into the spare copy, the one after into the copy it swapped out
        _edit_item_text(corpus)
        same_as_clean(project)


# e. damaged cache entries: every kind of file in the cache folder, truncated, garbage or empty

KINDS = {"parsed": "parsed/*.msgpack", "parts": "parts/*.msgpack", "summaries": "summaries/*.msgpack",
         "compiled": "compiled/*.cache", "template-reads": "template-reads/*.txt", "fast": "state/*/fast.msgpack",
         "state": "state/*/state.msgpack", "spare": "state/*/spare.msgpack"}
DAMAGE = {"truncated": lambda data: data[: len(data) // 2], "garbage": lambda data: os.urandom(len(data) or 64),
          "empty": lambda data: b""}


def _api(config: Path, out: Path, incremental: bool = True) -> tuple[bool, list[str]]:
    result = build(BuildOptions(config_path=config, output_dir=out, environ=dict(ENV), incremental=incremental))
    return result.ok, [str(d) for d in result.diagnostics.sorted()]


def _two_builds(config: Path, out: Path) -> Path:
    """A build and one after an edit (so the cache holds every kind of entry, the spare copy's among them)."""
    assert _api(config, out)[0]
    _edit_item_text(config)
    assert _api(config, out)[0]
    return config.parent / ".cache" / "agendasite"


def test_the_damage_cases_cover_every_kind_of_cache_entry(corpus: Path, tmp_path: Path) -> None:
    cache = _two_builds(corpus, tmp_path / "out")
    names = [p.relative_to(cache).as_posix() for p in cache.rglob("*") if p.is_file()]
    assert [n for n in names if not any(fnmatch(n, pattern) for pattern in KINDS.values())] == []
    assert [k for k, pattern in KINDS.items() if not any(fnmatch(n, pattern) for n in names)] == []


@pytest.mark.parametrize("how", DAMAGE)
@pytest.mark.parametrize("kind", KINDS)
def test_a_damaged_cache_entry_gives_a_clean_build(corpus: Path, tmp_path: Path, kind: str, how: str) -> None:
    out = tmp_path / "out"
    cache = _two_builds(corpus, out)
    for path in cache.glob(KINDS[kind]):
        path.write_bytes(DAMAGE[how](path.read_bytes()))
    for _ in range(2):  # the build that meets the damage, and the one after it (from what that one wrote)
        _edit_item_text(corpus)
        cached = _api(corpus, out)
        assert cached == _api(corpus, tmp_path / "clean", incremental=False) and cached[0]
        assert tree(out) == tree(tmp_path / "clean")


# f. a build killed with SIGKILL at a named step, or after some time

BEFORE_PUBLISH = ["scanned", "meetings", "site", "staged"]
AFTER_PUBLISH = ["swapped", "published", "recorded"]


def _killed_then_clean(project: Path, kill, old: dict[str, str]) -> None:
    """`kill` kills a build of the changed site; the output is the old or the new site, never a mix, and the
    next build with the same cache equals a clean one and leaves nothing beside the output but the spare copy."""
    fresh, out = _fresh(project)
    assert fresh.returncode == 0, fresh.stderr
    seen = kill()
    assert seen in (old, tree(out))
    same_as_clean(project)
    _nothing_beside(project)


@pytest.mark.parametrize("step", BEFORE_PUBLISH + AFTER_PUBLISH)
def test_a_build_killed_at_a_step_leaves_a_site_and_a_usable_cache(corpus: Path, step: str) -> None:
    project = _built(corpus)
    _edit_item_text(corpus)
    assert cli(project).returncode == 0  # a state and a spare copy
    old = tree(project / "site")
    _edit_item_text(corpus)

    def kill() -> dict[str, str]:
        assert cli(project, env={KILL_AT: step}).returncode == -signal.SIGKILL
        seen = tree(project / "site")
        assert (seen == old) == (step in BEFORE_PUBLISH)
        return seen

    _killed_then_clean(project, kill, old)


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.3, 1.0, 2.0])
def test_a_build_killed_after_some_time_leaves_a_site_and_a_usable_cache(tmp_path: Path, delay: float) -> None:
    module = _corpus_module()
    config = module.write_agendasite(module.generate(1000, seed=7), tmp_path / "big")
    project = _built(config)
    old = tree(project / "site")
    config.write_text(config.read_text(encoding="utf-8").replace("Benchmark", "Nyt navn"), encoding="utf-8")

    def kill() -> dict[str, str]:
        proc = subprocess.Popen(**command(project), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        return tree(project / "site")

    _killed_then_clean(project, kill, old)


# g. two builds into the same output at once

def _hold_lock(project: Path):
    """The output's lock, taken as a build takes it (with this process's id in it)."""
    fh = open(lock_path(project / "site"), "w")
    fcntl.flock(fh, fcntl.LOCK_EX)
    print(os.getpid(), file=fh, flush=True)
    return fh


def test_two_builds_into_one_output_wait_for_each_other_and_a_check_for_none(corpus: Path) -> None:
    project = _built(corpus)
    before = tree(project / "site")
    _edit_item_text(corpus)
    lock = _hold_lock(project)
    builds = [subprocess.Popen(**command(project), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for _ in range(2)]
    try:
        said = [proc.stderr.readline() for proc in builds]  # their first message, while the lock is held
        assert said == [f"{WAITING}{(project / 'site').resolve()}/ to finish (pid {os.getpid()})\n"] * 2
        time.sleep(0.5)
        assert [proc.poll() for proc in builds] == [None, None] and tree(project / "site") == before
        check = cli(project, "--check", timeout=60)  # which writes nothing: no lock to wait for
        assert check.returncode == 0 and WAITING not in check.stderr
    finally:
        lock.close()
    outcomes = [proc.communicate(timeout=120) for proc in builds]
    assert [proc.returncode for proc in builds] == [0, 0], outcomes
    assert [err.count(WAITING) for _, err in outcomes] == [0, 0]  # said once, also by the one that then waited more
    fresh, out = _fresh(project)
    assert fresh.returncode == 0 and tree(project / "site") == tree(out)
    _nothing_beside(project)


def test_the_lock_of_an_output_whose_folder_is_not_there_yet(corpus: Path) -> None:
    assert cli(corpus.parent, "--out", "../ny/mappe/site", timeout=120).returncode == 0
    assert [p.name for p in (corpus.parent.parent / "ny" / "mappe").iterdir()] == ["site"]  # no lock file
