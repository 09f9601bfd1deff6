"""The site-wide step of an incremental build from per-meeting summaries, without the parsed archive.

The site-level pages (front page, payer pages, 404) read of each meeting only its heading fields and,
for the payer pages, its funding annexes' payments with the item's number, title and address. Each
meeting's worker keeps that as a small `SiteSummary` (parallel.py) with a digest; the site-wide step
then plans the site-level pages from the summaries, and renders them only when the digest of their
inputs (templates, configuration, code, today, every meeting's summary digest) changed since the
last build; otherwise the published pages are kept. The unique-address check and the link check
run on every build, from the paths, sources and anchors kept per meeting.

With base_url, the feeds, calendars, open data and sitemap are made from the meetings' parts
(siteparts.py), and the finishers (search index, handbook) get the light site. This holds while
nothing else reads the whole archive: the built-in output planners only, and none of the templates
that receive summaries overridden by the site. Otherwise the incremental build loads the whole
parsed archive back as before (incremental.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from jinja2 import TemplateError

from .cache import combine, digest
from .diagnostics import Diagnostics
from .model import Config, Site
from .plan.checks import check_unique_entries, check_unique_outputs, page_entries, report_template_error
from .parallel import Job, MeetingState, SiteSummary, load_parsed, render_pages
from .plan.payers import PayerEntry, payers_from
from .plan.pages import FilePlan, PagePlan, plan_site, plan_site_pages
from .markdown.sitelinks import SiteLink, anchors_of, check_site_links, resolve_file_links
from .siteparts import lean_parts_possible

# The templates that receive light meetings and summarised payer entries: overridden by the site, they
# might read more of them, so the lean step is then not used.
SUMMARY_TEMPLATES = ("index.html", "payer_page.html", "payers_index.html", "funding_macros.html")
# Payments on the payer pages from which rendering them in several processes is worth starting those
# (at 10,000 items, 20 payer pages of 20 ms each: 0.47 s in one process, 0.34 s with two)
PARALLEL_PAYER_ENTRIES = 3000


@dataclass(slots=True)
class SiteMemo:
    """The site-level pages of the last build: the digest of their inputs, their addresses and ids."""

    key: bytes
    front: list[tuple[str, str]]  # (output path, source) of the pages before the meetings' (front page)
    rest: list[tuple[str, str]]  # and after them (payer pages, 404)
    anchors: dict[str, str]  # page path -> its ids, for the link check


def lean_possible(config: Config, planners: tuple, states: dict[str, MeetingState], site: Site) -> bool:
    """Whether the site-level outputs can be made from the summaries alone (see the module's text)."""
    if not lean_parts_possible(planners, states, site):
        return False
    templates = Path(config.templates_dir)
    if any((templates / name).exists() for name in SUMMARY_TEMPLATES):
        return False
    return all(getattr(states.get(m.slug), "summary", None) is not None for m in site.meetings)


def site_step(site: Site, states: dict[str, MeetingState], render_key: bytes, memo: SiteMemo | None,
              kept: dict[str, bytes], entries_of: Callable[[str, SiteSummary], list[PayerEntry]],
              render: Callable[[PagePlan], str], put: Callable[[str, bytes], None], keep: Callable[[str], bool],
              links: list[SiteLink], diags: Diagnostics, more_files: tuple[tuple[str, str], ...] = (),
              workers: int = 1) -> tuple[int, dict[str, bytes], SiteMemo]:
    """Check, and render or keep, the site-level pages; returns their count, their digests and the memo.
    `more_files`: the other site-level files (feeds, open data, ...), for the checks. A large site's payer
    pages are rendered by `workers` processes at once."""
    summaries: list[SiteSummary] = [states[m.slug].summary for m in site.meetings]  # type: ignore[misc]
    key = combine(render_key, site.today.isoformat(), tuple(s.digest for s in summaries))
    outputs: dict[str, bytes] = {}
    if memo is not None and memo.key == key and all(path in kept and path in memo.anchors
                                                    for path, _ in memo.front + memo.rest) \
            and all(keep(path) for path, _ in memo.front + memo.rest):
        for path, _ in memo.front + memo.rest:  # the same inputs: the published pages stay
            outputs[path] = kept[path]
        memo = SiteMemo(key, memo.front, memo.rest, memo.anchors)
    else:
        entries = [e for m in site.meetings for e in entries_of(m.slug, states[m.slug].summary)]
        payers = payers_from(entries)
        front, rest = plan_site_pages(site, payers)
        memo = SiteMemo(key, page_entries(front), page_entries(rest), {})
        texts: list[str | None] = render_pages(front + rest, render, workers) \
            if workers > 1 and len(entries) >= PARALLEL_PAYER_ENTRIES else [None] * len(front + rest)
        for page, text in zip(front + rest, texts):
            try:
                text = render(page) if text is None else text
            except TemplateError as exc:  # a site template with a mistake: its file and line
                report_template_error(exc, page, diags)
                continue
            memo.anchors[page.path] = anchors_of(text)
            data = text.encode("utf-8")
            outputs[page.path] = digest(data)
            put(page.path, data)
    pages = memo.front + [e for s in summaries for e in s.pages] + memo.rest
    files = [e for s in summaries for e in s.files] + list(more_files)
    check_unique_entries(pages + files, diags)
    every = {path: text for s in states.values() for path, text in s.anchors.items()}
    every.update(memo.anchors)
    check_site_links(links, every, {path for path, _ in files}, diags)
    return len(memo.front) + len(memo.rest), outputs, memo


def full_step(site: Site, job: Job, env, put: Callable[[str, bytes], None], states: dict[str, MeetingState],
              links: list[SiteLink], diags: Diagnostics) -> tuple[Site, int, list[FilePlan]]:
    """Site-level pages and planners from the whole parsed archive; returns it, the page count, the files."""
    from . import pipeline

    config = site.config
    full = full_site(site, job)  # site-level pages and planners (payers, feeds, open data) read it all
    all_pages, all_files = plan_site(full)
    for planner in pipeline.OUTPUT_PLANNERS:
        all_files.extend(planner(full))
    all_files = [replace(f, data=resolve_file_links(f.data, config.base_url)) if f.data else f
                 for f in all_files]
    check_unique_outputs(all_pages, all_files, diags)
    under_meeting = tuple(m.url for m in site.meetings)
    pages = [p for p in all_pages if not p.url.startswith(under_meeting)]
    written = {path for s in states.values() for path in s.outputs}  # by the meetings' workers
    files = [f for f in all_files if f.path not in written]
    texts: dict[str, str] = {}
    for page in pages:
        try:
            texts[page.path] = pipeline.render_text(env, page, full, config)
        except TemplateError as exc:  # a site template with a mistake: its file and line
            report_template_error(exc, page, diags)
            continue
        put(page.path, texts[page.path].encode("utf-8"))
    anchors = {path: text for s in states.values() for path, text in s.anchors.items()}
    anchors.update((path, anchors_of(text)) for path, text in texts.items())
    check_site_links(links, anchors, {f.path for f in all_files}, diags)
    return full, len(pages), files


def full_site(site: Site, job: Job) -> Site:
    """The site with every meeting complete (for output planners and finishers), from the parse cache."""
    meetings = []
    for meeting in site.meetings:
        full = load_parsed(job, meeting.slug)[0]
        assert full is not None, meeting.slug
        meetings.append(full)
    return replace(site, meetings=tuple(meetings))
