"""The staging folder of a build: the spare copy of the site brought up to date, or a new folder; files
written into it or reused from the published site when their bytes did not change."""

from __future__ import annotations

import shutil
from pathlib import Path

from ..finish.handbook import HANDBOOK_DIR
from ..finish.search import INDEX_DIR
from .cache import ENTRY, digest, output_stamp, read_entry
from .meetings import MeetingState
from .publish import set_aside
from .runstate import Run
from .staging import StagingDir


def spare_path(output: Path) -> Path:
    """Where the site swapped out by the last publish is kept, to be brought up to date by the next one."""
    return output.parent / f".{output.name}.spare"


def staging_for(r: Run, finishers: bool) -> StagingDir:
    """The staging folder: the spare copy of the site, when the cache knows its files and nothing is to run
    over the whole staged site (a finisher), so that a small change writes only what differs from it
    (instead of hard-linking every unchanged file into a new folder); else a new, empty folder. For
    --check, a new folder in the (temporary) cache: nothing is written beside the output."""
    if r.options.check_only:
        return StagingDir(r.output, beside=r.cache)
    record = read_entry(r.sdir / f"spare{ENTRY}")
    (r.sdir / f"spare{ENTRY}").unlink(missing_ok=True)  # used once: whatever happens now, it is no longer true
    spare = spare_path(r.output)
    usable = r.previous is not None and not finishers and isinstance(record, tuple) and len(record) == 3 \
        and record[0] is not None and record[0] == output_stamp(spare) and isinstance(record[1], dict)
    if not usable:
        set_aside(spare, r.output)
        return StagingDir(r.output)
    # A spare file is trusted while it is the published file (one inode: edited in place, both change and the
    # published one is found changed); one replaced or removed in the spare copy leaves the published file
    # with one link.
    trusted = {p: d for p, d in record[1].items() if p not in r.changed and r.links.get(p, 0) >= 2}
    staging = StagingDir(r.output, reuse=(spare, trusted))
    unlink_staged(staging, set(record[2]) | (record[1].keys() - trusted.keys()))  # made again if needed
    for name in (INDEX_DIR, HANDBOOK_DIR):  # a finisher's folder is linked again from the published site
        shutil.rmtree(staging.path / name, ignore_errors=True)
    return staging


def remove_unused(staging: StagingDir, states: dict[str, MeetingState], site_outputs: dict[str, bytes]) -> None:
    """Remove the files of the spare copy that the new site does not have (and folders left empty)."""
    if not staging.has:
        return
    wanted = set(site_outputs).union(*(s.outputs for s in states.values()))
    unlink_staged(staging, staging.has.keys() - wanted)


def unlink_staged(staging: StagingDir, paths) -> None:
    """Remove files from the staged folder, and the folders they leave empty."""
    for rel in sorted(paths, reverse=True):
        path = staging.path / rel
        path.unlink(missing_ok=True)
        parent = path.parent
        while parent != staging.path and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent


def put_file(staging: StagingDir, output: Path, rel: str, data: bytes, kept: dict[str, bytes],
         record: dict[str, bytes]) -> None:
    """Write a file, or reuse the published one when its bytes did not change."""
    hashed = digest(data)
    record[rel] = hashed
    if staging.has.get(rel) == hashed:
        return  # the staged folder (the spare copy) holds it already
    if kept.get(rel) == hashed:
        try:
            staging.link(rel, output / rel)
            return
        except OSError:
            pass
    staging.write(rel, data)


def keep_file(staging: StagingDir, output: Path, rel: str, hashed: bytes | None) -> bool:
    """Keep a published file unchanged, linked into staging; False if it cannot be."""
    if hashed is not None and staging.has.get(rel) == hashed:
        return True
    try:
        staging.link(rel, output / rel)
        return True
    except OSError:
        return False
