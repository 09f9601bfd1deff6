"""What the machine-readable outputs share: absolute URLs, bodies, and timestamps taken from the content.

Feeds, calendars, the sitemap and the open data must be reproducible, so no timestamp here comes from
the wall clock: a meeting's moment is its date and start time in the site's time zone.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from .markdown import slugify
from .model import Config, Item, Meeting, Site

if TYPE_CHECKING:
    from .plan import FilePlan


@dataclass(frozen=True, slots=True)
class Body:
    """A body (council, committee) with its meetings, newest first."""

    slug: str
    name: str
    meetings: tuple[Meeting, ...]


def absolute(config: Config, url: str) -> str:
    """The absolute address of a site-relative URL (base_url must be set)."""
    assert config.base_url is not None, "absolute URLs need base_url"
    return config.base_url + url


def bodies_of(site: Site) -> list[Body]:
    """The bodies of the site, in order of first appearance (newest meeting first)."""
    names: dict[str, list[Meeting]] = {}
    for meeting in site.meetings:
        names.setdefault(meeting.body, []).append(meeting)
    return [Body(slugify(name), name, tuple(meetings)) for name, meetings in names.items()]


def site_and_body_files(site: Site, name_of: Callable[[str | None], str],
                        render: Callable[[Site, tuple[Meeting, ...], str, str], bytes]) -> list[FilePlan]:
    """One file for the whole site and, when it holds several bodies, one per body (feeds, calendars)."""
    from .plan import FilePlan  # plan uses bodies_of: import here, not at the top

    if site.config.base_url is None:
        return []
    files = [FilePlan(name_of(None), render(site, site.meetings, site.config.title, name_of(None)))]
    bodies = bodies_of(site)
    if len(bodies) > 1:
        for body in bodies:
            name = name_of(body.slug)
            files.append(FilePlan(name, render(site, body.meetings, f"{site.config.title}: {body.name}", name)))
    return files


def zone(config: Config) -> zoneinfo.ZoneInfo:
    """The site's time zone (Europe/Copenhagen unless configured)."""
    return zoneinfo.ZoneInfo(config.timezone)


def meeting_moment(meeting: Meeting, config: Config) -> dt.datetime:
    """When the agenda counts as published: the meeting's start (midnight when no time is known)."""
    return dt.datetime.combine(meeting.date.as_date(), meeting.start or dt.time(0), zone(config))


def minutes_moment(meeting: Meeting, config: Config) -> dt.datetime:
    """When the minutes count as published: the meeting's end time, or the midnight after its (last) day."""
    if meeting.date.day is not None and meeting.end is not None:
        return dt.datetime.combine(meeting.date.as_date(), meeting.end, zone(config))
    return dt.datetime.combine(meeting.date.last_date() + dt.timedelta(days=1), dt.time(0), zone(config))


def updated_moment(meeting: Meeting, config: Config, item: Item | None = None) -> dt.datetime:
    """The last change the public should hear about: the minutes once there are decisions."""
    decided = item.decision_html if item is not None else meeting.has_decisions
    return minutes_moment(meeting, config) if decided else meeting_moment(meeting, config)


def shown_title(item: Item, config: Config, closed_word: str) -> str:
    """An item's title as the public may see it: closed items per the `closed_items` setting."""
    if item.public or config.closed_items == "number_and_title":
        return item.title
    return closed_word


def iso(moment: dt.datetime) -> str:
    """RFC 3339 with the UTC offset, seconds precision."""
    return moment.isoformat(timespec="seconds")
