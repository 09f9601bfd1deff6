"""The meetings step: every meeting kept, or parsed, rendered and summarised by the workers; the site of
their headings. Pages whose templates read `site` are rendered once that site is known."""

from __future__ import annotations

import sys
from pathlib import Path

from ..headings import MeetingHeading
from ..load.meetings import load_site
from ..markdown.sitelinks import LinkCollector
from ..model import Site
from ..render.environment import NeedsWhole
from ..render.templatedeps import MEETING_PAGE_TEMPLATES, pages_read_memo
from .cache import PACKAGE_DIR, combine
from .meetings import Job, load_parsed, process_all
from .outputguard import refuse_empty_site
from .publish import step
from .runstate import Run
from .sitepages import whole_meetings
from .staging import StagingDir
from .workers import fast_pickling, worker_count


def meetings_step(r: Run, job: Job, staging: StagingDir) -> Site | None:
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

    fast_pickling(tuple(m for n, m in sorted(sys.modules.items()) if n.startswith("agendasite.")))
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
