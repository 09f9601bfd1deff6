"""What the machine-readable outputs share: absolute URLs, bodies, timestamps taken from the content, and
the way each file is put together from the meetings' parts.

Feeds, calendars, the sitemap and the open data must be reproducible, so no timestamp here comes from
the wall clock: a meeting's moment is its date and start time in the site's time zone.

Each of those files is a `SiteFile`: a few site-wide values plus every meeting's part (its feed entries,
its calendar event, its open-data objects as JSON text, ...), which a producer makes from the complete
meeting. Each meeting's worker makes them and the engine keeps them in the cache, and makes a file again
only when the parts it is made of changed (sitefiles.py; the list of outputs: outputs/registry.py).
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
import zoneinfo
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Protocol

from ..model import Config, Item, Meeting, Site
from ..source.urls import slugify

Producer = Callable[[Config, Meeting], dict[str, Any]]  # a complete meeting's parts, by name
_PLACEHOLDER = "agendasite-parts"


@dataclass(frozen=True, slots=True)
class SiteFile:
    """A site-level file: what it is made of (equal inputs, equal bytes) and how to make it."""

    path: str
    inputs: Callable[[], object]
    make: Callable[[], bytes]


class Parts(Protocol):
    """Where a site-level file gets each meeting's parts from."""

    def get(self, meeting: Meeting, name: str, producer: Producer) -> Any:
        """The part `name` that `producer` makes of the meeting."""

    def key(self, meeting: Meeting, name: str, producer: Producer) -> object:
        """Something equal whenever the part is equal (the part itself, or its digest)."""

    def memo(self, key: bytes, make: Callable[[], Any]) -> Any:
        """A value made from parts, kept under the digest of its inputs (a paper, read by several files)."""


def updated_part(config: Config, meeting: Meeting) -> dict[str, Any]:
    """The meeting's last change (feeds and open data show the latest of a body's or the site's)."""
    return {"updated": updated_moment(meeting, config)}


def xml_fragment(root_tag: str, elements: list[ET.Element]) -> bytes:
    """Elements as they stand, serialised, at the first level of an indented document with this root,
    each followed by its indentation: fragments are joined and put into `xml_document`."""
    if not elements:
        return b""
    root = ET.Element(root_tag)
    root.extend(elements)
    ET.indent(root)
    text = ET.tostring(root, encoding="utf-8")
    inner = text[text.index(b">") + 1:text.rindex(b"</")]  # "\n  <a>..</a>\n  <b>..</b>\n"
    return inner[3:-1] + b"\n  "


def xml_document(root: ET.Element, fragments: Iterable[bytes]) -> bytes:
    """The indented document of `root` with the fragments' elements after its own children: the same bytes
    as ET.indent and ET.tostring give for the document built whole. Spliced, not serialised: ElementTree
    cannot write an element given as bytes, and each meeting's fragment is kept serialised (its part)."""
    body = b"".join(fragments)
    if body:
        namespace = root.tag[:root.tag.index("}") + 1] if root.tag.startswith("{") else ""
        ET.SubElement(root, namespace + _PLACEHOLDER)
    ET.indent(root)
    text = ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
    if not body:
        return text
    head, tail = text.split(f"<{_PLACEHOLDER} />".encode())  # head ends with the indentation before it
    return head + body[:-3] + tail


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
                        file: Callable[[str, str, tuple[Meeting, ...]], SiteFile]) -> list[SiteFile]:
    """One file for the whole site and, when it holds several bodies, one per body (feeds, calendars):
    `file(name, title, meetings)`."""
    if site.config.base_url is None:
        return []
    files = [file(name_of(None), site.config.title, site.meetings)]
    bodies = bodies_of(site)
    if len(bodies) > 1:
        for body in bodies:
            files.append(file(name_of(body.slug), f"{site.config.title}: {body.name}", body.meetings))
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
