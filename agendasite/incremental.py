"""Incremental, parallel builds: reuse what did not change, and still publish the whole site atomically.

Dependencies, explicitly: a meeting's pages and files depend on the files in its folder, the
content files outside meeting folders (data/), the configuration, the templates, agendasite's own
code and the library versions. Site-level pages (front page, payer pages, 404) are made from small
per-meeting summaries and rendered only when those or the templates changed (sitewide.py); feeds,
calendars, open data and the sitemap from per-meeting parts, made again only when those changed
(siteparts.py). The handbook is built again only when its inputs changed. A meeting whose inputs
are unchanged is not parsed at all: its published files are already in the staging folder (the
spare copy of the site, brought up to date) or hard-linked into a new one, and the staged folder is
swapped in whole (write.py, publish.py), so readers never see a half-written site.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import (ENTRY, PACKAGE_DIR, FastRecord, StatTable, clear_damaged_folders, combine, digest, environment_key,
                    fast_key, hash_table, options_key, output_stamp, read_entry, resolve_cache_dir, scan_once, state_dir,
                    write_entry)

from .load import DATA_DIR, load_site
from .sitelinks import LinkCollector
from .model import Config, Meeting
from .outputguard import cache_problem
from .parallel import (SUMMARIES, Job, MeetingState, fast_pickling, fewer_collections, payer_entries_of,
                       process_all, worker_count)
from .progress import Progress, silent
from .render import make_environment, today_from_env
from .sitewide import SiteMemo, full_step, lean_possible, site_step
from .siteparts import PARTS, LeanOutputs, used_parts
from .handbook import HANDBOOK_DIR, finish_handbook, handbook_inputs, handbook_key, keep_handbook
from .search import INDEX_DIR
from .outputguard import refuse_empty_site
from .publish import set_aside, step
from .templatedeps import pages_read_memo
from .templatefiles import compiled_cache
from .write import StagingDir, asset_files, keep_folder

if TYPE_CHECKING:
    from .outputguard import OutputGuard
    from .pipeline import BuildOptions, BuildResult



@dataclass(slots=True)
class BuildState:
    """What the last successful build into an output folder produced."""

    render_key: bytes
    output: tuple | None
    meetings: dict[str, MeetingState]
    site_outputs: dict[str, bytes]
    site_memo: SiteMemo | None = None  # the site-level pages' inputs and ids, when made from summaries
    parts_memo: dict[str, bytes] | None = None  # the planners' files' inputs, when made from parts (siteparts.py)
    handbook: bytes | None = None  # the handbook's inputs (handbook.handbook_key)


def cache_usable(options: BuildOptions, config: Config, diags) -> bool:
    """Whether the cache folder may be written (checked before anything is kept in it); else an error."""
    cache = resolve_cache_dir(options.config_path, options.cache_dir, options.environ)
    sdir = state_dir(cache, options.config_path, options.output_dir)
    problem = cache_problem(config, cache) or (None if clear_damaged_folders(cache, sdir) else "is a file, not a folder")
    if problem is None:
        return True
    where = "--cache-dir" if options.cache_dir else ("AGENDASITE_CACHE_DIR" if options.environ.get(
        "AGENDASITE_CACHE_DIR") else str(cache))
    diags.error(where, None, f"the cache folder {cache} {problem}",
                "remove or rename what is there, or choose another folder with --cache-dir (or build with "
                "--no-cache)")
    return False


def templates_use_site(config: Config, cache: Path) -> bool:
    """Whether a template of a page other than the front page reads `site` (then every page depends on
    all): Jinja's own analysis of the templates, through every template they use (templatedeps.py)."""
    folders = [Path(config.templates_dir), PACKAGE_DIR / "templates"]
    return pages_read_memo(lambda: make_environment(config), folders, "site", cache / "template-reads")


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


def run(options: BuildOptions, result: BuildResult, config: Config, gettext, guard: OutputGuard) -> None:
    """Build into the output folder reusing the last build's work; same bytes as a clean build."""
    with fewer_collections():
        try:
            _run(options, result, config, gettext)
        except OSError as exc:  # a full disk, a read-only folder: its place and reason, not an internal error
            if not guard.write_failed(exc, config):
                raise


def _run(options: BuildOptions, result: BuildResult, config: Config, gettext) -> None:
    from . import pipeline

    progress: Progress = options.progress or silent()
    diags = result.diagnostics
    config_path = Path(config.config_path)
    cache = resolve_cache_dir(options.config_path, options.cache_dir, options.environ)
    sdir = state_dir(cache, options.config_path, options.output_dir)
    fkey = fast_key(options.config_path, options_key(options.output_dir, options.strict), options.environ)
    old_fast = read_entry(sdir / f"fast{ENTRY}")
    old_fast = old_fast if isinstance(old_fast, FastRecord) else None
    old = read_entry(sdir / f"state{ENTRY}")
    old = old if isinstance(old, BuildState) else None

    progress.phase("scan")
    content, templates = Path(config.content_dir), Path(config.templates_dir)
    roots = [config_path, content, templates, PACKAGE_DIR]
    book = handbook_inputs(Path(config.handbook)) if config.handbook else []
    roots.extend(book)  # the handbook finisher builds from mkdocs.yml, docs/ and the files they include
    finishers = [f for f in pipeline.FINISHERS if getattr(config, pipeline.FINISHER_SWITCHES.get(f, ""), True)]
    found, scan_ns = scan_once(roots)
    table = hash_table(found, old_fast.table if old_fast else {}, old_fast.scan_ns if old_fast else 0,
                       worker_count(options.jobs))
    folders, others = _meeting_files(table, content)
    parse_key = combine(_digest_under(table, PACKAGE_DIR), table.get(str(config_path), (0, 0, b""))[2],
                        replace(config, output_dir=""), environment_key(), os.getcwd(), tuple(others))
    render_key = combine(parse_key, _digest_under(table, templates))
    progress.done(len(table))
    step("scanned")

    output = Path(config.output_dir)
    previous = old if old and old.output is not None and old.output == output_stamp(output) else None
    reusable = previous.meetings if previous and previous.render_key == render_key else {}
    env = make_environment(config)
    env.bytecode_cache = compiled_cache(cache / "compiled", options.environ)  # only those we wrote (templatefiles)
    today = today_from_env(options.environ)
    handbook = handbook_key(table, book, _digest_under(table, PACKAGE_DIR), config.base_url, today) \
        if finish_handbook in finishers else None
    keep_book = handbook is not None and previous is not None and previous.handbook == handbook
    if keep_book:  # the last build's handbook is kept: no MkDocs, and a small change may go into the spare copy
        finishers.remove(finish_handbook)
    keep_index = options.keep_search_index and previous is not None and pipeline.index_search in finishers \
        and (output / INDEX_DIR).is_dir()
    if keep_index:  # the preview's rebuilds keep the last index: no Pagefind over the whole site
        finishers.remove(pipeline.index_search)
    staging = _staging(output, sdir, previous, bool(finishers))
    states: dict[str, MeetingState] = {}
    job = Job(config, gettext, today, Path.cwd().resolve(), env, cache / "parsed", {}, staging.path,
              output if previous else None, previous.meetings if previous else {}, options.strict,
              pipeline.render_text, spare=staging.has)
    try:
        def load_meetings(paths: list[Path], ctx) -> list[Meeting | None]:
            names = [p.name for p in paths]
            keys = {n: combine(parse_key, n, tuple(folders.get(n, ()))) for n in names}  # the name is the slug
            job.keys.update(keys)
            job.data = ctx.data
            progress.phase("reuse unchanged meetings")
            clean = [n for n in names if n in reusable and reusable[n].key == keys[n]]
            todo = [n for n in names if n not in clean]
            for name in clean:
                if staging.link_all(output, reusable[name].outputs):
                    states[name] = reusable[name]
                else:
                    todo.append(name)
            progress.done(len(names) - len(todo))
            progress.phase("parse and render meetings", len(todo))
            for name, state in zip(todo, process_all(job, todo, worker_count(options.jobs), progress.advance)):
                states[name] = state
            progress.done(len(todo))
            for name in names:
                ctx.diags.items.extend(states[name].diagnostics)
                ctx.links.links.extend(states[name].links)
            return [states[name].light for name in names]

        fast_pickling(tuple(m for n, m in sorted(sys.modules.items()) if n.startswith("agendasite.")))
        links = LinkCollector(content)
        site = load_site(config, diags, gettext, today, links, load_meetings=load_meetings)
        result.meetings = len(site.meetings)
        result.items = sum(states[m.slug].items for m in site.meetings)
        result.annexes = sum(states[m.slug].annexes for m in site.meetings)
        step("meetings")
        if diags.has_errors or (options.strict and diags.count("warning")) \
                or not refuse_empty_site(config, len(site.meetings), options.allow_empty, diags):
            staging.discard()
            return
        progress.phase("site pages")
        site_outputs: dict[str, bytes] = {}
        kept_site = previous.site_outputs if previous else {}
        memo = lean = None
        if lean_possible(config, pipeline.OUTPUT_PLANNERS, states, site):
            site = replace(site, item_count=result.items)
            result.site = site  # light meetings: the parsed archive is not loaded back (sitewide.py)
            files = []
            lean = LeanOutputs(site, states, job, parse_key, pipeline.OUTPUT_PLANNERS)  # base_url's files

            def keep(rel: str) -> bool:
                return _keep(staging, output, rel, kept_site.get(rel))

            def entries_of(name: str, summary) -> list:
                return payer_entries_of(job, name, summary)

            def render(page) -> str:
                return pipeline.render_text(env, page, site, config)

            def put(rel: str, data: bytes) -> None:
                _put(staging, output, rel, data, kept_site, {})

            count, site_outputs, memo = site_step(site, states, render_key, getattr(previous, "site_memo", None),
                                                  kept_site, entries_of, render, put, keep, links.links, diags,
                                                  lean.entries(), worker_count(options.jobs))
            if not diags.has_errors:
                site_outputs.update(lean.write([p for p, _ in memo.front], [p for p, _ in memo.rest],
                                               getattr(previous, "parts_memo", None), kept_site, put, keep))
        else:
            def put_full(rel: str, data: bytes) -> None:
                _put(staging, output, rel, data, kept_site, site_outputs)

            full, count, files = full_step(site, job, env, put_full, states, links.links, diags)
            result.site = full
        if diags.has_errors:
            staging.discard()
            return
        for f in files:
            data = f.data if f.data is not None else Path(f.copy_from).read_bytes() if f.copy_from else None
            if data is not None:
                _put(staging, output, f.path, data, kept_site, site_outputs)
        for rel, path in asset_files():
            _put(staging, output, rel, path.read_bytes(), kept_site, site_outputs)
        step("site")
        planned = len(lean.files) if lean else len(files)
        progress.done(count + planned)
        progress.phase("finish")
        if keep_book and not keep_handbook(staging.path, output):
            finishers.append(finish_handbook)
        if keep_index and not keep_folder(staging.path, output, INDEX_DIR):
            finishers.append(pipeline.index_search)
        for finisher in finishers:
            finisher(staging.path, result.site, diags)
        if diags.has_errors:
            staging.discard()
            return
        progress.done()
        progress.phase("publish")
        _remove_unused(staging, states, site_outputs)
        staging.meetings = result.meetings
        if previous is not None:  # the files of the site swapped out are known: keep it as the spare copy
            staging.keep_old_as = _spare_path(output)
        staging.publish()
        progress.done()
    except BaseException:
        staging.discard()
        raise
    result.pages = count + sum(s.pages for s in states.values())
    result.files = planned + sum(s.files for s in states.values())
    result.output_dir = output
    result.ok = True
    stamp = output_stamp(output)
    write_entry(sdir / f"state{ENTRY}", BuildState(render_key, stamp, states, site_outputs, memo,
                                                   lean.keys if lean else None, handbook))
    step("recorded")
    summary = {"meetings": result.meetings, "items": result.items, "annexes": result.annexes,
               "pages": result.pages, "files": result.files, "output_dir": str(output),
               "diagnostics": [tuple(getattr(d, f) for f in d.__slots__) for d in diags.items]}
    if keep_index and pipeline.index_search not in finishers:  # the index may miss edits: a build that
        fkey = (fkey, "search index kept")  # would index them is no no-change build (its key differs)
    write_entry(sdir / f"fast{ENTRY}", FastRecord(fkey, [str(r) for r in roots], table, scan_ns, stamp, summary))
    if previous is not None:
        before = {p: d for s in previous.meetings.values() for p, d in s.outputs.items()}
        before.update(previous.site_outputs)
        write_entry(sdir / f"spare{ENTRY}", (output_stamp(_spare_path(output)), before))
    _prune(cache / "parsed", {s.key.hex() for s in states.values()})
    _prune(cache / SUMMARIES, {s.summary.digest.hex() for s in states.values() if getattr(s, "summary", None)})
    _prune(cache / PARTS, used_parts(states, lean.parts.used if lean else set()))


def _spare_path(output: Path) -> Path:
    """Where the site swapped out by the last publish is kept, to be brought up to date by the next one."""
    return output.parent / f".{output.name}.spare"


def _staging(output: Path, sdir: Path, previous: BuildState | None, finishers: bool) -> StagingDir:
    """The staging folder: the spare copy of the site, when the cache knows its files and nothing is to run
    over the whole staged site (a finisher), so that a small change writes only what differs from it
    (instead of hard-linking every unchanged file into a new folder); else a new, empty folder."""
    record = read_entry(sdir / f"spare{ENTRY}")
    (sdir / f"spare{ENTRY}").unlink(missing_ok=True)  # used once: whatever happens now, it is no longer true
    spare = _spare_path(output)
    usable = previous is not None and not finishers and isinstance(record, tuple) and len(record) == 2 \
        and record[0] is not None and record[0] == output_stamp(spare) and isinstance(record[1], dict)
    if not usable:
        set_aside(spare, output)
        return StagingDir(output)
    staging = StagingDir(output, reuse=(spare, record[1]))
    for name in (INDEX_DIR, HANDBOOK_DIR):  # a finisher's folder is linked again from the published site
        shutil.rmtree(staging.path / name, ignore_errors=True)
    return staging


def _remove_unused(staging: StagingDir, states: dict[str, MeetingState], site_outputs: dict[str, bytes]) -> None:
    """Remove the files of the spare copy that the new site does not have (and folders left empty)."""
    if not staging.has:
        return
    wanted = set(site_outputs).union(*(s.outputs for s in states.values()))
    for rel in sorted(staging.has.keys() - wanted, reverse=True):
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
