"""Same sources, same bytes: two clean builds under different machines' settings give identical sites."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

EPOCH = "1000000000"  # 2001-09-09: far from the day the tests run, so a clock leaking into the output shows
SOURCES = ("site_config.yml", "mkdocs.yml", "content", "templates", "docs", ".github", ".gitlab-ci.yml")
TEXT_SUFFIXES = {".html", ".xml", ".json", ".csv", ".txt", ".ics", ".js", ".css", ".svg", ".atom"}


def _copy_shuffled(dst: Path) -> Path:
    """Copy the sources file by file in reverse order, each with its own odd modification time."""
    files = []
    for name in SOURCES:
        src = ROOT / name
        files += [src] if src.is_file() else [p for p in src.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    for n, path in enumerate(sorted(files, reverse=True)):
        target = dst / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        os.utime(target, (1_600_000_000 + n * 7919, 1_600_000_000 + n * 7919))
    return dst


def _build(config: Path, out: Path, **env: str) -> None:
    """A clean build in its own process with the given environment."""
    environ = {k: v for k, v in os.environ.items() if k not in ("TZ", "LANG", "LC_ALL", "LANGUAGE")}
    environ.update(env, SOURCE_DATE_EPOCH=EPOCH, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--strict", "--config", str(config), "--out",
                           str(out)], cwd=config.parent, env=environ, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def _files(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("repro")
    first, second = tmp / "first", tmp / "second"
    _build(ROOT / "site_config.yml", first, TZ="UTC", LANG="C.UTF-8", LC_ALL="C.UTF-8", PYTHONHASHSEED="1")
    copy = _copy_shuffled(tmp / "copy")
    _build(copy / "site_config.yml", second, TZ="Pacific/Kiritimati", LANG="da_DK.UTF-8", LC_ALL="da_DK.UTF-8",
           LANGUAGE="da", PYTHONHASHSEED="4242")
    return first, second


def test_two_builds_give_byte_identical_files(two_builds: tuple[Path, Path]):
    first, second = _files(two_builds[0]), _files(two_builds[1])
    assert sorted(first) == sorted(second)
    assert any(name.startswith("handbook/") for name in first), "the handbook is part of the published site"
    for name, path in first.items():
        a, b = path.read_bytes(), second[name].read_bytes()
        if a != b:
            diff = "\n".join(difflib.unified_diff(a.decode("utf-8", "replace").splitlines(),
                                                  b.decode("utf-8", "replace").splitlines(), lineterm="", n=1))
            pytest.fail(f"{name} differs between the two builds:\n{diff[:3000]}")


def test_no_time_stamp_comes_from_the_clock(two_builds: tuple[Path, Path]):
    """Every date in the output comes from the content or SOURCE_DATE_EPOCH, never from the build's day."""
    today = dt.date.today()
    clock = [today.isoformat(), today.strftime("%d/%m/%Y"), f"{today.day}. {today:%m}. {today.year}"]
    pinned = dt.datetime.fromtimestamp(int(EPOCH), tz=dt.timezone.utc).date().isoformat()
    found_pinned = False
    for name, path in _files(two_builds[0]).items():
        if path.suffix not in TEXT_SUFFIXES:
            continue
        text = path.read_text(encoding="utf-8")
        for stamp in clock:
            assert stamp not in text, f"{name} contains the build's date {stamp}"
        found_pinned = found_pinned or pinned in text
    assert found_pinned, "the handbook's sitemap dates come from SOURCE_DATE_EPOCH"
