"""A meeting, item or annex without its body: what the site-level pages read of the whole archive.

The front page, the payer pages and the search page list meetings and items by their headings; keeping
only those for every meeting lets a rebuild make the site-level pages without reading the archive back.
Each heading class names what it holds back (`HELD_BACK`): a template that reads one of those names
stops with `render.NeedsWhole`, and the build renders that page again from the complete meetings (and
remembers that it does), so a heading is never silently less than the meeting (engine: sitepages.py).
Python code reading a held-back name gets an AttributeError: the heading has no such field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from .model import Annex, Item, ItemNumber, Meeting, MeetingDate


@dataclass(frozen=True, slots=True)
class MeetingHeading:
    """A published meeting's heading fields, whether it has decisions, and how many items it has."""

    HELD_BACK: ClassVar[frozenset[str]] = frozenset({"notes", "preamble_html", "sections", "items"})

    slug: str
    url: str
    body: str
    title: str | None
    date: MeetingDate
    start: dt.time | None
    end: dt.time | None
    place: str | None
    status: str | None
    public: bool
    source: str
    has_decisions: bool
    item_count: int

    @property
    def annex_index_url(self) -> str:
        return f"{self.url}bilag/"


@dataclass(frozen=True, slots=True)
class ItemHeading:
    """An item's number, title and address (the payer pages' link to it)."""

    HELD_BACK: ClassVar[frozenset[str]] = frozenset({"annexes", "subsections", "recommendation_html",
                                                     "decision_html", "tables"})

    meeting_slug: str
    slug: str
    url: str
    number: ItemNumber
    title: str
    case: str | None
    officer: str | None
    public: bool
    source: str


@dataclass(frozen=True, slots=True)
class AnnexHeading:
    """An annex without its rendered page (the payer pages link to it and read its computed payments)."""

    HELD_BACK: ClassVar[frozenset[str]] = frozenset({"html", "tables"})

    title: str
    kind: str
    public: bool
    source: str | None
    url: str | None
    size: int | None
    file_type: str | None
    extra: object | None


def meeting_heading(meeting: Meeting) -> MeetingHeading:
    """The heading of a complete meeting."""
    return MeetingHeading(meeting.slug, meeting.url, meeting.body, meeting.title, meeting.date, meeting.start,
                          meeting.end, meeting.place, meeting.status, meeting.public, meeting.source,
                          meeting.has_decisions, len(meeting.items))


def item_heading(item: Item) -> ItemHeading:
    """The heading of a complete item."""
    return ItemHeading(item.meeting_slug, item.slug, item.url, item.number, item.title, item.case, item.officer,
                       item.public, item.source)


def annex_heading(annex: Annex) -> AnnexHeading:
    """The heading of a complete annex."""
    return AnnexHeading(annex.title, annex.kind, annex.public, annex.source, annex.url, annex.size,
                        annex.file_type, annex.extra)
