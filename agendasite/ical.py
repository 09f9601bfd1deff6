"""The iCalendar file of all meetings (`kalender.ics`), made with the icalendar library; per body if several.

Meetings with a start time are timed events in the site's time zone (with its VTIMEZONE); a meeting
with a day but no time is an all-day event; a meeting known only by its month is an all-day event over
the whole month, marked tentative and free ("transparent"), so it stays visible without blocking time.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event

from .i18n import load_translations
from .markdown import slugify
from .model import Meeting, Site
from .plan import FilePlan
from .published import absolute, meeting_moment, site_and_body_files, updated_moment, zone
from .render import format_short_date
from .feeds import meeting_kind

CALENDAR = "kalender.ics"


def calendar_name(body_slug: str | None) -> str:
    """The calendar's file: `kalender.ics` for the site, `kalender-<body>.ics` for one body."""
    return CALENDAR if body_slug is None else f"kalender-{body_slug}.ics"


def plan_calendars(site: Site) -> list[FilePlan]:
    """The site's calendar, plus one per body when the site holds several bodies."""
    return site_and_body_files(site, calendar_name, render_calendar)


def render_calendar(site: Site, meetings: tuple[Meeting, ...], title: str, name: str) -> bytes:
    """One VCALENDAR; UIDs are the meetings' URLs and DTSTAMPs come from the content (reproducible)."""
    config = site.config
    calendar = Calendar.new(name=title, prodid=f"-//agendasite//{slugify(title)}//{config.language.upper()}",
                            uid=absolute(config, name), url=absolute(config, name), language=config.language)
    for meeting in sorted(meetings, key=lambda m: (m.date.as_date(), m.start or dt.time(0), m.slug)):
        calendar.add_component(meeting_event(site, meeting))
    timed = [m.date.as_date() for m in meetings if m.start is not None and m.date.day is not None]
    if timed:  # the VTIMEZONE covers the years of the meetings, so the file stays small
        calendar.add_missing_timezones(dt.date(min(timed).year, 1, 1), dt.date(max(timed).year + 1, 12, 31))
    return calendar.to_ical()


def meeting_event(site: Site, meeting: Meeting) -> Event:
    """The VEVENT of one meeting."""
    config = site.config
    gettext = load_translations(config.language).gettext
    url = absolute(config, meeting.url)
    when = format_short_date(meeting.date, config.language)
    summary = f"{gettext('Cancelled')}: {meeting.body}" if meeting.status == "cancelled" else meeting.body
    description = [f"{meeting_kind(meeting, gettext)}: {meeting.body}, {when}", url]
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime | None
    tentative = meeting.date.day is None
    if tentative:
        start, end = meeting.date.as_date(), meeting.date.last_date() + dt.timedelta(days=1)
        description.insert(1, gettext("Only the month of the meeting is known so far."))
    elif meeting.start is None:
        start, end = meeting.date.as_date(), meeting.date.as_date() + dt.timedelta(days=1)
    else:
        start = meeting_moment(meeting, config)
        end = dt.datetime.combine(meeting.date.as_date(), meeting.end, zone(config)) if meeting.end else None
    status = "CANCELLED" if meeting.status == "cancelled" else ("TENTATIVE" if tentative else "CONFIRMED")
    event = Event.new(
        uid=url, summary=summary, start=start, end=end, location=meeting.place, url=url,
        description="\n".join(description), status=status, categories=[meeting.body],
        stamp=updated_moment(meeting, config).astimezone(dt.timezone.utc),
        transparency="TRANSPARENT" if tentative or meeting.status == "cancelled" else "OPAQUE",
    )
    return event
