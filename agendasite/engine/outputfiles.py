"""The published files as the last build left them: a file edited, removed or added by hand is found.

A rebuild reuses published files (hard links, the spare copy of the site) and the no-change check keeps
the output as it is, both trusting that the output holds what the last build wrote. Each build therefore
records every published file's size, modification time and inode; the next one compares them with the
files on disk, and whatever differs is made again instead of reused (and a file added by hand is left out
of the new site). Standard library only: the no-change check runs before the heavy imports.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

FileStats = dict[str, tuple[int, int, int]]  # path in the site -> (size, mtime_ns, inode)


def tree_stats(folder: Path, under: str = "", links: dict[str, int] | None = None) -> FileStats:
    """Every file under `folder` (or its sub-folder `under`), by its path in the site; links not followed.
    `links` gets each file's number of hard links (a file shared with the spare copy has two)."""
    found: FileStats = {}
    stack = [(under.rstrip("/") + "/" if under else "", os.path.join(folder, under) if under else str(folder))]
    while stack:
        rel, path = stack.pop()
        try:
            with os.scandir(path) as listing:
                for entry in listing:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append((f"{rel}{entry.name}/", entry.path))
                    else:
                        st = entry.stat(follow_symlinks=False)
                        found[rel + entry.name] = (st.st_size, st.st_mtime_ns, st.st_ino)
                        if links is not None:
                            links[rel + entry.name] = st.st_nlink
        except OSError:
            continue
    return found


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
    h = hashlib.blake2b(digest_size=16)
    for rel in sorted(stats):
        h.update(f"{rel}\0{stats[rel]}\0".encode("utf-8", "surrogateescape"))
    return h.digest()


def tampered(recorded: FileStats, current: FileStats) -> set[str]:
    """The files that are not as recorded: changed, gone, or new."""
    changed = {rel for rel, stat in recorded.items() if current.get(rel) != stat}
    return changed | (current.keys() - recorded.keys())
