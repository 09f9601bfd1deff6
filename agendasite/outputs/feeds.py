"""The Atom feed: one entry per published meeting and per item; the whole site, and per body if several.

Each meeting's entries are serialised once (`feed_part`) and put into every feed the meeting is in."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from typing import Callable

from ..model import Config, Item, Meeting, Site
from ..plan.published import (Parts, SiteFile, absolute, iso, meeting_moment, shown_title,
                        site_and_body_files, updated_moment, updated_part, xml_document, xml_fragment)
from ..render.environment import format_short_date
from ..render.i18n import load_translations

ATOM = "http://www.w3.org/2005/Atom"
FEED_TAG = f"{{{ATOM}}}feed"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED = "feed.xml"


def feed_name(body_slug: str | None) -> str:
    """The feed's file: `feed.xml` for the site, `feed-<body>.xml` for one body."""
    return FEED if body_slug is None else f"feed-{body_slug}.xml"


def feed_files(site: Site, parts: Parts) -> list[SiteFile]:
    """The feeds, from each meeting's entries (`feed_part`) and last change."""
    def file(name: str, title: str, meetings: tuple[Meeting, ...]) -> SiteFile:
        def inputs() -> object:
            return name, title, None if meetings else site.today, [
                (parts.key(m, "updated", updated_part), parts.key(m, "feed", feed_part)) for m in meetings]

        def make() -> bytes:
            moments = [parts.get(m, "updated", updated_part) for m in meetings]
            return xml_document(_head(site, title, name, moments),
                                (parts.get(m, "feed", feed_part) for m in meetings))
        return SiteFile(name, inputs, make)

    return site_and_body_files(site, feed_name, file)


def feed_part(config: Config, meeting: Meeting) -> dict[str, bytes]:
    """The meeting's entries in every feed it is in: its own and its items', serialised."""
    gettext = load_translations(config.language).gettext
    ET.register_namespace("", ATOM)
    feed = ET.Element(FEED_TAG)
    when = format_short_date(meeting.date, config.language)
    entry = _sub(feed, "entry")
    _sub(entry, "id", absolute(config, meeting.url))
    _sub(entry, "title", f"{meeting_kind(meeting, gettext)}: {meeting.body}, {when}")
    _sub(entry, "link", rel="alternate", type="text/html", href=absolute(config, meeting.url))
    _sub(entry, "published", iso(meeting_moment(meeting, config)))
    _sub(entry, "updated", iso(updated_moment(meeting, config)))
    _sub(entry, "category", term=meeting.body)
    summary = [f"{meeting.body}, {when}"] + ([meeting.place] if meeting.place else [])
    _sub(entry, "summary", " – ".join(summary))
    for item in meeting.items:
        _item_entry(feed, config, meeting, item, when, gettext)
    return {"feed": xml_fragment(FEED_TAG, list(feed))}


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def meeting_kind(meeting: Meeting, gettext: Callable[[str], str]) -> str:
    """What the meeting's document is now: agenda, minutes, or a cancelled meeting."""
    if meeting.status == "cancelled":
        return gettext("Cancelled")
    return gettext("Minutes") if meeting.has_decisions else gettext("Agenda")


def _head(site: Site, title: str, name: str, moments: list[dt.datetime]) -> ET.Element:
    """The feed element with what precedes the entries; every timestamp comes from the content."""
    config = site.config
    ET.register_namespace("", ATOM)
    feed = ET.Element(FEED_TAG, {XML_LANG: config.language})
    _sub(feed, "id", absolute(config, name))
    _sub(feed, "title", title)
    if config.description:
        _sub(feed, "subtitle", config.description)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=absolute(config, name))
    _sub(feed, "link", rel="alternate", type="text/html", href=absolute(config, ""))
    _sub(feed, "updated", iso(max(moments)) if moments else f"{site.today.isoformat()}T00:00:00Z")
    _sub(_sub(feed, "author"), "name", config.title)
    _sub(feed, "generator", "agendasite")
    return feed


def _item_entry(feed: ET.Element, config: Config, meeting: Meeting, item: Item, when: str,
                gettext: Callable[[str], str]) -> None:
    entry = _sub(feed, "entry")
    _sub(entry, "id", absolute(config, item.url))
    item_title = shown_title(item, config, gettext("Closed item"))
    _sub(entry, "title", f"{item.number} {item_title} ({meeting.body}, {when})")
    _sub(entry, "link", rel="alternate", type="text/html", href=absolute(config, item.url))
    _sub(entry, "link", rel="up", type="text/html", href=absolute(config, meeting.url))
    _sub(entry, "published", iso(meeting_moment(meeting, config)))
    _sub(entry, "updated", iso(updated_moment(meeting, config, item)))
    _sub(entry, "category", term=meeting.body)
    if not item.public:
        _sub(entry, "summary", gettext("This item is closed. Its content is not published."))
        return
    parts = []
    if item.decision_html:
        parts.append(f"<h2>{gettext('Decision')}</h2>\n{item.decision_html}")
    if item.recommendation_html:
        parts.append(f"<h2>{gettext('Recommendation')}</h2>\n{item.recommendation_html}")
    if parts:
        _sub(entry, "content", "\n".join(parts), type="html")
    else:
        _sub(entry, "summary", f"{item.number} {item.title}")
