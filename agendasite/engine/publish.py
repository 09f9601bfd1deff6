"""Publishing a staged site: swap it with the output in one step, and repair what a killed build left.

At every moment the output path holds the complete old site or the complete new one. On Linux the
staged folder and the output are exchanged by one `renameat2(RENAME_EXCHANGE)`; where the system has
no such call (or the file system refuses it) the old output is renamed aside and the staged folder
renamed into its place, and a build that starts after one killed between those two renames puts the
old output back before anything else (`recover_output`). A staged folder is complete once it holds
the build's marker (write.MARKER), which is written last, just before the swap.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import signal
import subprocess
from pathlib import Path

_AT_FDCWD = -100  # Linux: paths relative to the working folder
_RENAME_EXCHANGE = 2  # renameat2 flag: swap the two paths atomically
_NO_EXCHANGE = {errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP}
# Test hooks (environment): kill the build with SIGKILL at a named step of the publish, or act as if the
# system had no atomic exchange, so the tests can check what a killed build leaves at each step.
KILL_AT = "AGENDASITE_TEST_KILL_AT"
NO_EXCHANGE = "AGENDASITE_TEST_NO_EXCHANGE"


def step(name: str) -> None:
    """A named step of the publish: the tests' kill hook (KILL_AT) acts here; otherwise nothing."""
    if os.environ.get(KILL_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _renameat2():
    """libc's renameat2, or None where the C library has none (not Linux, or glibc before 2.28)."""
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def exchange(first: Path, second: Path) -> bool:
    """Swap two existing folders in one atomic step; False (nothing changed) where the system cannot."""
    function = None if os.environ.get(NO_EXCHANGE) else _renameat2()
    if function is None:
        return False
    if function(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _NO_EXCHANGE:
        return False
    raise OSError(code, os.strerror(code), str(second))


def swap_in(staged: Path, output: Path, aside: Path) -> Path | None:
    """Put the staged folder at the output path; return where the old output now is (None: there was none).
    `aside` is a free name beside the output for the old one when the two renames are needed."""
    if not os.path.lexists(output):
        os.rename(staged, output)
        step("swapped")
        return None
    if exchange(staged, output):
        step("swapped")
        return staged  # the old site now has the staged folder's name
    os.rename(output, aside)
    step("aside")  # the only moment without an output: recover_output repairs it
    try:
        os.rename(staged, output)
    except OSError:
        os.rename(aside, output)  # the old site back at once
        raise
    step("swapped")
    return aside


def _pid_of(folder: Path, prefix: str) -> int | None:
    text = folder.name[len(prefix):].split("-", 1)[0]
    return int(text) if text.isdigit() else None


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def leftovers(output: Path, kind: str) -> list[Path]:
    """The `.NAME.<kind>-PID-…` folders beside the output whose build is no longer running, newest first."""
    prefix = f".{output.name}.{kind}-"
    found = [f for f in output.parent.glob(f"{prefix}*") if f.is_dir() and not f.is_symlink()
             and not _alive(_pid_of(f, prefix))]
    return sorted(found, key=lambda f: f.stat().st_mtime_ns, reverse=True)


def recover_output(output: Path, marker: str) -> Path | None:
    """A missing output whose build was killed mid-publish is put back: the old site set aside, else a
    complete staged one (it holds the marker). Returns the folder put back, or None."""
    if os.path.lexists(output) or not output.parent.is_dir():
        return None
    for candidate in leftovers(output, "old") + [f for f in leftovers(output, "building") if (f / marker).is_file()]:
        try:
            os.rename(candidate, output)
        except OSError:
            continue
        return candidate
    return None


def remove_stale(output: Path, marker: str) -> list[Path]:
    """Remove staging and old folders left by killed builds (their process is gone); return them. A copy of
    the site is removed only once the output is back in place, so it is never the last one."""
    recover_output(output, marker)
    present = os.path.isdir(output)
    removed = []
    for kind in ("building", "old", "trash"):
        for folder in leftovers(output, kind):
            if present or kind == "trash" or (kind == "building" and not (folder / marker).is_file()):
                remove_folder(folder, background=folder.stat().st_nlink > LARGE_FOLDER)
                removed.append(folder)
    return removed


# subfolders (a folder's link count, less 2) above which a leftover copy of the site is removed by a detached
# `rm -rf`: the old copy of a large site may still be being removed by the build before, which the next
# build need not wait for
LARGE_FOLDER = 100


def set_aside(folder: Path, output: Path, background: bool = False) -> None:
    """Remove a copy of the site beside the output, if there: first renamed to `.NAME.trash-…` (its name
    is free again at once, and a half-removed copy is never taken for a site to put back), then removed,
    by a detached `rm -rf` when `background` or large."""
    if not os.path.isdir(folder) or os.path.islink(folder):
        return
    trash = output.parent / f".{output.name}.trash-{os.getpid()}-{folder.name.rsplit('-', 1)[-1]}"
    os.rename(folder, trash)
    remove_folder(trash, background=background or trash.stat().st_nlink > LARGE_FOLDER)


def remove_folder(folder: Path, background: bool) -> None:
    """Remove a folder: at once, or (large ones, where `rm` exists) by a detached `rm -rf` the build does
    not wait for."""
    if background and shutil.which("rm"):
        subprocess.Popen(["rm", "-rf", "--", str(folder)], start_new_session=True, stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    else:
        shutil.rmtree(folder, ignore_errors=True)
