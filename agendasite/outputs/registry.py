"""The site-level files besides the pages, in one list: what each output takes from every meeting (its
parts, made by the meeting's worker from the complete meeting) and how its files are put together.

A new output is one entry here (docs/architecture.md shows one): the engine has each meeting's worker run
its producers, keeps the parts with the meeting, and makes a file again only when the parts it reads
(`Parts.key`) changed since the last build.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..model import Config, Site
from ..plan.published import Parts, Producer, SiteFile, updated_part
from .feeds import feed_files, feed_part
from .ical import calendar_files, calendar_part
from .opendata import open_data_part
from .opendata_site import open_data_files
from .sitemap import sitemap_files, sitemap_part

SitePages = Callable[[], tuple[list[str], list[str]]]  # the URLs of the site-level pages: before, after the meetings'


@dataclass(frozen=True, slots=True)
class SiteOutput:
    """One kind of site-level file: the parts it reads of each meeting, and its files."""

    name: str
    producers: tuple[Producer, ...]  # a complete meeting -> its parts by name
    files: Callable[[Site, Parts, SitePages], list[SiteFile]]  # from the site of headings and the parts
    needs_base_url: bool = True  # absolute addresses: made only when site_config.yml has base_url


OUTPUTS: tuple[SiteOutput, ...] = (
    SiteOutput("feeds", (updated_part, feed_part), lambda site, parts, pages: feed_files(site, parts)),
    SiteOutput("calendars", (calendar_part,), lambda site, parts, pages: calendar_files(site, parts)),
    SiteOutput("open data", (updated_part, open_data_part), lambda site, parts, pages: open_data_files(site, parts)),
    SiteOutput("sitemap", (sitemap_part,), sitemap_files),
)


def producers(outputs: tuple[SiteOutput, ...]) -> tuple[Producer, ...]:
    """Every producer the outputs need, each once, in order."""
    return tuple(dict.fromkeys(p for output in outputs for p in output.producers))


def active(outputs: tuple[SiteOutput, ...], config: Config) -> tuple[SiteOutput, ...]:
    """The outputs this site makes (those needing base_url only with one)."""
    return tuple(o for o in outputs if config.base_url is not None or not o.needs_base_url)
