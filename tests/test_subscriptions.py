"""The Atom feed and the iCalendar file, parsed as a feed reader and a calendar would, checked against content."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import feedparser
import pytest
from icalendar import Calendar

from .conftest import ROOT, SITES, run_build, soup

CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")
BASE = "https://example.org/byraad/"
HELD = BASE + "2024-05-14-okonomiudvalget/"


def _feed(site: Path, name: str = "feed.xml"):
    parsed = feedparser.parse((site / name).read_bytes())
    assert not parsed.bozo, parsed.bozo_exception
    return parsed


def _calendar(site: Path, name: str = "kalender.ics") -> Calendar:
    return Calendar.from_ical((site / name).read_bytes())


def test_feed_has_one_entry_per_meeting_and_item(minutes_site: Path):
    feed = _feed(minutes_site)
    ids = [e.id for e in feed.entries]
    meetings = [BASE + m for m in ("2025-01-07-okonomiudvalget/", "2024-12-10-okonomiudvalget/",
                                   "2024-06-kkr-hovedstaden/", "2024-05-14-okonomiudvalget/")]
    items = [HELD + s for s in ("1-1-budgetopfolgning/", "1-2-anlaegsregnskab/", "1-3-orientering/",
                                "2-1-personalesag/")] + [BASE + "2024-06-kkr-hovedstaden/1-1-budgetopfolgning/",
                                                         BASE + "2025-01-07-okonomiudvalget/1-1-budget/"]
    assert sorted(ids) == sorted(meetings + items) and len(ids) == len(set(ids))
    assert feed.feed.title == "Byrådet – dagsordener og referater"
    assert feed.feed.language == "da"
    assert [link.href for link in feed.feed.links if link.rel == "self"] == [BASE + "feed.xml"]
    for entry in feed.entries:
        assert entry.link == entry.id  # the entry links to its page


def test_minutes_are_announced_by_an_updated_entry(minutes_site: Path):
    entries = {e.id: e for e in _feed(minutes_site).entries}
    meeting = entries[HELD]
    assert meeting.title == "Referat: Økonomiudvalget, 14. maj 2024"
    # published at the start (16:00), updated when the minutes came (the meeting's end, 18:00)
    assert dt.datetime.fromisoformat(meeting.published) == dt.datetime(2024, 5, 14, 16, 0, tzinfo=CPH)
    assert dt.datetime.fromisoformat(meeting.updated) == dt.datetime(2024, 5, 14, 18, 0, tzinfo=CPH)
    decided = entries[HELD + "1-1-budgetopfolgning/"]
    assert dt.datetime.fromisoformat(decided.updated) == dt.datetime(2024, 5, 14, 18, 0, tzinfo=CPH)
    assert "Indstillingen blev godkendt." in decided.content[0].value
    assert "Det indstilles, at udvalget godkender budgetopfølgningen." in decided.content[0].value
    undecided = entries[HELD + "1-3-orientering/"]
    assert dt.datetime.fromisoformat(undecided.updated) == dt.datetime(2024, 5, 14, 16, 0, tzinfo=CPH)
    agenda = entries[BASE + "2025-01-07-okonomiudvalget/"]
    assert agenda.title == "Dagsorden: Økonomiudvalget, 7. januar 2025"
    assert entries[BASE + "2024-12-10-okonomiudvalget/"].title.startswith("Aflyst: ")


def test_closed_item_entry_has_no_title_or_text(minutes_site: Path):
    entry = {e.id: e for e in _feed(minutes_site).entries}[HELD + "2-1-personalesag/"]
    assert entry.title == "2.1 Lukket punkt (Økonomiudvalget, 14. maj 2024)"
    assert "content" not in entry
    text = (minutes_site / "feed.xml").read_text("utf-8")
    assert "Hemmelig" not in text and "Fortrolig" not in text


def test_one_feed_and_one_calendar_per_body(minutes_site: Path):
    for slug, body, count in (("okonomiudvalget", "Økonomiudvalget", 3), ("kkr-hovedstaden", "KKR Hovedstaden", 1)):
        feed = _feed(minutes_site, f"feed-{slug}.xml")
        assert {t.term for e in feed.entries for t in e.tags} == {body}
        assert feed.feed.title.endswith(f": {body}")
        events = list(_calendar(minutes_site, f"kalender-{slug}.ics").walk("VEVENT"))
        assert len(events) == count and {str(e["CATEGORIES"].cats[0]) for e in events} == {body}
    front = soup(minutes_site / "index.html")
    links = {a["href"] for a in front.find(id="per-body").find_parent("section").find_all("a")}
    assert links == {"feed-okonomiudvalget.xml", "kalender-okonomiudvalget.ics",
                     "feed-kkr-hovedstaden.xml", "kalender-kkr-hovedstaden.ics"}


def test_calendar_events_match_the_meetings(minutes_site: Path):
    calendar = _calendar(minutes_site)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert len(events) == 4
    held = events[HELD]
    assert held.start == dt.datetime(2024, 5, 14, 16, 0, tzinfo=CPH)
    assert held["DTSTART"].params["TZID"] == "Europe/Copenhagen"
    assert held.end == dt.datetime(2024, 5, 14, 18, 0, tzinfo=CPH)
    assert str(held["LOCATION"]) == "Rådhuset, mødelokale 1"
    assert str(held["URL"]) == HELD and str(held["STATUS"]) == "CONFIRMED"
    assert held["DTSTAMP"].dt == dt.datetime(2024, 5, 14, 16, 0, tzinfo=dt.timezone.utc)  # 18:00 in Copenhagen
    month = events[BASE + "2024-06-kkr-hovedstaden/"]
    assert month.start == dt.date(2024, 6, 1) and month.end == dt.date(2024, 7, 1)
    assert str(month["STATUS"]) == "TENTATIVE" and str(month["TRANSP"]) == "TRANSPARENT"
    cancelled = events[BASE + "2024-12-10-okonomiudvalget/"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    day_only = events[BASE + "2025-01-07-okonomiudvalget/"]
    assert day_only.start == dt.date(2025, 1, 7) and day_only.end == dt.date(2025, 1, 8)


def test_embedded_agenda_in_feed_and_calendar(built_site: Path):
    root = "https://example.org/kkr-hovedstaden/"
    base = root + "2024-09-06-kkr-hovedstaden/"
    feed = _feed(built_site)
    meetings = [p.parent for p in built_site.glob("20*/index.html")]
    items = [p.parent for m in meetings for p in m.glob("*/index.html") if p.parent.name != "bilag"]
    expected = {root + p.relative_to(built_site).as_posix() + "/" for p in meetings + items}
    assert {e.id for e in feed.entries} == expected and len(feed.entries) == len(expected)
    assert len(meetings) == 2 and len(items) > 14
    loan = {e.id: e for e in feed.entries}[base + "3-4-opfolgning-pa-lanepuljen/"]
    assert loan.title == "3.4 Opfølgning på lånepuljen til botilbud 2024-2026 (KKR Hovedstaden, 6. september 2024)"
    events = {str(e["UID"]): e for e in _calendar(built_site).walk("VEVENT")}
    assert set(events) == {root + "2024-09-06-kkr-hovedstaden/", root + "2024-04-kkr-hovedstaden/"}
    event = events[base]
    assert event.start == dt.datetime(2024, 9, 6, 10, 0, tzinfo=CPH)
    assert str(event["LOCATION"]) == "Glostrup Park Hotel, Hovedvejen 41, 2600 Glostrup"
    assert str(event["URL"]) == base
    head = soup(built_site / "index.html").head
    assert head.find("link", rel="alternate", type="application/atom+xml")["href"] == "feed.xml"
    assert head.find("link", rel="alternate", type="text/calendar")["href"] == "kalender.ics"


def test_feed_calendar_and_data_do_not_depend_on_the_build_time(tmp_path: Path):
    """Timestamps come from the content: builds on different days give the same bytes."""
    config = SITES / "minutes" / "site_config.yml"
    first = run_build(config, tmp_path / "a", environ={"SOURCE_DATE_EPOCH": "1732406400"})
    second = run_build(config, tmp_path / "b", environ={"SOURCE_DATE_EPOCH": "1767225600"})
    assert first.ok and second.ok
    names = ["feed.xml", "feed-okonomiudvalget.xml", "kalender.ics", "kalender-kkr-hovedstaden.ics"]
    names += [p.relative_to(tmp_path / "a").as_posix() for p in (tmp_path / "a" / "oparl").rglob("*.json")]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


@pytest.mark.parametrize("config", [ROOT / "site_config.yml", SITES / "minutes" / "site_config.yml"])
def test_same_input_gives_the_same_site_byte_for_byte(tmp_path: Path, config: Path):
    """The whole site, search index included, is reproducible."""
    assert run_build(config, tmp_path / "a").ok and run_build(config, tmp_path / "b").ok
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert files_a == files_b
    different = [p for p in files_a if (tmp_path / "a" / p).read_bytes() != (tmp_path / "b" / p).read_bytes()]
    assert different == []
