"""The build engine: one path for every build, memoized steps that stop a change from spreading.

Every build runs the same steps: scan the inputs; per meeting, parse, render and summarise (or keep
what the last build made of the same inputs); the site-level pages from the meetings' summaries; the
site-level files (feeds, calendars, open data, sitemap) from the meetings' parts; the site-wide checks;
the finishers (search index, handbook); publish. Each step is keyed by the digests of what it reads, so
a value that comes out the same (a summary, a part) stops a change there. A first build, a build after
an edit, `--no-cache` (an empty cache in a temporary folder) and `--check` (the same steps, nothing
published) differ only in what the cache already holds. What each step keeps is in `BuildState`; the
site is swapped in whole (write.py, publish.py), so readers never see a half-written site.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .cache import (ENTRY, PACKAGE_DIR, FastRecord, StatTable, combine, digest, environment_key, fast_key,
                    hash_table, options_key, output_stamp, read_entry, scan, write_entry)
from .finish.handbook import HANDBOOK_DIR, finish_handbook, handbook_inputs, handbook_key
from .load.meetings import DATA_DIR, load_site
from .headings import MeetingHeading
from .model import Config, Site
from .options import BuildOptions, BuildResult
from .outputfiles import FileStats, stats_digest, stats_of, tampered, tree_stats
from .outputguard import refuse_empty_site
from .render.pages import render_text
from .parallel import (SUMMARIES, Job, MeetingState, fast_pickling, load_parsed, payer_entries_of, process_all,
                       worker_count)
from .progress import Progress, silent
from .publish import set_aside, step
from .render.environment import NeedsWhole, make_environment, today_from_env
from .finish.search import INDEX_DIR, index_search
from .markdown.sitelinks import LinkCollector
from . import siteparts
from .siteparts import PARTS, LeanOutputs, used_parts
from .sitewide import SiteInputs, SiteMemo, site_checks, site_step, whole_meetings
from .render.templatedeps import MEETING_PAGE_TEMPLATES, pages_read_memo
from .render.templatefiles import compiled_cache
from .write import StagingDir, asset_files, keep_folder



@dataclass(slots=True)
class BuildState:
    """What the last successful build into an output folder produced."""

    render_key: bytes
    output: tuple | None
    meetings: dict[str, MeetingState]
    site_outputs: dict[str, bytes]
    site_memo: SiteMemo | None = None  # the site-level pages' inputs and ids
    parts_memo: dict[str, bytes] | None = None  # the planners' files' inputs (siteparts.py)
    handbook: bytes | None = None  # the handbook's inputs (handbook.handbook_key)
    pages_whole: bytes | None = None  # the templates' key under which the meeting pages read whole meetings
    files: FileStats = field(default_factory=dict)  # every published file's stats (outputfiles.py)


@dataclass(slots=True)
class Run:
    """What the steps of one build share."""

    options: BuildOptions
    result: BuildResult
    config: Config
    cache: Path  # the cache folder (a temporary one for --no-cache and --check)
    sdir: Path  # its state folder for this configuration and output
    progress: Progress
    output: Path
    table: StatTable = field(default_factory=dict)
    scan_ns: int = 0
    roots: list[Path] = field(default_factory=list)
    folders: dict[str, list] = field(default_factory=dict)  # meeting folder -> its files' digests
    parse_key: bytes = b""  # code, configuration, data files, library versions
    render_key: bytes = b""  # and the templates
    previous: BuildState | None = None  # the last build into this output, if its output is still there
    states: dict[str, MeetingState] = field(default_factory=dict)
    site_outputs: dict[str, bytes] = field(default_factory=dict)  # path -> digest, site-level pages and files
    memo: SiteMemo | None = None
    parts_memo: dict[str, bytes] | None = None
    handbook: bytes | None = None
    pages_whole: bytes | None = None
    site_pages: int = 0
    site_files: int = 0  # besides the built-in assets
    links: list = field(default_factory=list)  # links written in the meetings' files, checked site-wide
    parts_used: set[str] = field(default_factory=set)  # the parts' memo entries this build read
    index_kept: bool = False  # the last search index was linked into the new site, not made again
    current: FileStats = field(default_factory=dict)  # the published files as they are now
    changed: set[str] = field(default_factory=set)  # published files not as the last build left them


def run(options: BuildOptions, result: BuildResult, config: Config, gettext: Any, cache: Path,
        sdir: Path) -> None:
    """Build the site: every step in order; on any error the staged folder is discarded."""
    r = Run(options, result, config, cache, sdir, options.progress or silent(), Path(config.output_dir))
    _scan(r)
    job, staging, finishers = _prepare(r, gettext)
    try:
        site = _meetings(r, job, staging)
        if site is None:
            return staging.discard()
        _site_level(r, job, staging, site)
        if r.result.diagnostics.has_errors:
            return staging.discard()
        if options.check_only:
            return _checked(r, staging)
        _finish(r, staging, site, finishers)
        if r.result.diagnostics.has_errors:
            return staging.discard()
        _publish(r, staging)
    except BaseException:
        staging.discard()
        raise
    _record(r, staging)


def _scan(r: Run) -> None:
    """Every input file with its digest (unchanged stats: the last build's digest), and the keys."""
    r.progress.phase("scan")
    config, options = r.config, r.options
    old_fast = read_entry(r.sdir / f"fast{ENTRY}")
    old_fast = old_fast if isinstance(old_fast, FastRecord) else None
    content, templates = Path(config.content_dir), Path(config.templates_dir)
    book = handbook_inputs(Path(config.handbook)) if config.handbook else []
    r.roots = [Path(config.config_path), content, templates, PACKAGE_DIR, *book]
    given = options.scan  # the no-change check's, taken just before (pipeline.build)
    if given is not None and given[0] == [str(p) for p in r.roots]:
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
        r.current = tree_stats(r.output)
        r.changed = tampered(r.previous.files, r.current)
    env = make_environment(r.config)
    env.bytecode_cache = compiled_cache(r.cache / "compiled", r.options.environ)  # only those we wrote
    today = today_from_env(r.options.environ)
    finishers = [] if r.options.check_only else _finishers(r, today)
    staging = _staging(r, bool(finishers))
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
        book = handbook_inputs(Path(config.handbook))  # type: ignore[arg-type]
        r.handbook = handbook_key(r.table, book, _digest_under(r.table, PACKAGE_DIR), config.base_url, today)
        if previous is not None and previous.handbook == r.handbook and not _changed_under(r, HANDBOOK_DIR):
            finishers.remove(finish_handbook)  # kept: linked from the published site (_finish)
            finishers.append(KEEP_HANDBOOK)
    if index_search in finishers and r.options.keep_search_index and previous is not None \
            and (r.output / INDEX_DIR).is_dir() and not _changed_under(r, INDEX_DIR):
        finishers.remove(index_search)  # the preview's rebuilds keep the last index (BuildOptions)
        finishers.append(KEEP_INDEX)
    return finishers


def _changed_under(r: Run, folder: str) -> bool:
    return any(p.startswith(folder + "/") for p in r.changed)


KEEP_HANDBOOK, KEEP_INDEX = "keep handbook", "keep search index"  # a finisher's last output, linked again
FINISHER_SWITCHES = {index_search: "search", finish_handbook: "handbook"}  # site_config.yml's switch of each


def _meetings(r: Run, job: Job, staging: StagingDir) -> Site | None:
    """Every meeting parsed (or kept), its pages and files staged; the site of headings, or None if the
    site cannot be published (errors, or an empty site replacing a published one)."""
    diags, options, config = r.result.diagnostics, r.options, r.config
    reads_site = pages_read_memo(lambda: job.env, [Path(config.templates_dir), PACKAGE_DIR / "templates"],
                                 "site", r.cache / "template-reads", MEETING_PAGE_TEMPLATES)

    def load_meetings(paths: list[Path], ctx) -> list[MeetingHeading | None]:
        names = [p.name for p in paths]
        job.keys.update({n: combine(r.parse_key, n, tuple(r.folders.get(n, ()))) for n in names})
        job.data = ctx.data
        job.render = not reads_site  # else after the site of headings is known (_pages_reading_site)
        _process(r, job, staging, names, None if reads_site else b"")
        for name in names:
            ctx.diags.items.extend(r.states[name].diagnostics)
            ctx.links.links.extend(r.states[name].links)
        return [r.states[name].heading for name in names]

    fast_pickling(tuple(m for n, m in sorted(__import__("sys").modules.items()) if n.startswith("agendasite.")))
    links = LinkCollector(Path(config.content_dir))
    site = load_site(config, diags, job.gettext, job.today, links, load_meetings=load_meetings)
    r.links = links.links
    r.result.meetings = len(site.meetings)
    r.result.items = sum(r.states[m.slug].items for m in site.meetings)
    r.result.annexes = sum(r.states[m.slug].annexes for m in site.meetings)
    if diags.has_errors or (options.strict and diags.count("warning")) \
            or not refuse_empty_site(config, len(site.meetings), options.allow_empty, diags):
        return None
    if reads_site:
        _pages_reading_site(r, job, staging, site)
        if diags.has_errors:
            return None
    step("meetings")
    return site


def _process(r: Run, job: Job, staging: StagingDir, names: list[str], site_key: bytes | None) -> None:
    """Keep the meetings whose inputs (and, `site_key`, the site their pages read) are those of the last
    build, hard-linking their published files; parse and render the others in worker processes."""
    progress = r.progress
    progress.phase("reuse unchanged meetings")
    reusable = r.previous.meetings if r.previous and r.previous.render_key == r.render_key else {}
    todo = []
    for name in names:
        old = reusable.get(name)
        if site_key is not None and old is not None and old.key == job.keys[name] and old.site == site_key \
                and not r.changed.intersection(old.outputs) and staging.link_all(r.output, old.outputs):
            r.states[name] = old
        else:
            todo.append(name)
    progress.done(len(names) - len(todo))
    progress.phase("parse and render meetings" if job.render else "parse meetings", len(todo))
    for name, state in zip(todo, process_all(job, todo, worker_count(r.options.jobs), progress.advance)):
        state.site = site_key if job.render else None
        r.states[name] = state
    progress.done(len(todo))


def _pages_reading_site(r: Run, job: Job, staging: StagingDir, site: Site) -> None:
    """The meetings' pages when their templates read `site`: rendered with the site of headings (or, if
    they read more than headings, the whole meetings), again whenever any meeting changed."""
    names = [m.slug for m in site.meetings]
    parsed = {name: len(r.states[name].diagnostics) for name in names}
    whole = r.previous is not None and r.previous.pages_whole == r.render_key
    for attempt in (False, True):
        whole = whole or attempt
        job.site = whole_meetings(site, lambda n: load_parsed(job, n)[0]) if whole else site
        job.render = True
        key = combine(site.today.isoformat(), whole, tuple((n, job.keys[n]) for n in names))
        try:
            _process(r, job, staging, names, key)
        except NeedsWhole:
            if whole:
                raise
            continue
        r.pages_whole = r.render_key if whole else None
        for name in names:  # what rendering added to the messages of parsing (a template's mistake)
            r.result.diagnostics.items.extend(r.states[name].diagnostics[parsed[name]:])
        return


def _site_level(r: Run, job: Job, staging: StagingDir, site: Site) -> None:
    """The site-level pages and files (kept when their inputs did not change), and the site-wide checks."""
    r.progress.phase("site pages")
    diags = r.result.diagnostics
    kept = {p: d for p, d in r.previous.site_outputs.items() if p not in r.changed} if r.previous else {}

    def keep(rel: str) -> bytes | None:
        hashed = kept.get(rel)
        return hashed if hashed is not None and _keep(staging, r.output, rel, hashed) else None

    def put(rel: str, data: bytes) -> None:
        _put(staging, r.output, rel, data, kept, r.site_outputs)

    whole: list[Site] = []

    def whole_site() -> Site:
        whole[:] = whole or [whole_meetings(site, lambda n: load_parsed(job, n)[0])]
        return whole[0]

    inputs = SiteInputs(site, r.states, r.render_key, lambda n, s: payer_entries_of(job, n, s), whole_site,
                        lambda page, s: render_text(job.env, page, s, r.config), worker_count(r.options.jobs))
    lean = LeanOutputs(site, r.states, job, r.parse_key, siteparts.OUTPUT_PLANNERS)
    count, pages, r.memo = site_step(inputs, getattr(r.previous, "site_memo", None), keep, put, diags)
    r.site_outputs.update(pages)
    others = lean.whole_files(whole_site)  # planners that read the whole archive
    site_checks(r.states, site, r.memo, lean.entries() + [(f.path, f.path) for f in others], r.links, diags)
    if diags.has_errors:
        return
    r.site_outputs.update(lean.write([p for p, _ in r.memo.front], [p for p, _ in r.memo.rest],
                                     getattr(r.previous, "parts_memo", None), kept, put, keep))
    r.parts_memo = lean.keys
    for f in others:
        put(f.path, f.data if f.data is not None else Path(f.copy_from).read_bytes())  # type: ignore[arg-type]
    for rel, path in asset_files():
        put(rel, path.read_bytes())
    r.site_pages, r.site_files, r.parts_used = count, len(lean.files) + len(others), lean.parts.used
    r.progress.done(r.site_pages + r.site_files)
    step("site")


def _checked(r: Run, staging: StagingDir) -> None:
    """--check: everything was made and checked; nothing is published."""
    staging.discard()
    _count(r)
    r.result.ok = True


def _finish(r: Run, staging: StagingDir, site: Site, finishers: list) -> None:
    """Run the finishers over the staged site (a kept one's output linked from the published site)."""
    r.progress.phase("finish")
    for finisher in finishers:
        if finisher == KEEP_HANDBOOK:
            if not keep_folder(staging.path, r.output, HANDBOOK_DIR):
                finish_handbook(staging.path, site, r.result.diagnostics)
        elif finisher == KEEP_INDEX:
            r.index_kept = keep_folder(staging.path, r.output, INDEX_DIR)
            if not r.index_kept:
                index_search(staging.path, site, r.result.diagnostics)
        else:
            finisher(staging.path, site, r.result.diagnostics)
    r.progress.done()


def _publish(r: Run, staging: StagingDir) -> None:
    """Swap the staged site in; the swapped-out one is kept as the spare copy when its files are known."""
    r.progress.phase("publish")
    _remove_unused(staging, r.states, r.site_outputs)
    staging.meetings = r.result.meetings
    if r.previous is not None:
        staging.keep_old_as = _spare_path(r.output)
    staging.publish()
    r.progress.done()
    _count(r)
    r.result.output_dir = r.output
    r.result.ok = True


def _count(r: Run) -> None:
    """The pages and files of the site (the built-in assets not counted)."""
    r.result.pages = r.site_pages + sum(s.pages for s in r.states.values())
    r.result.files = r.site_files + sum(s.files for s in r.states.values())


def _record(r: Run, staging: StagingDir) -> None:
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
    write_entry(r.sdir / f"spare{ENTRY}", (output_stamp(_spare_path(r.output)), same, sorted(before.keys() - same)))


def _spare_path(output: Path) -> Path:
    """Where the site swapped out by the last publish is kept, to be brought up to date by the next one."""
    return output.parent / f".{output.name}.spare"


def _staging(r: Run, finishers: bool) -> StagingDir:
    """The staging folder: the spare copy of the site, when the cache knows its files and nothing is to run
    over the whole staged site (a finisher), so that a small change writes only what differs from it
    (instead of hard-linking every unchanged file into a new folder); else a new, empty folder. For
    --check, a new folder in the (temporary) cache: nothing is written beside the output."""
    if r.options.check_only:
        return StagingDir(r.output, beside=r.cache)
    record = read_entry(r.sdir / f"spare{ENTRY}")
    (r.sdir / f"spare{ENTRY}").unlink(missing_ok=True)  # used once: whatever happens now, it is no longer true
    spare = _spare_path(r.output)
    usable = r.previous is not None and not finishers and isinstance(record, tuple) and len(record) == 3 \
        and record[0] is not None and record[0] == output_stamp(spare) and isinstance(record[1], dict)
    if not usable:
        set_aside(spare, r.output)
        return StagingDir(r.output)
    staging = StagingDir(r.output, reuse=(spare, {p: d for p, d in record[1].items() if p not in r.changed}))
    _unlink(staging, set(record[2]) | (r.changed & record[1].keys()))  # not to be trusted: made again if needed
    for name in (INDEX_DIR, HANDBOOK_DIR):  # a finisher's folder is linked again from the published site
        shutil.rmtree(staging.path / name, ignore_errors=True)
    return staging


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


def _remove_unused(staging: StagingDir, states: dict[str, MeetingState], site_outputs: dict[str, bytes]) -> None:
    """Remove the files of the spare copy that the new site does not have (and folders left empty)."""
    if not staging.has:
        return
    wanted = set(site_outputs).union(*(s.outputs for s in states.values()))
    _unlink(staging, staging.has.keys() - wanted)


def _unlink(staging: StagingDir, paths) -> None:
    """Remove files from the staged folder, and the folders they leave empty."""
    for rel in sorted(paths, reverse=True):
        path = staging.path / rel
        path.unlink(missing_ok=True)
        parent = path.parent
        while parent != staging.path and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent


def _put(staging: StagingDir, output: Path, rel: str, data: bytes, kept: dict[str, bytes],
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


def _keep(staging: StagingDir, output: Path, rel: str, hashed: bytes | None) -> bool:
    """Keep a published file unchanged, linked into staging; False if it cannot be."""
    if hashed is not None and staging.has.get(rel) == hashed:
        return True
    try:
        staging.link(rel, output / rel)
        return True
    except OSError:
        return False


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
