"""The published files as the last build left them: a file edited, removed or added by hand is found.

A rebuild reuses published files (hard links, the spare copy of the site) and the no-change check keeps
the output as it is, both trusting that the output holds what the last build wrote. Each build therefore
records every published file's size, modification time and inode; the next one compares them with the
files on disk, and whatever differs is made again instead of reused (and a file added by hand is left out
of the new site). Standard library only: the no-change check runs before the heavy imports.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from pathlib import Path
from typing import Callable

FileStats = dict[str, tuple[int, int, int]]  # path in the site -> (size, mtime_ns, inode)


def tree_stats(folder: Path, under: str = "", links: dict[str, int] | None = None) -> FileStats:
    """Every file under `folder` (or its sub-folder `under`), by its path in the site; links not followed.
    `links` gets each file's number of hard links (a file shared with the spare copy has two)."""
    found: FileStats = {}
    counts = links if links is not None else {}
    stack = [(under.rstrip("/") + "/" if under else "", os.path.join(folder, under) if under else str(folder))]
    pop, push = stack.pop, stack.append
    while stack:
        rel, path = pop()
        try:
            with os.scandir(path) as listing:
                for entry in listing:
                    if entry.is_dir(follow_symlinks=False):
                        push((rel + entry.name + "/", entry.path))
                        continue
                    st = entry.stat(follow_symlinks=False)
                    name = rel + entry.name
                    found[name] = (st.st_size, st.st_mtime_ns, st.st_ino)
                    counts[name] = st.st_nlink
        except OSError:
            continue
    return found


PARALLEL_FILES = 5000  # published files from which a second process walks half the folders (0.1 s at 40,000)


def start_walk(folder: Path, files: int) -> Callable[[dict[str, int]], FileStats]:
    """`tree_stats` of a large published site by two processes: a forked one starts on half the folders at
    once; calling the returned function walks the others here and joins the halves (the caller may do other
    work in between, e.g. scan the inputs)."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        names = []
    if files < PARALLEL_FILES or len(names) < 4:
        return lambda links: tree_stats(folder, links=links)
    pool = multiprocessing.get_context("fork").Pool(1)
    theirs = pool.apply_async(_walk_names, (folder, names[::2]))

    def finish(links: dict[str, int]) -> FileStats:
        try:
            found, counts = _walk_names(folder, names[1::2])
            other, other_counts = theirs.get()
        finally:
            pool.terminate()
        found.update(other)
        links.update(counts)
        links.update(other_counts)
        return found
    return finish


def _walk_names(folder: Path, names: list[str]) -> tuple[FileStats, dict[str, int]]:
    """The stats of the named entries of `folder` (files, or folders walked whole) and their link counts."""
    found: FileStats = {}
    counts: dict[str, int] = {}
    for name in names:
        path = os.path.join(folder, name)
        if os.path.isdir(path) and not os.path.islink(path):
            found.update(tree_stats(folder, name, counts))
        else:
            found.update(stats_of(folder, [name]))
            try:
                counts[name] = os.lstat(path).st_nlink
            except OSError:
                pass
    return found, counts


def stats_of(folder: Path, paths) -> FileStats:
    """The stats of the named files of `folder` (those that are there)."""
    found: FileStats = {}
    for rel in paths:
        try:
            st = os.lstat(os.path.join(folder, rel))
        except OSError:
            continue
        found[rel] = (st.st_size, st.st_mtime_ns, st.st_ino)
    return found


def stats_digest(stats: FileStats) -> bytes:
    """One digest of a folder's stats (what the no-change check compares)."""
    return hashlib.blake2b(repr(sorted(stats.items())).encode("utf-8", "surrogateescape"), digest_size=16).digest()


def tampered(recorded: FileStats, current: FileStats) -> set[str]:
    """The files that are not as recorded: changed, gone, or new."""
    changed = {rel for rel, stat in recorded.items() if current.get(rel) != stat}
    return changed | (current.keys() - recorded.keys())
