"""One build at a time into an output folder: two at once would mix their staging, spare copy and cache state.

The lock is `fcntl.flock` on `.<output name>-build.lock` in the output's parent (never inside the output, which a
publish swaps whole). The system releases it when the process ends, so a killed build never leaves a stale
lock (its forked workers share it: the next build also waits for those to exit, rather than meet them); the
holder removes the file before releasing it, and a waiter that then finds the file replaced locks the new one.
"""

from __future__ import annotations

import fcntl
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..diagnostics import Diagnostics
from ..source.config import load_config


def lock_path(output: Path) -> Path:
    """Where the lock of an output folder lives (not named like the `.NAME.…` folders publish.py cleans up)."""
    return output.parent / f".{output.name}-build.lock"


def output_of(config_path: Path, output_dir: Path | None) -> Path | None:
    """The output folder a build writes to (as load_config resolves it); None if the configuration is unusable
    (the build then stops before writing anything)."""
    if output_dir is not None:
        return (Path.cwd() / output_dir).resolve()
    config = load_config(config_path, Diagnostics())
    return Path(config.output_dir) if config else None


@contextmanager
def output_lock(output: Path | None) -> Iterator[None]:
    """Hold the output's lock for the block, waiting for a build that holds it (said once on stderr). No
    output, or a parent where no file can be made: no lock (the build reports why it cannot write there)."""
    fd = _acquire(output) if output is not None and output.name else None
    try:
        yield
    finally:
        if fd is not None:
            try:
                os.unlink(lock_path(output))  # type: ignore[arg-type]  # still held: no one holds it with us
            except OSError:
                pass
            os.close(fd)


def _acquire(output: Path) -> int | None:
    path, said = lock_path(output), False
    while True:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)  # the build makes it anyway; the lock must be there first
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError:
            return None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not said:
                holder = os.pread(fd, 20, 0).decode("ascii", "replace").strip() or "unknown"
                print(f"waiting for another build into {output}/ to finish (pid {holder})", file=sys.stderr, flush=True)
                said = True
            fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            same = os.path.samestat(os.stat(path), os.fstat(fd))
        except OSError:
            same = False
        if same:
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
            return fd
        os.close(fd)  # the holder finished and removed this file: lock the one there now
