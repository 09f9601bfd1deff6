"""The build engine: one path for every build, memoized steps that stop a change from spreading.

Every build runs the same steps: scan the inputs; per meeting, parse, render and summarise (or keep
what the last build made of the same inputs); the site-level pages from the meetings' summaries; the
site-level files (feeds, calendars, open data, sitemap) from the meetings' parts; the site-wide checks;
the finishers (search index, handbook); publish. Each step is keyed by the digests of what it reads, so
a value that comes out the same (a summary, a part) stops a change there. A first build, a build after
an edit, `--no-cache` (an empty cache in a temporary folder) and `--check` (the same steps, nothing
published) differ only in what the cache already holds. What each step keeps is in `BuildState`; the
site is swapped in whole (staging.py, publish.py), so readers never see a half-written site.
"""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from .cache import ENTRY, PACKAGE_DIR, FastRecord, StatTable, combine, environment_key, hash_table, output_stamp, \
    read_entry, scan
from ..finish.handbook import HANDBOOK_DIR, finish_handbook, handbook_inputs, handbook_key
from ..finish.search import INDEX_DIR, index_search
from ..load.meetings import DATA_DIR
from ..model import Config
from ..render.environment import make_environment, today_from_env
from ..render.pages import render_text
from ..render.templatefiles import compiled_cache
from .meetings import Job, MeetingState
from .meetingstep import meetings_step
from .options import BuildOptions, BuildResult
from .outputfiles import tampered, tree_stats
from .progress import silent
from .publish import step
from .record import record
from .runstate import FINISHER_SWITCHES, KEEP_HANDBOOK, KEEP_INDEX, BuildState, Run
from .sitestep import checked, finish, publish_site, site_level
from .staged import staging_for
from .staging import StagingDir
from .workers import fewer_collections, worker_count


def run(options: BuildOptions, result: BuildResult, config: Config, gettext: Any, cache: Path,
        sdir: Path) -> None:
    """Build the site: every step in order; on any error the staged folder is discarded."""
    r = Run(options, result, config, cache, sdir, options.progress or silent(), Path(config.output_dir))
    with fewer_collections():
        _scan(r)
        job, staging, finishers = _prepare(r, gettext)
        try:
            if _steps(r, job, staging, finishers):
                publish_site(r, staging)
            else:
                staging.discard()
                return
        except BaseException:
            staging.discard()
            raise
        record(r, staging)


def _steps(r: Run, job: Job, staging: StagingDir, finishers: list) -> bool:
    """The steps before the publish; False when the site is not to be published (errors, or --check)."""
    site = meetings_step(r, job, staging)
    if site is None:
        return False
    site_level(r, job, staging, site)
    if r.result.diagnostics.has_errors:
        return False
    if r.options.check_only:
        checked(r)
        return False
    finish(r, staging, site, finishers)
    return not r.result.diagnostics.has_errors


def _scan(r: Run) -> None:
    """Every input file with its digest (unchanged stats: the last build's digest), and the keys."""
    r.progress.phase("scan")
    config, options = r.config, r.options
    old_fast = read_entry(r.sdir / f"fast{ENTRY}")
    old_fast = old_fast if isinstance(old_fast, FastRecord) else None
    content, templates = Path(config.content_dir), Path(config.templates_dir)
    r.book = handbook_inputs(Path(config.handbook)) if config.handbook else []
    r.roots = [Path(config.config_path), content, templates, PACKAGE_DIR, *r.book]
    given = options.scan  # the no-change check's, taken just before (engine/build.py, the CLI)
    if given and given[0] == [str(p) for p in r.roots]:
        found, r.scan_ns = given[1], given[2]
    else:
        r.scan_ns, found = time.time_ns(), scan(r.roots)
    r.table = hash_table(found, old_fast.table if old_fast else {}, old_fast.scan_ns if old_fast else 0,
                         worker_count(options.jobs))
    r.folders, others = _meeting_files(r.table, content)
    r.parse_key = combine(_digest_under(r.table, PACKAGE_DIR), r.table.get(config.config_path, (0, 0, b""))[2],
                          replace(config, output_dir=""), environment_key(), os.getcwd(), tuple(others))
    r.render_key = combine(r.parse_key, _digest_under(r.table, templates))
    r.progress.done(len(r.table))
    step("scanned")


def _prepare(r: Run, gettext: Any) -> tuple[Job, StagingDir, list]:
    """The last build's state, the finishers that must run, the staging folder and the workers' job."""
    old = read_entry(r.sdir / f"state{ENTRY}")
    old = old if isinstance(old, BuildState) else None
    r.previous = old if old and old.output is not None and old.output == output_stamp(r.output) else None
    if r.previous is not None:  # a file edited, removed or added by hand is made again, never reused
        given = r.options.scan  # the no-change check's walk of the published files, just taken
        if given and len(given) == 6 and given[3] == str(r.output):
            r.current, r.links = given[4], given[5]
        else:
            r.current = tree_stats(r.output, links=r.links)
        r.changed = tampered(r.previous.files, r.current)
    env = make_environment(r.config)
    env.bytecode_cache = compiled_cache(r.cache / "compiled", r.options.environ)  # only those we wrote
    today = today_from_env(r.options.environ)
    finishers = [] if r.options.check_only else _finishers(r, today)
    staging = staging_for(r, bool(finishers))
    job = Job(r.config, gettext, today, Path.cwd().resolve(), env, r.cache / "parsed", {}, staging.path,
              r.output if r.previous else None, _trusted(r), r.options.strict, render_text, spare=staging.has)
    return job, staging, finishers


def _trusted(r: Run) -> dict[str, MeetingState]:
    """The last build's meetings, without the published files that are no longer as it left them."""
    if r.previous is None:
        return {}
    if not r.changed:
        return r.previous.meetings
    return {name: state if not r.changed.intersection(state.outputs) else replace(
        state, outputs={p: d for p, d in state.outputs.items() if p not in r.changed})
        for name, state in r.previous.meetings.items()}


def _finishers(r: Run, today) -> list:
    """The finishers to run over the staged site: those switched on whose last output cannot be kept."""
    config, previous = r.config, r.previous
    finishers = [f for f in (index_search, finish_handbook) if getattr(config, FINISHER_SWITCHES[f])]
    if finish_handbook in finishers:
        r.handbook = handbook_key(r.table, r.book, _digest_under(r.table, PACKAGE_DIR), config.base_url, today)
        if previous is not None and previous.handbook == r.handbook and not _changed_under(r, HANDBOOK_DIR):
            finishers.remove(finish_handbook)  # kept: linked from the published site (finish)
            finishers.append(KEEP_HANDBOOK)
    if index_search in finishers and r.options.keep_search_index and previous is not None \
            and (r.output / INDEX_DIR).is_dir() and not _changed_under(r, INDEX_DIR):
        finishers.remove(index_search)  # the preview's rebuilds keep the last index (BuildOptions)
        finishers.append(KEEP_INDEX)
    return finishers


def _changed_under(r: Run, folder: str) -> bool:
    return any(p.startswith(folder + "/") for p in r.changed)


def _digest_under(table: StatTable, root: Path) -> bytes:
    prefix = str(root) + os.sep
    return combine(tuple(sorted((p, v[2]) for p, v in table.items() if p.startswith(prefix))))


def _meeting_files(table: StatTable, content: Path) -> tuple[dict[str, list], list]:
    """Digests grouped by meeting folder name; content files outside meeting folders apart."""
    prefix = str(content) + os.sep
    folders: dict[str, list] = {}
    others: list = []
    for path, (_, _, hashed) in sorted(table.items()):
        if not path.startswith(prefix):
            continue
        rel = path[len(prefix):]
        head, sep, rest = rel.partition(os.sep)
        if sep and head != DATA_DIR and not head.startswith((".", "_")):
            folders.setdefault(head, []).append((rest, hashed))
        else:
            others.append((rel, hashed))
    return folders, others
