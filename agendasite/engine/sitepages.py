"""The site-level pages (front page, payer pages, search page, 404) and the site-wide checks.

They read of each meeting its heading (headings.py) and, for the payer pages, its funding annexes'
payments with the item's heading. Each meeting's worker keeps those as a small `SiteSummary`
(meetings.py) with a digest, so the site-level pages are rendered only when the digest of their inputs
(templates, configuration, code, today, every meeting's summary digest) changed; otherwise the
published pages are kept. A template that reads more than the headings (a site's own index.html
listing every item, say) stops with `render.NeedsWhole`: the pages are then rendered from the complete
meetings, read back from the parse cache, and their inputs are the meetings' keys from then on, while the
templates stay the same. The unique-address check and the link check run on every build, from the paths,
sources and anchors kept per meeting.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from ..diagnostics import Diagnostics
from ..markdown.sitelinks import SiteLink, anchors_of, check_site_links
from ..model import Site
from ..plan.checks import check_unique_entries, page_entries
from ..plan.pages import PagePlan, plan_site_pages
from ..plan.payers import PayerEntry, collect_payers, payers_from
from ..render.environment import NeedsWhole
from ..render.pages import render_reporting
from .cache import combine, digest
from .meetings import MeetingState, SiteSummary
from .workers import render_pages

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
    whole: bytes | None = None  # the templates' key under which they read the whole meetings (NeedsWhole)


@dataclass(slots=True)
class SiteInputs:
    """What the site-level pages are made from: the site of headings, and how to get the rest."""

    site: Site  # meetings as headings
    states: dict[str, MeetingState]
    render_key: bytes  # templates, configuration, code
    entries_of: Callable[[str, SiteSummary], list[PayerEntry]]  # a meeting's payer entries (cached)
    whole_site: Callable[[], Site]  # the site with every meeting complete (from the parse cache)
    render: Callable[[PagePlan, Site], str]
    workers: int = 1


def site_step(inputs: SiteInputs, memo: SiteMemo | None, keep: Callable[[str], bytes | None],
              put: Callable[[str, bytes], None], diags: Diagnostics) -> tuple[int, dict[str, bytes], SiteMemo]:
    """Render or keep the site-level pages; returns their count, their digests and the memo. `keep(path)`
    links a published page into staging and gives its digest (None if it cannot be kept)."""
    whole = memo is not None and memo.whole == inputs.render_key
    key = _key(inputs, whole)
    if memo is not None and memo.key == key:  # the same inputs: the published pages stay, if all are there
        paths = [path for path, _ in memo.front + memo.rest]
        kept = {path: keep(path) for path in paths if path in memo.anchors}
        if len(kept) == len(paths) and all(hashed is not None for hashed in kept.values()):
            return len(paths), kept, memo  # type: ignore[return-value]
    try:
        return _render(inputs, key, None, put, diags)
    except NeedsWhole:  # a template reads more than the headings: from the complete meetings
        return _render(inputs, _key(inputs, True), inputs.render_key, put, diags)


def _key(inputs: SiteInputs, whole: bool) -> bytes:
    """The digest of the site-level pages' inputs: the summaries, or the complete meetings' keys."""
    meetings = [inputs.states[m.slug] for m in inputs.site.meetings]
    parts = tuple(s.key for s in meetings) if whole else tuple(s.summary.digest for s in meetings)  # type: ignore
    return combine(inputs.render_key, inputs.site.today.isoformat(), whole, parts)


def _render(inputs: SiteInputs, key: bytes, whole: bytes | None, put: Callable[[str, bytes], None],
            diags: Diagnostics) -> tuple[int, dict[str, bytes], SiteMemo]:
    """Plan and render the site-level pages from the headings (or, `whole`, the complete meetings)."""
    if whole is None:
        site = inputs.site
        entries = [e for m in site.meetings for e in inputs.entries_of(m.slug, inputs.states[m.slug].summary)]
        payers = payers_from(entries)
    else:
        site = inputs.whole_site()
        payers = collect_payers(site)
        entries = [e for payer in payers for e in payer.entries]
    front, rest = plan_site_pages(site, payers)
    memo = SiteMemo(key, page_entries(front), page_entries(rest), {}, whole)
    pages = front + rest
    many = inputs.workers > 1 and len(entries) >= PARALLEL_PAYER_ENTRIES
    texts = render_pages(pages, lambda p: inputs.render(p, site), inputs.workers) if many else [None] * len(pages)
    outputs: dict[str, bytes] = {}
    for page, text in zip(pages, texts):
        text = text if text is not None else render_reporting(lambda p: inputs.render(p, site), page, diags)
        if text is None:
            continue
        memo.anchors[page.path] = anchors_of(text)
        data = text.encode("utf-8")
        outputs[page.path] = digest(data)
        put(page.path, data)
    return len(pages), outputs, memo


def site_checks(states: dict[str, MeetingState], site: Site, memo: SiteMemo, more_files: list[tuple[str, str]],
                links: list[SiteLink], diags: Diagnostics) -> None:
    """Every address once, and every link between pages to a page (and id) that exists."""
    summaries = [states[m.slug].summary for m in site.meetings]
    pages = memo.front + [e for s in summaries for e in s.pages] + memo.rest  # type: ignore[union-attr]
    files = [e for s in summaries for e in s.files] + list(more_files)  # type: ignore[union-attr]
    check_unique_entries(pages + files, diags)
    every = {path: text for s in states.values() for path, text in s.anchors.items()}
    every.update(memo.anchors)
    check_site_links(links, every, {path for path, _ in files}, diags)


def whole_meetings(site: Site, load: Callable[[str], object]) -> Site:
    """The site with every meeting complete, each read by `load` (its folder name -> the meeting)."""
    return replace(site, meetings=tuple(load(m.slug) for m in site.meetings))  # type: ignore[misc]
