"""The no-change check: the last build's result again when no input, option or published file changed.

Standard library only (with the cache's record), so that `build.py` answers "nothing changed" before
importing Jinja, markdown-it or Babel.
"""

from __future__ import annotations

import time
from pathlib import Path

from .cache import (ENTRY, RACY_NS, FastRecord, fast_key, hash_table, options_key, output_stamp, read_entry,
                    resolve_cache_dir, scan, state_dir, write_entry)


# (the roots as text, every file's (size, mtime_ns), when the scan began, the output folder, its files'
# stats and link counts: outputfiles.tree_stats)
Scan = tuple


def unchanged_since_last_build(state: Path, key: tuple) -> tuple[FastRecord | None, Scan | None]:
    """The previous build's record if no input, option or output changed since; else None, with the scan
    that found the change (for the build that follows at once: it need not scan again)."""
    record = read_entry(state / f"fast{ENTRY}")
    if not isinstance(record, FastRecord) or record.key != key or record.output is None:
        return None, None
    if output_stamp(Path(record.output[0])) != record.output:
        return None, None
    from .outputfiles import start_walk, stats_digest

    files = int(record.summary.get("pages", 0)) + int(record.summary.get("files", 0))
    walk = start_walk(Path(record.output[0]), files)  # the published files, in another process meanwhile
    started = time.time_ns()
    found = scan([Path(r) for r in record.roots])
    links: dict[str, int] = {}
    published = walk(links)  # the build that follows needs them too
    taken = (list(record.roots), found, started, record.output[0], published, links)
    if found.keys() != record.table.keys():
        return None, taken
    if stats_digest(published) != record.files:  # a published file edited, removed or added by hand
        return None, taken
    racy = False
    for path, (size, mtime) in found.items():
        old = record.table[path]
        if old[0] != size:
            return None, taken
        if old[1] != mtime or mtime >= record.scan_ns - RACY_NS:
            racy = True
    if racy:
        now = time.time_ns()
        table = hash_table(found, record.table, record.scan_ns)
        if any(table.get(p, (0, 0, b""))[2] != old[2] for p, old in record.table.items()):
            return None, taken
        record.table, record.scan_ns = table, now
        write_entry(state / f"fast{ENTRY}", record)
    return record, None


def unchanged_summary(config_path: Path, output_override: Path | None, strict: bool,
                      cache_dir: Path | None, environ: dict[str, str]) -> tuple[dict | None, Scan | None]:
    """The last build's result fields when nothing changed since: counts, output_dir (a Path) and its
    diagnostics (Diagnostic objects); cheap (no Jinja, markdown-it or Babel). Else None, and the scan of
    the inputs if one was taken (given to the build as BuildOptions.scan)."""
    from ..diagnostics import Diagnostic

    cache = resolve_cache_dir(config_path, cache_dir, environ)
    key = fast_key(config_path, options_key(output_override, strict), environ)
    record, taken = unchanged_since_last_build(state_dir(cache, config_path, output_override), key)
    if record is None:
        return None, taken
    fields = dict(record.summary)
    fields["output_dir"] = Path(fields["output_dir"])
    fields["diagnostics"] = [Diagnostic(*d) for d in fields["diagnostics"]]
    return fields, None
