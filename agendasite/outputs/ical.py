"""The iCalendar file of all meetings (`kalender.ics`), made with the icalendar library; per body if several.

Each meeting's event is serialised once (`calendar_part`) and put into every calendar the meeting is in.

Meetings with a start time are timed events in the site's time zone (with its VTIMEZONE); a meeting
with a day but no time is an all-day event; a meeting known only by its month is an all-day event over
the whole month, marked tentative and free ("transparent"), so it stays visible without blocking time.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event
from icalendar.cal import Timezone

from ..model import Config, Meeting, Site
from ..plan.published import (Parts, SiteFile, absolute, meeting_moment, site_and_body_files,
                        updated_moment, zone)
from ..render.environment import format_short_date
from ..render.i18n import load_translations
from ..source.urls import slugify
from .feeds import meeting_kind

CALENDAR = "kalender.ics"
END = b"END:VCALENDAR\r\n"


def calendar_name(body_slug: str | None) -> str:
    """The calendar's file: `kalender.ics` for the site, `kalender-<body>.ics` for one body."""
    return CALENDAR if body_slug is None else f"kalender-{body_slug}.ics"


def calendar_files(site: Site, parts: Parts) -> list[SiteFile]:
    """The calendars, from each meeting's event (`calendar_part`)."""
    def file(name: str, title: str, meetings: tuple[Meeting, ...]) -> SiteFile:
        ordered = sorted(meetings, key=lambda m: (m.date.as_date(), m.start or dt.time(0), m.slug))

        def inputs() -> object:
            return name, title, [(m.slug, parts.key(m, "event", calendar_part)) for m in ordered]

        def make() -> bytes:
            return render_calendar(site.config, [parts.get(m, "event", calendar_part) for m in ordered], title, name)
        return SiteFile(name, inputs, make)

    return site_and_body_files(site, calendar_name, file)


def calendar_part(config: Config, meeting: Meeting) -> dict[str, tuple[bytes, dt.date | None, tuple[str, ...]]]:
    """The meeting's VEVENT, serialised, with what the calendar's VTIMEZONE needs: the day of a timed meeting
    and the time zones its event names."""
    event = meeting_event(config, meeting)
    alone = Calendar()
    alone.add_component(event)
    timed = meeting.date.as_date() if meeting.start is not None and meeting.date.day is not None else None
    return {"event": (event.to_ical(), timed, tuple(sorted(alone.get_used_tzids() - {"UTC"})))}


def render_calendar(config: Config, events: list[tuple[bytes, dt.date | None, tuple[str, ...]]], title: str,
                    name: str) -> bytes:
    """One VCALENDAR of events in order; UIDs are the meetings' URLs and DTSTAMPs come from the content
    (reproducible). The VTIMEZONE covers the years of the timed meetings, so the file stays small."""
    calendar = Calendar.new(name=title, prodid=f"-//agendasite//{slugify(title)}//{config.language.upper()}",
                            uid=absolute(config, name), url=absolute(config, name), language=config.language)
    timed = [day for _, day, _ in events if day is not None]
    if timed:  # as Calendar.add_missing_timezones does for the events' time zones
        first, last = dt.date(min(timed).year, 1, 1), dt.date(max(timed).year + 1, 12, 31)
        for tzid in sorted({tzid for _, _, tzids in events for tzid in tzids}):
            try:
                calendar.subcomponents.append(Timezone.from_tzid(tzid, first_date=first, last_date=last))
            except ValueError:
                continue
    text = calendar.to_ical()
    assert text.endswith(END)
    return text[:-len(END)] + b"".join(event for event, _, _ in events) + END


def meeting_event(config: Config, meeting: Meeting) -> Event:
    """The VEVENT of one meeting."""
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
