"""The rendering shortcuts give exactly what the slower standard ways give: links, interface words, dates."""

from __future__ import annotations

import datetime as dt
import itertools
import posixpath

import pytest
from babel.dates import format_date, format_skeleton, format_time
from jinja2 import DictLoader, Environment, StrictUndefined

from agendasite.render.i18n import load_translations
from agendasite.render.environment import format_meeting_date, format_short_date, interface_text
from agendasite.model import MeetingDate
from agendasite.source.urls import relative_url


def relative_url_posixpath(from_url: str, to_url: str) -> str:
    """`relative_url` as first written, with posixpath.relpath: the reference for the fast version."""
    if to_url.startswith(("http://", "https://", "mailto:", "#")):
        return to_url
    target, hash_, fragment = to_url.partition("#")
    base = from_url if from_url.endswith("/") or from_url == "" else posixpath.dirname(from_url)
    rel = posixpath.relpath("/" + target, "/" + base.rstrip("/")) if base else (target or ".")
    if rel == ".":
        rel = "./"
    elif (target == "" or target.endswith("/")) and not rel.endswith("/"):
        rel += "/"
    return rel + hash_ + fragment


PAGES = ["", "404.html", "search/", "betalere/", "betalere/allerod/", "2024-09-06-kkr/",
         "2024-09-06-kkr/3-4-lanepuljen/", "2024-09-06-kkr/bilag/", "2024-09-06-kkr/bilag/notat/",
         "2024-09-06-kkr/bilag/notat.pdf", "2024-09-06-kkr/3-4-lanepuljen/tabel-1.csv", "feed.xml",
         "a/b/c/d/", "a//b/", "a/./b/", "a/../b/", "/x/", "/", "//", "x", "2024-09-06-kkr/.well-known/", "a/b.c/"]
TARGETS = ["", "assets/style.css", "assets/favicon.svg", "feed.xml", "search/", "betalere/",
           "betalere/allerod/", "2024-09-06-kkr/", "2024-09-06-kkr/3-4-lanepuljen/",
           "2024-09-06-kkr/3-4-lanepuljen/#indstilling", "2024-09-06-kkr/3-5-andet/", "2024-09-06-kkr/bilag/",
           "2024-09-06-kkr/bilag/notat.pdf", "2024-09-06-kkr/bilag/notat/tabel-1.csv", "2024-10-01-kkr/",
           "2024-10-01-kkr/bilag/brev.pdf#side-2", "#top", "https://example.org/", "http://x/", "mailto:a@b.dk",
           "a/b/c/d/", "a/b/", "a/b", "a/b/e/", "a", "a//b/", "a/./b/", "a/../b/", "../x/", "./", ".",
           "/x/", "x//", "/", "//", ".hidden/", "a/.b", "a/b//", "a//", "/a/b/", "kalender-kkr.ics", "oparl/system.json", "#"]


@pytest.mark.parametrize("page", PAGES)
def test_relative_url_is_what_posixpath_gives(page: str) -> None:
    for target in TARGETS:
        assert relative_url(page, target) == relative_url_posixpath(page, target), (page, target)


def test_relative_url_on_generated_addresses() -> None:
    """Every pair of a few hundred addresses of the shapes a site has, both ways."""
    parts = ["", "m1/", "m1/i1/", "m1/i2/", "m1/bilag/", "m1/bilag/a/", "m2/i1/", "m2/", "betalere/k/", "404.html",
             "m1/bilag/f.pdf", "m1/i1/tabel-1.csv"]
    urls = parts + [a + b for a, b in itertools.product(["m1/", "m2/x/"], ["i1/", "bilag/a/", "f.pdf", ""])]
    for page, target in itertools.product(urls, urls):
        for suffix in ("", "#anker"):
            assert relative_url(page, target + suffix) == relative_url_posixpath(page, target + suffix)


def test_relative_url_examples() -> None:
    """What the links look like: from a page folder, from the front page and from a file."""
    assert relative_url("m1/i1/", "assets/style.css") == "../../assets/style.css"
    assert relative_url("m1/i1/", "m1/i2/") == "../i2/"
    assert relative_url("m1/i1/", "m1/i1/") == "./"
    assert relative_url("m1/i1/", "") == "../../"
    assert relative_url("", "") == "./"
    assert relative_url("", "m1/") == "m1/"
    assert relative_url("404.html", "m1/#x") == "m1/#x"
    assert relative_url("m1/", "m1/i1/#punkt") == "i1/#punkt"


TEMPLATES = {
    "plain.html": "{{ _('Search') }}|{{ _('Skip to content') }}|{{ _('100%% sure') }}|{{ gettext('Search') }}",
    "values.html": "{{ _('Every amount %(payer)s is asked to pay in the funding annexes of all meetings.', "
                   "payer=name) }}|{{ _('%(hours)s hours', hours=3) }}",
    "raw.html": "{% autoescape false %}{{ _('%(hours)s hours', hours=name) }}|{{ _('Search') }}{% endautoescape %}",
    "trans.html": "{% trans %}Search{% endtrans %}|{% trans payer=name %}Payer {{ payer }}{% endtrans %}",
    "macro.html": "{% macro m() %}{{ _('Annexes') }}{% endmacro %}{{ m() }}{{ m() }}",
}


@pytest.mark.parametrize("language", ["da", "en"])
@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_interface_text_is_what_jinja_gettext_gives(language: str, name: str) -> None:
    translations = load_translations(language)

    def environment() -> Environment:
        env = Environment(loader=DictLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                          extensions=["jinja2.ext.i18n"])
        env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
        return env

    stock, ours = environment(), environment()
    ours.globals["gettext"] = ours.globals["_"] = interface_text(translations.gettext)
    for value in ("Allerød", "<b>Tårnby & Co</b>"):
        for _ in range(2):  # the second time from the memo
            expected = stock.get_template(name).render(name=value)
            assert ours.get_template(name).render(name=value) == expected


def test_interface_text_translates() -> None:
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    env.globals["_"] = interface_text(load_translations("da").gettext)
    assert env.from_string("{{ _('Search') }} {{ _('%(hours)s hours', hours='<3') }}").render() == "Søg &lt;3 timer"


@pytest.mark.parametrize("language", ["da", "en"])
def test_dates_are_babels(language: str) -> None:
    gettext = load_translations(language).gettext

    class Meeting:  # the three fields the filter reads
        def __init__(self, date: MeetingDate, start: dt.time | None, end: dt.time | None) -> None:
            self.date, self.start, self.end = date, start, end

    for date in (MeetingDate(2024, 9, 6), MeetingDate(2024, 4), MeetingDate(2025, 1, 31)):
        for _ in range(2):
            if date.day is None:
                expected = format_skeleton("yMMMM", date.as_date(), locale=language)
            else:
                expected = format_date(date.as_date(), "long", locale=language)
            assert format_short_date(date, language) == expected
        full = format_date(date.as_date(), "full", locale=language) if date.day else \
            format_skeleton("yMMMM", date.as_date(), locale=language)
        ten, noon = dt.time(10, 0), dt.time(12, 30)
        assert format_meeting_date(Meeting(date, None, None), language, gettext) == full
        if date.day:
            start, end = format_time(ten, "short", locale=language), format_time(noon, "short", locale=language)
            assert format_meeting_date(Meeting(date, ten, None), language, gettext) == \
                gettext("%(date)s at %(time)s") % {"date": full, "time": start}
            assert format_meeting_date(Meeting(date, ten, noon), language, gettext) == \
                gettext("%(date)s, %(start)s–%(end)s") % {"date": full, "start": start, "end": end}
