"""Per-meeting work spread over processes: parse (or take from the cache), render, write into staging.

A meeting is the unit: all its pages depend only on its own folder (item pages on their neighbours'
numbers and titles, the meeting page on its items), the templates and the configuration. Each page's
bytes are a pure function of those inputs, so the output is the same whatever the number of workers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import multiprocessing
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from jinja2 import Environment

from ..diagnostics import Diagnostic, Diagnostics
from ..headings import AnnexHeading, ItemHeading, MeetingHeading, annex_heading, item_heading, meeting_heading
from ..load.context import LoadContext
from ..load.meetings import load_meeting
from ..markdown.parser import make_parser
from ..markdown.sitelinks import LinkCollector, SiteLink, anchors_of, resolve_file_links
from ..model import Config, Meeting, Site
from ..plan.checks import file_entries, page_entries
from ..plan.pages import plan_site
from ..plan.payers import PayerEntry, payer_entries
from ..render.pages import render_reporting
from .cache import ENTRY, digest, read_entry, write_entry
from .meetingparts import PARTS, meeting_parts
from .staging import link_new, make_parent, write_new


@dataclass(slots=True)
class MeetingState:
    """What one meeting contributed to the last build, enough to reuse it without parsing it."""

    key: bytes
    heading: MeetingHeading | None  # what the site-level pages read of it (headings.py), None if unusable
    diagnostics: list[Diagnostic]
    outputs: dict[str, bytes] = field(default_factory=dict)  # output path -> digest of its bytes
    links: list[SiteLink] = field(default_factory=list)  # links written in its files, checked site-wide
    anchors: dict[str, str] = field(default_factory=dict)  # page path -> its ids (for the link check)
    pages: int = 0
    files: int = 0
    items: int = 0
    annexes: int = 0
    summary: SiteSummary | None = None  # what site-level pages and checks read of it (None: not published)
    site: bytes | None = None  # the key of the site its pages read (b"": none; incremental._pages_reading_site)
    written: list[str] = field(default_factory=list)  # files written (not linked) by this build: their stats


@dataclass(slots=True)
class SiteSummary:
    """A published meeting's part in the site-level pages and checks, small enough to keep for every meeting."""

    digest: bytes  # of its heading and payer entries: the site-level pages' input from this meeting
    pages: list[tuple[str, str]]  # (output path, source) of its pages, for the unique-address check
    files: list[tuple[str, str]]  # the same for its files
    parts: object | None = None  # with base_url: its parts of the feeds, calendars, open data (sitefiles.py)


@dataclass(slots=True)
class Job:
    """Everything a worker needs, set before forking so that it is inherited, not sent."""

    config: Config
    gettext: Callable[[str], str]
    today: dt.date
    cwd: Path
    env: Environment
    parsed_dir: Path
    keys: dict[str, bytes]  # meeting folder name -> key of its inputs
    staging: Path | None  # None: parse only (the output is not written)
    previous_output: Path | None  # a published output whose files match `previous`
    previous: dict[str, MeetingState]
    strict: bool
    render_page: Callable[[Environment, object, Site, Config], str]
    site: Site | None = None  # the site the meeting pages read, when their templates read `site` (steps.py)
    render: bool = True  # False: parse and summarise only (the site the pages read is not known yet)
    data: dict = field(default_factory=dict)  # content/data tables (LoadContext.data), read once by load_site
    folders: set[str] = field(default_factory=set)  # folders this process made in staging (write.make_parent)
    spare: dict[str, bytes] = field(default_factory=dict)  # files staging holds already (steps.py's spare)


_JOB: Job | None = None
SUMMARIES = "summaries"  # folder in the cache: payer entries per meeting summary digest


def summarize(meeting: Meeting, heading: MeetingHeading, pages: list,
              files: list) -> tuple[SiteSummary, list[PayerEntry]]:
    """The meeting's summary, and its payer entries pointing to headings (the payer pages read the
    meeting's and item's headings and addresses, the annex's address, and the payment)."""
    entries = []
    items: dict[int, ItemHeading] = {}
    annexes: dict[int, AnnexHeading] = {}
    for entry in payer_entries(meeting):
        item = items.get(id(entry.item)) or items.setdefault(id(entry.item), item_heading(entry.item))
        annex = annexes.get(id(entry.annex)) or annexes.setdefault(id(entry.annex), annex_heading(entry.annex))
        entries.append(dataclasses.replace(entry, meeting=heading, item=item, annex=annex))
    key = digest(pickle.dumps((heading, entries), protocol=pickle.HIGHEST_PROTOCOL))
    return SiteSummary(key, page_entries(pages), file_entries(files)), entries


def keep_payer_entries(job: Job, summary: SiteSummary, entries: list[PayerEntry]) -> None:
    """Cache a meeting's payer entries under its summary digest: read only when payer pages are rendered."""
    path = job.parsed_dir.parent / SUMMARIES / f"{summary.digest.hex()}{ENTRY}"
    if not path.exists():
        write_entry(path, entries)


def payer_entries_of(job: Job, name: str, summary: SiteSummary) -> list[PayerEntry]:
    """A meeting's payer entries, from the cache, or from its parsed model if they are not there."""
    cached = read_entry(job.parsed_dir.parent / SUMMARIES / f"{summary.digest.hex()}{ENTRY}")
    if isinstance(cached, list):
        return cached
    meeting = load_parsed(job, name)[0]
    assert meeting is not None, name
    entries = summarize(meeting, meeting_heading(meeting), [], [])[1]
    keep_payer_entries(job, summary, entries)
    return entries


def load_parsed(job: Job, name: str) -> tuple[Meeting | None, list[Diagnostic], list[SiteLink]]:
    """A meeting from the parse cache, or parsed now (and cached), with its messages and links."""
    path = job.parsed_dir / f"{job.keys[name].hex()}{ENTRY}"
    cached = read_entry(path)
    if isinstance(cached, tuple) and len(cached) == 3:
        return cached
    diags = Diagnostics()
    content = Path(job.config.content_dir)
    ctx = LoadContext(job.config, diags, make_parser(), job.gettext, content, job.cwd, job.data,
                      links=LinkCollector(content))
    folder = content / name
    ctx.current = ctx.rel(folder)
    try:
        meeting = load_meeting(folder, ctx)
    except Exception as exc:  # name the file for the internal-error message (pipeline.build)
        exc.agendasite_path = ctx.current  # type: ignore[attr-defined]
        raise
    assert ctx.links is not None
    write_entry(path, (meeting, diags.items, ctx.links.links))
    return meeting, diags.items, ctx.links.links


def process_meeting(job: Job, name: str) -> MeetingState:
    """Parse one meeting and, if it is publishable, render and write its pages and files."""
    meeting, diagnostics, links = load_parsed(job, name)
    state = MeetingState(job.keys[name], meeting_heading(meeting) if meeting else None, list(diagnostics),
                         links=links)
    if meeting is None or not meeting.public:
        return state
    state.items = len(meeting.items)
    state.annexes = sum(len(i.annexes) for i in meeting.items)
    blocked = any(d.severity == "error" or (job.strict and d.severity == "warning") for d in diagnostics)
    if job.staging is None or blocked:
        return state
    pages, files = plan_site(Site(job.config, (meeting,), job.today))
    pages = [p for p in pages if p.url.startswith(meeting.url)]
    files = [f for f in files if f.path.startswith(meeting.url)]
    state.summary, entries = summarize(meeting, state.heading, pages, files)  # type: ignore[arg-type]
    keep_payer_entries(job, state.summary, entries)
    state.summary.parts, parts = meeting_parts(job.config, parts_store(job), meeting)  # and its own open data
    state.summary.files.extend(file_entries(parts))
    if job.render:
        _write_meeting(job, state, meeting, pages, files, parts)
    return state


def _write_meeting(job: Job, state: MeetingState, meeting: Meeting, pages: list, files: list,
                   parts: list) -> None:
    """Render the meeting's pages (with the site they read) and write them and its files into staging."""
    previous = job.previous.get(meeting.slug)
    old = previous.outputs if previous and job.previous_output else {}
    site = job.site or Site(job.config, (meeting,), job.today)
    problems = Diagnostics()
    for page in pages:
        text = render_reporting(lambda p: job.render_page(job.env, p, site, job.config), page, problems)
        if text is not None:
            state.anchors[page.path] = anchors_of(text)
            _put(job, state, page.path, text.encode("utf-8"), old)
            state.pages += 1
    state.diagnostics.extend(problems.items)
    for plan in files:
        data = resolve_file_links(plan.data, job.config.base_url) if plan.data else plan.data
        if data is None and plan.copy_from is not None:
            data = Path(plan.copy_from).read_bytes()
        if data is not None:
            _put(job, state, plan.path, data, old)
            state.files += 1
    for plan in parts:  # its own open-data files, links resolved already
        _put(job, state, plan.path, plan.data, old)
        state.files += 1


def _put(job: Job, state: MeetingState, rel: str, data: bytes, old: dict[str, bytes]) -> None:
    """Write a file into staging, or reuse the published one when its bytes are the same."""
    assert job.staging is not None
    hashed = digest(data)
    state.outputs[rel] = hashed
    if job.spare.get(rel) == hashed:
        return  # the staged folder (the spare copy of the site) has this file already
    unchanged = old.get(rel) == hashed and job.previous_output is not None
    target = make_parent(os.path.join(job.staging, rel), job.folders)
    if unchanged:
        try:
            link_new(os.path.join(job.previous_output, rel), target)
            return
        except OSError:
            pass
    write_new(target, data)
    state.written.append(rel)


def parts_store(job: Job) -> Path:
    """The cache folder of the meetings' parts (meetingparts.py)."""
    return job.parsed_dir.parent / PARTS


def _run(name: str) -> MeetingState:
    assert _JOB is not None
    return process_meeting(_JOB, name)


def process_all(job: Job, names: list[str], workers: int, advance: Callable[[int], None]) -> list[MeetingState]:
    """Process meetings in order; with more than one worker, in forked processes (results in order)."""
    if workers <= 1 or len(names) < 4:
        out = []
        for name in names:
            out.append(process_meeting(job, name))
            advance(1)
        return out
    global _JOB
    _JOB = job
    try:
        context = multiprocessing.get_context("fork")
        chunk = max(1, min(8, len(names) // (workers * 8)))
        with context.Pool(workers) as pool:
            out = []
            for state in pool.imap(_run, names, chunksize=chunk):
                out.append(state)
                advance(1)
            return out
    finally:
        _JOB = None


