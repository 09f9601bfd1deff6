"""What a build keeps for the next one: its state, the no-change check's record, the spare copy's files;
and cache entries no longer used removed."""

from __future__ import annotations

import os
from pathlib import Path

from ..finish.handbook import HANDBOOK_DIR
from ..finish.search import INDEX_DIR
from .cache import ENTRY, FastRecord, fast_key, options_key, output_stamp, write_entry
from .meetingparts import PARTS
from .meetings import SUMMARIES
from .outputfiles import FileStats, stats_digest, stats_of, tree_stats
from .publish import step
from .runstate import BuildState, Run
from .sitefiles import used_parts
from .staged import spare_path
from .staging import StagingDir


def count_pages(r: Run) -> None:
    """The pages and files of the site (the built-in assets not counted)."""
    r.result.pages = r.site_pages + sum(s.pages for s in r.states.values())
    r.result.files = r.site_files + sum(s.files for s in r.states.values())


def record(r: Run, staging: StagingDir) -> None:
    """Keep what this build made (the state), what the no-change check needs, and the spare copy's files;
    remove cache entries no longer used."""
    stamp = output_stamp(r.output)
    result, sdir = r.result, r.sdir
    files = _published_stats(r, staging)
    write_entry(sdir / f"state{ENTRY}", BuildState(r.render_key, stamp, r.states, r.site_outputs, r.memo,
                                                   r.parts_memo, r.handbook, r.pages_whole, files))
    step("recorded")
    summary = {"meetings": result.meetings, "items": result.items, "annexes": result.annexes,
               "pages": result.pages, "files": result.files, "output_dir": str(r.output),
               "diagnostics": [tuple(getattr(d, f) for f in d.__slots__) for d in result.diagnostics.items]}
    fkey = fast_key(r.options.config_path, options_key(r.options.output_dir, r.options.strict), r.options.environ)
    if r.index_kept:
        fkey = (fkey, "search index kept")  # the index may miss edits: a build that would index them differs
    write_entry(sdir / f"fast{ENTRY}", FastRecord(fkey, [str(p) for p in r.roots], r.table, r.scan_ns, stamp,
                                                  summary, stats_digest(files)))
    if r.previous is not None:
        _record_spare(r, files)
    _prune(r.cache / "parsed", {s.key.hex() for s in r.states.values()})
    _prune(r.cache / SUMMARIES, {s.summary.digest.hex() for s in r.states.values() if s.summary is not None})
    _prune(r.cache / PARTS, used_parts(r.states, r.parts_used))


def _published_stats(r: Run, staging: StagingDir) -> FileStats:
    """The stats of every file just published: those linked or kept are the files checked at the start of
    the build (the same inodes); those written are looked at now, and the finishers' folders walked."""
    written = set(staging.written).union(*(s.written for s in r.states.values()))
    for state in r.states.values():
        state.written = []  # this build's only
    every = set(r.site_outputs).union(*(s.outputs for s in r.states.values()))
    files = {p: r.current[p] for p in every - written if p in r.current}
    files.update(stats_of(r.output, written | (every - files.keys())))
    for name in (INDEX_DIR, HANDBOOK_DIR):
        files.update(tree_stats(r.output, name))
    return files


def _record_spare(r: Run, files: FileStats) -> None:
    """What the spare copy (the site just swapped out) holds that the next build may keep: the files that
    are also published now (the same inode, so checked with the published site); the others are removed."""
    assert r.previous is not None
    before = {p: d for s in r.previous.meetings.values() for p, d in s.outputs.items()}
    before.update(r.previous.site_outputs)
    old = r.previous.files
    same = {p: d for p, d in before.items() if p in files and p in old and p not in r.changed
            and files[p][2] == old[p][2]}
    write_entry(r.sdir / f"spare{ENTRY}", (output_stamp(spare_path(r.output)), same, sorted(before.keys() - same)))


def _prune(parsed: Path, keep: set[str]) -> None:
    """Remove cache entries no longer used, once they clearly outnumber the used ones (and any file of an
    older format, such as the pickles of earlier versions)."""
    try:
        entries = os.listdir(parsed)
    except OSError:
        return
    if len(entries) <= 2 * len(keep) + 16:
        return
    for name in entries:
        if not name.endswith(ENTRY) or name[: -len(ENTRY)] not in keep:
            (parsed / name).unlink(missing_ok=True)
