"""Plan the output: every page with its URL, template and context, every file to copy."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from typing import Any
from urllib.parse import unquote

from ..compute.tableout import table_csv
from ..model import Annex, Item, Meeting, Site, SubSection
from .payers import PAYERS_URL, Payer, collect_payers
from .published import bodies_of


@dataclass(frozen=True, slots=True)
class PagePlan:
    """A page to render: site-relative URL, template name, and the values it presents."""

    url: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    title: str = ""

    @property
    def path(self) -> str:
        if self.url.endswith("/") or self.url == "":
            return f"{self.url}index.html"
        return self.url


@dataclass(frozen=True, slots=True)
class FilePlan:
    """A file to write: either bytes or a copy of a content file."""

    path: str
    data: bytes | None = None
    copy_from: str | None = None


@dataclass(frozen=True, slots=True)
class Crumb:
    """One step of a breadcrumb trail; a meeting's step is named by the template with its body and date."""

    title: str
    url: str
    meeting: Meeting | None = None


def plan_site(site: Site) -> tuple[list[PagePlan], list[FilePlan]]:
    """All pages and files of the site, in a stable order."""
    front, rest = plan_site_pages(site, collect_payers(site))
    pages: list[PagePlan] = list(front)
    files: list[FilePlan] = []
    home = Crumb(site.config.title, "")
    for meeting in site.meetings:
        pages.extend(_plan_meeting(meeting, home))
        files.extend(_files_of_meeting(meeting, site.config.language))
    pages.extend(rest)
    return pages, files


def plan_site_pages(site: Site, payers: tuple[Payer, ...]) -> tuple[list[PagePlan], list[PagePlan]]:
    """The site-level pages: those before the meetings' pages (front page) and those after them."""
    upcoming = [m for m in site.meetings if m.date.last_date() >= site.today and m.status != "cancelled"]
    upcoming.sort(key=lambda m: (m.date.as_date(), m.start is None, m.start, m.slug))
    past = [m for m in site.meetings if m not in upcoming]
    archive = [(year, tuple(group)) for year, group in groupby(past, key=lambda m: m.date.year)]
    bodies = bodies_of(site) if len({m.body for m in site.meetings}) > 1 else []
    front = [PagePlan("", "index.html", {"upcoming": upcoming, "archive": archive, "payers": payers,
                                         "bodies": bodies}, site.config.title)]
    home = Crumb(site.config.title, "")
    rest = plan_payers(payers, home)
    if site.config.search:
        rest.append(PagePlan("search/", "search.html", {"meetings": site.meetings, "crumbs": (home,)}, ""))
    rest.append(PagePlan("404.html", "404.html", {}, ""))
    return front, rest


def plan_payers(payers: tuple[Payer, ...], home: Crumb) -> list[PagePlan]:
    """The payer index and one page per payer (none when no funding annex exists)."""
    if not payers:
        return []
    crumbs = (home,)
    pages = [PagePlan(PAYERS_URL, "payers_index.html", {"payers": payers, "crumbs": crumbs}, "")]
    for payer in payers:  # the template adds the index to the crumbs, with its translated name
        pages.append(PagePlan(payer.url, "payer_page.html", {"payer": payer, "crumbs": crumbs,
                                                             "payers_url": PAYERS_URL}, payer.name))
    return pages


def meeting_pages(meeting: Meeting, config) -> list[PagePlan]:
    """One meeting's pages, as plan_site plans them (its parts of the sitemap are made from them)."""
    return _plan_meeting(meeting, Crumb(config.title, ""))


def reading_order(item: Item) -> list[tuple[SubSection, bool]]:
    """Sub-sections as the item page shows them, flagged if the decision: it follows the recommendation."""
    subs = list(item.subsections)
    decision = next((s for s in subs if item.decision_html is not None and s.html == item.decision_html), None)
    recommendation = next((s for s in subs if item.recommendation_html is not None
                           and s.html == item.recommendation_html and s is not decision), None)
    if decision is not None and recommendation is not None:
        subs.remove(decision)
        subs.insert(subs.index(recommendation) + 1, decision)
    return [(s, s is decision) for s in subs]


def _plan_meeting(meeting: Meeting, home: Crumb) -> list[PagePlan]:
    crumbs = (home,)
    meeting_crumb = Crumb(meeting.body, meeting.url, meeting)
    pages = [PagePlan(meeting.url, "meeting.html", {"meeting": meeting, "crumbs": crumbs}, meeting.body)]
    items = meeting.items
    for index, item in enumerate(items):
        previous = items[index - 1] if index > 0 else None
        following = items[index + 1] if index + 1 < len(items) else None
        pages.append(PagePlan(item.url, "item.html", {
            "meeting": meeting, "item": item, "previous": previous, "next": following,
            "crumbs": crumbs + (meeting_crumb,), "subsections": reading_order(item),
        }, f"{item.number} {item.title}"))
    pages.append(PagePlan(meeting.annex_index_url, "annex_index.html",
                          {"meeting": meeting, "crumbs": crumbs + (meeting_crumb,)}, meeting.body))
    for item in items:
        for annex in item.annexes:
            if annex.public and annex.kind in ("page", "funding") and annex.url:
                pages.append(PagePlan(annex.url, "annex_page.html" if annex.kind == "page" else "funding_page.html", {
                    "meeting": meeting, "item": item, "annex": annex,
                    "crumbs": crumbs + (meeting_crumb, Crumb(f"{item.number} {item.title}", item.url)),
                }, annex.title))
    return pages


def _files_of_meeting(meeting: Meeting, locale: str) -> list[FilePlan]:
    files: list[FilePlan] = []
    for item in meeting.items:
        for table in item.tables:
            if table.csv_name:
                files.append(FilePlan(f"{item.url}{table.csv_name}", table_csv(table, locale)))
        for annex in item.annexes:
            files.extend(_files_of_annex(annex, locale))
    return files


def _files_of_annex(annex: Annex, locale: str) -> list[FilePlan]:
    if not annex.public or not annex.url:
        return []
    if annex.kind == "file" and annex.source:
        return [FilePlan(unquote(annex.url), copy_from=annex.source)]  # the URL's name is percent-encoded
    out = []
    for table in annex.tables:
        if table.csv_name:
            out.append(FilePlan(f"{annex.url}{table.csv_name}", table_csv(table, locale)))
    return out
